"""Cheap lookups answered on the event loop when everything they read is cached, in a worker
thread otherwise.

FastAPI runs a plain ``def`` route in a worker thread: the hop there and back (and the interpreter
lock handed to and fro) costs more than a cached lookup itself, about 0.3 ms a request, and under
concurrent load it is what requests queue on. So a lookup is first tried under
``GraphCache.cached_only()`` right on the event loop; if it would have to project, compute or wait
for anything (``NotCached``), it runs in a worker thread as before. Only work that stays small
belongs here: a long computation on the event loop would stall every request.

>>> import asyncio
>>> from stores.embedded import EmbeddedStore
>>> cache = GraphCache(EmbeddedStore(":memory:"))
>>> cache._store.ensure_schema()
>>> asyncio.run(answer(cache, lambda: cache.memo(("n",), lambda: 42)))  # computed in a worker thread
42
>>> with cache.cached_only():  # now it is cached
...     cache.memo(("n",), lambda: 0)
42
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from app.readmodel.graph_cache import GraphCache, NotCached

T = TypeVar("T")


async def answer(cache: GraphCache, fast: Callable[[], T], slow: Callable[[], T] | None = None) -> T:
    """``fast()`` on the event loop if ``cache`` holds all it needs, else ``slow()`` (default ``fast()``)
    in a worker thread; both must give the same answer."""
    try:
        with cache.cached_only():
            return fast()
    except NotCached:
        return await run_in_threadpool(slow or fast)

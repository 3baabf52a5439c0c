"""Long computations in the background: a request that would have to wait for one is answered
正在准备 (``Preparing``: HTTP 202 with ``Retry-After``) instead of being held for minutes.

After an import (a new store revision) or at start the analyses of the new data are not computed
yet; at 100k enterprises a chain's critical dependencies take seconds to minutes. A request is
first tried under ``GraphCache.prepared_only()``: it runs at once when everything long it needs
(projections, views, ``memo`` results) is held. Otherwise the same work is handed to one background
worker (one job per key at a time, so a page that refreshes itself does not queue it twice), and the
request waits for it at most ``wait`` seconds: a quick computation is still answered directly,
a long one with ``Preparing``; the next request after it has finished finds it cached. ``wait=0``
answers ``Preparing`` whenever the work was not prepared, however quick it turns out.

``wait=None`` computes within the request, as before (the tests' apps and tools; ``chainatlas
serve`` waits ``PREPARE_WAIT`` seconds).

>>> from stores.embedded import EmbeddedStore
>>> store = EmbeddedStore(":memory:"); store.ensure_schema()
>>> cache = GraphCache(store)
>>> preparation = Preparation(cache, wait=0.0)
>>> computing = threading.Event()  # held until released, as a long computation would be
>>> preparation.run(("n",), lambda: cache.memo(("n",), lambda: computing.wait(5) and 42))
Traceback (most recent call last):
app.readmodel.preparing.Preparing: 数据正在准备，请稍候
>>> computing.set(); preparation.finish(("n",))
>>> preparation.run(("n",), lambda: cache.memo(("n",), lambda: 0))  # computed in the background meanwhile
42
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import logging
import queue
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from app.readmodel.graph_cache import GraphCache, NotPrepared
from graph_schema.errors import ChainAtlasError

PREPARE_WAIT = 2.0  # seconds a request of `chainatlas serve` waits for a background computation
RETRY_AFTER = 5  # seconds a 正在准备 answer asks the client to wait (and a page waits before it refreshes)
PREPARING = "数据正在准备，请稍候"
IDLE_SECONDS = 30.0  # the background worker stops after this long without work (a new job starts it again)
T = TypeVar("T")
log = logging.getLogger("chainatlas.preparing")


class Preparing(Exception):
    """The answer is being computed in the background: ask again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int = RETRY_AFTER) -> None:
        super().__init__(PREPARING)
        self.retry_after = retry_after


class Preparation:
    """Runs requests' work now when it is prepared, else in one background worker (``run``)."""

    def __init__(self, cache: GraphCache, wait: float | None) -> None:
        self.cache = cache
        self.wait = wait
        self._lock = threading.Lock()
        self._jobs: dict[Hashable, Future[Any]] = {}
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]]] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None

    def run(self, key: Hashable, work: Callable[[], T]) -> T:
        """``work()`` now if ``cache`` holds every long computation it needs; else ``work()`` in the
        background (once per ``key`` at a time), waiting for it at most ``wait`` seconds, then
        ``Preparing``. Errors of ``work`` (a 404, a 422) reach the request that waits for it."""
        if self.wait is None:
            return work()
        try:
            with self.cache.prepared_only():
                return work()
        except NotPrepared:
            pass
        job, mine = self._job(key, work)
        if self.wait <= 0:  # never wait: the answer is the next request's, however quick the work
            raise Preparing
        try:
            result: T = job.result(timeout=self.wait)
        except FutureTimeout:
            raise Preparing from None
        if mine:
            return result
        try:  # another request's job: its answer was made for that request, so make this one's now
            with self.cache.prepared_only():
                return work()
        except NotPrepared:
            raise Preparing from None

    def finish(self, key: Hashable, timeout: float | None = None) -> None:
        """Wait until the background job of ``key`` (if any) is done (for tests and tools)."""
        with self._lock:
            job = self._jobs.get(key)
        if job is not None:
            try:
                job.result(timeout=timeout)
            except Exception:  # noqa: BLE001, S110 - its own request reports the error; here only its end counts
                pass

    def _job(self, key: Hashable, work: Callable[[], Any]) -> tuple[Future[Any], bool]:
        """The job of ``key`` under way, or a new one running ``work`` (with this request's context:
        its date, ``app.readmodel.graph_cache.dated``); whether it is new."""
        with self._lock:
            if (job := self._jobs.get(key)) is not None:
                return job, False
            job = Future()
            self._jobs[key] = job
            context = contextvars.copy_context()
            self._queue.put((job, lambda: context.run(work)))
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="chainatlas-prepare", daemon=True)
                self._worker.start()
        job.add_done_callback(lambda _: self._forget(key, job))
        return job, True

    def _forget(self, key: Hashable, job: Future[Any]) -> None:
        with self._lock:
            if self._jobs.get(key) is job:
                del self._jobs[key]

    def _work(self) -> None:
        """The background worker: one job after another; it ends when idle for ``IDLE_SECONDS``."""
        while True:
            try:
                job, work = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._worker = None
                        return
                continue
            if not job.set_running_or_notify_cancel():
                continue
            try:
                job.set_result(work())
            except BaseException as exc:  # noqa: BLE001 - handed to the request that waits for it
                if not isinstance(exc, ChainAtlasError) and getattr(exc, "status_code", None) is None:
                    log.exception("background computation failed")
                job.set_exception(exc)


def prepared_page(handler: Callable[..., T]) -> Callable[..., T]:
    """A page route (a plain ``def`` taking ``request``) run through the app's ``Preparation``: while
    what it shows is computed in the background it raises ``Preparing``, which the app answers with
    the 数据正在准备，请稍候 page that refreshes itself (``app.web.error_pages.preparing_page``)."""

    @functools.wraps(handler)
    def page(**params: Any) -> T:
        request = params["request"]
        preparation: Preparation = request.app.state.preparation
        key = ("page", handler.__qualname__, request.url.path, request.url.query, getattr(request.state, "role", None))
        return preparation.run(key, lambda: handler(**params))

    # FastAPI reads the parameters from the signature; resolved here, as the handler's module names its types
    page.__signature__ = inspect.signature(handler, eval_str=True)  # type: ignore[attr-defined]
    return page


class Rewarm:
    """``build`` (which fills the caches) in a background thread on ``request()``; a request while it
    runs makes it run once more afterwards, so what it leaves is for the latest revision.

    >>> runs = []
    >>> rewarm = Rewarm(lambda: runs.append(1))
    >>> rewarm.request(); rewarm.join()
    >>> runs
    [1]
    """

    def __init__(self, build: Callable[[], object]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._again = False
        self._thread: threading.Thread | None = None
        self._stopped = False

    def request(self, *_: object) -> None:
        """Build now in the background, or once more after the build under way."""
        with self._lock:
            if self._stopped:
                return
            if self._thread is not None:
                self._again = True
                return
            self._thread = threading.Thread(target=self._run, name="chainatlas-warm", daemon=True)
            self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the builds under way (for tests and tools)."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """At the app's shutdown: no more builds; the one under way is given ``timeout`` seconds.

        >>> rewarm = Rewarm(lambda: None)
        >>> rewarm.stop(); rewarm.request(); rewarm.join()  # a request after stop() builds nothing
        """
        with self._lock:
            self._stopped, self._again = True, False
        self.join(timeout)

    def _run(self) -> None:
        while True:
            try:
                self._build()
            except ChainAtlasError:
                pass  # the store failed: the requests that need it report it, and the next change builds again
            except Exception:  # noqa: BLE001 - a warm-up that fails must not end the server; requests compute for themselves
                if not self._stopped:  # after stop() the app's store may be closed under it: nothing to tell
                    log.exception("warming the caches failed")
            with self._lock:
                if not self._again:
                    self._thread = None
                    return
                self._again = False

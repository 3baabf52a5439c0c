"""Write batches in a background thread while the caller produces the next ones.

A store spends most of a write outside Python — in SQLite's C code or waiting for Neo4j — and
releases the interpreter lock meanwhile, so validating or generating batch *n + 1* overlaps with
writing batch *n*. Batches are written one at a time and in order; the first failure stops the
writes (nothing after it is written) and is raised in the caller's thread.

>>> from stores.embedded import EmbeddedStore
>>> from graph_schema import Chain
>>> from stores.base import WriteBatch
>>> store = EmbeddedStore(":memory:"); store.ensure_schema()
>>> batches = (WriteBatch(nodes=[Chain(id=f"chain:c{n}", name=f"链{n}", kind="新兴")]) for n in range(3))
>>> write_batches(store, batches)
3
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Sized
from typing import TypeVar, cast

from stores.base import GraphStore

B = TypeVar("B", bound=Sized)
"""A batch: a WriteBatch, or another a ``write`` given takes (``stores.embedded_rows.RowBatch``)."""


def write_batches(
    store: GraphStore,
    batches: Iterable[B],
    *,
    on_written: Callable[[B], None] | None = None,
    ahead: int = 2,
    timings: dict[str, float] | None = None,
    write: Callable[[B], None] | None = None,
) -> int:
    """Write every batch of ``batches`` (in order) and return how many items were written.

    At most ``ahead`` produced batches wait for the writer, so memory stays bounded.
    ``on_written`` is called in the writer thread after each batch is committed. ``timings``,
    when given, receives the seconds spent inside ``store.write`` under ``"write"``. ``write``
    writes one batch (default ``store.write``; ``ImportSession.write`` writes it as pending, and
    ``ImportSession.write_rows`` batches of rows, ``stores.embedded_rows``).
    """
    write_one: Callable[[B], None] = write if write is not None else cast(Callable[[B], None], store.write)
    pending: queue.Queue[B | None] = queue.Queue(maxsize=ahead)  # None: no more batches
    failure: list[BaseException] = []
    written = [0]  # items
    seconds = [0.0]  # inside store.write

    def writer() -> None:
        while (batch := pending.get()) is not None:
            if failure:
                continue  # drain what the producer already queued; write nothing after a failure
            try:
                started = time.perf_counter()
                write_one(batch)
                seconds[0] += time.perf_counter() - started
                written[0] += len(batch)
                if on_written is not None:
                    on_written(batch)
            except BaseException as exc:  # re-raised in the caller's thread
                failure.append(exc)

    thread = threading.Thread(target=writer, name="chainatlas-writer", daemon=True)
    thread.start()
    try:
        for batch in batches:
            if failure:
                break
            if len(batch):
                pending.put(batch)
    finally:
        pending.put(None)
        thread.join()
        if timings is not None:
            timings["write"] = timings.get("write", 0.0) + seconds[0]
    if failure:
        raise failure[0]
    return written[0]

"""Projections cached per store revision: analyses run on a NetworkX graph that is rebuilt only
when the store has changed since it was projected.

Once the projections are large (``freeze_gc_above`` nodes), what the cache keeps is moved out of the
garbage collector's sight with ``gc.freeze()``: a full collection would otherwise walk the
millions of objects of the projection, pausing every request for a second or two. A change of
revision hands them back (``gc.unfreeze()``) so the old projection can be collected.

Inside ``cached_only()`` the cache answers only from what it holds for the store's current
revision and raises ``NotCached`` instead of projecting, computing or waiting for its lock: a
request may then be answered on the event loop and is handed to a worker thread otherwise.

>>> from stores.embedded import EmbeddedStore
>>> store = EmbeddedStore(":memory:"); store.ensure_schema()
>>> cache = GraphCache(store)
>>> cache.graph() is cache.graph()
True
>>> cache.recent(("page", 1), lambda: [1, 2]) is cache.recent(("page", 1), lambda: [3])
True
>>> with cache.cached_only():
...     cache.memo(("never computed",), lambda: 1)
Traceback (most recent call last):
app.readmodel.graph_cache.NotCached
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar, cast

import networkx as nx

from app.readmodel.store_health import StoreHealth
from graph_schema.errors import ChainAtlasError, StoreUnavailable
from stores.base import GraphStore

RECENT_LIMIT = 128
Key = tuple[object, ...]  # what a result is kept under: the analysis' name and its parameters
T = TypeVar("T")
_CACHED_ONLY: ContextVar[bool] = ContextVar("chainatlas_cached_only", default=False)


class NotCached(Exception):
    """Raised inside ``GraphCache.cached_only()`` where an answer would have to be computed or waited for."""


class GraphCache:
    """Whole-graph and per-chain projections of one store, reused until its revision changes.

    ``local_revision``: reading the store's revision is a quick local read (the embedded store's
    file; a Neo4j round trip is not), so ``cached_only()`` may do it; by default what the store
    says of itself (``GraphStore.revision_is_in_process``).
    """

    def __init__(self, store: GraphStore, *, freeze_gc_above: int = 20_000, local_revision: bool | None = None,
                 health: StoreHealth | None = None) -> None:
        self._store = store
        self._health = health
        self._freeze_gc_above = freeze_gc_above
        self._local_revision = store.revision_is_in_process if local_revision is None else local_revision
        self._lock = threading.Lock()
        self._revision: int | None = None
        self._graphs: dict[str | None, nx.MultiDiGraph] = {}
        self._views: dict[str | None, object] = {}
        self._results: dict[Key, object] = {}
        self._recent: OrderedDict[Key, object] = OrderedDict()
        self._froze = False
        self._writes = 0
        self._writes_lock = threading.Lock()
        self._building = False

    def graph(self, chain_id: str | None = None) -> nx.MultiDiGraph:
        """The projection of the whole graph (``None``) or of one chain; treat it as read-only.

        While the store is down (``StoreHealth``) a projection already held is returned as it is (the
        last known revision's); anything else raises StoreUnavailable.
        """
        if _CACHED_ONLY.get():
            return self._cached_graph(chain_id)
        try:
            revision = self._read_revision()
        except StoreUnavailable:
            with self._lock:
                if self._revision is not None and chain_id in self._graphs:
                    return self._graphs[chain_id]
            raise
        with self._lock:
            if revision != self._revision:
                self._drop_all(revision)
            if chain_id not in self._graphs:
                with _collector_paused():  # millions of new objects that all live on: a collection would find nothing
                    self._graphs[chain_id] = self._store.project(chain_id)
                self._settle()
            return self._graphs[chain_id]

    def view(self, chain_id: str | None = None):  # type: ignore[no-untyped-def]
        """The analyses' ``ChainView`` of one chain (or of the whole graph), built once per revision."""
        from queries.view import chain_view

        graph = self.graph(chain_id)
        with self._holding():
            if chain_id not in self._views:
                _refuse_when_cached_only()
                self._views[chain_id] = chain_view(graph, chain_id)
                self._settle()
            return self._views[chain_id]

    def memo(self, key: Key, compute: Callable[[], T]) -> T:
        """``compute()`` once per store revision for ``key`` (an analysis and its parameters)."""
        revision = self._current()
        with self._holding():
            if key in self._results:
                return cast(T, self._results[key])
        _refuse_when_cached_only()
        result = compute()
        with self._lock:
            if self._revision == revision:  # not kept when an import landed meanwhile
                self._results[key] = result
                self._settle()
        return result

    def recent(self, key: Key, compute: Callable[[], T]) -> T:
        """Like ``memo`` for results with open-ended keys (a filter, a page): only the
        ``RECENT_LIMIT`` most recently used are kept."""
        revision = self._current()
        with self._holding():
            if key in self._recent:
                self._recent.move_to_end(key)
                return cast(T, self._recent[key])
        _refuse_when_cached_only()
        result = compute()
        with self._lock:
            if self._revision == revision:
                self._recent[key] = result
                if len(self._recent) > RECENT_LIMIT:
                    self._recent.popitem(last=False)
        return result

    def ready(self, key: Key | None = None) -> bool:
        """Whether the whole graph (and the ``memo`` result ``key``) is held for the store's current
        revision; never waits for a projection under way."""
        try:
            revision = self._read_revision()
        except StoreUnavailable:
            return False
        if not self._lock.acquire(blocking=False):
            return False
        try:
            return revision == self._revision and None in self._graphs and (key is None or key in self._results)
        finally:
            self._lock.release()

    def build_soon(self, build: Callable[[], object]) -> None:
        """Run ``build`` (which fills the cache) in a background thread, unless one is running already."""
        with self._writes_lock:
            if self._building:
                return
            self._building = True

        def run() -> None:
            try:
                build()
            except ChainAtlasError:
                pass  # the store failed: the next request that needs it tries again and reports it
            finally:
                self._building = False

        threading.Thread(target=run, name="chainatlas-cache", daemon=True).start()

    @contextmanager
    def cached_only(self) -> Iterator[None]:
        """Inside: answer from what is cached for the current revision, or raise ``NotCached``."""
        token = _CACHED_ONLY.set(True)
        try:
            yield
        finally:
            _CACHED_ONLY.reset(token)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Around a write by this process: meanwhile ``cached_only()`` reads nothing from the store
        (the embedded store holds its lock for a whole batch, which the event loop must not wait for)."""
        with self._writes_lock:
            self._writes += 1
        try:
            yield
        finally:
            with self._writes_lock:
                self._writes -= 1

    def _cached_graph(self, chain_id: str | None) -> nx.MultiDiGraph:
        if not self._local_revision or self._writes:
            raise NotCached
        with self._holding():  # held while reading the revision: a projection under way holds it too
            if chain_id not in self._graphs:
                raise NotCached
            try:
                current = self._read_revision()
            except StoreUnavailable:
                return self._graphs[chain_id]  # the last known revision's, while the store is down
            if current != self._revision:
                raise NotCached
            return self._graphs[chain_id]

    def _read_revision(self) -> int:
        """The store's revision, read now; through the health probe when there is one, so that a store
        that is down or frozen costs at most its timeout (StoreUnavailable)."""
        return self._health.fresh_revision() if self._health is not None else self._store.revision()

    @contextmanager
    def _holding(self) -> Iterator[None]:
        """The lock; under ``cached_only()`` only if it is free at once."""
        if not self._lock.acquire(blocking=not _CACHED_ONLY.get()):
            raise NotCached
        try:
            yield
        finally:
            self._lock.release()

    def _current(self) -> int | None:
        """The revision the caches are for, after dropping them if the store has changed (while the
        store is down: the last known one, if its whole graph is held)."""
        self.graph()
        with self._holding():
            return self._revision

    def _drop_all(self, revision: int) -> None:
        self._graphs.clear()
        self._views.clear()
        self._results.clear()
        self._recent.clear()
        self._revision = revision
        if self._froze:  # the old projection may now be collected
            gc.unfreeze()
            self._froze = False

    def _settle(self) -> None:
        """Freeze what is alive now out of full collections, once the projections are large."""
        if sum(graph.number_of_nodes() for graph in self._graphs.values()) >= self._freeze_gc_above:
            gc.freeze()
            self._froze = True


def _refuse_when_cached_only() -> None:
    if _CACHED_ONLY.get():
        raise NotCached


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (reference counting goes on)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

"""Projections cached per store revision: analyses run on a NetworkX graph that is rebuilt only
when the store has changed since it was projected.

Once the projections are large (``freeze_gc_above`` nodes), what the cache keeps is moved out of the
garbage collector's sight with ``gc.freeze()``: a full collection would otherwise walk the
millions of objects of the projection, pausing every request for a second or two. A change of
revision hands them back (``gc.unfreeze()``) so the old projection can be collected.

>>> from stores.embedded import EmbeddedStore
>>> store = EmbeddedStore(":memory:"); store.ensure_schema()
>>> cache = GraphCache(store)
>>> cache.graph() is cache.graph()
True
>>> cache.recent(("page", 1), lambda: [1, 2]) is cache.recent(("page", 1), lambda: [3])
True
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import networkx as nx

from stores.base import GraphStore

RECENT_LIMIT = 128


class GraphCache:
    """Whole-graph and per-chain projections of one store, reused until its revision changes."""

    def __init__(self, store: GraphStore, *, freeze_gc_above: int = 20_000) -> None:
        self._store = store
        self._freeze_gc_above = freeze_gc_above
        self._lock = threading.Lock()
        self._revision: int | None = None
        self._graphs: dict[str | None, nx.MultiDiGraph] = {}
        self._views: dict[str | None, object] = {}
        self._results: dict[tuple, object] = {}
        self._recent: OrderedDict[tuple, object] = OrderedDict()
        self._froze = False

    def graph(self, chain_id: str | None = None) -> nx.MultiDiGraph:
        """The projection of the whole graph (``None``) or of one chain; treat it as read-only."""
        revision = self._store.revision()
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
        from queries.coverage import chain_view

        graph = self.graph(chain_id)
        with self._lock:
            if chain_id not in self._views:
                self._views[chain_id] = chain_view(graph, chain_id)
                self._settle()
            return self._views[chain_id]

    def memo(self, key: tuple, compute):  # type: ignore[no-untyped-def]
        """``compute()`` once per store revision for ``key`` (an analysis and its parameters)."""
        revision = self._current()
        with self._lock:
            if key in self._results:
                return self._results[key]
        result = compute()
        with self._lock:
            if self._revision == revision:  # not kept when an import landed meanwhile
                self._results[key] = result
                self._settle()
        return result

    def recent(self, key: tuple, compute):  # type: ignore[no-untyped-def]
        """Like ``memo`` for results with open-ended keys (a filter, a page): only the
        ``RECENT_LIMIT`` most recently used are kept."""
        revision = self._current()
        with self._lock:
            if key in self._recent:
                self._recent.move_to_end(key)
                return self._recent[key]
        result = compute()
        with self._lock:
            if self._revision == revision:
                self._recent[key] = result
                if len(self._recent) > RECENT_LIMIT:
                    self._recent.popitem(last=False)
        return result

    def _current(self) -> int | None:
        """The revision the caches are for, after dropping them if the store has changed."""
        self.graph()
        with self._lock:
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

"""Projections cached per store revision: analyses run on a NetworkX graph that is rebuilt only
when the store has changed since it was projected.

>>> from stores.embedded import EmbeddedStore
>>> store = EmbeddedStore(":memory:"); store.ensure_schema()
>>> cache = GraphCache(store)
>>> cache.graph() is cache.graph()
True
"""

from __future__ import annotations

import threading

import networkx as nx

from stores.base import GraphStore


class GraphCache:
    """Whole-graph and per-chain projections of one store, reused until its revision changes."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._revision: int | None = None
        self._graphs: dict[str | None, nx.MultiDiGraph] = {}
        self._views: dict[str | None, object] = {}
        self._results: dict[tuple, object] = {}

    def graph(self, chain_id: str | None = None) -> nx.MultiDiGraph:
        """The projection of the whole graph (``None``) or of one chain; treat it as read-only."""
        revision = self._store.revision()
        with self._lock:
            if revision != self._revision:
                self._graphs.clear()
                self._views.clear()
                self._results.clear()
                self._revision = revision
            if chain_id not in self._graphs:
                self._graphs[chain_id] = self._store.project(chain_id)
            return self._graphs[chain_id]

    def view(self, chain_id: str | None = None):  # type: ignore[no-untyped-def]
        """The analyses' ``ChainView`` of one chain (or of the whole graph), built once per revision."""
        from queries.coverage import chain_view

        graph = self.graph(chain_id)
        with self._lock:
            if chain_id not in self._views:
                self._views[chain_id] = chain_view(graph, chain_id)
            return self._views[chain_id]

    def memo(self, key: tuple, compute):  # type: ignore[no-untyped-def]
        """``compute()`` once per store revision for ``key`` (an analysis and its parameters)."""
        self.graph()  # drops every cached result when the store has changed
        with self._lock:
            if key in self._results:
                return self._results[key]
        result = compute()
        with self._lock:
            self._results[key] = result
        return result

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

    def graph(self, chain_id: str | None = None) -> nx.MultiDiGraph:
        """The projection of the whole graph (``None``) or of one chain; treat it as read-only."""
        revision = self._store.revision()
        with self._lock:
            if revision != self._revision:
                self._graphs.clear()
                self._revision = revision
            if chain_id not in self._graphs:
                self._graphs[chain_id] = self._store.project(chain_id)
            return self._graphs[chain_id]

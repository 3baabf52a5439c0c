"""The per-revision cache: bounded recent results, no stale result kept across an import, and the
garbage collector kept off large projections."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from app import graph_cache
from app.graph_cache import GraphCache
from graph_schema import Chain
from stores.base import WriteBatch
from stores.embedded import EmbeddedStore


@pytest.fixture
def store() -> Iterator[EmbeddedStore]:
    embedded = EmbeddedStore(":memory:")
    embedded.ensure_schema()
    embedded.write(WriteBatch(nodes=[Chain(id="chain:aviation", name="航空", kind="新兴")]))
    yield embedded
    embedded.close()


def add_chain(store: EmbeddedStore, name: str) -> None:
    store.write(WriteBatch(nodes=[Chain(id=f"chain:{name}", name=name, kind="新兴")]))


def test_recent_keeps_only_the_most_recently_used(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graph_cache, "RECENT_LIMIT", 2)
    cache = GraphCache(store)
    calls: list[int] = []

    def compute(n: int):  # type: ignore[no-untyped-def]
        return lambda: calls.append(n) or [n]

    first = cache.recent(("k", 1), compute(1))
    cache.recent(("k", 2), compute(2))
    assert cache.recent(("k", 1), compute(1)) is first  # used again: now the most recent
    cache.recent(("k", 3), compute(3))  # evicts 2, the least recently used
    cache.recent(("k", 1), compute(1))
    cache.recent(("k", 2), compute(2))
    assert calls == [1, 2, 3, 2]


def test_results_follow_the_revision(store: EmbeddedStore) -> None:
    cache = GraphCache(store)
    count = lambda: cache.graph().number_of_nodes()  # noqa: E731
    assert cache.memo(("n",), count) == cache.recent(("n",), count) == 1
    add_chain(store, "cars")
    assert cache.memo(("n",), count) == cache.recent(("n",), count) == 2


def test_a_result_computed_across_an_import_is_not_kept(store: EmbeddedStore) -> None:
    cache = GraphCache(store)

    def compute_while_importing() -> int:
        before = cache.graph().number_of_nodes()
        add_chain(store, "cars")
        cache.graph()  # another request notices the import meanwhile
        return before

    assert cache.memo(("n",), compute_while_importing) == 1  # the caller gets what it computed ...
    assert cache.memo(("n",), lambda: cache.graph().number_of_nodes()) == 2  # ... but it was not kept
    assert cache.recent(("r",), compute_while_importing) == 2
    assert cache.recent(("r",), lambda: -1) == -1


def test_large_projections_are_frozen_out_of_full_collections(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    unfrozen: list[bool] = []
    real_unfreeze = gc.unfreeze
    monkeypatch.setattr(gc, "unfreeze", lambda: unfrozen.append(True) or real_unfreeze())
    real_unfreeze()
    try:
        small = GraphCache(store)  # the default threshold is far above one node
        small.graph()
        assert gc.get_freeze_count() == 0
        cache = GraphCache(store, freeze_gc_above=1)
        graph = cache.graph()
        assert gc.get_freeze_count() > 0
        add_chain(store, "cars")
        assert cache.graph() is not graph and unfrozen == [True]  # handed back, then the new one frozen
        assert gc.get_freeze_count() > 0
    finally:
        real_unfreeze()

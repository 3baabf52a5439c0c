"""The chains in the plan's order are read from the chain nodes alone: every page calls
``ordered_chains`` (the 关键依赖清单 page four times a request), so walking every node of a 100k
graph there cost ~150 ms of CPU a request (docs/benchmarks.md)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.readmodel.graph_cache import GraphCache
from app.readmodel.workspace import ordered_chains
from loaders.reference import load_reference
from queries.compact import NodeView
from stores.embedded import EmbeddedStore


@pytest.fixture(scope="module")
def cache() -> Iterator[GraphCache]:
    store = EmbeddedStore(":memory:")
    store.ensure_schema()
    load_reference(store)
    yield GraphCache(store)
    store.close()


def scanned(cache: GraphCache) -> list[dict[str, object]]:
    """What a walk over every node finds (the former way)."""
    chains = [{"id": node, **attrs} for node, attrs in cache.graph().nodes(data=True) if attrs.get("label") == "Chain"]
    return sorted(chains, key=lambda chain: (chain.get("plan_order") or 99, chain["id"]))


def test_the_chains_in_plan_order(cache: GraphCache) -> None:
    chains = ordered_chains(cache)
    assert chains == scanned(cache) and len(chains) == 8
    assert [chain["plan_order"] for chain in chains] == sorted(chain["plan_order"] for chain in chains)


def test_no_walk_over_every_node(cache: GraphCache, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = scanned(cache)

    def walked(*args: object, **kwargs: object) -> None:
        raise AssertionError("ordered_chains walked every node of the graph")

    monkeypatch.setattr(NodeView, "__call__", walked)
    monkeypatch.setattr(NodeView, "__iter__", walked)
    assert ordered_chains(cache) == expected

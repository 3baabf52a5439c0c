"""The chains in the plan's order are read from the chain nodes alone: every page calls
``ordered_chains`` (the 关键依赖清单 page four times a request), so walking every node of a 100k
graph there cost ~150 ms of CPU a request (docs/benchmarks.md). The 断链推演 form's lists walk every
node once per store revision, not once per request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.readmodel.graph_cache import GraphCache
from app.readmodel.lists import disruption_choices
from app.readmodel.workspace import ordered_chains
from graph_schema import Enterprise
from loaders.reference import load_reference
from queries.compact import NodeView
from stores.base import WriteBatch
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


def test_the_disruption_lists_are_walked_once_per_revision(monkeypatch: pytest.MonkeyPatch) -> None:
    store = EmbeddedStore(":memory:")
    store.ensure_schema()
    load_reference(store)
    cache = GraphCache(store)
    first = disruption_choices(cache)
    parks = [name for _, name in first["park"]]
    assert parks == sorted(parks) and len(parks) == 22 and first["province"] == [] and first["country"] == []

    walks = []
    iterate = NodeView.__call__
    monkeypatch.setattr(NodeView, "__call__", lambda self, *a, **k: walks.append(1) or iterate(self, *a, **k))
    assert disruption_choices(cache) == first and walks == []  # the same revision: kept

    store.write(WriteBatch(nodes=[Enterprise(id="ent:seoul-cells", name="首尔电芯", country="韩国", province="首尔"),
                                  Enterprise(id="ent:nc-pack", name="南昌电池包", local=True, province="江西省", district="南昌县")]))
    after = disruption_choices(cache)  # an import: walked again, and the new places are offered
    assert walks == [1]
    assert after["country"] == [("中国", "中国"), ("韩国", "韩国")] and after["province"] == [("江西省", "江西省"), ("首尔", "首尔")]
    assert ("南昌县", "南昌县") in after["district"] and after["park"] == first["park"]

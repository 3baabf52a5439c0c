"""Lookups served from the cached projection give exactly what the store gives, on both stores,
follow an import at once, and answer from the store while the projection is being built."""

from __future__ import annotations

import random
import time

import pytest

from app.readmodel.graph_cache import GraphCache
from app.readmodel.lookups import (
    NAME_INDEXES,
    EnterpriseFilter,
    chain_detail,
    enterprise_rows,
    neighbourhood_from_graph,
    neighbourhood_without_waiting,
    search,
    search_without_waiting,
)
from graph_schema import Enterprise, Leads, Park
from graph_schema.registry import NODE_LABELS, RELATIONSHIP_TYPES
from loaders.demo import load_demo
from stores.base import GraphStore, NeighbourhoodQuery, WriteBatch
from tests.contract.sample import sample_batch


@pytest.fixture
def demo_store(store: GraphStore) -> GraphStore:
    """A small demo plus the contract sample and names chosen to tie, nest and collide."""
    load_demo(store, 500, seed=5)
    store.write(sample_batch())
    store.write(WriteBatch(nodes=[
        Enterprise(id="ent:tie-b", name="储能", aliases=["南昌储能"], synthetic=True),
        Enterprise(id="ent:tie-a", name="储能", credit_code="91360100MA35GWXY5H", synthetic=True),
        Enterprise(id="ent:alias-only", name="某某公司", aliases=["电芯之王", "储"], synthetic=True),
        Enterprise(id="ent:code-only", name="代码企业", credit_code="91360100000000000M", synthetic=True),
        Park(id="park:storage", name="储能园"),
    ]))
    return store


def queries(store: GraphStore, graph, rng: random.Random) -> list[str]:  # type: ignore[no-untyped-def]
    """Substrings of names and aliases, ids, credit codes, and text that matches nothing."""
    texts = []
    for _, attrs in graph.nodes(data=True):
        texts += [attrs["name"], *(attrs.get("aliases") or ())]
    found = []
    for _ in range(120):
        text = rng.choice(texts)
        start = rng.randrange(len(text))
        found.append(text[start:start + rng.randint(1, 4)])
    found += rng.sample(sorted(graph.nodes), 10)
    found += [attrs["credit_code"] for _, attrs in graph.nodes(data=True) if attrs.get("credit_code")][:10]
    found += ["储能", "储", "南昌", "有限公司", " 储能 ", "不存在", "%", "_", "\x1e储", "储\x1e能", "ent:"]
    return found


def test_search_from_memory_equals_the_store(demo_store: GraphStore) -> None:
    cache = GraphCache(demo_store)
    rng = random.Random(8810)
    for text in queries(demo_store, cache.graph(), rng):
        labels = rng.choice([None, None, *([label] for label in NODE_LABELS), ["Enterprise", "Park"]])
        limit = rng.choice([1, 2, 5, 20, 200])
        expected = demo_store.search(text, labels=labels, limit=limit)
        assert search(cache, text, labels=labels, limit=limit) == expected, (text, labels, limit)
    # exact names first (by id), then names starting with the text (shortest first)
    assert [node["id"] for node in search(cache, "储能", limit=3)] == ["ent:tie-a", "ent:tie-b", "park:storage"]


def test_search_follows_an_import(demo_store: GraphStore) -> None:
    cache = GraphCache(demo_store)
    assert search(cache, "新来的企业") == []
    demo_store.write(WriteBatch(nodes=[Enterprise(id="ent:new", name="新来的企业", synthetic=True)]))
    assert [node["id"] for node in search(cache, "新来的企业")] == ["ent:new"]
    demo_store.delete_nodes(["ent:new"])
    assert search(cache, "新来的企业") == []


def test_neighbourhood_from_memory_equals_the_store(demo_store: GraphStore) -> None:
    cache = GraphCache(demo_store)
    graph = cache.graph()
    rng = random.Random(7)
    starts = rng.sample(sorted(graph.nodes), 25) + ["chain:new-energy", "ent:cathode", "ent:absent"]
    for node in starts:
        options = {
            "rel_types": rng.choice([None, None, rng.sample(sorted(RELATIONSHIP_TYPES), rng.randint(1, 3))]),
            "labels": rng.choice([None, None, rng.sample(sorted(NODE_LABELS), rng.randint(1, 3))]),
            "direction": rng.choice(["out", "in", "both"]),
            "max_nodes": rng.choice([1, 5, 50, 5000]),
        }
        depth = rng.randint(0, 3)
        expected = demo_store.neighbourhood(NeighbourhoodQuery([node], depth, **options))
        expected = expected if node in graph else None  # no such node: None
        for _ in range(2):  # read, then kept
            assert neighbourhood_from_graph(cache, NeighbourhoodQuery([node], depth, **options)) == expected, (node, depth, options)


def test_chain_detail_and_enterprise_lists_follow_an_import(demo_store: GraphStore) -> None:
    cache = GraphCache(demo_store)
    leaders = [leader["id"] for leader in chain_detail(cache, "chain:new-energy")["leaders"]]
    on_chain = EnterpriseFilter(chain="chain:new-energy")
    listed = [row["id"] for row in enterprise_rows(cache, on_chain)]
    assert "ent:newcomer" not in leaders + listed and chain_detail(cache, "chain:absent") is None
    demo_store.write(WriteBatch(
        nodes=[Enterprise(id="ent:newcomer", name="新链主", revenue_yi=99_999, synthetic=True)],
        relationships=[Leads(src="ent:newcomer", dst="chain:new-energy")],
    ))
    assert "ent:newcomer" in [leader["id"] for leader in chain_detail(cache, "chain:new-energy")["leaders"]]
    assert [row["id"] for row in enterprise_rows(cache, on_chain)][0] == "ent:newcomer"  # largest revenue first


def test_lookups_answer_from_the_store_while_the_projection_is_built(demo_store: GraphStore) -> None:
    cache = GraphCache(demo_store)

    def wait_until_ready() -> None:
        deadline = time.monotonic() + 60
        while not cache.ready(NAME_INDEXES):
            assert time.monotonic() < deadline, "the background build did not finish"
            time.sleep(0.05)

    assert search_without_waiting(cache, demo_store, "南昌", limit=5) == demo_store.search("南昌", limit=5)  # a cold cache
    wait_until_ready()
    assert search_without_waiting(cache, demo_store, "南昌", limit=5) == demo_store.search("南昌", limit=5)  # the index
    demo_store.write(WriteBatch(nodes=[Enterprise(id="ent:late", name="南昌迟到企业", synthetic=True)]))
    assert not cache.ready(NAME_INDEXES)
    assert "ent:late" in [node["id"] for node in search_without_waiting(cache, demo_store, "南昌迟到", limit=5)]
    for _ in range(2):  # from the store, then from the rebuilt projection
        assert neighbourhood_without_waiting(cache, demo_store, NeighbourhoodQuery(["ent:cathode"], 2)) == demo_store.neighbourhood(NeighbourhoodQuery(["ent:cathode"], 2))
        assert neighbourhood_without_waiting(cache, demo_store, NeighbourhoodQuery(["ent:absent"], 1)) is None
        wait_until_ready()

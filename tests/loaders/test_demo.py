"""The demo generator: deterministic, every chain filled, marked synthetic, with the imperfections to find."""

from __future__ import annotations

import hashlib
import tracemalloc
from collections import Counter, defaultdict

import networkx as nx
import pytest

from loaders.demo import DEFAULT_SEED, generate, load_demo, plan_demo
from stores.base import GraphStore
from stores.embedded import EmbeddedStore

SCALE = 1500


def fingerprint(scale: int, seed: int, batch_size: int = 5000) -> str:
    """A digest of every generated item (a batch lists its nodes before its relationships, so the
    order within a batch depends on the batch size: the digest is over the sorted items)."""
    items = sorted(
        type(item).__name__ + repr(sorted(item.model_dump().items()))
        for batch in generate(scale, seed, batch_size=batch_size, include_reference=False)
        for item in [*batch.nodes, *batch.relationships]
    )
    return hashlib.sha256("\n".join(items).encode()).hexdigest()


def test_same_seed_same_data_other_seed_other_data() -> None:
    assert fingerprint(600, 1) == fingerprint(600, 1, batch_size=77)
    assert fingerprint(600, 1) != fingerprint(600, 2)


def test_scale_is_the_number_of_enterprises_and_too_small_is_refused() -> None:
    counts = Counter(n.label for b in generate(700, 3, include_reference=False) for n in b.nodes)
    assert counts == {"Enterprise": 700}
    with pytest.raises(ValueError, match="scale must be at least"):
        list(generate(50, 3))


def test_batches_are_bounded_and_endpoints_come_first() -> None:
    seen: set[str] = set()
    supplies_started = False
    for batch in generate(800, 5, batch_size=1000, include_reference=False):
        assert len(batch) <= 1000
        seen.update(n.id for n in batch.nodes)
        for rel in batch.relationships:
            if rel.type == "SUPPLIES":
                supplies_started = True
                assert rel.src in seen and rel.dst in seen
            else:
                assert not supplies_started and rel.src in seen


@pytest.fixture(scope="module")
def demo_graph(tmp_path_factory: pytest.TempPathFactory) -> tuple[EmbeddedStore, nx.MultiDiGraph]:
    store = EmbeddedStore(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    store.ensure_schema()
    load_demo(store, SCALE, DEFAULT_SEED)
    yield store, store.project()
    store.close()


def test_every_record_is_synthetic_and_names_are_marked(demo_graph) -> None:
    _, graph = demo_graph
    enterprises = [d for _, d in graph.nodes(data=True) if d["label"] == "Enterprise"]
    assert len(enterprises) == SCALE
    assert all(d["synthetic"] is True and d["name"].endswith("（示例）") for d in enterprises)
    assert all(n.startswith(f"ent:demo-{DEFAULT_SEED}-") for n, d in graph.nodes(data=True) if d["label"] == "Enterprise")
    assert len({d["name"] for d in enterprises}) == SCALE
    generated = [d for _, _, d in graph.edges(data=True) if d["type"] in ("SUPPLIES", "PRODUCES", "LEADS", "MEMBER_OF")]
    assert generated and all(d["synthetic"] is True for d in generated)
    supplies = [d for _, _, d in graph.edges(data=True) if d["type"] == "SUPPLIES"]
    assert all(d["confidence"] == "inferred" and 0 < d["share"] <= 1 for d in supplies)
    assert {d["as_of"][:4] for d in supplies} == {"2023", "2024", "2025", "2026"}
    # the source names the generator's seed and scale in Chinese, for a reader of the detail pages
    expected_source = f"ChainAtlas 示例数据生成器（随机种子 {DEFAULT_SEED}，规模 {SCALE} 家企业）；示例数据（虚构）"
    assert {d["source"] for d in [*enterprises, *generated]} == {expected_source}


def test_locations_local_in_province_domestic_foreign(demo_graph) -> None:
    _, graph = demo_graph
    kinds = Counter()
    for node, d in graph.nodes(data=True):
        if d["label"] != "Enterprise":
            continue
        if d["local"]:
            kinds["local"] += 1
            parks = [v for _, v, e in graph.out_edges(node, data=True) if e["type"] == "LOCATED_IN"]
            assert len(parks) == 1 and parks[0].startswith("park:") and d["city"] == "南昌市"
        elif d["country"] != "中国":
            kinds["foreign"] += 1
        elif d["province"] == "江西省":
            kinds["in_province"] += 1
            assert d["city"] != "南昌市"
        else:
            kinds["domestic"] += 1
    assert min(kinds.values()) > SCALE * 0.05, kinds


def test_every_chain_is_populated_with_imperfections(demo_graph) -> None:
    store, graph = demo_graph
    plan = plan_demo(SCALE, DEFAULT_SEED)
    nodes = graph.nodes
    for chain, design in plan.chains.items():
        part = store.project(chain)
        products = [n for n, d in part.nodes(data=True) if d["label"] == "Product"]
        producers = defaultdict(set)
        for u, v, d in part.edges(data=True):
            if d["type"] == "PRODUCES":
                producers[v].add(u)
        assert all(producers[p] for p in products), f"{chain}: a product without any producer"
        local_made = {p for p in products if any(nodes[u]["local"] for u in producers[p])}
        no_local = set(products) - local_made
        assert set(design.no_local) <= no_local and len(no_local) >= 2  # products with no local producer
        leaders = [u for u, v, d in part.edges(data=True) if d["type"] == "LEADS"]
        assert len(leaders) == design.leaders and all("链主" in nodes[u]["tags"] and nodes[u]["local"] for u in leaders)
        suppliers = defaultdict(set)
        customers_of = defaultdict(set)
        for u, v, d in graph.edges(data=True):
            if d["type"] == "SUPPLIES" and v in part and nodes[v]["local"]:
                suppliers[(v, d["product"])].add(u)
                customers_of[(u, d["product"])].add(v)
        sole = [pair for pair, found in suppliers.items() if len(found) == 1]
        assert len(sole) >= 5, f"{chain}: too few sole-source inputs"
        for product in design.chokepoints:
            dominant = plan.chokepoint_suppliers[product]
            takers = {v for (v, p), found in suppliers.items() if p == product}
            assert len(customers_of[(dominant, product)]) >= 0.6 * len(takers) > 0, (chain, product)
        regions = Counter()
        for u, _v, d in graph.edges(data=True):
            if d["type"] == "SUPPLIES" and d["product"] == design.concentrated:
                regions[nodes[u]["country"] if nodes[u]["country"] != "中国" else nodes[u]["province"]] += 1
        top, count = regions.most_common(1)[0]
        assert top == design.region and count >= 0.6 * sum(regions.values()), (chain, regions)


def test_sizes_and_degrees_are_heavy_tailed(demo_graph) -> None:
    _, graph = demo_graph
    revenue = sorted(d["revenue_yi"] for _, d in graph.nodes(data=True) if d["label"] == "Enterprise")
    assert revenue[-1] > 50 * revenue[len(revenue) // 2]
    degree = sorted(Counter(u for u, _, d in graph.edges(data=True) if d["type"] == "SUPPLIES").values())
    assert degree[-1] >= 8 * degree[len(degree) // 2]


def test_demo_loads_into_both_stores_identically(both_stores: dict[str, GraphStore]) -> None:
    written = {name: load_demo(store, 500, 11, batch_size=2000) for name, store in both_stores.items()}
    assert written["embedded"] == written["neo4j"]
    counts = {name: store.counts() for name, store in both_stores.items()}
    assert counts["embedded"] == counts["neo4j"] and counts["neo4j"]["Enterprise"] == 500
    assert nx.utils.graphs_equal(both_stores["embedded"].project("chain:aviation"),
                                 both_stores["neo4j"].project("chain:aviation"))


def test_memory_stays_bounded_when_streaming() -> None:
    def peak(scale: int) -> int:
        tracemalloc.start()
        for _ in generate(scale, 9, batch_size=2000, include_reference=False):
            pass
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(1000), peak(4000)
    # 4× the enterprises: the compact arrays grow, the full records do not accumulate
    assert large < 2.5 * small, (small, large)

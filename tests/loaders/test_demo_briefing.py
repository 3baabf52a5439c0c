"""The demo reads well in a briefing: names say what firms make, revenue sits on the plan's path,
every chain shows 缺链, 弱链 and 强链, and the candidates for a gap make the gap product.

Checked with the real analyses on the default demo (3,000 firms, seed 8810) and on another seed.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest

from app.web.charts import path_value
from loaders.demo import COMPLETION_RANGE, DEFAULT_SCALE, DEFAULT_SEED, generate, load_demo, plan_demo, short_product_name
from loaders.reference import read_product_maps
from queries.candidates import recruitment_candidates
from queries.chain_map import DEFAULT_BASE_YEAR, chain_map
from queries.gaps import MISSING, STRONG, WEAK, gap_report
from queries.view import chain_view
from stores.embedded import EmbeddedStore

SEEDS = (DEFAULT_SEED, 31)
PRODUCT_NAMES = {p["id"]: p["name"] for m in read_product_maps() for p in m["products"]}
TOP_CANDIDATES = 3


def generated(scale: int, seed: int) -> tuple[dict[str, dict], dict[str, set[str]], list]:
    """Enterprises by id, the products each makes, and every SUPPLIES, straight from the generator."""
    firms: dict[str, dict] = {}
    makes: dict[str, set[str]] = defaultdict(set)
    supplies = []
    for batch in generate(scale, seed, include_reference=False):
        firms.update((node.id, node.model_dump()) for node in batch.nodes)
        for rel in batch.relationships:
            if rel.type == "PRODUCES":
                makes[rel.src].add(rel.dst)
            elif rel.type == "SUPPLIES":
                supplies.append(rel)
    return firms, makes, supplies


@pytest.mark.parametrize("seed", SEEDS)
def test_every_name_says_what_the_firm_makes_and_where(seed: int) -> None:
    """The rule: a firm's name holds the short name (``short_product_name``) of every product it
    makes, after its place (city without 市, or country), and ends with （示例）."""
    firms, makes, _ = generated(DEFAULT_SCALE, seed)
    assert len(firms) == DEFAULT_SCALE and set(makes) == set(firms)
    for firm, data in firms.items():
        name = data["name"]
        shorts = [short_product_name(PRODUCT_NAMES[p]) for p in sorted(makes[firm])]
        assert all(len(short) >= 2 and short in name for short in shorts), (name, shorts)
        place = data["country"] if data["country"] != "中国" else data["city"].removesuffix("市")
        assert name.startswith(place) and name.endswith("（示例）") and data["synthetic"] is True, name
    assert sum(len(products) == 2 for products in makes.values()) > DEFAULT_SCALE * 0.05  # some make two


def test_a_second_product_is_one_step_along_the_chain() -> None:
    """A firm making two products makes an input of the other (生猪 and 冷鲜猪肉), never two unrelated ones."""
    links = {frozenset((link["input"], link["output"])) for m in read_product_maps() for link in m["links"]}
    _, makes, _ = generated(DEFAULT_SCALE, DEFAULT_SEED)
    pairs = [frozenset(products) for products in makes.values() if len(products) == 2]
    assert pairs and all(pair in links for pair in pairs)


def test_short_product_names_are_distinct_and_readable() -> None:
    shorts = {short_product_name(name) for name in PRODUCT_NAMES.values()}
    assert len(shorts) == len(set(PRODUCT_NAMES.values()))
    assert not any(mark in short for short in shorts for mark in "（）()/ 及")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_supplier_of_a_product_produces_it(seed: int) -> None:
    _, makes, supplies = generated(DEFAULT_SCALE, seed)
    assert supplies and all(rel.product in makes[rel.src] for rel in supplies)


@pytest.fixture(scope="module", params=SEEDS)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, nx.MultiDiGraph]:
    store = EmbeddedStore(Path(tmp_path_factory.mktemp("briefing")) / "demo.sqlite")
    store.ensure_schema()
    load_demo(store, DEFAULT_SCALE, request.param)
    yield request.param, store.project()
    store.close()


def chains(graph: nx.MultiDiGraph) -> list[str]:
    return sorted(n for n, d in graph.nodes(data=True) if d["label"] == "Chain")


def test_each_chain_revenue_is_55_to_95_percent_of_its_target_on_the_path(demo) -> None:
    """Local revenue (what the dashboard shows) = the design's share of the 2026 target, inside
    55–95 %; at most one chain is past the plan's 10 %-a-year path value for the base year."""
    seed, graph = demo
    plan = plan_demo(DEFAULT_SCALE, seed)
    ahead = 0
    shares = []
    for chain in chains(graph):
        target = chain_map(graph, chain).target
        assert target.target_yi and 0.55 <= target.completion <= 0.95, (chain, target.describe())
        assert target.completion == pytest.approx(plan.chains[chain].completion, abs=0.005), chain
        shares.append(target.completion)
        ahead += target.revenue_yi > path_value(target.target_yi, DEFAULT_BASE_YEAR)
    assert ahead <= 1
    assert min(shares) == pytest.approx(COMPLETION_RANGE[0], abs=0.005)
    assert max(shares) == pytest.approx(COMPLETION_RANGE[1], abs=0.005)


def test_every_chain_shows_missing_weak_and_strong_products(demo) -> None:
    _, graph = demo
    for chain in chains(graph):
        counts = gap_report(graph, chain).counts()
        assert counts[MISSING] >= 1 and counts[WEAK] >= 1 and counts[STRONG] >= 1, (chain, counts)


def test_top_candidates_make_the_gap_product_and_say_so(demo) -> None:
    _, graph = demo
    checked = 0
    for chain in chains(graph):
        view = chain_view(graph, chain)
        for gap in gap_report(view, chain).gaps():
            if gap.status not in (MISSING, WEAK):
                continue
            top = recruitment_candidates(view, chain, gap.product).candidates[:TOP_CANDIDATES]
            assert top, (chain, gap.name)
            short = short_product_name(gap.name)
            for candidate in top:
                edges = graph.get_edge_data(candidate.enterprise, gap.product, default={}).values()
                assert any(edge["type"] == "PRODUCES" for edge in edges), (gap.name, candidate.name)
                assert short in candidate.name and not view.is_local(candidate.enterprise), (gap.name, candidate.name)
                checked += 1
    assert checked > 100

"""Pure checks of the shipped reference data against the plan text it is taken from.

``data/reference/plan_8810.json`` holds facts of the 南昌“8810”行动计划; every ``quote`` (and every
``*_quote``) in it must be a contiguous piece of the plan. The PDF extraction scattered spaces and
line breaks through the plan, so quote and plan are compared with all whitespace removed.

``data/product_maps/<chain>.json`` are curated product maps (INPUT_TO links), one per chain.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PLAN_FILE = "nanchang-8810-plan.zh.txt"
REFERENCE = REPO / "data" / "reference" / "plan_8810.json"
PRODUCT_MAPS = REPO / "data" / "product_maps"

CHAIN_IDS = {
    "chain:electronic-info": "电子信息",
    "chain:aviation": "航空",
    "chain:auto-equipment": "汽车及装备",
    "chain:new-energy": "新能源",
    "chain:new-materials": "新材料",
    "chain:pharma-health": "医药健康",
    "chain:green-food": "绿色食品",
    "chain:light-textile": "轻工纺织",
}
CLUSTER_NAMES = {"VR", "光电及通信", "航空装备", "汽车", "新型储能", "铝型材", "医疗器械", "针纺"}
STAGES = {"上游", "中游", "下游"}
PLACE_KINDS = {"区县", "开发区", "平台"}
PRODUCT_ID = re.compile(r"^product:[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_ID = re.compile(r"^[a-z]+:[a-z0-9]+(?:-[a-z0-9]+)*$")


def squash(text: str) -> str:
    """``text`` with every whitespace character removed."""
    return re.sub(r"\s+", "", text)


def plan_path() -> Path:
    shared = os.environ.get("CHAINATLAS_SHARED_DIR")
    if shared:
        return Path(shared) / "reference" / PLAN_FILE
    return Path(__file__).resolve().parents[2] / "shared" / "reference" / PLAN_FILE


@pytest.fixture(scope="module")
def plan() -> str:
    path = plan_path()
    if not path.is_file():
        pytest.fail(f"plan text not found at {path} (set CHAINATLAS_SHARED_DIR to the shared/ folder)")
    return squash(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ref() -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def maps() -> dict[str, dict]:
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(PRODUCT_MAPS.glob("*.json"))
    }


def iter_quotes(node, where="$"):
    """Yield (json path, text) for every ``quote`` / ``*_quote`` string anywhere in ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if (key == "quote" or key.endswith("_quote")) and isinstance(value, str):
                yield f"{where}.{key}", value
            else:
                yield from iter_quotes(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from iter_quotes(value, f"{where}[{index}]")


def chain_paragraph(plan: str, name: str) -> str:
    """The plan's paragraph on chain ``name``: from "<name>产业链。" to the next chain's heading."""
    names = list(CHAIN_IDS.values())
    start = plan.index(name + "产业链。")
    following = names[names.index(name) + 1 :]
    end = plan.index(following[0] + "产业链。", start) if following else plan.index("(二)8个标志性产业集群", start)
    return plan[start:end]


# --- plan_8810.json ------------------------------------------------------------------------------


def test_header(ref, plan):
    assert ref["dataset"] == "nanchang-8810"
    assert ref["version"] == "1.0"
    assert ref["source_file"] == PLAN_FILE == plan_path().name
    assert squash(ref["title"]) in plan


def test_every_quote_is_in_the_plan(ref, plan):
    quotes = list(iter_quotes(ref))
    assert len(quotes) > 40
    missing = [(where, text) for where, text in quotes if not text.strip() or squash(text) not in plan]
    assert not missing, missing


def test_overall_target(ref):
    target = ref["overall_target"]
    assert target["growth_rate"] == pytest.approx(0.10)
    percent = f"{round(target['growth_rate'] * 100)}%"
    assert percent in squash(target["quote"])
    assert squash(target["text"]) in squash(target["quote"])


def test_chains(ref, plan):
    chains = ref["chains"]
    assert [c["id"] for c in chains] == list(CHAIN_IDS)
    for chain in chains:
        name = chain["name"]
        assert name == CHAIN_IDS[chain["id"]]
        paragraph = chain_paragraph(plan, name)
        quote = squash(chain["quote"])
        # the target number is in the quote, and the quote is in this chain's own paragraph
        assert f"{chain['target_2026_yi']}亿元" in quote, name
        assert "2026年" in quote, name
        # the quote names its chain: three chains share the words of their 1000亿元 target sentence
        assert quote.startswith(f"{name}产业链。"), name
        assert quote in paragraph, name
        segments_quote = squash(chain["segments_quote"])
        assert segments_quote in paragraph, name
        assert chain["segments"] and len(set(chain["segments"])) == len(chain["segments"]), name
        for segment in chain["segments"]:
            assert segment in segments_quote, (name, segment)


def test_chain_kinds(ref):
    kinds = {c["name"]: c["kind"] for c in ref["chains"]}
    assert sorted(kinds.values()) == ["新兴"] * 4 + ["特色"] * 4
    for chain in ref["chains"]:
        kind_quote = squash(chain["kind_quote"])
        emerging, featured = kind_quote.split("4个新兴产业", 1)
        assert chain["name"] in (emerging if chain["kind"] == "新兴" else featured), chain["name"]


def test_places(ref):
    places = ref["places"]
    ids = [p["id"] for p in places]
    names = [p["name"] for p in places]
    assert len(ids) == len(set(ids)) and len(names) == len(set(names))
    for place in places:
        assert place["id"].startswith("park:") and SLUG_ID.match(place["id"]), place["id"]
        assert place["kind"] in PLACE_KINDS, place
        assert squash(place["name"]) in squash(place["quote"]), place["name"]
        assert place["parent"] is None or place["parent"] in ids, place
        assert place["parent"] != place["id"]


def test_clusters(ref):
    clusters = ref["clusters"]
    chain_ids = {c["id"] for c in ref["chains"]}
    place_names = {p["name"] for p in ref["places"]}
    kinds = {p["name"]: p["kind"] for p in ref["places"]}
    assert {c["name"].removesuffix("产业集群") for c in clusters} == CLUSTER_NAMES
    assert len({c["id"] for c in clusters}) == 8
    for cluster in clusters:
        assert cluster["id"].startswith("cluster:") and SLUG_ID.match(cluster["id"])
        assert cluster["chain"] in chain_ids, cluster["id"]
        quote = squash(cluster["quote"])
        assert quote.startswith(cluster["name"] + "。"), cluster["id"]
        assert cluster["main_districts"], cluster["id"]
        assert "主阵地" in quote
        for name in cluster["main_districts"] + cluster["supporting_districts"]:
            assert name in place_names and kinds[name] != "平台", (cluster["id"], name)
            assert name in quote, (cluster["id"], name)
        platform_text = quote + squash(cluster.get("platforms_quote", ""))
        for name in cluster["platforms"]:
            assert name in place_names and kinds[name] == "平台", (cluster["id"], name)
            assert name in platform_text, (cluster["id"], name)
        for link in cluster["focus_links"]:
            assert link in quote, (cluster["id"], link)
        if cluster.get("goal"):
            assert squash(cluster["goal"]) in quote
        if cluster["supporting_districts"]:
            assert cluster["supporting_role"] in {"配套", "协同"}
            assert cluster["supporting_role"] in quote


def test_chain_platforms_exist(ref):
    place_names = {p["name"] for p in ref["places"]}
    for chain in ref["chains"]:
        for name in chain.get("platforms", []):
            assert name in place_names and name in squash(chain["platforms_quote"])


def test_actions(ref):
    actions = ref["actions"]
    assert [a["number"] for a in actions] == list(range(1, 9))
    for action in actions:
        quote = squash(action["quote"])
        assert action["name"] in quote
        assert action["responsible_units"], action["number"]
        units_quote = squash(action["responsible_units_quote"])
        assert units_quote in quote
        for unit in action["responsible_units"]:
            assert unit in units_quote, (action["number"], unit)
        assert action["theme"] in squash(action["theme_quote"])


def test_mechanisms(ref):
    names = {m["name"] for m in ref["mechanisms"]}
    assert {"链长制", "链主", "补链", "强链", "延链", "供应链安全"} <= names
    for mechanism in ref["mechanisms"]:
        for keyword in mechanism.get("keywords", []):
            assert keyword in squash(mechanism["quote"]), (mechanism["name"], keyword)


# --- product maps --------------------------------------------------------------------------------


def chain_segments(ref) -> dict[str, list[str]]:
    return {c["id"]: c["segments"] for c in ref["chains"]}


def test_one_product_map_per_chain(maps):
    assert {f"chain:{slug}" for slug in maps} == set(CHAIN_IDS)
    for slug, doc in maps.items():
        assert doc["chain"] == f"chain:{slug}"
        assert doc["provenance"] == "curated"


@pytest.mark.parametrize("slug", [chain_id.split(":", 1)[1] for chain_id in CHAIN_IDS])
def test_product_map(slug, maps, ref):
    doc = maps[slug]
    segments = chain_segments(ref)[doc["chain"]]
    products = doc["products"]
    ids = [p["id"] for p in products]
    assert len(products) >= 20
    assert len(ids) == len(set(ids)), "duplicate product ids"
    for product in products:
        assert PRODUCT_ID.match(product["id"]), product["id"]
        assert product["name"].strip(), product["id"]
        assert product["stage"] in STAGES, product
        assert product["segment"] in segments, product
    assert set(segments) <= {p["segment"] for p in products}, "segments without a product"

    links = [(link["input"], link["output"]) for link in doc["links"]]
    assert len(links) == len(set(links)), "duplicate links"
    assert all(link["provenance"] == "curated" for link in doc["links"])
    dangling = [end for pair in links for end in pair if end not in set(ids)]
    assert not dangling, dangling
    assert not [pair for pair in links if pair[0] == pair[1]], "self-loop"
    linked = {end for pair in links for end in pair}
    assert not set(ids) - linked, f"products in no link: {sorted(set(ids) - linked)}"
    assert find_cycle(ids, links) is None


def find_cycle(nodes, edges):
    """A list of edges forming a cycle, or None when the graph is a DAG."""
    try:
        import networkx as nx
    except ImportError:  # pragma: no cover - networkx is a project dependency
        return _kahn_cycle(nodes, edges)
    graph = nx.DiGraph(edges)
    graph.add_nodes_from(nodes)
    try:
        return nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return None


def _kahn_cycle(nodes, edges):
    indegree = {node: 0 for node in nodes}
    succ = defaultdict(list)
    for a, b in edges:
        succ[a].append(b)
        indegree[b] += 1
    ready = [node for node, degree in indegree.items() if degree == 0]
    seen = 0
    while ready:
        node = ready.pop()
        seen += 1
        for nxt in succ[node]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    return None if seen == len(indegree) else [node for node, degree in indegree.items() if degree > 0]


def test_find_cycle_helpers():
    assert find_cycle(["a", "b"], [("a", "b")]) is None
    assert find_cycle(["a", "b"], [("a", "b"), ("b", "a")])
    assert _kahn_cycle(["a", "b", "c"], [("a", "b"), ("b", "c")]) is None
    assert set(_kahn_cycle(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "b")])) == {"b", "c"}


def test_shared_products_are_consistent(maps):
    by_id: dict[str, set[tuple[str, str]]] = defaultdict(set)
    by_name: dict[str, set[str]] = defaultdict(set)
    for doc in maps.values():
        for product in doc["products"]:
            by_id[product["id"]].add((product["name"], product["stage"]))
            by_name[product["name"]].add(product["id"])
    assert not {pid: v for pid, v in by_id.items() if len(v) > 1}, "same id, different name/stage"
    assert not {name: v for name, v in by_name.items() if len(v) > 1}, "same name, different ids"

"""The enterprise network (企业网络): scope, the firms shown, the server's layout and the page."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.readmodel.workspace import STATUS_COLOURS
from app.security.tokens import TokenRegistry
from app.web.panorama import chain_panorama
from app.web.supply_network import (
    CELL_W,
    FIRM_LABEL_EMS,
    LABEL_FONT,
    SHAPES,
    Block,
    SegmentBlocks,
    StageBlocks,
    choose_scope,
    firm_label,
    label_box,
    lay_out,
    supply_network,
    text_ems,
)
from graph_schema import Enterprise, Leads, Produces
from loaders.demo import load_demo
from loaders.reference import load_reference
from queries.chain_map import chain_map
from queries.examples import example_graph
from queries.gaps import gap_report
from stores.base import WriteBatch
from stores.embedded import EmbeddedStore
from tests.app.conftest import make_client
from tests.app.test_panorama import ID_PATTERN
from tests.app.test_panorama import visible_text as all_text

HOSTILE = '<img src=x onerror="alert(1)">锂业（示例）'
GRAPH_DATA = re.compile(r'<script type="application/json" id="network-data">(.*?)</script>', re.S)


def example_network(**scope: str):  # type: ignore[no-untyped-def]
    graph = example_graph()
    panorama = chain_panorama(gap_report(graph, "chain:ev"), chain_map(graph, "chain:ev"), ["动力电池", "整车"])
    chosen = choose_scope(graph, panorama, **scope)
    assert chosen is not None
    return graph, supply_network(graph, "chain:ev", panorama, chosen, status_colours=STATUS_COLOURS)


def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def estimated_boxes(network, drawing) -> list[tuple[str, tuple[float, float, float, float]]]:  # type: ignore[no-untyped-def]
    boxes = []
    for node in network.nodes:
        text = drawing.labels.get(node["id"], node["label"])
        dot = 0.0 if node["kind"] == "heading" else float(node.get("size", 0))
        boxes.append((node["id"], label_box(drawing, node["id"], text, dot=dot)))
    return boxes


def test_only_products_and_firms_in_the_supply_view() -> None:
    graph, network = example_network()
    kinds = {node["kind"] for node in network.nodes}
    assert kinds == {"Product", "Enterprise", "heading"}
    drawn = {node["id"] for node in network.nodes if node["kind"] != "heading"}
    assert not {node for node in drawn if graph.nodes[node]["label"] in ("Park", "Cluster", "Chain")}
    assert {edge["kind"] for edge in network.edges} <= {"INPUT_TO", "SUPPLIES", "PRODUCES"}
    assert all(edge["from"] in drawn and edge["to"] in drawn for edge in network.edges)
    assert network.payload()["options"]["physics"] == {"enabled": False}


def test_every_firm_is_placed_once_and_linked_to_its_other_products() -> None:
    graph, network = example_network()
    firms = [node["id"] for node in network.nodes if node["kind"] == "Enterprise"]
    assert len(firms) == len(set(firms)) == network.firm_total == 9
    listed = {firm: block.product for stage in network.stages for segment in stage.segments
              for block in segment.blocks for firm in block.firms}
    for firm in firms:
        made = {dst for _, dst, kind in graph.out_edges(firm, data="type") if kind == "PRODUCES"} & set(network.scope.products)
        linked = {edge["to"] for edge in network.edges if edge["from"] == firm and edge["kind"] == "PRODUCES"}
        assert listed[firm] in made and linked == made - {listed[firm]}


def test_the_layout_is_deterministic_and_in_stage_columns() -> None:
    _, first = example_network()
    _, second = example_network()
    assert first.payload() == second.payload()
    wide = first.drawings[0]
    xs = {stage.name: [wide.positions[block.product][0] for segment in stage.segments for block in segment.blocks]
          for stage in first.stages}
    assert max(xs["上游"]) < min(xs["中游"]) and max(xs["中游"]) < min(xs["下游"])


def test_scopes_a_segment_a_product_and_unknown_ones() -> None:
    graph = example_graph()
    panorama = chain_panorama(gap_report(graph, "chain:ev"), chain_map(graph, "chain:ev"), ["动力电池", "整车"])
    assert set(choose_scope(graph, panorama, segment="整车").products) == {"product:motor", "product:vehicle"}  # type: ignore[union-attr]
    around = choose_scope(graph, panorama, product="product:pack")
    assert around is not None and set(around.products) == {"product:pack", "product:cell", "product:vehicle"}
    assert choose_scope(graph, panorama, product="product:rice") is None  # in the graph, not in the chain
    assert choose_scope(graph, panorama, segment="其他") is None


def test_a_capped_view_keeps_the_largest_firms_and_says_so() -> None:
    graph = example_graph()
    panorama = chain_panorama(gap_report(graph, "chain:ev"), chain_map(graph, "chain:ev"), ["动力电池", "整车"])
    network = supply_network(graph, "chain:ev", panorama, choose_scope(graph, panorama), limit=4)  # type: ignore[arg-type]
    revenue = sorted((graph.nodes[firm].get("revenue_yi") or 0 for firm in network.firms), reverse=True)
    assert len(network.firms) == 4 and revenue[-1] >= 40  # 500, 300, 80, 40: the four largest
    assert network.capped and "显示营业收入前4家，共9家" in network.headline()


def test_firm_labels_are_short_and_ascii_aware() -> None:
    assert firm_label("南昌淇烨澜LED照明产品股份有限公司（示例）").endswith("…")
    assert all(text_ems(firm_label(name)) <= FIRM_LABEL_EMS for name in ("甲" * 30, "A" * 30, "江西赣锋锂业股份有限公司"))
    assert FIRM_LABEL_EMS * LABEL_FONT < CELL_W  # a firm's label is narrower than its cell


@pytest.mark.parametrize("shape", SHAPES, ids=lambda shape: shape.name)
def test_no_two_estimated_labels_overlap_in_a_large_layout(shape) -> None:  # type: ignore[no-untyped-def]
    names = itertools.cycle(["锂离子电芯", "储能电池模组及PACK", "电池管理系统（BMS）", "光伏组件", "铝箔"])
    stages = tuple(
        StageBlocks(stage, tuple(
            SegmentBlocks(f"{stage}环节{s}", tuple(
                Block(f"p:{stage}{s}{b}", next(names), tuple(f"f:{stage}{s}{b}{i}" for i in range((b * 7 + s * 3) % 23)))
                for b in range(4)))
            for s in range(3)))
        for stage in ("上游", "中游", "下游"))
    drawing = lay_out(stages, shape)

    class Fake:
        nodes = [{"id": node, "kind": "heading", "label": text} for node, text in drawing.labels.items() if node.startswith("heading:")]
        nodes += [{"id": block.product, "kind": "Product", "label": block.label, "size": 14.0}
                  for stage in stages for segment in stage.segments for block in segment.blocks]
        nodes += [{"id": firm, "kind": "Enterprise", "label": "南昌某某锂业科技…", "size": 8.0}
                  for stage in stages for segment in stage.segments for block in segment.blocks for firm in block.firms]

    boxes = estimated_boxes(Fake, drawing)
    assert len(boxes) == len(drawing.positions) > 300
    clashes = [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2) if overlaps(box_a, box_b)]
    assert not clashes, clashes[:5]
    assert 0.5 * shape.aspect < drawing.width / drawing.height < 2 * shape.aspect


# -- the page ------------------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path, tokens: TokenRegistry, role_tokens: dict[str, str]) -> Iterator[TestClient]:
    store = EmbeddedStore(tmp_path / "store.sqlite")
    store.ensure_schema()
    load_reference(store)
    load_demo(store, scale=500, seed=3)
    store.write(WriteBatch(
        nodes=[Enterprise(id="ent:hostile", name=HOSTILE, local=True, revenue_yi=9999, synthetic=True)],
        relationships=[Produces(src="ent:hostile", dst="product:lithium-carbonate"), Leads(src="ent:hostile", dst="chain:new-energy")],
    ))
    with make_client(store, tokens, role_tokens["viewer"]) as test_client:
        yield test_client
    store.close()


def visible_text(html: str) -> str:
    """The page's text without its scripts (the network's data is JSON for the canvas, not text)."""
    return all_text(re.sub(r"<script\b.*?</script>", "", html, flags=re.S))


def network_data(html: str) -> dict:  # type: ignore[type-arg]
    match = GRAPH_DATA.search(html)
    assert match
    return json.loads(match.group(1))


def test_the_chain_page_links_to_the_network_instead_of_drawing_the_old_one(client: TestClient) -> None:
    html = client.get("/chains/chain:new-energy").text
    assert 'href="/chains/chain%3Anew-energy/network"' in html and "查看全链企业网络" in html
    assert 'id="network"' not in html and "graph-data" not in html and "产业链网络" not in html
    assert "network?segment=" in html and "network?product=" in html  # each 环节 and each tile's panel


def test_the_whole_chain_network_page(client: TestClient) -> None:
    response = client.get("/chains/chain:new-energy/network")
    assert response.status_code == 200
    html = response.text
    text = visible_text(html)
    assert "新能源产业链企业网络" in text and "全链" in text and "放大可显示企业名称" in text and "示例数据（虚构）" in text
    assert not ID_PATTERN.search(text)
    assert HOSTILE not in html
    data = network_data(html)
    hostile = next(node for node in data["nodes"] if node["id"] == "ent:hostile")
    assert hostile["shape"] == "star" and "<img" in hostile["title"]  # plain text for vis-network; inert JSON keeps it out of the HTML
    assert "\\u003cimg" in GRAPH_DATA.search(html).group(1)  # type: ignore[union-attr]
    assert {node["kind"] for node in data["nodes"]} == {"heading", "Product", "Enterprise"}
    assert [layout["name"] for layout in data["layouts"]] == ["wide", "narrow"]
    assert all(len(layout["x"]) == len(data["nodes"]) for layout in data["layouts"])
    assert data["options"]["nodes"]["scaling"]["label"]["drawThreshold"] == data["drawThreshold"]
    shown = [item.get(key, "") for item in data["nodes"] + data["edges"] for key in ("label", "title")]
    shown += [text for layout in data["layouts"] for text in layout["label"].values()]
    assert not [text for text in shown if ID_PATTERN.search(text)]  # names in labels and tooltips, never ids


def test_segment_and_product_views_and_their_404s(client: TestClient) -> None:
    segment = client.get("/chains/chain:new-energy/network", params={"segment": "锂电"})
    assert segment.status_code == 200 and "环节：锂电" in visible_text(segment.text)
    product = client.get("/chains/chain:new-energy/network", params={"product": "product:lithium-carbonate"})
    assert product.status_code == 200 and "碳酸锂及其直接上下游产品" in visible_text(product.text)
    products = {node["id"] for node in network_data(product.text)["nodes"] if node["kind"] == "Product"}
    assert "product:lithium-carbonate" in products and len(products) > 1
    assert client.get("/chains/chain:nope/network").status_code == 404
    assert client.get("/chains/chain:new-energy/network", params={"product": "product:nope"}).status_code == 404
    assert client.get("/chains/chain:new-energy/network", params={"segment": "无此环节"}).status_code == 404
    assert client.get("/chains/chain:new-energy/network", params={"limit": 0}).status_code == 422


def test_limit_caps_the_firms_and_the_page_says_so(client: TestClient) -> None:
    html = client.get("/chains/chain:new-energy/network", params={"limit": 5}).text
    firms = [node for node in network_data(html)["nodes"] if node["kind"] == "Enterprise"]
    assert len(firms) == 5 and "ent:hostile" in {node["id"] for node in firms}  # the largest stays
    assert re.search(r"显示营业收入前5家，共\d+家", visible_text(html))

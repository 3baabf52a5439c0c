"""What a SUPPLIES share means to the reviewers' analyses, on small graphs worked out by hand.

- a share of 0 names a supplier that delivers nothing;
- shares under 100 % in all leave the rest to suppliers the data does not name;
- a firm needs no supplier for an input it makes itself;
- a second supplier never raises an input's severity, and one source region counts;
- a place name that matches nothing is an error, and a district takes the zones inside it.
"""

from __future__ import annotations

import networkx as nx
import pytest

from queries.disruption import DisruptionScope, propagate, select_enterprises, simulate_disruption
from queries.risks import concentration, critical_dependencies, sole_sources
from queries.view import chain_view

CHAIN = "chain:a"
PLACES = {
    "local": {"local": True, "province": "江西省", "country": "中国", "district": "南昌县"},
    "zone": {"local": True, "province": "江西省", "country": "中国", "district": "小蓝经开区"},
    "gd": {"local": False, "province": "广东省", "country": "中国"},
    "sh": {"local": False, "province": "上海市", "country": "中国"},
    "kr": {"local": False, "country": "韩国"},
}


def graph_with(links: list[tuple[str, str, dict]], *, leader: bool = True) -> nx.MultiDiGraph:
    """Buyer ent:b (local, makes product:o from product:i); one supplier of product:i per link."""
    graph = nx.MultiDiGraph()
    graph.add_node(CHAIN, label="Chain", name="甲链")
    for product in ("product:i", "product:o"):
        graph.add_node(product, label="Product", name=product.split(":")[1])
        graph.add_edge(product, CHAIN, key="IN_CHAIN", type="IN_CHAIN")
    graph.add_edge("product:i", "product:o", key="INPUT_TO", type="INPUT_TO")
    graph.add_node("ent:b", label="Enterprise", name="买方", **PLACES["local"])
    graph.add_edge("ent:b", "product:o", key="PRODUCES", type="PRODUCES")
    if leader:
        graph.add_edge("ent:b", CHAIN, key="LEADS", type="LEADS")
    for supplier, place, props in links:
        graph.add_node(supplier, label="Enterprise", name=supplier.split(":")[1], **PLACES[place])
        graph.add_edge(supplier, "product:i", key="PRODUCES", type="PRODUCES")
        graph.add_edge(supplier, "ent:b", key="SUPPLIES:product:i", type="SUPPLIES", product="product:i", **props)
    return graph


def risk_rows(graph: nx.MultiDiGraph) -> list[tuple[str, str]]:
    return [(r["严重程度"], r["类型"]) for r in critical_dependencies(graph, CHAIN).rows() if r["类型"] in ("独家供应", "集中度")]


def test_a_zero_share_backup_does_not_hide_a_sole_source() -> None:
    graph = graph_with([("ent:kr", "kr", {"share": 1.0}), ("ent:gd", "gd", {"share": 0.0})])
    assert risk_rows(graph) == [("高", "独家供应")]
    assert [(p.enterprise, p.supplier) for p in sole_sources(graph, CHAIN).pairs] == [("ent:b", "ent:kr")]
    result = simulate_disruption(graph, DisruptionScope(countries=("韩国",)), CHAIN)
    assert result.disrupted == {"ent:b": ("product:i",)}


def test_shares_under_100_percent_leave_the_rest_to_unnamed_suppliers() -> None:
    graph = graph_with([("ent:kr", "kr", {"share": 0.2})])
    view = chain_view(graph, CHAIN)
    assert view.unregistered_share("ent:b", "product:i") == pytest.approx(0.8)
    assert sole_sources(graph, CHAIN).pairs == ()  # not 仅由…一家供应: 80 % comes from elsewhere
    item = concentration(graph, CHAIN).products[0]
    assert (item.top_share, item.unregistered_share, item.supplier_hhi) == (0.2, 0.8, 400.0)
    [row] = [r for r in critical_dependencies(graph, CHAIN).rows() if r["类型"] == "集中度"]
    assert "另有80.0%来自未登记的供应商" in row["证据"]
    result = simulate_disruption(graph, DisruptionScope(countries=("韩国",)), CHAIN, partial=True)
    assert result.disrupted == {} and result.lost_inputs == {}
    assert [(p.enterprise, p.lost_share) for p in result.partial] == [("ent:b", 0.2)]
    # shares that add up to 100 % (or more) still make a sole source
    assert risk_rows(graph_with([("ent:kr", "kr", {"share": 1.0})])) == [("高", "独家供应")]


def test_an_input_made_in_house_needs_no_supplier() -> None:
    graph = graph_with([])
    graph.add_edge("ent:b", "product:i", key="PRODUCES", type="PRODUCES")  # makes its own input too
    assert chain_view(graph, CHAIN).required_inputs["ent:b"] == frozenset()
    assert sole_sources(graph, CHAIN).unsupplied == ()
    graph.add_node("ent:kr", label="Enterprise", name="韩企", **PLACES["kr"])
    graph.add_edge("ent:kr", "ent:b", key="SUPPLIES:product:i", type="SUPPLIES", product="product:i", share=0.1)
    assert propagate(chain_view(graph, CHAIN), ["ent:kr"]) == {"ent:kr": frozenset()}


def test_a_second_supplier_never_raises_the_severity() -> None:
    one = risk_rows(graph_with([("ent:gd", "gd", {})], leader=False))
    two = risk_rows(graph_with([("ent:gd", "gd", {}), ("ent:sh", "sh", {})], leader=False))
    # the only local firm loses its input (高); with a second supplier in another province, one
    # province cut off loses nothing (低)
    assert one == [("高", "独家供应")] and two == [("低", "集中度")]
    assert risk_rows(graph_with([("ent:gd", "gd", {}), ("ent:sh", "sh", {})])) == [("低", "集中度")]


def test_suppliers_all_in_one_other_province_are_flagged() -> None:
    suppliers = [(f"ent:gd{i}", "gd", {}) for i in range(5)]
    graph = graph_with(suppliers, leader=False)
    item = concentration(graph, CHAIN).products[0]
    assert (item.top_region, item.top_region_share, item.region_hhi) == ("广东省", 1.0, 10000.0)
    [row] = [r for r in critical_dependencies(graph, CHAIN).rows() if r["类型"] == "集中度"]
    # 广东 cut off: the chain's only local firm loses its input, and nobody outside 广东 makes it
    assert row["严重程度"] == "高" and "最大来源地广东省占100.0%" in row["证据"]
    assert (row["受影响本地企业(家)"], row["替代来源"]) == (1, "无替代来源")


def test_a_place_name_that_matches_nothing_is_an_error_with_close_names() -> None:
    graph = graph_with([("ent:gd", "gd", {})])
    with pytest.raises(nx.NodeNotFound, match="没有所在省份为“广东”的企业；相近的有：广东省"):
        select_enterprises(graph, DisruptionScope(provinces=("广东",)), CHAIN)
    with pytest.raises(nx.NodeNotFound, match="国家/地区为“日本”"):
        select_enterprises(graph, DisruptionScope(countries=("日本",)), CHAIN)
    assert select_enterprises(graph, DisruptionScope(provinces=("广东省",)), CHAIN) == {"ent:gd"}


def test_a_district_takes_the_zones_inside_it() -> None:
    graph = graph_with([("ent:z", "zone", {})])
    graph.add_node("park:county", label="Park", name="南昌县", kind="区县")
    graph.add_node("park:zone", label="Park", name="小蓝经开区", kind="开发区")
    graph.add_edge("park:zone", "park:county", key="LOCATED_IN", type="LOCATED_IN")
    graph.add_edge("ent:z", "park:zone", key="LOCATED_IN", type="LOCATED_IN")
    assert select_enterprises(graph, DisruptionScope(districts=("南昌县",))) == {"ent:b", "ent:z"}
    assert select_enterprises(graph, DisruptionScope(districts=("小蓝经开区",))) == {"ent:z"}


def test_one_buyer_mostly_supplied_from_abroad_is_not_averaged_away() -> None:
    """B1 buys all its input locally, 链主 B2 99 % from Korea: over both buyers abroad is 49.5 %,
    under the 50 % mark, but B2's own dependence makes the row 高 and is named in the evidence."""
    graph = graph_with([("ent:l", "local", {})], leader=False)
    graph.add_node("ent:b2", label="Enterprise", name="链主乙", **PLACES["local"])
    graph.add_edge("ent:b2", "product:o", key="PRODUCES", type="PRODUCES")
    graph.add_edge("ent:b2", CHAIN, key="LEADS", type="LEADS")
    for supplier, place, share in (("ent:kr", "kr", 0.99), ("ent:gd", "gd", 0.01)):
        graph.add_node(supplier, label="Enterprise", name=supplier.split(":")[1], **PLACES[place])
        graph.add_edge(supplier, "product:i", key="PRODUCES", type="PRODUCES")
        graph.add_edge(supplier, "ent:b2", key="SUPPLIES:product:i", type="SUPPLIES", product="product:i", share=share)
    item = concentration(graph, CHAIN).products[0]
    assert item.abroad_share == pytest.approx(0.495) and item.buyers_abroad == (("ent:b2", 0.99),)
    [row] = [r for r in critical_dependencies(graph, CHAIN).rows() if r["类型"] == "集中度"]
    assert row["严重程度"] == "高" and "1家本地企业的该投入品50.0%以上来自境外（链主乙（链主）99.0%）" in row["证据"]


def test_a_leaders_sole_source_is_high_only_for_an_input_it_requires() -> None:
    from queries.examples import example_graph

    rows = critical_dependencies(example_graph()).rows()
    levels = {(r["企业ID"], r["产品ID"]): r["严重程度"] for r in rows if r["类型"] == "独家供应"}
    assert levels[("ent:lead", "product:pack")] == "高"  # the car maker's battery packs
    assert levels[("ent:lead", "product:rice")] == "低"  # its canteen's rice: bought, not required

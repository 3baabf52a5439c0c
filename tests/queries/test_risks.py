"""Single points of failure on the example chain and on tiny canonical graphs."""

from __future__ import annotations

import networkx as nx
import pytest

from queries.examples import example_graph
from queries.risks import SeverityRule, chokepoints, concentration, critical_dependencies, cut_points, sole_sources


def tiny(links: list[tuple[str, str, str]], *, leader: str | None = None, local: set[str] | None = None) -> nx.MultiDiGraph:
    """A chain-less graph of enterprises and SUPPLIES links (supplier, customer, product)."""
    graph = nx.MultiDiGraph()
    names = {n for s, c, _ in links for n in (s, c)}
    for name in names:
        graph.add_node(name, label="Enterprise", name=name, local=local is None or name in local)
    for supplier, customer, product in links:
        graph.add_edge(supplier, customer, key=f"SUPPLIES:{product}", type="SUPPLIES", product=product)
    if leader:
        graph.add_node("chain:x", label="Chain", name="链")
        graph.add_edge(leader, "chain:x", key="LEADS", type="LEADS")
    return graph


def test_sole_sources_by_hand() -> None:
    report = sole_sources(example_graph(), "chain:ev")
    assert {(p.enterprise, p.product, p.supplier) for p in report.pairs} == {
        ("ent:lead", "product:pack", "ent:pack"), ("ent:pack", "product:cell", "ent:cell"),
        ("ent:local-cathode", "product:lithium", "ent:jx-mine"), ("ent:cell2", "product:cathode", "ent:sh-cathode"),
    }
    assert {(u.enterprise, u.product) for u in report.unsupplied} == {("ent:lead", "product:motor")}
    assert {(s.product, s.supplier) for s in report.single_supplier_inputs} == {
        ("product:lithium", "ent:jx-mine"), ("product:pack", "ent:pack"),
    }
    whole = sole_sources(example_graph())  # the whole graph adds 南昌米业 → 南昌汽车 (rice)
    assert ("ent:lead", "product:rice", "ent:rice") in {(p.enterprise, p.product, p.supplier) for p in whole.pairs}


def test_single_supplier_input_shared_by_every_local_buyer() -> None:
    graph = tiny([("s", "a", "p"), ("s", "b", "p"), ("t", "a", "q"), ("u", "b", "q")])
    report = sole_sources(graph)
    assert [(s.product, s.supplier, s.buyers) for s in report.single_supplier_inputs] == [("p", "s", ("a", "b"))]
    rows = critical_dependencies(graph).rows()
    # listed, but 低: no INPUT_TO makes p a required input, so nobody goes down without it
    assert {(r["类型"], r["严重程度"]) for r in rows if r["类型"] == "单一供应商投入"} == {("单一供应商投入", "低")}


def test_chokepoints_respect_direction() -> None:
    # a → x → m and b → x → m: x is a chokepoint for m; m → c does not count (c is downstream).
    graph = tiny([("a", "x", "p"), ("b", "x", "p"), ("x", "m", "q"), ("m", "c", "r"), ("c", "x", "s")], leader="m")
    report = chokepoints(graph)
    # Upstream of m: x, a, b, c (c → x closes a cycle through m); x dominates a, b and c.
    assert {(c.target, c.enterprise, c.dependents, c.upstream) for c in report.chokepoints} == {("m", "x", 3, 4)}
    assert chokepoints(graph, targets=["c"]).chokepoints[0].enterprise == "m"
    with pytest.raises(nx.NodeNotFound):
        chokepoints(graph, targets=["nobody"])


def test_chokepoints_by_hand_on_the_example() -> None:
    report = chokepoints(example_graph(), "chain:ev", backend="networkx")
    # Upstream of 南昌汽车: cell, foreign, pack, local-cathode, sh-cathode, jx-mine; cell carries the
    # cathode makers and the mine.
    assert [(c.enterprise, c.dependents, c.upstream) for c in report.chokepoints] == [("ent:cell", 3, 6)]


def test_cut_points_on_a_path_and_a_cycle() -> None:
    path = cut_points(tiny([("a", "b", "p"), ("b", "c", "p"), ("c", "d", "p")]))
    assert {(p.vertex, p.separated) for p in path.points} == {("b", 1), ("c", 1)}
    assert {(b.u, b.v, b.u_side, b.v_side) for b in path.bridges} == {("a", "b", 1, 3), ("b", "c", 2, 2), ("c", "d", 3, 1)}
    cycle = cut_points(tiny([("a", "b", "p"), ("b", "c", "p"), ("c", "a", "p")]))
    assert cycle.points == () and cycle.bridges == ()
    # Opposite directions and several products between two firms are one tie: still a bridge.
    pair = cut_points(tiny([("a", "b", "p"), ("b", "a", "q"), ("a", "b", "r")]))
    assert {(b.u, b.v) for b in pair.bridges} == {("a", "b")}


def test_concentration_by_hand() -> None:
    report = {c.product: c for c in concentration(example_graph(), "chain:ev").products}
    cathode = report["product:cathode"]
    # cell: 0.3 local / 0.7 Shanghai; cell2: 1.0 Shanghai → Shanghai 0.85, local 0.15.
    assert cathode.supplier_hhi == pytest.approx(10000 * (0.85**2 + 0.15**2))
    assert (cathode.outside_province_share, cathode.abroad_share, cathode.top_supplier) == (0.85, 0.0, "ent:sh-cathode")
    cell = report["product:cell"]  # pack: 1.0 local; lead: 0.5 local / 0.5 Korea
    assert (cell.abroad_share, cell.top_share, cell.region_hhi) == (0.25, 0.75, pytest.approx(6250))


def test_critical_dependencies_merge_with_severity_and_evidence() -> None:
    report = critical_dependencies(example_graph(), "chain:ev")
    rows = report.rows()
    assert [r["严重程度"] for r in rows] == sorted((r["严重程度"] for r in rows), key="高中低".index)
    kinds = {(r["类型"], r["企业ID"], r["严重程度"]) for r in rows}
    assert ("独家供应", "ent:lead", "高") in kinds  # the 链主's battery packs
    assert ("独家供应", "ent:pack", "中") in kinds  # the 链主 goes down with it (高), but 南昌储能电芯 makes cells too
    assert ("卡点", "ent:cell", "中") in kinds  # likewise
    [choke] = [r for r in rows if r["类型"] == "卡点"]
    assert "的其他5家上游供应商中有3家（60.0%）的全部供应路径都经过南昌电芯" in choke["证据"]
    assert ("割点", "ent:cell", "中") in kinds and ("割点", "ent:lead", "低") in kinds  # nobody is downstream of the 链主
    assert ("无已知供应商", "ent:lead", "中") in kinds
    # 正极材料 from 上海 (85 %): 上海 cut off takes 南昌储能电芯 down (1 of 5 local firms, 高), lowered: 南昌正极 makes it
    assert ("集中度", "ent:sh-cathode", "中") in kinds
    assert all(r["证据"] for r in rows)
    assert set(report.tables()) == {"关键依赖", "独家供应", "单一供应商投入", "无已知供应商", "卡点", "割点", "桥", "集中度"}
    assert [r["受影响链主"] for r in rows if r["类型"] == "卡点"] == [["南昌汽车（示例）"]]
    lenient = critical_dependencies(example_graph(), "chain:ev", severity=SeverityRule(high_share=0.5))
    assert ("独家供应", "ent:cell2", "低") in {(r["类型"], r["企业ID"], r["严重程度"]) for r in lenient.rows()}
    assert ("独家供应", "ent:cell2", "中") in kinds

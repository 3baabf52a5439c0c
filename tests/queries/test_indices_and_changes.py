"""Indices and change over time, by hand."""

from __future__ import annotations

import pytest

from queries.changes import diff_as_of, diff_graphs
from queries.examples import example_graph
from queries.gaps import GapRule
from queries.indices import indices


def test_indices_by_hand() -> None:
    rows = {row["ID"]: row for row in indices(example_graph()).rows()}
    assert set(rows) == {"chain:ev", "cluster:ev", "park:ev", "park:xiaolan", "park:gaoxin", "chain:food"}
    ev = rows["chain:ev"]
    # 4 of 7 products made locally; 2 of 7 local (firm, input) pairs have two suppliers.
    assert (ev["本地企业数"], ev["完整度"], ev["韧性"]) == (5, 0.5714, 0.2857)
    assert ev["本地营收(亿元)"] == 367.0 and ev["完成率"] == 0.734
    # park:xiaolan contains park:ev: lead, pack and cell.
    assert (rows["park:xiaolan"]["本地企业数"], rows["park:xiaolan"]["本地营收(亿元)"]) == (3, 350.0)
    assert rows["cluster:ev"]["2026目标(亿元)"] is None
    assert rows["chain:food"]["完整度"] == 1.0 and rows["chain:food"]["韧性"] is None
    assert rows["park:gaoxin"]["集中度HHI"] == 10000.0  # local-cathode: one lithium supplier


def test_diff_as_of_dates() -> None:
    report = diff_as_of(example_graph(), "2024-01-01", "2024-12-31", "chain:ev")
    assert [(c.change, c.link.key) for c in report.links] == [("新增", ("ent:pack", "ent:lead", "product:pack"))]
    assert report.gaps == ()
    filled = diff_as_of(example_graph(), "2023-01-01", "2024-12-31", "chain:ev", rule=GapRule(min_local_producers=1))
    assert {(g.product, g.before, g.after, g.change) for g in filled.gaps} == {("product:cathode", "强链", "弱链", "新增缺口")}
    with pytest.raises(ValueError):
        diff_as_of(example_graph(), "2025-01-01", "2024-01-01")
    with pytest.raises(ValueError):
        diff_as_of(example_graph(), "yesterday", "2024-01-01")


def test_diff_of_two_imports() -> None:
    before, after = example_graph(), example_graph()
    after.add_node("ent:new", label="Enterprise", name="新电机厂", local=True)
    after.add_edge("ent:new", "product:motor", key="PRODUCES", type="PRODUCES")
    after.add_edge("ent:new", "ent:lead", key="SUPPLIES:product:motor", type="SUPPLIES", product="product:motor")
    after.remove_edge("ent:foreign", "ent:lead", key="SUPPLIES:product:cell")
    after.edges["ent:cell", "ent:lead", "SUPPLIES:product:cell"]["share"] = 1.0
    report = diff_graphs(before, after, "chain:ev")
    assert {(c.change, c.link.key) for c in report.links} == {
        ("新增", ("ent:new", "ent:lead", "product:motor")),
        ("消失", ("ent:foreign", "ent:lead", "product:cell")),
        ("变更", ("ent:cell", "ent:lead", "product:cell")),
    }
    assert {(g.product, g.before, g.after, g.change) for g in report.gaps} == {("product:motor", "缺链", "弱链", "改善")}
    assert report.counts()["消失链接"] == 1

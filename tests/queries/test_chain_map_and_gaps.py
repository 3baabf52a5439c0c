"""Chain map and gap analysis on the hand-built example chain (answers worked out by hand)."""

from __future__ import annotations

import networkx as nx
import pytest

from queries.chain_map import chain_map, target_progress
from queries.examples import example_graph
from queries.gaps import GapRule, gap_report


def test_chain_map_coverage_by_hand() -> None:
    result = chain_map(example_graph(), "chain:ev")
    rows = {row["产品ID"]: row for row in result.rows()}
    assert [row["阶段"] for row in result.rows()] == ["上游", "中游", "中游", "中游", "中游", "下游", "下游"]
    cathode = rows["product:cathode"]
    assert (cathode["本地生产企业数"], cathode["省内生产企业数"], cathode["国内其他生产企业数"], cathode["境外生产企业数"]) == (1, 0, 1, 0)
    assert cathode["本地采购企业数"] == 2 and cathode["本地配套率"] == pytest.approx(0.15)  # (0.3 + 0) / 2
    cell = rows["product:cell"]
    assert (cell["本地生产企业数"], cell["境外生产企业数"]) == (2, 1)
    assert set(cell["本地采购企业"]) == {"南昌汽车（示例）", "南昌电池包（示例）"}
    assert cell["本地配套率"] == pytest.approx(0.75)  # pack 100% local, lead 50% local
    assert rows["product:motor"]["本地需求企业数"] == 1 and rows["product:motor"]["本地采购企业数"] == 0
    assert rows["product:storage"]["本地配套率"] is None
    summary = result.summary_rows()[0]
    assert summary["链主"] == ["南昌汽车（示例）"]
    assert summary["本地营收(亿元)"] == 367.0  # 300 + 20 + 30 + 5 + 12; 南昌米业 is chain:food's
    assert summary["尚需年均增速"] == pytest.approx(500 / 367 - 1, abs=1e-4)


def test_target_progress() -> None:
    assert target_progress(100, 121, base_year=2024).growth_needed == pytest.approx(0.1)
    assert target_progress(200, 100).describe().endswith("已达到目标")
    assert target_progress(0, 100).growth_needed is None
    assert target_progress(100, 200, base_year=2026).growth_needed is None


def test_gap_statuses_and_ranking_by_hand() -> None:
    report = gap_report(example_graph(), "chain:ev")
    statuses = {item.product: item.status for item in report.products}
    assert statuses == {
        "product:motor": "缺链", "product:lithium": "缺链", "product:storage": "延链",
        "product:pack": "弱链", "product:cathode": "弱链", "product:vehicle": "弱链", "product:cell": "强链",
    }
    gaps = report.gaps()
    # 链主 needs motor and pack first (motor ranked above pack: same revenue 300, same 1 dependent, stage order
    # 中游 both, id order motor < pack), then by dependent revenue: cathode (cell 30 + cell2 5), lithium (12).
    assert [g.product for g in gaps] == [
        "product:motor", "product:pack", "product:cathode", "product:lithium", "product:storage", "product:vehicle",
    ]
    assert gaps[0].leaders_needing == ("ent:lead",) and gaps[0].dependent_revenue == 300
    assert gaps[2].dependents == ("ent:cell", "ent:cell2") and gaps[2].dependent_revenue == 35
    assert "投入品电芯为强链" in report.by_product()["product:storage"].evidence
    assert report.counts() == {"缺链": 2, "延链": 1, "弱链": 3, "强链": 1}
    assert report.rows()[0]["建议"].startswith("补链")


def test_gap_rule_parameters_change_the_classification() -> None:
    lenient = gap_report(example_graph(), "chain:ev", rule=GapRule(min_local_producers=1, min_local_sourcing_share=0.1))
    assert lenient.status_of("product:cathode") == "强链"  # 15% ≥ 10%
    assert lenient.status_of("product:pack") == "强链"
    strict = gap_report(example_graph(), "chain:ev", rule=GapRule(min_local_producers=3))
    assert strict.status_of("product:cell") == "弱链"
    assert strict.status_of("product:storage") == "缺链"  # its input is no longer strong
    with pytest.raises(ValueError):
        GapRule(min_local_producers=0)


def test_gap_report_for_unknown_chain_raises() -> None:
    with pytest.raises(nx.NodeNotFound):
        gap_report(example_graph(), "chain:missing")


# amounts 0.03 + 0.21 of 0.8 make 0.29999… of the supply; shares 0.1 + 0.2 make 0.30000…4;
# amounts 1498 + 1498 of 10000 make 0.2996, shown as 30.0 %: the verdict goes by what is shown
@pytest.mark.parametrize(("field", "local_shares", "foreign"), [
    ("amount_wan", (0.03, 0.21), None), ("share", (0.1, 0.2), None), ("amount_wan", (1498, 1498), 7004),
])
def test_local_sourcing_exactly_at_the_threshold_is_not_weak(field: str, local_shares: tuple[float, float],
                                                             foreign: float | None) -> None:
    from graph_schema import Chain, Enterprise, InChain, InputTo, Produces, Product, Supplies
    from queries.examples import graph_from_batch
    from stores.base import WriteBatch

    foreign = foreign if foreign is not None else round(sum(local_shares) / 0.3 - sum(local_shares), 10)
    batch = WriteBatch(
        nodes=[Chain(id="chain:t", name="测试链", kind="新兴"), Product(id="product:x", name="整机"),
               Product(id="product:y", name="部件"), Enterprise(id="ent:a", name="甲", local=True),
               Enterprise(id="ent:l1", name="乙", local=True), Enterprise(id="ent:l2", name="丙", local=True),
               Enterprise(id="ent:f", name="丁", country="韩国")],
        relationships=[InChain(src="product:x", dst="chain:t"), InChain(src="product:y", dst="chain:t"),
                       InputTo(src="product:y", dst="product:x"), Produces(src="ent:a", dst="product:x"),
                       *(Produces(src=e, dst="product:y") for e in ("ent:l1", "ent:l2", "ent:f")),
                       Supplies(src="ent:l1", dst="ent:a", product="product:y", **{field: local_shares[0]}),
                       Supplies(src="ent:l2", dst="ent:a", product="product:y", **{field: local_shares[1]}),
                       Supplies(src="ent:f", dst="ent:a", product="product:y", **{field: foreign})],
    )
    row = gap_report(graph_from_batch(batch), "chain:t", rule=GapRule(min_local_producers=2)).by_product()["product:y"]
    assert row.local_sourcing == pytest.approx(0.3, abs=5e-4)
    assert row.status == "强链", row.evidence
    assert row.evidence.endswith("本地配套率30.0%，不低于30.0%")

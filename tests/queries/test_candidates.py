"""Recruitment candidates and the recruit-to-de-risk simulation, by hand."""

from __future__ import annotations

import networkx as nx
import pytest

from queries.candidates import ScoreWeights, recruit_to_derisk, recruitment_candidates
from queries.examples import example_graph


def test_candidates_for_cell_show_every_score_part() -> None:
    report = recruitment_candidates(example_graph(), "chain:ev", "product:cell")
    assert [c.enterprise for c in report.candidates] == ["ent:foreign"]
    best = report.candidates[0]
    # supplies 1 local firm (lead, 10), a 链主 (20), 500 亿 (20), no listed tags, abroad (0),
    # and would end ent:pack's sole-source dependency on ent:cell (15).
    assert best.parts == {"本地客户": 10.0, "供应链主": 20.0, "规模": 20.0, "标签": 0.0, "省内": 0.0, "解除独家依赖": 15.0}
    assert best.score == 65.0 and best.sole_sources_ended == ("ent:pack",)
    assert "向链主南昌汽车（示例）供货" in best.reason and "可解除1家" in best.reason
    assert report.status == "强链"


def test_candidates_rank_by_score_and_respect_weights() -> None:
    report = recruitment_candidates(example_graph(), "chain:ev", "product:motor")
    assert [(c.enterprise, c.score) for c in report.candidates] == [("ent:gd-motor", 18.0)]  # 规模 10 + 专精特新 5 + 高新 3
    assert report.candidates[0].reason == "营收15亿元；专精特新、高新技术企业"
    heavy = recruitment_candidates(example_graph(), "chain:ev", "product:lithium", weights=ScoreWeights(in_province=50))
    assert heavy.candidates[0].parts["省内"] == 50.0
    assert heavy.rows()[0]["理由"].endswith("省内企业，配套半径短")


def test_candidates_unknown_product() -> None:
    with pytest.raises(nx.NodeNotFound):
        recruitment_candidates(example_graph(), "chain:ev", "product:rice")


def test_recruiting_the_motor_maker_fills_the_gap_the_leader_needs() -> None:
    sim = recruit_to_derisk(example_graph(), "chain:ev", "product:motor", "ent:gd-motor")
    figures = {name: (before, after) for name, before, after in sim.figures}
    assert figures["产品状态"] == ("缺链", "弱链")  # one local producer < 2
    assert figures["本地生产企业数"] == (0, 1)
    assert figures["无已知供应商对数"] == (1, 0)  # the 链主's motor now has a supplier …
    assert figures["独家供应对数"] == (4, 5)  # … a single one
    assert figures["完整度"] == (pytest.approx(4 / 7, abs=1e-4), pytest.approx(5 / 7, abs=1e-4))
    assert sim.status_changes == (("product:motor", "驱动电机", "缺链", "弱链"),)
    assert sim.new_enterprise == "ent:gd-motor#本地项目"


def test_recruiting_a_second_cathode_maker_strengthens_the_link() -> None:
    sim = recruit_to_derisk(example_graph(), "chain:ev", "product:cathode", "ent:sh-cathode")
    figures = {name: (before, after) for name, before, after in sim.figures}
    assert figures["产品状态"] == ("弱链", "强链")
    # The new link has no share, so each buyer's links count equally: cell gets 2 of 3 from local
    # firms; cell2, which bought from sh-cathode alone, now buys from its local plant alone.
    assert figures["本地配套率"][1] == pytest.approx((2 / 3 + 1) / 2, abs=1e-4)
    # cell2's sole source stays one company (its supply moved to the plant, as the score says:
    # 解除独家依赖 does not count it), and the plant gets lithium from jx-mine only: one pair more.
    assert figures["独家供应对数"] == (4, 5)
    assert recruitment_candidates(example_graph(), "chain:ev", "product:cathode").candidates[0].sole_sources_ended == ()
    assert figures["无已知供应商对数"] == (1, 1)  # the plant buys lithium from sh-cathode's supplier
    with pytest.raises(nx.NodeNotFound):
        recruit_to_derisk(example_graph(), "chain:ev", "product:cathode", "ent:nobody")


def test_the_plant_buys_inputs_the_candidate_has_no_supplier_for_from_local_producers() -> None:
    """Korea Cell has no recorded cathode supplier: its local plant buys cathode from the local
    cathode maker (延链 builds on local links), so no input is left without a supplier."""
    sim = recruit_to_derisk(example_graph(), "chain:ev", "product:cell", "ent:foreign")
    figures = {name: (before, after) for name, before, after in sim.figures}
    assert figures["无已知供应商对数"] == (1, 1) and figures["本地生产企业数"] == (2, 3)
    assert figures["韧性"][1] > figures["韧性"][0]  # the pack maker now has two cell suppliers


def test_only_outside_enterprises_are_recruited() -> None:
    with pytest.raises(ValueError, match="已是本地企业"):
        recruit_to_derisk(example_graph(), "chain:ev", "product:cell", "ent:cell")

"""Disruption impact on the example chain, by hand."""

from __future__ import annotations

import networkx as nx
import pytest

from queries.disruption import DisruptionScope, naive_propagate, propagate, select_enterprises, simulate_disruption
from queries.examples import example_graph
from queries.view import chain_view


def test_selectors() -> None:
    graph = example_graph()
    assert select_enterprises(graph, DisruptionScope(parks=("park:ev",))) == {"ent:lead", "ent:pack"}
    assert select_enterprises(graph, DisruptionScope(parks=("park:xiaolan",))) == {"ent:lead", "ent:pack", "ent:cell"}
    assert select_enterprises(graph, DisruptionScope(districts=("新建区",))) == {"ent:cell2"}
    assert select_enterprises(graph, DisruptionScope(provinces=("上海市", "广东省"))) == {"ent:sh-cathode", "ent:gd-motor"}
    assert select_enterprises(graph, DisruptionScope(countries=("韩国",))) == {"ent:foreign"}
    assert "ent:rice" not in select_enterprises(graph, DisruptionScope(provinces=("江西省",)), "chain:ev")
    with pytest.raises(nx.NodeNotFound):
        select_enterprises(graph, DisruptionScope(parks=("park:nowhere",)))


def test_removing_the_cell_maker_cascades_to_pack_and_the_leader() -> None:
    result = simulate_disruption(example_graph(), DisruptionScope(enterprises=("ent:cell",)), "chain:ev")
    assert result.removed == ("ent:cell",)
    assert result.disrupted == {"ent:pack": ("product:cell",), "ent:lead": ("product:pack",)}
    assert result.revenue_at_risk == 350.0 and result.local_revenue_at_risk == 350.0
    assert result.products_lost_locally == ("product:pack", "product:vehicle")  # cell2 still makes cells
    assert result.by_chain == (("chain:ev", 3, 350.0, 1, 2),)  # local down, their revenue, removed, disrupted
    assert result.by_cluster == (("cluster:ev", 0, 2, 320.0),)
    tables = result.tables()
    assert list(tables)[:6] == ["概要", "按产业链", "按链主", "本地断供产品", "失去的其他投入品", "受影响企业"]
    assert [row["状态"] for row in tables["受影响企业"]] == ["连锁中断", "连锁中断", "移除"]  # local, hit, by revenue
    [summary] = result.rows()
    assert summary["范围"] == "企业 南昌电芯（示例）" and summary["受影响链主"] == ["南昌汽车（示例）"]
    assert [(r["链主"], r["状态"], r["失去的必需投入品"]) for r in tables["按链主"]] == [("南昌汽车（示例）", "连锁中断", ["电池包"])]


def test_the_headline_is_the_impact_on_nanchang_and_the_removed_firms_revenue_stands_apart() -> None:
    """Korea out: Korea Cell's own 500 亿 is not an impact on Nanchang; the local firms hit are."""
    graph = example_graph()
    korea = simulate_disruption(graph, DisruptionScope(countries=("韩国",)), "chain:ev")
    [summary] = korea.summary_records()
    assert (summary.local_firms_hit, summary.local_revenue_at_risk) == (0, 0.0)
    assert (summary.removed_count, summary.removed_revenue) == (1, 500.0)
    shanghai = simulate_disruption(graph, DisruptionScope(provinces=("上海市",)), "chain:ev")
    [summary] = shanghai.summary_records()
    local_rows = [r for r in shanghai.tables()["受影响企业"] if r["地区"] == "本地"]
    assert summary.local_firms_hit == len(local_rows) == 1  # 南昌储能电芯 loses its only 正极材料
    assert summary.local_revenue_at_risk == sum(r["营收(亿元)"] for r in local_rows) == 5.0
    assert summary.removed_revenue == 80.0 and summary.outside_disrupted_count == 0
    assert summary.share_of_local_revenue == round(5.0 / (300 + 20 + 30 + 5 + 12), 4)
    assert [(r.chain_name, r.local_firms_hit, r.local_revenue_at_risk) for r in shanghai.record_tables()["by_chain"]] == [("新能源汽车", 1, 5.0)]


def test_a_lost_input_that_is_not_required_does_not_disrupt() -> None:
    result = simulate_disruption(example_graph(), DisruptionScope(enterprises=("ent:rice",)))
    assert result.disrupted == {} and result.lost_inputs == {"ent:lead": ("product:rice",)}


def test_partial_mode_reports_the_share_lost() -> None:
    result = simulate_disruption(example_graph(), DisruptionScope(provinces=("上海市",)), "chain:ev", partial=True)
    # cell2 buys cathode only from Shanghai → down; cell loses 70% of its cathode, lead nothing.
    assert result.disrupted == {"ent:cell2": ("product:cathode",)}
    assert {(p.enterprise, p.product, p.lost_share) for p in result.partial} == {("ent:cell", "product:cathode", 0.7)}
    assert "部分损失" in result.tables()
    assert simulate_disruption(example_graph(), DisruptionScope(provinces=("上海市",)), "chain:ev").partial is None


def test_fixed_point_and_naive_sweeps_agree_on_every_single_removal() -> None:
    view = chain_view(example_graph())
    for enterprise in view.enterprises:
        assert set(propagate(view, [enterprise])) == naive_propagate(view, [enterprise])
    assert set(propagate(view, ["ent:jx-mine"])) == {
        "ent:jx-mine", "ent:local-cathode", "ent:sh-cathode", "ent:cell", "ent:cell2", "ent:pack", "ent:lead",
    }


def test_rows_name_every_enterprise_they_mention() -> None:
    result = simulate_disruption(example_graph(), DisruptionScope(provinces=("上海市",)), partial=True)
    tables = result.tables()
    assert tables["部分损失"][0]["企业"] == "南昌电芯（示例）"
    assert {row["企业"] for row in tables["受影响企业"]} == {"上海正极（示例）", "南昌储能电芯（示例）"}


@pytest.mark.parametrize("scope", [
    DisruptionScope(enterprises=("ent:rice",)),  # exists, but outside chain:ev
    DisruptionScope(enterprises=("product:cell",)),  # not an enterprise
    DisruptionScope(parks=("ent:lead",)),  # not a park
    DisruptionScope(parks=("park:nowhere",)),
])
def test_ids_outside_the_chain_or_of_another_kind_raise_on_the_whole_graph_and_the_projection(
        scope: DisruptionScope, tmp_path) -> None:  # noqa: ANN001
    from queries.examples import example_batch
    from stores.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "s.sqlite")
    store.ensure_schema()
    store.write(example_batch())
    for graph in (example_graph(), store.project("chain:ev")):
        with pytest.raises(nx.NodeNotFound):
            select_enterprises(graph, scope, "chain:ev")
    store.close()

"""The severity rule's worked examples (docs/analyses.md, 严重程度): relative impact, 链主, substitutes.

One chain, 甲链, with 100 local firms (total local revenue 1,000 亿元):

- 链主 ent:leader (500 亿) makes 组件 from 多晶硅, which only ent:kr-si (Korea) makes;
- ent:sep-1 … ent:sep-5 (24 亿 each, 12 % of local revenue) make 电芯 from 隔膜, all bought from
  ent:gd-sep (Guangdong); ent:sh-sep (Shanghai) also makes 隔膜;
- ent:tea-1 … ent:tea-3 (1 亿 each) make 茶饮 from 茶青, all from the local ent:tea-farm; the
  in-province ent:jx-tea also grows 茶青;
- ent:frame (3 亿) makes 支架 from 铝边框, only from ent:de-frame (Germany); only ent:de-frame2
  (Germany) also makes 铝边框;
- ent:box (2 亿) is sole-sourced its packaging (包装, not a required input) by ent:gd-box;
- 88 filler firms (370 亿 between them) make 其他 from nothing in particular.

The issue's complaint: a tea firm cutting 3 small firms off was 高 while a polysilicon supplier of
the 链主 was 中. Under the rule the order is 多晶硅 (链主 hit) > 隔膜 (12 % of local revenue) >
铝边框 (one small firm, no domestic substitute) > 茶青 (3 % of firms, in-province substitute) > 包装.
"""

from __future__ import annotations

import networkx as nx
import pytest

from queries.impact import ABROAD_SUBSTITUTE, DOMESTIC_SUBSTITUTE, IN_PROVINCE_SUBSTITUTE, NO_SUBSTITUTE, Impact, SeverityRule
from queries.risks import critical_dependencies

CHAIN = "chain:a"
LOCAL = {"local": True, "province": "江西省", "country": "中国", "district": "南昌县"}
WHERE = {
    "local": LOCAL, "jx": {"province": "江西省", "country": "中国"}, "gd": {"province": "广东省", "country": "中国"},
    "sh": {"province": "上海市", "country": "中国"}, "kr": {"country": "韩国"}, "de": {"country": "德国"},
}


def severity_example() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_node(CHAIN, label="Chain", name="甲链")
    inputs = {"组件": "多晶硅", "电芯": "隔膜", "茶饮": "茶青", "支架": "铝边框", "其他": None}
    for output, needed in inputs.items():
        for product in (output, needed) if needed else (output,):
            graph.add_node(f"product:{product}", label="Product", name=product)
            graph.add_edge(f"product:{product}", CHAIN, key="IN_CHAIN", type="IN_CHAIN")
        if needed:
            graph.add_edge(f"product:{needed}", f"product:{output}", key="INPUT_TO", type="INPUT_TO")
    graph.add_node("product:包装", label="Product", name="包装")  # bought, but no INPUT_TO: not required
    graph.add_edge("product:包装", CHAIN, key="IN_CHAIN", type="IN_CHAIN")

    def firm(node: str, place: str, revenue: float, makes: str, *, leader: bool = False) -> None:
        graph.add_node(node, label="Enterprise", name=node.split(":")[1], revenue_yi=revenue, **WHERE[place],
                       tags=["链主"] if leader else [])
        graph.add_edge(node, f"product:{makes}", key="PRODUCES", type="PRODUCES")
        if leader:
            graph.add_edge(node, CHAIN, key="LEADS", type="LEADS")

    def supplies(supplier: str, customer: str, product: str) -> None:
        graph.add_edge(supplier, customer, key=f"SUPPLIES:product:{product}", type="SUPPLIES", product=f"product:{product}")

    firm("ent:leader", "local", 500, "组件", leader=True)
    firm("ent:kr-si", "kr", 80, "多晶硅")
    supplies("ent:kr-si", "ent:leader", "多晶硅")
    firm("ent:gd-sep", "gd", 60, "隔膜")
    firm("ent:sh-sep", "sh", 40, "隔膜")
    for i in range(1, 6):
        firm(f"ent:sep-{i}", "local", 24, "电芯")
        supplies("ent:gd-sep", f"ent:sep-{i}", "隔膜")
    firm("ent:tea-farm", "local", 2, "茶青")
    firm("ent:jx-tea", "jx", 1, "茶青")
    for i in range(1, 4):
        firm(f"ent:tea-{i}", "local", 1, "茶饮")
        supplies("ent:tea-farm", f"ent:tea-{i}", "茶青")
    firm("ent:frame", "local", 3, "支架")
    firm("ent:de-frame", "de", 30, "铝边框")
    firm("ent:de-frame2", "de", 20, "铝边框")
    supplies("ent:de-frame", "ent:frame", "铝边框")
    firm("ent:box", "local", 2, "其他")
    firm("ent:gd-box", "gd", 5, "其他")
    supplies("ent:gd-box", "ent:box", "包装")
    for i in range(88):
        firm(f"ent:filler-{i:02d}", "local", 370 / 88, "其他")
    return graph


def test_local_firm_and_revenue_totals_are_as_described() -> None:
    graph = severity_example()
    local = [n for n, a in graph.nodes(data=True) if a.get("local")]
    assert len(local) == 100
    assert sum(graph.nodes[n]["revenue_yi"] for n in local) == pytest.approx(1000)


def test_sole_sources_are_ordered_by_relative_impact_not_by_the_size_of_their_corner() -> None:
    report = critical_dependencies(severity_example(), CHAIN)
    sole = [(r.severity, r.input_name, r.local_firms_hit, r.substitute) for r in report.records() if r.kind in ("独家供应", "单一供应商投入")]
    order = []
    for row in sole:
        if row[1] not in [seen[1] for seen in order]:
            order.append(row)
    assert order == [
        ("高", "多晶硅", 1, NO_SUBSTITUTE),  # the 链主 loses it: 高 whatever the share
        ("高", "隔膜", 5, DOMESTIC_SUBSTITUTE),  # 12 % of local revenue ≥ 10 %
        ("中", "铝边框", 1, ABROAD_SUBSTITUTE),  # 1 % of firms, 0.3 % of revenue: 低, raised (substitute only abroad)
        ("低", "茶青", 3, IN_PROVINCE_SUBSTITUTE),  # 3 % of firms: 中, lowered (substitute in the province)
        ("低", "包装", 0, NO_SUBSTITUTE),  # not a required input: nobody goes down
    ]


def test_every_row_states_its_impact_with_shares_of_the_chain() -> None:
    report = critical_dependencies(severity_example(), CHAIN)
    [separator] = [r for r in report.records() if r.kind == "单一供应商投入" and r.input_name == "隔膜"]
    assert (separator.local_firms_hit, separator.local_firm_share) == (5, 0.05)
    assert (separator.local_revenue_hit_yi, separator.local_revenue_share) == (120, 0.12)
    [polysilicon] = [r for r in report.records() if r.kind == "独家供应" and r.input_name == "多晶硅"]
    assert polysilicon.leaders_hit_names == ("leader",)


@pytest.mark.parametrize(("impact", "substitute", "level"), [
    (Impact(("a",), ("a",), 1.0, 0.01, 0.001), IN_PROVINCE_SUBSTITUTE, "中"),  # a 链主: 高, lowered once
    (Impact(("a",), (), 1.0, 0.10, 0.0), DOMESTIC_SUBSTITUTE, "高"),
    (Impact(("a",), (), 1.0, 0.02, 0.0), DOMESTIC_SUBSTITUTE, "中"),
    (Impact(("a",), (), 1.0, 0.019, 0.019), NO_SUBSTITUTE, "中"),
    (Impact(("a",), (), 1.0, 0.019, 0.019), IN_PROVINCE_SUBSTITUTE, "低"),
    (Impact((), (), 0.0, 0.0, 0.0), NO_SUBSTITUTE, "低"),  # nobody hit: a missing substitute does not raise it
])
def test_the_rule_table(impact: Impact, substitute: str, level: str) -> None:
    assert SeverityRule().level(impact, substitute) == level


def test_the_meter_answers_as_its_general_rules_each_time_asked() -> None:
    """Cached substitutes and ``_measure`` (of none, one or two firms) = the rules computed afresh."""
    from itertools import combinations

    from queries.examples import example_graph
    from queries.impact import ImpactMeter
    from queries.view import chain_view

    view = chain_view(example_graph(), "chain:ev")
    meter = ImpactMeter(view)
    firms = sorted(view.attrs)
    for product in sorted(view.producers):
        makers = sorted(view.producers[product])
        for size in range(len(makers) + 1):
            for excluded in combinations(makers, size):
                first = meter.substitute(product, excluding=excluded)
                assert first == meter.substitute(product, excluding=list(excluded)) == ImpactMeter(view)._substitute(product, excluded)
    count = len(view.local_enterprises)
    revenue = sum(view.revenue(e) for e in view.local_enterprises)
    for size in range(3):
        for down in combinations(firms, size):
            hit = tuple(e for e in down if view.is_local(e))
            lost = sum(view.revenue(e) for e in hit)
            impact = meter._measure(down)
            assert impact.firms == hit and impact.leaders == tuple(e for e in hit if e in view.leaders)
            assert (impact.revenue_yi, impact.firm_share, impact.revenue_share) == (round(lost, 4), len(hit) / count, lost / revenue)
            assert type(impact.revenue_yi) is type(round(lost, 4))

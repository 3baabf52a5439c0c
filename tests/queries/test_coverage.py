"""The shared index: meanings of local / required input / supplier, and scope identical to the stores'."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings

from queries.chains import chain_scope
from queries.examples import example_graph
from queries.meanings import FOREIGN, IN_PROVINCE, LOCAL, REST_OF_CHINA, UNKNOWN_PLACE, SupplyLink, geography, region, supply_weights
from queries.memberships import memberships
from queries.view import chain_view
from stores import base
from tests.queries.strategies import CHAIN, OTHER_CHAIN, supply_graphs


def store_rule_scope(graph: nx.MultiDiGraph, chain_id: str) -> set[str]:
    """The stores' own chain_scope, fed by an ``incident`` primitive over the graph."""

    def incident(ids, rel_types, direction):
        found = []
        for node in ids:
            if direction in ("out", "both"):
                found += [{"src": node, "dst": v, "type": d["type"]} for _, v, d in graph.out_edges(node, data=True)]
            if direction in ("in", "both"):
                found += [{"src": u, "dst": node, "type": d["type"]} for u, _, d in graph.in_edges(node, data=True)]
        return [rel for rel in found if rel["type"] in rel_types]

    return base.chain_scope(chain_id, incident)


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [
        ({"local": True, "province": "江西省"}, LOCAL),
        ({"local": True, "country": "韩国"}, LOCAL),
        ({"province": "江西省", "city": "宜春市"}, IN_PROVINCE),
        ({"province": "广东省"}, REST_OF_CHINA),
        ({}, UNKNOWN_PLACE),  # nothing known of its place: a data gap, not 国内其他
        ({"country": "中国"}, REST_OF_CHINA),
        ({"country": "未知（匿名）"}, UNKNOWN_PLACE),  # never 境外
        ({"country": "不详", "province": "江西省"}, UNKNOWN_PLACE),  # never 省内
        ({"country": "德国", "province": "江西省"}, FOREIGN),
    ],
)
def test_geography(attrs: dict, expected: str) -> None:
    assert geography(attrs) == expected


def test_region_is_province_or_country() -> None:
    assert (region({"province": "广东省"}), region({"country": "日本"}), region({"local": True})) == ("广东省", "日本", "江西省")


def test_supply_weights_prefer_share_then_amount_then_equal() -> None:
    link = lambda s, **kw: SupplyLink(s, "c", "p", **kw)  # noqa: E731
    # shares under 100 % in all: the rest is bought from suppliers not in the data
    assert supply_weights([link("a", share=0.2, amount_wan=1), link("b", share=0.6, amount_wan=1)]) == pytest.approx({"a": 0.2, "b": 0.6})
    assert supply_weights([link("a", share=0.5), link("b", share=0.7)]) == pytest.approx({"a": 0.5 / 1.2, "b": 0.7 / 1.2})
    assert supply_weights([link("a", share=0.3), link("b", share=0.7)]) == pytest.approx({"a": 0.3, "b": 0.7})
    assert supply_weights([link("a", share=0.2, amount_wan=100), link("b", amount_wan=300)]) == {"a": 0.25, "b": 0.75}
    assert supply_weights([link("a", share=0.0), link("b", share=0.0)]) == {"a": 0.5, "b": 0.5}
    assert supply_weights([]) == {}


def test_example_view_by_hand() -> None:
    view = chain_view(example_graph(), "chain:ev")
    assert "ent:rice" not in view.attrs  # a chain:food firm, outside chain:ev's part of the graph
    assert set(view.leaders) == {"ent:lead"}
    assert view.required_inputs["ent:pack"] == {"product:cell"}
    assert view.inputs_of("ent:lead") == {"product:cell", "product:pack", "product:motor"}
    assert view.suppliers("ent:lead", "product:cell") == {"ent:cell", "ent:foreign"}
    assert view.local_producers("product:cell") == {"ent:cell", "ent:cell2"}
    assert view.local_sourcing_share("ent:cell", "product:cathode") == pytest.approx(0.3)
    assert view.product_local_sourcing("product:cathode") == pytest.approx(0.15)
    whole = chain_view(example_graph())
    assert "ent:rice" in whole.attrs and whole.suppliers("ent:lead", "product:rice") == {"ent:rice"}
    assert memberships(whole)["ent:pack"] == (frozenset({"chain:ev"}), frozenset({"cluster:ev"}))


def test_as_of_keeps_undated_links_and_those_on_or_before_the_date() -> None:
    view = chain_view(example_graph(), "chain:ev", as_of="2023-06-30")
    assert ("ent:local-cathode", "ent:cell", "product:cathode") in {link.key for link in view.links}
    assert ("ent:pack", "ent:lead", "product:pack") not in {link.key for link in view.links}
    assert ("ent:cell", "ent:pack", "product:cell") in {link.key for link in view.links}


def test_unknown_chain_is_refused() -> None:
    with pytest.raises(nx.NodeNotFound):
        chain_view(example_graph(), "chain:nope")


@settings(max_examples=100, deadline=None)
@given(supply_graphs())
def test_scope_is_the_stores_chain_scope(graph: nx.MultiDiGraph) -> None:
    for chain in (CHAIN, OTHER_CHAIN):
        scope = chain_scope(graph, chain)
        assert scope == store_rule_scope(graph, chain) == chain_view(graph, chain).nodes
        assert set(chain_view(graph, chain).attrs) == {n for n in scope if graph.nodes[n]["label"] == "Enterprise"}


@settings(max_examples=100, deadline=None)
@given(supply_graphs())
def test_required_inputs_and_suppliers_by_direct_count(graph: nx.MultiDiGraph) -> None:
    scope = chain_scope(graph, CHAIN)
    view = chain_view(graph, CHAIN)
    for enterprise in view.enterprises:
        made = {p for _, p, d in graph.out_edges(enterprise, data=True) if d["type"] == "PRODUCES" and p in scope}
        needed = {i for p in made for i, _, d in graph.in_edges(p, data=True) if d["type"] == "INPUT_TO" and i in scope}
        assert view.required_inputs[enterprise] == needed - made  # what it makes itself it need not buy
        for product in view.inputs_of(enterprise):
            direct = {
                s for s, _, d in graph.in_edges(enterprise, data=True)
                if d["type"] == "SUPPLIES" and d.get("product") == product and s in scope
            }
            assert view.suppliers(enterprise, product) == direct


def test_models_refuse_infinite_and_nan_numbers() -> None:
    from pydantic import ValidationError

    from graph_schema import Enterprise, Supplies

    for bad in (float("inf"), float("nan")):
        with pytest.raises(ValidationError, match="finite number"):
            Supplies(src="ent:a", dst="ent:b", product="product:x", amount_wan=bad)
        with pytest.raises(ValidationError, match="finite number"):
            Enterprise(id="ent:a", name="甲", revenue_yi=bad)


def _weights_by_the_general_rule(links: list[SupplyLink]) -> dict[str, float]:
    """``supply_weights`` as written before its one-link shortcut (the reference the shortcut must equal)."""
    from queries.meanings import unnamed_part

    values, by_share = None, False
    for field_name in ("share", "amount_wan"):
        candidate = [getattr(item, field_name) for item in links]
        if all(value is not None for value in candidate) and sum(candidate) > 0:
            values, by_share = [float(value) for value in candidate], field_name == "share"
            break
    values = values or [1.0] * len(links)
    total = sum(values)
    if by_share and unnamed_part(links):
        total = 1.0
    if total == float("inf"):
        values = [value / max(values) for value in values]
        total = sum(values)
    weights: dict[str, float] = {}
    for item, value in zip(links, values, strict=True):
        weights[item.supplier] = weights.get(item.supplier, 0.0) + value / total
    return weights


@pytest.mark.parametrize("share", [None, 0.0, -0.5, 0.2, 0.99994, 0.99996, 1.0, 1.5, 1e308, float("nan"), float("inf"), 1])
@pytest.mark.parametrize("amount", [None, 0.0, 3.5, 1e308, float("inf")])
def test_one_link_weights_follow_the_general_rule(share: float | None, amount: float | None) -> None:
    links = [SupplyLink("ent:a", "ent:c", "product:x", share=share, amount_wan=amount)]
    found, expected = supply_weights(links), _weights_by_the_general_rule(links)
    assert found.keys() == expected.keys()
    assert all(found[k] == expected[k] or (found[k] != found[k] and expected[k] != expected[k]) for k in found)


@pytest.mark.parametrize("share", [None, 0.0, -0.5, 0.2, 0.99994, 0.99996, 1.0, 1.5, 1e308, float("nan"), float("inf"), 1])
@pytest.mark.parametrize("amount", [None, 0.0, 3.5, 1e308, float("inf")])
def test_one_link_weight_is_the_general_rule_or_none(share: float | None, amount: float | None) -> None:
    from queries.meanings import one_link_weight

    link = SupplyLink("ent:a", "ent:c", "product:x", share=share, amount_wan=amount)
    found, expected = one_link_weight(link), _weights_by_the_general_rule([link])["ent:a"]
    if found is None:  # left to the general rule: only for an infinite figure
        assert float("inf") in (share, amount)
    else:
        assert found == expected and type(found) is type(expected)


@pytest.mark.parametrize("shares", [(0.3, 0.2), (0.5, 0.5), (0.7, 0.6), (None, 0.4), (0.0, 0.0), (1e308, 1e308), (0.2, float("nan")), (1, 2)])
@pytest.mark.parametrize("amounts", [(None, None), (1.0, 3.0), (0.0, 0.0), (float("inf"), 1.0), (1e308, 1e308), (2, None)])
def test_weights_of_several_links_follow_the_general_rule(shares: tuple[float | None, ...], amounts: tuple[float | None, ...]) -> None:
    links = [SupplyLink(f"ent:{i}", "ent:c", "product:x", share=s, amount_wan=a) for i, (s, a) in enumerate(zip(shares, amounts, strict=True))]
    found, expected = supply_weights(links), _weights_by_the_general_rule(links)
    assert found.keys() == expected.keys()
    assert all(found[k] == expected[k] or (found[k] != found[k] and expected[k] != expected[k]) for k in found)

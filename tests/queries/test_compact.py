"""The compact analysis graph against NetworkX, the reference: on random graphs (hypothesis) it reads
the same nodes and edges through the same API, and every analysis gives the same answer on it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queries.answer_digest import every_answer
from queries.compact import Column, CompactGraph
from queries.view import chain_view
from tests.queries.strategies import CHAIN, OTHER_CHAIN, supply_graphs

SETTINGS = settings(max_examples=40, deadline=None)
LISTS = ("苹果名单", None)
SEEN = (("2022-12-31",), ("2022-12-31", "2023-12-31"), ("2023-12-31",))


@st.composite
def observed_graphs(draw: st.DrawFn) -> nx.MultiDiGraph:
    """``supply_graphs`` with some links observed in yearly lists, some without a product, with an
    amount or a zero share, and an enterprise with a facility."""
    graph = draw(supply_graphs())
    for u, v, key, data in list(graph.edges(keys=True, data=True)):
        if data["type"] != "SUPPLIES":
            continue
        change = draw(st.sampled_from(["none", "none", "seen", "no product", "amount", "zero"]))
        if change == "seen":
            data["seen"] = list(draw(st.sampled_from(SEEN)))
            if (listing := draw(st.sampled_from(LISTS))) is not None:
                data["listing"] = listing
        elif change == "no product" and not graph.has_edge(u, v, "SUPPLIES"):
            graph.remove_edge(u, v, key)
            graph.add_edge(u, v, key="SUPPLIES", **{k: x for k, x in data.items() if k != "product"})
        elif change == "amount":
            data.pop("share", None)
            data["amount_wan"] = draw(st.sampled_from([0.0, 10.0, 250.5]))
        elif change == "zero":
            data["share"] = 0.0
    firm = draw(st.sampled_from(sorted(n for n, d in graph.nodes(data=True) if d["label"] == "Enterprise")))
    graph.add_node("site:a", label="Facility", name="工厂", country="中国", province="广东省", seen=["2022-12-31"], listing="苹果名单")
    graph.add_edge(firm, "site:a", key="HAS_SITE", type="HAS_SITE")
    return graph


def compact_of(graph: nx.MultiDiGraph) -> CompactGraph:
    nodes = [{"id": node, **attrs} for node, attrs in graph.nodes(data=True)]
    rels = [{"src": u, "dst": v, "key": key.partition(":")[2], **data} for u, v, key, data in graph.edges(keys=True, data=True)]
    return CompactGraph.from_records(nodes, rels)


def canon(value: Any) -> str:
    """A text that tells values apart but not the order of a dict's keys (to sort edges by)."""
    if isinstance(value, dict):
        return repr(sorted((key, canon(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return repr([canon(item) for item in value])
    return repr(value)


def plain(value: Any) -> Any:
    """Lists and tuples alike (a column keeps a list as a tuple)."""
    if isinstance(value, (list, tuple)):
        return tuple(plain(item) for item in value)
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    return value


@SETTINGS
@given(observed_graphs())
def test_the_read_api_answers_as_networkx(graph: nx.MultiDiGraph) -> None:
    compact = compact_of(graph)
    assert sorted(compact) == sorted(graph) and compact.number_of_edges() == graph.number_of_edges()
    assert {n: plain(dict(d)) for n, d in compact.nodes(data=True)} == {n: plain(d) for n, d in graph.nodes(data=True)}
    assert dict(compact.nodes(data="label")) == dict(graph.nodes(data="label"))
    for node in graph:
        for method in ("in_edges", "out_edges"):
            for data in (False, True, "type", "share"):
                ours = sorted(map(canon, getattr(compact, method)(node, data=data)))
                assert ours == sorted(map(canon, getattr(graph, method)(node, data=data)))
        assert plain(compact.pred[node]) == plain(dict(graph.pred[node])) and plain(compact.succ[node]) == plain(dict(graph.succ[node]))
        assert sorted(compact.predecessors(node)) == sorted(graph.predecessors(node))
    some = sorted(graph)[::2]
    assert sorted(compact.in_edges(some, data="type")) == sorted(graph.in_edges(some, data="type"))
    assert sorted(compact.in_edges("absent:node")) == [] and "absent:node" not in compact
    assert sorted(map(canon, compact.edges(keys=True, data=True))) == sorted(map(canon, graph.edges(keys=True, data=True)))


@SETTINGS
@given(observed_graphs(), st.sampled_from([None, "2023-06-30", "2024-01-01"]))
def test_views_hold_the_same_index(graph: nx.MultiDiGraph, as_of: str | None) -> None:
    compact = compact_of(graph)
    for chain in (CHAIN, OTHER_CHAIN, None):
        ours, reference = chain_view(compact, chain, as_of=as_of), chain_view(graph, chain, as_of=as_of)
        assert ours.links == reference.links and ours.nodes == reference.nodes and ours.leaders == reference.leaders
        assert ours.produces == reference.produces and ours.inputs == reference.inputs
        assert ours.product_info == reference.product_info and ours.enterprises == reference.enterprises
        assert {e: plain(dict(a)) for e, a in ours.attrs.items()} == {e: plain(a) for e, a in reference.attrs.items()}
        assert ours.places == reference.places and ours.local_enterprises == reference.local_enterprises


@SETTINGS
@given(observed_graphs(), st.sampled_from([None, "2022-12-31", "2023-06-30", "2024-01-01"]))
def test_what_is_present_as_of_a_date_is_the_same(graph: nx.MultiDiGraph, as_of: str | None) -> None:
    """The 招商地图 and the network draw ``present_as_of``: a smaller compact graph here, NetworkX's
    restricted view there; the same nodes, edges and data."""
    from queries.present import present_as_of

    ours, reference = present_as_of(compact_of(graph), as_of), present_as_of(graph, as_of)
    assert sorted(ours) == sorted(reference)
    assert sorted(map(canon, ours.edges(keys=True, data=True))) == sorted(map(canon, reference.edges(keys=True, data=True)))
    assert {n: plain(dict(d)) for n, d in ours.nodes(data=True)} == {n: plain(d) for n, d in reference.nodes(data=True)}


@settings(max_examples=25, deadline=None)
@given(observed_graphs())
def test_every_analysis_gives_the_same_answer(graph: nx.MultiDiGraph) -> None:
    compact = compact_of(graph)
    chains = [CHAIN, OTHER_CHAIN]
    ours = dict(every_answer(lambda chain: compact, chains, seed=1))
    assert ours == dict(every_answer(lambda chain: graph, chains, seed=1))


@pytest.mark.parametrize(("values", "kind"), [
    ([True, None, False], "bool"), ([0.5, None], "float"), (["甲", None, "甲", "乙"], "code"),
    ([("a",), (), None], "code"), ([1, 2.5], "object"), ([None, None], "code"),
])
def test_columns_keep_every_value(values: list[Any], kind: str) -> None:
    column = Column(values)
    assert column.kind == kind
    assert [column[row] for row in range(len(values))] == values
    assert column.present().tolist() == [value is not None for value in values]
    assert column.truthy().tolist() == [bool(value) for value in values]


@SETTINGS
@given(observed_graphs())
def test_equal_sets_of_a_view_are_one_object(graph: nx.MultiDiGraph) -> None:
    """A firm's products and required inputs are shared with every firm that has the same ones (one
    frozenset per distinct set, not per firm), on both graphs; weights are the same asked twice."""
    for view in (chain_view(graph), chain_view(compact_of(graph))):
        for sets in (view.produces, view.required_inputs):
            assert len({id(members) for members in sets.values()}) == len(set(sets.values()))
        for customer, by_input in view.supply.items():
            for product in by_input:
                assert view.weights(customer, product) == view.weights(customer, product)


@SETTINGS
@given(observed_graphs())
def test_the_supply_index_groups_the_links_in_their_order(graph: nx.MultiDiGraph) -> None:
    """The supply index built from the sorted links (customer by customer) is the one a plain pass over
    the links builds: the same customers, inputs and links, in the same order, on both graphs."""
    for chain_id in (None, *sorted(n for n, d in graph.nodes(data=True) if d.get("label") == "Chain")):
        for view in (chain_view(graph, chain_id), chain_view(compact_of(graph), chain_id)):
            reference: dict[str, dict[str, list[object]]] = {}
            for link in view.links:
                reference.setdefault(link.customer, {}).setdefault(link.product or f"output:{link.supplier}", []).append(link)
            assert {c: {p: list(ls) for p, ls in by.items()} for c, by in view.supply.items()} == reference
            assert [list(by) for by in view.supply.values()] == [list(by) for by in reference.values()]
            assert list(view.supply) == list(reference)

"""igraph and NetworkX backends give identical dominators, articulation points and bridges."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queries.fast import SimpleNetwork, _sorted_distinct, articulation_points, bridges, cut_structure, dominator_tree
from tests.queries.strategies import digraphs


def network(graph: nx.DiGraph) -> SimpleNetwork:
    return SimpleNetwork.from_pairs(graph.edges, nodes=graph.nodes)


def test_dominators_on_a_diamond_with_a_tail() -> None:
    # a → b → d → m, a → c → d: d is on every path into m from a, b, c.
    net = SimpleNetwork.from_pairs([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "m"), ("x", "y")])
    for backend in ("igraph", "networkx"):
        tree = dominator_tree(net, "m", backend=backend)
        assert tree.idom == {"a": "d", "b": "d", "c": "d", "d": "m"}
        assert tree.chokepoints() == {"d": 3}
        assert tree.dominators_of("a") == ["d"]


def test_unknown_root_and_backend_are_refused() -> None:
    net = SimpleNetwork.from_pairs([("a", "b")])
    with pytest.raises(nx.NodeNotFound):
        dominator_tree(net, "zzz")
    with pytest.raises(ValueError, match="unknown backend"):
        articulation_points(net, backend="graph-tool")  # type: ignore[arg-type]


def test_cut_structure_on_a_barbell() -> None:
    # Two triangles joined by the bridge c–d.
    pairs = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "f"), ("f", "d"), ("c", "d")]
    for backend in ("igraph", "networkx"):
        points, links = cut_structure(SimpleNetwork.from_pairs(pairs), backend=backend)
        assert {(p.vertex, p.parts, p.separated) for p in points} == {("c", (2, 3), 2), ("d", (2, 3), 2)}
        assert {(b.u, b.v, b.u_side, b.v_side) for b in links} == {("c", "d", 3, 3)}


def test_parallel_and_opposite_links_are_one_tie() -> None:
    net = SimpleNetwork.from_pairs([("a", "b"), ("b", "a"), ("b", "c")])
    assert bridges(net) == {("a", "b"), ("b", "c")}
    assert articulation_points(net) == {"b"}


@settings(max_examples=120, deadline=None)
@given(digraphs())
def test_dominator_backends_agree_and_match_brute_force(graph: nx.DiGraph) -> None:
    net = network(graph)
    for root in sorted(graph.nodes)[:3]:
        fast = dominator_tree(net, root, backend="igraph")
        reference = dominator_tree(net, root, backend="networkx")
        assert fast == reference
        upstream = nx.ancestors(graph, root)
        assert set(fast.idom) == upstream
        for x in upstream:
            without = graph.copy()
            without.remove_node(x)
            cut_off = upstream - {x} - nx.ancestors(without, root)
            # X is a chokepoint for the root exactly when removing it cuts some upstream vertex off.
            assert fast.dominated.get(x, 0) == len(cut_off)
            assert (x in fast.chokepoints()) == bool(cut_off)


@settings(max_examples=120, deadline=None)
@given(digraphs())
def test_cut_point_backends_agree_and_match_brute_force(graph: nx.DiGraph) -> None:
    net = network(graph)
    undirected = nx.Graph(graph.to_undirected())
    assert articulation_points(net, backend="igraph") == articulation_points(net, backend="networkx")
    assert articulation_points(net) == set(nx.articulation_points(undirected))
    assert bridges(net, backend="igraph") == bridges(net, backend="networkx")
    assert bridges(net) == {tuple(sorted(edge)) for edge in nx.bridges(undirected)}
    fast = cut_structure(net, backend="igraph")
    assert fast == cut_structure(net, backend="networkx")
    points, links = fast
    for point in points:
        component = nx.node_connected_component(undirected, point.vertex)
        rest = undirected.subgraph(component - {point.vertex})
        assert point.component_size == len(component)
        assert point.parts == tuple(sorted(len(part) for part in nx.connected_components(rest)))
    for link in links:
        without = undirected.copy()
        without.remove_edge(link.u, link.v)
        assert link.u_side == len(nx.node_connected_component(without, link.u))
        assert link.v_side == len(nx.node_connected_component(without, link.v))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=-(2**62), max_value=2**62), max_size=60))
def test_sorted_distinct_is_np_unique(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    found, expected = _sorted_distinct(array), np.unique(array)
    assert found.dtype == expected.dtype
    assert found.tolist() == expected.tolist()

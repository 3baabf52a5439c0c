"""Property-based tests (hypothesis): every analysis against a brute force on small random graphs."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings

from queries.candidates import recruit_to_derisk, recruitment_candidates
from queries.chain_map import chain_map
from queries.chains import chain_scope
from queries.changes import diff_as_of
from queries.disruption import DisruptionScope, firms_down, propagate, simulate_disruption
from queries.gaps import EXTENSION, MISSING, STRONG, WEAK, GapRule, gap_report
from queries.indices import group_indices, indices
from queries.risks import chokepoints, concentration, critical_dependencies, cut_points, sole_sources
from queries.view import chain_view
from stores.base import OUTSIDE_NAMES, outside_names
from tests.queries.strategies import CHAIN, supply_digraph, supply_graphs

SETTINGS = settings(max_examples=80, deadline=None)


def supplies_into(graph: nx.MultiDiGraph, scope: set[str], enterprise: str) -> dict[str, set[str]]:
    """Product → suppliers of it into ``enterprise``, read straight from the graph (a share of 0
    delivers nothing and names no supplier)."""
    found: dict[str, set[str]] = {}
    for supplier, _, data in graph.in_edges(enterprise, data=True):
        if data["type"] == "SUPPLIES" and supplier in scope and data.get("share") != 0:
            found.setdefault(data["product"], set()).add(supplier)
    return found


def partly_unnamed(graph: nx.MultiDiGraph, scope: set[str], enterprise: str, product: str) -> bool:
    """Every link of ``product`` into ``enterprise`` has a share, and they add up to less than 1."""
    shares = [
        data.get("share") for supplier, _, data in graph.in_edges(enterprise, data=True)
        if data["type"] == "SUPPLIES" and supplier in scope and data["product"] == product and data.get("share") != 0
    ]
    return bool(shares) and None not in shares and round(sum(shares), 4) < 1


def required_of(graph: nx.MultiDiGraph, scope: set[str], enterprise: str) -> set[str]:
    """Inputs of what the enterprise makes, less what it makes itself."""
    made = {p for _, p, d in graph.out_edges(enterprise, data=True) if d["type"] == "PRODUCES" and p in scope}
    return {i for p in made for i, _, d in graph.in_edges(p, data=True) if d["type"] == "INPUT_TO" and i in scope} - made


def local_enterprises(graph: nx.MultiDiGraph, scope: set[str]) -> list[str]:
    """The firms in focus: the local ones, or every firm when none is local (the default scope)."""
    firms = sorted(n for n in scope if graph.nodes[n].get("label") == "Enterprise")
    return [n for n in firms if graph.nodes[n].get("local")] or firms


def all_tables(graph: nx.MultiDiGraph) -> dict:
    view_products = sorted(chain_view(graph, CHAIN).products)
    enterprises = sorted(chain_view(graph, CHAIN).enterprises)
    results = {
        "chain_map": chain_map(graph, CHAIN).tables(),
        "gaps": gap_report(graph, CHAIN).tables(),
        "risks": critical_dependencies(graph, CHAIN).tables(),
        "indices": indices(graph, CHAIN).tables(),
        "diff": diff_as_of(graph, "2023-12-31", "2025-12-31", CHAIN).tables(),
    }
    for product in view_products:
        results[f"candidates {product}"] = recruitment_candidates(graph, CHAIN, product).tables()
    if enterprises:
        scope = DisruptionScope(enterprises=(enterprises[0],), districts=(graph.nodes[enterprises[-1]]["district"],))
        results["disruption"] = simulate_disruption(graph, scope, CHAIN, partial=True).tables()
        outside = [e for e in enterprises if not graph.nodes[e].get("local")]
        if view_products and outside:
            results["recruit"] = recruit_to_derisk(graph, CHAIN, view_products[0], outside[-1]).tables()
    return results


@SETTINGS
@given(supply_graphs())
def test_whole_graph_and_chain_projection_give_identical_results(graph: nx.MultiDiGraph) -> None:
    projection = graph.subgraph(chain_scope(graph, CHAIN)).copy()  # as store.project(CHAIN) keeps it:
    projection.graph[OUTSIDE_NAMES] = outside_names(  # with the names of products only other chains make
        projection, lambda ids: [{"id": node, **graph.nodes[node]} for node in ids if node in graph])
    assert all_tables(graph) == all_tables(projection)


@SETTINGS
@given(supply_graphs())
def test_sole_sources_equal_a_direct_count(graph: nx.MultiDiGraph) -> None:
    scope = chain_scope(graph, CHAIN)
    expected_pairs, expected_missing = set(), set()
    buyers: dict[str, set[str]] = {}
    partly: set[str] = set()
    for enterprise in local_enterprises(graph, scope):
        supplied = supplies_into(graph, scope, enterprise)
        for product in required_of(graph, scope, enterprise) | set(supplied):
            suppliers = supplied.get(product, set())
            unnamed = partly_unnamed(graph, scope, enterprise, product)
            if len(suppliers) == 1 and not unnamed:
                expected_pairs.add((enterprise, product, next(iter(suppliers))))
            if not suppliers:
                expected_missing.add((enterprise, product))
            if unnamed:
                partly.add(product)
        for product, suppliers in supplied.items():
            buyers.setdefault(product, set()).update(suppliers)
    report = sole_sources(graph, CHAIN)
    assert {(p.enterprise, p.product, p.supplier) for p in report.pairs} == expected_pairs
    assert {(u.enterprise, u.product) for u in report.unsupplied} == expected_missing
    assert {(s.product, s.supplier) for s in report.single_supplier_inputs} == {
        (product, next(iter(suppliers))) for product, suppliers in buyers.items()
        if len(suppliers) == 1 and product not in partly
    }


@SETTINGS
@given(supply_graphs())
def test_chokepoints_are_exactly_the_enterprises_whose_removal_cuts_off_a_supplier(graph: nx.MultiDiGraph) -> None:
    scope = chain_scope(graph, CHAIN)
    network = supply_digraph(graph, scope)
    targets = sorted(network.nodes)[:3]
    expected = set()
    for target in targets:
        upstream = nx.ancestors(network, target)
        for x in upstream:
            without = network.copy()
            without.remove_node(x)
            cut_off = upstream - {x} - nx.ancestors(without, target)
            if cut_off:
                expected.add((target, x, len(cut_off), len(upstream)))
    for backend in ("igraph", "networkx"):
        report = chokepoints(graph, CHAIN, targets=targets, backend=backend)
        assert {(c.target, c.enterprise, c.dependents, c.upstream) for c in report.chokepoints} == expected


@SETTINGS
@given(supply_graphs())
def test_cut_points_match_removal_on_the_undirected_supply_network(graph: nx.MultiDiGraph) -> None:
    undirected = nx.Graph(supply_digraph(graph, chain_scope(graph, CHAIN)).to_undirected())
    report = cut_points(graph, CHAIN)
    expected = set()
    for node in undirected:
        without = undirected.copy()
        without.remove_node(node)
        isolated = undirected.degree(node) == 0
        if nx.number_connected_components(without) > nx.number_connected_components(undirected) - isolated:
            expected.add(node)
    assert {p.vertex for p in report.points} == expected
    assert {(b.u, b.v) for b in report.bridges} == {tuple(sorted(e)) for e in nx.bridges(undirected)}
    assert critical_dependencies(graph, CHAIN, backend="igraph") == critical_dependencies(graph, CHAIN, backend="networkx")


@SETTINGS
@given(supply_graphs())
def test_disruption_fixed_point_equals_naive_repeated_propagation(graph: nx.MultiDiGraph) -> None:
    scope = chain_scope(graph, CHAIN)
    enterprises = sorted(n for n in scope if graph.nodes[n].get("label") == "Enterprise")
    view = chain_view(graph, CHAIN)
    removals = [{e} for e in enterprises] + [{*enterprises[1:3]}, {e for e in enterprises if graph.nodes[e].get("local")}]
    for removed in removals:
        down = set(removed)
        while True:  # naive: sweep every enterprise until nothing changes
            new = {
                e for e in enterprises if e not in down
                and any(
                    suppliers and suppliers <= down and not partly_unnamed(graph, scope, e, product)
                    for product, suppliers in supplies_into(graph, scope, e).items()
                    if product in required_of(graph, scope, e)
                )
            }
            if not new:
                break
            down |= new
        assert set(propagate(view, removed)) == down
        assert firms_down(view, removed) == tuple(sorted(down))  # the impact meter's lean walk
        result = simulate_disruption(graph, DisruptionScope(enterprises=tuple(sorted(removed))), CHAIN)
        assert set(result.down) == down
        assert result.revenue_at_risk == round(sum(graph.nodes[e].get("revenue_yi") or 0 for e in down), 4)


@SETTINGS
@given(supply_graphs())
def test_gap_statuses_follow_the_rule(graph: nx.MultiDiGraph) -> None:
    rule = GapRule(min_local_producers=2, min_local_sourcing_share=0.5, min_strong_input_share=0.5)
    report = gap_report(graph, CHAIN, rule=rule)
    view = chain_view(graph, CHAIN)
    base = {}
    for product in view.products:
        local = [e for e in view.producers[product] if view.is_local(e)]
        share = view.product_local_sourcing(product)
        if not local:
            base[product] = MISSING
        elif len(local) < 2 or (share is not None and share < 0.5):
            base[product] = WEAK
        else:
            base[product] = STRONG
    for product, status in base.items():
        inputs = view.inputs.get(product, set())
        if status == MISSING and inputs and sum(base[i] == STRONG for i in inputs) >= 0.5 * len(inputs):
            base[product] = EXTENSION
    assert {item.product: item.status for item in report.products} == base
    ranks = [item.rank for item in report.gaps()]
    assert ranks == list(range(1, len(ranks) + 1))
    leaders_first = [bool(item.leaders_needing) for item in report.gaps()]
    assert leaders_first == sorted(leaders_first, reverse=True)


@SETTINGS
@given(supply_graphs())
def test_indices_equal_direct_counts(graph: nx.MultiDiGraph) -> None:
    scope = chain_scope(graph, CHAIN)
    local = local_enterprises(graph, scope)
    products = {p for p, _, d in graph.in_edges(CHAIN, data=True) if d["type"] == "IN_CHAIN"}
    made = {p for e in local for _, p, d in graph.out_edges(e, data=True) if d["type"] == "PRODUCES" and p in products}
    pairs = [  # (named suppliers, whether a part comes from suppliers not in the data)
        (len(supplies_into(graph, scope, e).get(p, ())), partly_unnamed(graph, scope, e, p))
        for e in local
        for p in required_of(graph, scope, e) | set(supplies_into(graph, scope, e))
    ]
    index = group_indices(chain_view(graph, CHAIN), local)
    assert index.completeness == (round(len(made) / len(products), 4) if products else None)
    assert index.resilience == (round(sum(n >= 2 or unnamed for n, unnamed in pairs) / len(pairs), 4) if pairs else None)
    for item in concentration(graph, CHAIN).products:
        named = 1 - item.unregistered_share  # the part bought from suppliers in the data
        assert 10000 * named**2 / max(1, item.buyers * 20) - 1e-2 <= item.supplier_hhi <= 10000 + 1e-6
        assert 0 <= item.unregistered_share < 1
        assert 0 <= item.abroad_share <= item.outside_province_share <= 1 + 1e-9


@SETTINGS
@given(supply_graphs())
def test_date_diff_lists_exactly_the_links_dated_between(graph: nx.MultiDiGraph) -> None:
    scope = chain_scope(graph, CHAIN)
    report = diff_as_of(graph, "2023-12-31", "2024-12-31", CHAIN)
    expected = {
        (u, v, d["product"]) for u, v, d in graph.edges(data=True)
        if d["type"] == "SUPPLIES" and u in scope and v in scope and "2023-12-31" < d.get("as_of", "0000") <= "2024-12-31"
    }
    assert {c.link.key for c in report.links} == expected
    assert all(c.change == "新增" for c in report.links)


@SETTINGS
@given(supply_graphs())
def test_recruiting_a_maker_of_a_missing_product_fills_the_gap(graph: nx.MultiDiGraph) -> None:
    gaps = gap_report(graph, CHAIN)
    view = chain_view(graph, CHAIN)
    for item in gaps.gaps():
        if item.status not in (MISSING, EXTENSION):
            continue
        makers = [e for e in view.enterprises if not view.is_local(e)]
        if not makers:
            continue
        result = recruit_to_derisk(graph, CHAIN, item.product, makers[0])
        figures = {name: (before, after) for name, before, after in result.figures}
        assert figures["本地生产企业数"] == (0, 1)
        assert figures["产品状态"][1] in (WEAK, STRONG)
        assert figures["独家供应对数"][1] >= 0

"""Hypothesis strategies: small random graphs that follow the data model (built with NetworkX directly)."""

from __future__ import annotations

import networkx as nx
from hypothesis import strategies as st

CHAIN = "chain:a"
OTHER_CHAIN = "chain:b"
DATES = (None, "2023-06-30", "2024-06-30", "2025-06-30")
PLACES = {
    "local": {"local": True, "province": "江西省", "country": "中国"},
    "in": {"local": False, "province": "江西省", "country": "中国"},
    "rest": {"local": False, "province": "广东省", "country": "中国"},
    "foreign": {"local": False, "country": "韩国"},
}


@st.composite
def supply_graphs(draw: st.DrawFn, max_enterprises: int = 9, max_products: int = 5) -> nx.MultiDiGraph:
    """A random graph: two chains, products with INPUT_TO (a DAG), enterprises that produce and supply."""
    graph = nx.MultiDiGraph()
    graph.add_node(CHAIN, label="Chain", name="甲链", kind="新兴", target_2026_yi=100.0)
    graph.add_node(OTHER_CHAIN, label="Chain", name="乙链", kind="特色")
    n_products = draw(st.integers(2, max_products))
    products = [f"product:p{i}" for i in range(n_products)]
    for i, product in enumerate(products):
        stage = draw(st.sampled_from(["上游", "中游", "下游"]))
        graph.add_node(product, label="Product", name=f"产品{i}", stage=stage)
        chain = draw(st.sampled_from([CHAIN, CHAIN, OTHER_CHAIN]))
        graph.add_edge(product, chain, key="IN_CHAIN", type="IN_CHAIN", stage=stage, segment="环节")
    for i in range(n_products):
        for j in range(i + 1, n_products):
            if draw(st.booleans()):
                graph.add_edge(products[i], products[j], key="INPUT_TO", type="INPUT_TO")
    n_enterprises = draw(st.integers(3, max_enterprises))
    enterprises = [f"ent:e{i}" for i in range(n_enterprises)]
    graph.add_node("cluster:k", label="Cluster", name="集群")
    graph.add_edge("cluster:k", CHAIN, key="CLUSTER_OF", type="CLUSTER_OF")
    graph.add_node("park:outer", label="Park", name="开发区", kind="开发区")
    graph.add_node("park:inner", label="Park", name="园区", kind="园区")
    graph.add_edge("park:inner", "park:outer", key="LOCATED_IN", type="LOCATED_IN")
    for i, enterprise in enumerate(enterprises):
        place = draw(st.sampled_from(["local", "local", "in", "rest", "foreign"]))
        revenue = draw(st.one_of(st.none(), st.sampled_from([0.5, 3.0, 20.0, 150.0])))
        tags = draw(st.lists(st.sampled_from(["专精特新", "小巨人", "上市"]), unique=True, max_size=2))
        attrs = {"label": "Enterprise", "name": f"企业{i}", **PLACES[place], "tags": tags,
                 "district": draw(st.sampled_from(["南昌县", "新建区"]))}
        if revenue is not None:
            attrs["revenue_yi"] = revenue
        graph.add_node(enterprise, **attrs)
        for product in draw(st.sets(st.sampled_from(products), max_size=2)):
            graph.add_edge(enterprise, product, key="PRODUCES", type="PRODUCES")
        if draw(st.integers(0, 3)) == 0:
            graph.add_edge(enterprise, "cluster:k", key="MEMBER_OF", type="MEMBER_OF")
        park = draw(st.sampled_from([None, "park:inner", "park:outer"]))
        if park:
            graph.add_edge(enterprise, park, key="LOCATED_IN", type="LOCATED_IN")
    for leader in draw(st.sets(st.sampled_from(enterprises), max_size=2)):
        graph.add_edge(leader, CHAIN, key="LEADS", type="LEADS")
    # Links mostly carry a required input of the customer, from an enterprise that makes it.
    makers = {p: sorted(e for e, _, d in graph.in_edges(p, data=True) if d["type"] == "PRODUCES") for p in products}
    links = draw(st.lists(
        st.tuples(st.integers(0, 99), st.sampled_from(enterprises), st.integers(0, 99),
                  st.one_of(st.none(), st.sampled_from([0.1, 0.3, 0.5, 1.0])), st.sampled_from(DATES)),
        min_size=n_enterprises, max_size=3 * n_enterprises,
    ))
    for pick_supplier, customer, pick_product, share, as_of in links:
        made = [p for _, p, d in graph.out_edges(customer, data=True) if d["type"] == "PRODUCES"]
        needed = sorted({i for p in made for i, _, d in graph.in_edges(p, data=True) if d["type"] == "INPUT_TO"})
        product = needed[pick_product % len(needed)] if needed and pick_product % 4 else products[pick_product % n_products]
        pool = makers[product] if makers[product] and pick_supplier % 3 else enterprises
        supplier = pool[pick_supplier % len(pool)]
        if supplier == customer:
            continue
        attrs = {"type": "SUPPLIES", "product": product, "confidence": "reported"}
        if share is not None:
            attrs["share"] = share
        if as_of is not None:
            attrs["as_of"] = as_of
        graph.add_edge(supplier, customer, key=f"SUPPLIES:{product}", **attrs)
    return graph


def supply_digraph(graph: nx.MultiDiGraph, nodes: set[str] | None = None) -> nx.DiGraph:
    """Enterprise → enterprise SUPPLIES edges (any product) among ``nodes``, as a simple DiGraph."""
    result = nx.DiGraph()
    for node, data in graph.nodes(data=True):
        if data.get("label") == "Enterprise" and (nodes is None or node in nodes):
            result.add_node(node)
    for u, v, data in graph.edges(data=True):
        if data.get("type") == "SUPPLIES" and u in result and v in result:
            result.add_edge(u, v)
    return result


@st.composite
def digraphs(draw: st.DrawFn, max_nodes: int = 12) -> nx.DiGraph:
    """A random simple directed graph on string vertices v0…vn."""
    n = draw(st.integers(1, max_nodes))
    names = [f"v{i}" for i in range(n)]
    graph = nx.DiGraph()
    graph.add_nodes_from(names)
    edges = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)), max_size=3 * n))
    graph.add_edges_from((u, v) for u, v in edges if u != v)
    return graph

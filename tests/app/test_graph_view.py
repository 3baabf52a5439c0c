"""Graph views: products in stage columns whatever the layout, nodes without edges kept close."""

from __future__ import annotations

import networkx as nx

from app.web.graph_view import STAGE_X, graph_payload


def small_chain() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_node("chain:c", label="Chain", name="链")
    for stage, product in (("上游", "product:a"), ("中游", "product:b"), ("下游", "product:c")):
        graph.add_node(product, label="Product", name=product, stage=stage)
        graph.add_edge(product, "chain:c", key="IN_CHAIN", type="IN_CHAIN")
    graph.add_node("park:p", label="Park", name="园区")
    return graph


def test_products_stand_in_stage_columns_with_physics_on_and_off() -> None:
    for limit in (300, 1):  # physics on (small view), then a computed layout
        payload = graph_payload(small_chain(), physics_limit=limit)
        nodes = {node["id"]: node for node in payload["nodes"]}
        for product, stage in (("product:a", "上游"), ("product:b", "中游"), ("product:c", "下游")):
            assert nodes[product]["x"] == STAGE_X[stage]
        assert payload["physics"] is (limit == 300)
        if payload["physics"]:
            assert nodes["product:a"]["fixed"] == {"x": True, "y": False} and "x" not in nodes["park:p"]
        else:  # the park has no edge: placed under the drawing, not flung far out
            assert nodes["park:p"]["y"] > max(node["y"] for key, node in nodes.items() if key != "park:p")

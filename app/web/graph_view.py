"""Graph views: a NetworkX (sub)graph drawn with pyvis, delivered as inert JSON for vis-network.

pyvis builds the nodes, edges and options; the page never uses pyvis's own HTML template (it
links Bootstrap from a CDN and turns any tooltip containing "href" into live HTML). Instead the
data travels as JSON inside ``<script type="application/json">`` and ``/static/graph.js`` draws it
with the vis-network copy that pyvis ships, served by the app. Tooltips are plain text.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("chain:a", label="Chain", name="<b>甲</b>")
>>> payload = graph_payload(g)
>>> payload["nodes"][0]["label"], payload["nodes"][0]["title"]
('<b>甲</b>', '产业链：<b>甲</b>')
>>> "<" in inert_json(payload)
False
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx
from pyvis.network import Network

KIND_STYLE = {
    "Chain": ("产业链", "#c0392b", "star", 30),
    "Cluster": ("产业集群", "#8e44ad", "diamond", 22),
    "Park": ("区县/园区/平台", "#16a085", "square", 16),
    "Product": ("产品", "#2980b9", "dot", 14),
    "Enterprise": ("企业", "#e67e22", "dot", 10),
}
STAGE_X = {"上游": -600, "中游": 0, "下游": 600}
PHYSICS_NODE_LIMIT = 300
ISOLATED_SPACING = 120.0  # between nodes without edges, set in rows under a computed layout
EDGE_LABELS = {
    "SUPPLIES": "供应", "PRODUCES": "生产", "INPUT_TO": "投入", "IN_CHAIN": "属于", "LOCATED_IN": "位于",
    "MEMBER_OF": "成员", "CLUSTER_OF": "集群", "BASED_IN": "布局", "LEADS": "链主",
}


def node_url(node_id: str, label: str) -> str:
    """The page that shows a node."""
    if label == "Chain":
        return f"/chains/{node_id}"
    if label == "Enterprise":
        return f"/enterprises/{node_id}"
    return f"/nodes/{node_id}"


def node_title(attrs: dict[str, Any]) -> str:
    """A plain-text tooltip: kind, name and the facts that matter for that kind."""
    kind = KIND_STYLE.get(attrs.get("label", ""), ("节点",))[0]
    lines = [f"{kind}：{attrs.get('name', '')}"]
    if attrs.get("stage") or attrs.get("segment"):
        lines.append(f"环节：{attrs.get('segment') or '—'}（{attrs.get('stage') or '—'}）")
    if attrs.get("label") == "Enterprise":
        place = " ".join(str(attrs[key]) for key in ("country", "province", "city", "district") if attrs.get(key))
        lines.append(f"所在地：{place or '未知'}{'（本地）' if attrs.get('local') else ''}")
        if attrs.get("revenue_yi") is not None:
            lines.append(f"营业收入：{attrs['revenue_yi']} 亿元")
        if attrs.get("tags"):
            lines.append("标签：" + "、".join(attrs["tags"]))
    if attrs.get("target_2026_yi"):
        lines.append(f"2026年目标：{attrs['target_2026_yi']:g} 亿元")
    if attrs.get("synthetic"):
        lines.append("示例数据（虚构）")
    return "\n".join(lines)


def graph_payload(
    graph: nx.MultiDiGraph, *, physics_limit: int = PHYSICS_NODE_LIMIT, status: dict[str, str] | None = None,
    status_colours: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Nodes, edges, options and legend for vis-network, built with pyvis.

    Above ``physics_limit`` nodes the layout is computed here and physics is off, so large views
    are interactive at once; nodes that already carry ``x`` and ``y`` keep them. ``status`` (node →
    e.g. 缺链/弱链/强链, or a risk level) colours those nodes with ``status_colours`` and goes in the
    tooltip and the legend.
    """
    status = status or {}
    status_colours = status_colours or {}
    net = Network(directed=True, height="640px", width="100%")
    if all("x" in attrs and "y" in attrs for _, attrs in graph.nodes(data=True)) and graph.number_of_nodes():
        positions = {node: (attrs["x"], attrs["y"]) for node, attrs in graph.nodes(data=True)}
    else:
        positions = _layout(graph) if graph.number_of_nodes() > physics_limit else {}
    for node_id, attrs in graph.nodes(data=True):
        kind, color, shape, size = KIND_STYLE.get(attrs.get("label", ""), ("节点", "#7f8c8d", "dot", 10))
        extra: dict[str, Any] = {"url": node_url(node_id, attrs.get("label", "")), "kind": attrs.get("label", "")}
        if node_id in positions:
            extra["x"], extra["y"] = positions[node_id]
        elif attrs.get("stage") in STAGE_X:  # physics on: products still stand in 上游 / 中游 / 下游 columns
            extra["x"], extra["fixed"] = STAGE_X[attrs["stage"]], {"x": True, "y": False}
        title = node_title(attrs)
        if node_id in status:
            color = status_colours.get(status[node_id], color)
            title += f"\n状态：{status[node_id]}"
        net.add_node(node_id, label=str(attrs.get("name", node_id)), title=title, color=color, shape=shape, size=size, **extra)
    for src, dst, attrs in graph.edges(data=True):
        rel_type = attrs.get("type", "")
        net.add_edge(src, dst, title=EDGE_LABELS.get(rel_type, rel_type), color="#95a5a6", arrows="to")
    net.toggle_physics(not positions)
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    options = json.loads(options)
    if positions:  # a fixed layout: straight edges draw several times faster than smooth curves
        options.setdefault("edges", {})["smooth"] = False
    return {
        "nodes": nodes,
        "edges": edges,
        "options": options,
        "legend": [{"kind": kind, "color": color} for kind, color, _shape, _size in KIND_STYLE.values()]
        + [{"kind": name, "color": colour} for name, colour in status_colours.items() if name in set(status.values())],
        "physics": not positions,
    }


def inert_json(payload: Any) -> str:
    """JSON safe to place inside an HTML ``<script type="application/json">`` element."""
    text = json.dumps(payload, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Positions for a large graph: products by stage in columns, the rest by a fast force layout,
    and nodes without edges (e.g. parks once enterprises are folded) in rows under the drawing.

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c")])
    >>> g.add_node("park", label="Park")
    >>> positions = _layout(g)
    >>> positions["park"][1] > max(y for node, (x, y) in positions.items() if node != "park")
    True
    """
    import igraph as ig

    nodes: list[str] = []
    isolated: list[str] = []
    for node, degree in graph.degree():
        (nodes if degree else isolated).append(node)
    index = {node: position for position, node in enumerate(nodes)}
    simple = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in graph.edges()], directed=False)
    # Fruchterman–Reingold: ~0.1 s for 2,000 nodes, where DrL takes ~6 s on these machines.
    coords = simple.layout_fruchterman_reingold(niter=200, seed=None) if len(nodes) > 1 else [(0.0, 0.0)] * len(nodes)
    xs = [x for x, _ in coords] or [0.0]
    ys = [y for _, y in coords] or [0.0]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    scale = 40.0 * max(len(nodes), 1) ** 0.5 / span
    positions = {}
    for node, (x, y) in zip(nodes, coords, strict=True):
        stage = graph.nodes[node].get("stage")
        positions[node] = (STAGE_X[stage] if stage in STAGE_X else x * scale, y * scale)
    left = min((x for x, _ in positions.values()), default=0.0)
    width = max(max((x for x, _ in positions.values()), default=0.0) - left, ISOLATED_SPACING)
    per_row = max(int(width // ISOLATED_SPACING) + 1, 1)
    top = max((y for _, y in positions.values()), default=0.0) + 2 * ISOLATED_SPACING
    for position, node in enumerate(sorted(isolated, key=lambda node: (graph.nodes[node].get("label", ""), node))):
        row, column = divmod(position, per_row)
        positions[node] = (left + column * ISOLATED_SPACING, top + row * ISOLATED_SPACING)
    return positions

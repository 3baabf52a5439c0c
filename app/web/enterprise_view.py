"""What the enterprise page shows: profile, suppliers and customers by tier, relations with provenance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from app.readmodel.supply_walk import Present
from app.readmodel.supply_walk import supply_tiers as walk_tiers

TIER_SPACING = 320
MAX_PER_TIER = 60


def supply_tiers(graph: Any, enterprise_id: str, direction: str, depth: int, present: Present | None = None) -> dict[str, int]:
    """Tier (hops along SUPPLIES links that are ``present``, all by default) of every supplier
    (``upstream``) or customer (``downstream``) up to ``depth``; over NetworkX or the compact graph.

    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("ent:a", "ent:b", type="SUPPLIES"); _ = g.add_edge("ent:b", "ent:c", type="SUPPLIES")
    >>> supply_tiers(g, "ent:c", "upstream", 2)
    {'ent:b': 1, 'ent:a': 2}
    """
    return walk_tiers(graph, enterprise_id, direction, depth, present)


def tier_graph(graph: Any, enterprise_id: str, depth: int = 2, present: Present | None = None) -> nx.MultiDiGraph:
    """The enterprise, its suppliers (left, by tier) and customers (right), with positions fixed;
    only SUPPLIES links that are ``present`` (all by default).

    At most ``MAX_PER_TIER`` firms a tier (largest revenue first) so the view stays readable.
    """
    placed: dict[str, tuple[float, float]] = {enterprise_id: (0.0, 0.0)}
    for direction, sign in (("upstream", -1), ("downstream", 1)):
        by_tier: dict[int, list[str]] = {}
        for node, tier in supply_tiers(graph, enterprise_id, direction, depth, present).items():
            by_tier.setdefault(tier, []).append(node)
        for tier, nodes in by_tier.items():
            ranked = sorted(nodes, key=lambda node: (-(graph.nodes[node].get("revenue_yi") or 0), node))[:MAX_PER_TIER]
            for index, node in enumerate(ranked):
                placed.setdefault(node, (sign * tier * TIER_SPACING, (index - (len(ranked) - 1) / 2) * 60))
    view = nx.MultiDiGraph()
    for node, (x, y) in placed.items():
        view.add_node(node, **graph.nodes[node], x=x, y=y)
    for src, dst, key, attrs in graph.edges(list(placed), keys=True, data=True):
        if dst in placed and attrs.get("type") == "SUPPLIES" and (present is None or present(attrs)):
            view.add_edge(src, dst, key=key, **attrs)
    return view


def supply_relations(graph: Any, enterprise_id: str, present: Present | None = None,
                     details: Mapping[tuple[str, str, str], Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Every SUPPLIES relation in or out of the enterprise that is ``present`` (all by default), with its
    provenance; ``details``: (source, target, edge key) → the relation's every property, where the
    graph does not hold them all (the compact graph keeps no ``source``)."""
    rows = []
    edges = [(src, enterprise_id, key, attrs) for src, keyed in graph.pred[enterprise_id].items() for key, attrs in keyed.items()]
    edges += [(enterprise_id, dst, key, attrs) for dst, keyed in graph.succ[enterprise_id].items() for key, attrs in keyed.items()]
    for src, dst, key, attrs in edges:
        if attrs.get("type") != "SUPPLIES" or (present is not None and not present(attrs)):
            continue
        if details is not None:
            attrs = details.get((src, dst, key), attrs)
        other = src if dst == enterprise_id else dst
        product = attrs.get("product")
        rows.append({
            "方向": "供应商" if dst == enterprise_id else "客户",
            "对方": graph.nodes[other].get("name", other),
            "对方id": other,
            "产品": graph.nodes[product].get("name", product) if product in graph else (product or ""),
            "占比": attrs.get("share"),
            "金额（万元）": attrs.get("amount_wan"),
            "可信度": {"verified": "已核实", "reported": "报告", "inferred": "推断"}.get(attrs.get("confidence", ""), ""),
            "数据来源": source_text(attrs.get("source"), bool(attrs.get("synthetic"))),
            "日期": listed_text(attrs) or attrs.get("as_of", ""),
            "示例数据": bool(attrs.get("synthetic")),
        })
    return sorted(rows, key=lambda row: (row["方向"], row["产品"], row["对方id"]))


def listed_text(attrs: dict[str, Any]) -> str:
    """The years a relation was seen in its list, as the page says them ("" when it has no observations).

    >>> listed_text({"seen": ["2021-12-31", "2022-12-31"], "listing": "Apple"}), listed_text({"as_of": "2024-06-30"})
    ('2021、2022年名单', '')
    """
    years = sorted({str(date)[:4] for date in attrs.get("seen") or ()})
    return f"{'、'.join(years)}年名单" if years else ""


SYNTHETIC_MARK = "示例数据（虚构）"


def source_text(source: str | None, synthetic: bool) -> str:
    """A relation's source as a person reads it: synthetic data marked once, never twice.

    >>> source_text("示例数据生成器；示例数据（虚构）", True), source_text("企业年报", True), source_text(None, False)
    ('示例数据生成器；示例数据（虚构）', '企业年报（示例数据（虚构））', '—')
    """
    text = (source or "").strip() or "—"
    if synthetic and "示例数据" not in text:
        text = f"{text}（{SYNTHETIC_MARK}）"
    return text


def shared_source(relations: list[dict[str, Any]]) -> str | None:
    """The source every relation of a table has, when there are several and they all share one —
    said once above the table instead of on every row; None when the sources differ.

    >>> shared_source([{"数据来源": "甲"}, {"数据来源": "甲"}]), shared_source([{"数据来源": "甲"}, {"数据来源": "乙"}])
    ('甲', None)
    """
    sources = {row["数据来源"] for row in relations}
    return sources.pop() if len(relations) > 1 and len(sources) == 1 else None


def memberships(graph: Any, enterprise_id: str) -> dict[str, list[dict[str, str]]]:
    """Products made, clusters, parks, and chains led by the enterprise."""
    found: dict[str, list[dict[str, str]]] = {"PRODUCES": [], "MEMBER_OF": [], "LOCATED_IN": [], "LEADS": []}
    for _, dst, attrs in graph.out_edges(enterprise_id, data=True):
        if attrs.get("type") in found:
            found[attrs["type"]].append({"id": dst, "name": graph.nodes[dst].get("name", dst)})
    return {kind: sorted(items, key=lambda item: item["id"]) for kind, items in found.items()}

"""Walks along SUPPLIES over a projection (NetworkX or the compact analysis graph): suppliers and
customers by tier, and the enterprises inside a park.

Only the read API both graphs answer is used (``in_edges`` / ``out_edges`` over many nodes at once,
``nodes``), so the cached compact graph is walked as it is.

>>> from stores.base import build_graph
>>> graph = build_graph([], [{"type": "SUPPLIES", "src": "ent:a", "dst": "ent:b", "key": "x"},
...                          {"type": "SUPPLIES", "src": "ent:b", "dst": "ent:c", "key": "x"},
...                          {"type": "PRODUCES", "src": "ent:c", "dst": "product:x", "key": ""}])
>>> supply_tiers(graph, "ent:c", "upstream", 2), supply_tiers(graph, "ent:a", "downstream", 1)
({'ent:b': 1, 'ent:a': 2}, {'ent:b': 1})
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Present = Callable[[Mapping[str, Any]], bool]  # whether a SUPPLIES link counts (e.g. present as of a date)


def supply_tiers(graph: Any, enterprise_id: str, direction: str, depth: int, present: Present | None = None) -> dict[str, int]:
    """Tier (hops along SUPPLIES links that are ``present``) of every supplier (``upstream``) or
    customer (``downstream``) up to ``depth``, nearest first (the enterprise itself left out)."""
    if enterprise_id not in graph:
        return {}
    upstream = direction == "upstream"
    tiers = {enterprise_id: 0}
    frontier = [enterprise_id]
    for tier in range(1, depth + 1):
        if not frontier:
            break
        edges = graph.in_edges(frontier, data=True) if upstream else graph.out_edges(frontier, data=True)
        found = []
        for src, dst, data in edges:
            other = src if upstream else dst
            if other not in tiers and data.get("type") == "SUPPLIES" and (present is None or present(data)):
                tiers[other] = tier
                found.append(other)
        frontier = found
    del tiers[enterprise_id]
    return tiers


def located_within(graph: Any, park_id: str) -> set[str]:
    """Every node LOCATED_IN ``park_id`` directly or through parks inside it (``nx.ancestors`` along LOCATED_IN).

    >>> from stores.base import build_graph
    >>> graph = build_graph([], [{"type": "LOCATED_IN", "src": "park:a", "dst": "park:b", "key": ""},
    ...                          {"type": "LOCATED_IN", "src": "ent:x", "dst": "park:a", "key": ""}])
    >>> sorted(located_within(graph, "park:b"))
    ['ent:x', 'park:a']
    """
    if park_id not in graph:
        return set()
    seen: set[str] = set()
    frontier = [park_id]
    while frontier:
        found = [src for src, _, kind in graph.in_edges(frontier, data="type") if kind == "LOCATED_IN" and src not in seen and src != park_id]
        seen.update(found)
        frontier = list(dict.fromkeys(found))
    return seen

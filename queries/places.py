"""Where enterprises are: the LOCATED_IN paths between enterprises and the parks that hold them.

A park may lie in another park (小蓝新能源汽车产业园 in 小蓝经开区), so what lies in a park and the
parks that hold an enterprise are both found by following LOCATED_IN as far as it goes.

>>> from queries.examples import example_graph
>>> sorted(located_in(example_graph(), "park:xiaolan"))
['ent:cell', 'ent:lead', 'ent:pack', 'park:ev']
>>> sorted(holding(example_graph(), "ent:lead"))
['park:ev', 'park:xiaolan']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx


def located_in(graph: nx.MultiDiGraph, park: str) -> set[str]:
    """Every node with a LOCATED_IN path to ``park``: its enterprises and the parks inside it."""
    return _reach(graph.pred, park)


def holding(graph: nx.MultiDiGraph, node: str) -> set[str]:
    """Every node ``node`` has a LOCATED_IN path to: the park it is in and the parks around that."""
    return _reach(graph.succ, node)


def _reach(adjacency: Mapping[str, Mapping[str, Mapping[Any, Mapping[str, Any]]]], start: str) -> set[str]:
    """The nodes reached from ``start`` over LOCATED_IN edges of ``adjacency`` (pred or succ), without it."""
    seen = {start}
    stack = [start]
    while stack:
        for other, edges in adjacency[stack.pop()].items():
            if other not in seen and any(d.get("type") == "LOCATED_IN" for d in edges.values()):
                seen.add(other)
                stack.append(other)
    seen.discard(start)
    return seen

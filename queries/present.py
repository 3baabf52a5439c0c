"""The graph as of a date for the pages that draw it (招商地图, 企业网络): what is present then.

As of date D (None: the latest lists):

- a SUPPLIES link is present by the rule of ``queries.view.supplies_as_of`` (its observations, else
  its ``as_of``);
- an enterprise or a facility observed in lists (``seen``) is present when the list that holds as
  of D shows it (``queries.observations``; each kind has its own calendars); one without ``seen``
  is always present: a node's ``as_of`` is the date of its data, not of its existence.

``absent_as_of`` finds what is absent (hashable sets, to keep per date); ``present_as_of`` hides it
(with the links of a hidden node) in a read-only view of the graph.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("ent:a", label="Enterprise", seen=["2021-12-31", "2022-12-31"], listing="L")
>>> g.add_node("ent:b", label="Enterprise", seen=["2021-12-31"], listing="L")
>>> g.add_node("ent:c", label="Enterprise", as_of="2025-12-31")
>>> g.add_edge("ent:b", "ent:a", key="p", type="SUPPLIES")
'p'
>>> sorted(present_as_of(g, None)), sorted(present_as_of(g, "2021-12-31"))
(['ent:a', 'ent:c'], ['ent:a', 'ent:b', 'ent:c'])
>>> present_as_of(g, "2021-12-31").number_of_edges(), present_as_of(g, None).number_of_edges()
(1, 0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from queries.compact import CompactGraph
from queries.observations import Calendars, is_present
from queries.view import supply_calendars

OBSERVED_KINDS = ("Enterprise", "Facility")


@dataclass(frozen=True)
class Absent:
    """The nodes and the (source, target, key) SUPPLIES links absent as of a date."""

    nodes: frozenset[str]
    links: frozenset[tuple[str, str, str]]

    def __bool__(self) -> bool:
        return bool(self.nodes or self.links)


def absent_as_of(graph: Any, as_of: str | None) -> Absent:
    """What of ``graph`` is absent as of ``as_of`` (the module's rule)."""
    calendars = {kind: Calendars.of(data for _, data in graph.nodes(data=True) if data.get("label") == kind and data.get("seen"))
                 for kind in OBSERVED_KINDS}
    nodes = frozenset(
        node for node, data in graph.nodes(data=True)
        if data.get("seen") and data.get("label") in calendars and not calendars[data["label"]].present(data, as_of)
    )
    supplies = supply_calendars(graph)
    links = frozenset(
        (source, target, key) for source, target, key, data in graph.edges(keys=True, data=True)
        if data.get("type") == "SUPPLIES" and not is_present(data, as_of, supplies)
    )
    return Absent(nodes, links)


def present_as_of(graph: Any, as_of: str | None, absent: Absent | None = None) -> Any:
    """``graph`` without what is absent as of ``as_of`` (``absent``, when already found): a read-only
    view of a NetworkX graph, a smaller copy of a ``queries.compact.CompactGraph``; ``graph`` itself
    when nothing is absent."""
    absent = absent if absent is not None else absent_as_of(graph, as_of)
    if not absent:
        return graph
    if isinstance(graph, CompactGraph):
        return graph.without(absent.nodes, absent.links)
    return nx.restricted_view(graph, absent.nodes, absent.links)

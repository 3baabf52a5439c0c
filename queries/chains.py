"""Which nodes belong to a chain, which chains there are, and which chains an enterprise belongs to.

``chain_scope`` applies the one chain-membership rule (``graph_schema.scope.chain_members``, the
rule ``store.project(chain_id)`` applies too) to a projected NetworkX graph.

>>> from queries.examples import example_graph
>>> "ent:rice" in chain_scope(example_graph(), "chain:food"), "ent:rice" in chain_scope(example_graph(), "chain:ev")
(True, False)
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from typing import Literal

import networkx as nx

from graph_schema.scope import chain_members
from queries.compact import CompactGraph


def chain_scope(graph: nx.MultiDiGraph | CompactGraph, chain_id: str) -> set[str]:
    """The ids ``store.project(chain_id)`` keeps: the rule ``graph_schema.scope.chain_members`` (which
    the stores apply too) over the graph's edges; empty when the chain is not in the graph.

    >>> from queries.examples import example_graph
    >>> sorted(n for n in chain_scope(example_graph(), "chain:ev") if not n.startswith("ent:"))[:3]
    ['chain:ev', 'cluster:ev', 'park:ev']
    """
    if chain_id not in graph:
        return set()
    if isinstance(graph, CompactGraph):
        return chain_members(chain_id, graph.neighbours)
    return chain_members(chain_id, functools.partial(_neighbours, graph))


def _neighbours(
    graph: nx.MultiDiGraph, ids: Collection[str], rel_types: tuple[str, ...], direction: Literal["in", "out"]
) -> list[str]:
    """The accessor ``chain_members`` reads a NetworkX graph through.

    Edges are read in bulk through ``graph.in_edges(nbunch, data=...)``: one view for many nodes
    costs about as much as the plain adjacency dicts, where a view per node costs three times more.
    """
    if direction == "in":
        return [source for source, _, kind in graph.in_edges(ids, data="type") if kind in rel_types]
    return [target for _, target, kind in graph.out_edges(ids, data="type") if kind in rel_types]

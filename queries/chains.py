"""Which nodes belong to a chain, which chains there are, and which chains an enterprise belongs to.

``chain_scope`` applies the one chain-membership rule (``graph_schema.scope.chain_members``, the
rule ``store.project(chain_id)`` applies too) to a projected NetworkX graph.

>>> from queries.examples import example_graph
>>> "ent:rice" in chain_scope(example_graph(), "chain:food"), "ent:rice" in chain_scope(example_graph(), "chain:ev")
(True, False)
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Literal

import networkx as nx

from graph_schema.scope import chain_members

if TYPE_CHECKING:
    from queries.view import ChainView


def chain_scope(graph: nx.MultiDiGraph, chain_id: str) -> set[str]:
    """The ids ``store.project(chain_id)`` keeps: the rule ``graph_schema.scope.chain_members`` (which
    the stores apply too) over the graph's edges; empty when the chain is not in the graph.

    >>> from queries.examples import example_graph
    >>> sorted(n for n in chain_scope(example_graph(), "chain:ev") if not n.startswith("ent:"))[:3]
    ['chain:ev', 'cluster:ev', 'park:ev']
    """
    if chain_id not in graph:
        return set()
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


def chain_ids(graph: nx.MultiDiGraph | ChainView) -> list[str]:
    """Every chain in the graph (or in the view's scope), sorted.

    >>> from queries.examples import example_graph
    >>> chain_ids(example_graph())
    ['chain:ev', 'chain:food']
    """
    if not isinstance(graph, nx.Graph):  # a ChainView (imported only for its type: it imports this module)
        return [graph.chain_id] if graph.chain_id else chain_ids(graph.graph)
    return sorted(n for n, d in graph.nodes(data=True) if d.get("label") == "Chain")


def memberships(
    view: ChainView, enterprises: Iterable[str] | None = None
) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Enterprise → (the chains it belongs to, the clusters it is a member of), inside the view's scope.

    An enterprise belongs to a chain when it produces one of the chain's products, leads the chain
    or is a member of one of the chain's clusters (the clusters reported are those of a chain).
    ``enterprises`` limits the answer to those.

    >>> from queries.examples import example_graph
    >>> from queries.view import chain_view
    >>> memberships(chain_view(example_graph()), ["ent:pack"])
    {'ent:pack': (frozenset({'chain:ev'}), frozenset({'cluster:ev'}))}
    """
    graph = view.graph
    product_chains: dict[str, set[str]] = defaultdict(set)
    lead_chains: dict[str, set[str]] = defaultdict(set)
    cluster_chains: dict[str, set[str]] = defaultdict(set)
    in_scope = [chain for chain in chain_ids(view) if view.contains(chain)]
    for source, chain, kind in graph.in_edges(in_scope, data="type"):
        if kind == "IN_CHAIN":
            product_chains[source].add(chain)
        elif kind == "LEADS":
            lead_chains[source].add(chain)
        elif kind == "CLUSTER_OF" and view.contains(source):
            cluster_chains[source].add(chain)
    member_clusters: dict[str, set[str]] = defaultdict(set)
    for member, cluster, kind in graph.in_edges(list(cluster_chains), data="type"):
        if kind == "MEMBER_OF":
            member_clusters[member].add(cluster)
    empty: frozenset[str] = frozenset()
    result = {}
    for enterprise in view.enterprises if enterprises is None else sorted(enterprises):
        chains = set(lead_chains.get(enterprise, empty))
        for product in view.produces.get(enterprise, empty):
            chains |= product_chains.get(product, empty)
        clusters = member_clusters.get(enterprise, empty)
        for cluster in clusters:
            chains |= cluster_chains[cluster]
        result[enterprise] = (frozenset(chains), frozenset(clusters))
    return result

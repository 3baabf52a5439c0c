"""Which chains and clusters the enterprises of a view belong to, and which chains a graph holds.

>>> from queries.examples import example_graph
>>> chain_ids(example_graph())
['chain:ev', 'chain:food']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx

from queries.compact import CompactGraph
from queries.view import ChainView


def chain_ids(graph: nx.MultiDiGraph | CompactGraph | ChainView) -> list[str]:
    """Every chain in the graph (or in the view's scope), sorted.

    >>> from queries.examples import example_graph
    >>> chain_ids(example_graph())
    ['chain:ev', 'chain:food']
    """
    if isinstance(graph, ChainView):
        return [graph.chain_id] if graph.chain_id else chain_ids(graph.graph)
    return sorted(n for n, label in graph.nodes(data="label") if label == "Chain")


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

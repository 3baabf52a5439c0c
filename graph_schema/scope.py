"""Which nodes make up one chain's part of the graph: the one rule both stores and the analyses apply.

The chain; its products (IN_CHAIN); its clusters (CLUSTER_OF); the enterprises that produce those
products (PRODUCES), lead the chain (LEADS) or belong to its clusters (MEMBER_OF); the parks of
those enterprises and clusters (LOCATED_IN, BASED_IN), with the parks that contain them. See
``docs/data-model.md``.

The rule reads the graph through one accessor, ``neighbours(ids, rel_types, direction)``: the nodes
at the other end of the relationships of ``rel_types`` that enter (``"in"``: their sources) or
leave (``"out"``: their targets) the nodes ``ids``. Each store feeds it from its ``incident``
primitive (``stores.base.chain_scope``, what ``store.project(chain_id)`` keeps) and the analyses
from a projected NetworkX graph (``queries.chains.chain_scope``), so an analysis gives the same
answer on the whole graph and on the chain's projection.

>>> edges = [("product:cell", "IN_CHAIN", "chain:ev"), ("ent:a", "PRODUCES", "product:cell"),
...          ("ent:a", "LOCATED_IN", "park:zone"), ("park:zone", "LOCATED_IN", "park:district"),
...          ("ent:b", "PRODUCES", "product:rice"), ("product:rice", "IN_CHAIN", "chain:food")]
>>> def neighbours(ids, rel_types, direction):
...     if direction == "in":
...         return [src for src, kind, dst in edges if dst in ids and kind in rel_types]
...     return [dst for src, kind, dst in edges if src in ids and kind in rel_types]
>>> sorted(chain_members("chain:ev", neighbours))
['chain:ev', 'ent:a', 'park:district', 'park:zone', 'product:cell']
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Literal

Neighbours = Callable[[Collection[str], tuple[str, ...], Literal["in", "out"]], Iterable[str]]
"""``neighbours(ids, rel_types, direction)``: the ids at the other end of those relationships."""


def chain_members(chain_id: str, neighbours: Neighbours) -> set[str]:
    """Ids of the nodes of ``chain_id``'s part of the graph (the chain itself always among them).

    ``neighbours`` is never asked about an empty set of ids. Whether the chain exists is the
    caller's question: the rule answers ``{chain_id}`` for a chain without relationships.
    """

    def sources(targets: Collection[str], *rel_types: str) -> set[str]:
        return set(neighbours(targets, rel_types, "in")) if targets else set()

    def targets_of(origins: Collection[str], *rel_types: str) -> set[str]:
        return set(neighbours(origins, rel_types, "out")) if origins else set()

    chain = {chain_id}
    products = sources(chain, "IN_CHAIN")
    clusters = sources(chain, "CLUSTER_OF")
    enterprises = sources(products, "PRODUCES") | sources(chain, "LEADS") | sources(clusters, "MEMBER_OF")
    parks = targets_of(enterprises | clusters, "LOCATED_IN", "BASED_IN")
    frontier = parks
    while frontier:
        frontier = targets_of(frontier, "LOCATED_IN") - parks
        parks |= frontier
    return chain | products | clusters | enterprises | parks

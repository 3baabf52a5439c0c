"""The store interface every backend implements, and the plain records it hands back.

A node comes back as a dict ``{"id", "label", **properties}``; a relationship as
``{"type", "src", "dst", "key", **properties}`` where ``key`` tells parallel relationships of
one type apart (for SUPPLIES it is the product id).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

import networkx as nx

from graph_schema.models import Node, Relationship

NodeRecord = dict[str, Any]
RelationshipRecord = dict[str, Any]
Direction = Literal["out", "in", "both"]


@dataclass
class WriteBatch:
    """Validated nodes and relationships written in ONE transaction: all of it or nothing.

    >>> from graph_schema import Chain
    >>> batch = WriteBatch(nodes=[Chain(id="chain:aviation", name="航空", kind="新兴")])
    >>> len(batch)
    1
    """

    nodes: list[Node] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.nodes) + len(self.relationships)

    def extend(self, items: Iterable[Node | Relationship]) -> None:
        """Add nodes and relationships in any mix."""
        for item in items:
            (self.nodes if isinstance(item, Node) else self.relationships).append(item)


def batched(items: Iterable[Node | Relationship], size: int) -> Iterator[WriteBatch]:
    """``items`` in order, cut into WriteBatches of ``size`` items (the last may be smaller).

    >>> from graph_schema import Chain
    >>> chains = [Chain(id=f"chain:c{n}", name=f"链{n}", kind="新兴") for n in range(5)]
    >>> [len(batch) for batch in batched(chains, 2)]
    [2, 2, 1]
    """
    batch = WriteBatch()
    for item in items:
        (batch.nodes if isinstance(item, Node) else batch.relationships).append(item)  # type: ignore[arg-type]
        if len(batch) >= size:
            yield batch
            batch = WriteBatch()
    if len(batch):
        yield batch


@dataclass
class Subgraph:
    """Nodes and the relationships among them, as plain records."""

    nodes: list[NodeRecord]
    relationships: list[RelationshipRecord]
    truncated: bool = False


@runtime_checkable
class GraphStore(Protocol):
    """What ChainAtlas needs from a graph store, and not much more.

    Both implementations pass the contract suite in ``tests/contract``.
    """

    revision_is_in_process: ClassVar[bool] = False
    """True when ``revision()`` is a quick read in this process (a local file), not a round trip to a
    server: the app's read model may then check it on the event loop. Each implementation sets it."""

    def ensure_schema(self) -> None:
        """Create constraints and indexes; safe to call again."""

    def write(self, batch: WriteBatch) -> None:
        """Upsert the batch in one transaction (idempotent: properties merge, None never stored).

        Raises MissingEndpointError, writing nothing, when a relationship names an absent node.
        """

    def bulk_load(self, expected_items: int) -> AbstractContextManager[None]:
        """A context for writing about ``expected_items`` items in many batches.

        The store may defer index upkeep until the context ends; each batch stays atomic and is
        visible when written, and everything is indexed again when the context exits.
        """

    def delete_nodes(self, ids: Sequence[str]) -> int:
        """Delete nodes and their relationships; returns how many nodes were deleted."""

    def clear(self) -> None:
        """Delete every node and relationship."""

    def revision(self) -> int:
        """A counter that every write, delete or clear increases: cached projections compare it."""

    def get_node(self, node_id: str) -> NodeRecord | None:
        """The node with this id, or None (also for an id with no known prefix, which names no node)."""

    def list_nodes(self, label: str, *, limit: int | None = None, offset: int = 0) -> list[NodeRecord]:
        """Nodes of one label ordered by id; a negative ``limit`` or ``offset`` is a ValueError."""

    def search(self, text: str, *, labels: Sequence[str] | None = None, limit: int = 20) -> list[NodeRecord]:
        """Nodes whose name or an alias contains ``text``, or whose id / credit code equals it.

        Ordered: exact name, then names starting with ``text``, then shorter names, then name, id.
        Each node once, however often its label is named; a negative ``limit`` is a ValueError.
        """

    def neighbourhood(
        self,
        ids: Sequence[str],
        depth: int = 1,
        *,
        rel_types: Sequence[str] | None = None,
        labels: Sequence[str] | None = None,
        direction: Direction = "both",
        max_nodes: int = 5000,
    ) -> Subgraph:
        """Nodes within ``depth`` hops of ``ids`` (breadth first) and the relationships among them."""

    def project(self, chain_id: str | None = None) -> nx.MultiDiGraph:
        """The whole graph, or one chain's part of it, as a NetworkX MultiDiGraph."""

    def counts(self) -> dict[str, int]:
        """Number of nodes per label and relationships per type (zeros included)."""

    def close(self) -> None:
        """Release connections and files."""

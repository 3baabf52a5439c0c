"""The store interface every backend implements, the plain records it hands back, and what is
written once for every backend over its few primitives: the neighbourhood walk and the projection.

A node comes back as a dict ``{"id", "label", **properties}``; a relationship as
``{"type", "src", "dst", "key", **properties}`` where ``key`` tells parallel relationships of
one type apart (for SUPPLIES it is the product id).
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, ClassVar, Literal

import networkx as nx

from graph_schema.models import Node, Relationship
from graph_schema.registry import RELATIONSHIP_TYPES, check_label, check_relationship_type, label_of
from graph_schema.scope import chain_members
from stores.analysis_columns import AnalysisColumns, columns_from_records

NodeRecord = dict[str, Any]
RelationshipRecord = dict[str, Any]
Direction = Literal["out", "in", "both"]
DIRECTIONS: tuple[Direction, ...] = ("out", "in", "both")
SEARCH_SEPARATOR = "\x1f"
"""Between a node's name and its aliases in search text: in no name, so a query holding it finds nothing."""


def search_text(node: Node) -> str:
    """Name and aliases, joined by ``SEARCH_SEPARATOR`` (which no name contains), for substring search.

    >>> from graph_schema import Enterprise
    >>> search_text(Enterprise(id="ent:a", name="南昌甲", aliases=["甲"]))
    '南昌甲\\x1f甲'
    """
    return SEARCH_SEPARATOR.join([node.name, *getattr(node, "aliases", ())])

Incident = Callable[[Collection[str], Sequence[str], Direction], list[RelationshipRecord]]
"""Relationships of some types touching some nodes: ``incident(ids, rel_types, direction)``."""
NodesById = Callable[[Collection[str]], list[NodeRecord]]
RelsAmong = Callable[[Collection[str]], list[RelationshipRecord]]


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
            if isinstance(item, Node):
                self.nodes.append(item)
            else:
                self.relationships.append(item)


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


@dataclass(frozen=True)
class ImportRecord:
    """One import as a store records it: ``pending`` while its batches are written (readers see none of
    it), then ``published`` in one step, or ``rolled_back`` (``cleared`` when the store was emptied
    under it). ``owner`` names the process writing it (``stores.imports.current_owner``); ``items`` is
    how many nodes and relationships were written under it.
    """

    number: int
    state: str
    started: str
    heartbeat: str
    owner: str
    description: str
    items: int = 0


@dataclass(frozen=True)
class RollbackCounts:
    """What rolling an import back removed: the nodes and relationships it had created and the
    updates to existing ones it had staged.

    >>> RollbackCounts(nodes=2, relationships=3, updates=1).total
    6
    """

    nodes: int = 0
    relationships: int = 0
    updates: int = 0

    @property
    def total(self) -> int:
        return self.nodes + self.relationships + self.updates


def now_text() -> str:
    """The local time as ISO 8601 with its offset, to the second (when imports begin, beat, end)."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def shown_time(text: str) -> str:
    """``2025-06-30T10:12:03+08:00`` as people read it: ``2025-06-30 10:12:03``.

    >>> shown_time("2025-06-30T10:12:03+08:00")
    '2025-06-30 10:12:03'
    """
    return text[:19].replace("T", " ")


def busy_message(record: ImportRecord) -> str:
    """Why a second import may not start while ``record`` is running (Chinese, for people).

    >>> busy_message(ImportRecord(3, "pending", "2025-06-30T10:12:03+08:00", "", "", "chainatlas import a.csv"))
    '另一个导入正在进行（导入 3，开始于 2025-06-30 10:12:03，chainatlas import a.csv）：导入一次只能进行一个，请等它结束后再试。本次未写入任何数据。'
    """
    return (f"另一个导入正在进行（导入 {record.number}，开始于 {shown_time(record.started)}，{record.description}）："
            "导入一次只能进行一个，请等它结束后再试。本次未写入任何数据。")


@dataclass
class Subgraph:
    """Nodes and the relationships among them, as plain records."""

    nodes: list[NodeRecord]
    relationships: list[RelationshipRecord]
    truncated: bool = False


@dataclass(frozen=True)
class NeighbourhoodQuery:
    """A neighbourhood to walk: the nodes within ``depth`` hops of ``ids`` (breadth first), along
    relationships of ``rel_types`` (all when None) in ``direction``, through nodes of ``labels`` (all
    when None), at most ``max_nodes`` of them.

    Checked when made: a negative depth or an unknown direction is a ValueError, a relationship type
    or label outside the schema a SchemaError. Sequences are kept as tuples.

    >>> NeighbourhoodQuery(["ent:a"], 2, rel_types=["SUPPLIES"])
    NeighbourhoodQuery(ids=('ent:a',), depth=2, rel_types=('SUPPLIES',), labels=None, direction='both', max_nodes=5000)
    >>> NeighbourhoodQuery(["ent:a"], -1)
    Traceback (most recent call last):
    ValueError: depth must be >= 0
    """

    ids: Sequence[str]
    depth: int = 1
    _: KW_ONLY
    rel_types: Sequence[str] | None = None
    labels: Sequence[str] | None = None
    direction: Direction = "both"
    max_nodes: int = 5000

    def __post_init__(self) -> None:
        if isinstance(self.ids, str):
            raise TypeError("ids must be a sequence of node ids, not one string")
        if self.depth < 0:
            raise ValueError("depth must be >= 0")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {self.direction!r}")
        object.__setattr__(self, "ids", tuple(self.ids))
        if self.rel_types is not None:
            object.__setattr__(self, "rel_types", tuple(check_relationship_type(name).name for name in self.rel_types))
        if self.labels is not None:
            object.__setattr__(self, "labels", tuple(check_label(name).name for name in self.labels))


def edge_key(rel: RelationshipRecord) -> str:
    """The MultiDiGraph key of a relationship record: ``TYPE`` or ``TYPE:key``."""
    return f"{rel['type']}:{rel['key']}" if rel["key"] else rel["type"]


OUTSIDE_NAMES = "outside_names"
"""Key of a chain projection's graph attribute (``graph.graph``): id → name of the products its links
name that lie outside the chain's part (``GraphStore.project``)."""


def outside_names(part: nx.MultiDiGraph, nodes_by_id: NodesById) -> dict[str, str]:
    """Id → name of the products that the SUPPLIES links of a chain's part name but the part does not
    hold (an input only another chain makes), read through ``nodes_by_id``: what ``project(chain_id)``
    keeps as ``part.graph[OUTSIDE_NAMES]`` so the analyses name them as on the whole graph.

    >>> part = build_graph([], [{"type": "SUPPLIES", "src": "ent:a", "dst": "ent:b", "key": "k", "product": "product:rice"}])
    >>> outside_names(part, lambda ids: [{"id": i, "label": "Product", "name": "大米"} for i in ids])
    {'product:rice': '大米'}
    """
    missing = {data["product"] for _, _, data in part.edges(data=True)
               if data.get("type") == "SUPPLIES" and data.get("product") and data["product"] not in part}
    return {node["id"]: str(node.get("name") or node["id"]) for node in nodes_by_id(missing)} if missing else {}


def build_graph(nodes: Iterable[NodeRecord], rels: Iterable[RelationshipRecord]) -> nx.MultiDiGraph:
    """A MultiDiGraph with node attributes ``label`` + properties and edge attributes ``type`` + properties.

    >>> g = build_graph([{"id": "chain:a", "label": "Chain", "name": "甲"}], [])
    >>> g.nodes["chain:a"]["name"]
    '甲'
    """
    graph = nx.MultiDiGraph()
    for node in nodes:
        attrs = dict(node)
        graph.add_node(attrs.pop("id"), **attrs)
    for rel in rels:
        attrs = {name: value for name, value in rel.items() if name not in ("src", "dst", "key")}
        graph.add_edge(rel["src"], rel["dst"], key=edge_key(rel), **attrs)
    return graph


def breadth_first(query: NeighbourhoodQuery, *, incident: Incident, nodes_by_id: NodesById, rels_among: RelsAmong) -> Subgraph:
    """The neighbourhood ``query`` asks for, over three primitives: nodes reached layer by layer, ids
    sorted within a layer, and the relationships among them of the types asked for."""
    types = list(RELATIONSHIP_TYPES) if query.rel_types is None else list(query.rel_types)
    allowed = set(query.labels) if query.labels is not None else None
    max_nodes = query.max_nodes
    start = sorted({node_id for node_id in query.ids if _has_label(node_id, allowed)})
    present = {node["id"] for node in nodes_by_id(start)}
    seen = [node_id for node_id in start if node_id in present][:max_nodes]
    seen_set = set(seen)
    frontier = list(seen)
    truncated = len(present) > max_nodes
    for _ in range(query.depth):
        if not frontier or truncated:
            break
        found: set[str] = set()
        for rel in incident(frontier, types, query.direction):
            for node_id in (rel["src"], rel["dst"]):
                if node_id not in seen_set and _has_label(node_id, allowed):
                    found.add(node_id)
        frontier = []
        for node_id in sorted(found):
            if len(seen) >= max_nodes:
                truncated = True
                break
            seen.append(node_id)
            seen_set.add(node_id)
            frontier.append(node_id)
    rels = [rel for rel in rels_among(seen_set) if rel["type"] in types]
    nodes = sorted(nodes_by_id(seen_set), key=lambda node: node["id"])
    return Subgraph(nodes=nodes, relationships=sorted(rels, key=_rel_sort_key), truncated=truncated)


def _has_label(node_id: str, allowed: set[str] | None) -> bool:
    return allowed is None or label_of(node_id) in allowed


def _rel_sort_key(rel: RelationshipRecord) -> tuple[str, str, str, str]:
    return (rel["type"], rel["src"], rel["dst"], rel["key"])


def chain_scope(chain_id: str, incident: Incident) -> set[str]:
    """Ids of the nodes that make up one chain's part of the graph (the rule
    ``graph_schema.scope.chain_members``), read through a store's ``incident`` primitive."""

    def neighbours(ids: Collection[str], rel_types: tuple[str, ...], direction: Direction) -> list[str]:
        end = "src" if direction == "in" else "dst"
        return [rel[end] for rel in incident(ids, list(rel_types), direction)]

    return chain_members(chain_id, neighbours)


class GraphStore(ABC):
    """What ChainAtlas needs from a graph store, and not much more.

    A backend implements the abstract methods; ``neighbourhood`` and ``project`` are written once,
    here, over its primitives (``_nodes_by_id``, ``_incident``, ``_all_nodes``,
    ``_all_relationships``), so the stores cannot drift apart. Both implementations pass the
    contract suite in ``tests/contract``.
    """

    revision_is_in_process: ClassVar[bool] = False
    """True when ``revision()`` is a quick read in this process (a local file), not a round trip to a
    server: the app's read model may then check it on the event loop. Each implementation sets it."""

    takes_rows: ClassVar[bool] = False
    """True when the store also writes plain rows (``stores.embedded_rows``: ``RowBatch``, through
    ``ImportSession.write_rows``), the fast path of the importer and the demo; otherwise they write
    WriteBatches of models (Neo4j)."""

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create constraints and indexes; safe to call again."""

    @abstractmethod
    def write(self, batch: WriteBatch, *, pending: int | None = None) -> None:
        """Upsert the batch in one transaction (idempotent: properties merge, None never stored).

        With ``pending`` (the number ``begin_import`` gave) the batch belongs to that import: no
        reader sees any of it — new nodes and relationships, nor new values of existing ones — until
        ``publish_import``; ``rollback_import`` removes it. Without, it is visible when committed.

        Raises MissingEndpointError, writing nothing, when a relationship names an absent node;
        StoreError when ``pending`` names an import that is no longer pending.
        """

    # -- imports: written as pending, published in one step ------------------------------------

    @abstractmethod
    def begin_import(self, description: str, owner: str, *, is_live: Callable[[ImportRecord], bool]) -> int:
        """Record a new pending import and return its number (numbers only grow).

        Imports are one at a time: ImportInProgress, recording nothing, when a pending import for
        which ``is_live`` is true exists (pending imports of dead owners are left to
        ``stores.imports.recover_abandoned``).
        """

    @abstractmethod
    def publish_import(self, number: int) -> None:
        """Make everything written under the pending import visible, in ONE transaction: its new
        nodes and relationships and its new values of existing ones. Publishing an import that is
        already published does nothing; one rolled back is a StoreError."""

    @abstractmethod
    def rollback_import(self, number: int) -> RollbackCounts:
        """Remove everything written under the import (which no reader saw) and mark it rolled
        back; the store is as before the import. Safe to repeat, also after a crash half-way."""

    @abstractmethod
    def imports(self, state: str | None = "pending") -> list[ImportRecord]:
        """The recorded imports in ``state`` (every one when None), oldest first."""

    @abstractmethod
    def bulk_load(self, expected_items: int, *, lean: bool = False) -> AbstractContextManager[None]:
        """A context for writing about ``expected_items`` items in many batches.

        The store may defer index upkeep until the context ends; each batch stays atomic and is
        visible when written, and everything is indexed again when the context exits. ``lean``: the
        writing process holds much else (a file import's validated rows), so the store keeps its own
        memory for the load modest rather than spend it on speed (the embedded store's page cache).
        """

    @abstractmethod
    def delete_nodes(self, ids: Sequence[str]) -> int:
        """Delete nodes and their relationships; returns how many nodes were deleted."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship."""

    @abstractmethod
    def revision(self) -> int:
        """A counter that every write, delete or clear increases: cached projections compare it."""

    @abstractmethod
    def get_node(self, node_id: str) -> NodeRecord | None:
        """The node with this id, or None (also for an id with no known prefix, which names no node)."""

    def get_nodes(self, node_ids: Collection[str]) -> list[NodeRecord]:
        """The nodes with these ids (as ``get_node`` gives them) that exist, in one batch, ordered by id."""
        with self._consistent_reads():
            return sorted(self._nodes_by_id({node_id for node_id in node_ids if isinstance(node_id, str)}),
                          key=lambda node: node["id"])

    @abstractmethod
    def list_nodes(self, label: str, *, limit: int | None = None, offset: int = 0) -> list[NodeRecord]:
        """Nodes of one label ordered by id; a negative ``limit`` or ``offset`` is a ValueError."""

    @abstractmethod
    def search(self, text: str, *, labels: Sequence[str] | None = None, limit: int = 20) -> list[NodeRecord]:
        """Nodes whose name or an alias contains ``text``, or whose id / credit code equals it; of
        ``labels``, by default ``graph_schema.registry.SEARCHED_BY_DEFAULT``.

        Ordered: exact name, then names starting with ``text``, then shorter names, then name, id.
        Each node once, however often its label is named; a negative ``limit`` is a ValueError.
        """

    def neighbourhood(self, query: NeighbourhoodQuery) -> Subgraph:
        """The nodes ``query`` reaches (breadth first) and the relationships among them."""
        with self._consistent_reads():
            return breadth_first(query, incident=self._incident, nodes_by_id=self._nodes_by_id, rels_among=self._rels_among)

    def project(self, chain_id: str | None = None) -> nx.MultiDiGraph:
        """The whole graph, or one chain's part of it, as a NetworkX MultiDiGraph."""
        with self._consistent_reads():
            if chain_id is None:
                return build_graph(self._all_nodes(), self._all_relationships())
            ids = chain_scope(chain_id, self._incident) if self.get_node(chain_id) else set()
            graph = build_graph(self._nodes_by_id(ids), self._rels_among(ids))
            graph.graph[OUTSIDE_NAMES] = outside_names(graph, self._nodes_by_id)
            return graph

    def analysis_columns(self, chain_id: str | None = None) -> AnalysisColumns:
        """What the analyses read of the whole graph, or of one chain's part of it (the nodes and
        relationships ``project`` keeps), as columns: ``stores.analysis_columns``. This reading over the
        primitives is the reference; a store may read it more directly (the contract suite compares)."""
        if chain_id is None:
            return columns_from_records(self._all_nodes(), self._all_relationships())
        ids = chain_scope(chain_id, self._incident) if self.get_node(chain_id) else set()
        return columns_from_records(self._nodes_by_id(ids), self._rels_among(ids))

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Number of nodes per label and relationships per type (zeros included)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections and files."""

    def _consistent_reads(self) -> AbstractContextManager[object]:
        """A context in which the reads of one interface call see the same imports published (a
        snapshot where the store has one); nestable. The default does nothing."""
        return nullcontext()

    # -- the primitives neighbourhood and project are built on --------------------------------

    @abstractmethod
    def _nodes_by_id(self, ids: Collection[str]) -> list[NodeRecord]:
        """The stored nodes among ``ids`` (ids with no known prefix name no node), in any order."""

    @abstractmethod
    def _incident(self, ids: Collection[str], rel_types: Sequence[str], direction: Direction) -> list[RelationshipRecord]:
        """The relationships of ``rel_types`` leaving (``out``), entering (``in``) or touching
        (``both``) the nodes ``ids``, each once, in any order."""

    @abstractmethod
    def _all_nodes(self) -> list[NodeRecord]:
        """Every node."""

    @abstractmethod
    def _all_relationships(self) -> list[RelationshipRecord]:
        """Every relationship."""

    def _rels_among(self, ids: Collection[str]) -> list[RelationshipRecord]:
        """The relationships whose two ends are both in ``ids``."""
        id_set = set(ids)
        return [rel for rel in self._incident(id_set, list(RELATIONSHIP_TYPES), "out") if rel["dst"] in id_set]

"""The Neo4j store: the system of record, through the official ``neo4j`` driver.

Writes are ``UNWIND`` batches of idempotent ``MERGE`` inside one managed write transaction. A
relationship is matched on its key, held by the type's key property when it has one (SUPPLIES'
``product``: no second copy of it) and by a ``key`` property otherwise. Reads use
``driver.execute_query``; each unit of work gets its own session. Driver errors become the
project's StoreError / StoreUnavailable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, TypeVar

from neo4j import Driver, GraphDatabase, ManagedTransaction, RoutingControl, Session
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired, TransientError

from graph_schema.errors import ChainAtlasError, MissingEndpointError, SchemaError, StoreError, StoreUnavailable
from graph_schema.registry import NODE_LABELS, RELATIONSHIP_TYPES, SEARCHED_BY_DEFAULT, label_of
from graph_schema.scope import chain_members
from stores import cypher
from stores.analysis_columns import COLUMNS, AnalysisColumns, ColumnsBuilder
from stores.base import SEARCH_SEPARATOR, Direction, GraphStore, NodeRecord, RelationshipRecord, WriteBatch
from stores.common import check_window, checked_rel_types, chunks

BATCH_ROWS = 10000
T = TypeVar("T")


class Neo4jStore(GraphStore):
    """A GraphStore on a Neo4j 5 database."""

    revision_is_in_process = False  # the revision is a round trip to the server

    def __init__(self, driver: Driver, database: str = "neo4j") -> None:
        self._driver = driver
        self._database = database

    @classmethod
    def connect(cls, uri: str, user: str = "neo4j", password: str = "", *, database: str = "neo4j") -> Neo4jStore:
        """Connect and check that the server answers; raise StoreUnavailable with a clear message if not."""
        auth = (user, password) if password else None
        try:
            # a server that is down or frozen answers within seconds, not the driver's 30–60 s defaults
            driver = GraphDatabase.driver(uri, auth=auth, connection_timeout=3, connection_acquisition_timeout=4,
                                          max_transaction_retry_time=5, notifications_min_severity="OFF")
            driver.verify_connectivity()
        except AuthError as exc:
            raise StoreUnavailable(f"Neo4j at {uri} refused the credentials of user {user!r}: {exc.message}") from exc
        except (ServiceUnavailable, DriverError, OSError, ValueError) as exc:
            raise StoreUnavailable(
                f"Neo4j at {uri} is not reachable ({exc}); start one with `bash scripts/neo4j.sh start` "
                "or set CHAINATLAS_STORE=embedded"
            ) from exc
        return cls(driver, database)

    def __repr__(self) -> str:
        return f"Neo4jStore(database={self._database!r})"

    def session(self) -> Session:
        """A new driver session on the store's database, for tools and benchmarks that run statements
        of their own beside the interface (bare, timed, in transactions they control).

        One session per unit of work: ``with store.session() as session: ...``. Driver errors are not
        translated, and writes made through it do not count in ``revision()``.
        """
        return self._driver.session(database=self._database)

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except ChainAtlasError:
            raise
        except (ServiceUnavailable, SessionExpired, TransientError) as exc:
            raise StoreUnavailable(f"Neo4j became unreachable while {doing}: {exc}") from exc
        except (Neo4jError, DriverError) as exc:
            raise StoreError(f"Neo4j failed while {doing}: {exc}") from exc
        except OverflowError as exc:  # the driver refuses integers beyond Neo4j's 64 bits
            raise StoreError(f"Neo4j cannot store a value while {doing}: {exc}") from exc

    def _read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        with self._errors("reading"):
            records, _, _ = self._driver.execute_query(
                query, parameters_=params, database_=self._database, routing_=RoutingControl.READ
            )
        return [record.data() for record in records]

    def _write(self, work: Callable[[ManagedTransaction], T], doing: str) -> T:
        def work_and_bump(tx: ManagedTransaction) -> T:
            result = work(tx)
            tx.run(cypher.BUMP_REVISION).consume()
            return result

        with self._errors(doing), self.session() as session:
            return session.execute_write(work_and_bump)

    # -- interface ---------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        for statement in cypher.schema_statements():
            with self._errors("creating the schema"):
                self._driver.execute_query(statement, database_=self._database)

    def write(self, batch: WriteBatch) -> None:
        self._write(_batch_work(batch), "writing a batch (nothing was written)")

    def replace_all(self, batch: WriteBatch) -> None:
        """Delete every node and relationship and write ``batch``, in ONE transaction (a restore:
        all of it or nothing; the whole batch is held by the transaction, so it must fit the heap)."""
        write = _batch_work(batch)

        def work(tx: ManagedTransaction) -> None:
            tx.run(cypher.DELETE_ALL).consume()
            write(tx)

        self._write(work, "replacing the content (nothing was changed)")

    def bulk_load(self, expected_items: int) -> AbstractContextManager[None]:
        """Neo4j keeps its indexes up to date in every batch (index population after the fact
        would leave lookups without an index for a while): a plain context."""
        return nullcontext()

    def delete_nodes(self, ids: Sequence[str]) -> int:
        by_label = _ids_by_label(sorted(set(ids)))

        def work(tx: ManagedTransaction) -> int:
            return sum(
                tx.run(cypher.for_label(cypher.DELETE_NODES, label), ids=chunk).single(strict=True)["deleted"]
                for label, label_ids in by_label.items()
                for chunk in chunks(label_ids, BATCH_ROWS)
            )

        return self._write(work, "deleting nodes")

    def clear(self) -> None:
        """Delete every node and relationship (in batches, so large graphs fit in memory)."""
        # CALL { … } IN TRANSACTIONS runs only in an auto-commit transaction, hence session.run.
        with self._errors("clearing the database"), self.session() as session:
            session.run(cypher.CLEAR).consume()
            session.run(cypher.BUMP_REVISION).consume()

    def revision(self) -> int:
        rows = self._read(cypher.READ_REVISION)
        return rows[0]["value"] if rows else 0

    def get_node(self, node_id: str) -> NodeRecord | None:
        nodes = self._nodes_by_id([node_id])
        return nodes[0] if nodes else None

    def list_nodes(self, label: str, *, limit: int | None = None, offset: int = 0) -> list[NodeRecord]:
        query = cypher.for_label(cypher.NODE_PAGE, label)
        check_window(limit, offset)
        rows = self._read(query, offset=offset, limit=2**62 if limit is None else limit)
        return [_node(row["props"]) for row in rows]

    def search(self, text: str, *, labels: Sequence[str] | None = None, limit: int = 20) -> list[NodeRecord]:
        check_window(limit)
        text = text.strip()
        if not text or SEARCH_SEPARATOR in text:
            return []
        rows = self._read(cypher.search_query(list(labels or SEARCHED_BY_DEFAULT)), q=text, limit=limit)
        return [_node(row["props"]) for row in rows]

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys([*NODE_LABELS, *RELATIONSHIP_TYPES], 0)
        for label in NODE_LABELS:
            result[label] = self._read(cypher.for_label(cypher.COUNT_NODES, label))[0]["n"]
        for rel_type in RELATIONSHIP_TYPES:
            result[rel_type] = self._read(cypher.for_type(cypher.COUNT_RELATIONSHIPS, rel_type))[0]["n"]
        return result

    def analysis_columns(self, chain_id: str | None = None) -> AnalysisColumns:
        """One statement per label and per relationship type (and start label), each returning its rows
        as one list of lists of the column fields; the chain's scope walked by id only."""
        scoped = chain_id is not None
        scope = sorted(self._scope_ids(chain_id)) if chain_id is not None and self.get_node(chain_id) else []
        by_label = _ids_by_label(scope)
        builder = ColumnsBuilder()
        for label in NODE_LABELS:
            if scoped and not by_label.get(label):
                continue
            fields = COLUMNS.get(label)
            rows = self._read(cypher.column_nodes_query(label, fields, scoped=scoped), ids=by_label.get(label, []))[0]["rows"]
            builder.add_nodes(label, [tuple(row) for row in rows] if fields is not None else [(row[0], _without(row[1], "id")) for row in rows])
        index = builder.nodes_done()
        get = index.get
        for rel_type, spec in RELATIONSHIP_TYPES.items():
            fields = COLUMNS.get(rel_type)
            for src_label in dict.fromkeys(src for src, _ in spec.endpoints):
                if scoped and not by_label.get(src_label):
                    continue
                query = cypher.column_rels_query(rel_type, src_label, fields, scoped=scoped)
                rows = self._read(query, ids=by_label.get(src_label, []))[0]["rows"]
                # the other end outside the chain's part: not kept
                if fields is None:
                    builder.add_rels(rel_type, [(index[r[0]], end, r[2], _without(r[3], "key")) for r in rows if (end := get(r[1])) is not None])
                else:
                    builder.add_rels(rel_type, [(index[r[0]], end, *r[2:]) for r in rows if (end := get(r[1])) is not None])
        return builder.done()

    def _scope_ids(self, chain_id: str) -> set[str]:
        """The ids of the chain's part (``graph_schema.scope.chain_members``), read without properties."""

        def neighbours(ids: Collection[str], rel_types: tuple[str, ...], direction: str) -> list[str]:
            found: list[str] = []
            for label, label_ids in _ids_by_label(ids).items():
                found += self._read(cypher.neighbour_ids_query(label, rel_types, direction), ids=sorted(label_ids))[0]["ids"]
            return found

        return chain_members(chain_id, neighbours)

    def close(self) -> None:
        self._driver.close()

    # -- primitives of GraphStore.neighbourhood and .project -------------------------------------

    def _nodes_by_id(self, ids: Collection[str]) -> list[NodeRecord]:
        by_label = _ids_by_label(ids)
        nodes = []
        for label, label_ids in by_label.items():
            for chunk in chunks(sorted(label_ids), BATCH_ROWS):
                rows = self._read(cypher.for_label(cypher.NODES_BY_ID, label), ids=chunk)
                nodes += [_node(row["props"]) for row in rows]
        return nodes

    def _incident(self, ids: Collection[str], rel_types: Sequence[str], direction: Direction) -> list[RelationshipRecord]:
        types = checked_rel_types(rel_types)
        if not types:
            return []
        by_label = _ids_by_label(ids)
        found: dict[tuple[str, str, str, str], RelationshipRecord] = {}
        for way in ("out", "in") if direction == "both" else (direction,):
            for label, label_ids in by_label.items():
                query = cypher.incident_query(label, types, way)
                for chunk in chunks(sorted(label_ids), BATCH_ROWS):
                    for row in self._read(query, ids=chunk):
                        rel = _rel(row)
                        found[(rel["type"], rel["src"], rel["dst"], rel["key"])] = rel
        return list(found.values())

    def _all_nodes(self) -> list[NodeRecord]:
        return [_node(row["props"]) for label in NODE_LABELS for row in self._read(cypher.for_label(cypher.ALL_NODES, label))]

    def _all_relationships(self) -> list[RelationshipRecord]:
        return [
            _rel(row) for rel_type in RELATIONSHIP_TYPES for row in self._read(cypher.for_type(cypher.ALL_RELATIONSHIPS, rel_type))
        ]


def _batch_work(batch: WriteBatch) -> Callable[[ManagedTransaction], None]:
    """The unit of work that writes ``batch`` (MissingEndpointError, rolling back, when an end is absent)."""
    nodes_by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node in batch.nodes:
        nodes_by_label[node.label].append({"id": node.id, "props": node.properties()})
    rels_by_shape: dict[tuple[str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for rel in batch.relationships:
        props, key = rel.properties(), rel.key
        key_property = RELATIONSHIP_TYPES[rel.type].key_property
        merge_on = "key"
        if key and key_property:  # the key property itself holds the key: no second copy to store
            merge_on = key_property
            del props[key_property]
        shape = (rel.type, label_of(rel.src), label_of(rel.dst), merge_on)
        rels_by_shape[shape].append({"src": rel.src, "dst": rel.dst, "key": key, "props": props})

    def work(tx: ManagedTransaction) -> None:
        for label, rows in nodes_by_label.items():
            for chunk in chunks(rows, BATCH_ROWS):
                tx.run(cypher.merge_nodes_query(label), rows=chunk).consume()
        for (rel_type, src_label, dst_label, merge_on), rows in rels_by_shape.items():
            query = cypher.merge_relationships_query(rel_type, src_label, dst_label, merge_on)
            for chunk in chunks(rows, BATCH_ROWS):
                written = tx.run(query, rows=chunk).single(strict=True)["written"]
                if written != len(chunk):  # some end is missing: name it, and roll everything back
                    raise MissingEndpointError(_missing_message(tx, chunk, src_label, dst_label))

    return work


def _ids_by_label(ids: Iterable[str]) -> dict[str, list[str]]:
    """``ids`` grouped by label; an id with no known prefix names no node and is left out.

    >>> dict(_ids_by_label(["chain:ev", "nobody", "product:cell"]))
    {'Chain': ['chain:ev'], 'Product': ['product:cell']}
    """
    by_label: dict[str, list[str]] = defaultdict(list)
    for node_id in ids:
        try:
            by_label[label_of(node_id)].append(node_id)
        except SchemaError:
            continue
    return by_label


def _missing_message(tx: ManagedTransaction, rows: Sequence[dict[str, Any]], src_label: str, dst_label: str) -> str:
    missing: list[str] = []
    for label, key in ((src_label, "src"), (dst_label, "dst")):
        ids = sorted({row[key] for row in rows})
        missing += tx.run(cypher.for_label(cypher.MISSING_IDS, label), ids=ids).single(strict=True)["missing"]
    return f"{len(missing)} relationship end(s) not in the store, nothing written: {', '.join(sorted(missing)[:10])}"


def _without(props: dict[str, Any], name: str) -> dict[str, Any]:
    """A property map without one property (the id of a node, the key of a relationship)."""
    return {key: value for key, value in props.items() if key != name}


def _node(props: dict[str, Any]) -> NodeRecord:
    return {"label": label_of(props["id"]), **props}


def _rel(row: dict[str, Any]) -> RelationshipRecord:
    """A relationship as read: a keyed one stores its key only in the type's key property."""
    props = dict(row["props"])
    key_property = RELATIONSHIP_TYPES[row["type"]].key_property
    key = props.pop("key", None)
    if key is None:
        key = str(props.get(key_property) or "") if key_property else ""
    return {"type": row["type"], "src": row["src"], "dst": row["dst"], "key": key, **props}

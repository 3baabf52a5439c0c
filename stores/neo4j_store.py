"""The Neo4j store: the system of record, through the official ``neo4j`` driver.

Writes are ``UNWIND`` batches of idempotent ``MERGE`` inside one managed write transaction. A
relationship is matched on its key, held by the type's key property when it has one (SUPPLIES'
``product``: no second copy of it) and by a ``key`` property otherwise. Reads use
``driver.execute_query``; each unit of work gets its own session. Driver errors become the
project's StoreError / StoreUnavailable.

Imports (``stores.imports``, Cypher in ``stores.cypher``): what an import creates carries its
number in ``_import`` and new values of what existed before wait on staging nodes; every read gets
``$_last`` / ``$_hidden`` (``_Visibility``, one round trip per interface call) and keeps only what
published imports wrote. ``counts`` reads Neo4j's count store while no import is pending.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, TypeVar

from neo4j import Driver, GraphDatabase, ManagedTransaction, RoutingControl, Session
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired, TransientError

from graph_schema.errors import ChainAtlasError, ImportInProgress, MissingEndpointError, SchemaError, StoreError, StoreUnavailable
from graph_schema.registry import NODE_LABELS, RELATIONSHIP_TYPES, SEARCHED_BY_DEFAULT, label_of
from stores import cypher, cypher_columns, faults
from stores.analysis_columns import COLUMNS, AnalysisColumns, ColumnsBuilder
from stores.base import (
    SEARCH_SEPARATOR,
    Direction,
    GraphStore,
    ImportRecord,
    NodeRecord,
    RelationshipRecord,
    RollbackCounts,
    WriteBatch,
    busy_message,
    now_text,
)
from stores.common import check_window, checked_rel_types, chunks, staged_rows

BATCH_ROWS = 10000
T = TypeVar("T")
READ_RETRY_SECONDS, READ_FIRST_RETRY = 1.0, 0.2
"""How reads retry a failed connection: again after 0.2 s (a pooled connection the server closed),
about 1.5 s in all, so a stopped server (connection refused) is told within 2 s, not the 5–7 s of
the write retries."""
WRITE_RETRY_SECONDS, WRITE_FIRST_RETRY = 5.0, 1.0
"""How writes (``session()``) retry a failed connection or a transient error (a deadlock): for 5 s."""


@dataclass(frozen=True)
class _Visibility:
    """What one reader may see: imports numbered up to ``last`` that are not ``hidden``; ``busy``
    when an import is pending or being rolled back (so unpublished items may exist)."""

    last: int
    hidden: tuple[int, ...]
    busy: bool

    def params(self) -> dict[str, Any]:
        return {"_last": self.last, "_hidden": list(self.hidden)}


class _NoRetryWarnings(logging.Filter):
    """Drops the driver's "Transaction failed and will be retried" warnings: a retry is this store's
    policy (READ_RETRY_SECONDS, WRITE_RETRY_SECONDS), and a failure that outlasts it is raised as StoreUnavailable. While
    a server is down they would fill the log of ``chainatlas serve`` with lines every second."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Transaction failed and will be retried")


def _quiet_retries() -> None:
    """Put ``_NoRetryWarnings`` on the driver's session logger (once)."""
    logger = logging.getLogger("neo4j.session")
    if not any(isinstance(existing, _NoRetryWarnings) for existing in logger.filters):
        logger.addFilter(_NoRetryWarnings())


def unreachable_reason(error: BaseException) -> str:
    """Why the server did not answer, for people (Chinese, no driver text): refused, cut, or busy.

    >>> unreachable_reason(ServiceUnavailable("Couldn't connect"))
    '无法连接数据库'
    >>> try:
    ...     raise ServiceUnavailable("Couldn't connect") from ConnectionRefusedError(111, "Connection refused")
    ... except ServiceUnavailable as exc:
    ...     unreachable_reason(exc)
    '无法连接数据库：连接被拒绝，数据库服务可能已停止'
    """
    if isinstance(error, TransientError):
        return "数据库暂时繁忙"
    if isinstance(error, SessionExpired):
        return "与数据库的连接中断"
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "无法连接数据库：连接被拒绝，数据库服务可能已停止"
        cause = cause.__cause__ or cause.__context__
    return "无法连接数据库"


class Neo4jStore(GraphStore):
    """A GraphStore on a Neo4j 5 database."""

    revision_is_in_process = False  # the revision is a round trip to the server

    def __init__(self, driver: Driver, database: str = "neo4j") -> None:
        self._driver = driver
        self._database = database
        self._local = threading.local()  # the visibility of the reads in progress on each thread

    @classmethod
    def connect(cls, uri: str, user: str = "neo4j", password: str = "", *, database: str = "neo4j") -> Neo4jStore:
        """Connect and check that the server answers; raise StoreUnavailable with a clear message if not."""
        auth = (user, password) if password else None
        _quiet_retries()
        try:
            # a server that is down or frozen answers within seconds, not the driver's 30–60 s defaults;
            # reads (execute_query) retry briefly, writes (sessions) longer: WRITE_RETRY_SECONDS
            driver = GraphDatabase.driver(uri, auth=auth, connection_timeout=3, connection_acquisition_timeout=4,
                                          notifications_min_severity="OFF", max_transaction_retry_time=READ_RETRY_SECONDS,
                                          initial_retry_delay=READ_FIRST_RETRY)
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
        return self._driver.session(database=self._database, max_transaction_retry_time=WRITE_RETRY_SECONDS,
                                    initial_retry_delay=WRITE_FIRST_RETRY)

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except ChainAtlasError:
            raise
        except (ServiceUnavailable, SessionExpired, TransientError) as exc:
            raise StoreUnavailable(f"Neo4j became unreachable while {doing}: {exc}", reason=unreachable_reason(exc)) from exc
        except (Neo4jError, DriverError) as exc:
            raise StoreError(f"Neo4j failed while {doing}: {exc}") from exc
        except OverflowError as exc:  # the driver refuses integers beyond Neo4j's 64 bits
            raise StoreError(f"Neo4j cannot store a value while {doing}: {exc}") from exc

    def _read(self, query: str, *, visible: bool = True, **params: Any) -> list[dict[str, Any]]:
        """Run a read query; ``visible``: it filters with ``cypher.visible``, give it the reader's view."""
        if visible:
            with self._consistent_reads() as view:
                params.update(view.params())
        with self._errors("reading"):
            records, _, _ = self._driver.execute_query(
                query, parameters_=params, database_=self._database, routing_=RoutingControl.READ
            )
        return [record.data() for record in records]

    def _read_values(self, query: str, **params: Any) -> dict[str, Any]:
        """The first record of a read that filters with ``cypher.visible`` ({} when there is none), its
        values as the driver decoded them: ``Record.data()`` would copy every element of every list."""
        with self._consistent_reads() as view:
            params.update(view.params())
        with self._errors("reading"):
            records, _, _ = self._driver.execute_query(
                query, parameters_=params, database_=self._database, routing_=RoutingControl.READ
            )
        return dict(zip(records[0].keys(), records[0].values(), strict=True)) if records else {}

    def _visibility(self) -> _Visibility:
        row = self._read(cypher.READ_VISIBILITY, visible=False)[0]
        return _Visibility(int(row["last"]), tuple(sorted(row["hidden"])), bool(row["busy"]))

    @contextmanager
    def _consistent_reads(self) -> Iterator[_Visibility]:
        """One view of the imports for every read inside (nestable, per thread)."""
        view: _Visibility | None = getattr(self._local, "view", None)
        if view is not None:
            yield view
            return
        self._local.view = self._visibility()
        try:
            yield self._local.view
        finally:
            self._local.view = None

    def _write(self, work: Callable[[ManagedTransaction], T], doing: str, *, bump: bool = True) -> T:
        def work_and_bump(tx: ManagedTransaction) -> T:
            result = work(tx)
            if bump:
                tx.run(cypher.BUMP_REVISION).consume()
            return result

        with self._errors(doing), self.session() as session:
            return session.execute_write(work_and_bump)

    # -- interface ---------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        for statement in cypher.schema_statements():
            with self._errors("creating the schema"):
                self._driver.execute_query(statement, database_=self._database)

    def write(self, batch: WriteBatch, *, pending: int | None = None) -> None:
        self._write(_batch_work(batch, pending), "writing a batch (nothing was written)", bump=pending is None)

    # -- imports ---------------------------------------------------------------------------------

    def begin_import(self, description: str, owner: str, *, is_live: Callable[[ImportRecord], bool]) -> int:

        def work(tx: ManagedTransaction) -> int:
            number = int(tx.run(cypher.NEXT_IMPORT).single(strict=True)["number"])  # locks the counter
            for row in tx.run(cypher.IMPORT_RECORDS, state="pending"):
                record = _import_record(row.data())
                if is_live(record):
                    raise ImportInProgress(busy_message(record))
            now = now_text()
            tx.run(cypher.CREATE_IMPORT, imp=number, now=now, owner=owner, description=description).consume()
            return number

        return self._write(work, "beginning an import (nothing was written)", bump=False)

    def publish_import(self, number: int) -> None:

        def work(tx: ManagedTransaction) -> None:
            state = _state(tx, number)
            if state == "published":
                return
            if state != "pending":
                raise StoreError(f"import {number} cannot be published: it is {state}")
            for row in tx.run(cypher.STAGED_SHAPES, imp=number).data():
                if row["label"] is not None:
                    tx.run(cypher.publish_nodes_query(row["label"]), imp=number, label=row["label"]).consume()
                elif row["shape"] is not None:
                    query = cypher.publish_relationships_query(*cypher.parse_shape(row["shape"]))
                    tx.run(query, imp=number, shape=row["shape"]).consume()
            tx.run(cypher.DELETE_STAGED, imp=number).consume()
            tx.run(cypher.SET_IMPORT_STATE, imp=number, to="published", now=now_text(), states=["pending"]).consume()
            faults.reached("publish")

        self._write(work, f"publishing import {number} (nothing was published)")

    def rollback_import(self, number: int) -> RollbackCounts:
        """Mark the import as being rolled back (no batch of it can commit after that), delete what it
        created and staged (in batches), mark it rolled back. Each statement runs once, without the
        driver's retries: right after a failure the store is often gone, and the next start retries."""

        # CALL { … } IN TRANSACTIONS runs only in an auto-commit transaction, hence session.run
        with self._errors(f"rolling back import {number}"), self.session() as session:
            started = session.run(cypher.SET_IMPORT_STATE, imp=number, to="rolling_back", now=now_text(),
                                  states=["pending", "rolling_back"]).single(strict=True)["changed"]
            if not started:
                return RollbackCounts()
            created = session.run(cypher.COUNT_IMPORTED, imp=number).single(strict=True)
            counts = RollbackCounts(nodes=created["nodes"], relationships=created["relationships"],
                                    updates=session.run(cypher.COUNT_STAGED, imp=number).single(strict=True)["n"])
            for statement in (cypher.ROLL_BACK_STAGED, cypher.ROLL_BACK_RELATIONSHIPS, cypher.ROLL_BACK_NODES):
                session.run(statement, imp=number).consume()
            session.run(cypher.SET_IMPORT_STATE, imp=number, to="rolled_back", now=now_text(), states=["rolling_back"]).consume()
        return counts

    def imports(self, state: str | None = "pending") -> list[ImportRecord]:
        with self._errors("reading the imports"), self.session() as session:  # once, without retries (as rollback_import)
            return [_import_record(row.data()) for row in session.run(cypher.IMPORT_RECORDS, state=state)]

    def replace_all(self, batch: WriteBatch) -> None:
        """Delete every node and relationship and write ``batch``, in ONE transaction (a restore:
        all of it or nothing; the whole batch is held by the transaction, so it must fit the heap)."""
        write = _batch_work(batch)

        def work(tx: ManagedTransaction) -> None:

            tx.run(cypher.CANCEL_IMPORTS, now=now_text()).consume()
            tx.run(cypher.DELETE_ALL).consume()
            write(tx)

        self._write(work, "replacing the content (nothing was changed)")

    def bulk_load(self, expected_items: int, *, lean: bool = False) -> AbstractContextManager[None]:
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
            session.run(cypher.CANCEL_IMPORTS, now=now_text()).consume()
            session.run(cypher.CLEAR).consume()
            session.run(cypher.BUMP_REVISION).consume()

    def revision(self) -> int:
        rows = self._read(cypher.READ_REVISION, visible=False)
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
        """From the count store (no scan) when no import was pending before or after reading it;
        else by counting what readers may see."""
        before = self._visibility()
        if not before.busy:
            result = self._counted(cypher.COUNT_NODES, cypher.COUNT_RELATIONSHIPS, visible=False)
            if self._visibility() == before:  # no import began meanwhile: nothing unpublished was counted
                return result
        with self._consistent_reads():
            return self._counted(cypher.COUNT_VISIBLE_NODES, cypher.COUNT_VISIBLE_RELATIONSHIPS, visible=True)

    def _counted(self, nodes: str, relationships: str, *, visible: bool) -> dict[str, int]:
        result = dict.fromkeys([*NODE_LABELS, *RELATIONSHIP_TYPES], 0)
        for label in NODE_LABELS:
            result[label] = self._read(cypher.for_label(nodes, label), visible=visible)[0]["n"]
        for rel_type in RELATIONSHIP_TYPES:
            result[rel_type] = self._read(cypher.for_type(relationships, rel_type), visible=visible)[0]["n"]
        return result

    def analysis_columns(self, chain_id: str | None = None) -> AnalysisColumns:
        """A chain's part in one statement (its scope walked in Cypher), the whole graph in one per label
        and per relationship type and start label; each returns its fields as lists
        (``stores.cypher_columns``), taken from the records as they are (no ``Record.data()`` copy)."""
        with self._consistent_reads():  # one view of the imports for every statement
            if chain_id is None:
                return self._graph_columns_unchanged()
            return self._chain_columns(chain_id)

    def _graph_columns_unchanged(self, attempts: int = 3) -> AnalysisColumns:
        """``_graph_columns`` read while the revision stayed the same: its statements are separate
        transactions, and a write outside an import between them (``write``, ``clear``) could leave a
        relationship whose start was not read (seen in CI: KeyError in a background projection)."""
        for _ in range(attempts):
            before = self.revision()
            try:
                columns = self._graph_columns()
            except KeyError:  # a start node written (or deleted) after the nodes were read
                continue
            if self.revision() == before:
                return columns
        raise StoreError(f"the graph changed under each of {attempts} readings of it; try again when the writes are done")

    def _chain_columns(self, chain_id: str) -> AnalysisColumns:
        builder = ColumnsBuilder()
        found = self._read_values(cypher_columns.chain_columns_query(COLUMNS), chain=chain_id)
        if not found:  # no such chain (or not visible yet)
            builder.nodes_done()
            return builder.done()
        for label in cypher_columns.CHAIN_LABELS:
            self._add_node_columns(builder, label, found[label])
        builder.nodes_done()
        for rel_type in RELATIONSHIP_TYPES:
            for src_label in cypher_columns.starts(rel_type):
                if src_label in cypher_columns.CHAIN_LABELS:
                    self._add_rel_columns(builder, rel_type, found[cypher_columns.columns_key(rel_type, src_label)])
        return builder.done()

    def _graph_columns(self) -> AnalysisColumns:
        builder = ColumnsBuilder()
        for label in NODE_LABELS:
            query = cypher_columns.label_columns_query(label, COLUMNS.get(label))
            self._add_node_columns(builder, label, self._read_values(query)["columns"])
        builder.nodes_done()
        for rel_type in RELATIONSHIP_TYPES:
            for src_label in cypher_columns.starts(rel_type):
                query = cypher_columns.type_columns_query(rel_type, src_label, COLUMNS.get(rel_type))
                self._add_rel_columns(builder, rel_type, self._read_values(query)["columns"])
        return builder.done()

    @staticmethod
    def _add_node_columns(builder: ColumnsBuilder, label: str, columns: list[list[Any]]) -> None:
        if label not in COLUMNS:  # read whole: the property maps, without the id and the store's _import
            columns = [columns[0], [_without(props, "id") for props in columns[1]]]
        builder.add_node_columns(label, columns)

    @staticmethod
    def _add_rel_columns(builder: ColumnsBuilder, rel_type: str, columns: list[list[Any]]) -> None:
        if rel_type not in COLUMNS:
            columns = [*columns[:3], [_without(props, "key") for props in columns[3]]]
        builder.add_store_rel_columns(rel_type, columns)

    def close(self) -> None:
        self._driver.close()

    # -- primitives of GraphStore.neighbourhood and .project -------------------------------------

    def _nodes_by_id(self, ids: Collection[str]) -> list[NodeRecord]:
        by_label = _ids_by_label(ids)
        nodes = []
        with self._consistent_reads():
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
        with self._consistent_reads():
            for way in ("out", "in") if direction == "both" else (direction,):
                for label, label_ids in by_label.items():
                    query = cypher.incident_query(label, types, way)
                    for chunk in chunks(sorted(label_ids), BATCH_ROWS):
                        for row in self._read(query, ids=chunk):
                            rel = _rel(row)
                            found[(rel["type"], rel["src"], rel["dst"], rel["key"])] = rel
        return list(found.values())

    def _all_nodes(self) -> list[NodeRecord]:
        with self._consistent_reads():
            return [_node(row["props"]) for label in NODE_LABELS for row in self._read(cypher.for_label(cypher.ALL_NODES, label))]

    def _all_relationships(self) -> list[RelationshipRecord]:
        with self._consistent_reads():
            return [_rel(row) for rel_type in RELATIONSHIP_TYPES
                    for row in self._read(cypher.for_type(cypher.ALL_RELATIONSHIPS, rel_type))]


def _batch_work(batch: WriteBatch, pending: int | None = None) -> Callable[[ManagedTransaction], None]:
    """The unit of work that writes ``batch`` (MissingEndpointError, rolling back, when an end is
    absent); with ``pending``, as part of that import (``GraphStore.write``)."""
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
        if pending is not None:
            _renew(tx, pending, len(batch))
        for label, rows in nodes_by_label.items():
            for chunk in chunks(rows, BATCH_ROWS):
                if pending is None:
                    tx.run(cypher.merge_nodes_query(label), rows=chunk).consume()
                else:
                    _write_pending_nodes(tx, label, chunk, pending)
        for (rel_type, src_label, dst_label, merge_on), rows in rels_by_shape.items():
            query = cypher.merge_relationships_query(rel_type, src_label, dst_label, merge_on, pending=pending is not None)
            for chunk in chunks(rows, BATCH_ROWS):
                if pending is not None:
                    chunk = _stage_earlier_relationships(tx, (rel_type, src_label, dst_label, merge_on), chunk, pending)
                    if not chunk:
                        continue
                written = tx.run(query, rows=chunk, imp=pending).single(strict=True)["written"]
                if written != len(chunk):  # some end is missing: name it, and roll everything back
                    raise MissingEndpointError(_missing_message(tx, chunk, src_label, dst_label))

    return work


def _renew(tx: ManagedTransaction, number: int, items: int) -> None:
    """Count the batch for the pending import and renew its heartbeat (locking its record, so a
    rollback cannot begin half-way); StoreError when it is no longer pending."""

    if not tx.run(cypher.RENEW_IMPORT, imp=number, items=items, now=now_text()).single(strict=True)["renewed"]:
        raise StoreError(f"import {number} is not pending ({_state(tx, number) or 'unknown'}); nothing written")


def _write_pending_nodes(tx: ManagedTransaction, label: str, rows: Sequence[dict[str, Any]], number: int) -> None:
    """Nodes new to the store (or created by this import) are written in place, marked with the
    import; new values of nodes that existed before it are staged (left out when they change nothing)."""
    rows = [{**row, "stage": f"{number}|N|{row['id']}"} for row in rows]
    found = tx.run(cypher.for_label(cypher.EARLIER_NODES, label), rows=rows, imp=number).data()
    own, staged = _split(rows, {row["id"]: row["changed"] for row in found}, lambda row: row["id"])
    if own:
        tx.run(cypher.merge_nodes_query(label, pending=True), rows=own, imp=number).consume()
    if staged:
        tx.run(cypher.stage_nodes_query(label), rows=staged, imp=number, label=label).consume()


def _stage_earlier_relationships(tx: ManagedTransaction, shape: tuple[str, str, str, str], rows: Sequence[dict[str, Any]],
                                 number: int) -> list[dict[str, Any]]:
    """Stage the new values of the relationships among ``rows`` that existed before the import (or
    leave them out when they change nothing); returns the other rows (to be written in place)."""
    rows = [{**row, "stage": f"{number}|R|{shape[0]}|{row['src']}|{row['dst']}|{row['key']}"} for row in rows]
    found = tx.run(cypher.earlier_relationships_query(*shape), rows=rows, imp=number).data()
    own, staged = _split(rows, {(row["src"], row["dst"], row["key"]): row["changed"] for row in found},
                         lambda row: (row["src"], row["dst"], row["key"]))
    if staged:
        tx.run(cypher.stage_relationships_query(shape[0]), rows=staged, imp=number, shape=cypher.shape_text(*shape)).consume()
    return own


def _split(rows: list[dict[str, Any]], earlier: dict[Any, bool],
           key: Callable[[dict[str, Any]], Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``rows`` as (written in place: new items, staged: ``stores.common.staged_rows``)."""
    if not earlier:
        return rows, []
    return [row for row in rows if key(row) not in earlier], staged_rows(rows, earlier, key)


def _state(tx: ManagedTransaction, number: int) -> str | None:
    row = tx.run(cypher.IMPORT_STATE, imp=number).single()
    return None if row is None else row["state"]


def _import_record(row: dict[str, Any]) -> ImportRecord:
    return ImportRecord(int(row["number"]), row["state"], row["started"], row["heartbeat"], row["owner"],
                        row["description"], int(row["items"] or 0))


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
    """A property map without one property (the id of a node, the key of a relationship) and the
    store's own ``_import``."""
    return {key: value for key, value in props.items() if key != name and key != "_import"}


def _node(props: dict[str, Any]) -> NodeRecord:
    """A node as read, without the store's own ``_import``."""
    return {"label": label_of(props["id"]), **{name: value for name, value in props.items() if name != "_import"}}


def _rel(row: dict[str, Any]) -> RelationshipRecord:
    """A relationship as read: a keyed one stores its key only in the type's key property; the
    store's own ``_import`` is left out."""
    props = {name: value for name, value in row["props"].items() if name != "_import"}
    key_property = RELATIONSHIP_TYPES[row["type"]].key_property
    key = props.pop("key", None)
    if key is None:
        key = str(props.get(key_property) or "") if key_property else ""
    return {"type": row["type"], "src": row["src"], "dst": row["dst"], "key": key, **props}

"""The embedded default store: SQLite in WAL mode, one file, no server.

Why SQLite: it ships with Python, is transactional (a batch is all or nothing), handles millions
of rows in one file, and lets readers go on while a writer works (WAL). Nodes and relationships
are two tables; properties are JSON merged with ``json_patch`` so upserts behave like Neo4j's
``SET n += props``.

Imports (``stores.imports``): a row an import creates is written at once, marked with the import's
number in the column ``imp``; a new value for a row that existed before the import is staged in
``staged_nodes`` / ``staged_rels``. Every read sees a row only when its ``imp`` is not a pending
import (``VISIBLE``), inside one read transaction per interface call (a snapshot), and skips the
check when no import is pending. Publishing applies the staged values and marks the import
published in one transaction; rolling back deletes the import's rows and staged values.

>>> store = EmbeddedStore(":memory:")
>>> store.ensure_schema()
>>> from graph_schema import Chain
>>> store.write(WriteBatch(nodes=[Chain(id="chain:aviation", name="航空", kind="新兴")]))
>>> store.get_node("chain:aviation")["name"]
'航空'
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any

from graph_schema.errors import ImportInProgress, MissingEndpointError, StoreError
from graph_schema.registry import NODE_LABELS, RELATIONSHIP_TYPES, SEARCHED_BY_DEFAULT, check_label
from stores import faults
from stores.analysis_columns import AnalysisColumns
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
from stores.embedded_columns import read_analysis_columns
from stores.embedded_rows import node_row, relationship_row
from stores.embedded_typed import COVERING_INDEXES, ensure_covering_indexes, ensure_typed_columns

_CHUNK = 900  # stays under SQLite's limit on host parameters per statement
BULK_MIN_ITEMS = 50_000
"""A bulk load defers index upkeep only from this many items on (and when they outnumber the
relationships already stored): rebuilding an index costs time in proportion to the whole table."""
BULK_CACHE_KIB = 256 * 1024
"""SQLite's page cache during such a bulk load (KiB; the default is 2 MiB): the relationship key's index
pages that scattered SUPPLIES inserts touch stay in memory instead of being read again and again."""
LEAN_BULK_CACHE_KIB = 16 * 1024
"""The page cache of a ``lean`` bulk load (a file import, whose process holds the validated rows too):
a 200,000-row import stays near 200 MB (``bench/bench_validate_memory.py``, docs/benchmarks.md)."""
DEFAULT_CACHE_SIZE = -2000
"""SQLite's default page cache (2 MiB), set again when the bulk load ends."""

SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS nodes (
    id     TEXT PRIMARY KEY,
    label  TEXT NOT NULL,
    name   TEXT NOT NULL,
    search TEXT NOT NULL DEFAULT '',
    code   TEXT,
    props  TEXT NOT NULL,
    imp    INTEGER
);
CREATE INDEX IF NOT EXISTS nodes_label ON nodes(label, id);
CREATE TABLE IF NOT EXISTS rels (
    type   TEXT NOT NULL,
    src    TEXT NOT NULL,
    dst    TEXT NOT NULL,
    key    TEXT NOT NULL,
    props  TEXT NOT NULL,
    imp    INTEGER,
    PRIMARY KEY (type, src, dst, key)
);
CREATE INDEX IF NOT EXISTS rels_src ON rels(src, type);
CREATE INDEX IF NOT EXISTS rels_dst ON rels(dst, type);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES ('revision', 0);
CREATE TABLE IF NOT EXISTS imports (
    number      INTEGER PRIMARY KEY AUTOINCREMENT,
    state       TEXT NOT NULL,
    started     TEXT NOT NULL,
    heartbeat   TEXT NOT NULL,
    owner       TEXT NOT NULL,
    description TEXT NOT NULL,
    items       INTEGER NOT NULL DEFAULT 0,
    finished    TEXT
);
CREATE TABLE IF NOT EXISTS staged_nodes (
    imp    INTEGER NOT NULL,
    id     TEXT NOT NULL,
    label  TEXT NOT NULL,
    name   TEXT NOT NULL,
    search TEXT NOT NULL,
    code   TEXT,
    props  TEXT NOT NULL,
    PRIMARY KEY (imp, id)
);
CREATE TABLE IF NOT EXISTS staged_rels (
    imp    INTEGER NOT NULL,
    type   TEXT NOT NULL,
    src    TEXT NOT NULL,
    dst    TEXT NOT NULL,
    key    TEXT NOT NULL,
    props  TEXT NOT NULL,
    PRIMARY KEY (imp, type, src, dst, key)
);
"""
"""SQLite tables of the embedded store, for what ``graph_schema.constraints`` declares: ids are the
primary key, unique across labels (the label is in the id's prefix); the declared name and credit code
lookups scan the ``search`` and ``code`` columns (below).

Plain rowid tables: their rows (JSON properties, a few hundred bytes) are too wide for ``WITHOUT
ROWID`` tables to pay off; bulk inserts run 25–45 % faster this way. Files made by earlier
versions (``WITHOUT ROWID``) work unchanged.

``search`` holds the name and aliases joined by U+001F and ``code`` the 统一社会信用代码, copies of
what is in ``props`` kept in columns so that name search scans text, not JSON. ``imp`` is the number
of the import that created the row (NULL for other writes); ``imports`` records the imports and
``staged_*`` hold the new values pending imports give to rows that existed before them.
"""

SQLITE_DEFERRABLE_INDEXES = {
    "rels_src": "CREATE INDEX IF NOT EXISTS rels_src ON rels(src, type)",
    "rels_dst": "CREATE INDEX IF NOT EXISTS rels_dst ON rels(dst, type)",
}
"""Lookup indexes a bulk load drops and builds again at its end (their statements are in the schema)."""

SQLITE_ADDED_COLUMNS = {"search": "TEXT NOT NULL DEFAULT ''", "code": "TEXT"}
"""Columns of ``nodes`` added after the first release: ``ensure_schema`` adds them to older files and fills them."""
SQLITE_IMPORT_COLUMNS = {"nodes": "imp", "rels": "imp"}
"""The import column of each table, added to files written before imports were recorded (NULL: published)."""

VISIBLE = "(imp IS NULL OR imp NOT IN (SELECT number FROM imports WHERE state = 'pending'))"
"""What a row of ``nodes`` or ``rels`` that readers may see satisfies: no pending import created it."""
EVERYTHING_VISIBLE = "1"
"""The condition when no import is pending (so the reads need not look at ``imp``)."""


class EmbeddedStore(GraphStore):
    """A GraphStore in one SQLite file (or ``":memory:"``)."""

    revision_is_in_process = True  # the revision is one read of the local SQLite file
    takes_rows = True  # stores.embedded_rows.write_rows: upsert_rows

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._bulk_loads = 0  # nested or concurrent bulk loads in progress
        self._view: str | None = None  # the visibility condition of the read transaction open, if any
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=OFF")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open embedded store {self.path}: {exc}") from exc

    def __repr__(self) -> str:
        return f"EmbeddedStore({self.path!r})"

    @contextmanager
    def _transaction(self, *, bump: bool = True) -> Iterator[sqlite3.Connection]:
        """A write transaction; ``bump``: count it in the revision (what readers see changes)."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                yield self._db
                if bump:
                    self._db.execute("UPDATE meta SET value = value + 1 WHERE key = 'revision'")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"embedded store query failed: {exc}") from exc

    @contextmanager
    def _consistent_reads(self) -> Iterator[str]:
        """One read transaction (a snapshot of the file) for the reads inside; yields the SQL
        condition a visible row meets: ``VISIBLE``, or ``"1"`` when no import is pending. Nestable."""
        with self._lock:
            if self._view is not None:
                yield self._view
                return
            try:
                self._db.execute("BEGIN")
                pending = self._db.execute("SELECT 1 FROM imports WHERE state = 'pending' LIMIT 1").fetchone()
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise StoreError(f"embedded store query failed: {exc}") from exc
            self._view = VISIBLE if pending else EVERYTHING_VISIBLE
            try:
                yield self._view
            finally:
                self._view = None
                self._db.execute("COMMIT")

    # -- interface ---------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        with self._lock:
            self._db.executescript(SQLITE_SCHEMA)
            present = {row[1] for row in self._db.execute("PRAGMA table_info(nodes)")}
            missing = [name for name in SQLITE_ADDED_COLUMNS if name not in present]
            for name in missing:  # a store file written before these columns existed
                self._db.execute(f"ALTER TABLE nodes ADD COLUMN {name} {SQLITE_ADDED_COLUMNS[name]}")
            if missing:
                self._db.execute(
                    "UPDATE nodes SET code = json_extract(props, '$.credit_code'), search = name || coalesce("
                    "(SELECT group_concat(char(31) || value, '') FROM json_each(props, '$.aliases')), '')"
                )
            for table, column in SQLITE_IMPORT_COLUMNS.items():  # a file written before imports were recorded
                if column not in {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER")
            ensure_typed_columns(self._db)  # the analysis fields as columns (stores.embedded_typed)
            ensure_covering_indexes(self._db)  # … and indexes that hold them (stores.embedded_typed)

    def write(self, batch: WriteBatch, *, pending: int | None = None) -> None:
        # in key order, B-tree inserts touch far fewer pages; the sort is stable, so of two rows with
        # one key the later is still upserted last
        node_rows = sorted((node_row(node) + (pending,) for node in batch.nodes), key=itemgetter(0))
        rel_rows = sorted((relationship_row(rel) + (pending,) for rel in batch.relationships), key=itemgetter(0, 1, 2, 3))
        self.upsert_rows(node_rows, rel_rows, pending=pending)

    def upsert_rows(self, node_rows: list[tuple[Any, ...]], rel_rows: list[tuple[Any, ...]], *, pending: int | None) -> None:
        """One transaction of node rows ``(id, label, name, search, code, props, imp)`` and relationship
        rows ``(type, src, dst, key, props, imp)`` in key order (``write``'s and
        ``stores.embedded_rows.write_rows``'s): properties merged, rows that existed before import
        ``pending`` staged, every relationship end checked before the relationships are written."""
        own_only = "" if pending is None else " WHERE {table}.imp IS excluded.imp"  # never in place over an earlier row
        try:
            with self._transaction(bump=pending is None) as db:
                if pending is not None:
                    self._renew(db, pending, len(node_rows) + len(rel_rows))
                written = db.executemany(
                    "INSERT INTO nodes(id, label, name, search, code, props, imp) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT(id) DO UPDATE SET name = excluded.name, search = excluded.search, "
                    "code = coalesce(excluded.code, nodes.code), props = " + _merged_props("nodes")
                    + own_only.format(table="nodes"),
                    node_rows,
                ).rowcount
                if pending is not None and written < len(node_rows):  # some nodes existed before the import
                    staged = staged_rows(node_rows, self._earlier(db, "nodes", node_rows, pending), itemgetter(0))
                    db.executemany(
                        "INSERT INTO staged_nodes(id, label, name, search, code, props, imp) VALUES (?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT(imp, id) DO UPDATE SET name = excluded.name, search = excluded.search, "
                        "code = coalesce(excluded.code, staged_nodes.code), props = " + _merged_props("staged_nodes"),
                        staged,
                    )
                self._check_endpoints(db, node_rows, rel_rows)
                written = db.executemany(
                    "INSERT INTO rels(type, src, dst, key, props, imp) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT(type, src, dst, key) DO UPDATE SET props = " + _merged_props("rels")
                    + own_only.format(table="rels"),
                    rel_rows,
                ).rowcount
                if pending is not None and written < len(rel_rows):
                    staged_rels = staged_rows(rel_rows, self._earlier(db, "rels", rel_rows, pending), itemgetter(0, 1, 2, 3))
                    db.executemany(
                        "INSERT INTO staged_rels(type, src, dst, key, props, imp) VALUES (?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT(imp, type, src, dst, key) DO UPDATE SET props = " + _merged_props("staged_rels"),
                        staged_rels,
                    )
        except sqlite3.Error as exc:
            raise StoreError(f"embedded store write failed, nothing written: {exc}") from exc

    @staticmethod
    def _renew(db: sqlite3.Connection, number: int, items: int) -> None:
        """Count ``items`` more for the pending import and renew its heartbeat; StoreError when it
        is no longer pending (rolled back meanwhile, e.g. taken for abandoned)."""

        updated = db.execute("UPDATE imports SET items = items + ?, heartbeat = ? WHERE number = ? AND state = 'pending'",
                             (items, now_text(), number)).rowcount
        if not updated:
            state = db.execute("SELECT state FROM imports WHERE number = ?", (number,)).fetchone()
            raise StoreError(f"import {number} is not pending ({state[0] if state else 'unknown'}); nothing written")

    @staticmethod
    def _earlier(db: sqlite3.Connection, table: str, rows: list[tuple[Any, ...]], number: int) -> dict[Any, bool]:
        """Of ``rows`` (of ``nodes`` or ``rels``), the keys of rows that existed before import
        ``number``, each with whether writing it would change anything (a value already staged for
        it counts as a change). The rows go through a temporary table, joined on the primary key."""
        if table == "nodes":
            key, columns, width = ["id"], "id TEXT, props TEXT", 1
            values = [(row[0], row[5]) for row in rows]
        else:
            key, columns, width = ["type", "src", "dst", "key"], "type TEXT, src TEXT, dst TEXT, key TEXT, props TEXT", 4
            values = [row[:5] for row in rows]
        db.execute(f"CREATE TEMP TABLE IF NOT EXISTS written_{table} ({columns})")
        db.execute(f"DELETE FROM written_{table}")
        db.executemany(f"INSERT INTO written_{table} VALUES ({', '.join('?' * (width + 1))})", values)
        same = " AND ".join(f"{table}.{name} = w.{name}" for name in key)
        staged = " AND ".join(f"s.{name} = w.{name}" for name in key)
        found = db.execute(
            f"SELECT {', '.join('w.' + name for name in key)}, "
            f"EXISTS (SELECT 1 FROM staged_{table} AS s WHERE s.imp = ?1 AND {staged}) "
            f"OR ({table}.props IS NOT w.props AND {_merged_props(table, 'w')} IS NOT json({table}.props)) "
            f"FROM written_{table} AS w CROSS JOIN {table} ON {same} WHERE {table}.imp IS NOT ?1",
            (number,),
        )
        return {(row[0] if width == 1 else tuple(row[:width])): bool(row[width]) for row in found}

    @staticmethod
    def _check_endpoints(db: sqlite3.Connection, node_rows: list[tuple[Any, ...]], rel_rows: list[tuple[Any, ...]]) -> None:
        """Every relationship end (``src``, ``dst`` of ``rel_rows``) is among ``node_rows`` or already
        stored (one statement for the batch)."""
        ends = set(map(itemgetter(1), rel_rows))  # map and set in C: ~2x faster than a set comprehension
        ends.update(map(itemgetter(2), rel_rows))
        ends.difference_update(map(itemgetter(0), node_rows))
        wanted = sorted(ends)
        missing = [
            row[0]
            for row in db.execute(
                "SELECT value FROM json_each(?) WHERE NOT EXISTS (SELECT 1 FROM nodes WHERE id = value)",
                (json.dumps(wanted),),
            )
        ]
        if missing:
            raise MissingEndpointError(
                f"{len(missing)} relationship end(s) not in the store, nothing written: {', '.join(missing[:10])}"
            )

    # -- imports ---------------------------------------------------------------------------------

    def begin_import(self, description: str, owner: str, *, is_live: Callable[[ImportRecord], bool]) -> int:

        with self._transaction(bump=False) as db:
            for record in self._records(db, "pending"):
                if is_live(record):
                    raise ImportInProgress(busy_message(record))
            started = now_text()
            cursor = db.execute(
                "INSERT INTO imports(state, started, heartbeat, owner, description) VALUES ('pending', ?, ?, ?, ?)",
                (started, started, owner, description),
            )
            return int(cursor.lastrowid or 0)

    def publish_import(self, number: int) -> None:

        try:
            with self._transaction() as db:
                state = self._state(db, number)
                if state == "published":
                    return
                if state != "pending":
                    raise StoreError(f"import {number} cannot be published: it is {state}")
                db.execute(
                    "UPDATE nodes SET name = s.name, search = s.search, code = coalesce(s.code, nodes.code), "
                    f"props = {_merged_props('nodes', 's')} FROM staged_nodes AS s WHERE s.imp = ? AND nodes.id = s.id",
                    (number,),
                )
                db.execute(
                    f"UPDATE rels SET props = {_merged_props('rels', 's')} FROM staged_rels AS s WHERE s.imp = ? "
                    "AND rels.type = s.type AND rels.src = s.src AND rels.dst = s.dst AND rels.key = s.key",
                    (number,),
                )
                db.execute("DELETE FROM staged_nodes WHERE imp = ?", (number,))
                db.execute("DELETE FROM staged_rels WHERE imp = ?", (number,))
                db.execute("UPDATE imports SET state = 'published', finished = ? WHERE number = ?", (now_text(), number))
                faults.reached("publish")
        except sqlite3.Error as exc:
            raise StoreError(f"embedded store could not publish import {number}, nothing published: {exc}") from exc

    def rollback_import(self, number: int) -> RollbackCounts:

        try:
            with self._transaction(bump=False) as db:
                if self._state(db, number) != "pending":
                    return RollbackCounts()
                updates = db.execute("DELETE FROM staged_nodes WHERE imp = ?", (number,)).rowcount
                updates += db.execute("DELETE FROM staged_rels WHERE imp = ?", (number,)).rowcount
                rels = db.execute(
                    "DELETE FROM rels WHERE imp = ? OR src IN (SELECT id FROM nodes WHERE imp = ?) "
                    "OR dst IN (SELECT id FROM nodes WHERE imp = ?)", (number, number, number),
                ).rowcount
                nodes = db.execute("DELETE FROM nodes WHERE imp = ?", (number,)).rowcount
                db.execute("UPDATE imports SET state = 'rolled_back', finished = ? WHERE number = ?", (now_text(), number))
        except sqlite3.Error as exc:
            raise StoreError(f"embedded store could not roll back import {number}: {exc}") from exc
        return RollbackCounts(nodes=nodes, relationships=rels, updates=updates)

    def imports(self, state: str | None = "pending") -> list[ImportRecord]:
        with self._lock:
            return self._records(self._db, state)

    @staticmethod
    def _records(db: sqlite3.Connection, state: str | None) -> list[ImportRecord]:
        rows = db.execute(
            "SELECT number, state, started, heartbeat, owner, description, items FROM imports "
            "WHERE ?1 IS NULL OR state = ?1 ORDER BY number", (state,),
        ).fetchall()
        return [ImportRecord(*row) for row in rows]

    @staticmethod
    def _state(db: sqlite3.Connection, number: int) -> str | None:
        row = db.execute("SELECT state FROM imports WHERE number = ?", (number,)).fetchone()
        return row[0] if row else None

    @contextmanager
    def bulk_load(self, expected_items: int, *, lean: bool = False) -> Iterator[None]:
        """Many batches follow: when they are many more than the relationships stored, drop the
        relationship lookup indexes and the covering indexes of the analysis columns
        (``stores.embedded_typed``) now and build them once at the end, from the whole table.

        Meanwhile SQLite's page cache is ``BULK_CACHE_KIB`` (``LEAN_BULK_CACHE_KIB`` when ``lean``). Each batch stays atomic and visible at
        once; lookups by relationship end are slower until the end. A crash in between leaves no harm: ``ensure_schema`` builds missing indexes.
        """
        with self._lock:
            if self._bulk_loads == 0 and expected_items >= BULK_MIN_ITEMS:
                stored = self._db.execute("SELECT count(*) FROM rels").fetchone()[0]
                if expected_items > stored:
                    for name in [*SQLITE_DEFERRABLE_INDEXES, *COVERING_INDEXES]:
                        self._db.execute(f"DROP INDEX IF EXISTS {name}")
                    self._db.execute(f"PRAGMA cache_size = -{LEAN_BULK_CACHE_KIB if lean else BULK_CACHE_KIB}")
            self._bulk_loads += 1
        try:
            yield
        finally:
            with self._lock:
                self._bulk_loads -= 1
                if self._bulk_loads == 0:
                    for statement in SQLITE_DEFERRABLE_INDEXES.values():
                        self._db.execute(statement)
                    ensure_covering_indexes(self._db)
                    self._db.execute(f"PRAGMA cache_size = {DEFAULT_CACHE_SIZE}")

    def delete_nodes(self, ids: Sequence[str]) -> int:
        deleted = 0
        with self._transaction() as db:
            for chunk in chunks(sorted(set(ids)), _CHUNK):
                marks = ",".join("?" * len(chunk))
                db.execute(f"DELETE FROM rels WHERE src IN ({marks}) OR dst IN ({marks})", [*chunk, *chunk])
                deleted += db.execute(f"DELETE FROM nodes WHERE id IN ({marks})", chunk).rowcount
        return deleted

    def clear(self) -> None:
        """Delete every node and relationship; pending imports lose what they wrote (``cleared``)."""

        with self._transaction() as db:
            db.execute("DELETE FROM rels")
            db.execute("DELETE FROM nodes")
            db.execute("DELETE FROM staged_nodes")
            db.execute("DELETE FROM staged_rels")
            db.execute("UPDATE imports SET state = 'cleared', finished = ? WHERE state = 'pending'", (now_text(),))

    def revision(self) -> int:
        revision: int = self._query("SELECT value FROM meta WHERE key = 'revision'")[0][0]
        return revision

    def get_node(self, node_id: str) -> NodeRecord | None:
        with self._consistent_reads() as visible:
            rows = self._query(f"SELECT label, props FROM nodes WHERE id = ? AND {visible}", (node_id,))
        return _node(*rows[0]) if rows else None

    def list_nodes(self, label: str, *, limit: int | None = None, offset: int = 0) -> list[NodeRecord]:
        check_label(label)
        check_window(limit, offset)
        with self._consistent_reads() as visible:
            rows = self._query(
                f"SELECT label, props FROM nodes WHERE label = ? AND {visible} ORDER BY id LIMIT ? OFFSET ?",
                (label, -1 if limit is None else limit, offset),
            )
        return [_node(*row) for row in rows]

    def search(self, text: str, *, labels: Sequence[str] | None = None, limit: int = 20) -> list[NodeRecord]:
        check_window(limit)
        text = text.strip()
        if not text or SEARCH_SEPARATOR in text:
            return []
        wanted = [check_label(name).name for name in (labels or SEARCHED_BY_DEFAULT)]
        label_params = {f"label{index}": name for index, name in enumerate(wanted)}
        with self._consistent_reads() as visible:
            rows = self._query(
                f"""SELECT label, props FROM nodes
                    WHERE label IN ({", ".join(":" + name for name in label_params)})
                      AND (instr(search, :q) > 0 OR id = :q OR code = :q) AND {visible}
                    ORDER BY CASE WHEN name = :q THEN 0 WHEN substr(name, 1, length(:q)) = :q THEN 1 ELSE 2 END,
                             length(name), name, id
                    LIMIT :limit""",
                {**label_params, "q": text, "limit": limit},
            )
        return [_node(*row) for row in rows]

    def analysis_columns(self, chain_id: str | None = None) -> AnalysisColumns:
        with self._consistent_reads() as visible:
            try:
                return read_analysis_columns(self._db, chain_id, visible)
            except sqlite3.Error as exc:
                raise StoreError(f"embedded store query failed: {exc}") from exc

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys([*NODE_LABELS, *RELATIONSHIP_TYPES], 0)
        with self._consistent_reads() as visible:
            result.update(self._query(f"SELECT label, count(*) FROM nodes WHERE {visible} GROUP BY label"))
            result.update(self._query(f"SELECT type, count(*) FROM rels WHERE {visible} GROUP BY type"))
        return result

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- primitives of GraphStore.neighbourhood and .project -------------------------------------

    def _nodes_by_id(self, ids: Collection[str]) -> list[NodeRecord]:
        nodes = []
        with self._consistent_reads() as visible:
            for chunk in chunks(sorted(ids), _CHUNK):
                marks = ",".join("?" * len(chunk))
                sql = f"SELECT label, props FROM nodes WHERE id IN ({marks}) AND {visible}"
                nodes += [_node(*row) for row in self._query(sql, chunk)]
        return nodes

    def _incident(self, ids: Collection[str], rel_types: Sequence[str], direction: Direction) -> list[RelationshipRecord]:
        types = checked_rel_types(rel_types)
        columns = {"out": ["src"], "in": ["dst"], "both": ["src", "dst"]}[direction]
        found: dict[tuple[str, str, str, str], RelationshipRecord] = {}
        with self._consistent_reads() as visible:
            for column in columns:
                for chunk in chunks(sorted(ids), _CHUNK - len(types)):
                    sql = (
                        f"SELECT type, src, dst, key, props FROM rels WHERE {column} IN ({','.join('?' * len(chunk))}) "
                        f"AND type IN ({','.join('?' * len(types))}) AND {visible}"
                    )
                    for row in self._query(sql, [*chunk, *types]):
                        found[row[:4]] = _rel(*row)
        return list(found.values())

    def _all_nodes(self) -> list[NodeRecord]:
        with self._consistent_reads() as visible:
            return [_node(*row) for row in self._query(f"SELECT label, props FROM nodes WHERE {visible}")]

    def _all_relationships(self) -> list[RelationshipRecord]:
        with self._consistent_reads() as visible:
            return [_rel(*row) for row in self._query(f"SELECT type, src, dst, key, props FROM rels WHERE {visible}")]


def _merged_props(table: str, new: str = "excluded") -> str:
    """The upsert's new ``props``: stored and written JSON patched (as Neo4j's ``SET n += props``), then
    ``seen`` the sorted union of the stored and written dates with ``first_seen`` / ``last_seen`` its
    ends, when the write carries ``seen`` (``graph_schema.registry.OBSERVED``). ``new`` names the row
    written: ``excluded`` in an upsert, the staged row when an import is published.

    >>> "json_patch(rels.props, excluded.props)" in _merged_props("rels")
    True
    """
    dates = (f"SELECT value FROM json_each({table}.props, '$.seen') "
             f"UNION SELECT value FROM json_each({new}.props, '$.seen')")
    patched = f"json_patch({table}.props, {new}.props)"
    return (
        f"CASE WHEN json_type({new}.props, '$.seen') IS NULL THEN {patched} ELSE json_set({patched}, "
        f"'$.seen', json((SELECT json_group_array(value) FROM ({dates} ORDER BY 1))), "
        f"'$.first_seen', (SELECT min(value) FROM ({dates})), '$.last_seen', (SELECT max(value) FROM ({dates}))) END"
    )


def _node(label: str, props: str) -> NodeRecord:
    return {"label": label, **json.loads(props)}


def _rel(rel_type: str, src: str, dst: str, key: str, props: str) -> RelationshipRecord:
    return {"type": rel_type, "src": src, "dst": dst, "key": key, **json.loads(props)}

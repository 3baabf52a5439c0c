"""The embedded default store: SQLite in WAL mode, one file, no server.

Why SQLite: it ships with Python, is transactional (a batch is all or nothing), handles millions
of rows in one file, and lets readers go on while a writer works (WAL). Nodes and relationships
are two tables; properties are JSON merged with ``json_patch`` so upserts behave like Neo4j's
``SET n += props``.

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
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any

from graph_schema.errors import MissingEndpointError, StoreError
from graph_schema.models import Node
from graph_schema.registry import NODE_LABELS, RELATIONSHIP_TYPES, SEARCHED_BY_DEFAULT, check_label
from stores.analysis_columns import AnalysisColumns
from stores.base import SEARCH_SEPARATOR, Direction, GraphStore, NodeRecord, RelationshipRecord, WriteBatch
from stores.common import check_window, checked_rel_types, chunks
from stores.embedded_columns import read_analysis_columns
from stores.embedded_typed import ensure_typed_columns

_CHUNK = 900  # stays under SQLite's limit on host parameters per statement
BULK_MIN_ITEMS = 50_000
"""A bulk load defers index upkeep only from this many items on (and when they outnumber the
relationships already stored): rebuilding an index costs time in proportion to the whole table."""

SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS nodes (
    id     TEXT PRIMARY KEY,
    label  TEXT NOT NULL,
    name   TEXT NOT NULL,
    search TEXT NOT NULL DEFAULT '',
    code   TEXT,
    props  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS nodes_label ON nodes(label, id);
CREATE TABLE IF NOT EXISTS rels (
    type   TEXT NOT NULL,
    src    TEXT NOT NULL,
    dst    TEXT NOT NULL,
    key    TEXT NOT NULL,
    props  TEXT NOT NULL,
    PRIMARY KEY (type, src, dst, key)
);
CREATE INDEX IF NOT EXISTS rels_src ON rels(src, type);
CREATE INDEX IF NOT EXISTS rels_dst ON rels(dst, type);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES ('revision', 0);
"""
"""SQLite tables of the embedded store, for what ``graph_schema.constraints`` declares: ids are the
primary key, unique across labels (the label is in the id's prefix); the declared name and credit code
lookups scan the ``search`` and ``code`` columns (below).

Plain rowid tables: their rows (JSON properties, a few hundred bytes) are too wide for ``WITHOUT
ROWID`` tables to pay off; bulk inserts run 25–45 % faster this way. Files made by earlier
versions (``WITHOUT ROWID``) work unchanged.

``search`` holds the name and aliases joined by U+001F and ``code`` the 统一社会信用代码, copies of
what is in ``props`` kept in columns so that name search scans text, not JSON.
"""

SQLITE_DEFERRABLE_INDEXES = {
    "rels_src": "CREATE INDEX IF NOT EXISTS rels_src ON rels(src, type)",
    "rels_dst": "CREATE INDEX IF NOT EXISTS rels_dst ON rels(dst, type)",
}
"""Lookup indexes a bulk load drops and builds again at its end (their statements are in the schema)."""

SQLITE_ADDED_COLUMNS = {"search": "TEXT NOT NULL DEFAULT ''", "code": "TEXT"}
"""Columns added after the first release: ``ensure_schema`` adds them to older files and fills them."""


class EmbeddedStore(GraphStore):
    """A GraphStore in one SQLite file (or ``":memory:"``)."""

    revision_is_in_process = True  # the revision is one read of the local SQLite file

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._bulk_loads = 0  # nested or concurrent bulk loads in progress
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
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                yield self._db
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
            ensure_typed_columns(self._db)  # the analysis fields as columns (stores.embedded_typed)

    def write(self, batch: WriteBatch) -> None:
        # in key order, B-tree inserts touch far fewer pages; the sort is stable, so of two rows with
        # one key the later is still upserted last
        node_rows = sorted(
            ((node.id, node.label, node.name, _search_text(node), getattr(node, "credit_code", None), node.properties_json())
             for node in batch.nodes),
            key=itemgetter(0),
        )
        rel_rows = sorted(
            ((rel.type, rel.src, rel.dst, rel.key, rel.properties_json()) for rel in batch.relationships),
            key=itemgetter(0, 1, 2, 3),
        )
        try:
            with self._transaction() as db:
                db.executemany(
                    "INSERT INTO nodes(id, label, name, search, code, props) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT(id) DO UPDATE SET name = excluded.name, search = excluded.search, "
                    "code = coalesce(excluded.code, nodes.code), props = " + _merged_props("nodes"),
                    node_rows,
                )
                self._check_endpoints(db, batch)
                db.executemany(
                    "INSERT INTO rels(type, src, dst, key, props) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT(type, src, dst, key) DO UPDATE SET props = " + _merged_props("rels"),
                    rel_rows,
                )
        except sqlite3.Error as exc:
            raise StoreError(f"embedded store write failed, nothing written: {exc}") from exc

    def _check_endpoints(self, db: sqlite3.Connection, batch: WriteBatch) -> None:
        """Every relationship end is in the batch or already stored (one statement for the batch)."""
        own = {node.id for node in batch.nodes}
        wanted = sorted({end for rel in batch.relationships for end in (rel.src, rel.dst)} - own)
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

    @contextmanager
    def bulk_load(self, expected_items: int) -> Iterator[None]:
        """Many batches follow: when they are many more than the relationships stored, drop the
        relationship lookup indexes now and build them once at the end, from the whole table.

        Each batch stays atomic and visible at once; lookups by relationship end are slower until
        the end. A crash in between leaves no harm: ``ensure_schema`` builds missing indexes.
        """
        with self._lock:
            if self._bulk_loads == 0 and expected_items >= BULK_MIN_ITEMS:
                stored = self._db.execute("SELECT count(*) FROM rels").fetchone()[0]
                if expected_items > stored:
                    for name in SQLITE_DEFERRABLE_INDEXES:
                        self._db.execute(f"DROP INDEX IF EXISTS {name}")
            self._bulk_loads += 1
        try:
            yield
        finally:
            with self._lock:
                self._bulk_loads -= 1
                if self._bulk_loads == 0:
                    for statement in SQLITE_DEFERRABLE_INDEXES.values():
                        self._db.execute(statement)

    def delete_nodes(self, ids: Sequence[str]) -> int:
        deleted = 0
        with self._transaction() as db:
            for chunk in chunks(sorted(set(ids)), _CHUNK):
                marks = ",".join("?" * len(chunk))
                db.execute(f"DELETE FROM rels WHERE src IN ({marks}) OR dst IN ({marks})", [*chunk, *chunk])
                deleted += db.execute(f"DELETE FROM nodes WHERE id IN ({marks})", chunk).rowcount
        return deleted

    def clear(self) -> None:
        """Delete every node and relationship."""
        with self._transaction() as db:
            db.execute("DELETE FROM rels")
            db.execute("DELETE FROM nodes")

    def revision(self) -> int:
        revision: int = self._query("SELECT value FROM meta WHERE key = 'revision'")[0][0]
        return revision

    def get_node(self, node_id: str) -> NodeRecord | None:
        rows = self._query("SELECT label, props FROM nodes WHERE id = ?", (node_id,))
        return _node(*rows[0]) if rows else None

    def list_nodes(self, label: str, *, limit: int | None = None, offset: int = 0) -> list[NodeRecord]:
        check_label(label)
        check_window(limit, offset)
        rows = self._query(
            "SELECT label, props FROM nodes WHERE label = ? ORDER BY id LIMIT ? OFFSET ?",
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
        rows = self._query(
            f"""SELECT label, props FROM nodes
                WHERE label IN ({", ".join(":" + name for name in label_params)})
                  AND (instr(search, :q) > 0 OR id = :q OR code = :q)
                ORDER BY CASE WHEN name = :q THEN 0 WHEN substr(name, 1, length(:q)) = :q THEN 1 ELSE 2 END,
                         length(name), name, id
                LIMIT :limit""",
            {**label_params, "q": text, "limit": limit},
        )
        return [_node(*row) for row in rows]

    def analysis_columns(self, chain_id: str | None = None) -> AnalysisColumns:
        with self._lock:
            try:
                return read_analysis_columns(self._db, chain_id)
            except sqlite3.Error as exc:
                raise StoreError(f"embedded store query failed: {exc}") from exc

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys([*NODE_LABELS, *RELATIONSHIP_TYPES], 0)
        result.update(self._query("SELECT label, count(*) FROM nodes GROUP BY label"))
        result.update(self._query("SELECT type, count(*) FROM rels GROUP BY type"))
        return result

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- primitives of GraphStore.neighbourhood and .project -------------------------------------

    def _nodes_by_id(self, ids: Collection[str]) -> list[NodeRecord]:
        nodes = []
        for chunk in chunks(sorted(ids), _CHUNK):
            marks = ",".join("?" * len(chunk))
            nodes += [_node(*row) for row in self._query(f"SELECT label, props FROM nodes WHERE id IN ({marks})", chunk)]
        return nodes

    def _incident(self, ids: Collection[str], rel_types: Sequence[str], direction: Direction) -> list[RelationshipRecord]:
        types = checked_rel_types(rel_types)
        columns = {"out": ["src"], "in": ["dst"], "both": ["src", "dst"]}[direction]
        found: dict[tuple[str, str, str, str], RelationshipRecord] = {}
        for column in columns:
            for chunk in chunks(sorted(ids), _CHUNK - len(types)):
                sql = (
                    f"SELECT type, src, dst, key, props FROM rels WHERE {column} IN ({','.join('?' * len(chunk))}) "
                    f"AND type IN ({','.join('?' * len(types))})"
                )
                for row in self._query(sql, [*chunk, *types]):
                    found[row[:4]] = _rel(*row)
        return list(found.values())

    def _all_nodes(self) -> list[NodeRecord]:
        return [_node(*row) for row in self._query("SELECT label, props FROM nodes")]

    def _all_relationships(self) -> list[RelationshipRecord]:
        return [_rel(*row) for row in self._query("SELECT type, src, dst, key, props FROM rels")]


def _search_text(node: Node) -> str:
    """Name and aliases, joined by U+001F (which no name contains), for substring search."""
    return SEARCH_SEPARATOR.join([node.name, *getattr(node, "aliases", ())])


def _merged_props(table: str) -> str:
    """The upsert's new ``props``: stored and written JSON patched (as Neo4j's ``SET n += props``), then
    ``seen`` the sorted union of the stored and written dates with ``first_seen`` / ``last_seen`` its
    ends, when the write carries ``seen`` (``graph_schema.registry.OBSERVED``).

    >>> "json_patch(rels.props, excluded.props)" in _merged_props("rels")
    True
    """
    dates = (f"SELECT value FROM json_each({table}.props, '$.seen') "
             "UNION SELECT value FROM json_each(excluded.props, '$.seen')")
    patched = f"json_patch({table}.props, excluded.props)"
    return (
        f"CASE WHEN json_type(excluded.props, '$.seen') IS NULL THEN {patched} ELSE json_set({patched}, "
        f"'$.seen', json((SELECT json_group_array(value) FROM ({dates} ORDER BY 1))), "
        f"'$.first_seen', (SELECT min(value) FROM ({dates})), '$.last_seen', (SELECT max(value) FROM ({dates}))) END"
    )


def _node(label: str, props: str) -> NodeRecord:
    return {"label": label, **json.loads(props)}


def _rel(rel_type: str, src: str, dst: str, key: str, props: str) -> RelationshipRecord:
    return {"type": rel_type, "src": src, "dst": dst, "key": key, **json.loads(props)}

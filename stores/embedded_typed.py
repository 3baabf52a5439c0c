"""Typed columns of the embedded store: the fields the analyses read (``stores.analysis_columns``)
kept as real SQLite columns beside the JSON properties, so reading a chain reads plain columns
instead of parsing every row's JSON.

They are STORED generated columns (``json_extract`` of ``props`` — of an enterprise's for the node
fields, of a SUPPLIES link's for the relationship fields, NULL on other rows): SQLite keeps them
equal to the properties on every insert and upsert, so no write path changes. A file made before
they existed is rebuilt once by ``ensure_typed_columns`` (called from ``EmbeddedStore.ensure_schema``):
SQLite cannot add a stored column to a table, so each table is copied into one that has them, in
one transaction, its indexes made again. The graph's meaning does not change (``SCHEMA_VERSION``
stays, and backups of either layout restore into the other).

Two partial **covering indexes** (``COVERING_INDEXES``) hold, for the enterprises and for the SUPPLIES
links, every column the analyses read (and ``imp``, for the visibility check), so a chain's rows are
read from the index alone, without a lookup of the table row (its JSON) each. ``ensure_covering_indexes``
makes them on a file that lacks them (called from ``EmbeddedStore.ensure_schema``, after the typed
columns exist); a bulk load drops them and builds them once at its end, as the lookup indexes.

>>> import sqlite3
>>> from stores.embedded import SQLITE_SCHEMA
>>> db = sqlite3.connect(":memory:", isolation_level=None); _ = db.executescript(SQLITE_SCHEMA)
>>> has_typed_columns(db), ensure_typed_columns(db), has_typed_columns(db), ensure_typed_columns(db)
(False, True, True, False)
>>> _ = db.execute("INSERT INTO rels(type, src, dst, key, props) VALUES ('SUPPLIES', 'ent:a', 'ent:b', 'product:x', "
...                "'{\\"product\\": \\"product:x\\", \\"share\\": 0.5}')")
>>> db.execute("SELECT p_product, p_share, p_amount_wan FROM rels").fetchone()
('product:x', 0.5, None)
>>> ensure_covering_indexes(db), sorted(covering_indexes(db)) == sorted(COVERING_INDEXES), ensure_covering_indexes(db)
(True, True, False)
"""

from __future__ import annotations

import sqlite3

from stores.analysis_columns import ENTERPRISE_FIELDS, SUPPLY_FIELDS

PREFIX = "p_"
SQL_TYPES = {"local": "INTEGER", "synthetic": "INTEGER", "revenue_yi": "REAL", "share": "REAL", "amount_wan": "REAL"}
NODE_FIELDS = tuple(name for name in ENTERPRISE_FIELDS if name != "name")  # the name has a column already
REL_FIELDS = SUPPLY_FIELDS
TYPED_LABEL = "Enterprise"
TYPED_TYPE = "SUPPLIES"
NUMERIC_FIELDS = frozenset(name for name, kind in SQL_TYPES.items() if kind != "TEXT")
"""Fields whose typed column has numeric affinity (it may hold REALs: read as such, never through JSON text)."""


def column_name(field: str) -> str:
    """The typed column of a field: ``p_`` and its name (``share`` → ``p_share``)."""
    return PREFIX + field


def _generated(field: str, where: str) -> str:
    kind = SQL_TYPES.get(field, "TEXT")
    return f"{column_name(field)} {kind} GENERATED ALWAYS AS (CASE WHEN {where} THEN json_extract(props, '$.{field}') END) STORED"


NODES_TABLE = f"""CREATE TABLE {{table}} (
    id     TEXT PRIMARY KEY,
    label  TEXT NOT NULL,
    name   TEXT NOT NULL,
    search TEXT NOT NULL DEFAULT '',
    code   TEXT,
    props  TEXT NOT NULL,
    imp    INTEGER,
    {(',' + chr(10) + '    ').join(_generated(field, f"label = '{TYPED_LABEL}'") for field in NODE_FIELDS)}
)"""
RELS_TABLE = f"""CREATE TABLE {{table}} (
    type   TEXT NOT NULL,
    src    TEXT NOT NULL,
    dst    TEXT NOT NULL,
    key    TEXT NOT NULL,
    props  TEXT NOT NULL,
    imp    INTEGER,
    {(',' + chr(10) + '    ').join(_generated(field, f"type = '{TYPED_TYPE}'") for field in REL_FIELDS)},
    PRIMARY KEY (type, src, dst, key)
)"""
TABLES = {
    "nodes": (NODES_TABLE, "id, label, name, search, code, props, imp"),  # imp: the import that wrote the row (stores.embedded)
    "rels": (RELS_TABLE, "type, src, dst, key, props, imp"),
}


def has_typed_columns(db: sqlite3.Connection) -> bool:
    """Whether both tables have every typed column."""
    nodes = {row[1] for row in db.execute("PRAGMA table_xinfo(nodes)")}
    rels = {row[1] for row in db.execute("PRAGMA table_xinfo(rels)")}
    return {column_name(f) for f in NODE_FIELDS} <= nodes and {column_name(f) for f in REL_FIELDS} <= rels


def ensure_typed_columns(db: sqlite3.Connection) -> bool:
    """Give the tables their typed columns when they lack them (see the module); True when it did.

    ``db`` is in autocommit mode (``isolation_level=None``); the rebuild is one transaction, so a
    failure leaves the file as it was. Indexes of the old tables are made again from their SQL.
    """
    if has_typed_columns(db):
        return False
    db.execute("BEGIN IMMEDIATE")
    try:
        for table, (create, columns) in TABLES.items():
            indexes = [row[0] for row in db.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,))]
            definition = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()[0]
            order = "" if "WITHOUT ROWID" in definition.upper() else " ORDER BY rowid"  # files of the first release
            db.execute(create.format(table=f"{table}_typed"))
            db.execute(f"INSERT INTO {table}_typed({columns}) SELECT {columns} FROM {table}{order}")
            db.execute(f"DROP TABLE {table}")
            db.execute(f"ALTER TABLE {table}_typed RENAME TO {table}")
            for statement in indexes:
                db.execute(statement)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return True


def _covering(table: str, name: str, keys: tuple[str, ...], fields: tuple[str, ...], where: str) -> str:
    columns = ", ".join([*keys, *(column_name(f) for f in fields), "imp"])
    return f"CREATE INDEX IF NOT EXISTS {name} ON {table}({columns}) WHERE {where}"


COVERING_INDEXES = {
    "nodes_enterprise_columns": _covering("nodes", "nodes_enterprise_columns", ("id", "name"), NODE_FIELDS, f"label = '{TYPED_LABEL}'"),
    "rels_supplies_columns": _covering("rels", "rels_supplies_columns", ("src", "dst", "key"), REL_FIELDS, f"type = '{TYPED_TYPE}'"),
}
"""Name → statement of the partial indexes that cover the analysis columns (see the module): enterprises
by id, SUPPLIES links by source."""
COVERING_INDEX_OF = {"nodes": "nodes_enterprise_columns", "rels": "rels_supplies_columns"}


def covering_indexes(db: sqlite3.Connection) -> set[str]:
    """The covering indexes the file has (none while a bulk load has dropped them)."""
    marks = ",".join("?" * len(COVERING_INDEXES))
    return {row[0] for row in db.execute(
        f"SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ({marks})", tuple(COVERING_INDEXES))}


def ensure_covering_indexes(db: sqlite3.Connection) -> bool:
    """Make the covering indexes the file lacks (the typed columns must exist); True when it made one."""
    missing = [statement for name, statement in COVERING_INDEXES.items() if name not in covering_indexes(db)]
    for statement in missing:
        db.execute(statement)
    return bool(missing)

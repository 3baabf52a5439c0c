"""The embedded store's reading of ``GraphStore.analysis_columns``: the chain's scope walked in SQL
(ids only), then each label and type read once, the column fields read from the typed columns
(``stores.embedded_typed``; in a file without them, taken out of the JSON by ``json_extract``),
never decoded in Python.

>>> import sqlite3
>>> from stores.embedded import SQLITE_SCHEMA
>>> db = sqlite3.connect(":memory:"); db.executescript(SQLITE_SCHEMA)  # doctest: +ELLIPSIS
<sqlite3.Cursor object at ...>
>>> _ = db.execute("INSERT INTO nodes(id, label, name, props) VALUES ('ent:a', 'Enterprise', '甲', "
...                "'{\\"name\\": \\"甲\\", \\"local\\": true, \\"tags\\": [\\"上市\\"]}')")
>>> columns = read_analysis_columns(db, None)
>>> columns.nodes["Enterprise"].fields["local"], columns.nodes["Enterprise"].fields["tags"]
([True], [('上市',)])
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection
from typing import Any, Literal

from graph_schema.registry import NODE_LABELS, RELATIONSHIP_TYPES
from graph_schema.scope import chain_members
from stores.analysis_columns import COLUMNS, AnalysisColumns, ColumnsBuilder
from stores.embedded_typed import TYPED_LABEL, TYPED_TYPE, column_name, has_typed_columns

BOOLEAN_FIELDS = frozenset({"local", "synthetic"})  # SQLite's json_extract gives 1 / 0 for JSON true / false
LIST_FIELDS = frozenset({"tags", "seen"})  # … and JSON text for an array
FETCH_ROWS = 20_000


def read_analysis_columns(db: sqlite3.Connection, chain_id: str | None, visible: str = "1") -> AnalysisColumns:
    """The whole graph's analysis columns (``chain_id`` None) or one chain's part's (none when the
    chain is not stored), read through ``db``; only rows meeting ``visible`` (the store's condition
    for rows no pending import wrote, ``stores.embedded.VISIBLE``)."""
    scope: str | None = None
    if chain_id is not None:
        stored = db.execute(f"SELECT 1 FROM nodes WHERE id = ? AND label = 'Chain' AND {visible}", (chain_id,)).fetchone()
        members = chain_scope_ids(db, chain_id, visible) if stored else set()
        scope = json.dumps(sorted(members))
    builder = ColumnsBuilder(convert=converters())
    typed = has_typed_columns(db)
    for label in NODE_LABELS:
        names = COLUMNS.get(label)
        select = ", ".join(_select(name, typed and label == TYPED_LABEL) for name in names) if names is not None else "props"
        sql = f"SELECT id, {select} FROM nodes WHERE label = ? AND {visible}"
        params: tuple[Any, ...] = (label,)
        if scope is not None:
            sql += " AND id IN (SELECT value FROM json_each(?))"
            params += (scope,)
        rows = db.execute(sql, params).fetchall()
        builder.add_nodes(label, rows if names is not None else [(row[0], _props(row[1], "id")) for row in rows])
    index = builder.nodes_done()
    for rel_type in RELATIONSHIP_TYPES:
        names = COLUMNS.get(rel_type)
        select = ", ".join(_select(name, typed and rel_type == TYPED_TYPE) for name in names) if names is not None else "props"
        sql = f"SELECT src, dst, key{', ' + select if select else ''} FROM rels WHERE type = ? AND {visible}"
        params = (rel_type,)
        if scope is not None:  # by the primary key (type, src, …); the other end is checked here: SQLite
            sql += " AND src IN (SELECT value FROM json_each(?))"  # would otherwise try every src × dst pair
            params += (scope,)
        cursor = db.execute(sql, params)
        while rows := cursor.fetchmany(FETCH_ROWS):
            if names is None:
                get = index.get
                builder.add_rels(rel_type, [(index[r[0]], end, r[2], _props(r[3], "key")) for r in rows if (end := get(r[1])) is not None])
            else:
                builder.add_store_rels(rel_type, rows)
    return builder.done()


def converters() -> dict[str, Callable[[Any], Any]]:
    """How SQLite's values of the column fields become the properties: ``json_extract`` gives 1 / 0 for
    JSON true / false and JSON text for an array (each distinct text decoded once)."""
    decoded: dict[str, Any] = {}

    def from_json(text: str) -> Any:
        if text not in decoded:
            decoded[text] = json.loads(text)
        return decoded[text]

    return {**dict.fromkeys(BOOLEAN_FIELDS, bool), **dict.fromkeys(LIST_FIELDS, from_json)}


def chain_scope_ids(db: sqlite3.Connection, chain_id: str, visible: str = "1") -> set[str]:
    """The ids of the chain's part (``graph_schema.scope.chain_members``), walked over the relationship
    lookup indexes without reading any property."""

    def neighbours(ids: Collection[str], rel_types: tuple[str, ...], direction: Literal["in", "out"]) -> list[str]:
        end, other = ("dst", "src") if direction == "in" else ("src", "dst")
        marks = ",".join("?" * len(rel_types))
        sql = f"SELECT {other} FROM rels WHERE {end} IN (SELECT value FROM json_each(?)) AND type IN ({marks}) AND {visible}"
        return [row[0] for row in db.execute(sql, (json.dumps(sorted(ids)), *rel_types))]

    return chain_members(chain_id, neighbours)


def _select(name: str, typed: bool) -> str:
    """The SQL that reads one column field: ``name`` is a column of its own, the others are typed columns
    (``stores.embedded_typed``) or, in a file without them, in the JSON."""
    if name == "name":
        return "name"
    return column_name(name) if typed else f"json_extract(props, '$.{name}')"


def _props(text: str, structural: str) -> dict[str, Any]:
    """A stored property map without its structural entry (a node's id)."""
    props: dict[str, Any] = json.loads(text)
    props.pop(structural, None)
    return props

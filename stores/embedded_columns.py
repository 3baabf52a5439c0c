"""The embedded store's reading of ``GraphStore.analysis_columns``: the chain's scope walked in SQL
(ids only), then each label and type read once, the column fields read from the typed columns
(``stores.embedded_typed``; in a file without them, taken out of the JSON by ``json_extract``),
never decoded in Python.

A chain's scope is put once into a temporary table (``temp.analysis_scope``, by label) that every
read joins — for a relationship type, only the ids of the labels its relationships start from
(``graph_schema.registry``) — rather than handed to each statement as a JSON list SQLite would
parse again. The enterprises and
the SUPPLIES links are read from their covering indexes (``stores.embedded_typed``), without a
lookup of each table row. Reads of ids only (the scope walk; PRODUCES, LOCATED_IN, MEMBER_OF,
HAS_SITE) come as one JSON array per column (``json_group_array``), not a Python tuple per row;
reads with numbers stay rows (JSON text would round a REAL to 15 digits).

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
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

from graph_schema.registry import NODE_LABELS, RELATIONSHIP_TYPES
from graph_schema.scope import chain_members
from stores.analysis_columns import COLUMNS, AnalysisColumns, ColumnsBuilder
from stores.embedded_typed import COVERING_INDEX_OF, TYPED_LABEL, TYPED_TYPE, column_name, covering_indexes, has_typed_columns

BOOLEAN_FIELDS = frozenset({"local", "synthetic"})  # SQLite's json_extract gives 1 / 0 for JSON true / false
LIST_FIELDS = frozenset({"tags", "seen"})  # … and JSON text for an array
FETCH_ROWS = 20_000


def read_analysis_columns(db: sqlite3.Connection, chain_id: str | None, visible: str = "1") -> AnalysisColumns:
    """The whole graph's analysis columns (``chain_id`` None) or one chain's part's (none when the
    chain is not stored), read through ``db``; only rows meeting ``visible`` (the store's condition
    for rows no pending import wrote, ``stores.embedded.VISIBLE``)."""
    members: list[str] | None = None
    if chain_id is not None:
        stored = db.execute(f"SELECT 1 FROM nodes WHERE id = ? AND label = 'Chain' AND {visible}", (chain_id,)).fetchone()
        members = sorted(chain_scope_ids(db, chain_id, visible)) if stored else []
    builder = ColumnsBuilder(convert=converters())
    typed = has_typed_columns(db)
    covered = covering_indexes(db) if typed else set()
    with scope_table(db, members) as within:
        for label in NODE_LABELS:  # labels and types are the registry's identifiers, written into the SQL
            names = COLUMNS.get(label)  # as literals, so that SQLite can use the partial covering index
            own = typed and label == TYPED_LABEL
            select = ", ".join(_select(name, own) for name in names) if names is not None else "props"
            hint = _hint("nodes", covered) if own else ""
            cursor = db.execute(f"SELECT id, {select} FROM nodes{hint} WHERE label = '{label}' AND {visible}{within('id', [label])}")
            while rows := cursor.fetchmany(FETCH_ROWS):  # a batch at a time: the builder keeps columns, not rows
                builder.add_nodes(label, rows if names is not None else [(row[0], _props(row[1], "id")) for row in rows])
        index = builder.nodes_done()
        for rel_type in RELATIONSHIP_TYPES:
            names = COLUMNS.get(rel_type)
            starts = dict.fromkeys(src for src, _ in RELATIONSHIP_TYPES[rel_type].endpoints)
            where = f"type = '{rel_type}' AND {visible}{within('src', starts, rel_type)}"  # the other end is checked by the builder
            if names == ():  # ids only
                builder.add_store_rel_columns(rel_type, text_columns(db, ("src", "dst", "key"), f"FROM rels WHERE {where}"))
                continue
            own = typed and rel_type == TYPED_TYPE
            select = ", ".join(_select(name, own) for name in names) if names is not None else "props"
            hint = _hint("rels", covered) if own else ""
            cursor = db.execute(f"SELECT src, dst, key, {select} FROM rels{hint} WHERE {where}")
            while rows := cursor.fetchmany(FETCH_ROWS):
                if names is None:
                    get = index.get
                    builder.add_rels(rel_type, [(index[r[0]], end, r[2], _props(r[3], "key")) for r in rows if (end := get(r[1])) is not None])
                else:
                    builder.add_store_rels(rel_type, rows)
    return builder.done()


@contextmanager
def scope_table(db: sqlite3.Connection, members: Sequence[str] | None) -> Iterator[Callable[..., str]]:
    """Put the nodes ``members`` (a chain's scope; None: the whole graph) into ``temp.analysis_scope``
    with their labels, for the reads inside; yields ``within(column, labels[, rel_type])``, the SQL
    condition (with its leading AND) that keeps the rows whose ``column`` is a member of one of
    ``labels`` ("" for the whole graph): through the members, or — for a ``rel_type`` with fewer
    relationships than members — through its relationships. The table is emptied after.

    >>> from stores.embedded import SQLITE_SCHEMA
    >>> db = sqlite3.connect(":memory:"); _ = db.executescript(SQLITE_SCHEMA)
    >>> _ = db.executemany("INSERT INTO nodes(id, label, name, props) VALUES (?, ?, '', '{}')",
    ...                    [("ent:a", "Enterprise"), ("ent:b", "Enterprise"), ("product:x", "Product")])
    >>> with scope_table(db, ["ent:a", "product:x"]) as within:
    ...     db.execute(f"SELECT id FROM nodes WHERE 1{within('id', ['Enterprise'])}").fetchall()
    [('ent:a',)]
    """
    if members is None:
        yield lambda column, labels, rel_type="": ""
        return
    db.execute("CREATE TEMP TABLE IF NOT EXISTS analysis_scope(label TEXT, id TEXT, PRIMARY KEY (label, id)) WITHOUT ROWID")
    db.execute("DELETE FROM temp.analysis_scope")
    db.execute("INSERT INTO temp.analysis_scope(label, id) SELECT label, id FROM nodes WHERE id IN (SELECT value FROM json_each(?))",
               (json.dumps(list(members)),))

    sizes = dict(db.execute("SELECT label, count(*) FROM temp.analysis_scope GROUP BY label").fetchall())

    def within(column: str, labels: Iterable[str], rel_type: str = "") -> str:
        labels = list(labels)
        names = ", ".join(f"'{label}'" for label in labels)  # the registry's labels, not data
        members = sum(sizes.get(label, 0) for label in labels)
        if rel_type and _fewer_than(db, rel_type, members):  # fewer rows than members: look each row's end up
            return f" AND EXISTS (SELECT 1 FROM temp.analysis_scope WHERE label IN ({names}) AND id = {column})"
        return f" AND {column} IN (SELECT id FROM temp.analysis_scope WHERE label IN ({names}))"

    try:
        yield within
    finally:
        db.execute("DELETE FROM temp.analysis_scope")


def _fewer_than(db: sqlite3.Connection, rel_type: str, limit: int) -> bool:
    """Whether the store holds fewer than ``limit`` relationships of ``rel_type`` (counting at most ``limit``)."""
    found: int = db.execute("SELECT count(*) FROM (SELECT 1 FROM rels WHERE type = ? LIMIT ?)", (rel_type, limit)).fetchone()[0]
    return found < limit


def text_columns(db: sqlite3.Connection, select: Sequence[str], rows: str) -> list[list[Any]]:
    """The text columns ``select`` of the rows ``rows`` (``FROM … WHERE …``) picks, each aggregated by
    SQLite into one JSON array: the strings are made by ``json.loads`` in C, with no tuple per row.

    >>> db = sqlite3.connect(":memory:"); _ = db.execute("CREATE TABLE t(a TEXT, b TEXT)")
    >>> _ = db.executemany("INSERT INTO t VALUES (?, ?)", [("x", "甲"), ("y", None)])
    >>> text_columns(db, ["a", "b"], "FROM t WHERE 1")
    [['x', 'y'], ['甲', None]]
    """
    found = db.execute(f"SELECT {', '.join(f'json_group_array({column})' for column in select)} {rows}").fetchone()
    return [json.loads(text) for text in found]


def _hint(table: str, covered: Collection[str]) -> str:
    """``INDEXED BY`` the table's covering index when the file has it (SQLite, without statistics,
    would pick the narrower lookup index and read each table row)."""
    name = COVERING_INDEX_OF[table]
    return f" INDEXED BY {name}" if name in covered else ""


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
        sql = f"SELECT json_group_array({other}) FROM rels WHERE {end} IN (SELECT value FROM json_each(?)) AND type IN ({marks}) AND {visible}"
        found: list[str] = json.loads(db.execute(sql, (json.dumps(sorted(ids)), *rel_types)).fetchone()[0])  # one string, not a row each
        return found

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

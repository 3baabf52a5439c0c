"""One chain's enterprises and SUPPLIES links read two ways, timed and compared: the embedded store's
own reading (``sqlite3`` rows → ``ColumnsBuilder``) and the Arrow ADBC SQLite driver's (Arrow arrays
→ the same columns without a Python tuple per row). A measurement for issue 17, not a store path.

Usage (the Arrow packages are not among ChainAtlas's runtime dependencies: the optional group
``arrow-bench`` of pyproject.toml pins them)::

    .venv/bin/python -m pip install -e '.[arrow-bench]'
    CHAINATLAS_DATA_DIR=/tmp/chainatlas-180k .venv/bin/python bench/read_arrow.py chain:electronic-info --runs 3

Each side runs in a process of its own (``--side``), alternating: the driver links its own SQLite
(3.53) beside Python's (3.40 here), and **two SQLite libraries must never open one file in one
process** — their POSIX locks do not see each other, so the driver's connection, closing, takes itself
for the last one, checkpoints and deletes the WAL under the other's open connection, and the file is
corrupt ("database disk image is malformed"; https://sqlite.org/howtocorrupt.html, 2.2.1). Each
child reads the chain's scope (walked once, by the parent, in a read-only connection) into a
temporary table, then times only the two reads; the parent prints the CPU time of each side (best of
``--runs``) and checks that both give the same columns, value by value and type by type (``bool``,
``int``, ``float``, ``str``, ``None``).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SUPPLY_SQL = ("SELECT src, dst, key, {fields} FROM rels INDEXED BY rels_supplies_columns WHERE type = 'SUPPLIES' "
              "AND src IN (SELECT id FROM temp.analysis_scope WHERE label = 'Enterprise')")
ENTERPRISE_SQL = ("SELECT id, {fields} FROM nodes INDEXED BY nodes_enterprise_columns WHERE label = 'Enterprise' "
                  "AND id IN (SELECT id FROM temp.analysis_scope WHERE label = 'Enterprise')")
SCOPE_SQL = ("INSERT INTO temp.analysis_scope(label, id) SELECT label, id FROM nodes "
             "WHERE id IN (SELECT value FROM json_each(?))")
SCOPE_TABLE = "CREATE TEMP TABLE IF NOT EXISTS analysis_scope(label TEXT, id TEXT, PRIMARY KEY (label, id)) WITHOUT ROWID"
SIDES = ("sqlite3", "arrow")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chain", nargs="?", default="chain:electronic-info")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--side", choices=SIDES, help="(a child) read one way, store the columns in --out")
    parser.add_argument("--members", help="(a child) the scope's ids, a JSON file")
    parser.add_argument("--out", help="(a child) where the columns go")
    args = parser.parse_args()
    from app.settings import load_settings

    path = Path(load_settings().data_dir) / "chainatlas.sqlite"
    if args.side:
        child(path, args.side, Path(args.members).read_text(), Path(args.out))
        return
    from stores.embedded_columns import chain_scope_ids

    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    members = json.dumps(sorted(chain_scope_ids(db, args.chain)))
    db.close()
    timings: dict[str, list[float]] = {side: [] for side in SIDES}
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "members.json").write_text(members)
        for _ in range(args.runs):
            for side in SIDES:
                out = Path(scratch) / f"{side}.pickle"
                subprocess.run([sys.executable, __file__, args.chain, "--side", side, "--members", str(Path(scratch) / "members.json"),
                                "--out", str(out)], check=True)
                seconds, results[side] = pickle.loads(out.read_bytes())
                timings[side].append(seconds)
    for side, seconds in timings.items():
        print(f"{side:8s} CPU best {min(seconds):.3f} s  runs {', '.join(f'{s:.3f}' for s in seconds)}")
    same = _typed(results["sqlite3"]) == _typed(results["arrow"])
    enterprises, links = len(results["sqlite3"][0][0]), len(results["sqlite3"][1][0])
    print(f"enterprises {enterprises:,}, links kept {links:,}; the same columns, value by value and type: {same}")
    if not same:
        raise SystemExit(1)


def child(path: Path, side: str, members: str, out: Path) -> None:
    """One side's read, in this process only: its CPU time and columns pickled into ``out``."""
    from stores.analysis_columns import ENTERPRISE_FIELDS, SUPPLY_FIELDS
    from stores.embedded_columns import _select

    sqls = (ENTERPRISE_SQL.format(fields=", ".join(_select(name, True) for name in ENTERPRISE_FIELDS)),
            SUPPLY_SQL.format(fields=", ".join(_select(name, True) for name in SUPPLY_FIELDS)))
    if side == "sqlite3":
        connection: Any = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    else:
        try:
            import adbc_driver_sqlite.dbapi as adbc
        except ImportError:
            raise SystemExit("bench/read_arrow.py needs the Arrow packages: .venv/bin/python -m pip install "
                             "adbc-driver-sqlite==1.13.0 adbc-driver-manager==1.13.0 pyarrow==26.0.1") from None
        connection = adbc.connect(str(path))  # the only connection to the file in this process
    _scope(connection, members)
    started = time.process_time()
    columns = (read_rows if side == "sqlite3" else read_arrow)(connection, *sqls)
    seconds = time.process_time() - started
    connection.rollback()
    connection.close()
    out.write_bytes(pickle.dumps((seconds, columns)))


def _scope(connection: Any, members: str) -> None:
    cursor = connection.cursor()
    cursor.execute(SCOPE_TABLE)
    cursor.execute("DELETE FROM temp.analysis_scope")
    cursor.execute(SCOPE_SQL, (members,))
    cursor.close()
    connection.commit()


def read_rows(db: sqlite3.Connection, enterprise_sql: str, supply_sql: str) -> tuple[list[Any], list[Any]]:
    """The store's way: rows, columns by ``ColumnsBuilder`` (with the store's converters)."""
    from stores.analysis_columns import ColumnsBuilder
    from stores.embedded_columns import FETCH_ROWS, converters

    builder = ColumnsBuilder(convert=converters())
    cursor = db.execute(enterprise_sql)
    while rows := cursor.fetchmany(FETCH_ROWS):
        builder.add_nodes("Enterprise", rows)
    builder.nodes_done()
    cursor = db.execute(supply_sql)
    while rows := cursor.fetchmany(FETCH_ROWS):
        builder.add_store_rels("SUPPLIES", rows)
    columns = builder.done()
    part, supplies = columns.nodes["Enterprise"], columns.rels["SUPPLIES"]
    return ([part.ids, *part.fields.values()],
            [list(supplies.src), list(supplies.dst), supplies.keys, *supplies.fields.values()])


def read_arrow(connection: Any, enterprise_sql: str, supply_sql: str) -> tuple[list[Any], list[Any]]:
    """Arrow arrays → the same columns: ends numbered by ``pyarrow.compute.index_in``, text through
    each column's dictionary (one str per distinct value), numbers through numpy. The driver infers
    an Arrow type per column and converts silently when SQLite's values mix storage classes (an
    INTEGER read as a double, a REAL as text with 7 digits); so each row also carries its fields'
    storage classes (``_classes``), and a read whose field mixes classes is refused (the store would
    read it as rows). The whole result is one batch (a type that changes after the first batch is an
    error of the driver)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from stores.analysis_columns import ENTERPRISE_FIELDS, SUPPLY_FIELDS

    cursor = connection.cursor()
    cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(ONE_BATCH)})
    cursor.execute(_with_classes(enterprise_sql, 1))
    enterprises = _checked(cursor.fetch_arrow_table(), ENTERPRISE_FIELDS)
    enterprises = enterprises.take(pc.sort_indices(enterprises.column(0)))
    ids = enterprises.column(0).to_pylist()
    node_columns = [ids, *(_values(enterprises.column(1 + i), name) for i, name in enumerate(ENTERPRISE_FIELDS))]
    cursor.execute(_with_classes(supply_sql, 3))
    links = _checked(cursor.fetch_arrow_table(), SUPPLY_FIELDS)
    cursor.close()
    known = pa.array(ids)
    links = links.filter(pc.index_in(links.column(1), value_set=known).is_valid())
    src, dst = (pc.index_in(links.column(i), value_set=known).to_numpy().tolist() for i in (0, 1))
    rel_columns = [src, dst, _values(links.column(2), "key"),
                   *(_values(links.column(3 + i), name) for i, name in enumerate(SUPPLY_FIELDS))]
    return node_columns, rel_columns


ONE_BATCH = 1 << 30
CLASS_BITS = {"integer": 1, "real": 2, "text": 4, "blob": 8}  # one bit per storage class; NULL none


def _with_classes(sql: str, plain: int) -> str:
    """``sql`` with one more column: the storage classes of the row's fields after the first
    ``plain`` columns, four bits per field (``CLASS_BITS``)."""
    head = sql.split(" FROM ", 1)[0]
    fields = [column.strip() for column in head.removeprefix("SELECT ").split(",")][plain:]
    cases = " WHEN ".join(f"'{kind}' THEN {bit}" for kind, bit in CLASS_BITS.items())
    classes = " | ".join(f"((CASE typeof({field}) WHEN {cases} ELSE 0 END) << {4 * i})" for i, field in enumerate(fields))
    return sql.replace(" FROM ", f", {classes} FROM ", 1)


def _checked(table: Any, names: tuple[str, ...]) -> Any:
    """``table`` without its classes column, after checking that each field holds one storage class
    (other than BLOB) in every row where it is set."""
    import numpy as np

    seen = int(np.bitwise_or.reduce(table.column(table.num_columns - 1).to_numpy(), initial=0))
    for i, name in enumerate(names):
        bits = (seen >> (4 * i)) & 0xF
        if bits & CLASS_BITS["blob"] or bits & (bits - 1):
            raise ValueError(f"field {name} mixes SQLite storage classes (bits {bits:04b}): read it as rows")
    return table.remove_column(table.num_columns - 1)


def _values(column: Any, name: str) -> list[Any]:
    """One Arrow column (one storage class, by ``_checked``) as Python values with the store's
    conversions (``stores.embedded_columns.converters``)."""
    import numpy as np
    import pyarrow as pa

    from stores.embedded_columns import BOOLEAN_FIELDS, LIST_FIELDS

    column = column.combine_chunks()
    if column.null_count == len(column):
        return [None] * len(column)
    if pa.types.is_string(column.type):
        encoded = column.dictionary_encode()  # each distinct text made a str (a list field: decoded) once
        table = encoded.dictionary.to_pylist()
        if name in LIST_FIELDS:
            table = [tuple(found) if isinstance(found := json.loads(text), list) else found for text in table]
        lookup = np.array([*table, None], dtype=object)  # code -1 (null) picks the last entry
        return list(lookup[encoded.indices.fill_null(-1).to_numpy()].tolist())
    values = column.fill_null(0).to_numpy().astype(object)
    if column.null_count:
        values[~column.is_valid().to_numpy(zero_copy_only=False)] = None
    result = list(values.tolist())
    if name in BOOLEAN_FIELDS:
        result = [None if value is None else bool(value) for value in result]
    return result


def _typed(columns: tuple[list[Any], list[Any]]) -> list[list[tuple[str, Any]]]:
    """Every value with its type's name (``1 == 1.0 == True`` in Python; here they differ)."""
    return [[(type(value).__name__, value) for value in column] for part in columns for column in part]


if __name__ == "__main__":
    main()

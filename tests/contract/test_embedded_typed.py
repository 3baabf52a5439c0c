"""The embedded store's typed columns: equal to the JSON properties after every write and upsert, built
for files of earlier versions (also WITHOUT ROWID tables), and read instead of the JSON with the
same answer."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from graph_schema import Enterprise, Produces, Supplies
from stores.base import GraphStore, WriteBatch
from stores.embedded import SQLITE_SCHEMA, EmbeddedStore
from stores.embedded_columns import read_analysis_columns
from stores.embedded_typed import COVERING_INDEXES, NODE_FIELDS, REL_FIELDS, column_name, has_typed_columns
from tests.contract.sample import LEAD_CODE, sample_batch
from tests.contract.test_analysis_columns import CHAINS, normalised, observed_batch

JSON_ARRAYS = {"tags", "seen"}


def typed_equal_json(path: Path) -> None:
    """Every typed column holds what ``json_extract`` finds in the properties (NULL off its label / type)."""
    db = sqlite3.connect(path)
    for table, fields, where in (("nodes", NODE_FIELDS, "label = 'Enterprise'"), ("rels", REL_FIELDS, "type = 'SUPPLIES'")):
        for field in fields:
            rows = db.execute(f"SELECT {column_name(field)}, json_extract(props, '$.{field}'), {where} FROM {table}").fetchall()
            assert rows and all(typed == (value if inside else None) for typed, value, inside in rows), (table, field)
    db.close()


def test_typed_columns_follow_writes_and_upserts(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store.sqlite")
    store.ensure_schema()
    store.write(sample_batch())
    store.write(observed_batch())
    store.write(observed_batch())  # the same year again: seen unchanged
    store.write(WriteBatch(  # an upsert: revenue and local (a default) replaced, province kept; a new year of observations
        nodes=[Enterprise(id="ent:cathode", name="南昌正极材料有限公司", revenue_yi=30.0, seen=["2023-12-31"], listing="名单")],
        relationships=[Supplies(src="ent:cathode", dst=LEAD_CODE, product="product:cathode", share=0.7, seen=["2023-12-31"])],
    ))
    typed_equal_json(tmp_path / "store.sqlite")
    db = sqlite3.connect(tmp_path / "store.sqlite")
    assert db.execute("SELECT p_revenue_yi, p_local, json(p_seen) FROM nodes WHERE id = 'ent:cathode'").fetchone() == \
        (30.0, 0, json.dumps(["2021-12-31", "2022-12-31", "2023-12-31"], separators=(",", ":")))
    assert db.execute("SELECT p_share, p_amount_wan FROM rels WHERE type = 'SUPPLIES' AND src = 'ent:cathode'").fetchone() == (0.7, 3000.0)
    db.close()
    store.close()


def old_file(path: Path, *, without_rowid: bool = False) -> None:
    """A store file as earlier versions left it: the tables without typed columns, holding data."""
    schema = SQLITE_SCHEMA
    if without_rowid:
        schema = schema.replace("props  TEXT NOT NULL\n);", "props  TEXT NOT NULL\n) WITHOUT ROWID;") \
                       .replace("PRIMARY KEY (type, src, dst, key)\n);", "PRIMARY KEY (type, src, dst, key)\n) WITHOUT ROWID;")
    db = sqlite3.connect(path)
    db.executescript(schema)
    db.close()
    reference = EmbeddedStore(path.with_name("reference.sqlite"))
    reference.ensure_schema()
    reference.write(sample_batch())
    reference.write(observed_batch())
    reference.close()
    db = sqlite3.connect(path)
    db.execute("ATTACH ? AS ref", (str(path.with_name("reference.sqlite")),))
    db.execute("INSERT INTO nodes(id, label, name, search, code, props) SELECT id, label, name, search, code, props FROM ref.nodes")
    db.execute("INSERT INTO rels(type, src, dst, key, props) SELECT type, src, dst, key, props FROM ref.rels")
    db.commit()
    db.close()


def test_a_file_of_an_earlier_version_gains_the_typed_columns(tmp_path: Path) -> None:
    for without_rowid in (False, True):
        path = tmp_path / f"old-{without_rowid}.sqlite"
        old_file(path, without_rowid=without_rowid)
        db = sqlite3.connect(path, isolation_level=None)
        assert not has_typed_columns(db)
        before = [normalised(read_analysis_columns(db, chain)) for chain in CHAINS]  # read from the JSON
        db.close()
        store = EmbeddedStore(path)
        store.ensure_schema()
        assert [normalised(store.analysis_columns(chain)) for chain in CHAINS] == before  # from the typed columns
        assert [normalised(GraphStore.analysis_columns(store, chain)) for chain in CHAINS] == before
        assert store.counts()["SUPPLIES"] == 4 and [n["id"] for n in store.search("南储")] == [LEAD_CODE]
        store.ensure_schema()  # nothing more to do
        store.write(WriteBatch(nodes=[Enterprise(id="ent:new", name="新企业", local=True, revenue_yi=1.5)]))
        store.close()
        typed_equal_json(path)
        db = sqlite3.connect(path)
        assert {row[1] for row in db.execute("PRAGMA index_list(rels)")} >= {"rels_src", "rels_dst"}
        assert {row[1] for row in db.execute("PRAGMA index_list(nodes)")} >= {"nodes_label"}
        db.close()


def test_covering_indexes_read_what_the_tables_hold(tmp_path: Path) -> None:
    """The enterprises and SUPPLIES links read through their covering indexes are those of the tables,
    a pending import's rows hidden; without the indexes (a bulk load drops them) the same."""
    path = tmp_path / "store.sqlite"
    store = EmbeddedStore(path)
    store.ensure_schema()
    store.write(sample_batch())
    store.write(observed_batch())
    db = sqlite3.connect(path)
    assert {row[1] for row in db.execute("PRAGMA index_list(rels)")} >= {"rels_supplies_columns"}
    assert {row[1] for row in db.execute("PRAGMA index_list(nodes)")} >= {"nodes_enterprise_columns"}
    db.close()
    read = [normalised(store.analysis_columns(chain)) for chain in CHAINS]
    assert read == [normalised(GraphStore.analysis_columns(store, chain)) for chain in CHAINS]
    number = store.begin_import("测试", "test", is_live=lambda record: True)
    store.write(WriteBatch(
        nodes=[Enterprise(id="ent:pending", name="待发布企业", local=True, revenue_yi=2.0)],
        relationships=[Produces(src="ent:pending", dst="product:cathode"),
                       Supplies(src="ent:pending", dst=LEAD_CODE, product="product:cathode", share=0.1)],
    ), pending=number)
    assert [normalised(store.analysis_columns(chain)) for chain in CHAINS] == read
    store.rollback_import(number)
    db = sqlite3.connect(path)
    for name in COVERING_INDEXES:
        db.execute(f"DROP INDEX {name}")
    db.commit()
    db.close()
    assert [normalised(store.analysis_columns(chain)) for chain in CHAINS] == read
    store.close()

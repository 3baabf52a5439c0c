"""The embedded store's bulk load: relationship lookup indexes dropped for large loads, rebuilt after."""

from __future__ import annotations

from stores.embedded import BULK_MIN_ITEMS, SQLITE_DEFERRABLE_INDEXES, SQLITE_SCHEMA, EmbeddedStore
from tests.contract.sample import sample_batch


def indexes(store: EmbeddedStore) -> set[str]:
    return {row[0] for row in store._db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_deferrable_indexes_are_part_of_the_schema() -> None:
    for statement in SQLITE_DEFERRABLE_INDEXES.values():
        assert statement in SQLITE_SCHEMA


def test_large_load_defers_the_relationship_indexes_and_rebuilds_them(tmp_path) -> None:
    store = EmbeddedStore(tmp_path / "s.sqlite")
    store.ensure_schema()
    assert set(SQLITE_DEFERRABLE_INDEXES) <= indexes(store)
    with store.bulk_load(expected_items=BULK_MIN_ITEMS):
        assert not set(SQLITE_DEFERRABLE_INDEXES) & indexes(store)
        store.write(sample_batch())
        with store.bulk_load(expected_items=BULK_MIN_ITEMS):  # nested: the outer one rebuilds
            pass
        assert not set(SQLITE_DEFERRABLE_INDEXES) & indexes(store)
    assert set(SQLITE_DEFERRABLE_INDEXES) <= indexes(store)
    plan = " ".join(row[3] for row in store._db.execute("EXPLAIN QUERY PLAN SELECT * FROM rels WHERE dst = 'x'"))
    assert "rels_dst" in plan


def test_small_load_keeps_the_indexes(tmp_path) -> None:
    store = EmbeddedStore(tmp_path / "s.sqlite")
    store.ensure_schema()
    with store.bulk_load(expected_items=BULK_MIN_ITEMS - 1):
        assert set(SQLITE_DEFERRABLE_INDEXES) <= indexes(store)


def test_interrupted_bulk_load_is_repaired_by_ensure_schema(tmp_path) -> None:
    path = tmp_path / "s.sqlite"
    store = EmbeddedStore(path)
    store.ensure_schema()
    for name in SQLITE_DEFERRABLE_INDEXES:  # as a process killed inside bulk_load leaves it
        store._db.execute(f"DROP INDEX {name}")
    store.close()
    reopened = EmbeddedStore(path)
    reopened.ensure_schema()
    assert set(SQLITE_DEFERRABLE_INDEXES) <= indexes(reopened)

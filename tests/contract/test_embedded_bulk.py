"""The embedded store's bulk load: relationship lookup indexes dropped for large loads, rebuilt after."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from stores.embedded import BULK_CACHE_KIB, BULK_MIN_ITEMS, DEFAULT_CACHE_SIZE, LEAN_BULK_CACHE_KIB, SQLITE_DEFERRABLE_INDEXES, SQLITE_SCHEMA, EmbeddedStore
from tests.contract.sample import sample_batch


def read_file(path: str | Path, sql: str) -> list[tuple]:
    """``sql`` on a store's file through a connection of the test's own."""
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql).fetchall()


def indexes(store: EmbeddedStore | Path) -> set[str]:
    path = store.path if isinstance(store, EmbeddedStore) else store
    return {row[0] for row in read_file(path, "SELECT name FROM sqlite_master WHERE type = 'index'")}


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
    plan = " ".join(row[3] for row in read_file(store.path, "EXPLAIN QUERY PLAN SELECT * FROM rels WHERE dst = 'x'"))
    assert "rels_dst" in plan


def test_a_lean_load_keeps_a_smaller_page_cache(tmp_path) -> None:
    """A file import's bulk load (``lean``) gets a page cache of ``LEAN_BULK_CACHE_KIB``, the demo's
    ``BULK_CACHE_KIB``; either is the default again afterwards, and a nested load changes nothing."""
    store = EmbeddedStore(tmp_path / "s.sqlite")
    store.ensure_schema()

    def cache() -> int:
        return int(store._db.execute("PRAGMA cache_size").fetchone()[0])

    assert LEAN_BULK_CACHE_KIB < BULK_CACHE_KIB
    for lean, size in ((True, LEAN_BULK_CACHE_KIB), (False, BULK_CACHE_KIB)):
        with store.bulk_load(expected_items=BULK_MIN_ITEMS, lean=lean):
            assert cache() == -size
            with store.bulk_load(expected_items=BULK_MIN_ITEMS, lean=not lean):
                assert cache() == -size
        assert cache() == DEFAULT_CACHE_SIZE


def test_small_load_keeps_the_indexes(tmp_path) -> None:
    store = EmbeddedStore(tmp_path / "s.sqlite")
    store.ensure_schema()
    with store.bulk_load(expected_items=BULK_MIN_ITEMS - 1):
        assert set(SQLITE_DEFERRABLE_INDEXES) <= indexes(store)


def test_interrupted_bulk_load_is_repaired_by_ensure_schema(tmp_path) -> None:
    path = tmp_path / "s.sqlite"
    store = EmbeddedStore(path)
    store.ensure_schema()
    store.close()
    with closing(sqlite3.connect(path)) as db:  # as a process killed inside bulk_load leaves it
        for name in SQLITE_DEFERRABLE_INDEXES:
            db.execute(f"DROP INDEX {name}")
    assert not set(SQLITE_DEFERRABLE_INDEXES) & indexes(path)
    reopened = EmbeddedStore(path)
    reopened.ensure_schema()
    assert set(SQLITE_DEFERRABLE_INDEXES) <= indexes(reopened)

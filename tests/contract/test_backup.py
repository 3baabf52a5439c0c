"""Backup and restore round-trip the demo with an identical content digest, in both stores, and
refuse what they must: another schema version, a non-empty store without ``replace``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from graph_schema import version
from loaders.demo import load_demo
from stores.backup import BackupError, backup, content_digest, read_info, restore
from stores.base import GraphStore
from stores.embedded import EmbeddedStore
from tests.contract.sample import sample_batch

DEMO_SCALE = 3000


@pytest.fixture(scope="module")
def demo_backup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The 3000-enterprise demo in an embedded store, backed up once: (file, digest)."""
    folder = tmp_path_factory.mktemp("demo")
    store = EmbeddedStore(folder / "demo.sqlite")
    store.ensure_schema()
    load_demo(store, DEMO_SCALE)
    path = folder / "demo.backup"
    info = backup(store, path)
    assert info.digest == content_digest(store)
    assert info.nodes > DEMO_SCALE and info.relationships > DEMO_SCALE
    store.close()
    return path, info.digest


def test_demo_round_trips_with_identical_digest(store: GraphStore, demo_backup: tuple[Path, str], tmp_path: Path) -> None:
    path, digest = demo_backup
    restore(store, path)
    assert content_digest(store) == digest
    again = backup(store, tmp_path / "again.backup")  # and back out of this store: the same content
    assert again.digest == digest
    assert read_info(tmp_path / "again.backup").source == ("embedded" if isinstance(store, EmbeddedStore) else "neo4j")
    other = EmbeddedStore(tmp_path / "other.sqlite")  # a backup of either store restores into the embedded one
    other.ensure_schema()
    restore(other, tmp_path / "again.backup")
    assert content_digest(other) == digest
    other.close()


def test_non_empty_store_needs_replace(store: GraphStore, demo_backup: tuple[Path, str]) -> None:
    store.write(sample_batch())
    before = content_digest(store)
    with pytest.raises(BackupError, match="--replace"):
        restore(store, demo_backup[0])
    assert content_digest(store) == before
    restore(store, demo_backup[0], replace=True)
    assert content_digest(store) == demo_backup[1]


def test_other_schema_version_is_refused(store: GraphStore, demo_backup: tuple[Path, str], tmp_path: Path) -> None:
    other = tmp_path / "other.backup"
    other.write_bytes(demo_backup[0].read_bytes())
    with sqlite3.connect(other) as db:
        db.execute("UPDATE backup_meta SET value = ? WHERE key = 'schema_version'", (str(version.SCHEMA_VERSION + 1),))
    with pytest.raises(BackupError, match="数据结构版本"):
        restore(store, other)
    assert sum(store.counts().values()) == 0


def test_tampered_file_is_refused(store: GraphStore, demo_backup: tuple[Path, str], tmp_path: Path) -> None:
    tampered = tmp_path / "tampered.backup"
    tampered.write_bytes(demo_backup[0].read_bytes())
    with sqlite3.connect(tampered) as db:
        db.execute("DELETE FROM rels WHERE rowid IN (SELECT rowid FROM rels LIMIT 1)")
    with pytest.raises(BackupError, match="校验值"):
        restore(store, tampered)
    assert sum(store.counts().values()) == 0


def test_backup_is_consistent_while_the_store_is_open(tmp_path: Path) -> None:
    """The online backup of an embedded store in use: the copy equals the store at that moment."""
    store = EmbeddedStore(tmp_path / "live.sqlite")
    store.ensure_schema()
    store.write(sample_batch())
    info = backup(store, tmp_path / "live.backup")
    store.write(sample_batch())  # the store goes on working
    assert info.digest == content_digest(store)
    store.close()


def test_streamed_digest_equals_the_generic_one(tmp_path: Path) -> None:
    """The embedded store's streamed digest and the in-memory one (Neo4j's) agree on the same content."""
    from stores.backup import _digest

    store = EmbeddedStore(tmp_path / "s.sqlite")
    store.ensure_schema()
    store.write(sample_batch())
    assert content_digest(store) == _digest(store._all_nodes(), store._all_relationships())
    store.close()

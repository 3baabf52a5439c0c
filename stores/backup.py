"""Backup and restore of either store into one portable file, and a content digest to check both.

The backup file is an embedded store file (SQLite: tables ``nodes``, ``rels``, ``meta``) with one
table more, ``backup_meta``, recording the schema version, the source store, the time, the counts
and the content digest. So:

* the embedded store is copied with SQLite's online backup API (a consistent snapshot while the
  server keeps running), then the metadata is added to the copy;
* a Neo4j store is read through the driver (nodes page by page, relationships type by type) and
  written into a new embedded file through the validated batch write path (a *logical* backup:
  ``neo4j-admin database dump`` is not shipped with the embedded launcher);
* restore refuses a file of another schema version, refuses a non-empty store unless ``replace``,
  and is all or nothing: the embedded store gets the whole file in one backup-API step (after the
  copy's digest was checked), Neo4j gets everything in one write transaction.

The digest is SHA-256 over every node (sorted by id) and every relationship (sorted by type, ends,
key) as canonical JSON: equal digests mean equal content, whichever store holds it.

>>> from stores.embedded import EmbeddedStore
>>> store = EmbeddedStore(":memory:"); store.ensure_schema()
>>> content_digest(store)[:12]
'e3b0c44298fc'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph_schema import version
from graph_schema.errors import ChainAtlasError
from graph_schema.models import NODE_MODELS, RELATIONSHIP_MODELS, Node, Relationship
from graph_schema.registry import NODE_LABELS
from stores.base import GraphStore, NodeRecord, RelationshipRecord, WriteBatch, batched
from stores.embedded import EmbeddedStore

PAGE = 10_000
"""Nodes read from Neo4j per page, and items written to the backup file per batch."""
FORMAT = "chainatlas-backup/1"


class BackupError(ChainAtlasError):
    """A backup file that cannot be restored here (its message is Chinese, for the user)."""


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file says about itself."""

    schema_version: int
    source: str
    created: str
    digest: str
    nodes: int
    relationships: int


def content_digest(store: GraphStore) -> str:
    """SHA-256 (hex) over every node and relationship of ``store`` in canonical order.

    The embedded store streams its rows in that order from SQLite (UTF-8 byte order is code point
    order, as Python sorts), so its digest never holds the whole graph in memory."""
    if isinstance(store, EmbeddedStore):
        return _streamed_digest(store)
    return _digest(store._all_nodes(), store._all_relationships())


def _streamed_digest(store: EmbeddedStore) -> str:
    sha = hashlib.sha256()
    with store._consistent_reads() as visible:  # one snapshot for both tables, without pending imports
        reader = store._db.cursor()
        for label, props in reader.execute(f"SELECT label, props FROM nodes WHERE {visible} ORDER BY id"):
            sha.update(_canonical({"label": label, **json.loads(props)}))
        for rel_type, src, dst, key, props in reader.execute(
                f"SELECT type, src, dst, key, props FROM rels WHERE {visible} ORDER BY type, src, dst, key"):
            sha.update(_canonical({"type": rel_type, "src": src, "dst": dst, "key": key, **json.loads(props)}))
    return sha.hexdigest()


def _digest(nodes: list[NodeRecord], rels: list[RelationshipRecord]) -> str:
    sha = hashlib.sha256()
    for node in sorted(nodes, key=lambda record: record["id"]):
        sha.update(_canonical(node))
    for rel in sorted(rels, key=lambda record: (record["type"], record["src"], record["dst"], record["key"])):
        sha.update(_canonical(rel))
    return sha.hexdigest()


def _canonical(record: dict[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _size(store: GraphStore) -> int:
    return sum(store.counts().values())


# -- backup --------------------------------------------------------------------------------------


def backup(store: GraphStore, path: str | Path) -> BackupInfo:
    """Write the whole of ``store`` into a new backup file at ``path`` (replaced if it exists)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    temporary.unlink(missing_ok=True)
    if isinstance(store, EmbeddedStore):
        with store._lock, closing(_connect(temporary)) as target:  # the lock: no write of this process half-copied
            store._db.backup(target)
        source = "embedded"
    else:
        _logical_copy(store, temporary)
        source = "neo4j"
    copy = EmbeddedStore(temporary)
    try:
        copy.ensure_schema()
        for record in copy.imports("pending"):  # an import under way is not part of the content
            copy.rollback_import(record.number)
        held = copy.counts()
        info = BackupInfo(version.SCHEMA_VERSION, source, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                          content_digest(copy), sum(held[label] for label in NODE_LABELS),
                          sum(count for name, count in held.items() if name not in NODE_LABELS))
        copy._db.execute("CREATE TABLE backup_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        copy._db.executemany("INSERT INTO backup_meta(key, value) VALUES (?, ?)",
                             [("format", FORMAT), *((name, str(value)) for name, value in info.__dict__.items())])
        copy._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        copy._db.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
    os.replace(temporary, path)
    return info


def _logical_copy(store: GraphStore, path: Path) -> None:
    """Every node (page by page) and relationship of ``store`` into a new embedded store at ``path``."""
    target = EmbeddedStore(path)
    try:
        target.ensure_schema()
        with target.bulk_load(_size(store)):
            for batch in batched(_items(store), PAGE):
                target.write(batch)
    finally:
        target.close()


def _items(store: GraphStore) -> Iterator[Node | Relationship]:
    for label in NODE_LABELS:
        offset = 0
        while page := store.list_nodes(label, limit=PAGE, offset=offset):
            yield from (_node_model(record) for record in page)
            offset += len(page)
    yield from (_rel_model(record) for record in store._all_relationships())


def _node_model(record: NodeRecord) -> Node:
    fields = {name: value for name, value in record.items() if name != "label"}
    return NODE_MODELS[record["label"]].model_validate(fields)


def _rel_model(record: RelationshipRecord) -> Relationship:
    fields = {name: value for name, value in record.items() if name not in ("type", "key")}
    return RELATIONSHIP_MODELS[record["type"]].model_validate(fields)


# -- restore -------------------------------------------------------------------------------------


def read_info(path: str | Path) -> BackupInfo:
    """The metadata of the backup file at ``path``; BackupError when it is not one."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件：{path}")
    try:
        with closing(_connect(path, read_only=True)) as db:
            meta = dict(db.execute("SELECT key, value FROM backup_meta").fetchall())
    except sqlite3.Error as exc:
        raise BackupError(f"{path.name} 不是 ChainAtlas 备份文件（{exc}）") from None
    if meta.get("format") != FORMAT:
        raise BackupError(f"{path.name} 不是 ChainAtlas 备份文件（格式：{meta.get('format')}）")
    return BackupInfo(int(meta["schema_version"]), meta["source"], meta["created"], meta["digest"],
                      int(meta["nodes"]), int(meta["relationships"]))


def restore(store: GraphStore, path: str | Path, *, replace: bool = False) -> BackupInfo:
    """Put the content of the backup file at ``path`` into ``store``, all or nothing.

    Refuses (BackupError, nothing changed) a file of another schema version, a file whose content
    does not match its digest, and a non-empty store unless ``replace``. After the restore the
    store's digest is checked against the file's.
    """
    info = read_info(path)
    if info.schema_version != version.SCHEMA_VERSION:
        raise BackupError(f"备份文件的数据结构版本是 {info.schema_version}，本程序的是 {version.SCHEMA_VERSION}："
                          "不能恢复（请用生成该备份的版本恢复，或先升级数据）。未做任何改动。")
    if not replace and _size(store):
        raise BackupError("数据存储不是空的：恢复会替换其中的全部数据。确认替换请加 --replace。未做任何改动。")
    with tempfile.TemporaryDirectory(prefix="chainatlas-restore-") as folder:
        copy_path = Path(folder) / "restore.sqlite"
        with closing(_connect(Path(path), read_only=True)) as source, closing(_connect(copy_path)) as target:
            source.backup(target)
            target.execute("DROP TABLE backup_meta")
        copy = EmbeddedStore(copy_path)
        try:
            copy.ensure_schema()
            if content_digest(copy) != info.digest:
                raise BackupError(f"备份文件 {Path(path).name} 的内容与其校验值不符（文件损坏或被改动）。未做任何改动。")
            if isinstance(store, EmbeddedStore):
                _swap_embedded(store, copy)
            else:
                _replace_through_writes(store, copy)
        finally:
            copy.close()
    restored = content_digest(store)
    if restored != info.digest:
        raise BackupError(f"恢复后的内容校验值 {restored[:12]}… 与备份的 {info.digest[:12]}… 不符。")
    return info


def _swap_embedded(store: EmbeddedStore, copy: EmbeddedStore) -> None:
    """Copy ``copy`` over ``store`` in one backup-API step, keeping the revision counter rising
    (so cached answers of the old content are never served for the new)."""
    with store._lock:
        revision = store.revision()
        copy._db.execute("UPDATE meta SET value = ? WHERE key = 'revision'", (revision + 1,))
        copy._db.backup(store._db)


def _replace_through_writes(store: GraphStore, copy: EmbeddedStore) -> None:
    """Neo4j: delete everything and write the copy's content, in one transaction."""
    batch = WriteBatch()
    batch.extend(_node_model(record) for record in copy._all_nodes())
    batch.extend(_rel_model(record) for record in copy._all_relationships())
    replace_all = getattr(store, "replace_all", None)
    if replace_all is None:
        raise BackupError(f"{store!r} 不支持恢复")
    replace_all(batch)


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    return sqlite3.connect(path)

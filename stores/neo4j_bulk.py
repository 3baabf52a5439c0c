"""The bulk initial load of an EMPTY Neo4j database: validated batches → CSV → ``neo4j-admin database
import full`` (offline) → the server started again → constraints and indexes.

Only for the server of ``scripts/neo4j.sh`` on this machine (the loader must stop it, import into its
state folder and start it again) and only while its database holds no node: every later import goes
through the driver, one transaction per batch (``Neo4jStore.write``). The content is what the driver
path would store, property for property (``stores.neo4j_csv``; a test compares the content digests
of both paths).

Use (``chainatlas import … --bulk`` and ``chainatlas demo --bulk`` do this)::

    with initial_load(store, "bolt://127.0.0.1:7687") as load:   # BulkLoadRefused unless empty and ours
        import_files(load.store, files)                         # validated batches go into CSV files
        load.finish()                                           # stop, import, start, schema

A load that is refused or fails writes nothing: a missing relationship end is found before the server
is stopped, and when the importer fails the database it had set aside is put back.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from graph_schema.errors import ChainAtlasError, StoreError
from stores import cypher
from stores.base import Direction, GraphStore, ImportRecord, NodeRecord, RelationshipRecord, RollbackCounts, WriteBatch, batched
from stores.neo4j_csv import ImportFiles
from stores.neo4j_store import Neo4jStore

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "neo4j.sh"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
INDEX_WAIT_SECONDS = 3600
NO_BULK = "请去掉 --bulk：增量导入通过驱动逐批写入（每批一个事务，被拒绝的批次不写入任何数据）。"


class BulkLoadRefused(ChainAtlasError):
    """The bulk load cannot run here; nothing was changed (the message is Chinese, for the user)."""


@dataclass(frozen=True)
class Launcher:
    """The ``scripts/neo4j.sh`` server answering on one port: its state folder holds the database."""

    state_dir: Path
    port: int

    @classmethod
    def serving(cls, uri: str, state_dir: str | Path | None = None) -> Launcher:
        """The launcher serving ``uri``: its state folder is ``state_dir``, else ``CHAINATLAS_NEO4J_HOME``,
        else the checkout's ``.neo4j-state`` (as in ``scripts/neo4j.sh``). BulkLoadRefused when the
        server at ``uri`` is not that launcher's (another machine, another folder, not running).

        >>> Launcher.serving("bolt://db.example:7687")
        Traceback (most recent call last):
        stores.neo4j_bulk.BulkLoadRefused: 批量导入（--bulk）只能用于本机由 scripts/neo4j.sh 启动的 Neo4j；bolt://db.example:7687 不在本机。请去掉 --bulk：增量导入通过驱动逐批写入（每批一个事务，被拒绝的批次不写入任何数据）。
        """
        address = urlsplit(uri)
        if address.hostname not in LOOPBACK:
            raise BulkLoadRefused(f"批量导入（--bulk）只能用于本机由 scripts/neo4j.sh 启动的 Neo4j；{uri} 不在本机。{NO_BULK}")
        port = address.port or 7687
        folder = Path(state_dir or os.environ.get("CHAINATLAS_NEO4J_HOME") or REPO / ".neo4j-state").resolve()
        if not _launcher_runs(folder, port):
            raise BulkLoadRefused(
                f"批量导入（--bulk）只能用于本机由 scripts/neo4j.sh 启动的 Neo4j：状态目录 {folder} 中没有在端口 {port} 上运行的服务器。"
                f"请把 CHAINATLAS_NEO4J_HOME 设为启动它时的目录，或{NO_BULK[1:]}")
        return cls(folder, port)

    def import_full(self, arguments: Sequence[str], folder: Path) -> dict[str, float]:
        """``scripts/neo4j.sh import-full``: stop, import, start again; the seconds of each (``stop``,
        ``neo4j-admin``, ``start``); StoreError (the database put back as it was, the server running)
        when the importer fails."""
        if not any(argument.startswith("--report-file=") for argument in arguments):  # not into the working folder
            arguments = [*arguments, f"--report-file={folder / 'import.report'}"]
        args_file = folder / "import.args"
        args_file.write_text("".join(f"{argument}\n" for argument in arguments), encoding="utf-8")
        log = folder / "import.log"
        env = {**os.environ, "CHAINATLAS_NEO4J_HOME": str(self.state_dir), "NEO4J_BOLT_PORT": str(self.port)}
        with log.open("w", encoding="utf-8") as output:
            done = subprocess.run(["bash", str(SCRIPT), "import-full", str(args_file)], env=env, stdout=output,
                                  stderr=subprocess.STDOUT, check=False)
        if done.returncode:
            tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:])
            raise StoreError(f"neo4j-admin database import full 失败，数据库已恢复为导入前的状态，未写入任何数据：\n{tail}")
        words = next((line.split()[2:] for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
                      if line.startswith("import-full seconds:")), [])
        return {name: float(seconds) for name, seconds in zip(words[::2], words[1::2], strict=True)}


def _launcher_runs(state_dir: Path, port: int) -> bool:
    """Whether the pid file of ``state_dir`` names a live ``chainatlas.EmbeddedNeo4j`` of that folder and port."""
    try:
        pid = int((state_dir / "neo4j.pid").read_text().strip())
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError):
        return False
    wanted = {b"chainatlas.EmbeddedNeo4j", f"--home={state_dir}".encode(), f"--port={port}".encode()}
    return wanted <= set(arguments)


def refuse_unless_empty(store: Neo4jStore) -> None:
    """BulkLoadRefused (in Chinese) when the database holds any node of the schema."""
    held = sum(store.counts().values())
    if held:
        raise BulkLoadRefused(
            f"Neo4j 数据库中已有 {held:,} 个节点和关系：批量导入（--bulk）只用于空数据库的首次导入，未做任何改动。"
            f"{NO_BULK}若要从头重新载入，先清空数据库（scripts/neo4j.sh reset）。")


@dataclass
class BulkLoadSummary:
    """What a finished bulk load did: items imported from the files, items written after through the
    driver (repeats), and the seconds of each step: ``csv`` (inside ``write`` and closing the files),
    ``stop``, ``neo4j-admin``, ``start`` (whole seconds, from ``scripts/neo4j.sh``), ``schema`` (indexes online), ``repeats``, and ``total`` (``csv`` and all of ``finish``: the time
    the loaders spent making the batches is not in it)."""

    imported: int = 0
    repeats: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


class InitialLoad:
    """One bulk initial load: ``store`` takes the batches (into CSV files), ``finish`` imports them."""

    def __init__(self, target: Neo4jStore, launcher: Launcher, folder: Path) -> None:
        self.target = target
        self.launcher = launcher
        self.folder = folder
        self.files = ImportFiles(folder)
        self.store: GraphStore = PendingLoad(target, self.files)
        self.finished = False

    def finish(self) -> BulkLoadSummary:
        """Import the batches taken: stop the server, ``neo4j-admin database import full`` (the
        launcher's, which keeps empty lists), start it, create the schema and wait for its indexes,
        write the repeats through the driver, raise the revision counter. Nothing taken: nothing done."""
        if self.finished:
            raise StoreError("this bulk load is already finished")
        self.finished = True
        summary = BulkLoadSummary(imported=self.files.items, repeats=len(self.files.repeats))
        steps = summary.seconds
        mark = began = time.perf_counter()
        arguments = self.files.close()
        steps["csv"] = self.files.seconds + time.perf_counter() - mark
        if not self.files.items:
            return summary
        refuse_unless_empty(self.target)  # again: nobody wrote while the files were made
        revision = self.target.revision()
        steps.update(self.launcher.import_full(arguments, self.folder))
        mark = time.perf_counter()
        with self.target.session() as session:  # a session of its own: no bookmark of the database replaced
            # the indexes first: they are populated in the background while each constraint is built
            for statement in sorted(cypher.schema_statements(), key=lambda text: "CONSTRAINT" in text):
                session.run(statement).consume()
            session.run("CALL db.awaitIndexes($seconds)", seconds=INDEX_WAIT_SECONDS).consume()
            mark = _lap(steps, "schema", mark)
            session.run(cypher.SET_REVISION, value=revision + 1).consume()  # above the empty store's: no stale cache
            bookmarks = session.last_bookmarks().raw_values
        # the driver's own queries wait for the bookmarks they saw, which name transactions of the
        # database set aside: from now on they wait for this load's last one instead
        manager = self.target._driver.execute_query_bookmark_manager
        manager.update_bookmarks(manager.get_bookmarks(), bookmarks)
        for batch in batched(self.files.repeats, 20000):  # merged by the driver path itself
            self.target.write(batch)
        _lap(steps, "repeats", mark)
        steps["total"] = self.files.seconds + time.perf_counter() - began
        return summary


def _lap(steps: dict[str, float], name: str, since: float) -> float:
    now = time.perf_counter()
    steps[name] = now - since
    return now


@contextmanager
def initial_load(store: GraphStore, uri: str, *, state_dir: str | Path | None = None) -> Iterator[InitialLoad]:
    """A bulk initial load into the Neo4j ``store`` at ``uri``; BulkLoadRefused (nothing changed)
    unless it is a Neo4j store served by ``scripts/neo4j.sh`` here and holds no node. The CSV files
    live in a temporary folder, removed afterwards."""
    if not isinstance(store, Neo4jStore):
        raise BulkLoadRefused("批量导入（--bulk）只用于 Neo4j 数据存储（CHAINATLAS_STORE=neo4j）；嵌入式存储请去掉 --bulk，其导入本就是批量写入。")
    launcher = Launcher.serving(uri, state_dir)
    refuse_unless_empty(store)
    with tempfile.TemporaryDirectory(prefix="chainatlas-bulk-") as folder:
        load = InitialLoad(store, launcher, Path(folder))
        try:
            yield load
        finally:
            if not load.finished:
                load.files.discard()


class PendingLoad(GraphStore):
    """The store a bulk load hands to the loaders: ``write`` puts batches into the CSV files; reads go
    to the (empty) database until the first write and are refused after it (they could not see the
    batches taken)."""

    def __init__(self, target: Neo4jStore, files: ImportFiles) -> None:
        self._target = target
        self._files = files

    def __repr__(self) -> str:
        return f"PendingLoad({self._target!r})"

    def _readable(self) -> Neo4jStore:
        if self._files.items:
            raise StoreError("a bulk load in progress cannot be read: its batches are not in the database yet")
        return self._target

    def ensure_schema(self) -> None:
        """The schema is created after the import."""

    def write(self, batch: WriteBatch, *, pending: int | None = None) -> None:
        """Into the CSV files; ``pending`` is ignored: nothing reaches the database before ``finish``."""
        started = time.perf_counter()
        self._files.add(batch)
        self._files.seconds += time.perf_counter() - started

    def bulk_load(self, expected_items: int, *, lean: bool = False) -> AbstractContextManager[None]:
        return nullcontext()

    # A bulk load is one import by nature: nothing is in the database until ``InitialLoad.finish``
    # runs the offline import, so there is nothing to hide from readers or to roll back in it.
    def begin_import(self, description: str, owner: str, *, is_live: Callable[[ImportRecord], bool]) -> int:
        return 1

    def publish_import(self, number: int) -> None:
        """Published by ``InitialLoad.finish`` (the offline import), not here."""

    def rollback_import(self, number: int) -> RollbackCounts:
        """Nothing reached the database; the CSV files go with the load's temporary folder."""
        return RollbackCounts()

    def imports(self, state: str | None = "pending") -> list[ImportRecord]:
        return []

    def delete_nodes(self, ids: Sequence[str]) -> int:
        raise StoreError("a bulk load only adds: delete after it has finished")

    def clear(self) -> None:
        raise StoreError("a bulk load only adds: clear after it has finished")

    def revision(self) -> int:
        return self._target.revision()

    def get_node(self, node_id: str) -> NodeRecord | None:
        return self._readable().get_node(node_id)

    def list_nodes(self, label: str, *, limit: int | None = None, offset: int = 0) -> list[NodeRecord]:
        return self._readable().list_nodes(label, limit=limit, offset=offset)

    def search(self, text: str, *, labels: Sequence[str] | None = None, limit: int = 20) -> list[NodeRecord]:
        return self._readable().search(text, labels=labels, limit=limit)

    def counts(self) -> dict[str, int]:
        return self._readable().counts()

    def close(self) -> None:
        """The target store is closed by its owner."""

    def _nodes_by_id(self, ids: Collection[str]) -> list[NodeRecord]:
        return self._readable()._nodes_by_id(ids)

    def _incident(self, ids: Collection[str], rel_types: Sequence[str], direction: Direction) -> list[RelationshipRecord]:
        return self._readable()._incident(ids, rel_types, direction)

    def _all_nodes(self) -> list[NodeRecord]:
        return self._readable()._all_nodes()

    def _all_relationships(self) -> list[RelationshipRecord]:
        return self._readable()._all_relationships()

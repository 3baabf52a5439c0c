"""The bulk initial load (``stores/neo4j_bulk.py``, ``--bulk``) stores exactly what the driver path
stores, and refuses — changing nothing — what it must: a database with data, a server that is not
the launcher's, the embedded store, a relationship with a missing end; a failed import leaves the
database as it was.

The bulk loads go into a second Neo4j of ``scripts/neo4j.sh`` started here (its own state folder and
port, so the server of NEO4J_URI is never stopped); the driver loads go into NEO4J_URI's.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from graph_schema import Enterprise, Supplies
from graph_schema.errors import MissingEndpointError, StoreError
from loaders.demo import load_demo
from loaders.export import export_graph
from loaders.importer import import_files
from stores.backup import content_digest
from stores.base import GraphStore, WriteBatch
from stores.embedded import EmbeddedStore
from stores.neo4j_bulk import BulkLoadRefused, Launcher, initial_load
from stores.neo4j_store import Neo4jStore
from tests.contract.sample import sample_batch

REPO = Path(__file__).resolve().parents[2]
DEMO_SCALE = 2000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _neo4j_sh(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(REPO / "scripts" / "neo4j.sh"), command], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300, check=False)


class BulkServer:
    """The second Neo4j: its URI, state folder and a store on it."""

    def __init__(self, uri: str, home: Path, store: Neo4jStore) -> None:
        self.uri, self.home, self.store = uri, home, store

    def pid(self) -> int:
        return int((self.home / "neo4j.pid").read_text())


@pytest.fixture(scope="module")
def bulk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BulkServer]:
    home = tmp_path_factory.mktemp("bulk-neo4j")
    port = _free_port()
    env = {"CHAINATLAS_NEO4J_HOME": str(home), "NEO4J_BOLT_PORT": str(port), "NEO4J_HEAP": "512m"}
    started = _neo4j_sh("start", env)
    assert started.returncode == 0, started.stdout + started.stderr
    uri = f"bolt://127.0.0.1:{port}"
    server = BulkServer(uri, home, Neo4jStore.connect(uri))
    try:
        yield server
    finally:
        server.store.close()
        _neo4j_sh("stop", env)


@pytest.fixture
def empty_bulk_server(bulk_server: BulkServer) -> BulkServer:
    bulk_server.store.clear()
    return bulk_server


def _schema(store: Neo4jStore) -> list[str]:
    with store.session() as session:
        return sorted(record["name"] for record in session.run("SHOW INDEXES YIELD name, state WHERE state = 'ONLINE' RETURN name"))


def test_bulk_load_stores_what_the_driver_stores(neo4j_store: GraphStore, empty_bulk_server: BulkServer) -> None:
    neo4j_store.clear()
    load_demo(neo4j_store, DEMO_SCALE)  # through the driver, one transaction per batch
    target = empty_bulk_server.store
    before = target.revision()
    with initial_load(target, empty_bulk_server.uri, state_dir=empty_bulk_server.home) as load:
        load_demo(load.store, DEMO_SCALE)
        with pytest.raises(StoreError, match="cannot be read"):  # what it took is not in the database yet
            load.store.counts()
        summary = load.finish()
    assert summary.imported > 10 * DEMO_SCALE / 2 and summary.repeats == 1  # the reference data repeats one INPUT_TO
    assert {"csv", "stop", "neo4j-admin", "start", "schema", "total"} <= set(summary.seconds)
    assert target.counts() == neo4j_store.counts()
    assert content_digest(target) == content_digest(neo4j_store)  # every label, property and relationship
    enterprise = target.get_node("ent:demo-8810-0000000")
    assert enterprise is not None and enterprise["aliases"] == [] and enterprise["source"].startswith("ChainAtlas")
    with target.session() as session:  # the importer's marker column of empty lists is never stored
        marked = session.run("MATCH (n) WHERE n.chainatlas_empty_lists IS NOT NULL RETURN count(n) AS nodes "
                             "UNION ALL MATCH ()-[r]->() WHERE r.chainatlas_empty_lists IS NOT NULL RETURN count(r) AS nodes").values()
        empty = session.run("MATCH (n:Enterprise) WHERE n.aliases = [] RETURN count(n) AS lists").single()
    assert marked == [[0], [0]]
    assert empty is not None and empty["lists"] == DEMO_SCALE  # kept by the import itself, no pass after it
    assert _schema(target) == _schema(neo4j_store)  # constraints and indexes, online
    assert target.revision() > before  # caches of the empty database are not served for the loaded one


def test_a_database_with_data_is_refused_unchanged(empty_bulk_server: BulkServer) -> None:
    target = empty_bulk_server.store
    target.write(sample_batch())
    digest, pid = content_digest(target), empty_bulk_server.pid()
    with pytest.raises(BulkLoadRefused, match="只用于空数据库的首次导入.*去掉 --bulk"):
        with initial_load(target, empty_bulk_server.uri, state_dir=empty_bulk_server.home):
            pass
    assert content_digest(target) == digest and empty_bulk_server.pid() == pid


def test_only_the_launchers_own_server_is_bulk_loaded(empty_bulk_server: BulkServer, tmp_path: Path) -> None:
    with pytest.raises(BulkLoadRefused, match="scripts/neo4j.sh 启动的 Neo4j"):
        Launcher.serving(empty_bulk_server.uri, tmp_path)  # another state folder: not the one serving this port
    with pytest.raises(BulkLoadRefused, match="不在本机"):
        Launcher.serving("bolt://10.0.0.9:7687", empty_bulk_server.home)
    assert Launcher.serving(empty_bulk_server.uri, empty_bulk_server.home).state_dir == empty_bulk_server.home.resolve()
    embedded = EmbeddedStore(tmp_path / "e.sqlite")
    embedded.ensure_schema()
    with pytest.raises(BulkLoadRefused, match="只用于 Neo4j"):
        with initial_load(embedded, empty_bulk_server.uri, state_dir=empty_bulk_server.home):
            pass
    embedded.close()


def test_a_missing_end_writes_nothing(empty_bulk_server: BulkServer) -> None:
    target, pid = empty_bulk_server.store, empty_bulk_server.pid()
    firm = Enterprise(id="ent:a", name="甲公司")
    with initial_load(target, empty_bulk_server.uri, state_dir=empty_bulk_server.home) as load:
        load.store.write(WriteBatch(nodes=[firm]))
        with pytest.raises(MissingEndpointError, match="ent:nobody"):
            load.store.write(WriteBatch(relationships=[Supplies(src="ent:a", dst="ent:nobody", product="product:x")]))
    assert sum(target.counts().values()) == 0 and empty_bulk_server.pid() == pid  # never stopped


def test_a_failed_import_puts_the_database_back(empty_bulk_server: BulkServer, tmp_path: Path) -> None:
    target = empty_bulk_server.store
    target.write(sample_batch())  # through the driver: what must survive the failed import
    digest = content_digest(target)
    nodes, rels = tmp_path / "nodes.csv", tmp_path / "rels.csv"
    nodes.write_text('id:ID,name:string\n"ent:x","乙"\n', encoding="utf-8")
    rels.write_text(':START_ID,:END_ID\n"ent:x","ent:missing"\n', encoding="utf-8")
    launcher = Launcher.serving(empty_bulk_server.uri, empty_bulk_server.home)
    with pytest.raises(StoreError, match="恢复为导入前的状态"):
        launcher.import_full([f"--nodes=Enterprise={nodes}", f"--relationships=SUPPLIES={rels}", "--bad-tolerance=0"], tmp_path)
    assert content_digest(target) == digest  # the server is back, with the same content


@pytest.fixture
def bulk_cli(empty_bulk_server: BulkServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    from app.cli.data import register

    monkeypatch.setenv("CHAINATLAS_STORE", "neo4j")
    monkeypatch.setenv("NEO4J_URI", empty_bulk_server.uri)
    monkeypatch.setenv("CHAINATLAS_NEO4J_HOME", str(empty_bulk_server.home))
    monkeypatch.setenv("CHAINATLAS_DATA_DIR", str(tmp_path / "var"))
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    return app


def test_cli_import_bulk_matches_the_embedded_import(bulk_cli: typer.Typer, empty_bulk_server: BulkServer, tmp_path: Path) -> None:
    demo = EmbeddedStore(tmp_path / "demo.sqlite")
    demo.ensure_schema()
    load_demo(demo, 600)
    files = export_graph(demo, "csv", tmp_path / "demo.csv")
    demo.close()
    expected = EmbeddedStore(tmp_path / "expected.sqlite")  # the same files through the ordinary import
    expected.ensure_schema()
    assert import_files(expected, files).ok
    runner = CliRunner()
    result = runner.invoke(bulk_cli, ["import", *map(str, files), "--bulk"])
    assert result.exit_code == 0, result.output
    assert "导入完成" in result.output
    loaded = Neo4jStore.connect(empty_bulk_server.uri)  # a driver of its own: the fixture's waits for the old database
    assert content_digest(loaded) == content_digest(expected)
    loaded.close()
    expected.close()
    again = runner.invoke(bulk_cli, ["import", *map(str, files), "--bulk"])  # no longer empty: refused
    assert again.exit_code == 2 and "只用于空数据库的首次导入" in again.output
    empty_bulk_server.store.close()  # the fixture's store, for the next tests: one that knows the new database
    empty_bulk_server.store = Neo4jStore.connect(empty_bulk_server.uri)


def test_cli_bulk_on_the_embedded_store_is_refused(bulk_cli: typer.Typer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINATLAS_STORE", "embedded")
    result = CliRunner().invoke(bulk_cli, ["demo", "--scale", "10", "--bulk"])
    assert result.exit_code == 2 and "只用于 Neo4j" in result.output

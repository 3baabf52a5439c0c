"""Neo4j *stopped* (connection refused) under a running ``chainatlas serve``, then started again on
the same port: what users get. The frozen server (SIGSTOP) is ``tests/app/test_store_faults.py``.

``chainatlas serve`` runs as an operator runs it (a process of its own, uvicorn, its own driver)
on a Neo4j of the test's own (``scripts/neo4j.sh`` on a free port; the shared test server is never
touched); the server is stopped cleanly with ``scripts/neo4j.sh stop``. Held while it is stopped:

- the store itself (connected before the stop) refuses a read within 2 s (reads retry only
  briefly), with a Chinese reason, and an import meeting it raises before writing;
- anything that needs the store — API, pages, an upload to ``POST /api/imports`` — is a 503 in
  Chinese (数据库暂不可用…, no English driver text) with ``Retry-After``, within seconds (aim 5 s,
  allowed 10 s on a loaded machine), never a hang, also for 24 requests at once;
- ``/health`` answers at once from the background probe: 503 ``degraded``;
- answers already computed for the last known revision are still served, marked stale;
- the upload wrote nothing.

After ``scripts/neo4j.sh start`` on the same port the running server recovers by itself (no
restart): ``/health`` ok, pages and API 200 with the same data (content digest unchanged: the
refused upload wrote nothing), and uploads work again. Its log (stderr) has one line when the store
went down, with the driver's text, one when it came back, and no traceback or retry warnings.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.security.tokens import TokenRegistry
from graph_schema.errors import StoreUnavailable
from loaders.importer import import_files
from queries.examples import example_batch
from stores.backup import content_digest
from stores.neo4j_store import Neo4jStore
from tests.faults.harness import REPO, OwnNeo4j, command_env, free_port

AIM = 5.0  # the issue's bound for a fault to be told (docs/reliability.md)
BOUND = 10.0  # what the test allows on a loaded, shared machine
HEALTH_AIM, HEALTH_BOUND = 0.1, 1.0  # /health answers from the probe's state, no round trip
UPLOAD = ("企业名称,统一社会信用代码,所在区县,所在园区,所属产业链,主营产品,营业收入(亿元),企业标签\n"
          "南昌停库测试科技有限公司,,南昌县,小蓝经开区,新能源,正极材料,1.5,专精特新\n").encode("gb18030")
ENGLISH = re.compile(r"[A-Za-z]+[ ']+[A-Za-z]+")  # two English words in a row: driver or Python text


def upload(client: httpx.Client) -> httpx.Response:
    return client.post("/api/imports", files=[("files", ("企业名录.csv", UPLOAD, "text/csv"))])


def held(neo4j: OwnNeo4j) -> tuple[str, int]:
    """The content digest of the test's Neo4j, and how many firms named like the upload it holds."""
    store = Neo4jStore.connect(neo4j.uri)
    try:
        return content_digest(store), len(store.search("停库测试"))
    finally:
        store.close()


@dataclass
class Served:
    """A running ``chainatlas serve``: an admin's client of it (bearer token: the cross-site check does
    not apply) and its log (stderr, in a file: a full pipe never blocks it)."""

    process: subprocess.Popen[bytes]
    client: httpx.Client
    log: Path

    def stop(self) -> str:
        """End the server (SIGTERM, as Ctrl+C would) and return what it printed on stderr."""
        self.client.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def served(neo4j: OwnNeo4j, tmp_path: Path) -> Iterator[Served]:
    """``chainatlas serve`` on a free port over the example data in the test's Neo4j."""
    store = Neo4jStore.connect(neo4j.uri)
    try:
        store.ensure_schema()
        store.clear()
        store.write(example_batch())
    finally:
        store.close()
    tokens = TokenRegistry(tmp_path / "tokens.sqlite")
    admin = tokens.issue("admin", "停库测试")
    tokens.close()
    port = free_port()
    with (tmp_path / "serve.out").open("wb") as out, (tmp_path / "serve.err").open("wb") as err:
        process = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port)], cwd=REPO,
                                   env=command_env(tmp_path, CHAINATLAS_STORE="neo4j", NEO4J_URI=neo4j.uri),
                                   stdout=out, stderr=err)
    server = Served(process, httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {admin}"},
                                          timeout=60, follow_redirects=False), tmp_path / "serve.err")
    try:
        started = time.monotonic()
        while True:
            if process.poll() is not None:
                pytest.fail(f"chainatlas serve ended (code {process.returncode}):\n{server.stop()}")
            try:
                if server.client.get("/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() - started > 60:
                pytest.fail("chainatlas serve did not answer within 60 s")
            time.sleep(0.2)
        yield server
    finally:
        server.stop()


def timed(call: object, *args: object) -> tuple[float, httpx.Response]:
    started = time.monotonic()
    response = call(*args)  # type: ignore[operator]
    return time.monotonic() - started, response


def until(client: httpx.Client, path: str, status: int, limit: float) -> float:
    """Seconds until ``path`` answers ``status``."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if client.get(path).status_code == status:
            return time.monotonic() - started
        time.sleep(0.2)
    pytest.fail(f"{path} did not answer {status} within {limit} s")


def told_in_chinese(response: httpx.Response, elapsed: float) -> str:
    """Assert a 503 in Chinese with Retry-After within BOUND seconds; the message."""
    assert response.status_code == 503, (response.status_code, response.text[:500])
    assert elapsed < BOUND, f"{response.request.url.path}: {elapsed:.1f} s (aim {AIM} s)"
    assert response.headers["Retry-After"]
    if elapsed:
        print(f"  {response.request.method} {response.request.url.path}: 503 in {elapsed:.2f} s", flush=True)
    if response.headers["content-type"].startswith("application/json"):
        body = response.json()  # an upload the store failed under has its report instead (status, summary)
        message = body["error"] if "error" in body else body["summary"].splitlines()[0]
    else:
        found = re.search(r"数据库暂不可用[^<]*", response.text)
        assert found, response.text[:2000]
        message = found.group(0)
    assert message.startswith(("数据库暂不可用", "导入未开始写入：写入数据库时出错（无法连接数据库")), message
    assert not ENGLISH.search(message), f"English text in the message: {message}"
    return message


def test_a_stopped_neo4j_is_told_within_seconds_and_recovered_without_restart(neo4j: OwnNeo4j, served: Served,
                                                                              tmp_path: Path) -> None:
    client, began = served.client, time.monotonic()

    def mark(what: str) -> None:
        print(f"[{time.monotonic() - began:6.1f}s] {what}", flush=True)

    for path in ["/api/chains/chain:ev/gaps", "/chains/chain:ev", "/chains/chain:food"]:
        until(client, path, 200, 60)  # computed for this revision (202 正在准备 while serve warms them)
    cached = client.get("/api/chains/chain:ev/gaps")
    assert "X-ChainAtlas-Stale" not in cached.headers
    before = held(neo4j)
    assert before[1] == 0
    mark("served")

    direct = Neo4jStore.connect(neo4j.uri)  # the store as the app holds it: connected before the stop
    neo4j.script("stop")  # a clean stop: the port now refuses connections
    mark("Neo4j stopped")
    elapsed, refused = timed(upload, client)  # perhaps before the probe saw it: then the import itself is refused
    told_in_chinese(refused, elapsed)
    try:
        for name, call in [("revision", direct.revision), ("list_nodes", lambda: direct.list_nodes("Chain"))]:
            started = time.monotonic()
            with pytest.raises(StoreUnavailable) as refused_read:  # reads retry only briefly
                call()
            elapsed = time.monotonic() - started
            assert elapsed < BOUND / 2, f"{name}: {elapsed:.1f} s (aim 2 s)"
            assert refused_read.value.reason == "无法连接数据库：连接被拒绝，数据库服务可能已停止"
        files = tmp_path / "upload"
        files.mkdir()
        (files / "企业名录.csv").write_bytes(UPLOAD)
        with pytest.raises(StoreUnavailable) as refused_import:  # an import meeting the stopped server itself
            import_files(direct, [files / "企业名录.csv"])
        assert refused_import.value.reason.startswith("无法连接数据库")  # what the upload's 503 says; nothing written
    finally:
        direct.close()
    mark("store refused")
    elapsed, during = timed(client.get, "/api/chains")  # the store's own read
    told_in_chinese(during, elapsed)
    elapsed, searched = timed(client.get, "/search?q=南昌")  # a page that needs the store itself
    told_in_chinese(searched, elapsed)
    until(client, "/health", 503, BOUND)
    elapsed, health = timed(client.get, "/health")
    assert health.status_code == 503 and elapsed < HEALTH_BOUND, (health.status_code, elapsed)
    assert health.json()["status"] == "degraded" and health.headers["Retry-After"]
    assert not ENGLISH.search(health.json()["error"]), health.json()
    elapsed, stale = timed(client.get, "/api/chains/chain:ev/gaps")
    assert stale.status_code == 200 and stale.headers["X-ChainAtlas-Stale"] == "1" and elapsed < BOUND
    assert stale.json() == cached.json()  # the last known revision's answer
    for path in ["/chains/chain:ev", "/chains/chain:food"]:  # computed at start (serve warms the chain pages)
        elapsed, page = timed(client.get, path)
        assert page.status_code == 200 and elapsed < BOUND, (path, page.status_code, elapsed)
        assert 'data-testid="store-down"' in page.text and "可能不是最新" in page.text
    mark("told")

    # many at once: none waits on the stopped store
    paths = ["/api/chains", "/search?q=南昌", "/", "/api/search?q=南昌"] * 6
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        answers = list(pool.map(client.get, paths))
    together = time.monotonic() - started
    assert together < BOUND, f"{len(paths)} requests at once took {together:.1f} s (aim {AIM} s)"
    for answer in answers:
        told_in_chinese(answer, 0)
    elapsed, health = timed(client.get, "/health")
    assert elapsed < HEALTH_BOUND and health.json()["status"] == "degraded"
    mark(f"{len(paths)} at once in {together:.1f} s")

    neo4j.script("start")  # the same port, the same data
    mark("Neo4j started")
    recovery = until(client, "/health", 200, 30)  # no restart of chainatlas serve
    mark(f"recovered in {recovery:.1f} s")
    fresh = client.get("/api/chains/chain:ev/gaps")
    mark("gaps")
    assert fresh.status_code == 200 and "X-ChainAtlas-Stale" not in fresh.headers and fresh.json() == cached.json()
    assert client.get("/api/chains").status_code == 200
    until(client, "/api/risks?chain=chain:food", 200, 30)
    mark("risks")
    page = client.get("/chains/chain:food")
    assert page.status_code == 200 and 'data-testid="store-down"' not in page.text
    assert held(neo4j) == before  # the refused upload wrote nothing; the data is intact
    mark("held")
    done = upload(client)
    assert done.status_code == 200 and done.json()["ok"], done.text
    assert held(neo4j)[1] == 1
    mark("upload after recovery")

    log = served.stop()  # the operator's side: one line when the store went down, one when it came back
    assert "Traceback" not in log and "will be retried" not in log, log[-3000:]
    assert "数据库暂不可用 / store down: " in log and "数据库已恢复 / store answers again" in log, log

"""A real Neo4j that stops answering under the app (frozen with SIGSTOP, then thawed): what users get.

- ``/health`` answers at once from the background probe: 503 ``degraded`` while the store is down;
- answers already computed for the last known revision are still served, marked
  ``X-ChainAtlas-Stale: 1`` (pages: the 数据库暂不可用 banner);
- anything that needs the store is a 503 in Chinese with ``Retry-After`` within 5 s, never a hang
  and never a 400 with the driver's English text;
- after the store answers again everything works without a restart.

The server is the one the Neo4j tests use (``NEO4J_URI``); its process is found by the launcher's
command line (``chainatlas.EmbeddedNeo4j --port=…``). The database is never mocked.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.security.tokens import TokenRegistry
from app.settings import Settings
from queries.examples import example_batch
from stores.base import GraphStore

DEADLINE = 5.0  # the issue's bound for a fault to be told
READ_IN_FLIGHT_BOUND = 10.0  # keep-alive 1 s x 3 probes, one retry on a new connection (connection timeout 3 s): ~7 s


def neo4j_pid() -> int:
    """The pid of the Neo4j launcher that holds the listening socket of NEO4J_URI's port (not merely one
    whose command line names the port: a launcher on its way out may still be there)."""
    port = urlsplit(os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")).port or 7687
    sockets = _listening_sockets(port)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            if b"chainatlas.EmbeddedNeo4j" not in command:
                continue
            if any(os.readlink(fd) in sockets for fd in (entry / "fd").iterdir()):
                return int(entry.name)
        except OSError:
            continue
    pytest.fail(f"no Neo4j launcher listening on port {port} (start one with `bash scripts/neo4j.sh start`)", pytrace=False)


def _listening_sockets(port: int) -> set[str]:
    """``socket:[inode]`` of every TCP socket listening on ``port`` (/proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # 0A: LISTEN
                    found.add(f"socket:[{fields[9]}]")
    return found


def freeze(pid: int) -> None:
    """SIGSTOP the launcher and wait until every one of its threads is stopped: ``kill`` returns
    before the kernel has stopped them all, and a thread still running answers a request sent at once
    (seen once in CI: a read sent right after ``kill`` was answered)."""
    os.kill(pid, signal.SIGSTOP)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if all(_thread_state(task) in {"T", "t", None} for task in Path(f"/proc/{pid}/task").iterdir()):
            return
        time.sleep(0.01)
    os.kill(pid, signal.SIGCONT)
    pytest.fail(f"Neo4j (pid {pid}) did not stop within 10 s of SIGSTOP")


def _thread_state(task: Path) -> str | None:
    """The state letter of /proc/PID/task/TID/stat (after the command in parentheses); None when gone."""
    try:
        stat = (task / "stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2]


@pytest.fixture
def served(neo4j_store: GraphStore, tokens: TokenRegistry) -> Iterator[TestClient]:
    """The app over a store of its own (its own driver and connection pool, as `chainatlas serve` has),
    on the database the Neo4j tests use."""
    from stores.neo4j_store import Neo4jStore

    neo4j_store.clear()
    neo4j_store.write(example_batch())
    own = Neo4jStore.connect(os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"), os.environ.get("NEO4J_USER", "neo4j"),
                             os.environ.get("NEO4J_PASSWORD", ""))
    admin = tokens.issue("admin", "故障测试")
    app = create_app(Settings(), store=own, tokens=tokens)
    try:
        with TestClient(app, headers={"Authorization": f"Bearer {admin}"}, follow_redirects=False) as client:
            yield client
    finally:
        own.close()


def timed(client: TestClient, path: str) -> tuple[float, object]:
    started = time.monotonic()
    response = client.get(path)
    return time.monotonic() - started, response


def wait_for(client: TestClient, status: int, limit: float) -> float:
    """Seconds until /health answers ``status``."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if client.get("/health").status_code == status:
            return time.monotonic() - started
        time.sleep(0.2)
    pytest.fail(f"/health did not answer {status} within {limit} s")


def test_a_frozen_neo4j_is_told_within_seconds_and_survived(served: TestClient) -> None:
    client = served
    assert client.get("/health").json()["status"] == "ok"
    cached = client.get("/api/chains/chain:ev/gaps")  # computed now, cached for this revision
    assert cached.status_code == 200 and "X-ChainAtlas-Stale" not in cached.headers
    assert client.get("/chains/chain:ev").status_code == 200
    pid = neo4j_pid()
    freeze(pid)
    try:
        elapsed, during = timed(client, "/api/risks?chain=chain:food")  # never computed: needs the store
        assert during.status_code == 503 and elapsed < DEADLINE, (during.status_code, elapsed)
        assert "数据库暂不可用" in during.json()["error"] and during.headers["Retry-After"]
        wait_for(client, 503, DEADLINE)
        elapsed, health = timed(client, "/health")
        assert elapsed < 0.1 and health.json()["status"] == "degraded" and health.headers["Retry-After"]
        elapsed, stale = timed(client, "/api/chains/chain:ev/gaps")
        assert stale.status_code == 200 and stale.headers["X-ChainAtlas-Stale"] == "1" and elapsed < DEADLINE
        assert stale.json() == cached.json()  # the last known revision's answer
        page = client.get("/chains/chain:ev")
        assert page.status_code == 200 and 'data-testid="store-down"' in page.text and "可能不是最新" in page.text
        elapsed, listing = timed(client, "/api/chains")  # read from the store itself
        assert listing.status_code == 503 and elapsed < DEADLINE
        elapsed, uncached_page = timed(client, "/chains/chain:food")
        assert uncached_page.status_code == 503 and elapsed < DEADLINE and "数据库暂不可用" in uncached_page.text
    finally:
        os.kill(pid, signal.SIGCONT)
    wait_for(client, 200, 30)  # recovery without a restart
    recovered = client.get("/api/risks?chain=chain:food")
    assert recovered.status_code == 200 and "X-ChainAtlas-Stale" not in recovered.headers
    assert client.get("/api/chains").status_code == 200


def test_a_read_in_flight_on_a_frozen_neo4j_fails_within_seconds(neo4j_store: GraphStore) -> None:
    """A read already sent when the server freezes (a background projection, say) fails within
    seconds, not minutes: the server's Bolt keep-alive hint bounds the driver's wait (neo4j_launcher
    sets 1 s x 3 probes; Neo4j's default is 120 s, docs/reliability.md), then one retry on a new
    connection waits its 3 s connection timeout."""
    from graph_schema.errors import StoreUnavailable
    from stores.neo4j_store import Neo4jStore

    own = Neo4jStore.connect(os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"), os.environ.get("NEO4J_USER", "neo4j"),
                             os.environ.get("NEO4J_PASSWORD", ""))
    try:
        own.revision()  # a pooled connection, as a running app has
        pid = neo4j_pid()
        freeze(pid)
        try:
            started = time.monotonic()
            try:
                answer = own.revision()
            except StoreUnavailable:
                pass
            else:
                states = sorted({_thread_state(task) or "-" for task in Path(f"/proc/{pid}/task").iterdir()})
                pytest.fail(f"a stopped Neo4j (pid {pid}, thread states {states}) answered {answer} "
                            f"after {time.monotonic() - started:.2f} s")
            assert time.monotonic() - started < READ_IN_FLIGHT_BOUND
        finally:
            os.kill(pid, signal.SIGCONT)
    finally:
        own.close()


def test_a_request_waiting_on_a_projection_stuck_on_a_frozen_neo4j_is_told_within_seconds(served: TestClient) -> None:
    """A projection under way holds the analysis cache's lock; when the server freezes under it, a
    request that needs the store does not wait for it (seen once in CI: 124 s) but gets its 503 as soon
    as the health probe says the store is down."""
    client = served
    assert client.get("/health").json()["status"] == "ok"
    lock = client.app.state.graphs._lock  # type: ignore[attr-defined]  # as a projection stuck on a read holds it
    pid = neo4j_pid()
    assert lock.acquire(timeout=30)
    try:
        freeze(pid)
        try:
            elapsed, during = timed(client, "/api/risks?chain=chain:food")
            assert during.status_code == 503 and elapsed < DEADLINE, (during.status_code, elapsed)
            assert "数据库暂不可用" in during.json()["error"]
        finally:
            os.kill(pid, signal.SIGCONT)
    finally:
        lock.release()
    wait_for(client, 200, 30)
    assert client.get("/api/risks?chain=chain:food").status_code == 200

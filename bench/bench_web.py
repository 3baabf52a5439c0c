"""Benchmark the web app under concurrent load on loopback: p50/p95/max latency and req/s per endpoint.

Usage::

    .venv/bin/python bench/bench_web.py                          # 100k enterprises, 200 requests × 8 concurrent
    .venv/bin/python bench/bench_web.py --warm                   # start as `chainatlas serve` does (caches warmed first)
    .venv/bin/python bench/bench_web.py --scale 20000 --requests 100
    .venv/bin/python bench/bench_web.py --only search chain --profile search chain   # and cProfile them in-process
    .venv/bin/python bench/bench_web.py --client vegeta --max-seconds 10   # load from vegeta instead of Python threads

The embedded store (reference data + ``load_demo(scale, seed)``) is built once and cached at
``--store`` (default ``/tmp/chainatlas-bench-100k.sqlite`` for the default scale and seed); building
it is setup, not measured. The app runs in a **separate process** (uvicorn, one worker, as
``chainatlas serve`` runs it) on 127.0.0.1 at a free port, with a reviewer token
(``Authorization: Bearer …``), so the load generator does not share the server's GIL.

1. **Cold**: each endpoint requested once, in the table's order, on a fresh server (with
   ``--warm``: after the app's start-up warm-up has finished): the first request projects the whole
   graph and fills the caches; reported separately.
2. **One at a time**: ``--sequential`` requests per endpoint, one after another — the service time.
3. **Load**: per endpoint, ``--requests`` requests from ``--concurrency`` threads (one keep-alive
   ``httpx.Client`` each), stopping early after ``--max-seconds`` so a slow endpoint cannot run
   away; p50 / p95 / max latency and requests per second, and the CPU the server and the load
   generator spent a request. ``--client vegeta``: the same load from the compiled load generator
   vegeta for ``--max-seconds`` (the Python threads' own CPU queues requests on 2 cores).

4. **After an import** (``--after-import``): the reference data is written again (a new store
   revision, the same answers, as a re-import would make) and each endpoint is asked every
   ``--poll`` seconds until it answers 200: how long a request was held, how many 正在准备 (202)
   answers came meanwhile, and the seconds until the real answer. Use it with ``--warm`` (as
   ``chainatlas serve`` runs: analyses computed in the background, 202 meanwhile).

Aims (issues): lookups and the chain-gaps and risks answers p95 < 50 ms; one chain's page < 1 s.
Prints markdown tables, the peak resident memory of the server and of this (client) process, and the
server's garbage-collection pauses (a full collection stops every request). ``--profile NAME…`` then
cProfiles a warm request of those endpoints in this process. See ``bench/graph_tti.py`` for the time
until a 2,000-node graph view is interactive in Chromium.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

CHAIN = "chain:new-energy"
LOOKUP_AIM_MS = 50.0
ANSWERS_WITH_AIM = ("chain-gaps", "risks")  # analysis answers kept encoded per revision: p95 < 50 ms too (issue 17)
PAGE_AIM_MS = 1000.0


# -- the store ----------------------------------------------------------------------------------


def default_store_path(scale: int, seed: int) -> Path:
    suffix = "100k" if scale == 100_000 and seed == 8810 else f"{scale}-{seed}"
    return Path(tempfile.gettempdir()) / f"chainatlas-bench-{suffix}.sqlite"


def ensure_store(path: Path, scale: int, seed: int) -> str:
    """Build the embedded store at ``path`` unless it is already there; says what it did."""
    if path.exists():
        from stores.embedded import EmbeddedStore

        started = time.perf_counter()
        store = EmbeddedStore(path)
        store.ensure_schema()  # a file built by older code gets the current schema, as `chainatlas serve` would do
        store.close()
        return f"reused {path} (schema ensured in {time.perf_counter() - started:.1f} s)"
    from loaders.demo import load_demo
    from loaders.reference import load_reference
    from stores.embedded import EmbeddedStore

    started = time.perf_counter()
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    store = EmbeddedStore(partial)
    store.ensure_schema()
    load_reference(store)
    load_demo(store, scale, seed=seed, progress=True)
    store.close()
    partial.replace(path)  # only a complete store is ever reused
    return f"built {path} in {time.perf_counter() - started:.0f} s"


def store_facts(path: Path, chain: str) -> dict[str, object]:
    """Counts and a sample enterprise (the chain's first 链主), read with plain SQL."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        enterprises = db.execute("SELECT count(*) FROM nodes WHERE label = 'Enterprise'").fetchone()[0]
        supplies = db.execute("SELECT count(*) FROM rels WHERE type = 'SUPPLIES'").fetchone()[0]
        leader = db.execute("SELECT src FROM rels WHERE type = 'LEADS' AND dst = ? ORDER BY src LIMIT 1", (chain,)).fetchone()
    finally:
        db.close()
    return {"enterprises": enterprises, "supplies": supplies, "leader": leader[0] if leader else None}


# -- the server (a child process) ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gc_pauses() -> dict[int, list[float]]:
    """Record the duration of every garbage collection, by generation (installed in the server child)."""
    import gc

    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    started: list[float] = [0.0]

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses[info["generation"]].append(time.perf_counter() - started[0])

    gc.callbacks.append(callback)
    return pauses


def serve(store_path: Path, data_dir: Path, port: int, warm: bool) -> None:
    """The child: the app over the store at ``store_path``, tokens in ``data_dir``, on 127.0.0.1;
    ``warm``: ask the app to fill its caches in the background at start-up (``chainatlas serve`` does)."""
    import inspect

    import uvicorn

    from app.main import create_app
    from app.security.tokens import TokenRegistry
    from app.settings import Settings
    from stores.embedded import EmbeddedStore

    store = EmbeddedStore(store_path)
    store.ensure_schema()
    tokens = TokenRegistry(data_dir / "tokens.sqlite")
    options = {"warm": True} if warm and "warm" in inspect.signature(create_app).parameters else {}
    app = create_app(Settings(CHAINATLAS_DATA_DIR=data_dir), store=store, tokens=tokens, **options)
    pauses = gc_pauses()
    try:
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    finally:
        (data_dir / "gc.json").write_text(json.dumps(pauses))
        store.close()
        tokens.close()


@dataclass
class Server:
    url: str
    token: str
    process: subprocess.Popen
    peak_rss_mb: float = 0.0
    gc_pauses: dict[str, list[float]] = field(default_factory=dict)

    def gc_summary(self) -> str:
        """The server's garbage collections while it ran; full (gen 2) ones stop every request."""
        if not self.gc_pauses:
            return "not recorded"
        full = self.gc_pauses.get("2", [])
        return (f"{len(self.gc_pauses.get('0', []))} gen-0, {len(self.gc_pauses.get('1', []))} gen-1, {len(full)} gen-2"
                + (f" (gen-2 pauses total {sum(full):.1f} s, longest {max(full):.2f} s)" if full else ""))

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@contextlib.contextmanager
def running_server(store_path: Path, *, role: str = "reviewer", start_timeout: float = 60.0,
                   warm: bool = False) -> Iterator[Server]:
    """Start the app in a child process on a free loopback port; always stop it."""
    from app.security.tokens import TokenRegistry

    with tempfile.TemporaryDirectory(prefix="chainatlas-web-") as tmp:
        data_dir = Path(tmp)
        registry = TokenRegistry(data_dir / "tokens.sqlite")
        token = registry.issue(role, "基准测试")
        registry.close()
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve", "--store", str(store_path),
             "--data-dir", str(data_dir), "--port", str(port)] + (["--warm"] if warm else []),
            cwd=ROOT,
        )
        server = Server(url=f"http://127.0.0.1:{port}", token=token, process=process)
        try:
            deadline = time.monotonic() + start_timeout
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited with {process.returncode}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{server.url}/health", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not answer within {start_timeout:.0f} s")
                time.sleep(0.2)
            yield server
        finally:
            server.peak_rss_mb = process_peak_rss_mb(process.pid)
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
            with contextlib.suppress(OSError, ValueError):
                server.gc_pauses = json.loads((data_dir / "gc.json").read_text())


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds process ``pid`` has used (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_idle(pid: int, *, limit: float = 300.0, quiet: float = 2.0) -> float:
    """Wait until process ``pid`` uses under 5 % of a CPU for ``quiet`` seconds (at most ``limit``
    seconds); the seconds waited."""
    def cpu_seconds() -> float:
        return process_cpu_seconds(pid)

    started = time.monotonic()
    calm_since, last = None, cpu_seconds()
    while time.monotonic() - started < limit:
        time.sleep(0.5)
        now = cpu_seconds()
        if now - last < 0.025:
            calm_since = calm_since or time.monotonic()
            if time.monotonic() - calm_since >= quiet:
                break
        else:
            calm_since = None
        last = now
    return time.monotonic() - started


def process_peak_rss_mb(pid: int) -> float:
    """VmHWM of a live process (Linux), in MB; 0 when unavailable."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the load ----------------------------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    path: str
    kind: str  # "lookup", "analysis" or "page"


@dataclass
class Result:
    endpoint: Endpoint
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0
    stopped_early: bool = False
    last_error: str = ""
    server_cpu: float = float("nan")  # CPU seconds the server used meanwhile
    client_cpu: float = float("nan")  # CPU seconds the load generator used meanwhile


def endpoints(chain: str, enterprise: str) -> list[Endpoint]:
    return [
        Endpoint("search", "/api/search?q=南昌", "lookup"),
        Endpoint("enterprise", f"/api/enterprises/{enterprise}", "lookup"),
        Endpoint("enterprises-by-chain", f"/api/enterprises?chain={chain}&size=50", "lookup"),
        Endpoint("neighbourhood", f"/api/nodes/{enterprise}/neighbourhood?depth=1", "lookup"),
        Endpoint("chain", f"/api/chains/{chain}", "lookup"),
        Endpoint("chain-gaps", f"/api/chains/{chain}/gaps", "analysis"),
        Endpoint("risks", f"/api/risks?chain={chain}", "analysis"),
        Endpoint("chain-page", f"/chains/{chain}", "page"),
        Endpoint("risks-page", "/risks", "page"),
        Endpoint("risks-page-3", f"/risks?chain={chain}&sort=revenue&page=3", "page"),
        Endpoint("enterprise-page", f"/enterprises/{enterprise}", "page"),
        Endpoint("disruption-page", "/disruption", "page"),
    ]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of ``values`` (seconds)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-fraction * len(ordered) // 1))))
    return ordered[rank - 1]


def request_once(client: httpx.Client, path: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    response = client.get(path)
    body = len(response.content)
    return time.perf_counter() - started, response.status_code, body


def load(server: Server, endpoint: Endpoint, *, requests: int, concurrency: int, max_seconds: float,
         timeout: float) -> Result:
    """``requests`` GETs from ``concurrency`` threads, stopping early after ``max_seconds``."""
    result = Result(endpoint)
    lock = threading.Lock()
    issued = 0
    started = time.perf_counter()
    deadline = started + max_seconds

    def worker() -> None:
        nonlocal issued
        with httpx.Client(base_url=server.url, headers=server.headers(), timeout=timeout) as client:
            while True:
                with lock:
                    if issued >= requests:
                        return
                    if time.perf_counter() > deadline:
                        result.stopped_early = True
                        return
                    issued += 1
                try:
                    seconds, status, _ = request_once(client, endpoint.path)
                except httpx.HTTPError as exc:
                    with lock:
                        result.errors += 1
                        result.last_error = repr(exc)
                    continue
                with lock:
                    if status == 200:
                        result.latencies.append(seconds)
                    else:
                        result.errors += 1
                        result.last_error = f"HTTP {status}"

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    cpu_before = process_cpu_seconds(server.process.pid)
    client_before = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max_seconds + timeout + 5)
    result.wall = time.perf_counter() - started
    result.server_cpu = process_cpu_seconds(server.process.pid) - cpu_before
    result.client_cpu = time.process_time() - client_before
    return result


def load_with_vegeta(server: Server, endpoint: Endpoint, *, vegeta: str, concurrency: int, seconds: float,
                     timeout: float) -> Result:
    """The same closed-loop load from a compiled load generator: ``vegeta attack -rate=0`` with
    ``concurrency`` workers (keep-alive connections) for ``seconds``; every answer's latency read
    back with ``vegeta encode --to json``. The Python client's own CPU (8 threads parsing answers
    under one GIL, on the same 2 cores as the server) no longer counts in the latencies.

    Example (``go install github.com/tsenart/vegeta/v12@v12.13.0``)::

        bench_web.py --client vegeta --only chain-gaps risks --concurrency 8 --max-seconds 10
    """
    result = Result(endpoint)
    target = f"GET {server.url}{endpoint.path}\nAuthorization: Bearer {server.token}\n"
    attack = [vegeta, "attack", "-rate=0", f"-workers={concurrency}", f"-max-workers={concurrency}",
              f"-duration={seconds:g}s", f"-timeout={timeout:g}s", "-keepalive=true",
              "-max-body=0"]  # every body is still read to its end (the latency includes it), none kept
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = process_cpu_seconds(server.process.pid)
    started = time.perf_counter()
    attacked = subprocess.run(attack, input=target.encode(), capture_output=True, check=True,
                              timeout=seconds + timeout + 30)
    result.wall = time.perf_counter() - started
    result.server_cpu = process_cpu_seconds(server.process.pid) - cpu_before
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result.client_cpu = (children_after.ru_utime + children_after.ru_stime
                         - children_before.ru_utime - children_before.ru_stime)
    encoded = subprocess.run([vegeta, "encode", "--to", "json"], input=attacked.stdout, capture_output=True,
                             check=True, timeout=60)
    for line in encoded.stdout.decode().splitlines():
        answer = json.loads(line)
        if answer["code"] == 200:
            result.latencies.append(answer["latency"] / 1e9)
        else:
            result.errors += 1
            result.last_error = answer.get("error") or f"HTTP {answer['code']}"
    return result


def aim_of(endpoint: Endpoint) -> tuple[str, float] | None:
    if endpoint.kind == "lookup" or endpoint.name in ANSWERS_WITH_AIM:
        return "p95 < 50 ms", LOOKUP_AIM_MS
    if endpoint.name == "chain-page":
        return "< 1 s", PAGE_AIM_MS
    return None


@dataclass
class Preparation:
    """What one endpoint answered from a new revision until its real answer."""

    endpoint: Endpoint
    preparing: list[float] = field(default_factory=list)  # latency of each 202 answer
    ready_after: float = float("nan")  # seconds from the import until the first 200
    last: float = float("nan")  # latency of that 200 answer
    status: int = 0


def after_import(server: Server, store_path: Path, chosen: list[Endpoint], *, poll: float, limit: float,
                 timeout: float) -> tuple[float, list[Preparation]]:
    """Write the reference data again into the store (a new revision), then ask each endpoint every
    ``poll`` seconds until it answers something other than 202 (at most ``limit`` seconds)."""
    from loaders.reference import load_reference
    from stores.embedded import EmbeddedStore

    store = EmbeddedStore(store_path)
    started = time.perf_counter()
    load_reference(store)
    store.close()
    imported = time.perf_counter()
    found = [Preparation(endpoint) for endpoint in chosen]
    with httpx.Client(base_url=server.url, headers=server.headers(), timeout=timeout) as client:
        while any(not item.status for item in found) and time.perf_counter() - imported < limit:
            for item in found:
                if item.status:
                    continue
                seconds, status, _ = request_once(client, item.endpoint.path)
                if status == 202:
                    item.preparing.append(seconds)
                else:
                    item.status, item.last, item.ready_after = status, seconds, time.perf_counter() - imported
            time.sleep(poll)
    return imported - started, found


# -- profiling one request in-process --------------------------------------------------------------


@contextlib.contextmanager
def profiling_sync_routes(profiler) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Run what FastAPI hands to worker threads (sync routes and dependencies) inline, under
    ``profiler``: cProfile sees one thread only, and the routes' work happens in those threads."""
    import anyio.to_thread

    original = anyio.to_thread.run_sync

    async def inline(func, *args, **kwargs):  # type: ignore[no-untyped-def]
        profiler.enable()
        try:
            return func(*args)
        finally:
            profiler.disable()

    anyio.to_thread.run_sync = inline
    try:
        yield
    finally:
        anyio.to_thread.run_sync = original


def profile_requests(store_path: Path, paths: list[str], top: int = 25, seconds: float = 3.0) -> None:
    """cProfile warm requests of each of ``paths`` through the app in this process (TestClient, one
    client, repeated for about ``seconds``, at most 20 times); the sync route code is what is profiled."""
    import cProfile
    import pstats

    from fastapi.testclient import TestClient

    from app.main import create_app
    from app.security.tokens import TokenRegistry
    from app.settings import Settings
    from stores.embedded import EmbeddedStore

    with tempfile.TemporaryDirectory(prefix="chainatlas-prof-") as tmp:
        store = EmbeddedStore(store_path)
        registry = TokenRegistry(Path(tmp) / "tokens.sqlite")
        token = registry.issue("reviewer", "基准测试")
        app = create_app(Settings(CHAINATLAS_DATA_DIR=Path(tmp)), store=store, tokens=registry)
        with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
            for path in paths:
                started = time.perf_counter()
                status = client.get(path).status_code
                cold = time.perf_counter() - started
                times = []
                deadline = time.perf_counter() + seconds
                while len(times) < 20 and (not times or time.perf_counter() < deadline):
                    started = time.perf_counter()
                    client.get(path)
                    times.append(time.perf_counter() - started)
                profiler = cProfile.Profile()
                with profiling_sync_routes(profiler):
                    client.get(path)
                print(f"\n### cProfile of one warm GET {path} (HTTP {status}; first {cold * 1000:,.0f} ms; warm median "
                      f"{statistics.median(times) * 1000:,.1f} ms over {len(times)} sequential requests, in-process)\n")
                print("```")
                stats = pstats.Stats(profiler, stream=sys.stdout)
                stats.sort_stats("cumulative").print_stats(top)
                print("```", flush=True)
        store.close()
        registry.close()


# -- main --------------------------------------------------------------------------------------------


def git_state() -> str:
    """The commit measured, and whether the working tree had uncommitted changes (which files)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                                 text=True, timeout=10).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    files = [line[3:] for line in changed if line.strip()]
    return head + (f" + uncommitted changes to {', '.join(files)}" if files else "")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=100_000, help="number of enterprises")
    parser.add_argument("--seed", type=int, default=8810)
    parser.add_argument("--store", type=Path, help="embedded store to use; built there when missing "
                        "(default /tmp/chainatlas-bench-100k.sqlite for the default scale and seed)")
    parser.add_argument("--chain", default=CHAIN)
    parser.add_argument("--enterprise", help="enterprise id for the enterprise endpoints (default: the chain's first 链主)")
    parser.add_argument("--requests", type=int, default=200, help="requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=30.0, help="stop an endpoint's load after this long")
    parser.add_argument("--timeout", type=float, default=120.0, help="per-request timeout, seconds")
    parser.add_argument("--only", nargs="*", help="only these endpoint names")
    parser.add_argument("--profile", nargs="*", default=[], metavar="NAME",
                        help="after the load, cProfile a warm request of these endpoints in-process")
    parser.add_argument("--warm", action="store_true",
                        help="start the app with warm=True (as `chainatlas serve` does) and wait until it is idle "
                             "before the cold pass")
    parser.add_argument("--sequential", type=int, default=20,
                        help="also this many requests one at a time per endpoint (service time without queueing)")
    parser.add_argument("--after-import", action="store_true",
                        help="after the load, write the reference data again (a new revision) and time each endpoint "
                             "until it answers 200 (with --warm: 202 正在准备 meanwhile)")
    parser.add_argument("--poll", type=float, default=1.0, help="--after-import: seconds between requests of an endpoint")
    parser.add_argument("--client", choices=("httpx", "vegeta"), default="httpx",
                        help="the load under concurrency from Python threads (httpx, --requests requests) or from "
                             "vegeta (a compiled load generator, --max-seconds of load; needs `vegeta` on PATH or --vegeta)")
    parser.add_argument("--vegeta", default="vegeta", help="path of the vegeta binary (--client vegeta)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve:
        serve(args.store, args.data_dir, args.port, args.warm)
        return
    if not (1 <= args.concurrency <= 32 and 1 <= args.requests <= 10_000 and 0 < args.max_seconds <= 600):
        parser.error("keep the load bounded: concurrency 1–32, requests 1–10000, max-seconds ≤ 600")

    vegeta = shutil.which(args.vegeta) if args.client == "vegeta" else None
    if args.client == "vegeta" and not vegeta:
        parser.error(f"--client vegeta: no {args.vegeta!r} found; go install github.com/tsenart/vegeta/v12@v12.13.0")
    code_at_start = git_state()
    store_path = args.store or default_store_path(args.scale, args.seed)
    print(f"store: {ensure_store(store_path, args.scale, args.seed)}", flush=True)
    facts = store_facts(store_path, args.chain)
    enterprise = args.enterprise or facts["leader"]
    if not enterprise:
        sys.exit(f"no 链主 of {args.chain} in the store: pass --enterprise")
    print(f"{facts['enterprises']:,} enterprises, {facts['supplies']:,} SUPPLIES; chain {args.chain}, "
          f"enterprise {enterprise}; {os.cpu_count()} CPUs", flush=True)

    chosen = [e for e in endpoints(args.chain, enterprise) if not args.only or e.name in args.only]
    cold: list[tuple[Endpoint, float, int, int]] = []
    results: list[Result] = []
    sequential: dict[str, Result] = {}
    with running_server(store_path, warm=args.warm) as server:
        if args.warm:
            print(f"  warm-up at start: the server was busy for {wait_until_idle(server.process.pid):.1f} s", flush=True)
        started = time.perf_counter()
        with httpx.Client(base_url=server.url, headers=server.headers(), timeout=args.timeout) as client:
            for endpoint in chosen:
                seconds, status, size = request_once(client, endpoint.path)
                cold.append((endpoint, seconds, status, size))
                print(f"  cold {endpoint.name}: {ms(seconds)} ms (HTTP {status}, {size:,} bytes)", flush=True)
        warmup = time.perf_counter() - started
        for endpoint in chosen:
            if args.sequential:
                sequential[endpoint.name] = load(server, endpoint, requests=args.sequential, concurrency=1,
                                                 max_seconds=args.max_seconds / 3, timeout=args.timeout)
            if args.client == "vegeta":
                result = load_with_vegeta(server, endpoint, vegeta=vegeta, concurrency=args.concurrency,
                                          seconds=args.max_seconds, timeout=args.timeout)
            else:
                result = load(server, endpoint, requests=args.requests, concurrency=args.concurrency,
                              max_seconds=args.max_seconds, timeout=args.timeout)
            results.append(result)
            done = len(result.latencies)
            print(f"  load {endpoint.name}: {done} ok, {result.errors} errors in {result.wall:.1f} s"
                  + (f", p95 {ms(percentile(result.latencies, 0.95))} ms" if done else "")
                  + (f"; last error {result.last_error}" if result.errors else ""), flush=True)
        prepared: list[Preparation] = []
        if args.after_import:
            writing, prepared = after_import(server, store_path, chosen, poll=args.poll, limit=args.max_seconds * 20,
                                             timeout=args.timeout)
            print(f"  after import: reference data written again in {writing:.1f} s", flush=True)
    server_rss = server.peak_rss_mb

    print()
    print(f"### Cold: first request of each endpoint on a fresh server (in this order; total {warmup:.1f} s)")
    print()
    print("| endpoint | kind | path | HTTP | bytes | cold ms |")
    print("|---|---|---|---:|---:|---:|")
    for endpoint, seconds, status, size in cold:
        print(f"| {endpoint.name} | {endpoint.kind} | `{endpoint.path}` | {status} | {size:,} | {ms(seconds)} |")
    print()
    if args.client == "vegeta":
        print(f"### Warm, under load: vegeta, {args.concurrency} workers for {args.max_seconds:g} s per endpoint")
    else:
        print(f"### Warm, under load: {args.requests} requests per endpoint, concurrency {args.concurrency}, "
              f"at most {args.max_seconds:g} s each (httpx threads)")
    print()
    print("| endpoint | kind | one at a time: p50 ms (n) | server CPU ms a request | client CPU ms a request | requests ok | errors "
          "| p50 ms | p95 ms | max ms | req/s | aim | met |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    misses = []
    for result in results:
        endpoint, lat = result.endpoint, result.latencies
        aim = aim_of(endpoint)
        p50, p95, top = (percentile(lat, 0.5), percentile(lat, 0.95), max(lat)) if lat else (float("nan"),) * 3
        if aim is None:
            met = ""
        else:
            met = "yes" if lat and not result.errors and p95 * 1000 < aim[1] else "**no**"
            if met != "yes":
                misses.append(endpoint.name)
        count = f"{len(lat)}" + (" (time cap)" if result.stopped_early else "")
        rate = len(lat) / result.wall if result.wall else 0.0
        alone = sequential.get(endpoint.name)
        alone_text = f"{ms(percentile(alone.latencies, 0.5))} ({len(alone.latencies)})" if alone and alone.latencies else "—"
        cpu_text = ms(result.server_cpu / len(lat)) if lat else "—"
        client_text = ms(result.client_cpu / len(lat)) if lat else "—"
        print(f"| {endpoint.name} | {endpoint.kind} | {alone_text} | {cpu_text} | {client_text} | {count} | {result.errors} | {ms(p50)} | {ms(p95)} | {ms(top)} | "
              f"{rate:,.1f} | {aim[0] if aim else '—'} | {met} |")
    print()
    print(f"- aims: lookups and {', '.join(ANSWERS_WITH_AIM)} p95 < 50 ms; the chain page < 1 s (judged on its p95 under load)"
          + (f"; **missed: {', '.join(misses)}**" if misses else "; all met"))
    print(f"- peak resident memory: server {server_rss:,.0f} MB, load generator {peak_rss_mb():,.0f} MB")
    print(f"- server garbage collections over the whole run: {server.gc_summary()}")
    if prepared:
        print()
        print(f"### After an import: each endpoint asked every {args.poll:g} s until it answered 200")
        print()
        print("| endpoint | 202 answers | slowest 202 ms | seconds until 200 | the 200's own ms | HTTP |")
        print("|---|---:|---:|---:|---:|---:|")
        for item in prepared:
            slowest = ms(max(item.preparing)) if item.preparing else "—"
            print(f"| {item.endpoint.name} | {len(item.preparing)} | {slowest} | {item.ready_after:,.1f} | {ms(item.last)} | {item.status or '—'} |")
        print()
    print(f"- command: {' '.join([Path(sys.executable).name, *sys.argv])}; code: {code_at_start}"
          + ("" if git_state() == code_at_start else f" (changed during the run, now {git_state()})"))

    if args.profile:
        by_name = {e.name: e.path for e in endpoints(args.chain, enterprise)}
        unknown = [name for name in args.profile if name not in by_name]
        if unknown:
            print(f"(no endpoint named {', '.join(unknown)} to profile; names: {', '.join(by_name)})")
        profile_requests(store_path, [by_name[name] for name in args.profile if name in by_name])


if __name__ == "__main__":
    main()

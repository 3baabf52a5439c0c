"""The Neo4j initial load: the bulk path (CSV + ``neo4j-admin database import full``,
``stores/neo4j_bulk.py``) against the driver path (``Neo4jStore.write``), rows = nodes + relationships.

Each load writes the demo's WriteBatches one after another in one thread (the generator runs
between two writes, outside the timed part, so nothing competes for the interpreter): the figure
is what the store ingests, as the ``store`` rows of ``bench_import.py``, without holding the 1M demo
in memory. For the bulk path the time is writing the CSV files plus ``finish`` (stop the server,
import, start it, constraints and indexes online, repeats, revision); the generator's
own time is printed beside it.

Needs a Neo4j of its own started by ``scripts/neo4j.sh`` (the bulk path stops and starts it, and the
database is reset between runs)::

    export CHAINATLAS_NEO4J_HOME=/tmp/neo4j-bench NEO4J_BOLT_PORT=7688 NEO4J_PAGECACHE_MB=1024 NEO4J_HEAP=2g
    bash scripts/neo4j.sh start
    .venv/bin/python bench/bench_neo4j_bulk.py --bulk-scales 100000 1000000 --driver-scales 100000

The server's settings for the restarts come from this environment (as they came for ``start``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def neo4j_sh(command: str) -> None:
    subprocess.run(["bash", str(REPO / "scripts" / "neo4j.sh"), command], check=True, stdout=subprocess.DEVNULL)


def fresh_store(uri: str):  # noqa: ANN201
    """An empty database (reset: the data folder deleted, the server started again) and a store on it."""
    from stores.neo4j_store import Neo4jStore

    neo4j_sh("reset")
    neo4j_sh("start")
    return Neo4jStore.connect(uri)


def load(store, batches, write) -> tuple[int, float, float]:  # noqa: ANN001
    """Write every batch with ``write``; (items, seconds inside write, seconds generating)."""
    items, writing, generating = 0, 0.0, 0.0
    mark = time.perf_counter()
    for batch in batches:
        started = time.perf_counter()
        generating += started - mark
        write(batch)
        mark = time.perf_counter()
        writing += mark - started
        items += len(batch)
    return items, writing, generating


def bulk_run(uri: str, scale: int, seed: int) -> dict:
    from loaders.demo import generate
    from stores.neo4j_bulk import initial_load

    store = fresh_store(uri)
    with initial_load(store, uri) as bulk:
        items, writing, generating = load(store, generate(scale, seed), bulk.store.write)
        started = time.perf_counter()
        summary = bulk.finish()
        finishing = time.perf_counter() - started
    counts = store.counts()
    store.close()
    seconds = writing + finishing
    return {"path": "bulk", "scale": scale, "items": items, "seconds": round(seconds, 1), "rows_per_s": round(items / seconds),
            "generator_s": round(generating, 1), "steps_s": {name: round(value, 1) for name, value in summary.seconds.items() if name != "total"},
            "stored": sum(counts.values()), "peak_rss_mb": round(peak_rss_mb())}


def driver_run(uri: str, scale: int, seed: int, warmup: int) -> dict:
    from loaders.demo import generate

    store = fresh_store(uri)
    store.ensure_schema()
    if warmup:  # a cold server is slow (docs/benchmarks.md): load and clear a small demo first
        load(store, generate(warmup, seed), store.write)
        store.clear()
    items, writing, generating = load(store, generate(scale, seed), store.write)
    counts = store.counts()
    store.close()
    return {"path": "driver", "scale": scale, "items": items, "seconds": round(writing, 1), "rows_per_s": round(items / writing),
            "generator_s": round(generating, 1), "stored": sum(counts.values()), "peak_rss_mb": round(peak_rss_mb())}


def csv_only(scale: int, seed: int) -> None:
    """CPU time of writing the CSV files alone (``ImportFiles.add``), the batches made first."""
    import tempfile

    from loaders.demo import generate
    from stores.neo4j_csv import ImportFiles

    batches = list(generate(scale, seed))
    with tempfile.TemporaryDirectory() as folder:
        files = ImportFiles(Path(folder))
        started = time.process_time()
        for batch in batches:
            files.add(batch)
        files.close()
        spent = time.process_time() - started
    print(f"CSV of the {scale:,}-enterprise demo: {files.items:,} rows, {spent:.2f} s of CPU, {spent / files.items * 1e6:.1f} µs a row")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bulk-scales", type=int, nargs="*", default=[100_000])
    parser.add_argument("--driver-scales", type=int, nargs="*", default=[100_000])
    parser.add_argument("--neo4j-warmup", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=8810)
    parser.add_argument("--neo4j-uri", default=f"bolt://127.0.0.1:{os.environ.get('NEO4J_BOLT_PORT', '7687')}")
    parser.add_argument("--csv-only", type=int, metavar="SCALE", help="only time writing the CSV files of this demo (CPU)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: one run in this process, as JSON
    args = parser.parse_args()
    if args.csv_only:
        csv_only(args.csv_only, args.seed)
        return
    if args.one:
        path, scale = args.one.split(":")
        result = (bulk_run(args.neo4j_uri, int(scale), args.seed) if path == "bulk"
                  else driver_run(args.neo4j_uri, int(scale), args.seed, args.neo4j_warmup))
        print(json.dumps(result, ensure_ascii=False))
        return
    runs = [f"bulk:{scale}" for scale in args.bulk_scales] + [f"driver:{scale}" for scale in args.driver_scales]
    print("| path | enterprises | rows | seconds | rows/s | generator (s, not counted) | steps (s) | peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|---:|---|---:|")
    for run in runs:  # each in a fresh process, so peak RSS is that run's
        done = subprocess.run([sys.executable, __file__, "--one", run, "--seed", str(args.seed), "--neo4j-uri", args.neo4j_uri,
                               "--neo4j-warmup", str(args.neo4j_warmup)], check=True, capture_output=True, text=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        steps = ", ".join(f"{name} {value}" for name, value in result.get("steps_s", {}).items())
        print(f"| {result['path']} | {result['scale']:,} | {result['items']:,} | {result['seconds']} | **{result['rows_per_s']:,}** | "
              f"{result['generator_s']} | {steps} | {result['peak_rss_mb']:,} |", flush=True)
    neo4j_sh("reset")


if __name__ == "__main__":
    main()

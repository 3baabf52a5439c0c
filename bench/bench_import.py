"""Import throughput into both stores at the 100k-enterprise scale, with peak memory.

Two paths are measured, each in a fresh process (so peak RSS belongs to that run alone):

- ``demo``: the demo generator streaming WriteBatches straight into the store
  (``loaders.demo.load_demo``); rows = nodes + relationships written.
- ``store``: the store alone: the demo's WriteBatches are generated first, in memory, then
  written one after another inside ``store.bulk_load`` as one import (pending, then published;
  what a store ingests per second, without any Python producer competing for the interpreter;
  peak RSS includes the batches held).
- ``again``: as ``store``, into a store that already holds the same demo (loaded first, not
  timed): every item is an update of an existing one, staged until the import is published — the
  heaviest publication.
- ``file``: the user-file import (``loaders.importer.import_files``) of a 企业名录 CSV and a
  供应关系 CSV holding the same demo data: read, validate everything, read again and write in
  chunks; rows = data rows of the two files (items written are reported too).

Usage (from the repository root)::

    .venv/bin/python bench/bench_import.py --scale 100000 --clear-neo4j
    .venv/bin/python bench/bench_import.py --scale 20000 --stores embedded --modes demo

Neo4j is reached at ``--neo4j-uri`` (default $NEO4J_URI or bolt://127.0.0.1:7687). The benchmark
empties that database before each Neo4j run, so it refuses to run against a non-empty database
unless ``--clear-neo4j`` is given; point it at a Neo4j of its own (``NEO4J_BOLT_PORT=7688
CHAINATLAS_NEO4J_HOME=/tmp/neo4j-bench bash scripts/neo4j.sh start``) when others share the default one.
Before the first Neo4j run the server is warmed up with a 20,000-enterprise demo, loaded and
cleared again (``--neo4j-warmup N``; 0 measures a freshly started server as it is).
Peak RSS is the Python process's; the Neo4j server's memory is not included.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def open_store(kind: str, workdir: Path, uri: str):  # noqa: ANN201
    if kind == "embedded":
        from stores.embedded import EmbeddedStore

        path = workdir / f"bench-{os.getpid()}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        store = EmbeddedStore(path)
    else:
        from stores.neo4j_store import Neo4jStore

        store = Neo4jStore.connect(uri, os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
        store.clear()
    store.ensure_schema()
    return store


def write_demo_csv(scale: int, seed: int, workdir: Path) -> tuple[Path, Path]:
    """The demo as the two importable CSV files (UTF-8 with BOM), streamed from the generator."""
    from graph_schema import Enterprise
    from loaders.catalogue import Catalogue
    from loaders.demo import _Generator  # the unbatched stream: an enterprise's relationships follow it

    enterprises_path = workdir / f"企业名录-{scale}-{seed}.csv"
    supplies_path = workdir / f"供应关系-{scale}-{seed}.csv"
    if enterprises_path.exists() and supplies_path.exists():
        return enterprises_path, supplies_path
    catalogue = Catalogue.from_reference()
    names: dict[str, str] = {}
    with enterprises_path.open("w", encoding="utf-8-sig", newline="") as ent_file, \
            supplies_path.open("w", encoding="utf-8-sig", newline="") as sup_file:
        ent = csv.writer(ent_file)
        sup = csv.writer(sup_file)
        ent.writerow(["企业名称", "国家/地区", "所在省份", "所在城市", "所在区县", "所在园区", "所属产业链", "主营产品",
                      "所属集群", "营业收入(亿元)", "企业标签", "是否本地", "示例数据", "数据日期"])
        sup.writerow(["供应方", "采购方", "产品", "占比", "金额(万元)", "可信度", "示例数据", "日期"])
        current: dict | None = None

        def flush() -> None:
            if current is None:
                return
            node = current["node"]
            chains = set(current["leads"])
            for product in current["products"]:
                chains |= catalogue.product_chains[product]
            ent.writerow([
                node.name, node.country, node.province, node.city, node.district, current["park"],
                "、".join(catalogue.name("chain", c) for c in sorted(chains)),
                "、".join(catalogue.name("product", p) for p in current["products"]),
                "、".join(catalogue.name("cluster", c) for c in current["clusters"]),
                node.revenue_yi, "、".join(node.tags), "是" if node.local else "否", "是", node.as_of,
            ])

        generator = _Generator(scale, seed, batch_size=1)
        for item in itertools.chain(generator.enterprises(), generator.supplies()):
            if isinstance(item, Enterprise):
                flush()
                names[item.id] = item.name
                current = {"node": item, "products": [], "leads": [], "clusters": [], "park": None}
            elif item.type == "PRODUCES":
                current["products"].append(item.dst)
            elif item.type == "LEADS":
                current["leads"].append(item.dst)
            elif item.type == "MEMBER_OF":
                current["clusters"].append(item.dst)
            elif item.type == "LOCATED_IN":
                current["park"] = catalogue.name("park", item.dst)
            elif item.type == "SUPPLIES":
                flush()
                current = None
                sup.writerow([names[item.src], names[item.dst], catalogue.name("product", item.product),
                              item.share, item.amount_wan, "推断", "是", item.as_of])
        flush()
    return enterprises_path, supplies_path


def worker(mode: str, kind: str, args: argparse.Namespace) -> dict:
    workdir = Path(args.workdir)
    store = open_store(kind, workdir, args.neo4j_uri)
    in_write = [0.0]
    write = store.write

    def timed_write(batch, **options) -> None:  # noqa: ANN001, ANN003
        before = time.perf_counter()
        write(batch, **options)
        in_write[0] += time.perf_counter() - before

    store.write = timed_write  # the time inside the store, apart from generating / reading / validating
    publish = [0.0]
    try:
        if mode in ("store", "again"):
            from loaders.demo import EXPECTED_ITEMS_PER_ENTERPRISE, generate

            batches = list(generate(args.scale, args.seed, batch_size=args.batch_size))  # built before timing
            if mode == "again":
                with store.bulk_load(args.scale * EXPECTED_ITEMS_PER_ENTERPRISE):
                    for batch in batches:
                        write(batch)
                in_write[0] = 0.0
            started = time.perf_counter()
            with store.bulk_load(args.scale * EXPECTED_ITEMS_PER_ENTERPRISE):
                write_as_import(store, batches, publish)
            seconds = time.perf_counter() - started
            rows = items = sum(len(batch) for batch in batches)
        elif mode == "demo":
            from loaders.demo import load_demo

            started = time.perf_counter()
            written = load_demo(store, args.scale, args.seed, batch_size=args.batch_size)
            seconds = time.perf_counter() - started
            rows = items = sum(written.values())
        else:
            from loaders.importer import import_files
            from loaders.reference import load_reference

            files = write_demo_csv(args.scale, args.seed, workdir)
            load_reference(store)
            in_write[0] = 0.0
            started = time.perf_counter()
            report = import_files(store, files, chunk_size=args.chunk_size)
            seconds = time.perf_counter() - started
            if not report.ok:
                raise SystemExit(report.summary())
            rows, items = report.rows_read, report.written
        counts = store.counts()
    finally:
        store.close()
    return {"mode": mode, "store": kind, "rows": rows, "items": items, "seconds": seconds,
            "rows_per_s": rows / seconds, "items_per_s": items / seconds, "write_seconds": in_write[0],
            "publish_seconds": publish[0],
            "write_items_per_s": items / in_write[0], "peak_rss_mb": peak_rss_mb(),
            "enterprises": counts["Enterprise"], "supplies": counts["SUPPLIES"]}


def write_as_import(store, batches: list, publish: list[float]) -> None:  # noqa: ANN001
    """Write ``batches`` as one import (pending, then published; ``publish[0]``: seconds publishing);
    plain writes at a commit from before imports were recorded (``stores.imports`` missing)."""
    try:
        from stores.imports import atomic_import
    except ImportError:
        for batch in batches:
            store.write(batch)
        return
    with atomic_import(store, "bench") as session:
        for batch in batches:
            session.write(batch)
        publish[0] = -time.perf_counter()
    publish[0] += time.perf_counter()


def warm_up_neo4j(uri: str, scale: int, seed: int) -> None:
    """Load a small demo into Neo4j and empty the database again (JVM warm-up, not measured).

    A freshly started server spends its first tens of seconds compiling the write path: at 50k
    enterprises the first load after a start measured 9,100–11,500 items/s, the next 16,000–17,000.
    """
    from loaders.demo import load_demo
    from stores.neo4j_store import Neo4jStore

    started = time.perf_counter()
    store = Neo4jStore.connect(uri)
    store.clear()
    store.ensure_schema()
    load_demo(store, scale=scale, seed=seed + 1)
    store.clear()
    store.close()
    print(f"# Neo4j warmed up with a {scale:,}-enterprise demo in {time.perf_counter() - started:.1f}s", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100_000, help="enterprises (default 100000)")
    parser.add_argument("--seed", type=int, default=8810)
    parser.add_argument("--batch-size", type=int, default=20000, help="demo: items per transaction")
    parser.add_argument("--chunk-size", type=int, default=20000, help="file import: items per transaction")
    parser.add_argument("--stores", default="embedded,neo4j")
    parser.add_argument("--modes", default="store,demo,file")
    parser.add_argument("--neo4j-uri", default=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"))
    parser.add_argument("--clear-neo4j", action="store_true", help="allow emptying a non-empty Neo4j database")
    parser.add_argument("--neo4j-warmup", type=int, default=20_000, metavar="N",
                        help="load (then clear) an N-enterprise demo into Neo4j first, so the measured runs "
                             "meet a server whose JIT has compiled the write path; 0 to measure a cold server")
    parser.add_argument("--workdir", default=None, help="where the SQLite files and CSVs go (default: a temp dir)")
    parser.add_argument("--worker", nargs=2, metavar=("MODE", "STORE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker, args)))
        return
    args.workdir = args.workdir or tempfile.mkdtemp(prefix="chainatlas-bench-")
    stores = [s for s in args.stores.split(",") if s]
    modes = [m for m in args.modes.split(",") if m]
    if "neo4j" in stores and not args.clear_neo4j:
        from stores.neo4j_store import Neo4jStore

        probe = Neo4jStore.connect(args.neo4j_uri)
        busy = sum(probe.counts().values())
        probe.close()
        if busy:
            raise SystemExit(f"Neo4j at {args.neo4j_uri} holds {busy} nodes/relationships; "
                             "the benchmark empties it — rerun with --clear-neo4j or use a Neo4j of its own")
    if "file" in modes:
        started = time.perf_counter()
        files = write_demo_csv(args.scale, args.seed, Path(args.workdir))
        print(f"# CSV files written in {time.perf_counter() - started:.1f}s: "
              + ", ".join(f"{f.name} ({f.stat().st_size / 1e6:.1f} MB)" for f in files), file=sys.stderr)
    if "neo4j" in stores and args.neo4j_warmup:
        warm_up_neo4j(args.neo4j_uri, args.neo4j_warmup, args.seed)
    results = []
    for mode in modes:
        for kind in stores:
            command = [sys.executable, __file__, "--worker", mode, kind, "--scale", str(args.scale), "--seed",
                       str(args.seed), "--batch-size", str(args.batch_size), "--chunk-size", str(args.chunk_size),
                       "--neo4j-uri", args.neo4j_uri, "--workdir", args.workdir]
            print(f"# running {mode} → {kind} …", file=sys.stderr)
            out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=REPO).stdout
            results.append(json.loads(out.strip().splitlines()[-1]))
    print(f"\nscale={args.scale} enterprises, seed={args.seed}, demo batch={args.batch_size}, "
          f"file chunk={args.chunk_size}, python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    print("| path | store | rows | items written | seconds | rows/s | items/s | in store.write (s) | "
          "items/s in store.write | publishing (s) | peak RSS (MB) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['mode']} | {r['store']} | {r['rows']:,} | {r['items']:,} | {r['seconds']:.1f} | "
              f"{r['rows_per_s']:,.0f} | {r['items_per_s']:,.0f} | {r['write_seconds']:.1f} | "
              f"{r['write_items_per_s']:,.0f} | {r['publish_seconds']:.2f} | {r['peak_rss_mb']:.0f} |")
    print("\nrows: store, again and demo = nodes + relationships written; file = data rows of the two CSV files. "
          "items/s in store.write = items / time spent inside the store's write(); publishing = the publication "
          "of the store and again paths' import (within seconds).")


if __name__ == "__main__":
    main()

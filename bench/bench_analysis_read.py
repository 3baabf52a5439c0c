"""How long reading a chain (or the whole graph) for analysis takes: ``store.analysis_columns`` and
``queries.compact.project_compact``, with the CPU time of this process and of the Neo4j server.

One process per store and per code version (``--code``: the checkout whose ``stores`` / ``queries``
are imported, for paired runs of two versions over the same data). The server's CPU is its
process's user + system time from ``/proc/PID/stat`` before and after each read (what
``ps -o cputime`` shows, in clock ticks instead of whole seconds).

Usage::

    .venv/bin/python bench/bench_analysis_read.py --store neo4j --neo4j-uri bolt://127.0.0.1:7694 \
        --server-pid "$(cat /work/neo4j-n17/neo4j.pid)" --chains chain:electronic-info --rounds 2
    .venv/bin/python bench/bench_analysis_read.py --store embedded --path /work/n17c-emb/chainatlas.sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any


def server_cpu(pid: int | None) -> float:
    """User + system seconds of process ``pid`` (0 without one)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def columns_digest(columns: Any) -> str:
    """SHA-256 of analysis columns: the nodes' numbering, order and typed values, and each type's
    relationships as sorted rows of ends, key and typed values (the stores walk them in other orders)."""
    import hashlib

    def typed(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [type(value).__name__, [typed(item) for item in value]]
        if isinstance(value, dict):
            return ["dict", sorted([key, typed(item)] for key, item in value.items())]
        return [type(value).__name__, value]

    nodes = {label: [part.start, part.ids, {name: [typed(v) for v in values] for name, values in part.fields.items()}]
             for label, part in columns.nodes.items()}
    rels = {rel_type: sorted(map(repr, zip(part.src, part.dst, part.keys, *[[typed(v) for v in vs] for vs in part.fields.values()],
                                           strict=True)))
            for rel_type, part in columns.rels.items()}
    return hashlib.sha256(json.dumps([columns.ids, nodes, rels], ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("embedded", "neo4j"), required=True)
    parser.add_argument("--path", help="the embedded store's file")
    parser.add_argument("--neo4j-uri", default="bolt://127.0.0.1:7687")
    parser.add_argument("--server-pid", type=int, help="the Neo4j server's process id, for its CPU time")
    parser.add_argument("--code", default=str(Path(__file__).resolve().parents[1]), help="the checkout to import")
    parser.add_argument("--chains", nargs="+", default=["chain:electronic-info", "all"], help="chain ids; 'all': the whole graph")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--what", choices=("columns", "compact", "both"), default="both")
    parser.add_argument("--digest", action="store_true", help="print the digest of each chain's columns (columns_digest), untimed")
    args = parser.parse_args()
    sys.path.insert(0, args.code)
    from queries.compact import project_compact
    from stores.embedded import EmbeddedStore
    from stores.neo4j_store import Neo4jStore

    store: Any = EmbeddedStore(args.path) if args.store == "embedded" else Neo4jStore.connect(args.neo4j_uri)
    steps = {"columns": lambda chain: store.analysis_columns(chain), "compact": lambda chain: project_compact(store, chain)}
    chosen = list(steps) if args.what == "both" else [args.what]
    if args.digest:
        for chain_arg in args.chains:
            print(json.dumps({"store": args.store, "chain": chain_arg,
                              "digest": columns_digest(store.analysis_columns(None if chain_arg == "all" else chain_arg))}), flush=True)
        return
    for round_number in range(1, args.rounds + 1):
        for chain_arg in args.chains:
            chain = None if chain_arg == "all" else chain_arg
            for name in chosen:
                server_before, cpu_before, started = server_cpu(args.server_pid), time.process_time(), time.perf_counter()
                result = steps[name](chain)
                wall, cpu = time.perf_counter() - started, time.process_time() - cpu_before
                size = len(result.ids)
                print(json.dumps({"code": args.code, "store": args.store, "round": round_number, "chain": chain_arg, "step": name,
                                  "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                                  "server_cpu_s": round(server_cpu(args.server_pid) - server_before, 2), "nodes": size,
                                  "load": os.getloadavg()[0]}), flush=True)
    store.close()


if __name__ == "__main__":
    main()

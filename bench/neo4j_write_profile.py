"""Where a Neo4j load spends its time: per statement shape, the rest (commit), and CPU per process.

Generates the demo's WriteBatches first, empties the database, then writes them with
``Neo4jStore.write`` while timing every ``UNWIND … MERGE`` statement (sending the rows until the
server's answer). What is left of the write time is the commit plus preparing the rows. CPU seconds
of the Neo4j server (read from ``/proc`` through ``--server-pid``) and of this process show which
side is busy.

Usage (a Neo4j of its own; see bench_import.py; run it twice, the first load after a start is slow)::

    .venv/bin/python bench/neo4j_write_profile.py --scale 50000 --neo4j-uri bolt://127.0.0.1:7688 \\
        --server-pid "$(cat /tmp/neo4j-bench/neo4j.pid)"
"""

from __future__ import annotations

import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    import neo4j

    from loaders.demo import generate
    from neo4j_bench import empty_store, neo4j_arguments

    parser = neo4j_arguments(__doc__, default_scale=50_000)
    parser.add_argument("--server-pid", type=int, default=None, help="the Neo4j server's pid, for its CPU time")
    args = parser.parse_args()

    with empty_store(args.neo4j_uri) as store:
        batches = list(generate(args.scale, args.seed))
        seconds: dict[str, float] = defaultdict(float)
        rows: dict[str, int] = defaultdict(int)
        plain_run = neo4j.ManagedTransaction.run

        def timed_run(tx, query, **params):  # noqa: ANN001, ANN202
            shape = query.split("MERGE ", 1)[1].split(" SET", 1)[0] if "MERGE " in query else query[:48]
            started = time.perf_counter()
            result = plain_run(tx, query, **params)
            records = result.to_eager_result()  # wait for the server's answer
            seconds[shape] += time.perf_counter() - started
            rows[shape] += len(params.get("rows", ()))
            return _Answered(records)

        neo4j.ManagedTransaction.run = timed_run
        server_before = process_cpu_seconds(args.server_pid) if args.server_pid else None
        cpu_before = time.process_time()
        started = time.perf_counter()
        for batch in batches:
            store.write(batch)
        total = time.perf_counter() - started
        neo4j.ManagedTransaction.run = plain_run
        items = sum(len(b.nodes) + len(b.relationships) for b in batches)
        in_statements = sum(seconds.values())
        print(f"{items:,} items in {total:.1f} s: {items / total:,.0f} items/s (scale {args.scale:,})")
        print(f"statements {in_statements:.1f} s, commit and row preparation {total - in_statements:.1f} s")
        if server_before is not None:
            print(f"CPU: server {process_cpu_seconds(args.server_pid) - server_before:.1f} s, "
                  f"this process {time.process_time() - cpu_before:.1f} s")
        for shape in sorted(seconds, key=seconds.get, reverse=True):
            if rows[shape]:
                print(f"{shape:48s} {rows[shape]:>9,} rows {seconds[shape]:6.1f} s {rows[shape] / seconds[shape]:>9,.0f}/s")


class _Answered:
    """What ``tx.run`` returns here: the records already fetched, read like a Result."""

    def __init__(self, eager: neo4j.EagerResult) -> None:  # noqa: F821
        self._records = eager.records

    def consume(self) -> None:
        return None

    def single(self):  # noqa: ANN201
        return self._records[0] if self._records else None


if __name__ == "__main__":
    main()

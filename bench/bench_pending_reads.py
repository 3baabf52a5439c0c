"""What readers pay for imports that are seen whole or not at all (``stores.imports``).

Loads the demo (``--scale`` enterprises) into each store, then times the read paths of the
interface (median of ``--repeat`` runs) twice: with no import pending — the usual case — and while
an import is pending that has written ``--pending`` items (half new enterprises, half new values
for stored ones), which every read must leave out. The import is rolled back afterwards (timed).

Usage (from the repository root)::

    .venv/bin/python bench/bench_pending_reads.py --scale 20000 --neo4j-uri bolt://127.0.0.1:7688

Neo4j is emptied first: point ``--neo4j-uri`` at a Neo4j of the benchmark's own.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def timed(work: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def pending_batch(store, count: int):  # noqa: ANN001, ANN201
    """``count`` items: new enterprises and new revenues for stored ones."""
    from graph_schema import Enterprise
    from stores.base import WriteBatch

    stored = store.list_nodes("Enterprise", limit=count // 2)
    batch = WriteBatch()
    for number, node in enumerate(stored):
        fields = {key: value for key, value in node.items() if key != "label"}
        batch.nodes.append(Enterprise.model_validate({**fields, "revenue_yi": (fields.get("revenue_yi") or 0) + 1 + number}))
    batch.nodes += [Enterprise(id=f"ent:bench-pending-{number}", name=f"待发布企业{number}") for number in range(count - len(stored))]
    return batch


def measure(store, args: argparse.Namespace) -> dict[str, float]:  # noqa: ANN001
    from stores.base import NeighbourhoodQuery

    chain = "chain:new-energy"
    firm = store.list_nodes("Enterprise", limit=1)[0]["id"]
    reads: dict[str, Callable[[], object]] = {
        "counts": store.counts,
        "get_node": lambda: store.get_node(firm),
        "search 科技": lambda: store.search("科技"),
        "neighbourhood, 2 hops": lambda: store.neighbourhood(NeighbourhoodQuery([firm], 2)),
        "project(chain)": lambda: store.project(chain),
        "project()": store.project,
    }
    return {name: timed(work, args.repeat) for name, work in reads.items()}


def run(kind: str, args: argparse.Namespace) -> None:
    from loaders.demo import load_demo
    from stores.imports import current_owner

    if kind == "embedded":
        from stores.embedded import EmbeddedStore

        store = EmbeddedStore(Path(tempfile.mkdtemp(prefix="chainatlas-bench-")) / "reads.sqlite")
    else:
        from stores.neo4j_store import Neo4jStore

        store = Neo4jStore.connect(args.neo4j_uri)
        store.clear()
    store.ensure_schema()
    load_demo(store, args.scale, args.seed)
    quiet = measure(store, args)
    number = store.begin_import("bench", current_owner("bench"), is_live=lambda record: False)
    store.write(pending_batch(store, args.pending), pending=number)
    busy = measure(store, args)
    started = time.perf_counter()
    counts = store.rollback_import(number)
    rollback = time.perf_counter() - started
    store.close()
    for name in quiet:
        print(f"| {kind} | {name} | {quiet[name] * 1000:,.1f} | {busy[name] * 1000:,.1f} |")
    print(f"| {kind} | rollback of the pending import ({counts.total:,} items) | | {rollback * 1000:,.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=8810)
    parser.add_argument("--pending", type=int, default=4000, help="items the pending import has written")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--stores", default="embedded,neo4j")
    parser.add_argument("--neo4j-uri", default=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"))
    args = parser.parse_args()
    print(f"scale={args.scale} enterprises, pending import of {args.pending:,} items, median of {args.repeat}\n")
    print("| store | read | no import pending (ms) | an import pending (ms) |")
    print("|---|---|---:|---:|")
    for kind in args.stores.split(","):
        run(kind, args)


if __name__ == "__main__":
    main()

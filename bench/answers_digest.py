"""Record, or compare with a recorded run, a digest of every analysis's answer on a store.

Usage::

    export CHAINATLAS_DATA_DIR=/tmp/compact17-100k      # a store holding the demo (chainatlas demo --scale 100000)
    .venv/bin/python bench/answers_digest.py --output /tmp/digest-main.json
    .venv/bin/python bench/answers_digest.py --compare /tmp/digest-main.json   # exit 1 when any answer differs

The answers are those of ``queries.answer_digest`` (every chain: chain map, gaps, candidates for
each gap product, critical dependencies, disruption of seeded firms / a park / a province / a
country, indices, facilities, the lists; then the whole graph), each on the store's projection
(``--graph``: ``networkx``, what ``store.project`` returns; ``compact``, ``queries.compact.project_compact``). The JSON file holds one SHA-256 per
answer and what it was made from (store, counts, commit, seconds).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.settings import load_settings  # noqa: E402
from queries.answer_digest import answer_digests  # noqa: E402
from queries.compact import project_compact  # noqa: E402
from queries.memberships import chain_ids  # noqa: E402
from stores.base import GraphStore  # noqa: E402
from stores.factory import open_store  # noqa: E402

GRAPHS = ("networkx", "compact")


def projector(store: GraphStore, kind: str) -> Any:
    """``project(chain_id)`` of the store in the way ``kind`` names."""
    if kind == "networkx":
        return store.project
    if kind == "compact":
        return lambda chain: project_compact(store, chain)
    raise ValueError(f"unknown graph kind {kind!r}; choose one of {', '.join(GRAPHS)}")


def git_commit() -> str:
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=False)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True, check=False)
    return done.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, help="write the digests to this JSON file")
    parser.add_argument("--compare", type=Path, help="compare with the digests recorded in this JSON file")
    parser.add_argument("--graph", choices=GRAPHS, default="networkx", help="how the analyses get the graph")
    parser.add_argument("--seed", type=int, default=8810, help="chooses the firms whose disruption is simulated")
    parser.add_argument("--no-targets", action="store_true", help="leave out the recruitment targets (the slowest list)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()

    settings = load_settings()
    store = open_store(settings.store_config())
    started = time.perf_counter()
    try:
        project = projector(store, args.graph)
        chains = chain_ids(store.project(None)) if args.graph == "networkx" else sorted(n["id"] for n in store.list_nodes("Chain"))

        def say(name: str) -> None:
            if not args.quiet:
                print(f"  {time.perf_counter() - started:7.1f} s  {name}", file=sys.stderr, flush=True)

        digests = answer_digests(project, chains, seed=args.seed, targets=not args.no_targets, progress=say)
        counts = store.counts()
    finally:
        store.close()
    record = {
        "store": settings.store_description(), "counts": counts, "graph": args.graph, "seed": args.seed,
        "targets": not args.no_targets, "commit": git_commit(), "seconds": round(time.perf_counter() - started, 1),
        "digests": digests,
    }
    print(f"{len(digests)} answers digested in {record['seconds']} s ({args.graph}, {settings.store_description()})")
    if args.output:
        args.output.write_text(json.dumps(record, ensure_ascii=False, indent=1), "utf-8")
        print(f"written: {args.output}")
    if args.compare:
        recorded = json.loads(args.compare.read_text("utf-8"))["digests"]
        differ = sorted(name for name in recorded.keys() & digests.keys() if recorded[name] != digests[name])
        missing, extra = sorted(recorded.keys() - digests.keys()), sorted(digests.keys() - recorded.keys())
        for name in differ:
            print(f"DIFFERS: {name}")
        for name in missing:
            print(f"MISSING: {name}")
        for name in extra:
            print(f"NEW: {name}")
        same = len(recorded.keys() & digests.keys()) - len(differ)
        print(f"{same} of {len(recorded)} recorded answers unchanged; {len(differ)} differ, {len(missing)} missing, {len(extra)} new")
        return 1 if differ or missing or extra else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Time the Apple supplier list import (2012–2022, 7,558 facility rows) into a fresh store, then the
same import again (every year already observed: nothing changes) and the 2021 → 2022 diff.

Usage (from the repository root; the data are read from ../shared/realdata)::

    .venv/bin/python bench/bench_apple.py                                  # embedded store
    .venv/bin/python bench/bench_apple.py --neo4j-uri bolt://127.0.0.1:7708 --clear-neo4j

The Neo4j run empties that database first, so it needs ``--clear-neo4j``; point it at a Neo4j of
its own. Prints one JSON line per store.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loaders.realdata import import_apple  # noqa: E402
from queries.changes import diff_as_of  # noqa: E402
from stores.base import GraphStore  # noqa: E402


def measure(store: GraphStore, name: str) -> dict[str, object]:
    store.ensure_schema()
    started = time.perf_counter()
    report = import_apple(store)
    first = time.perf_counter() - started
    assert report.ok, report.summary()
    counts = store.counts()
    started = time.perf_counter()
    assert import_apple(store).ok
    again = time.perf_counter() - started
    assert store.counts() == counts
    started = time.perf_counter()
    tally = diff_as_of(store.project(), "2021-12-31", "2022-12-31").tally()
    diff = time.perf_counter() - started
    return {
        "store": name, "import_s": round(first, 2), "reimport_s": round(again, 2), "project_and_diff_s": round(diff, 2),
        "enterprises": counts["Enterprise"], "facilities": counts["Facility"], "links": counts["SUPPLIES"],
        "suppliers_added_2022": tally.suppliers_added, "suppliers_dropped_2022": tally.suppliers_dropped,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neo4j-uri", default=None)
    parser.add_argument("--clear-neo4j", action="store_true")
    args = parser.parse_args()
    from stores.embedded import EmbeddedStore

    with tempfile.TemporaryDirectory() as folder:
        store = EmbeddedStore(Path(folder) / "apple.sqlite")
        print(json.dumps(measure(store, "embedded"), ensure_ascii=False))
        store.close()
    if args.neo4j_uri:
        from stores.neo4j_store import Neo4jStore

        neo = Neo4jStore.connect(args.neo4j_uri, "neo4j", "")
        if sum(neo.counts().values()) and not args.clear_neo4j:
            raise SystemExit("the Neo4j database is not empty: pass --clear-neo4j to empty it first")
        neo.clear()
        print(json.dumps(measure(neo, "neo4j"), ensure_ascii=False))
        neo.clear()
        neo.close()


if __name__ == "__main__":
    main()

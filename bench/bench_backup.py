"""Backup and restore of the 100k-enterprise demo: times, file size and the content digest before
the backup and after the restore (they must be identical), per store.

For each store: load the demo into an empty store, ``backup`` it, empty the store (embedded: a new
file; Neo4j: ``clear``), ``restore`` the file, and compare the digests.

Usage (from the repository root)::

    .venv/bin/python bench/bench_backup.py --scale 100000
    NEO4J_URI=bolt://127.0.0.1:7709 .venv/bin/python bench/bench_backup.py --scale 100000 --stores neo4j --clear-neo4j

Neo4j's database is emptied, so ``--clear-neo4j`` is required for it: point it at a Neo4j of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph_schema.errors import ChainAtlasError  # noqa: E402
from loaders.demo import load_demo  # noqa: E402
from stores.backup import backup, content_digest, restore  # noqa: E402
from stores.base import GraphStore  # noqa: E402
from stores.embedded import EmbeddedStore  # noqa: E402


def timed(label: str, figures: dict[str, object], work):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = work()
    figures[label] = round(time.perf_counter() - started, 1)
    return result


def round_trip(kind: str, scale: int, folder: Path, neo4j_uri: str) -> dict[str, object]:
    figures: dict[str, object] = {"store": kind, "scale": scale}
    store: GraphStore
    if kind == "embedded":
        store = EmbeddedStore(folder / "source.sqlite")
    else:
        from stores.neo4j_store import Neo4jStore

        store = Neo4jStore.connect(neo4j_uri)
        store.clear()
    store.ensure_schema()
    timed("load_s", figures, lambda: load_demo(store, scale))
    before = timed("digest_s", figures, lambda: content_digest(store))
    path = folder / f"{kind}.chainatlas"
    info = timed("backup_s", figures, lambda: backup(store, path))
    figures.update(nodes=info.nodes, relationships=info.relationships, file_mb=round(path.stat().st_size / 2**20, 1))
    if kind == "embedded":
        store.close()
        store = EmbeddedStore(folder / "restored.sqlite")
        store.ensure_schema()
    else:
        store.clear()
    try:
        timed("restore_s", figures, lambda: restore(store, path))
    except ChainAtlasError as exc:  # e.g. Neo4j's transaction memory: the one-transaction restore changed nothing
        figures.update(restore_error=str(exc)[:300], left_empty=sum(store.counts().values()) == 0)
        store.close()
        return figures
    after = content_digest(store)
    store.close()
    figures.update(digest_before=before, digest_backup=info.digest, digest_after=after, identical=before == info.digest == after)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--stores", default="embedded", help="embedded,neo4j")
    parser.add_argument("--neo4j-uri", default=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"))
    parser.add_argument("--clear-neo4j", action="store_true")
    args = parser.parse_args()
    kinds = args.stores.split(",")
    if "neo4j" in kinds and not args.clear_neo4j:
        parser.error("the Neo4j run empties the database: give --clear-neo4j (and a Neo4j of its own)")
    with tempfile.TemporaryDirectory(prefix="chainatlas-bench-backup-") as folder:
        for kind in kinds:
            print(json.dumps(round_trip(kind, args.scale, Path(folder), args.neo4j_uri), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()

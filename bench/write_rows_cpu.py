"""CPU time of the embedded store's row writer alone (issue 17, item 5): SQLite's inserts, the
typed analysis columns, the commit and the index builds at the end of the bulk load.

The demo's rows (``loaders.demo_rows``) are made first, in memory, then written into a fresh
embedded store (the reference data first) in one import inside ``bulk_load``, each batch through
``ImportSession.write_rows``, all in this thread: ``time.process_time`` of the writing is the
store's own work, without the validation or the generator. Prints one JSON line (CPU and wall
seconds of the writing, rows, peak RSS, the content digest unless ``--no-digest``). Run base and
new trees alternately; ``--tree`` puts another checkout first on ``sys.path``:

    .venv/bin/python bench/write_rows_cpu.py --scale 100000 --tree /tmp/base
    .venv/bin/python bench/write_rows_cpu.py --scale 100000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=8810)
    parser.add_argument("--batch-size", type=int, default=100_000)
    parser.add_argument("--tree", default=None, help="a checkout to import the code from (default: this one)")
    parser.add_argument("--no-digest", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.tree or Path(__file__).resolve().parent.parent).resolve()))

    from loaders.demo import EXPECTED_ITEMS_PER_ENTERPRISE, _Generator
    from loaders.demo_rows import row_batches
    from loaders.reference import reference_batch
    from stores.backup import content_digest
    from stores.embedded import EmbeddedStore
    from stores.imports import atomic_import

    batches = list(row_batches(_Generator(args.scale, args.seed, args.batch_size)))
    rows = sum(map(len, batches))
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as workdir:
        store = EmbeddedStore(Path(workdir) / "rows.sqlite")
        store.ensure_schema()
        with atomic_import(store, "rows") as session, store.bulk_load(args.scale * EXPECTED_ITEMS_PER_ENTERPRISE):
            session.write(reference_batch())
            cpu, wall = time.process_time(), time.perf_counter()
            for batch in batches:
                session.write_rows(batch)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall  # the index builds and publishing included
        print(json.dumps({
            "tree": args.tree or "this", "rows": rows, "cpu_s": round(cpu, 2), "wall_s": round(wall, 2),
            "rows_per_cpu_s": round(rows / cpu), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "digest": None if args.no_digest else content_digest(store), "load": round(os.getloadavg()[0], 1),
        }))
        store.close()


if __name__ == "__main__":
    main()

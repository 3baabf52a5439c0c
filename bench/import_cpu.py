"""CPU time of the validating file import into a fresh embedded store (issue 17, item 5).

Imports the given CSV files (e.g. the two written by ``bench/bench_import.py --modes file``) into a
new embedded store with the reference data loaded, and prints one JSON line: wall and CPU seconds
(``time.process_time``: the whole process, the writer thread included), rows per second of each,
items written, peak RSS and the store's content digest. On shared cores the CPU figure is the one
to compare; run base and new trees back to back, alternating:

    PYTHONPATH=/tmp/base .venv/bin/python bench/import_cpu.py 企业名录.csv 供应关系.csv --tree /tmp/base
    .venv/bin/python bench/import_cpu.py 企业名录.csv 供应关系.csv

``--tree`` puts another checkout first on ``sys.path`` (so the same script measures a base commit).
``--profile FILE`` writes a cProfile of the import.
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
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--tree", default=None, help="a checkout to import the code from (default: this one)")
    parser.add_argument("--chunk-size", type=int, default=20000)
    parser.add_argument("--profile", default=None, help="write a cProfile of the import to this file")
    parser.add_argument("--no-digest", action="store_true", help="skip the content digest")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.tree or Path(__file__).resolve().parent.parent).resolve()))

    from loaders.importer import import_files
    from loaders.reference import load_reference
    from stores.backup import content_digest
    from stores.embedded import EmbeddedStore

    with tempfile.TemporaryDirectory() as workdir:
        store = EmbeddedStore(Path(workdir) / "import.sqlite")
        store.ensure_schema()
        load_reference(store)
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        cpu, wall = time.process_time(), time.perf_counter()
        report = import_files(store, args.files, chunk_size=args.chunk_size)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
        if not report.ok:
            raise SystemExit(report.summary())
        digest = None if args.no_digest else content_digest(store)
        store.close()
    rows = report.rows_read
    print(json.dumps({
        "tree": args.tree or "here", "rows": rows, "items": report.written, "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2), "rows_per_s": round(rows / wall), "rows_per_cpu_s": round(rows / cpu),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "problems": len(report.problems), "digest": digest, "load": round(os.getloadavg()[0], 1),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()

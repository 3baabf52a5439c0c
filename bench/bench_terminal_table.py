"""The table printer (``app/terminal_table.py``) on the tables of ``chainatlas risks --chain 新能源``:
the lines laid out from cells wrapped once (``table_lines``, now) against rich's ``Table``
(``rich_table_lines``, before), same output checked, beside the time of the analysis itself.

Usage (a demo store of its own, built once and kept in ``--store``)::

    .venv/bin/python bench/bench_terminal_table.py --scale 100000 --store /tmp/bench-table-100k.sqlite
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--store", type=Path, default=Path("/tmp/bench-table.sqlite"))
    parser.add_argument("--chain", default="新能源")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import app.terminal_table as printer
    from app.cli.session import Session
    from app.output import result_tables
    from loaders.demo import load_demo
    from queries.risks import critical_dependencies
    from queries.view import chain_view
    from stores.embedded import EmbeddedStore

    fresh = not args.store.exists()
    store = EmbeddedStore(args.store)
    store.ensure_schema()
    if fresh:
        load_demo(store, args.scale)
    session = Session(store)
    chain_id = session.chain(args.chain)
    started = time.perf_counter()
    report = session.run(chain_id, lambda graph: critical_dependencies(chain_view(graph, chain_id), chain_id))
    analysis = time.perf_counter() - started
    tables = result_tables(report)
    main_rows = next(iter(tables.values()))

    def timed(lay_out: object) -> tuple[float, str]:
        printer.table_lines = lay_out  # type: ignore[assignment]  # the printer looks it up at each call
        times, text = [], ""
        for _ in range(args.repeat):
            began = time.perf_counter()
            text = printer.terminal_table(main_rows, names=session.names)
            times.append(time.perf_counter() - began)
        return statistics.median(times), text

    new_layout = printer.table_lines
    before, before_text = timed(printer.rich_table_lines)
    after, after_text = timed(new_layout)
    assert after_text == before_text, "the two layouts differ"
    cells = min(len(main_rows), printer.ROW_LIMIT) * len(main_rows[0])
    print(f"store {args.store} ({args.scale:,} enterprises), chain {args.chain}: {len(main_rows):,} rows in the main table, "
          f"{min(len(main_rows), printer.ROW_LIMIT)} printed, ~{cells:,} cells; output identical ({len(after_text.encode()):,} bytes)")
    print(f"analysis (projection + critical_dependencies): {analysis:.2f} s")
    print(f"| table printer | median of {args.repeat} (s) | share of analysis + printing |")
    print("|---|---:|---:|")
    print(f"| rich Table (before) | {before:.3f} | {before / (analysis + before):.0%} |")
    print(f"| cells wrapped once (after) | {after:.3f} | {after / (analysis + after):.0%} |")
    store.close()


if __name__ == "__main__":
    main()

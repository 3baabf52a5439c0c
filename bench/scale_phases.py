"""Peak memory and time, step by step, of the analyses on the whole graph or one chain.

Usage::

    CHAINATLAS_DATA_DIR=/tmp/chainatlas-1m .venv/bin/python bench/scale_phases.py            # the whole graph
    CHAINATLAS_DATA_DIR=/tmp/chainatlas-180k .venv/bin/python bench/scale_phases.py chain:electronic-info

One process (the garbage collector paused, as the library's entry points run): after each step it
prints the resident memory now and at its peak so far (``ru_maxrss``), and the wall and CPU time —
the analysis columns read from the store, the compact graph, the view and its supply index, then
each part of the critical-dependency report and the gap reports, as ``bench/scale.py``'s
``ours-whole`` / ``ours-chain`` compute them. The merged list (``critical_dependencies``) computes its
four parts again: its step's time includes them, its memory is what the list and its impacts add.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    from app.settings import load_settings
    from queries.collector import gc_paused
    from queries.compact import OUTSIDE_NAMES, CompactGraph
    from queries.gaps import gap_report
    from queries.memberships import chain_ids
    from queries.risks import chokepoints, concentration, critical_dependencies, cut_points, sole_sources
    from queries.view import chain_view
    from stores.factory import open_store

    started, cpu_started = time.perf_counter(), time.process_time()

    def mark(step: str) -> None:
        with open("/proc/self/statm") as statm:
            now = int(statm.read().split()[1]) * resource.getpagesize() / 2**20
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{step:32s} RSS {now:7,.0f} MB  peak {peak:7,.0f} MB  wall {time.perf_counter() - started:7.2f} s"
              f"  CPU {time.process_time() - cpu_started:7.2f} s", flush=True)

    chain = sys.argv[1] if len(sys.argv) > 1 else None
    store = open_store(load_settings().store_config())
    mark("imported, store open")
    with gc_paused():
        columns = store.analysis_columns(chain)
        mark("analysis columns")
        graph = CompactGraph(columns)
        if chain is not None:
            graph.graph[OUTSIDE_NAMES] = graph.outside_names(lambda ids: [node for i in sorted(ids) if (node := store.get_node(i))])
        del columns
        mark("compact graph")
        view = chain_view(graph, chain)
        mark("view")
        _ = view.supply, view.customers, view.network
        mark("view: supply, customers, network")
        for step, analysis in (("sole sources", sole_sources), ("chokepoints", chokepoints), ("cut points", cut_points),
                               ("concentration", concentration), ("merged list (impacts)", critical_dependencies)):
            analysis(view)
            mark(step)
        for chain_id in chain_ids(view) if chain is None else [chain]:
            gap_report(view, chain_id)
        mark("gap reports")
    store.close()


if __name__ == "__main__":
    main()

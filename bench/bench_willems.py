"""Benchmark the analyses on the 38 real Willems (2008) stage networks: chokepoints into every final
stage (4,580 targets, no 链主), each on its own upstream, against the whole-network dominator tree
per target that it replaces.

Usage::

    .venv/bin/python bench/bench_willems.py              # import into a temporary embedded store, then time
    .venv/bin/python bench/bench_willems.py --repeat 5

The data are read from ``$CHAINATLAS_SHARED_DIR/realdata`` (``loaders.realdata``). Timed on the
projection of the whole graph (every chain, 15,872 stages, 43,589 arcs), with the view already
built (as the app holds it): ``chokepoints`` (igraph and networkx backends), the old per-target
dominator tree over the whole network (igraph), and the whole critical-dependency report. Prints a
markdown table (median of ``--repeat`` runs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loaders.realdata import import_willems  # noqa: E402
from queries.collector import gc_paused  # noqa: E402
from queries.fast import dominator_tree  # noqa: E402
from queries.risks import chokepoints, critical_dependencies, final_stages  # noqa: E402
from queries.view import chain_view  # noqa: E402
from stores.embedded import EmbeddedStore  # noqa: E402


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = EmbeddedStore(Path(folder) / "willems.sqlite")
        store.ensure_schema()
        start = time.perf_counter()
        assert import_willems(store).ok
        imported = time.perf_counter() - start
        graph = store.project()
        store.close()
    view = chain_view(graph)
    targets = final_stages(view)
    view.network.igraph_directed  # noqa: B018  # built once, as the app's cached view holds it

    def whole_network_per_target() -> int:
        with gc_paused():
            return sum(len(dominator_tree(view.network, t).chokepoints()) for t in targets)

    rows = [("导入全部 38 条链（嵌入式存储）", imported, "")]
    for label, function in (
        ("卡点：每个最终环节各自的上游（igraph）", lambda: chokepoints(view)),
        ("卡点：每个最终环节各自的上游（networkx）", lambda: chokepoints(view, backend="networkx")),
        ("旧做法：每个目标在全网上建支配树（igraph）", whole_network_per_target),
        ("关键依赖清单（全部表）", lambda: critical_dependencies(view)),
    ):
        seconds, result = timed(function, args.repeat if "旧" not in label else 1)
        size = len(result.chokepoints) if hasattr(result, "chokepoints") else result
        rows.append((label, seconds, f"{len(targets)} 个目标，{size if not hasattr(result, 'items') else len(result.items)} 项"))
    print(f"Willems 2008: {view.network.igraph_directed.vcount()} stages, {len(view.links)} arcs, "
          f"{len(targets)} final stages, scope {view.scope}\n")
    print("| 步骤 | 秒 | 结果 |\n|---|---:|---|")
    for label, seconds, note in rows:
        print(f"| {label} | {seconds:.2f} | {note} |")


if __name__ == "__main__":
    main()

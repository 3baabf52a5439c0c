"""The analyses at scale, from the store, against a pure-igraph computation of the same figures.

Usage::

    export CHAINATLAS_DATA_DIR=/tmp/chainatlas-180k     # an embedded store holding the demo:
    .venv/bin/chainatlas load-reference && .venv/bin/chainatlas demo --scale 180000   # ~500k SUPPLIES
    .venv/bin/python bench/scale.py                      # every task, one fresh process each
    .venv/bin/python bench/scale.py --tasks ours-chain igraph-chain --runs 3

Every task runs in a fresh Python process that opens the store, reads what it needs, computes and
reports its wall time, its CPU time (``time.process_time``: the process's own, which other work on
shared cores disturbs far less than the wall time; the load average before the runs is printed)
and its peak resident memory (``ru_maxrss``; the interpreter with its imports is counted, and
reported apart as ``import MB``):

- ``ours-chain``: one chain (``--chain``, default the one with the most enterprises) as
  ``chainatlas risks --chain`` and ``gaps --chain`` compute it: its projection read from the store,
  the view, the critical-dependency report (sole sources, chokepoints into every 链主, cut points and
  bridges, concentration, severities) and the gap report;
- ``ours-all``: the same for each of the 8 chains in turn, in one process;
- ``ours-whole``: the whole graph read once, the whole-graph critical-dependency report
  (``chainatlas risks`` without ``--chain``) and every chain's gap report on it;
- ``igraph-chain`` / ``igraph-all`` / ``igraph-whole``: the same figures computed directly — the
  chain's enterprises, SUPPLIES, PRODUCES and INPUT_TO read with plain SQL (the typed columns of
  ``stores.embedded_typed`` when the store has them, else ``json_extract``),
  numpy for the per-input figures and igraph for the graph algorithms, no result objects:
  sole-source (customer, input) pairs and unsupplied required inputs, the dominator tree of every
  链主's upstream with the dependants of each chokepoint, articulation points, biconnected blocks
  and bridges, supplier HHI per input, and per product the local producers, local sourcing share,
  dependants and status.

``--graph`` chooses how our tasks read the graph: ``networkx`` (``store.project``, every property in a
NetworkX MultiDiGraph: main's way before the compact graph) or ``compact`` (``queries.compact``, what
``chainatlas`` uses now). Each task
prints the headline figures it found, so the two computations can be seen to agree.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TASKS = ("ours-chain", "igraph-chain", "ours-all", "igraph-all", "ours-whole", "igraph-whole")
GRAPHS = ("networkx", "compact")


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- our analyses ---------------------------------------------------------------------------------


def open_store() -> Any:
    from app.settings import load_settings
    from stores.factory import open_store as open_configured

    return open_configured(load_settings().store_config())


def projector(store: Any, graph: str) -> Any:
    if graph == "networkx":
        return store.project
    if graph == "compact":
        from queries.compact import project_compact

        return lambda chain: project_compact(store, chain)
    raise ValueError(f"unknown graph {graph!r}")


def our_chain(project: Any, chain: str) -> dict[str, Any]:
    """One chain as the CLI computes it: projection, view, critical dependencies and gaps."""
    from queries.gaps import gap_report
    from queries.risks import critical_dependencies
    from queries.view import chain_view

    started = time.perf_counter()
    graph = project(chain)
    view = chain_view(graph, chain)
    loaded = time.perf_counter()
    report = critical_dependencies(view, chain)
    gaps = gap_report(view, chain)
    done = time.perf_counter()
    return {"load_s": loaded - started, "compute_s": done - loaded, **our_figures(report, gaps)}


def our_figures(report: Any, gaps: Any) -> dict[str, Any]:
    counts = gaps.counts()
    status = [counts["缺链"] + counts["延链"], counts["弱链"], counts["强链"]]  # no local producer, weak, strong
    return {
        "enterprises": len(report.choke.places), "sole_pairs": len(report.sole.pairs), "unsupplied": len(report.sole.unsupplied),
        "chokepoints": len(report.choke.chokepoints), "cut_points": len(report.cuts.points), "bridges": len(report.cuts.bridges),
        "inputs": len(report.concentration.products), "gap_status": status,
    }


def run_ours(task: str, graph: str, chain: str | None) -> dict[str, Any]:
    from queries.gaps import gap_report
    from queries.memberships import chain_ids
    from queries.risks import critical_dependencies
    from queries.view import chain_view

    store = open_store()
    chains = sorted(node["id"] for node in store.list_nodes("Chain"))
    project = projector(store, graph)
    imported = peak_rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    result: dict[str, Any]
    if task == "ours-chain":
        result = {"chain": chain, **our_chain(project, chain or chains[0])}
    elif task == "ours-all":
        per_chain = {c: our_chain(project, c) for c in chains}
        result = {"per_chain_s": {c: round(r["load_s"] + r["compute_s"], 3) for c, r in per_chain.items()},
                  "load_s": sum(r["load_s"] for r in per_chain.values()),
                  "compute_s": sum(r["compute_s"] for r in per_chain.values()),
                  "sole_pairs": sum(r["sole_pairs"] for r in per_chain.values()),
                  "chokepoints": sum(r["chokepoints"] for r in per_chain.values()),
                  "cut_points": sum(r["cut_points"] for r in per_chain.values())}
    else:
        whole = project(None)
        view = chain_view(whole)
        loaded = time.perf_counter()
        report = critical_dependencies(view)
        gaps = [gap_report(view, c) for c in chain_ids(view)]
        result = {"load_s": loaded - started, "compute_s": time.perf_counter() - loaded, **our_figures(report, gaps[0]),
                  "gap_status": [sum(column) for column in zip(*(our_figures(report, g)["gap_status"] for g in gaps), strict=True)]}
    result["seconds"], result["cpu_s"] = time.perf_counter() - started, time.process_time() - cpu_started
    store.close()
    return {**result, "import_mb": imported}


# -- the pure-igraph computation ----------------------------------------------------------------


def sqlite_path() -> Path:
    from app.settings import load_settings

    return load_settings().embedded_path


def read_chain(db: sqlite3.Connection, chain: str | None) -> dict[str, Any]:
    """What the figures need, by plain SQL: enterprises (local, revenue), products, PRODUCES,
    INPUT_TO, SUPPLIES (product, share, amount) among the enterprises, 链主."""

    def column(sql: str, *params: Any) -> list[Any]:
        return [row[0] for row in db.execute(sql, params)]

    def among(ids: list[str]) -> str:
        return json.dumps(ids)

    if chain is None:
        products = column("SELECT id FROM nodes WHERE label = 'Product'")
        enterprises = column("SELECT id FROM nodes WHERE label = 'Enterprise'")
        leaders = sorted(set(column("SELECT src FROM rels WHERE type = 'LEADS'")))
    else:
        products = column("SELECT src FROM rels WHERE dst = ? AND type = 'IN_CHAIN'", chain)
        clusters = column("SELECT src FROM rels WHERE dst = ? AND type = 'CLUSTER_OF'", chain)
        leaders = sorted(set(column("SELECT src FROM rels WHERE dst = ? AND type = 'LEADS'", chain)))
        members = column("SELECT src FROM rels WHERE type = 'MEMBER_OF' AND dst IN (SELECT value FROM json_each(?))", among(clusters))
        makers = column("SELECT src FROM rels WHERE type = 'PRODUCES' AND dst IN (SELECT value FROM json_each(?))", among(products))
        enterprises = sorted(set(makers) | set(leaders) | set(members))
    index = {e: i for i, e in enumerate(enterprises)}
    product_index = {p: i for i, p in enumerate(products)}
    wanted = among(enterprises)
    typed = "p_share" in {row[1] for row in db.execute("PRAGMA table_xinfo(rels)")}  # stores.embedded_typed

    def field(name: str) -> str:  # a typed column when the store has them, as ours reads
        return f"p_{name}" if typed else f"json_extract(props, '$.{name}')"

    local = [False] * len(enterprises)
    revenue = [0.0] * len(enterprises)
    for node, is_local, income in db.execute(
        f"SELECT id, {field('local')}, {field('revenue_yi')} FROM nodes WHERE id IN (SELECT value FROM json_each(?))", (wanted,)
    ):
        local[index[node]] = bool(is_local)
        revenue[index[node]] = income or 0.0
    produces = [(index[e], product_index[p]) for e, p in db.execute(
        "SELECT src, dst FROM rels WHERE type = 'PRODUCES' AND dst IN (SELECT value FROM json_each(?))", (among(products),))
        if e in index]
    inputs = [(product_index[a], product_index[b]) for a, b in db.execute(
        "SELECT src, dst FROM rels WHERE type = 'INPUT_TO' AND dst IN (SELECT value FROM json_each(?))", (among(products),))
        if a in product_index]
    supplies = []
    sql = (f"SELECT src, dst, {field('product')}, {field('share')}, {field('amount_wan')} "
           "FROM rels WHERE type = 'SUPPLIES'" + ("" if chain is None else " AND dst IN (SELECT value FROM json_each(?))"))
    for src, dst, product, share, amount in db.execute(sql, () if chain is None else (wanted,)):
        s, c = index.get(src), index.get(dst)
        if s is not None and c is not None and share != 0 and (share is not None or amount != 0):
            supplies.append((s, c, product_index.get(product, -1), share))
    return {"enterprises": enterprises, "local": local, "revenue": revenue, "products": products, "produces": produces,
            "inputs": inputs, "supplies": supplies, "leaders": [index[e] for e in leaders if e in index]}


def igraph_figures(data: dict[str, Any]) -> dict[str, Any]:
    """The figures, with numpy and igraph only."""
    import igraph
    import numpy as np

    n, m = len(data["enterprises"]), len(data["products"])
    local = np.array(data["local"], dtype=bool)
    links = np.array([(s, c, p) for s, c, p, _ in data["supplies"]], dtype=np.int64).reshape(-1, 3)
    share = np.array([np.nan if x is None else x for _, _, _, x in data["supplies"]], dtype=float)
    s, c, p = links[:, 0], links[:, 1], links[:, 2]
    # sole sources: (local customer, input) pairs with one supplier, and required inputs with none
    pair = c * (m + 1) + p
    pairs, first, suppliers = np.unique(pair, return_index=True, return_counts=True)
    distinct = np.unique(np.stack([pair, s]), axis=1)[0]
    _, distinct_count = np.unique(distinct, return_counts=True)
    shares = np.bincount(np.searchsorted(pairs, pair), weights=np.nan_to_num(share, nan=1.0), minlength=len(pairs))
    named = np.bincount(np.searchsorted(pairs, pair), weights=np.isnan(share), minlength=len(pairs)) > 0
    partly_unnamed = ~named & (np.round(shares, 4) < 1)
    sole = int(np.sum(local[pairs // (m + 1)] & (distinct_count == 1) & ~partly_unnamed))
    made = defaultdict(set)
    for e, q in data["produces"]:
        made[e].add(q)
    needs = defaultdict(set)
    for a, b in data["inputs"]:
        needs[b].add(a)
    supplied = set(pairs.tolist())
    unsupplied = 0
    for e in np.flatnonzero(local).tolist():
        required = set().union(*(needs[q] for q in made[e])) - made[e] if made[e] else set()
        unsupplied += sum(1 for q in required if e * (m + 1) + q not in supplied)
    # chokepoints into every 链主, on its own upstream
    g = igraph.Graph(n=n, edges=np.unique(np.stack([s, c], axis=1), axis=0).tolist(), directed=True)
    chokepoints = 0
    for root in data["leaders"]:
        up = sorted(g.subcomponent(root, mode="in"))
        sub = g.induced_subgraph(up)
        idom = sub.dominator(up.index(root), mode="in")
        counted = np.zeros(len(up), dtype=np.int64)
        for _v, d in enumerate(idom):
            while d == d and d is not None and d >= 0 and d != up.index(root):
                counted[int(d)] += 1
                d = idom[int(d)]
        chokepoints += int(np.sum(counted > 0))
    # cut points and bridges of the undirected network
    undirected = g.as_undirected(mode="collapse")
    blocks, points = undirected.biconnected_components(return_articulation_points=True)
    bridges = undirected.bridges()
    # concentration: supplier HHI per input over the local buyers (equal parts unless every share is known)
    weight = np.where(np.isnan(share), 1.0, share)
    total = np.bincount(np.searchsorted(pairs, pair), weights=weight, minlength=len(pairs))[np.searchsorted(pairs, pair)]
    part = weight / total
    buyer_local = local[c]
    hhi = {}
    for q in np.unique(p[buyer_local]).tolist():
        mask = buyer_local & (p == q)
        buyers = len(np.unique(c[mask]))
        per_supplier = np.bincount(s[mask], weights=part[mask], minlength=n) / buyers
        hhi[q] = 10000 * float(np.sum(per_supplier ** 2))
    # gap figures per product: local producers, local sourcing, dependants, status
    producers = np.zeros(m, dtype=np.int64)
    for e, q in data["produces"]:
        producers[q] += local[e]
    local_part = np.bincount(np.searchsorted(pairs, pair), weights=part * local[s], minlength=len(pairs))
    buyer_of_pair = pairs // (m + 1)
    input_of_pair = pairs % (m + 1)
    keep = local[buyer_of_pair] & (input_of_pair < m)
    sourcing_sum = np.bincount(input_of_pair[keep], weights=local_part[keep], minlength=m + 1)[:m]
    sourcing_count = np.bincount(input_of_pair[keep], minlength=m + 1)[:m]
    sourcing = np.divide(sourcing_sum, sourcing_count, out=np.full(m, np.nan), where=sourcing_count > 0)
    status = np.where(producers == 0, 0, np.where((producers < 2) | (np.round(sourcing, 4) < 0.3), 1, 2))
    return {"enterprises": n, "sole_pairs": sole, "unsupplied": unsupplied, "chokepoints": chokepoints,
            "cut_points": len(points), "blocks": len(blocks), "bridges": len(bridges), "inputs": len(hhi),
            "gap_status": np.bincount(status, minlength=3).tolist()}


def run_igraph(task: str, chain: str | None) -> dict[str, Any]:
    import numpy  # noqa: F401  (imported before the clock starts, as our side imports its modules)

    db = sqlite3.connect(f"file:{sqlite_path()}?mode=ro", uri=True)
    chains = [row[0] for row in db.execute("SELECT id FROM nodes WHERE label = 'Chain' ORDER BY id")]
    imported = peak_rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    if task == "igraph-chain":
        data = read_chain(db, chain or chains[0])
        loaded = time.perf_counter()
        result = {"chain": chain, **igraph_figures(data)}
        result["load_s"], result["compute_s"] = loaded - started, time.perf_counter() - loaded
    elif task == "igraph-all":
        per_chain, load, compute = {}, 0.0, 0.0
        for c in chains:
            begun = time.perf_counter()
            data = read_chain(db, c)
            loaded = time.perf_counter()
            per_chain[c] = igraph_figures(data)
            load, compute = load + loaded - begun, compute + time.perf_counter() - loaded
        result = {"load_s": load, "compute_s": compute,
                  **{k: sum(r[k] for r in per_chain.values()) for k in ("sole_pairs", "chokepoints", "cut_points")}}
    else:
        data = read_chain(db, None)
        loaded = time.perf_counter()
        result = igraph_figures(data)
        result["load_s"], result["compute_s"] = loaded - started, time.perf_counter() - loaded
    result["seconds"], result["cpu_s"] = time.perf_counter() - started, time.process_time() - cpu_started
    db.close()
    return {**result, "import_mb": imported}


# -- the driver -----------------------------------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    from queries.collector import gc_paused

    with gc_paused():  # as the library's entry points run (both sides)
        result = run_ours(args.task, args.graph, args.chain) if args.task.startswith("ours") else run_igraph(args.task, args.chain)
    print(json.dumps({**result, "peak_mb": peak_rss_mb()}))


def largest_chain() -> str:
    db = sqlite3.connect(f"file:{sqlite_path()}?mode=ro", uri=True)
    sizes = db.execute(
        "SELECT c.dst, count(DISTINCT p.src) FROM rels c JOIN rels p ON p.dst = c.src AND p.type = 'PRODUCES' "
        "WHERE c.type = 'IN_CHAIN' GROUP BY c.dst ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
    counts = dict(db.execute("SELECT type, count(*) FROM rels WHERE type IN ('SUPPLIES') GROUP BY type"))
    enterprises = db.execute("SELECT count(*) FROM nodes WHERE label = 'Enterprise'").fetchone()[0]
    db.close()
    print(f"store {sqlite_path()}: {enterprises:,} enterprises, {counts.get('SUPPLIES', 0):,} SUPPLIES; "
          f"largest chain {sizes[0]} ({sizes[1]:,} producers)", flush=True)
    return str(sizes[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", nargs="+", choices=TASKS, default=list(TASKS))
    parser.add_argument("--graph", choices=GRAPHS, default="compact", help="how our analyses read the graph")
    parser.add_argument("--chain", help="the chain of the one-chain tasks (default: the one with the most producers)")
    parser.add_argument("--runs", type=int, default=1, help="fresh processes per task (median time, max memory)")
    parser.add_argument("--task", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.task:
        child(args)
        return
    chain = args.chain or largest_chain()
    load_before = " ".join(f"{value:.2f}" for value in os.getloadavg())
    rows = []
    for task in args.tasks:
        runs = []
        for _ in range(args.runs):
            done = subprocess.run(
                [sys.executable, __file__, "--task", task, "--graph", args.graph, "--chain", chain],
                capture_output=True, text=True, check=False, env={**os.environ, "PYTHONHASHSEED": "0"},
            )
            if done.returncode != 0:
                raise SystemExit(f"{task} failed:\n{done.stderr}")
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        seconds = statistics.median(r["seconds"] for r in runs)
        result = runs[-1]
        figures = {k: v for k, v in result.items() if k not in ("seconds", "cpu_s", "peak_mb", "import_mb", "load_s", "compute_s", "per_chain_s", "chain")}
        rows.append((task, seconds, statistics.median(r["load_s"] for r in runs), statistics.median(r["compute_s"] for r in runs),
                     max(r["peak_mb"] for r in runs), result["import_mb"], figures, statistics.median(r["cpu_s"] for r in runs)))
        print(f"  {task}: {seconds:.2f} s, peak {rows[-1][4]:,.0f} MB  {figures}", flush=True)
    print()
    print(f"load average before the runs: {load_before}")
    print()
    print("| task | seconds | reading (s) | computing (s) | CPU (s) | peak RSS (MB) | import MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for task, seconds, load, compute, peak, imported, _, cpu in rows:
        print(f"| {task} | {seconds:.2f} | {load:.2f} | {compute:.2f} | {cpu:.2f} | {peak:,.0f} | {imported:,.0f} |")
    by_task = {row[0]: row for row in rows}
    print()
    for scope in ("chain", "all", "whole"):
        ours, base = by_task.get(f"ours-{scope}"), by_task.get(f"igraph-{scope}")
        if ours and base:
            print(f"- {scope}: ours {ours[1]:.2f} s = {ours[1] / base[1]:.2f}× pure igraph ({base[1]:.2f} s); "
                  f"CPU {ours[7]:.2f} s = {ours[7] / base[7]:.2f}× ({base[7]:.2f} s); peak {ours[4]:,.0f} MB vs {base[4]:,.0f} MB")
    print(f"- command: {' '.join([Path(sys.executable).name, *sys.argv])} (CHAINATLAS_DATA_DIR={os.environ.get('CHAINATLAS_DATA_DIR', '')}, "
          f"--graph {args.graph}, chain {chain}, {args.runs} run(s))")


if __name__ == "__main__":
    main()

"""Benchmark the analyses on a large projected graph: both backends against a pure-igraph baseline.

Usage::

    .venv/bin/python bench/bench_analyses.py --scale 100000            # demo generator, 100k enterprises
    .venv/bin/python bench/bench_analyses.py --scale 100000 --cache /tmp/g100k.pickle   # reuse the graph
    .venv/bin/python bench/bench_analyses.py --source synthetic --scale 20000

The graph comes from ``loaders.demo.generate`` (reference data + synthetic enterprises and SUPPLIES)
turned into the MultiDiGraph ``store.project()`` returns — no store in between, so the timings are
the analyses' own. ``--source synthetic`` uses a small built-in generator instead (no product map
needed). Timed, each on the whole graph:

- the critical-dependency report (``risks.critical_dependencies``) for the largest chain and for
  every chain, with ``backend="igraph"`` and ``backend="networkx"``;
- the same figures computed directly with igraph (the baseline: the chain's SUPPLIES edges pulled
  from the graph into igraph, dominator trees per 链主 with the dependants of each chokepoint,
  articulation points, bridges, sole-source pairs and supplier HHI per input, with no result
  objects; run, like the library's entry points, with the garbage collector paused);
- the gap report for the largest chain and for every chain; one disruption simulation (the whole
  graph, the largest chain's chokepoint supplier removed) ;
- the library calls alone at this size: networkx vs igraph dominator tree, articulation points,
  bridges on the whole supply network.

Prints a markdown table and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import random
import resource
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx  # noqa: E402

from queries.chains import chain_scope  # noqa: E402
from queries.collector import gc_paused  # noqa: E402
from queries.disruption import DisruptionScope, simulate_disruption  # noqa: E402
from queries.fast import SimpleNetwork  # noqa: E402
from queries.gaps import gap_report  # noqa: E402
from queries.memberships import chain_ids  # noqa: E402
from queries.risks import critical_dependencies  # noqa: E402
from queries.view import chain_view  # noqa: E402
from stores.base import build_graph, edge_key  # noqa: E402

# -- graphs -----------------------------------------------------------------------------------


def demo_graph(scale: int, seed: int) -> nx.MultiDiGraph:
    """The demo generator's records, projected as ``store.project()`` would (no store in between)."""
    from loaders.demo import generate

    graph = nx.MultiDiGraph()
    for batch in generate(scale, seed, batch_size=20000):
        for node in batch.nodes:
            props = node.properties()
            props.pop("id", None)
            graph.add_node(node.id, label=node.label, **props)
        for rel in batch.relationships:
            record = {"type": rel.type, "src": rel.src, "dst": rel.dst, "key": rel.key}
            graph.add_edge(rel.src, rel.dst, key=edge_key(record), type=rel.type, **rel.properties())
    return graph


def synthetic_graph(scale: int, seed: int, chains: int = 8, products_per_chain: int = 30) -> nx.MultiDiGraph:
    """A simple stand-in: ``scale`` enterprises, about five SUPPLIES per enterprise, ``chains`` chains."""
    rng = random.Random(seed)
    nodes, rels = [], []
    products_of: dict[str, list[str]] = {}
    for c in range(chains):
        chain = f"chain:c{c}"
        nodes.append({"id": chain, "label": "Chain", "name": f"链{c}", "kind": "新兴", "target_2026_yi": 1000.0})
        cluster = f"cluster:c{c}"
        nodes.append({"id": cluster, "label": "Cluster", "name": f"集群{c}"})
        rels.append({"type": "CLUSTER_OF", "src": cluster, "dst": chain, "key": ""})
        products_of[chain] = [f"product:c{c}-{i}" for i in range(products_per_chain)]
        for i, product in enumerate(products_of[chain]):
            stage = ("上游", "中游", "下游")[min(2, 3 * i // products_per_chain)]
            nodes.append({"id": product, "label": "Product", "name": f"产品{c}-{i}", "stage": stage})
            rels.append({"type": "IN_CHAIN", "src": product, "dst": chain, "key": "", "stage": stage})
            for j in rng.sample(range(i), min(i, 2)):
                rels.append({"type": "INPUT_TO", "src": products_of[chain][j], "dst": product, "key": ""})
    makers: dict[str, list[str]] = defaultdict(list)
    enterprise_chain = []
    for e in range(scale):
        ent = f"ent:s{e:07d}"
        c = e % chains
        chain = f"chain:c{c}"
        place = rng.random()
        attrs = {"local": place < 0.4, "country": "中国" if place < 0.9 else "韩国",
                 "province": "江西省" if place < 0.55 else "广东省", "revenue_yi": round(rng.lognormvariate(1, 1.5), 2)}
        nodes.append({"id": ent, "label": "Enterprise", "name": f"企业{e}", **attrs})
        product = rng.choice(products_of[chain])
        makers[product].append(ent)
        enterprise_chain.append((ent, chain, product))
        rels.append({"type": "PRODUCES", "src": ent, "dst": product, "key": ""})
        if e < chains * 3:
            rels.append({"type": "LEADS", "src": ent, "dst": chain, "key": ""})
        if rng.random() < 0.3:
            rels.append({"type": "MEMBER_OF", "src": ent, "dst": f"cluster:c{c}", "key": ""})
    inputs: dict[str, list[str]] = defaultdict(list)
    for rel in rels:
        if rel["type"] == "INPUT_TO":
            inputs[rel["dst"]].append(rel["src"])
    for ent, chain, product in enterprise_chain:
        for item in inputs[product] or [rng.choice(products_of[chain])]:
            pool = makers[item] or makers[rng.choice(products_of[chain])]
            for supplier in {min(rng.choices(pool, k=2)) for _ in range(rng.choice((1, 2, 2, 3, 4)))}:
                if supplier != ent:
                    rels.append({"type": "SUPPLIES", "src": supplier, "dst": ent, "key": item, "product": item,
                                 "share": None, "confidence": "inferred"})
    for rel in rels:
        if rel.get("share", 0) is None:
            del rel["share"]
    return build_graph(nodes, rels)


# -- the pure-igraph baseline -------------------------------------------------------------------


def igraph_baseline(graph: nx.MultiDiGraph, chain: str) -> dict[str, Any]:
    """The critical-dependency figures computed straight from the graph with igraph, no result objects."""
    import igraph

    scope = chain_scope(graph, chain)
    nodes = graph.nodes
    enterprises = [n for n in scope if nodes[n].get("label") == "Enterprise"]
    index = {e: i for i, e in enumerate(enterprises)}
    pairs: set[tuple[int, int]] = set()
    suppliers: dict[tuple[int, str], list[tuple[int, float | None]]] = defaultdict(list)
    for customer in enterprises:
        c = index[customer]
        for supplier, edges in graph._pred[customer].items():  # the plain dicts, as the hot path reads them
            s = index.get(supplier)
            if s is None:
                continue
            for data in edges.values():
                if data.get("type") == "SUPPLIES":
                    pairs.add((s, c))
                    if data.get("product"):
                        suppliers[(c, data["product"])].append((s, data.get("share")))
    g = igraph.Graph(n=len(enterprises), edges=sorted(pairs), directed=True)
    leaders = [e for e, es in graph._pred[chain].items() if any(d.get("type") == "LEADS" for d in es.values())]
    chokepoints = []
    for leader in leaders:
        idom = g.dominator(index[leader], mode="in")
        count = defaultdict(int)
        for d in idom:
            while d == d and d is not None and d >= 0 and d != index[leader]:
                count[int(d)] += 1
                d = idom[int(d)]
        chokepoints.append(count)
    undirected = g.as_undirected(mode="collapse")
    blocks = undirected.biconnected_components(return_articulation_points=True)
    bridges = undirected.bridges()
    local = [nodes[e].get("local", False) for e in enterprises]
    sole = sum(1 for (c, _), sups in suppliers.items() if local[c] and len({s for s, _ in sups}) == 1)
    hhi: dict[str, list[float]] = defaultdict(list)
    for (c, product), sups in suppliers.items():
        if local[c]:
            shares = [share for _, share in sups]
            weights = shares if all(x is not None for x in shares) and sum(shares) > 0 else [1.0] * len(sups)
            total = sum(weights)
            hhi[product].append(sum((w / total) ** 2 for w in weights))
    return {"chokepoints": chokepoints, "articulation": blocks[1], "bridges": bridges, "sole": sole, "hhi": hhi}


# -- timing -------------------------------------------------------------------------------------


def paused(function: Callable[..., Any], *args: Any) -> Any:
    """Run the baseline with the garbage collector paused, as the library's entry points run."""
    with gc_paused():
        return function(*args)


def timed(function: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Median wall time in seconds over ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=100_000, help="number of enterprises")
    parser.add_argument("--seed", type=int, default=8810)
    parser.add_argument("--source", choices=("demo", "synthetic"), default="demo")
    parser.add_argument("--cache", type=Path, help="pickle the graph here, or load it if it exists")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (median)")
    parser.add_argument("--skip-networkx-all", action="store_true", help="skip the all-chains run with networkx")
    args = parser.parse_args()

    started = time.perf_counter()
    if args.cache and args.cache.exists():
        with args.cache.open("rb") as handle:
            graph = pickle.load(handle)
        how = f"loaded from {args.cache}"
    else:
        graph = demo_graph(args.scale, args.seed) if args.source == "demo" else synthetic_graph(args.scale, args.seed)
        how = f"generated ({args.source})"
        if args.cache:
            with args.cache.open("wb") as handle:
                pickle.dump(graph, handle, protocol=pickle.HIGHEST_PROTOCOL)
    build_seconds = time.perf_counter() - started
    rss_graph = peak_rss_mb()
    types: dict[str, int] = defaultdict(int)
    for _, _, kind in graph.edges(data="type"):
        types[kind] += 1
    labels: dict[str, int] = defaultdict(int)
    for _, label in graph.nodes(data="label"):
        labels[label] += 1
    chains = chain_ids(graph)
    sizes = {chain: len(chain_view(graph, chain).enterprises) for chain in chains}
    largest = max(chains, key=lambda chain: sizes[chain])
    print(f"graph {how} in {build_seconds:.1f} s: {labels['Enterprise']:,} enterprises, "
          f"{types['SUPPLIES']:,} SUPPLIES, {graph.number_of_edges():,} relationships; "
          f"{len(chains)} chains, largest {largest} with {sizes[largest]:,} enterprises; "
          f"peak RSS after building {rss_graph:,.0f} MB; {os.cpu_count()} CPUs")

    rows: list[tuple[str, str, float]] = []

    def record(name: str, detail: str, function: Callable[[], Any]) -> Any:
        seconds, result = timed(function, args.repeat)
        rows.append((name, detail, seconds))
        print(f"  {name} [{detail}]: {seconds:.3f} s", flush=True)
        return result

    report = record("critical report, one chain", f"igraph, {largest}", lambda: critical_dependencies(graph, largest))
    record("critical report, one chain", "networkx", lambda: critical_dependencies(graph, largest, backend="networkx"))
    record("pure-igraph baseline, one chain", "same figures", lambda: paused(igraph_baseline, graph, largest))
    record("critical report, all chains", f"igraph, {len(chains)} chains",
           lambda: [critical_dependencies(graph, chain) for chain in chains])
    if not args.skip_networkx_all:
        record("critical report, all chains", "networkx",
               lambda: [critical_dependencies(graph, chain, backend="networkx") for chain in chains])
    record("pure-igraph baseline, all chains", "same figures",
           lambda: [paused(igraph_baseline, graph, chain) for chain in chains])
    record("gap report, one chain", largest, lambda: gap_report(graph, largest))
    record("gap report, all chains", f"{len(chains)} chains", lambda: [gap_report(graph, chain) for chain in chains])
    victim = report.choke.chokepoints[0].enterprise if report.choke.chokepoints else sorted(report.choke.targets)[0]
    result = record("disruption simulation", f"whole graph, remove {victim}",
                    lambda: simulate_disruption(graph, DisruptionScope(enterprises=(victim,))))
    record("disruption simulation", "whole graph, remove 广东省",
           lambda: simulate_disruption(graph, DisruptionScope(provinces=("广东省",))))

    # The library calls alone on the whole supply network.
    view = chain_view(graph)
    net = SimpleNetwork.from_pairs(((link.supplier, link.customer) for link in view.links), nodes=view.attrs)
    _ = net.igraph_directed, net.igraph_undirected, net.networkx_reversed, net.networkx_undirected
    # The root with the most upstream suppliers among the 200 most supplied enterprises: a big tree.
    busiest = sorted(range(len(net)), key=net.igraph_directed.indegree().__getitem__)[-200:]
    r = max(busiest, key=lambda v: len(net.igraph_directed.subcomponent(v, mode="in")))
    upstream = len(net.igraph_directed.subcomponent(r, mode="in")) - 1
    tree = f"{upstream:,} upstream of the root"
    record("dominator tree, whole network", f"networkx, {tree}", lambda: nx.immediate_dominators(net.networkx_reversed, r))
    record("dominator tree, whole network", f"igraph, {tree}", lambda: net.igraph_directed.dominator(r, mode="in"))
    record("articulation points, whole network", "networkx", lambda: set(nx.articulation_points(net.networkx_undirected)))
    record("articulation points, whole network", "igraph", lambda: net.igraph_undirected.articulation_points())
    record("bridges, whole network", "networkx", lambda: list(nx.bridges(net.networkx_undirected)))
    record("bridges, whole network", "igraph", lambda: net.igraph_undirected.bridges())

    by_name = {(name, detail.split(",")[0]): seconds for name, detail, seconds in rows}
    one = by_name[("critical report, one chain", "igraph")]
    base_one = by_name[("pure-igraph baseline, one chain", "same figures")]
    every = by_name[("critical report, all chains", "igraph")]
    base_all = by_name[("pure-igraph baseline, all chains", "same figures")]
    print()
    print(f"Critical-dependency report: {len(report.items):,} rows for {largest} "
          f"({len(report.choke.chokepoints)} chokepoints, {len(report.cuts.points)} cut points, "
          f"{len(report.sole.pairs)} sole-source pairs); disruption: {len(result.down):,} enterprises down")
    print()
    print("| measurement | detail | seconds |")
    print("|---|---|---:|")
    for name, detail, seconds in rows:
        print(f"| {name} | {detail} | {seconds:.3f} |")
    print()
    print(f"- one chain: igraph hot path {one:.2f} s = {one / base_one:.2f}× the pure-igraph baseline ({base_one:.2f} s)")
    print(f"- all {len(chains)} chains: {every:.2f} s = {every / base_all:.2f}× the baseline ({base_all:.2f} s)")
    print(f"- peak resident memory: {peak_rss_mb():,.0f} MB (after building the graph: {rss_graph:,.0f} MB)")
    print(f"- command: {' '.join([Path(sys.executable).name, *sys.argv])}")


if __name__ == "__main__":
    main()

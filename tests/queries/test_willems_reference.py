"""The analyses on the 38 real Willems (2008) stage networks against a reference computed straight
from the CSVs in ../shared/realdata (csv module + igraph / plain graph search), never through the
project's projection or ChainView.

The project's answer goes the ordinary way: ``import_willems`` into an embedded store, ``project()``,
then the analyses with their default scope (no local firm → every firm, ``scope_defaulted``).

Meaning checked (docs/analyses.md, "Links without a product"): every arc u → v is a link without a
product, so v's input "u's output" has the one supplier u and is required by v. Hence:

- sole sources: exactly the arcs (v, u's output, u) — every stage with an upstream stage is sole-sourced;
- chokepoints into every final stage (a stage with no downstream arc): X with the number of upstream
  stages whose every path into the final stage passes through X (igraph's dominator tree of the
  whole chain, not of the stage's upstream as the project does);
- cut points: igraph's articulation points of the chain with directions dropped;
- the stages hit when a Part stage is removed: everything downstream of it (breadth-first search),
  checked for every Part stage of all 38 chains (about 13 s on two cores; the whole module ≈ 30 s).
"""

from __future__ import annotations

import csv
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

import igraph
import pytest

from loaders.realdata import import_willems, realdata_path
from queries.disruption import propagate
from queries.risks import chokepoints, cut_points, sole_sources
from queries.view import ChainView, chain_view
from stores.embedded import EmbeddedStore

CHAINS = range(1, 39)


@dataclass
class Chain:
    number: int
    stages: dict[str, str] = field(default_factory=dict)  # full name → classification
    arcs: set[tuple[str, str]] = field(default_factory=set)  # (upstream, downstream), full names

    def name(self, stage: str) -> str:
        return f"Willems链{self.number:02d}·{stage}"

    def graph(self) -> tuple[igraph.Graph, list[str]]:
        names = sorted(self.stages)
        index = {name: i for i, name in enumerate(names)}
        return igraph.Graph(n=len(names), edges=[(index[u], index[v]) for u, v in sorted(self.arcs)], directed=True), names


def read_csv(number: int) -> Chain:
    """The chain straight from its CSV: line 1 a title row, line 2 the columns."""
    chain = Chain(number)
    path = realdata_path("willems2008") / f"{number:02d}.csv"
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        columns = next(rows)
        src, dst = columns.index("/arcs/arc/@from"), columns.index("/arcs/arc/@to")
        stage, kind = columns.index("/stages/stage/@stageName"), columns.index("/stages/stage/@stageClassification")
        for cells in rows:
            cells += [""] * (len(columns) - len(cells))
            if cells[src] and cells[dst]:
                chain.arcs.add((chain.name(cells[src]), chain.name(cells[dst])))
            elif cells[stage]:
                chain.stages[chain.name(cells[stage])] = cells[kind]
    return chain


@pytest.fixture(scope="module")
def reference() -> dict[int, Chain]:
    return {number: read_csv(number) for number in CHAINS}


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> ChainView:
    store = EmbeddedStore(tmp_path_factory.mktemp("willems") / "w.sqlite")
    store.ensure_schema()
    assert import_willems(store).ok
    graph = store.project()
    store.close()
    return chain_view(graph)


def chain_of(name: str) -> int:
    return int(name.split("·", 1)[0].removeprefix("Willems链"))


def test_no_local_firm_means_every_firm(view: ChainView) -> None:
    assert view.scope == "all" and view.scope_defaulted and "全部企业" in view.scope_note
    assert len(view.local_enterprises) == 15872 and {view.geography(e) for e in view.enterprises} == {"未知"}


def test_sole_sources_are_every_arc(view: ChainView, reference: dict[int, Chain]) -> None:
    report = sole_sources(view)
    n = view.names
    found: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for pair in report.pairs:
        assert pair.required
        assert n[pair.product] == f"{n[pair.supplier]}的产出"
        found[chain_of(n[pair.enterprise])].add((n[pair.supplier], n[pair.enterprise]))
    for number, chain in reference.items():
        assert found[number] == chain.arcs, number
        sole_sourced = {v for _, v in chain.arcs}
        assert {v for _, v in found[number]} == sole_sourced
    assert not report.unsupplied


def test_cut_points(view: ChainView, reference: dict[int, Chain]) -> None:
    n = view.names
    found: dict[int, set[str]] = defaultdict(set)
    for point in cut_points(view).points:
        found[chain_of(n[point.vertex])].add(n[point.vertex])
    for number, chain in reference.items():
        graph, names = chain.graph()
        expected = {names[v] for v in graph.as_undirected().articulation_points()}
        assert found[number] == expected, number


def test_chokepoints_into_every_final_stage(view: ChainView, reference: dict[int, Chain]) -> None:
    report = chokepoints(view)
    n = view.names
    assert report.final_stages
    found: dict[int, set[tuple[str, str, int]]] = defaultdict(set)
    for point in report.chokepoints:
        found[chain_of(n[point.target])].add((n[point.target], n[point.enterprise], point.dependents))
    targets: set[str] = set()
    for number, chain in reference.items():
        graph, names = chain.graph()
        expected = set()
        for sink in (v for v in range(len(names)) if graph.outdegree(v) == 0):
            targets.add(names[sink])
            dominated: dict[int, int] = defaultdict(int)
            idom = graph.dominator(sink, mode="in")
            for vertex, dom in enumerate(idom):
                if vertex == sink or dom != dom or dom is None or dom < 0:  # the root, or no path into it
                    continue
                while dom != sink:  # every strict dominator of the vertex other than the sink
                    dominated[dom] += 1
                    dom = idom[dom]
            expected |= {(names[sink], names[x], count) for x, count in dominated.items()}
        assert found[number] == expected, number
    assert {n[t] for t in report.targets} == targets and len(targets) == 4580


def downstream(chain: Chain, start: str) -> set[str]:
    after: dict[str, list[str]] = defaultdict(list)
    for u, v in chain.arcs:
        after[u].append(v)
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in after[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def test_stages_hit_when_a_part_stage_is_removed(view: ChainView, reference: dict[int, Chain]) -> None:
    ids = {name: node for node, name in view.names.items() if node in view.attrs}
    checked = 0
    for chain in reference.values():
        for part in sorted(stage for stage, kind in chain.stages.items() if kind == "Part"):
            down = propagate(view, [ids[part]])
            assert {view.names[e] for e in down} == downstream(chain, part), part
            checked += 1
    assert checked == sum(kind == "Part" for c in reference.values() for kind in c.stages.values()) > 1000

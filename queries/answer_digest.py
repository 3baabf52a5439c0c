"""Every analysis's answer on one data set, digested: the check that a change in how the graph is
held or read leaves every answer as it was.

``answer_digests(project, chains)`` runs every analysis for every chain — chain map, gaps, the
candidates for each gap product, the critical dependencies (sole sources, chokepoints, cut points,
concentration), disruption of a few firms chosen by seed, of a park, a province and a country,
indices, facilities, the lists (key enterprises, gaps, recruitment targets with their de-risk
effect) — and on the whole graph, and returns one SHA-256 per answer (of its labelled tables as
canonical JSON). ``project(chain_id)`` gives the graph an analysis takes (``store.project``, or any
other graph with the same read API); each chain's analyses share one view of it.

``bench/answers_digest.py`` records and compares the digests of a store (the 100k demo);
``tests/queries/test_answer_digest.py`` compares two ways of holding the 3,000-firm demo.

>>> from queries.examples import example_graph
>>> digests = answer_digests(lambda chain: example_graph(), ["chain:ev"])
>>> len(digests["gaps chain:ev"]), sorted(digests)[:2]
(64, ['candidates chain:ev product:cathode', 'candidates chain:ev product:lithium'])
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from queries.candidates import recruitment_candidates
from queries.chain_map import chain_map
from queries.changes import diff_as_of
from queries.disruption import DisruptionScope, simulate_disruption
from queries.gaps import gap_report
from queries.indices import indices
from queries.lists import gap_list, key_enterprises, recruitment_targets
from queries.risks import critical_dependencies
from queries.sites import site_concentration
from queries.view import ChainView, chain_view

Project = Callable[[str | None], Any]
PROVINCE = "广东省"
COUNTRY = "韩国"
SEEDED_FIRMS = 3


def digest(answer: Any) -> str:
    """SHA-256 of ``answer`` as canonical JSON (keys sorted, floats exact, anything else as ``repr``).

    >>> digest({"b": 1.0, "a": [1, 2]}) == digest({"a": (1, 2), "b": 1.0})
    True
    """
    text = json.dumps(answer, ensure_ascii=False, sort_keys=True, default=repr, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def answer_digests(project: Project, chains: Sequence[str], *, seed: int = 8810, targets: bool = True,
                   whole: bool = True, progress: Callable[[str], None] | None = None) -> dict[str, str]:
    """Name of each answer → its digest (see the module); ``targets`` False leaves out the
    recruitment targets (the slowest list), ``whole`` False the whole-graph answers."""
    found = {}
    for name, tables in every_answer(project, chains, seed=seed, targets=targets, whole=whole):
        found[name] = digest(tables)
        if progress is not None:
            progress(name)
    return found


def every_answer(project: Project, chains: Sequence[str], *, seed: int = 8810, targets: bool = True,
                 whole: bool = True) -> Iterator[tuple[str, Any]]:
    """(name, labelled tables) of every answer, chain by chain, then the whole graph's."""
    reports = []
    for chain in chains:
        view = chain_view(project(chain), chain)
        report = gap_report(view, chain)
        reports.append(report)
        yield from _chain_answers(view, chain, report, seed=seed, targets=targets)
    if not whole:
        return
    graph = project(None)
    view = chain_view(graph)
    yield "risks whole", critical_dependencies(view).tables()
    yield "risks whole networkx", critical_dependencies(view, backend="networkx").tables()
    yield "indices whole", indices(view).tables()
    yield "key enterprises whole", key_enterprises(view).tables()
    yield "gap list all chains", gap_list(reports).tables()
    yield "facilities whole", site_concentration(view).tables()
    for label, scope in _disruptions(view, seed):
        yield f"simulate whole {label}", simulate_disruption(view, scope, partial=True).tables()


def _chain_answers(view: ChainView, chain: str, report: Any, *, seed: int, targets: bool) -> Iterator[tuple[str, Any]]:
    yield f"chain-map {chain}", chain_map(view, chain).tables()
    yield f"gaps {chain}", report.tables()
    for gap in report.gaps():
        yield f"candidates {chain} {gap.product}", recruitment_candidates(view, chain, gap.product).tables()
    yield f"risks {chain}", critical_dependencies(view, chain).tables()
    yield f"risks {chain} scope all", critical_dependencies(chain_view(view, scope="all"), chain).tables()
    for label, scope in _disruptions(view, seed):
        yield f"simulate {chain} {label}", simulate_disruption(view, scope, chain, partial=True).tables()
    yield f"indices {chain}", indices(view, chain).tables()
    yield f"facilities {chain}", site_concentration(view, chain).tables()
    yield f"diff {chain}", diff_as_of(view, "2024-01-01", "2025-12-31", chain).tables()
    yield f"key enterprises {chain}", key_enterprises(view, chain).tables()
    yield f"gap list {chain}", gap_list([report]).tables()
    if targets:
        yield f"targets {chain}", recruitment_targets(view, chain).tables()


def _disruptions(view: ChainView, seed: int) -> list[tuple[str, DisruptionScope]]:
    """A few firms chosen by ``seed``, the most populous park, a province and a country (those the view holds)."""
    chosen = random.Random(seed).sample(view.enterprises, min(SEEDED_FIRMS, len(view.enterprises)))
    found = [(f"firm {firm}", DisruptionScope(enterprises=(firm,))) for firm in sorted(chosen)]
    parks: dict[str, int] = {}
    for _, park in view.graph.out_edges(view.enterprises, data=False):
        if park.startswith("park:") and view.contains(park):
            parks[park] = parks.get(park, 0) + 1
    if parks:
        park = min(parks, key=lambda p: (-parks[p], p))
        found.append((f"park {park}", DisruptionScope(parks=(park,))))
    if any(attrs.get("province") == PROVINCE for attrs in view.attrs.values()):
        found.append((f"province {PROVINCE}", DisruptionScope(provinces=(PROVINCE,))))
    if any(attrs.get("country") == COUNTRY for attrs in view.attrs.values()):
        found.append((f"country {COUNTRY}", DisruptionScope(countries=(COUNTRY,))))
    return found

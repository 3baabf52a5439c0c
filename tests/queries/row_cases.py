"""The analyses whose labelled rows are pinned by ``labelled_rows.json`` (see test_records.py).

Each case is one analysis call on the example graph or on a small demo graph. ``snapshot`` gives
what the edges read from a report: ``rows()``, ``summary_rows()`` and ``counts()`` where the
report has them, and ``tables()``. The fixture was written by running this module on the code
before the rows became labelled records (``python -m tests.queries.row_cases`` rewrites it; only
do that for a change that means to alter the output):

- example-graph cases are stored whole, so a difference shows as a readable diff;
- demo cases are stored as one SHA-256 digest per table (their full text runs to megabytes).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from queries.candidates import recruit_to_derisk, recruitment_candidates
from queries.chain_map import chain_map
from queries.changes import diff_as_of, diff_graphs
from queries.disruption import DisruptionScope, simulate_disruption
from queries.examples import example_graph, example_stage_network
from queries.gaps import GapRule, gap_report
from queries.indices import indices
from queries.lists import gap_list, key_enterprises, recruitment_targets
from queries.memberships import chain_ids
from queries.risks import DependencyList, chokepoints, concentration, critical_dependencies, cut_points, sole_sources
from queries.sites import site_concentration

FIXTURE = Path(__file__).with_name("labelled_rows.json")
DEMO_SCALE, DEMO_SEED = 500, 5


def snapshot(report: Any) -> dict[str, Any]:
    """Everything the edges read from a report, in the order they read it."""
    found: dict[str, Any] = {"rows": report.rows()}
    for method in ("summary_rows", "counts"):
        if hasattr(report, method):
            found[method] = getattr(report, method)()
    found["tables"] = report.tables()
    return found


def text(value: Any) -> str:
    """The canonical text of a snapshot (key order kept; tuples would read as lists, so the test
    also checks that a value survives a JSON round trip unchanged)."""
    return json.dumps(value, ensure_ascii=False, indent=1)


def digest(value: Any) -> str:
    return hashlib.sha256(text(value).encode("utf-8")).hexdigest()


def digests(found: dict[str, Any]) -> dict[str, Any]:
    """One digest per entry of a snapshot, and per table of ``tables``."""
    return {
        key: {name: digest(table) for name, table in value.items()} if key == "tables" else digest(value)
        for key, value in found.items()
    }


def _changed_share(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    changed = graph.copy()
    changed.edges["ent:cell", "ent:lead", "SUPPLIES:product:cell"]["share"] = 0.6
    changed.remove_edge("ent:cell", "ent:pack", key="SUPPLIES:product:cell")
    return changed


def _with_sites(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The example graph with facilities: the Shanghai cathode maker with a site listed in 2023 and
    2024 and one listed in 2023 only, the foreign supplier with one in 2024."""
    sited = graph.copy()
    for site, firm, country, province, seen in (
        ("site:sh-1", "ent:sh-cathode", "中国", "上海市", ["2023-12-31", "2024-12-31"]),
        ("site:sh-2", "ent:sh-cathode", "越南", None, ["2023-12-31"]),
        ("site:foreign-1", "ent:foreign", "韩国", "京畿道", ["2024-12-31"]),
    ):
        sited.add_node(site, label="Facility", name=f"{firm} {country}", country=country, province=province, seen=seen,
                       listing="示例名单")
        sited.add_edge(firm, site, key="HAS_SITE", type="HAS_SITE")
    return sited


def example_cases() -> Iterator[tuple[str, Callable[[], Any]]]:
    """Every analysis on the example graph, with the options that change its columns."""
    g = example_graph()
    one = GapRule(min_local_producers=1)
    yield "chain_map ev", lambda: chain_map(g, "chain:ev")
    yield "chain_map food", lambda: chain_map(g, "chain:food", base_year=2024)
    yield "gaps ev", lambda: gap_report(g, "chain:ev")
    yield "gaps ev one producer", lambda: gap_report(g, "chain:ev", rule=one)
    yield "gaps whole graph", lambda: gap_report(g)
    for product in ("product:cathode", "product:lithium", "product:motor", "product:cell", "product:vehicle"):
        yield f"candidates {product}", lambda product=product: recruitment_candidates(g, "chain:ev", product)
    for product, candidate in (
        ("product:cathode", "ent:sh-cathode"), ("product:lithium", "ent:jx-mine"), ("product:motor", "ent:gd-motor"),
        ("product:cell", "ent:foreign"),
    ):
        yield f"recruit {candidate}", lambda p=product, c=candidate: recruit_to_derisk(g, "chain:ev", p, c)
    for chain in ("chain:ev", None):
        yield f"critical {chain}", lambda chain=chain: critical_dependencies(g, chain)
        yield f"sole sources {chain}", lambda chain=chain: sole_sources(g, chain)
        yield f"chokepoints {chain}", lambda chain=chain: chokepoints(g, chain)
        yield f"cut points {chain}", lambda chain=chain: cut_points(g, chain)
        yield f"concentration {chain}", lambda chain=chain: concentration(g, chain)
    yield "dependency list", lambda: DependencyList(None, critical_dependencies(g, "chain:ev").records() + critical_dependencies(g, "chain:food").records())
    scopes = {
        "cell": (DisruptionScope(enterprises=("ent:cell",)), "chain:ev", False),
        "korea partial": (DisruptionScope(countries=("韩国",)), "chain:ev", True),
        "xiaolan whole graph": (DisruptionScope(parks=("park:xiaolan",)), None, True),
        "mine and district": (DisruptionScope(enterprises=("ent:jx-mine",), districts=("青山湖区",)), None, False),
        "rice whole graph": (DisruptionScope(enterprises=("ent:rice",)), None, True),  # an input lost, not required
    }
    for name, (scope, chain, partial) in scopes.items():
        yield f"disruption {name}", lambda s=scope, c=chain, p=partial: simulate_disruption(g, s, c, partial=p)
    stages = example_stage_network()  # links without a product, no local firm, places unknown
    yield "critical stage network", lambda: critical_dependencies(stages)
    yield "disruption stage network", lambda: simulate_disruption(
        stages, DisruptionScope(enterprises=("ent:stage-part2",)), partial=True)
    yield "indices", lambda: indices(g)
    yield "indices ev 2024", lambda: indices(g, "chain:ev", base_year=2024)
    yield "changes 2023", lambda: diff_as_of(g, "2023-01-01", "2023-12-31", "chain:ev", rule=one)
    yield "changes whole graph", lambda: diff_as_of(g, "2023-01-01", "2024-12-31")
    yield "changes same day", lambda: diff_as_of(g, "2024-01-01", "2024-01-01", "chain:ev")
    yield "changes graphs", lambda: diff_graphs(g, _changed_share(g), "chain:ev")
    yield "key enterprises", lambda: key_enterprises(g)
    yield "key enterprises ev in a place", lambda: key_enterprises(g, "chain:ev", within={"ent:cell", "ent:lead"}, kind="专精特新")
    yield "gap list", lambda: gap_list([gap_report(g, "chain:ev"), gap_report(g, "chain:food")])
    yield "gap list in a place", lambda: gap_list([gap_report(g, "chain:ev")], statuses=("弱链", "强链"), within={"ent:cell2"})
    yield "recruitment targets", lambda: recruitment_targets(g, "chain:ev", effect_top=1)
    sited = _with_sites(g)
    yield "sites whole graph", lambda: site_concentration(sited)
    yield "sites ev 2023", lambda: site_concentration(sited, "chain:ev", as_of="2023-12-31")
    yield "changes with sites", lambda: diff_as_of(sited, "2023-12-31", "2024-12-31")


def demo_graph() -> nx.MultiDiGraph:
    """The demo at ``DEMO_SCALE`` enterprises, projected from a throw-away embedded store."""
    from loaders.demo import load_demo
    from stores.embedded import EmbeddedStore

    with tempfile.TemporaryDirectory() as folder:
        store = EmbeddedStore(Path(folder) / "demo.sqlite")
        try:
            store.ensure_schema()
            load_demo(store, DEMO_SCALE, DEMO_SEED)
            return store.project()
        finally:
            store.close()


def demo_cases(graph: nx.MultiDiGraph) -> Iterator[tuple[str, Callable[[], Any]]]:
    """Every analysis on every chain of the demo, the first gap's candidates and recruitment."""
    for chain in chain_ids(graph):
        yield f"chain_map {chain}", lambda chain=chain: chain_map(graph, chain)
        yield f"gaps {chain}", lambda chain=chain: gap_report(graph, chain)
        yield f"critical {chain}", lambda chain=chain: critical_dependencies(graph, chain)
        yield f"changes {chain}", lambda chain=chain: diff_as_of(graph, "2023-12-31", "2025-06-30", chain)
        gaps = gap_report(graph, chain).gaps()
        if gaps:
            product = gaps[0].product
            candidates = recruitment_candidates(graph, chain, product).candidates
            yield f"candidates {chain}", lambda chain=chain, product=product: recruitment_candidates(graph, chain, product)
            if candidates:
                best = candidates[0].enterprise
                yield f"recruit {chain}", lambda c=chain, p=product, b=best: recruit_to_derisk(graph, c, p, b)
    yield "critical whole graph", lambda: critical_dependencies(graph)
    yield "indices", lambda: indices(graph)
    yield "disruption 广东省", lambda: simulate_disruption(graph, DisruptionScope(provinces=("广东省",)), partial=True)


def expected() -> dict[str, Any]:
    """Today's output: the example cases whole, the demo cases as digests."""
    return {
        "example": {name: snapshot(run()) for name, run in example_cases()},
        "demo": {name: digests(snapshot(run())) for name, run in demo_cases(demo_graph())},
    }


if __name__ == "__main__":
    FIXTURE.write_text(text(expected()) + "\n", encoding="utf-8")
    print(f"written: {FIXTURE}")

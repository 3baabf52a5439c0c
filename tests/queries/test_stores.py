"""Every analysis gives identical results whichever store the graph was projected from (both stores)."""

from __future__ import annotations

from queries.candidates import recruit_to_derisk, recruitment_candidates
from queries.chain_map import chain_map
from queries.changes import diff_as_of
from queries.disruption import DisruptionScope, simulate_disruption
from queries.examples import example_batch, example_graph
from queries.gaps import gap_report
from queries.indices import indices
from queries.risks import critical_dependencies
from stores.base import GraphStore

CHAIN = "chain:ev"


def every_analysis(whole, chain) -> dict:
    """Every analysis on the whole projection and on the chain's projection."""
    return {
        "chain_map": chain_map(chain, CHAIN).tables(),
        "gaps": gap_report(chain, CHAIN).tables(),
        "candidates": recruitment_candidates(chain, CHAIN, "product:cathode").tables(),
        "recruit": recruit_to_derisk(chain, CHAIN, "product:motor", "ent:gd-motor").tables(),
        "risks chain": critical_dependencies(chain, CHAIN).tables(),
        "risks whole": critical_dependencies(whole).tables(),
        "simulate chain": simulate_disruption(chain, DisruptionScope(parks=("park:xiaolan",)), CHAIN, partial=True).tables(),
        "simulate whole": simulate_disruption(whole, DisruptionScope(countries=("韩国",)), partial=True).tables(),
        "indices chain": indices(chain, CHAIN).tables(),
        "indices whole": indices(whole).tables(),
        "diff": diff_as_of(whole, "2023-01-01", "2025-01-01", CHAIN).tables(),
        "gaps on whole": gap_report(whole, CHAIN).tables(),
    }


def test_identical_results_from_both_stores(both_stores: dict[str, GraphStore]) -> None:
    results = {}
    for kind, store in both_stores.items():
        store.write(example_batch())
        results[kind] = every_analysis(store.project(), store.project(CHAIN))
    in_memory = every_analysis(example_graph(), example_graph())
    assert results["embedded"] == results["neo4j"] == in_memory
    assert results["embedded"]["gaps"]["缺口"][0]["产品ID"] == "product:motor"


def test_an_input_only_another_chain_makes_is_named_on_the_chain_projection(store: GraphStore) -> None:
    """南昌电池包 sells 南昌汽车 rice (a 绿色食品 product, not one of chain:ev's): both firms are chain:ev's, so
    the link is in the chain's part; its product is not. Every table names it 大米 — on the chain's
    own projection as on the whole graph — and the two agree."""
    from graph_schema import Supplies

    batch = example_batch()
    batch.extend([Supplies(src="ent:pack", dst="ent:lead", product="product:rice")])
    store.write(batch)
    whole, part = store.project(), store.project(CHAIN)
    on_part = critical_dependencies(part, CHAIN).tables()
    on_whole = critical_dependencies(whole, CHAIN).tables()
    assert on_part == on_whole
    text = repr(on_part)
    assert "大米" in text and "'product:rice'" in text  # the id stays in the 产品ID column …
    assert all("product:rice" not in str(value) for rows in on_part.values() for row in rows
               for label, value in row.items() if not label.endswith("ID"))  # … and nowhere else
    hit = simulate_disruption(part, DisruptionScope(enterprises=("ent:pack",)), CHAIN).tables()
    assert hit == simulate_disruption(whole, DisruptionScope(enterprises=("ent:pack",)), CHAIN).tables()
    assert "product:rice" not in repr({t: [{k: v for k, v in r.items() if not k.endswith("ID")} for r in rows]
                                       for t, rows in hit.items()})

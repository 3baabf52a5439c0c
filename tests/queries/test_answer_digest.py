"""Every analysis gives the same answer whichever way the graph is held: on the 3,000-firm demo, the
digests of every answer (``queries.answer_digest``) match the NetworkX reference — each chain's own
projection, as the command line reads it (``store.project(chain)``).

The same check at 100k enterprises is ``bench/answers_digest.py`` (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from loaders.demo import load_demo
from queries.answer_digest import answer_digests
from queries.compact import project_compact
from stores.embedded import EmbeddedStore

SCALE = 3000
SEED = 8810


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path_factory.mktemp("digest") / "demo.sqlite")
    store.ensure_schema()
    load_demo(store, SCALE, SEED)
    return store


@pytest.fixture(scope="module")
def chains(demo_store: EmbeddedStore) -> list[str]:
    return sorted(node["id"] for node in demo_store.list_nodes("Chain"))


@pytest.fixture(scope="module")
def reference(demo_store: EmbeddedStore, chains: list[str]) -> dict[str, str]:
    return answer_digests(demo_store.project, chains)


def whole_graph(store: EmbeddedStore) -> Callable[[str | None], Any]:
    """Every chain's analyses on a view of the whole projection (as the web app's whole-graph pages)."""
    graph = store.project()
    return lambda chain: graph


def compact(store: EmbeddedStore) -> Callable[[str | None], Any]:
    """Each chain's compact graph (``store.analysis_columns``), as the command line reads it."""
    return lambda chain: project_compact(store, chain)


def compact_whole_graph(store: EmbeddedStore) -> Callable[[str | None], Any]:
    """Every chain's analyses on a view of the whole graph's compact graph."""
    graph = project_compact(store)
    return lambda chain: graph


HOLDINGS = {"whole graph": whole_graph, "compact": compact, "compact whole graph": compact_whole_graph}


def test_reference_covers_every_analysis(reference: dict[str, str], chains: list[str]) -> None:
    kinds = {name.split()[0] for name in reference}
    assert kinds >= {"chain-map", "gaps", "candidates", "risks", "simulate", "indices", "facilities", "diff", "key", "gap", "targets"}
    assert all(f"risks {chain}" in reference for chain in chains) and len(chains) == 8
    assert sum(name.startswith("candidates ") for name in reference) > 20


@pytest.mark.parametrize("holding", sorted(HOLDINGS))
def test_same_answers(holding: str, demo_store: EmbeddedStore, chains: list[str], reference: dict[str, str]) -> None:
    found = answer_digests(HOLDINGS[holding](demo_store), chains)
    assert sorted(found) == sorted(reference)
    assert [name for name in reference if found[name] != reference[name]] == []

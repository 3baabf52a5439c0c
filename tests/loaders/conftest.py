"""Fixtures of the loader tests: the malformed-file folder, a store with the reference data, file writers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest

from graph_schema import Enterprise
from loaders.reference import load_reference
from stores.base import GraphStore, WriteBatch

MALFORMED = Path(__file__).resolve().parents[1] / "data" / "malformed"
CODE_A = "91360100MA35GWXY5H"
CODE_B = "91360100MA35GWXY6L"


@pytest.fixture
def reference_store(store: GraphStore) -> GraphStore:
    """The parametrized store (embedded and Neo4j) with the plan's reference data loaded."""
    load_reference(store)
    return store


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """Write ``text`` to ``tmp_path/name`` in ``encoding``; returns the path."""

    def write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


def snapshot(store: GraphStore) -> tuple[dict[str, int], dict]:
    """Counts and the whole projection, to prove that nothing changed."""
    return store.counts(), nx.to_dict_of_dicts(store.project())


def enterprises_by_name(store: GraphStore) -> dict[str, dict]:
    """Every stored enterprise's properties, by name."""
    return {node["name"]: node for node in store.list_nodes("Enterprise")}


def two_enterprises(store: GraphStore) -> None:
    """Enterprises with credit codes CODE_A and CODE_B, for supply files that refer to them."""
    store.write(WriteBatch(nodes=[
        Enterprise(id=CODE_A, name="南昌甲科技有限公司", local=True),
        Enterprise(id=CODE_B, name="南昌乙材料有限公司", local=True),
    ]))

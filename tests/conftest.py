"""Shared fixtures: the store fixture is parametrized over BOTH backends.

The Neo4j leg connects to NEO4J_URI (default bolt://127.0.0.1:7687, started by
``bash scripts/neo4j.sh start``). When Neo4j is unreachable those tests FAIL; they never skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_schema.errors import StoreUnavailable
from stores.base import GraphStore
from stores.embedded import EmbeddedStore

SHARED_DIR = Path(os.environ.get("CHAINATLAS_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
STORE_KINDS = ("embedded", "neo4j")


@pytest.fixture(scope="session")
def neo4j_store() -> Iterator[GraphStore]:
    from stores.neo4j_store import Neo4jStore

    uri = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
    try:
        store = Neo4jStore.connect(uri, os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
    except StoreUnavailable as exc:
        pytest.fail(f"Neo4j tests need a running Neo4j (bash scripts/neo4j.sh start): {exc}", pytrace=False)
    store.ensure_schema()
    yield store
    store.close()


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each kind, schema ensured."""
    if request.param == "neo4j":
        neo4j = request.getfixturevalue("neo4j_store")
        neo4j.clear()
        yield neo4j
        return
    embedded = EmbeddedStore(tmp_path / "store.sqlite")
    embedded.ensure_schema()
    yield embedded
    embedded.close()


@pytest.fixture
def both_stores(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[dict[str, GraphStore]]:
    """One empty store of each kind at once, to compare their answers."""
    neo4j = request.getfixturevalue("neo4j_store")
    neo4j.clear()
    embedded = EmbeddedStore(tmp_path / "both.sqlite")
    embedded.ensure_schema()
    yield {"embedded": embedded, "neo4j": neo4j}
    embedded.close()

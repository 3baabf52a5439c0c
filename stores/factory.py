"""Open the store that a ``StoreConfig`` chooses (the app's Settings build one from the environment).

>>> store = open_store(StoreConfig(store="embedded", embedded_path=":memory:"))
>>> store.counts()["Chain"]
0
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from stores.base import GraphStore


@dataclass(frozen=True)
class StoreConfig:
    """Which store to open and how to reach it; the Neo4j fields matter only for ``store="neo4j"``."""

    store: Literal["embedded", "neo4j"]
    embedded_path: str | Path
    neo4j_uri: str = ""
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"


def open_store(config: StoreConfig) -> GraphStore:
    """The embedded or Neo4j store named by ``config.store``, schema ensured.

    Raises ConfigError / StoreUnavailable with a clear message when it cannot be opened.
    """
    if config.store == "neo4j":
        from stores.neo4j_store import Neo4jStore

        store: GraphStore = Neo4jStore.connect(
            config.neo4j_uri, config.neo4j_user, config.neo4j_password, database=config.neo4j_database
        )
    else:
        from stores.embedded import EmbeddedStore

        store = EmbeddedStore(config.embedded_path)
    store.ensure_schema()
    return store

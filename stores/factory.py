"""Open the store that the settings choose."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stores.base import GraphStore

if TYPE_CHECKING:
    from app.settings import Settings


def open_store(settings: "Settings") -> GraphStore:
    """The embedded or Neo4j store named by ``settings.store``, schema ensured.

    Raises ConfigError / StoreUnavailable with a clear message when it cannot be opened.
    """
    if settings.store == "neo4j":
        from stores.neo4j_store import Neo4jStore

        store: GraphStore = Neo4jStore.connect(
            settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password, database=settings.neo4j_database
        )
    else:
        from stores.embedded import EmbeddedStore

        store = EmbeddedStore(settings.embedded_path)
    store.ensure_schema()
    return store

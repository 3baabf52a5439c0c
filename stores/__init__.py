"""Store adapters: one small interface (``GraphStore``), an embedded SQLite store and a Neo4j store.

They live in their own top-level package because both the web app and the loaders use them, and
because each backend's dialect (SQL, Cypher) is kept out of the analyses.
"""

from stores.base import GraphStore, NeighbourhoodQuery, Subgraph, WriteBatch
from stores.factory import open_store

__all__ = ["GraphStore", "NeighbourhoodQuery", "Subgraph", "WriteBatch", "open_store"]

"""Plain rows into the embedded store: the write path of a trusted generator (the demo), without a
pydantic model per item.

A row is what ``EmbeddedStore.write`` makes of a model before it writes it: a node
``(id, label, name, search, code, props)``, a relationship ``(type, src, dst, key, props)``, with
``props`` the JSON text ``properties_json()`` gives. ``write_rows`` writes a ``RowBatch`` with the
same statements, in one transaction, with the same bookkeeping: an import's number on every row
created (``pending``), values for rows that existed before the import staged, the import's item
count and heartbeat renewed, every relationship end checked (MissingEndpointError, nothing
written). Whoever makes the rows answers for their being what the models would give; the demo's
tests compare the two paths' stores by content digest.

>>> from stores.embedded import EmbeddedStore
>>> store = EmbeddedStore(":memory:"); store.ensure_schema()
>>> write_rows(store, RowBatch(nodes=[("chain:aviation", "Chain", "航空", "航空", None, '{"id":"chain:aviation","name":"航空"}')]))
>>> store.get_node("chain:aviation")
{'label': 'Chain', 'id': 'chain:aviation', 'name': '航空'}
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING

from graph_schema.errors import MissingEndpointError, StoreError
from stores.common import staged_rows

if TYPE_CHECKING:
    from stores.embedded import EmbeddedStore

NodeRow = tuple[str, str, str, str, str | None, str]
"""``(id, label, name, search, code, props)``: ``search`` the name and aliases joined by U+001F, ``code``
the credit code or None, ``props`` the properties as JSON text."""
RelRow = tuple[str, str, str, str, str]
"""``(type, src, dst, key, props)``: ``key`` tells parallel relationships apart (a SUPPLIES link's product)."""


@dataclass
class RowBatch:
    """Node and relationship rows written in ONE transaction (see the module).

    >>> len(RowBatch(relationships=[("PRODUCES", "ent:a", "product:x", "", "{}")]))
    1
    """

    nodes: list[NodeRow] = field(default_factory=list)
    relationships: list[RelRow] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.nodes) + len(self.relationships)


def write_rows(store: EmbeddedStore, batch: RowBatch, *, pending: int | None = None) -> None:
    """Upsert ``batch`` into ``store`` as ``store.write`` upserts a WriteBatch of the same items: one
    transaction, properties merged, ``pending`` the import it belongs to (see the module)."""
    from stores.embedded import _merged_props

    # in key order, as EmbeddedStore.write: B-tree inserts touch fewer pages; stable for repeated keys
    node_rows = sorted([(*row, pending) for row in batch.nodes], key=itemgetter(0))
    rel_rows = sorted([(*row, pending) for row in batch.relationships], key=itemgetter(0, 1, 2, 3))
    own_only = "" if pending is None else " WHERE {table}.imp IS excluded.imp"  # never in place over an earlier row
    try:
        with store._transaction(bump=pending is None) as db:
            if pending is not None:
                store._renew(db, pending, len(batch))
            written = db.executemany(
                "INSERT INTO nodes(id, label, name, search, code, props, imp) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, search = excluded.search, "
                "code = coalesce(excluded.code, nodes.code), props = " + _merged_props("nodes")
                + own_only.format(table="nodes"),
                node_rows,
            ).rowcount
            if pending is not None and written < len(node_rows):  # some nodes existed before the import
                db.executemany(
                    "INSERT INTO staged_nodes(id, label, name, search, code, props, imp) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT(imp, id) DO UPDATE SET name = excluded.name, search = excluded.search, "
                    "code = coalesce(excluded.code, staged_nodes.code), props = " + _merged_props("staged_nodes"),
                    staged_rows(node_rows, store._earlier(db, "nodes", node_rows, pending), itemgetter(0)),
                )
            _check_endpoints(db, batch)
            written = db.executemany(
                "INSERT INTO rels(type, src, dst, key, props, imp) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(type, src, dst, key) DO UPDATE SET props = " + _merged_props("rels")
                + own_only.format(table="rels"),
                rel_rows,
            ).rowcount
            if pending is not None and written < len(rel_rows):
                db.executemany(
                    "INSERT INTO staged_rels(type, src, dst, key, props, imp) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT(imp, type, src, dst, key) DO UPDATE SET props = " + _merged_props("staged_rels"),
                    staged_rows(rel_rows, store._earlier(db, "rels", rel_rows, pending), itemgetter(0, 1, 2, 3)),
                )
    except sqlite3.Error as exc:
        raise StoreError(f"embedded store write failed, nothing written: {exc}") from exc


def _check_endpoints(db: sqlite3.Connection, batch: RowBatch) -> None:
    """Every relationship end is in the batch or already stored (``EmbeddedStore._check_endpoints``)."""
    own = {row[0] for row in batch.nodes}
    wanted = sorted({end for row in batch.relationships for end in (row[1], row[2])} - own)
    missing = [row[0] for row in db.execute(
        "SELECT value FROM json_each(?) WHERE NOT EXISTS (SELECT 1 FROM nodes WHERE id = value)", (json.dumps(wanted),))]
    if missing:
        raise MissingEndpointError(f"{len(missing)} relationship end(s) not in the store, nothing written: {', '.join(missing[:10])}")

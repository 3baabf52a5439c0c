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

from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from stores.base import search_text

if TYPE_CHECKING:
    from graph_schema.models import Node, Relationship

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


@runtime_checkable
class RowStore(Protocol):
    """What ``write_rows`` needs of a store: ``EmbeddedStore.upsert_rows`` (named here, not imported:
    ``stores.embedded`` imports this module for ``node_row``)."""

    takes_rows: bool

    def upsert_rows(self, node_rows: list[tuple[Any, ...]], rel_rows: list[tuple[Any, ...]], *,
                    pending: int | None) -> None: ...


def write_rows(store: RowStore, batch: RowBatch, *, pending: int | None = None) -> None:
    """Upsert ``batch`` into ``store`` as ``store.write`` upserts a WriteBatch of the same items: one
    transaction, properties merged, ``pending`` the import it belongs to (see the module)."""
    # in key order, as EmbeddedStore.write: B-tree inserts touch fewer pages; stable for repeated keys
    node_rows = [(*row, pending) for row in batch.nodes]
    node_rows.sort(key=itemgetter(0))
    rel_rows = [(*row, pending) for row in batch.relationships]
    rel_rows.sort(key=itemgetter(0, 1, 2, 3))
    store.upsert_rows(node_rows, rel_rows, pending=pending)



def node_row(node: Node) -> NodeRow:
    """The row of a node model: what ``EmbeddedStore.write`` writes of it (``search``: name and aliases;
    the import's tests compare the stores both make).

    >>> from graph_schema import Enterprise
    >>> node_row(Enterprise(id="ent:a", name="南昌甲", aliases=["甲"]))[:5]
    ('ent:a', 'Enterprise', '南昌甲', '南昌甲\\x1f甲', None)
    """
    return node.id, node.label, node.name, search_text(node), getattr(node, "credit_code", None), node.properties_json()


def relationship_row(rel: Relationship) -> RelRow:
    """The row of a relationship model: what ``EmbeddedStore.write`` writes of it."""
    return rel.type, rel.src, rel.dst, rel.key, rel.properties_json()

"""Which properties the stores keep unique or indexed: the declaration, in no store's dialect.

Each store turns it into its own definitions: Neo4j constraints and indexes in ``stores/cypher.py``,
the SQLite tables of the embedded store in ``stores/embedded.py``.

>>> [(index.label, index.property) for index in INDEXES if index.kind == "unique"][:2]
[('Enterprise', 'id'), ('Product', 'id')]
>>> [index for index in INDEXES if index.kind == "equality"]
[IndexedProperty(label='Enterprise', property='credit_code', kind='equality')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from graph_schema.registry import NODE_LABELS

IndexKind = Literal["unique", "substring", "equality"]
"""``unique``: no two nodes of the label share the value (and lookups by it are fast);
``substring``: the property is searched for a (Chinese) substring; ``equality``: looked up by value."""


@dataclass(frozen=True)
class IndexedProperty:
    """One property of one label that the stores keep unique or indexed for one kind of lookup."""

    label: str
    property: str
    kind: IndexKind


INDEXES: tuple[IndexedProperty, ...] = (
    *(
        index
        for label in NODE_LABELS.values()
        for index in (IndexedProperty(label.name, label.key, "unique"), IndexedProperty(label.name, "name", "substring"))
    ),
    IndexedProperty("Enterprise", "credit_code", "equality"),
)
"""Every label's key is unique and its name searched by substring; enterprises are found by credit code."""

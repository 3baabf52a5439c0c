"""An import's kept items as the embedded store's rows, without a pydantic model per item (issue 17).

``loaders.kept_items`` keeps every validated item as its field values. For the embedded store the
importer writes them as ``stores.embedded_rows`` rows — ``(id, label, name, search, code, props)``
and ``(type, src, dst, key, props)`` — made straight from those values: ``props`` is the JSON text
``properties_json()`` would give (fields in declaration order, None left out, a relationship's
``src`` and ``dst`` left out), written by ``properties_text`` for the values whose JSON is certain:
text, yes/no, dates, lists of text or dates, and floats that pydantic and Python write alike (0 and
magnitudes from 1e-4 up; pydantic writes 1e-05 as 0.00001). An item with any other value (an
integer, a float below 1e-4, nan …) is rebuilt as its model and written from it, as
``EmbeddedStore.write`` writes it. (Text is never a lone surrogate, which ``json`` would write and
pydantic refuses: the models refuse it when validating, and the fast lane reads strict UTF-8 only.)
``tests/loaders/test_import_fast_paths.py`` compares the stores
and reports of both write paths, and the JSON text with ``properties_json()`` on generated items.

>>> from graph_schema import LocatedIn, Supplies
>>> kept = KeptItems(limit=1 << 20)
>>> kept.append(Supplies(src="ent:a", dst="ent:b", product="product:x", share=0.25, source="供应.csv!2"))
>>> kept.append(LocatedIn(src="ent:a", dst="park:y", synthetic=True))
>>> [batch] = row_batches(kept, 10)
>>> batch.relationships[0]
('SUPPLIES', 'ent:a', 'ent:b', 'product:x', '{"source":"供应.csv!2","synthetic":false,"product":"product:x","share":0.25,"confidence":"reported"}')
>>> batch.relationships[1][4] == LocatedIn(src="ent:a", dst="park:y", synthetic=True).properties_json()
True
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring  # json.dumps(text, ensure_ascii=False)
from typing import Any

from graph_schema import Node, Relationship
from graph_schema.registry import RELATIONSHIP_TYPES
from loaders.kept_items import Item, KeptItems, rebuilder
from stores.base import SEARCH_SEPARATOR
from stores.embedded_rows import NodeRow, RelRow, RowBatch, node_row, relationship_row

SMALLEST_PLAIN_FLOAT = 1e-4  # below it (0 aside) pydantic writes a float in positional notation, Python in exponent


def row_batches(kept: KeptItems, size: int) -> Iterator[RowBatch]:
    """The kept items in order, as RowBatches of ``size`` items (the batches ``write_items`` cuts)."""
    makers = [row_maker(kind, fields) for kind, fields in kept.kinds()]
    nodes: list[NodeRow] = []
    relationships: list[RelRow] = []
    for number, values in kept.values():
        is_node, row = makers[number](values)
        (nodes if is_node else relationships).append(row)  # type: ignore[arg-type]
        if len(nodes) + len(relationships) >= size:
            yield RowBatch(nodes, relationships)
            nodes, relationships = [], []
    if nodes or relationships:
        yield RowBatch(nodes, relationships)


def row_maker(kind: type[Item], fields: tuple[str, ...]) -> Callable[[tuple[Any, ...]], tuple[bool, NodeRow | RelRow]]:
    """A function making the store row of a ``kind`` item from its ``fields``' values: (True, a node
    row) or (False, a relationship row), as ``EmbeddedStore.write`` makes it of the model.

    >>> from graph_schema import Produces
    >>> make = row_maker(Produces, tuple(Produces.model_fields))
    >>> make(("f.csv!2", dt.date(2025, 12, 31), False, None, "ent:a", "product:x"))
    (False, ('PRODUCES', 'ent:a', 'product:x', '', '{"source":"f.csv!2","as_of":"2025-12-31","synthetic":false}'))
    """
    build = rebuilder(kind, fields)
    plain = _plain_json(kind, fields)
    props = properties_text(fields, kind.model_construct()._structural_fields()) if plain else None
    if issubclass(kind, Relationship):
        rel_type = kind.type
        key_property = RELATIONSHIP_TYPES[rel_type].key_property
        src, dst, key = fields.index("src"), fields.index("dst"), fields.index(key_property) if key_property else None
        # a kind whose properties all stand before src and dst (PRODUCES, LOCATED_IN …): a firm's share them
        shared = dst == src + 1 == len(fields) - 1
        last: list[Any] = [None, None]  # the values before src of the previous item of this kind, and its props

        def relationship(values: tuple[Any, ...]) -> tuple[bool, RelRow]:
            text = None
            if props is not None:
                common = values[:src]  # source, as_of, synthetic, quote: all a PRODUCES / LOCATED_IN … holds
                if shared and common == last[0]:
                    text = last[1]
                else:
                    text = props(values)
                    last[:] = common, text
            if text is None:
                return False, relationship_row(build(values))  # type: ignore[arg-type]
            key_value = "" if key is None else str(values[key] or "")
            return False, (rel_type, values[src], values[dst], key_value, text)

        return relationship
    assert issubclass(kind, Node)
    label, node_id, name = kind.label, fields.index("id"), fields.index("name")
    aliases = fields.index("aliases") if "aliases" in fields else None
    code = fields.index("credit_code") if "credit_code" in fields else None

    def node(values: tuple[Any, ...]) -> tuple[bool, NodeRow]:
        text = props(values) if props is not None else None
        if text is None:
            return True, node_row(build(values))  # type: ignore[arg-type]
        search = values[name] if aliases is None or not values[aliases] else \
            SEARCH_SEPARATOR.join([values[name], *values[aliases]])
        return True, (values[node_id], label, values[name], search, None if code is None else values[code], text)

    return node


def properties_text(fields: tuple[str, ...], structural: set[str]) -> Callable[[tuple[Any, ...]], str | None]:
    """A function giving the JSON text ``properties_json()`` gives of an item with these field values,
    or None when a value is not of a kind whose JSON is certain (see the module).

    >>> text = properties_text(("src", "dst", "name", "share", "seen"), {"src", "dst"})
    >>> text(("ent:a", "ent:b", '南昌"甲"', 0.5, [dt.date(2024, 12, 31)]))
    '{"name":"南昌\\\\"甲\\\\"","share":0.5,"seen":["2024-12-31"]}'
    >>> text(("ent:a", "ent:b", None, 0.00001, None)) is None
    True
    """
    wanted = [(position, encode_basestring(field) + ":") for position, field in enumerate(fields) if field not in structural]
    dates: dict[dt.date, str] = {}  # an import's rows share a few dates

    def text(values: tuple[Any, ...]) -> str | None:
        parts = []
        for position, prefix in wanted:
            value = values[position]
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                parts.append(prefix + encode_basestring(value))
            elif kind is bool:
                parts.append(prefix + ("true" if value else "false"))
            elif kind is float:
                if not (value == 0 or SMALLEST_PLAIN_FLOAT <= abs(value) < math.inf):
                    return None
                parts.append(prefix + repr(value))
            elif kind is dt.date:
                parts.append(prefix + (dates.get(value) or dates.setdefault(value, f'"{value.isoformat()}"')))
            elif kind is list and all(type(item) is str for item in value):
                parts.append(prefix + "[" + ",".join(map(encode_basestring, value)) + "]")
            elif kind is list and all(type(item) is dt.date for item in value):
                parts.append(prefix + "[" + ",".join(f'"{item.isoformat()}"' for item in value) + "]")
            else:
                return None
        return "{" + ",".join(parts) + "}"

    return text


def _plain_json(kind: type[Item], fields: tuple[str, ...]) -> bool:
    """Whether ``kind``'s JSON is its fields' values in order, nothing else: no serializers, computed
    fields or excluded fields, and ``fields`` all of its fields (else its models write the rows)."""
    decorators = kind.__pydantic_decorators__
    return (tuple(kind.model_fields) == fields and not kind.model_computed_fields
            and not decorators.field_serializers and not decorators.model_serializers
            and not any(field.exclude for field in kind.model_fields.values()))


"""The validated items of an import, kept compactly between validating and writing.

Each item is kept as the tuple of its field values; every ``CHUNK`` items are pickled and
compressed together (zlib, fastest level): a validated enterprise row (the firm, LOCATED_IN,
PRODUCES) then takes about 70 bytes instead of about 3 KB as models. Iterating rebuilds the models
without validating them again (as ``model_construct`` would, see ``rebuilder``: the values are
those of models already validated, or of rows the import's fast lane validated, so the result is
the same model). Fast-lane rows are appended as field values (``append_values``), never as models. When the compressed chunks would exceed ``limit`` bytes, nothing is
kept and ``overflowed`` is set: the importer then reads the files a second time to write.

The chunks are this process's own data, never read from outside, so pickle is safe here.

>>> from graph_schema import Chain
>>> kept = KeptItems(limit=1 << 20)
>>> kept.append(Chain(id="chain:aviation", name="航空", kind="新兴"))
>>> kept.append(Chain(id="chain:new-energy", name="新能源", kind="新兴"))
>>> kept.replace(0, Chain(id="chain:aviation", name="航空产业", kind="新兴"))
>>> [chain.name for chain in kept], len(kept), kept.overflowed
(['航空产业', '新能源'], 2, False)
>>> nothing = KeptItems(limit=0)
>>> nothing.append(Chain(id="chain:aviation", name="航空", kind="新兴"))
>>> nothing.overflowed, list(nothing)
(True, [])
"""

from __future__ import annotations

import itertools
import pickle
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from graph_schema import Node, Relationship

Item = Node | Relationship
Row = tuple[int, tuple[Any, ...]]  # (kind number, field values)


class KeptItems:
    """Items appended in order, iterated in that order; see the module docstring."""

    CHUNK = 4096

    def __init__(self, limit: int) -> None:
        self.limit = limit  # bytes of compressed chunks
        self.overflowed = False
        self.size = 0  # bytes of compressed chunks so far
        self._count = 0
        self._chunks: list[bytes] = []
        self._open: list[Row] = []
        self._replaced: dict[int, Row] = {}
        self._kinds: list[type[Item]] = []
        self._fields: list[tuple[str, ...]] = []

    def __len__(self) -> int:
        return self._count

    def append(self, item: Item) -> None:
        if self.overflowed:
            return
        if self.size >= self.limit:
            self._overflow()
            return
        self._open.append(self._row(item))
        self._count += 1
        if len(self._open) >= self.CHUNK:
            self._seal()

    def append_values(self, kind: type[Item], values: tuple[Any, ...]) -> None:
        """Append an item given as its field values in ``kind``'s field order (a row the import's
        fast lane validated without building a model: ``loaders.supply_lane``)."""
        if self.overflowed:
            return
        if self.size >= self.limit:
            self._overflow()
            return
        if kind not in self._kinds:
            self._kinds.append(kind)
            self._fields.append(tuple(kind.model_fields))
        self._open.append((self._kinds.index(kind), values))
        self._count += 1
        if len(self._open) >= self.CHUNK:
            self._seal()

    def replace(self, position: int, item: Item) -> None:
        """Put ``item`` where the item at ``position`` was (a firm's node merged with a later row)."""
        if not self.overflowed:
            self._replaced[position] = self._row(item)

    def __iter__(self) -> Iterator[Item]:
        build = [rebuilder(kind, fields) for kind, fields in self.kinds()]
        for number, values in self.values():
            yield build[number](values)

    def kinds(self) -> list[tuple[type[Item], tuple[str, ...]]]:
        """Each kind of item kept, with the names of its field values, in the order ``values`` numbers them."""
        return list(zip(self._kinds, self._fields, strict=True))

    def values(self) -> Iterator[Row]:
        """Every item in order as (its kind's number in ``kinds()``, its field values), replacements made."""
        position = 0
        unpacked = (pickle.loads(zlib.decompress(chunk)) for chunk in self._chunks)  # one chunk at a time
        replaced = self._replaced
        for rows in itertools.chain(unpacked, [self._open]):
            if not replaced:
                yield from rows
                continue
            for row in rows:
                yield replaced.get(position, row)
                position += 1

    def _row(self, item: Item) -> Row:
        kind = type(item)
        if kind not in self._kinds:  # pydantic keeps a model's values in field declaration order
            self._kinds.append(kind)
            self._fields.append(tuple(item.__dict__))
        return self._kinds.index(kind), tuple(item.__dict__.values())

    def _seal(self) -> None:
        chunk = zlib.compress(pickle.dumps(self._open, protocol=pickle.HIGHEST_PROTOCOL), 1)
        self._chunks.append(chunk)
        self.size += len(chunk)
        self._open = []
        if self.size > self.limit:
            self._overflow()

    def _overflow(self) -> None:
        self.overflowed = True
        self._chunks.clear()
        self._open.clear()
        self._replaced.clear()


def rebuilder(kind: type[Item], fields: tuple[str, ...]) -> Callable[[tuple[Any, ...]], Item]:
    """A function making a ``kind`` model from the values of all its ``fields`` as ``model_construct``
    makes it (no validation), without its per-call work on aliases and defaults: the instance's
    ``__dict__`` and fields-set assigned directly. A model with aliases, private attributes or a
    post-init hook, or values not of all its fields in order, gets ``model_construct`` itself.

    >>> from graph_schema import Chain
    >>> fields = tuple(Chain.model_fields)
    >>> chain = rebuilder(Chain, fields)(("规划", None, False, None, "chain:aviation", "航空", "新兴", None, [], 1))
    >>> chain == Chain.model_construct(**dict(zip(fields, chain.__dict__.values()))), chain.name
    (True, '航空')
    """
    model_fields = kind.__pydantic_fields__
    if kind.__pydantic_post_init__ or kind.__private_attributes__ or kind.__pydantic_root_model__ \
            or tuple(model_fields) != fields or kind.model_config.get("extra") == "allow" \
            or any(field.alias or field.validation_alias for field in model_fields.values()):
        return lambda values: kind.model_construct(**dict(zip(fields, values, strict=True)))
    new, assign = kind.__new__, object.__setattr__

    def build(values: tuple[Any, ...]) -> Item:
        item = new(kind)
        assign(item, "__dict__", dict(zip(fields, values, strict=True)))
        assign(item, "__pydantic_fields_set__", set(fields))
        assign(item, "__pydantic_extra__", None)
        assign(item, "__pydantic_private__", None)
        return item

    return build

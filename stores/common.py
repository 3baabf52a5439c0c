"""Helpers the two stores share: parameter chunks, checked relationship types, query windows and
the rows of a pending import to stage.

The neighbourhood walk and the projection built over the stores' primitives are the interface's
own, in ``stores/base.py``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from graph_schema.registry import RELATIONSHIP_TYPES, check_relationship_type

T = TypeVar("T")
R = TypeVar("R")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of ``items`` of ``size`` each (the last may be shorter): query parameters
    kept below a store's limit.

    >>> [list(chunk) for chunk in chunks(["a", "b", "c"], 2)]
    [['a', 'b'], ['c']]
    """
    for start in range(0, len(items), size):
        yield items[start : start + size]


def checked_rel_types(rel_types: Sequence[str] | None) -> list[str]:
    """The whitelisted relationship types asked for (all of them when None)."""
    if rel_types is None:
        return list(RELATIONSHIP_TYPES)
    return [check_relationship_type(name).name for name in rel_types]



def check_window(limit: int | None, offset: int = 0) -> None:
    """Refuse a negative ``limit`` or ``offset`` (both stores, the same ValueError).

    >>> check_window(None, 0)
    >>> check_window(-1)
    Traceback (most recent call last):
    ValueError: limit and offset must not be negative (limit=-1, offset=0)
    """
    if (limit is not None and limit < 0) or offset < 0:
        raise ValueError(f"limit and offset must not be negative (limit={limit}, offset={offset})")


def staged_rows(rows: Sequence[R], earlier: Mapping[Any, bool], key: Callable[[Any], Any]) -> list[R]:
    """The rows of a pending import's batch whose item existed before the import (``earlier``: key →
    whether the row would change it), to be staged — without those that would change nothing
    (unless another row of the batch names the same item, as a later row wins).

    >>> staged_rows([("a",), ("b",), ("c",), ("c",)], {"b": False, "c": False}, lambda row: row[0])
    [('c',), ('c',)]
    """
    repeated = {name for name, times in Counter(key(row) for row in rows).items() if times > 1}
    return [row for row in rows if key(row) in earlier and (earlier[key(row)] or key(row) in repeated)]

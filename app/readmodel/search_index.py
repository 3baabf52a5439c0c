"""Name search served from memory: one index per label, built from a cached projection.

Gives what ``GraphStore.search`` gives — nodes whose name or an alias contains the text, or whose
id / credit code equals it; exact name first, then names starting with the text, then the rest,
each group by name length, name, id — without asking the store. The index belongs to one
projection, so a cache keyed by the store's revision never serves results from before an import.

>>> from stores.base import build_graph
>>> graph = build_graph([
...     {"id": "ent:a", "label": "Enterprise", "name": "南昌储能科技", "aliases": ["南储"]},
...     {"id": "ent:b", "label": "Enterprise", "name": "新余储能"},
...     {"id": "ent:c", "label": "Enterprise", "name": "储能", "credit_code": "91360100MA35GWXY5H"},
... ], [])
>>> index = NameIndex(graph, "Enterprise")
>>> [node["id"] for node in search_indexes([index], "储能")]
['ent:c', 'ent:b', 'ent:a']
>>> [node["id"] for node in search_indexes([index], "南储")], [node["id"] for node in search_indexes([index], "91360100MA35GWXY5H")]
(['ent:a'], ['ent:c'])
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from stores.base import SEARCH_SEPARATOR

RECORD_START = "\x1e"  # before each node's name in the index text
ALIAS_START = SEARCH_SEPARATOR  # before each alias, as in the stores' search text, so no query holds it

SortKey = tuple[int, int, str, str]


class NameIndex:
    """The nodes of one label of ``graph``, ordered by (name length, name, id), their names and
    aliases in one string that ``str.find`` scans at C speed."""

    def __init__(self, graph: Any, label: str, keys: Mapping[str, tuple[str | None, tuple[str, ...]]] | None = None) -> None:
        """``graph``: a projection (NetworkX or ``queries.compact.CompactGraph``); ``keys``: id → (credit
        code, aliases) of the nodes that have them, when the graph does not hold them (the compact
        graph's enterprises; ``app.readmodel.search_keys``)."""
        self._graph = graph
        ordered = sorted(
            (len(attrs["name"]), attrs["name"], node) for node, attrs in graph.nodes(data=True) if attrs.get("label") == label
        )
        self._ids = [node for _, _, node in ordered]
        self._names = [name for _, name, _ in ordered]
        self._starts: list[int] = []
        parts: list[str] = []
        offset = 0
        self._by_code: dict[str, list[str]] = {}
        self._aliases: dict[str, tuple[str, ...]] = {}
        for node, name in zip(self._ids, self._names, strict=True):
            if keys is not None:
                code, aliases = keys.get(node, (None, ()))
            else:
                attrs = graph.nodes[node]
                code, aliases = attrs.get("credit_code"), tuple(attrs.get("aliases") or ())
            text = RECORD_START + name + "".join(ALIAS_START + alias for alias in aliases)
            self._starts.append(offset)
            parts.append(text)
            offset += len(text)
            if aliases:
                self._aliases[node] = aliases
            if code:
                self._by_code.setdefault(code, []).append(node)
        self._text = "".join(parts)
        self._label = label

    def __len__(self) -> int:
        return len(self._ids)

    def best(self, text: str, limit: int) -> list[tuple[SortKey, str]]:
        """The first ``limit`` matches of ``text`` (already stripped, non-empty) as (sort key, id)."""
        found: list[tuple[SortKey, str]] = []
        if limit <= 0:
            return found
        for position in self._name_prefixed(text):  # exact names come first: they are the shortest
            found.append((self._key(position, text), self._ids[position]))
            if len(found) == limit:
                return found
        wanted = limit - len(found)  # every name starting with the text is in ``found``: the rest contain it
        rest: list[tuple[SortKey, str]] = []
        for position in self._containing(text):
            if not self._names[position].startswith(text):
                rest.append((self._key(position, text), self._ids[position]))
                if len(rest) == wanted:
                    break
        for node in self._equal_keys(text):
            key = self._key_of(node, text)
            if key[0] == 2 and (key, node) not in rest:
                rest.append((key, node))
        return found + sorted(rest)[:wanted]

    def record(self, node: str) -> dict[str, Any]:
        """The node as the stores return it (a fresh dict)."""
        return {"id": node, **self._graph.nodes[node]}

    # -- matching ----------------------------------------------------------------------------------

    def _name_prefixed(self, text: str) -> Iterator[int]:
        """Positions of the nodes whose name starts with ``text``, in index order."""
        needle = RECORD_START + text
        at = self._text.find(needle)
        while at >= 0:
            position = bisect_right(self._starts, at) - 1
            if self._starts[position] == at and self._names[position].startswith(text):
                yield position
            at = self._text.find(needle, at + 1)

    def _containing(self, text: str) -> Iterator[int]:
        """Positions of the nodes whose name or an alias contains ``text``, in index order, once each."""
        at = self._text.find(text)
        while at >= 0:
            position = bisect_right(self._starts, at) - 1
            if self._matches(position, text):
                yield position
                following = position + 1
                at = self._text.find(text, self._starts[following]) if following < len(self._starts) else -1
            else:  # the text ran across a separator: look further on
                at = self._text.find(text, at + 1)

    def _matches(self, position: int, text: str) -> bool:
        return text in self._names[position] or any(text in alias for alias in self._aliases.get(self._ids[position], ()))

    def _equal_keys(self, text: str) -> list[str]:
        """Nodes of this label whose id or credit code is ``text``."""
        nodes = list(self._by_code.get(text, ()))
        if self._graph.nodes.get(text, {}).get("label") == self._label and text not in nodes:
            nodes.append(text)
        return nodes

    def _key(self, position: int, text: str) -> SortKey:
        return _sort_key(self._names[position], self._ids[position], text)

    def _key_of(self, node: str, text: str) -> SortKey:
        return _sort_key(self._graph.nodes[node]["name"], node, text)


def _sort_key(name: str, node: str, text: str) -> SortKey:
    """The stores' search order: exact name, then names starting with ``text``, then length, name, id."""
    return (0 if name == text else 1 if name.startswith(text) else 2, len(name), name, node)


def search_indexes(indexes: Sequence[NameIndex], text: str, limit: int = 20,
                   records: Callable[[list[str]], Mapping[str, dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """What ``GraphStore.search(text, limit=limit)`` returns, over the labels of ``indexes``;
    ``records``: the nodes' records by id, read in one batch (default: each index's graph's attributes)."""
    text = text.strip()
    if not text or ALIAS_START in text:
        return []
    per_label = [[(key, node, index) for key, node in index.best(text, limit)] for index in indexes]
    best = [(node, index) for (_, node, index), _ in zip(heapq.merge(*per_label, key=lambda hit: hit[0]), range(limit), strict=False)]
    if records is None:
        return [index.record(node) for node, index in best]
    found = records([node for node, _ in best])
    return [dict(found[node]) for node, _ in best if node in found]

"""Enterprises by credit code and by normalised name: how a supply row's 供应方 / 采购方 are found.

One index holds the enterprises of the batch being imported, another the store's (read once, page
by page, on first use); a name both can hold for several firms resolves to none of them.

>>> index = EnterpriseIndex()
>>> index.add("ent:a", "南昌甲科技有限公司", aliases=["甲科技"])
>>> index.add("ent:b", "南昌甲科技股份有限公司")
>>> index.add("91360100MA35GWXY5H", "南昌丙材料有限公司", code="91360100MA35GWXY5H")
>>> index.ids(normalise_name("甲科技")), index.ids(normalise_name("南昌甲科技有限公司"))
(('ent:a',), ('ent:a', 'ent:b'))
>>> index.id_of_code("91360100MA35GWXY5H"), index.id_of_code("91360100MA35GWXY6L")
('91360100MA35GWXY5H', None)
>>> closest_names(normalise_name("南昌甲科"), [index])
['南昌甲科技有限公司']
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

from loaders.names import normalise_name
from stores.base import GraphStore


class EnterpriseIndex:
    """Enterprises by credit code and by normalised name (and alias), with display names."""

    def __init__(self) -> None:
        self.by_code: dict[str, str] = {}
        self.by_name: dict[str, str | tuple[str, ...]] = {}
        self.display: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.display)

    def add(self, node_id: str, name: str, aliases: Iterable[str] = (), code: str | None = None) -> None:
        self.display[node_id] = name
        if code and code != node_id:  # a firm's id is its code when it has one: kept only otherwise
            self.by_code[code] = node_id
        for text in (name, *aliases):
            key = normalise_name(text)
            current = self.by_name.get(key)
            if current is None:
                self.by_name[key] = node_id
            elif isinstance(current, str):
                if current != node_id:
                    self.by_name[key] = (current, node_id)
            elif node_id not in current:
                self.by_name[key] = (*current, node_id)

    def id_of_code(self, code: str) -> str | None:
        """The id of the enterprise with credit code ``code``."""
        return self.by_code.get(code) or (code if code in self.display else None)

    def ids(self, key: str) -> tuple[str, ...]:
        """Ids whose name or an alias normalises to ``key``."""
        found = self.by_name.get(key)
        return () if found is None else (found,) if isinstance(found, str) else found


class StoreIndex(EnterpriseIndex):
    """The store's enterprises, read once on first use (page by page), then frozen for the import."""

    PAGE = 5000

    def __init__(self, store: GraphStore | None) -> None:
        super().__init__()
        self._store = store  # None: no store, nothing to read
        self._built = False
        self.aliases: dict[str, tuple[str, ...]] = {}  # id → stored aliases (firms that have some)

    def ensure(self) -> StoreIndex:
        """The index, read from the store on first use."""
        if not self._built:
            self._built = True
            if self._store is not None and self._store.counts().get("Enterprise", 0):
                offset = 0
                while page := self._store.list_nodes("Enterprise", limit=self.PAGE, offset=offset):
                    for node in page:
                        name = node["name"] if "name" in node else node["id"]
                        aliases = tuple(node.get("aliases") or ())
                        self.add(node["id"], name, aliases, node.get("credit_code"))
                        if aliases:
                            self.aliases[node["id"]] = aliases
                    offset += len(page)
        return self

    def stored(self, node_id: str) -> tuple[str, tuple[str, ...]] | None:
        """The name and aliases ``node_id`` had in the store before the import; None when it was not there."""
        index = self.ensure()
        name = index.display.get(node_id)
        return None if name is None else (name, index.aliases.get(node_id, ()))


def closest_names(key: str, indexes: Iterable[EnterpriseIndex]) -> list[str]:
    """Up to three display names, each once, whose normalised names come closest to ``key``."""
    choices: dict[str, str] = {}
    for index in indexes:
        for name_key, ids in index.by_name.items():
            first = ids if isinstance(ids, str) else ids[0]
            choices.setdefault(name_key, index.display.get(first, first))
    matches = process.extract(key, list(choices), scorer=fuzz.WRatio, limit=6, score_cutoff=50)
    return list(dict.fromkeys(choices[match[0]] for match in matches))[:3]  # a name shown once

"""What search and the enterprise list match beyond a name — an enterprise's credit code and aliases —
read from the store once per revision, since the compact analysis graph does not hold them.

>>> from stores.embedded import EmbeddedStore
>>> from graph_schema import Enterprise
>>> from stores.base import WriteBatch
>>> store = EmbeddedStore(":memory:"); store.ensure_schema()
>>> store.write(WriteBatch(nodes=[Enterprise(id="ent:a", name="甲", aliases=["甲公司"]), Enterprise(id="ent:b", name="乙")]))
>>> enterprise_keys(store)
{'ent:a': (None, ('甲公司',))}
"""

from __future__ import annotations

from stores.base import GraphStore

PAGE = 5_000  # enterprises read at a time: only their keys are kept
Keys = dict[str, tuple[str | None, tuple[str, ...]]]  # id → (credit code, aliases), for those with either


def enterprise_keys(store: GraphStore) -> Keys:
    """The credit code and aliases of every enterprise that has one, read a page at a time."""
    keys: Keys = {}
    offset = 0
    strings: dict[str, str] = {}
    while True:
        page = store.list_nodes("Enterprise", limit=PAGE, offset=offset)
        for node in page:
            code, aliases = node.get("credit_code"), node.get("aliases")
            if code or aliases:
                keys[node["id"]] = (code, tuple(strings.setdefault(alias, alias) for alias in aliases or ()))
        if len(page) < PAGE:
            return keys
        offset += PAGE

"""Equal sets kept as one object: a ``frozenset`` per firm costs ~200 bytes, and a million firms
have a few thousand distinct product sets, not a million.

>>> found = shared_sets({"ent:a": {"p"}, "ent:b": {"p"}})
>>> found["ent:a"] is found["ent:b"]
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def shared_set(shared: dict[frozenset[str], frozenset[str]], members: Iterable[str]) -> frozenset[str]:
    """``frozenset(members)``, the one object kept in ``shared`` for equal sets.

    >>> shared = {}
    >>> shared_set(shared, ["a", "b"]) is shared_set(shared, ("b", "a"))
    True
    """
    found = frozenset(members)
    return shared.setdefault(found, found)


def shared_sets(sets: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """Key → ``frozenset`` of its members, equal sets as one object (most firms make one of a few
    hundred products: a million firms share a few thousand sets, not a million).

    >>> found = shared_sets({"ent:a": {"p"}, "ent:b": {"p"}})
    >>> found["ent:a"] is found["ent:b"], found["ent:a"]
    (True, frozenset({'p'}))
    """
    shared: dict[frozenset[str], frozenset[str]] = {}
    return {key: shared_set(shared, members) for key, members in sets.items()}

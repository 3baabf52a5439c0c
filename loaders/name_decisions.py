"""Near-duplicate enterprise names and the decisions people take on them (merge or keep apart).

Legal forms and continuation markers are settled by ``loaders.names`` (cleanco); what remains are
names close enough to be one firm or two ("NXP Semiconductor N.V." / "NXP Semiconductors N.V.",
"Solvay SA" / "Solvay Specialty Polymers"). ``near_duplicates`` lists pairs of stored enterprises
whose normalised names are close (rapidfuzz ``ratio``, 0–100) and that nobody has
decided on. A decision is recorded with who took it and when in a JSON file of the data folder
(``name-decisions.json``) and applied at once: a merge moves the second firm's relationships to the
first, keeps its name as an alias and deletes it (observations add up). ``apply_decisions`` runs
again after every import, so a re-import that brings the merged spelling back merges it again; a
keep-apart pair is no longer listed.

>>> book = DecisionBook(None)
>>> book.record("NXP Semiconductors N.V.", "NXP Semiconductor N.V.", "merge", by="张三", at="2026-12-04T10:00:00")
Decision(keep='NXP Semiconductors N.V.', other='NXP Semiconductor N.V.', decision='merge', by='张三', at='2026-12-04T10:00:00')
>>> book.decided("nxp semiconductor nv", "NXP SEMICONDUCTORS NV")
'merge'
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process

from graph_schema import RELATIONSHIP_MODELS, Enterprise
from loaders.names import normalise_name
from stores.base import GraphStore, WriteBatch

DecisionKind = Literal["merge", "keep"]
DECISIONS_FILE = "name-decisions.json"
DEFAULT_THRESHOLD = 90.0


@dataclass(frozen=True)
class Decision:
    """Two spellings: merged into ``keep``'s firm, or kept apart; who decided and when (ISO time)."""

    keep: str
    other: str
    decision: DecisionKind
    by: str
    at: str

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((normalise_name(self.keep), normalise_name(self.other)))


class DecisionBook:
    """The decisions of one data folder (``path`` None: in memory only), later decisions first."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.decisions: list[Decision] = []
        if path is not None and path.exists():
            self.decisions = [Decision(**item) for item in json.loads(path.read_text("utf-8"))]

    @classmethod
    def in_folder(cls, folder: Path) -> DecisionBook:
        return cls(folder / DECISIONS_FILE)

    def record(self, keep: str, other: str, decision: DecisionKind, *, by: str, at: str | None = None) -> Decision:
        """Record (and save) a decision; it replaces an earlier one on the same pair."""
        if decision not in ("merge", "keep"):
            raise ValueError(f"decision must be merge or keep, not {decision!r}")
        if not by.strip():
            raise ValueError("who decides must be named")
        made = Decision(keep, other, decision, by.strip(), at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        self.decisions = [made, *(d for d in self.decisions if d.pair != made.pair)]
        if self.path is not None:
            self.path.write_text(json.dumps([asdict(d) for d in self.decisions], ensure_ascii=False, indent=1), "utf-8")
        return made

    def merged_keys(self) -> dict[str, str]:
        """Normalised name → the normalised name it was merged into (followed to the end).

        >>> book = DecisionBook(None)
        >>> _ = book.record("Solvay SA", "Solvay Specialty Polymers", "merge", by="张三")
        >>> book.merged_keys()
        {'solvayspecialtypolymers': 'solvay'}
        """
        into = {normalise_name(d.other): normalise_name(d.keep) for d in reversed(self.decisions) if d.decision == "merge"}
        resolved = {}
        for key in into:
            target, hops = into[key], 0
            while target in into and hops < len(into):
                target, hops = into[target], hops + 1
            if target != key:
                resolved[key] = target
        return resolved

    def decided(self, one: str, other: str) -> DecisionKind | None:
        """The decision on two spellings (any spellings of the pair), or None."""
        pair = frozenset((normalise_name(one), normalise_name(other)))
        return next((d.decision for d in self.decisions if d.pair == pair), None)


@dataclass(frozen=True)
class NearDuplicate:
    """Two stored enterprises whose normalised names are close."""

    first: str
    first_name: str
    second: str
    second_name: str
    score: float


def near_duplicates(store: GraphStore, book: DecisionBook, *, threshold: float = DEFAULT_THRESHOLD,
                    limit: int = 200) -> list[NearDuplicate]:
    """Pairs of enterprises with close normalised names that nobody decided on, closest first.

    Names are compared by rapidfuzz's ``ratio`` on the normalised names (legal forms already gone),
    so only the distinctive part counts, within blocks of names that begin with the same two
    characters (quadratic within a block only).
    """
    nodes = _enterprises(store)
    keys = [normalise_name(str(node["name"])) for node in nodes]
    blocks: dict[str, list[int]] = {}
    for index, key in enumerate(keys):  # names compared within a block of one first two characters
        blocks.setdefault(key[:2], []).append(index)
    found: list[NearDuplicate] = []
    for members in blocks.values():
        choices = [keys[i] for i in members]
        for position, i in enumerate(members):
            for _, score, at in process.extract(keys[i], choices[position + 1:], scorer=fuzz.ratio,
                                                score_cutoff=threshold, limit=None):
                j = members[position + 1 + at]
                a, b = nodes[i], nodes[j]
                if keys[i] != keys[j] and book.decided(str(a["name"]), str(b["name"])) is None:
                    found.append(NearDuplicate(str(a["id"]), str(a["name"]), str(b["id"]), str(b["name"]), float(score)))
    found.sort(key=lambda pair: (-pair.score, pair.first_name, pair.second_name))
    return found[:limit]


def _enterprises(store: GraphStore) -> list[dict[str, object]]:
    nodes: list[dict[str, object]] = []
    offset = 0
    while page := store.list_nodes("Enterprise", limit=5000, offset=offset):
        nodes += page
        offset += len(page)
    return nodes


def merge_enterprises(store: GraphStore, keep: str, other: str) -> bool:
    """Move ``other``'s relationships to ``keep``, add its name and aliases as aliases, delete it.
    False when either is not stored (nothing done)."""
    kept, gone = store.get_node(keep), store.get_node(other)
    if kept is None or gone is None or keep == other:
        return False
    aliases = list(dict.fromkeys([*kept.get("aliases", []), str(gone["name"]), *gone.get("aliases", [])]))
    seen = sorted({*kept.get("seen", []), *gone.get("seen", [])}) or None
    batch = WriteBatch(nodes=[Enterprise.model_validate({
        **{k: v for k, v in kept.items() if k != "label"}, "aliases": [a for a in aliases if a != kept["name"]],
        "seen": seen,
    })])
    moved = store.neighbourhood(_query(other)).relationships
    for rel in (rel for rel in moved if other in (rel["src"], rel["dst"])):
        props = {k: v for k, v in rel.items() if k not in ("type", "src", "dst", "key")}
        src = keep if rel["src"] == other else rel["src"]
        dst = keep if rel["dst"] == other else rel["dst"]
        if src == dst:
            continue
        batch.relationships.append(RELATIONSHIP_MODELS[rel["type"]](src=src, dst=dst, **props))
    store.write(batch)
    store.delete_nodes([other])
    return True


def _query(node_id: str):  # type: ignore[no-untyped-def]
    from stores.base import NeighbourhoodQuery

    return NeighbourhoodQuery([node_id], 1, direction="both", max_nodes=100_000)


def apply_decisions(store: GraphStore, book: DecisionBook) -> int:
    """Merge again every pair decided ``merge`` whose two firms are both stored (after an import
    brought a merged spelling back); returns how many firms were merged away."""
    merged = 0
    if not any(d.decision == "merge" for d in book.decisions):
        return 0
    by_key: dict[str, list[str]] = {}
    for node in _enterprises(store):
        by_key.setdefault(normalise_name(str(node["name"])), []).append(str(node["id"]))
    for decision in reversed(book.decisions):  # oldest first: later decisions build on earlier merges
        if decision.decision != "merge":
            continue
        keep_ids = by_key.get(normalise_name(decision.keep), [])
        other_ids = by_key.get(normalise_name(decision.other), [])
        if len(keep_ids) == 1:
            for other in other_ids:
                if other != keep_ids[0] and merge_enterprises(store, keep_ids[0], other):
                    merged += 1
            by_key[normalise_name(decision.other)] = list(keep_ids)
    return merged


def decision_rows(book: DecisionBook) -> Iterable[dict[str, str]]:
    """The recorded decisions as rows for a table (Chinese headings)."""
    for d in book.decisions:
        yield {"保留": d.keep, "另一名称": d.other, "决定": "合并" if d.decision == "merge" else "保持为两家",
               "决定人": d.by, "时间": d.at}

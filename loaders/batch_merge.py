"""One firm across the sheets and files of a batch: who a row's enterprise is, which rows repeat
one, and how a firm's rows in several sheets (one list per chain) merge into one node.

Within one table a firm stands once: a second row with its credit code or normalised name is a
duplicate. In another table it continues the firm: lists are joined, another name is kept as an
alias, a value only one row gives is kept, 本地 holds if either says so, of two nested places the
more precise one; a value the rows give differently is an error.

>>> from graph_schema import Enterprise
>>> from loaders.catalogue import Catalogue
>>> batch = BatchEnterprises(BatchState(), Catalogue.from_reference(), StoreIndex(None))
>>> said = []
>>> report = lambda field, reason, value=None, level="错误": said.append(reason)
>>> first, _ = batch.identify("一.csv", 2, "南昌甲科技有限公司", None, report)
>>> batch.remember(Enterprise(id=first, name="南昌甲科技有限公司", tags=["上市"]), None)
>>> batch.identify("二.csv", 5, "南昌甲科技有限公司", None, report) == (first, True)
True
>>> merged = batch.merged(Enterprise(id=first, name="南昌甲科技有限公司", tags=["链主"], city="南昌市"), None, report)
>>> node, place = batch.keep(merged)
>>> node.tags, node.city, said
(['链主', '上市'], '南昌市', [])
>>> batch.identify("二.csv", 6, "南昌甲科技有限公司", None, report), said
((None, False), ['与第5行重复（规范化后的企业名称相同）'])
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from graph_schema import Enterprise
from loaders.catalogue import Catalogue
from loaders.enterprise_index import EnterpriseIndex, StoreIndex
from loaders.fields import field_of
from loaders.names import enterprise_id, normalise_name
from loaders.places import CHINA


class RowProblem(Protocol):
    """Report a problem in a field of the row being read (an error unless ``level`` says 警告)."""

    def __call__(self, field_name: str | None, reason: str, value: Any = None, level: str = "错误") -> None: ...


TABLE_BITS = 16  # a row's place packed in one int: row << TABLE_BITS | table number (tables of one batch < 65,536)


class CompactNodes:
    """Enterprise nodes by id, each kept as the tuple of its field values (a model costs five times
    as much), rebuilt on access without validating again (they were validated when made).

    >>> nodes = CompactNodes()
    >>> nodes["ent:a"] = Enterprise(id="ent:a", name="南昌甲科技有限公司", tags=["上市"])
    >>> "ent:a" in nodes, nodes["ent:a"].tags
    (True, ['上市'])
    """

    def __init__(self) -> None:
        self._values: dict[str, tuple[Any, ...]] = {}

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._values

    def __setitem__(self, node_id: str, node: Enterprise) -> None:
        self._values[node_id] = tuple(node.__dict__.values())  # pydantic keeps them in field order

    def __getitem__(self, node_id: str) -> Enterprise:
        return Enterprise.model_construct(**dict(zip(Enterprise.model_fields, self._values[node_id], strict=True)))


@dataclass
class BatchState:
    """What one pass over the batch remembers: enterprises seen, duplicates, share sums.

    Kept per row of a large batch, so kept small: a row's place is one int (``TABLE_BITS``), a
    table by its number in ``tables``; a firm's node only when the batch has several enterprise
    tables (``several_tables``), for a row in another one to add to.
    """

    index: EnterpriseIndex = field(default_factory=EnterpriseIndex)
    tables: dict[str, int] = field(default_factory=dict)  # table (file#sheet) → its number
    seen_ids: dict[str, int] = field(default_factory=dict)  # id → its first row's place
    several_tables: bool = True  # False: one enterprise table, so no firm continues in another
    nodes: CompactNodes = field(default_factory=CompactNodes)  # id → its node, for a row in another table to add to
    places: dict[str, str] = field(default_factory=dict)  # id → the park or district it is located in
    merged: set[str] = field(default_factory=set)  # enterprises whose node a row in another sheet added to
    seen_in_table: dict[tuple[int, str], int] = field(default_factory=dict)  # (table, id) → place, tables after its first
    seen_names: dict[str, int] = field(default_factory=dict)  # norm → place << 1 | has a credit code
    seen_supplies: dict[tuple[str, str, str], int] = field(default_factory=dict)
    shares: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    missing_product_rows: Counter[tuple[str, str | None]] = field(default_factory=Counter)  # (file, sheet) → rows without 产品
    renamed: set[str] = field(default_factory=set)  # firms of the store imported under another name (reported once)
    suggested: int = 0
    needs_reference: bool = False

    def table_number(self, table: str) -> int:
        return self.tables.setdefault(table, len(self.tables))

    def place(self, packed: int) -> tuple[str, int]:
        """(table, row) of a packed place."""
        number = packed & ((1 << TABLE_BITS) - 1)
        return next(table for table, n in self.tables.items() if n == number), packed >> TABLE_BITS


@dataclass
class Merged:
    """A firm's node with a row from another sheet merged in, not yet kept (see ``keep``)."""

    values: dict[str, Any]
    added: str | None  # the place this row adds: a new or more precise one


class BatchEnterprises:
    """The batch's enterprises: identity and duplicates (``identify``), and merging (``merged``, ``keep``)."""

    def __init__(self, state: BatchState, catalogue: Catalogue, store_index: StoreIndex) -> None:
        self.state = state
        self.catalogue = catalogue
        self.store_index = store_index

    def identify(self, table: str, number: int, name: str, code: str | None,
                 report: RowProblem) -> tuple[str | None, bool]:
        """The id of the enterprise on row ``number`` of ``table`` (``file#sheet``), and whether
        the row continues a firm met in another table; None after a problem.

        A valid credit code is the id; without one, an enterprise of the store with the same
        normalised name keeps its id (several such: a problem), else ``ent:`` + a hash of the name.
        """
        state = self.state
        key = normalise_name(name)
        if code:
            node_id = code
        else:
            existing = self.store_index.ensure().ids(key)
            if len(existing) > 1:
                listed = "、".join(f"{self.store_index.display[i]}（{i}）" for i in existing[:5])
                report("name", f"库中有多家企业与此名称（规范化后）相同：{listed}；请填写统一社会信用代码", name)
                return None, False
            node_id = existing[0] if existing else enterprise_id(name)
        here_table = state.table_number(table)
        here = number << TABLE_BITS | here_table
        first = state.seen_ids.get(node_id)
        if first is not None:
            first_table = first & ((1 << TABLE_BITS) - 1)
            again = first if first_table == here_table else state.seen_in_table.get((here_table, node_id))
            if again is None:
                # the same firm in another sheet or file (one list per chain): add to it, or — when its
                # first row had errors of its own — take this row as its first
                state.seen_in_table[(here_table, node_id)] = here
                return node_id, node_id in state.nodes
            column = "credit_code" if code else "name"
            what = "统一社会信用代码相同" if code else "规范化后的企业名称相同"
            report(column, f"与{row_ref(state.place(again), table)}重复（{what}）", code or name)
            return None, False
        seen = state.seen_names.get(key)
        if seen is not None and not (code and seen & 1):
            seen_table, seen_row = state.place(seen >> 1)
            hint = "；同一企业出现在多个表中时，请每处都填写统一社会信用代码（或都不填）" if seen_table != table else ""
            report("name", f"与{row_ref((seen_table, seen_row), table)}是同一企业（规范化后的企业名称相同）{hint}", name)
            return None, False
        state.seen_ids[node_id] = here
        state.seen_names.setdefault(key, here << 1 | bool(code))
        return node_id, False

    def remember(self, node: Enterprise, place: str | None) -> None:
        """Keep a firm's first row, for its rows in other tables to add to (when there are other tables)."""
        if not self.state.several_tables:
            return
        self.state.nodes[node.id] = node
        if place:
            self.state.places[node.id] = place

    def merged(self, node: Enterprise, place: str | None, report: RowProblem) -> Merged:
        """The firm's node with this row's ``node`` and ``place`` merged in; conflicts are reported."""
        first = self.state.nodes[node.id]
        values = first.model_dump()
        for name in ("credit_code", "country", "province", "city", "district", "revenue_yi"):
            mine, theirs = values[name], getattr(node, name)
            if theirs is None or mine == theirs or (name == "country" and theirs == CHINA and node.province is None):
                continue
            if mine is None or (name == "country" and mine == CHINA and first.province is None):
                values[name] = theirs
                continue
            before = self.state.places.get(first.id)
            if name == "district" and place and before and self.catalogue.nested(place, before):
                continue  # 南昌县 and a park inside it: settled with the place below
            label = field_of("enterprises", name).header
            report(name, f"同一企业在其他表中的{label}为“{mine}”，本行为“{theirs}”，两者不一致", theirs)
        before = self.state.places.get(first.id)
        added = None
        if place and before and place != before:
            if self.catalogue.nested(place, before):
                inner = place if any(p.id == before for p in self.catalogue.enclosing(place)) else before
                added = inner if inner != before else None
                values["district"] = self.catalogue.district_of(inner) or values["district"]
            else:
                names = (self.catalogue.name("park", before), self.catalogue.name("park", place))
                report("park", f"同一企业在其他表中位于“{names[0]}”，本行为“{names[1]}”，两者不一致", names[1])
        elif place and not before:
            added = place
        values["local"] = bool(first.local or node.local)
        values["tags"] = list(dict.fromkeys([*first.tags, *node.tags]))
        other_name = [node.name] if node.name != first.name else []
        values["aliases"] = list(dict.fromkeys([*first.aliases, *node.aliases, *other_name]))
        values["seen"] = [*(first.seen or ()), *(node.seen or ())] or None  # observations add up
        values["listing"] = first.listing or node.listing
        return Merged(values, added)

    def keep(self, merged: Merged) -> tuple[Enterprise, str | None]:
        """Keep a merge whose row had no errors: the firm's node (validated again: tags in their
        canonical order) and the place the row adds (None when it adds none)."""
        result = Enterprise.model_validate(merged.values)
        if merged.added:
            self.state.places[result.id] = merged.added
        self.state.nodes[result.id] = result
        self.state.merged.add(result.id)
        return result, merged.added


def row_ref(seen: tuple[str, int], table: str) -> str:
    """第N行 for a row of ``table``, else ``file#sheet 第N行``."""
    where, row = seen
    return f"第{row}行" if where == table else f"{where} 第{row}行"

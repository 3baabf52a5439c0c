"""The fast lane of enterprise-list rows (企业名录): a plain CSV table validated column by column.

As ``loaders.supply_lane`` for supply rows: each column is decided once per distinct value (the
chains, products, clusters and park a cell names, the numbers, tags, yes/no cells, the date, the
place a row's country / province / city / district / park make and the warnings about chains),
with ``EnterpriseRows``'s own functions. A row whose every cell is certainly valid in the common
form — a name (with a valid credit code or none) without aliases or observation dates, of a firm
neither in the store nor met before in the batch, no warning to give — becomes its enterprise's and relationships'
field values directly (no model is built); any other row goes through ``EnterpriseRows``
unchanged. Only a batch with one enterprise table takes this lane (a firm's rows in several
tables are merged by the row path). The batch's bookkeeping (ids and names seen, the index the
supply rows resolve names with) is done row by row, in file order, as the row path does it.

>>> from loaders.catalogue import Catalogue
>>> from loaders.csv_columns import CsvColumns
>>> from loaders.importer import RowReader
>>> from loaders.report import ImportReport
>>> from loaders.table_plans import plan_tables
>>> from loaders.tabular import Table
>>> report = ImportReport()
>>> [plan] = plan_tables([Table("名录.csv", None, ["企业名称", "所在区县", "主营产品"], lambda: iter([]))], report, None, None)
>>> reader = RowReader(None, Catalogue.from_reference(), report, check=True)
>>> reader.context.state.several_tables = False
>>> chunk = CsvColumns([2, 3], [["南昌甲科技有限公司", "南昌乙有限公司"], ["南昌县", "火星区"], ["正极材料", "火星产品"]])
>>> rows = list(EnterpriseLane(reader, plan, [chunk]).rows())
>>> [(number, [model.__name__ for model, _ in fast or ()]) for number, cells, fast in rows]
[(2, ['Enterprise', 'LocatedIn', 'Produces']), (3, [])]
>>> node = dict(zip(ENTERPRISE_FIELDS, rows[0][2][0][1]))
>>> node["id"] == enterprise_id("南昌甲科技有限公司"), node["local"], node["district"]
(True, True, '南昌县')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from graph_schema import Enterprise, Leads, LocatedIn, MemberOf, Produces, Relationship
from graph_schema.models import ENTERPRISE_TAGS
from loaders.batch_merge import TABLE_BITS
from loaders.cells import cell_bool, cell_credit_code, cell_date, cell_number, cell_tags, cell_text, name_text
from loaders.csv_columns import CsvColumns
from loaders.enterprise_rows import EnterpriseRows
from loaders.lane_cells import UNSURE, Decided, LaneReader, PlainRows, complaint
from loaders.names import enterprise_id, normalise_name, split_list
from loaders.table_plans import TablePlan

Kind = Literal["chain", "product", "park", "cluster"]


ENTERPRISE_FIELDS = tuple(Enterprise.model_fields)
"""The order of an enterprise's field values, as ``loaders.kept_items`` keeps them."""
RELATIONSHIP_FIELDS = tuple(LocatedIn.model_fields)  # the same for PRODUCES, MEMBER_OF and LEADS
MAX_TEXT = 200  # an enterprise's name and listing, at most (the model's max_length)
BLANK_ONLY = ("revenue_wan", "aliases", "seen")
FastItems = tuple[type[Enterprise] | type[Relationship], tuple[Any, ...]]  # (model class, its field values in order)
Row = tuple[int, list[str] | None, list[FastItems] | None]  # (number, the row's cells for the row path, or the fast items)


@dataclasses.dataclass
class _Probe:
    """What ``EnterpriseRows``' checks read of the row context: the catalogue, and a ``problem`` that records."""

    catalogue: Any
    said: list[Any] = dataclasses.field(default_factory=list)

    def problem(self, *problem: Any) -> None:
        self.said.append(problem)


class EnterpriseLane:
    """The rows of one enterprise table (see the module), in file order: fast ones as field values, the others as cells."""

    def __init__(self, reader: LaneReader, plan: TablePlan, chunks: Iterable[CsvColumns]) -> None:
        self.reader, self.plan, self.chunks = reader, plan, chunks
        self.plain = PlainRows(plan, BLANK_ONLY)
        context = reader.context
        self.catalogue = context.catalogue
        self.stored = context.store_index.ensure()
        names = reader.name_keys  # the supply rows' names are mostly these: normalised once

        def references(kind: Kind, as_text: bool = False) -> Decided:
            def decide(cell: Any, said: list[Any]) -> Any:  # as EnterpriseRows: a park's cell read as text first
                found: list[str] = []
                for text in split_list(cell_text(cell) if as_text else cell):
                    node_id, _ = self.catalogue.resolve(kind, text)
                    if node_id is None:
                        return UNSURE
                    if node_id not in found:
                        found.append(node_id)
                return tuple(found)
            return Decided(decide)

        def name(cell: Any, said: list[Any]) -> Any:
            text = name_text(cell)
            if not text or len(text) > MAX_TEXT:
                return UNSURE
            key = normalise_name(text)
            if names is not None:
                names[text] = key
            if self.stored.ids(key):  # a firm of the store: its id, aliases and renames are the row path's
                return UNSURE
            node_id = enterprise_id(text)
            return UNSURE if self.stored.stored(node_id) is not None else (text, key, node_id)

        def tags(cell: Any, said: list[Any]) -> Any:
            written = cell_tags(cell, complaint(said))
            if said:  # an unknown tag: the row path says so
                return UNSURE
            return tuple(sorted(set(written), key=ENTERPRISE_TAGS.index))  # the model's order

        self.deciders: dict[str, Decided] = {
            "name": Decided(name, remember=False),
            "credit_code": Decided(lambda cell, said: cell_credit_code(cell, complaint(said)), remember=False),
            "revenue_yi": Decided(lambda cell, said: cell_number(cell, complaint(said), low=0, high=100000, unit="亿元")),
            "local": Decided(lambda cell, said: cell_bool(cell, complaint(said))),
            "synthetic": Decided(lambda cell, said: bool(cell_bool(cell, complaint(said)))),
            "tags": Decided(tags),
            "chains": references("chain"),
            "products": references("product"),
            "clusters": references("cluster"),
            "park": references("park", as_text=True),
            "as_of": Decided(self._as_of),
            "source": Decided(lambda cell, said: f"；数据来源：{text}" if (text := cell_text(cell)) else ""),
            "listing": Decided(lambda cell, said: said.append(text) if (text := cell_text(cell)) and len(text) > MAX_TEXT
                               else text),
        }
        self._places: dict[tuple[Any, ...], Any] = {}
        self._chain_checks: dict[tuple[Any, ...], bool] = {}

    def rows(self) -> Iterator[Row]:
        """(number, None, the row's items as field values) for a certain row; (number, the row's cells, None) for the others."""
        try:
            for chunk in self.chunks:
                yield from self._chunk_rows(chunk)
        finally:  # the deciders refer back to the lane: let the batch's state go with the pass, not at the next GC
            self.deciders.clear()
            self._places.clear()
            self._chain_checks.clear()

    def _chunk_rows(self, chunk: CsvColumns) -> Iterator[Row]:
        plan, cells, numbers = self.plan, chunk.cells, chunk.numbers
        by_field = {name: cells[index] for index, name in plan.mapping.items()}
        certain = self.plain(chunk, by_field)
        blank = [""] * len(numbers)
        names = list(self.deciders)
        # each row's decided values, the columns zipped at once
        decided = list(zip(*(decide.column(by_field.get(name, blank)) for name, decide in self.deciders.items()), strict=True))
        places = [by_field.get(name, blank) for name in ("country", "province", "city", "district")]
        products_cells = by_field.get("products", blank)
        table = plan.table.where()
        for i, number in enumerate(numbers):
            items = None
            if certain[i] and UNSURE not in decided[i]:
                values = dict(zip(names, decided[i], strict=True))
                items = self._items(plan, number, i, values, [column[i] for column in places], products_cells[i], table)
            if items is None:
                yield number, [column[i] for column in cells], None
                continue
            yield number, None, items

    def _items(self, plan: TablePlan, number: int, i: int, values: dict[str, Any], place_cells: list[str],
               products_cell: str, table: str) -> list[FastItems] | None:
        """The row's items as field values, with the batch's bookkeeping done; None for the row path."""
        state = self.reader.context.state
        (name, key, name_id), code = values["name"], values["credit_code"]
        node_id = code or name_id  # as BatchEnterprises.identify: a valid credit code is the id
        if code and self.stored.stored(code) is not None:  # a firm of the store: renames are the row path's
            return None
        seen = state.seen_names.get(key)
        if node_id in state.seen_ids or (seen is not None and not (code and seen & 1)):  # a duplicate: the row path says so
            return None
        chains, products, clusters, tags = values["chains"], values["products"], values["clusters"], values["tags"]
        park = values["park"][:1]
        where = self._place(place_cells, park, values["local"])
        if where is UNSURE or not self._chains_fine(chains, products, clusters, tags, bool(cell_text(products_cell))):
            return None
        here = number << TABLE_BITS | state.table_number(table)
        state.seen_ids[node_id] = here
        state.seen_names.setdefault(key, here << 1 | bool(code))
        source = plan.table.where(number) + values["source"]
        as_of = values["as_of"] or plan.as_of
        synthetic = values["synthetic"]
        node = {"source": source, "as_of": as_of, "synthetic": synthetic, "quote": None, "id": node_id, "name": name,
                "seen": None, "first_seen": None, "last_seen": None, "listing": values["listing"], "credit_code": code,
                "aliases": [], "country": where.country, "province": where.province, "city": where.city,
                "district": where.district, "local": where.local, "revenue_yi": values["revenue_yi"], "tags": list(tags)}
        items: list[FastItems] = [(Enterprise, tuple(node[field] for field in ENTERPRISE_FIELDS))]
        common = (source, as_of, synthetic, None, node_id)
        place = park[0] if park else where.district_place
        if place:
            items.append((LocatedIn, (*common, place)))
        items += [(Produces, (*common, product)) for product in products]
        items += [(MemberOf, (*common, cluster)) for cluster in clusters]
        if "链主" in tags:
            items += [(Leads, (*common, chain)) for chain in chains]
        if len(items) > 1:
            state.needs_reference = True
        state.index.add(node_id, name, (), code)
        return items

    def _place(self, cells: list[str], park: tuple[str, ...], local_given: bool | None) -> Any:
        """``EnterpriseRows._location`` of the row's place cells, once per distinct place; UNSURE after a warning."""
        memo_key = (*cells, park, local_given)
        found = self._places.get(memo_key, None)
        if found is None:
            probe = _Probe(self.catalogue)
            rows = _ProbeRows(probe)
            values = dict(zip(("country", "province", "city", "district"), cells, strict=True))
            found = EnterpriseRows._location(rows, self.plan, 0, values, list(park), local_given)  # type: ignore[arg-type]
            found = UNSURE if probe.said else found
            self._places[memo_key] = found
        return found

    def _chains_fine(self, chains: tuple[str, ...], products: tuple[str, ...], clusters: tuple[str, ...],
                     tags: tuple[str, ...], products_written: bool) -> bool:
        """``EnterpriseRows._check_chains`` says nothing of these chains, products, clusters and tags."""
        memo_key = (chains, products, clusters, tags, products_written)
        fine = self._chain_checks.get(memo_key)
        if fine is None:
            probe = _Probe(self.catalogue)
            values = {"products": "written" if products_written else None}
            EnterpriseRows._check_chains(_ProbeRows(probe), self.plan, 0, values, list(chains), list(products),  # type: ignore[arg-type]
                                         list(clusters), list(tags))
            fine = self._chain_checks[memo_key] = not probe.said
        return fine

    def _as_of(self, cell: Any, said: list[Any]) -> Any:
        date, reason = cell_date(cell)
        if reason:
            said.append(reason)
        return date


@dataclasses.dataclass
class _ProbeRows:
    """Stands for ``EnterpriseRows`` when its place and chain checks run on a probe context."""

    context: _Probe

"""The fast lane of supply-relation rows (供应关系): a plain CSV table validated column by column.

Each column is decided once per distinct value (``SupplyRows`` decides it once per row): which
enterprise a 供应方 / 采购方 name is, which product a 产品 names, the numbers, the date. A row whose
every cell is *certainly* valid in the common form — a name that resolves to exactly one firm, no
credit-code cell, known product, numbers in range without a unit to convert, no observation dates,
no control characters, a first cell that is not an example, total or note — becomes its SUPPLIES
relationship's field values directly (no model is built). Any other row goes through
``SupplyRows`` unchanged, so its messages are exactly the row path's. The batch's bookkeeping
(duplicates, share sums, rows without a product) is done row by row, in file order, for both
lanes alike, so the report and the stored items are the row path's
(``tests/loaders/test_import_fast_paths.py`` compares both ways).

>>> from loaders.catalogue import Catalogue
>>> from loaders.csv_columns import CsvColumns
>>> from loaders.importer import RowReader
>>> from loaders.report import ImportReport
>>> from loaders.table_plans import plan_tables
>>> from loaders.tabular import Table
>>> report = ImportReport()
>>> [plan] = plan_tables([Table("供应.csv", None, ["供应方", "采购方", "占比"], lambda: iter([]))], report, None, None)
>>> reader = RowReader(None, Catalogue.from_reference(), report, check=True)
>>> reader.context.state.index.add("ent:a", "南昌甲有限公司")
>>> reader.context.state.index.add("ent:b", "南昌乙有限公司")
>>> columns = [CsvColumns([2, 3], [["南昌甲", "南昌丙"], ["南昌乙有限公司", "南昌乙"], ["30%", "0.2"]])]
>>> rows = list(SupplyLane(reader, plan, columns).rows())
>>> [(number, fast is not None) for number, cells, fast in rows]
[(2, True), (3, False)]
>>> values = dict(zip(SUPPLY_FIELDS, rows[0][2][0][1]))
>>> values["src"], values["dst"], values["share"], values["confidence"], rows[1][1]
('ent:a', 'ent:b', 0.3, 'reported', ['南昌丙', '南昌乙', '0.2'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from graph_schema import Enterprise, Relationship, Supplies
from loaders.cells import cell_bool, cell_confidence, cell_date, cell_number, cell_share, cell_text, looks_like_code, name_text
from loaders.csv_columns import CsvColumns
from loaders.lane_cells import UNSURE, Decided, LaneReader, PlainRows, complaint
from loaders.names import normalise_name, split_list
from loaders.table_plans import TablePlan

SUPPLY_FIELDS = tuple(Supplies.model_fields)
"""The order of a SUPPLIES relationship's field values, as ``loaders.kept_items`` keeps them."""
FastItems = tuple[type[Enterprise] | type[Relationship], tuple[Any, ...]]  # (model class, its field values in order)
Row = tuple[int, list[str] | None, list[FastItems] | None]  # (number, the row's cells for the row path, or the fast items)
MAX_LISTING = Supplies.model_fields["listing"].metadata[0].max_length


class SupplyLane:
    """The rows of one supply table (see the module), in file order: fast ones as field values, the others as cells."""

    def __init__(self, reader: LaneReader, plan: TablePlan, chunks: Iterable[CsvColumns]) -> None:
        self.reader, self.plan, self.chunks = reader, plan, chunks
        self.plain = PlainRows(plan, ("supplier_code", "customer_code", "amount_or_share", "seen"))
        context = reader.context
        index, stored, names = context.state.index, context.store_index.ensure(), reader.name_keys

        def party(cell: Any, said: list[Any]) -> Any:
            name = name_text(cell)
            if not name or looks_like_code(name):
                return UNSURE
            key = (names.get(name) if names else None) or normalise_name(name)
            ids = set(index.ids(key)) | set(stored.ids(key))
            return ids.pop() if len(ids) == 1 else UNSURE

        share_header = plan.columns.get("share", "")
        self.party = Decided(party)  # the batch's enterprises do not change while supply rows are read
        self.deciders: dict[str, Decided] = {
            "product": Decided(self._product),
            "amount_wan": Decided(lambda cell, said: cell_number(cell, complaint(said), low=0, unit="万元")),
            "share": Decided(lambda cell, said: cell_share(cell, complaint(said), share_header)),
            "confidence": Decided(lambda cell, said: cell_confidence(cell, complaint(said))),
            "synthetic": Decided(lambda cell, said: bool(cell_bool(cell, complaint(said)))),
            "as_of": Decided(self._as_of),
            "source": Decided(lambda cell, said: f"；数据来源：{text}" if (text := cell_text(cell)) else ""),
            "listing": Decided(lambda cell, said: said.append(text) if (text := cell_text(cell)) and len(text) > MAX_LISTING
                                else text),
        }

    def rows(self) -> Iterator[Row]:
        """(number, None, (Supplies, values)) for a certain row; (number, the row's cells, None) for the others."""
        try:
            for chunk in self.chunks:
                yield from self._chunk_rows(chunk)
        finally:  # the deciders refer back to the lane: let the batch's state go with the pass, not at the next GC
            self.deciders.clear()

    def _chunk_rows(self, chunk: CsvColumns) -> Iterator[Row]:
        plan, context = self.plan, self.reader.context
        state, cells, numbers = context.state, chunk.cells, chunk.numbers
        by_field = {name: cells[index] for index, name in plan.mapping.items()}
        certain = self.plain(chunk, by_field)
        blank = [""] * len(numbers)
        src = self.party.column(by_field.get("supplier", blank))
        dst = self.party.column(by_field.get("customer", blank))
        # each row's decided values, the columns zipped at once
        decided = list(zip(*(decide.column(by_field.get(name, blank)) for name, decide in self.deciders.items()), strict=True))
        where = plan.table.where
        missing_key = (plan.table.file, plan.table.sheet)
        for i, number in enumerate(numbers):
            found = None
            if certain[i] and (ends := (src[i], dst[i])) and ends[0] is not UNSURE and ends[1] is not UNSURE \
                    and ends[0] != ends[1]:
                values = decided[i]
                if UNSURE not in values:
                    found = ends, values
            if found is None:
                yield number, [column[i] for column in cells], None
                continue
            (supplier, customer), (product_id, amount_wan, share_value, trust, made_up, date, suffix, list_name) = found
            key = (supplier, customer, product_id or "")
            if key in state.seen_supplies:  # a duplicate: the row path says so
                yield number, [column[i] for column in cells], None
                continue
            if product_id is None:
                state.missing_product_rows[missing_key] += 1
            state.seen_supplies[key] = number
            if share_value is not None and product_id:
                total = state.shares[(customer, product_id)] = state.shares[(customer, product_id)] + share_value
                if total > 1.0001:
                    context.problem(plan, number, "share", f"采购方该产品的占比合计已达 {total:.0%}，超过 100%",
                                    by_field["share"][i], "警告")
            if product_id:
                state.needs_reference = True
            source = where(number) + suffix
            yield number, None, [(Supplies, (source, date or plan.as_of, made_up, None, supplier, customer, None, None,
                                             None, list_name, product_id, amount_wan, share_value, trust))]

    def _product(self, cell: Any, said: list[Any]) -> Any:
        """The product id a 产品 cell names (None when blank), as ``SupplyRows`` takes it; UNSURE for an unknown name."""
        text = cell_text(cell)
        if not text:
            return None
        found: list[str] = []
        for part in split_list(text):
            node_id, _ = self.reader.context.catalogue.resolve("product", part)
            if node_id is None:
                return UNSURE
            if node_id not in found:
                found.append(node_id)
        return found[0] if found else UNSURE  # a cell of separators only: the row path decides

    def _as_of(self, cell: Any, said: list[Any]) -> dt.date | None:
        date, reason = cell_date(cell)
        if reason:
            said.append(reason)
        return date


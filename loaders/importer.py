"""Import users' enterprise lists and supply relations: validate everything, then write.

Two phases over all the files given to one import (one *batch*):

1. **Validate** every row of every file: required columns and fields, numbers and ranges, the
   统一社会信用代码 check digit, known chains / products / parks / clusters (unknown names come with
   the closest known ones), duplicate rows, and supply relations whose enterprises cannot be
   resolved (by credit code first, then by normalised name; ambiguous and unmatched references are
   all reported). Nothing is written while validating.
2. **Write** — only when no error was found: the validated items (kept compactly while there are
   within ``KEEP_VALIDATED_BYTES``; else the files are read again) are written in chunks of
   ``chunk_size`` nodes and relationships, enterprises before supply relations, by a background
   thread (``stores.background``) inside one ``store.bulk_load``.

All or nothing, as readers see it: a batch with any error writes nothing; a clean batch is
written as one *import* (``stores.imports.atomic_import``) — chunk after chunk as pending, which no
reader sees, then published in one transaction. When the store fails in the middle, what was
written is rolled back (or, when the store cannot be reached, left invisible for the next start
to roll back) and the report says exactly that (``ImportReport.outcome``); when the process dies,
the next command rolls it back. Running the same import again is safe (idempotent upserts keyed by
stable ids).

Every node and relationship written carries ``source`` = ``file#sheet!row`` (``file!row`` for CSV,
plus the file's own 数据来源 when given) and ``as_of`` (the row's date, else ``--as-of``, else the
file's modification date).

Enterprise identity: a valid credit code is the id; without one, an enterprise already in the
store with the same normalised name keeps its id, else the id is ``ent:`` + a hash of the
normalised name — so importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from pathlib import Path
from typing import Any, cast

from graph_schema import Enterprise, Node, Relationship
from graph_schema.errors import ImportNotPublished
from loaders.catalogue import Catalogue
from loaders.cells import cell_text, is_example, is_total_or_note
from loaders.csv_columns import read_columns
from loaders.defaults import IMPORT_CHUNK_SIZE
from loaders.enterprise_index import StoreIndex
from loaders.enterprise_lane import EnterpriseLane, FastItems
from loaders.enterprise_rows import EnterpriseRows
from loaders.fields import Kind
from loaders.kept_items import KeptItems
from loaders.kept_rows import row_batches
from loaders.renames import RenamePolicy
from loaders.report import ImportReport, Problem, TableSummary
from loaders.row_context import RowContext
from loaders.spreadsheet_cells import CONTROL_CHARACTER, strip_control_characters
from loaders.supply_lane import SupplyLane
from loaders.supply_rows import SupplyRows
from loaders.table_plans import TablePlan, plan_tables, report_header_only
from loaders.tabular import FileReadError, Table, UncomputedFormula, read_tables
from stores.background import write_batches
from stores.base import GraphStore, NeighbourhoodQuery, WriteBatch, batched
from stores.imports import atomic_import

Item = Node | Relationship
CHUNK_SIZE = IMPORT_CHUNK_SIZE
KEEP_VALIDATED_BYTES = 48 << 20
"""Imports whose validated items fit in this many bytes, compressed (``loaders.kept_items``: about
70 bytes an enterprise row, so some 700,000 rows), write what was validated; larger ones read the
files a second time to write, so memory stays bounded (both passes decide alike)."""
WRITE_ROWS = True
"""Write the kept items of an import into the embedded store as rows made from their values
(``loaders.kept_rows``), not as models; False writes models as into any store (the tests compare both)."""
MAX_BATCH_ROWS = 2_000_000  # data rows in one import: validation remembers ~1 KB per row, so this bounds memory


class RowReader:
    """One pass over a batch's rows: each row's items, or none when it has an error."""

    def __init__(self, store: GraphStore, catalogue: Catalogue, report: ImportReport, *, check: bool,
                 store_index: StoreIndex | None = None, rename: RenamePolicy = "warn") -> None:
        self.context = RowContext(store, catalogue, report, check=check, store_index=store_index, rename=rename)
        self.enterprises = EnterpriseRows(self.context)
        self.supplies = SupplyRows(self.context)
        self._first_cell: Any = None
        self.name_keys: dict[str, str] | None = None  # name → normalise_name(name), from the fast lane's enterprise
        # rows for its supply rows (a dict only when the batch has supply tables)

    def rows(self, plan: TablePlan) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number, field → cell) of each row of the table."""
        fields = sorted(plan.mapping.items())
        for number, cells in plan.table.rows():
            yield number, self._values(fields, cells)

    def _values(self, fields: list[tuple[int, str]], cells: list[Any]) -> dict[str, Any]:
        """Field → cell of a row's cells (``fields``: the plan's mapping, sorted)."""
        # the row's first filled cell, in any column (a 合计 may stand in a 序号 column); items() reads it
        self._first_cell = next((cell for cell in cells if cell_text(cell)), None)
        return {name: (cells[index] if index < len(cells) else None) for index, name in fields}

    def lane_rows(self, plan: TablePlan) -> Iterator[tuple[int, dict[str, Any] | None, list[FastItems] | None]]:
        """The rows of the table, each as (number, field → cell, None) for ``items``, or — a row of
        a plain CSV file the fast lane is certain of, while validating — (number, None, its items'
        field values) (``loaders.supply_lane``, ``loaders.enterprise_lane``; an enterprise table only
        when the batch has no other)."""
        context = self.context
        lane = SupplyLane if plan.kind == "supplies" else None if context.state.several_tables else EnterpriseLane
        columns = read_columns(plan.table) if context.check and lane is not None else None
        if columns is None or lane is None:
            for number, values in self.rows(plan):
                yield number, values, None
            return
        fields = sorted(plan.mapping.items())
        for number, cells, fast in lane(self, plan, columns).rows():
            yield number, (None if cells is None else self._values(fields, cells)), fast

    def items(self, plan: TablePlan, number: int, values: dict[str, Any]) -> list[Item]:
        """The nodes and relationships of one row (empty when the row has errors)."""
        context = self.context
        first = next((value for value in values.values() if cell_text(value)), None)
        if is_example(first):
            context.problem(plan, number, None, "模板中的示例行，已跳过", first, "警告")
            return []
        for cell in (self._first_cell, first):
            if is_total_or_note(cell):
                context.problem(plan, number, None, "合计行或注释行，已跳过", cell, "警告")
                return []
        context.row_errors = 0
        self._refuse_uncomputed_formulas(plan, number, values)
        self._refuse_control_characters(plan, number, values)
        if context.row_errors:
            return []
        builder = self.enterprises if plan.kind == "enterprises" else self.supplies
        items: list[Item] = list(builder.build(plan, number, values))
        return [] if context.row_errors else items

    def _refuse_uncomputed_formulas(self, plan: TablePlan, number: int, values: dict[str, Any]) -> None:
        """A formula whose result the file does not keep has no value to import, not a blank one."""
        for name, value in values.items():
            if isinstance(value, UncomputedFormula):
                self.context.problem(
                    plan, number, name,
                    f"单元格 {value.coordinate} 是公式（{value.formula}），但文件中没有保存它的计算结果"
                    "（常见于由程序生成、未在 Excel 中打开保存过的文件）；请在 Excel 中打开并保存后再导入，"
                    "或把公式复制后“选择性粘贴为数值”", value.formula)

    def _refuse_control_characters(self, plan: TablePlan, number: int, values: dict[str, Any]) -> None:
        """Invisible control characters (e.g. U+0001 pasted from another system) cannot go into XLSX or XML."""
        cells = values.values()
        if all(value is None or type(value) is str for value in cells) \
                and not CONTROL_CHARACTER.search("\t".join(filter(None, cells))):  # the usual row of text: one search
            return
        for name, value in values.items():
            text = "、".join(map(str, value)) if isinstance(value, (list, tuple)) else value
            if type(text) is str and (found := CONTROL_CHARACTER.search(text)):
                self.context.problem(plan, number, name, f"含有不可见的控制字符 U+{ord(found.group()):04X}，"
                                     "Excel 和导出文件都无法保存，请删除后再导入", strip_control_characters(text))


def _progress(plan: TablePlan, verb: str, enabled: bool) -> Any:
    from tqdm import tqdm

    label = plan.table.file + (f"#{plan.table.sheet}" if plan.table.sheet else "")
    return tqdm(total=plan.table.total, desc=f"{verb} {label}", unit="行", disable=not enabled, leave=False,
                mininterval=0.5)


def _pass(importer: RowReader, plans: list[TablePlan], verb: str, progress: bool) -> Iterator[Item | FastItems]:
    """Every item of every table, tables in order (a fast-lane row's as its field values); file-read
    failures become problems."""
    context = importer.context
    batch_rows = 0
    for plan in plans:
        if batch_rows > MAX_BATCH_ROWS:
            break  # already reported: the batch is too large
        rows = 0
        bar = _progress(plan, verb, progress)
        try:
            for number, values, fast in importer.lane_rows(plan):
                batch_rows += 1
                if batch_rows > MAX_BATCH_ROWS:
                    raise FileReadError(plan.table.file, f"本批导入超过 {MAX_BATCH_ROWS:,} 行数据的上限，请拆分为多个批次导入",
                                        sheet=plan.table.sheet, row=number)
                rows += 1
                bar.update(1)
                if fast is not None:
                    yield from fast
                else:
                    assert values is not None
                    yield from importer.items(plan, number, values)
        except FileReadError as exc:
            if context.check:
                context.report.add(Problem(exc.file, exc.sheet or plan.table.sheet, exc.row, None, exc.reason))
                plan.summary.errors += 1
            else:
                raise
        finally:
            bar.close()
        if context.check:
            plan.summary.rows = rows
    if context.check:
        report_header_only(context.report, plans)
        for (file, sheet), count in context.state.missing_product_rows.items():
            context.report.add(Problem(file, sheet, None, "产品",
                                       f"{count} 行未填写产品：这些供应关系不参与按投入品的分析（断供、单一来源）",
                                       level="警告"))


# -- public API -------------------------------------------------------------------------------------


def import_files(
    store: GraphStore,
    sources: Sequence[str | Path | Table],
    *,
    kind: Kind | None = None,
    as_of: dt.date | None = None,
    dry_run: bool = False,
    chunk_size: int = CHUNK_SIZE,
    progress: bool = False,
    catalogue: Catalogue | None = None,
    rename: RenamePolicy = "warn",
    description: str | None = None,
) -> ImportReport:
    """Validate ``sources`` as one batch; when clean (and not ``dry_run``), write it to ``store`` as
    one import that readers see whole or not at all (``description`` names it in the store's
    record, by default 导入 and the file names).

    ``sources`` are files (a file that cannot be read is a problem of the batch) or tables already
    opened (the real-data adapters). Returns the report: problems (file, sheet, row, column,
    reason), what is written or — in a dry run — what would be new, updated or unchanged.
    ``rename``: a credit code of the store under another name is a warning, the old name kept as
    an alias (``warn``), or an error (``refuse``) — ``loaders.renames``.
    A write that failed says in ``outcome`` what was rolled back or left for the next start.
    """
    report = ImportReport(dry_run=dry_run)
    tables: list[Table] = []
    for source in sources:
        if isinstance(source, Table):
            tables.append(source)
            continue
        try:
            tables += read_tables(source)
        except FileReadError as exc:
            report.add(Problem(exc.file, exc.sheet, exc.row, None, exc.reason))
            report.tables.append(TableSummary(exc.file, exc.sheet, None, errors=1))
    started = time.perf_counter()
    catalogue = catalogue or Catalogue.from_reference()
    plans = plan_tables(tables, report, kind, as_of)
    checker = RowReader(store, catalogue, report, check=True, rename=rename)
    several = checker.context.state.several_tables = sum(plan.kind == "enterprises" for plan in plans) > 1
    checker.name_keys = {} if any(plan.kind == "supplies" for plan in plans) else None
    kept = KeptItems(KEEP_VALIDATED_BYTES)  # the validated items, while few enough to keep (else a second pass)
    kinds: dict[type, str] = {}  # a fast-lane model → its label or relationship type
    positions: dict[str, int] = {}  # enterprise id → where its node is kept, when a row in another table may add to it
    for item in _pass(checker, plans, "校验", progress):
        if isinstance(item, tuple):  # a fast-lane row's item, as field values (loaders.supply_lane, enterprise_lane)
            model, values = item
            name = kinds.get(model) or kinds.setdefault(model, _kind_name(model))
            report.items[name] += 1
            kept.append_values(model, values)
            continue
        report.items[getattr(item, "label", None) or item.type] += 1  # type: ignore[union-attr]
        if several and isinstance(item, Enterprise):
            positions[item.id] = len(kept)
        kept.append(item)
    checked = checker.context
    for node_id in checked.state.merged:  # a firm's rows in other sheets, merged after its node was kept
        kept.replace(positions[node_id], checked.state.nodes[node_id])
    names = _source_names(sources, tables)
    if not report.ok or not plans:
        if report.ok:
            report.add(Problem(names, None, None, None, "没有可导入的表"))
        report.seconds = time.perf_counter() - started
        return report
    needs_reference = checked.state.needs_reference and _reference_missing(store, catalogue)
    report.reference_loaded = needs_reference
    # the store as it was before writing: both passes decide alike
    writer = RowReader(store, catalogue, report, check=False, store_index=checked.store_index, rename=rename)
    writer.context.state.several_tables = several
    del checker, checked  # the first pass's duplicate and share bookkeeping is no longer needed

    def items(verb: str) -> Iterable[Item]:
        # the write pass does not validate, so it never takes the fast lane: models only
        return kept if not kept.overflowed else cast("Iterator[Item]", _pass(writer, plans, verb, progress))

    if dry_run:
        report.diff = diff_items(store, items("比对"), chunk_size=min(chunk_size, 5000))
    else:
        def count(batch: Sized) -> None:
            report.written += len(batch)

        try:
            with atomic_import(store, description or f"导入 {names}") as session:
                with store.bulk_load(sum(report.items.values()), lean=True):  # the kept rows are in memory too
                    if needs_reference:
                        from loaders.reference import reference_batch

                        reference = reference_batch()
                        session.write(reference)
                        count(reference)
                    if WRITE_ROWS and not kept.overflowed and store.takes_rows:  # no model per item (loaders.kept_rows)
                        write_batches(store, row_batches(kept, chunk_size), on_written=count, write=session.write_rows)
                    else:
                        write_items(store, items("写入"), chunk_size, on_written=count, write=session.write)
            report.outcome, report.recovered = session.outcome, session.recovered
        except ImportNotPublished as exc:
            report.outcome = exc.outcome  # type: ignore[assignment]
            report.add(Problem(names, None, None, None, str(exc)))
    report.seconds = time.perf_counter() - started
    return report


def _kind_name(model: type[Item]) -> str:
    """A model's label (a node) or relationship type: ``Enterprise``, ``SUPPLIES``."""
    return str(model.label if issubclass(model, Node) else model.type)


def _source_names(sources: Sequence[str | Path | Table], tables: Sequence[Table]) -> str:
    """The files of one import, for a problem of the whole batch: ``企业.csv、供应.csv``."""
    names = [Path(source).name if not isinstance(source, Table) else source.file for source in sources]
    names += [table.file for table in tables]
    return "、".join(dict.fromkeys(name for name in names if name)) or "（未提供文件）"


def write_items(store: GraphStore, items: Iterable[Item], chunk_size: int = CHUNK_SIZE, *,
                on_written: Callable[[WriteBatch], None] | None = None,
                write: Callable[[WriteBatch], None] | None = None) -> int:
    """Write ``items`` in transactions of ``chunk_size`` (in a background thread, so the next
    chunk is produced while one is written) with ``write`` (default ``store.write``; an import
    session's to write them as pending); returns how many were written."""
    return write_batches(store, batched(items, chunk_size), on_written=on_written, write=write)


def diff_items(store: GraphStore, items: Iterable[Item], chunk_size: int = 5000) -> dict[str, Counter[str]]:
    """Per label / relationship type: how many items would be new, updated or unchanged in ``store``."""
    result: dict[str, Counter[str]] = defaultdict(Counter)
    chunk: list[Item] = []

    def flush() -> None:
        ids = set()
        for item in chunk:
            if isinstance(item, Node):
                ids.add(item.id)
            else:
                ids.update((item.src, item.dst))
        existing = store.neighbourhood(NeighbourhoodQuery(sorted(ids), depth=0, max_nodes=len(ids) + 1))
        nodes = {node["id"]: node for node in existing.nodes}
        rels = {(rel["type"], rel["src"], rel["dst"], rel["key"]): rel for rel in existing.relationships}
        for item in chunk:
            if isinstance(item, Node):
                name, record, props = item.label, nodes.get(item.id), item.properties() | {"id": item.id}
            else:
                rel: Relationship = item
                name, record, props = rel.type, rels.get((rel.type, rel.src, rel.dst, rel.key)), rel.properties()
            if record is None:
                result[name]["new"] += 1
            elif all(_same(record.get(key), value) for key, value in props.items()):
                result[name]["unchanged"] += 1
            else:
                result[name]["updated"] += 1
        chunk.clear()

    for item in items:
        chunk.append(item)
        if len(chunk) >= chunk_size:
            flush()
    if chunk:
        flush()
    for counts in result.values():
        for key in ("new", "updated", "unchanged"):
            counts.setdefault(key, 0)
    return dict(result)


def _same(stored: Any, value: Any) -> bool:
    if isinstance(value, float) and isinstance(stored, (int, float)):
        return abs(stored - value) <= 1e-9 * max(1.0, abs(value))
    return bool(stored == value)


def _reference_missing(store: GraphStore, catalogue: Catalogue) -> bool:
    return any(store.get_node(chain_id) is None for chain_id in catalogue.names["chain"]) or any(
        store.get_node(product_id) is None for product_id in list(catalogue.names["product"])[:3]
    )

"""What the rows of one pass over a batch share: the store, the plan's catalogue, the report, the
batch's state, and the reporting of a problem at its file, sheet, row and column.

The importer makes two passes: one validates (``check`` true: problems are reported and a row with
an error yields nothing), one writes (``check`` false: the batch already validated, problems are
not reported again).

>>> from loaders.catalogue import Catalogue
>>> from loaders.report import ImportReport
>>> from loaders.table_plans import plan_tables
>>> from loaders.tabular import Table
>>> report = ImportReport()
>>> [plan] = plan_tables([Table("名录.csv", None, ["企业名称", "所属产业链"], lambda: iter([]))],
...                      report, None, None)
>>> context = RowContext(None, Catalogue.from_reference(), report, check=True)
>>> context.references(plan, 2, "chains", "chain", "新能源、航天"), context.row_errors
(['chain:new-energy'], 1)
>>> print(report.problems[0])
错误 名录.csv 第2行 [所属产业链]: 未知产业链“航天”；最接近：航空（值：航天）
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from pydantic import ValidationError

from loaders.batch_merge import BatchState, RowProblem
from loaders.catalogue import Catalogue
from loaders.cells import Complain, cell_date, cell_text
from loaders.enterprise_index import StoreIndex
from loaders.fields import FIELDS, field_of
from loaders.names import split_list
from loaders.renames import RenamePolicy
from loaders.report import ImportReport, Problem
from loaders.table_plans import TablePlan
from stores.base import GraphStore

_PYDANTIC_REASONS = {
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
    "greater_than": "应大于 {gt}",
    "string_too_long": "过长（最多 {max_length} 字）",
    "string_too_short": "不能为空",
    "float_parsing": "应为数字",
    "date_from_datetime_parsing": "日期无法识别",
    "literal_error": "应为 {expected} 之一",
}
_KIND_WORDS = {"chain": "产业链", "product": "产品", "park": "园区", "cluster": "产业集群"}


class RowContext:
    """The store, catalogue, report and batch state of one pass, and the errors of the current row."""

    def __init__(self, store: GraphStore, catalogue: Catalogue, report: ImportReport, *, check: bool,
                 store_index: StoreIndex | None = None, rename: RenamePolicy = "warn") -> None:
        self.store = store
        self.rename = rename  # a stored credit code under another name: warn (and keep the old name) or refuse
        self.catalogue = catalogue
        self.report = report
        self.check = check  # False on the write pass: the batch already validated, problems not re-reported
        self.state = BatchState()
        # the store as it was before writing, shared by both passes so that they decide alike
        self.store_index = store_index or StoreIndex(store)
        self.row_errors = 0

    def problem(self, plan: TablePlan, row: int | None, field_name: str | None, reason: str, value: Any = None,
                level: str = "错误") -> None:
        """Report a problem at ``row`` (None: the table) and ``field_name``'s column (None: the row)."""
        if not self.check:
            return
        column = plan.columns.get(field_name, field_of(plan.kind, field_name).header) if field_name else None
        self.report.add(Problem(plan.table.file, plan.table.sheet, row, column, reason, value, level))  # type: ignore[arg-type]
        if level == "错误":
            plan.summary.errors += 1
            self.row_errors += 1

    def on_row(self, plan: TablePlan, row: int) -> RowProblem:
        """``problem`` bound to one row: ``report(field_name, reason, value=None, level="错误")``."""
        return functools.partial(self.problem, plan, row)

    def on_cell(self, plan: TablePlan, row: int, field_name: str) -> Complain:
        """``problem`` bound to one cell: ``complain(reason, value=None, level="错误")``."""
        return functools.partial(self.problem, plan, row, field_name)

    def provenance(self, plan: TablePlan, number: int, values: dict[str, Any]) -> tuple[str, dt.date | None]:
        """The row's ``source`` (``file#sheet!row`` with its own 数据来源) and ``as_of`` (its date, else the table's)."""
        source = plan.table.where(number)
        given = cell_text(values.get("source"))
        if given:
            source += f"；数据来源：{given}"
        as_of, reason = cell_date(values.get("as_of"))
        if reason:
            self.problem(plan, number, "as_of", reason, values.get("as_of"))
        return source, as_of or plan.as_of

    def references(self, plan: TablePlan, number: int, field_name: str, kind: str, raw: Any) -> list[str]:
        """The ids of the plan's chains, products, parks or clusters a cell names, each once; an
        unknown name is an error (with the closest known ones)."""
        found: list[str] = []
        for text in split_list(raw):
            node_id, close = self.catalogue.resolve(kind, text)  # type: ignore[arg-type]
            if node_id is None:
                hint = f"；最接近：{'、'.join(close)}" if close else ""
                self.problem(plan, number, field_name, f"未知{_KIND_WORDS[kind]}“{text}”{hint}", text)
            elif node_id not in found:
                found.append(node_id)
        return found

    def model_errors(self, plan: TablePlan, number: int, exc: ValidationError, values: dict[str, Any]) -> None:
        """Report what the graph model refused of a row, in the row's words."""
        for error in exc.errors():
            loc = str(error["loc"][0]) if error["loc"] else None
            field_name = {"src": "supplier", "dst": "customer"}.get(loc or "", loc)
            if field_name not in {f.name for f in FIELDS[plan.kind]}:
                field_name = None
            template = _PYDANTIC_REASONS.get(error["type"])
            reason = template.format(**error.get("ctx", {})) if template else str(error["msg"]).removeprefix("Value error, ")
            self.problem(plan, number, field_name, reason, values.get(field_name) if field_name else None)

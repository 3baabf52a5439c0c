"""Which tables of a batch are imported, of which kind, and how their columns map to fields.

A table whose header names neither an enterprise list nor supply relations, lacks a required
column, or is a hidden or instruction sheet is reported and left out; enterprise lists come first,
so supply relations can refer to enterprises of the same batch.

>>> from loaders.tabular import Table
>>> report = ImportReport()
>>> table = Table("名录.csv", None, ["企业名称", "所在城市", "备用"], lambda: iter([]))
>>> [plan] = plan_tables([table], report, None, None)
>>> plan.kind, plan.columns
('enterprises', {'name': '企业名称', 'city': '所在城市'})
>>> [problem.reason for problem in report.problems]
['未识别的列，已忽略']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from loaders.fields import KIND_NAMES, Kind, field_of, map_header
from loaders.report import ImportReport, Problem, TableSummary
from loaders.tabular import Table

INSTRUCTION_SHEETS = ("说明", "填写说明")  # the templates' instruction sheet is not data


@dataclass
class TablePlan:
    """One table to import: its kind, column index → field, field → header as written, its summary
    in the report and the date its rows default to."""

    table: Table
    kind: Kind
    mapping: dict[int, str]
    columns: dict[str, str]  # field → header as written
    summary: TableSummary
    as_of: dt.date



def plan_tables(tables: Sequence[Table], report: ImportReport, kind: Kind | None, as_of: dt.date | None) -> list[TablePlan]:
    plans = []
    recognised_files = set()
    pending_unknown: list[tuple[Table, list[str]]] = []
    for table in tables:
        if table.sheet in INSTRUCTION_SHEETS:
            continue
        if table.hidden:  # what the user does not see is not imported behind their back
            report.add(Problem(table.file, table.sheet, None, None,
                               "隐藏的工作表，已跳过（如需导入，请在 Excel 中取消隐藏）", level="警告"))
            continue
        forced = cast("Kind | None", kind or table.kind_hint)  # a kind hint is one of the kinds
        table_kind, mapping, unknown = map_header(table.header, forced)
        summary = TableSummary(table.file, table.sheet, table_kind, table.encoding, table.total or 0)
        report.tables.append(summary)
        header_row = table.header_row or None
        if table_kind is None:
            pending_unknown.append((table, [c for c in table.header if c]))
            summary.rows = 0
            continue
        recognised_files.add(table.file)
        columns = {name: table.header[index] for index, name in mapping.items()}
        missing = missing_columns(table_kind, set(mapping.values()))
        for column_name in missing:
            field = field_of(table_kind, column_name)
            aliases = "、".join((field.header, *field.aliases[:4]))
            hint = ""
            if table_kind == "supplies" and "name" in map_header(table.header, "enterprises")[1].values():
                hint = "；若这是企业名录，请删除“供应商”“客户”等列或改为其他列名"
            report.add(Problem(table.file, table.sheet, header_row, field.header,
                               f"缺少必填列“{field.header}”（{KIND_NAMES[table_kind]}；表头可写作 {aliases}）{hint}"))
            summary.errors += 1
        for index in unknown:
            report.add(Problem(table.file, table.sheet, header_row, table.header[index], "未识别的列，已忽略",
                               level="警告"))
        if missing:
            continue
        default_date = as_of or file_date(table) or dt.date.today()
        plans.append(TablePlan(table, table_kind, mapping, columns, summary, default_date))
    for table, header in pending_unknown:
        if table.sheet and table.file in recognised_files:
            report.add(Problem(table.file, table.sheet, table.header_row or None, None,
                               "工作表既不是企业名录也不是供应关系，已跳过", level="警告"))
            continue
        hint = ""
        if table.encoding == "gb18030" and not any(h.isascii() for h in header):
            hint = "；若表头显示为乱码，说明文件编码不是 UTF-8 或 GBK"
        report.add(Problem(
            table.file, table.sheet, table.header_row or None, None,
            "无法判断是企业名录还是供应关系：企业名录须有“企业名称”列，供应关系须有“供应方”和“采购方”列；"
            f"实际表头：{'、'.join(header[:12]) or '（空）'}{hint}",
        ))
    # enterprises first, so supply relations can refer to enterprises of the same batch
    return sorted(plans, key=lambda plan: plan.kind != "enterprises")


def missing_columns(kind: Kind, present: set[str]) -> list[str]:
    if kind == "enterprises":
        return [] if "name" in present else ["name"]
    missing = []
    if not {"supplier", "supplier_code"} & present:
        missing.append("supplier")
    if not {"customer", "customer_code"} & present:
        missing.append("customer")
    return missing


def file_date(table: Table) -> dt.date | None:
    if table.path is None:
        return None
    return dt.date.fromtimestamp(table.path.stat().st_mtime)


def report_header_only(report: ImportReport, plans: list[TablePlan]) -> None:
    """A table without data rows is an error when the whole batch has none, else a warning.

    An export of a graph without supply relations has a header-only 供应关系 sheet: its workbook
    must still import.
    """
    batch_has_rows = any(plan.summary.rows for plan in plans)
    for plan in plans:
        if plan.summary.rows == 0:
            if batch_has_rows:
                report.add(Problem(plan.table.file, plan.table.sheet, None, None, "只有表头，没有数据行：已跳过", level="警告"))
            else:
                report.add(Problem(plan.table.file, plan.table.sheet, None, None, "只有表头，没有数据行"))
                plan.summary.errors += 1

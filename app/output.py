"""Write a list of result rows as a table, JSON, CSV or XLSX (for the CLI and downloads).

An analysis gives typed records; ``result_tables`` labels them (``queries.labels``) into the rows
the writers take, so the Chinese column names appear only here, at the edge.
Text cells never run as formulas in Excel (see ``loaders.spreadsheet_cells``).

>>> print(render_rows([{"产品": "电芯", "本地企业数": 2}], "csv").decode("utf-8-sig").strip())
产品,本地企业数
电芯,2
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol

from app.terminal_table import terminal_table
from loaders.spreadsheet_cells import csv_cell
from loaders.spreadsheet_layout import write_sheet
from queries.formatting import excel_number_format
from queries.labels import Record, focus_of, labelled_tables

OutputFormat = Literal["table", "json", "csv", "xlsx"]
NO_RESULTS = "（无结果）"  # the one column of an empty CSV or sheet


class Tabulated(Protocol):
    """An analysis result: its tables as records (``queries.labels.LabelledReport``)."""

    def record_tables(self) -> Mapping[str, Sequence[Record]]: ...

    def headings(self) -> Mapping[str, Mapping[str, str]]: ...


def result_tables(result: Tabulated) -> dict[str, list[dict[str, Any]]]:
    """Every table of ``result`` as rows for output: keyed by the fields' labels, titled, the main one
    first; under scope ``all`` the columns that count the firms in focus say 网络内, not 本地
    (``queries.labels.focus_of``)."""
    return labelled_tables(result.record_tables(), result.headings(), focus=focus_of(result))


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)):
        return "、".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


XLSX_CELL_CHARS = 32_767  # Excel's limit for one cell
TRUNCATED = "…（已截断：超出 Excel 单元格上限，完整内容见 CSV 或 JSON 下载）"


def _fits_a_cell(value: Any) -> Any:
    """Text longer than an Excel cell holds, cut with a note (CSV and JSON keep it whole)."""
    if isinstance(value, str) and len(value) > XLSX_CELL_CHARS:
        return value[: XLSX_CELL_CHARS - len(TRUNCATED)] + TRUNCATED
    return value


def _columns(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Every column of the rows in order of appearance; for no rows, one that says so, so that an
    empty CSV or sheet is not a blank file."""
    columns: list[str] = []
    for row in rows:
        columns += [name for name in row if name not in columns]
    return columns or [NO_RESULTS]


def render_rows(rows: Sequence[dict[str, Any]], fmt: OutputFormat, *, title: str = "结果") -> bytes:
    """``rows`` rendered in ``fmt``; CSV is UTF-8 with BOM so Excel opens Chinese text correctly."""
    columns = _columns(rows)
    if fmt == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=2, default=str).encode("utf-8")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({name: csv_cell(_cell(row.get(name))) for name in columns} for row in rows)
        return buffer.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        return render_tables({title: list(rows)})
    if fmt == "table":
        return terminal_table(rows).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; use table, json, csv or xlsx")


def render_tables(tables: dict[str, list[dict[str, Any]]]) -> bytes:
    """Several tables as one XLSX workbook, one sheet each, named by the table's title, laid out to
    read and print (``loaders.spreadsheet_layout``): shares as 0.0%, 亿元 as #,##0.0, counts as
    #,##0, dates as dates — the values stay exact."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, rows in tables.items():
        columns = _columns(rows)
        body = [[_excel_value(column, _fits_a_cell(_cell(row.get(column)))) for column in columns] for row in rows]
        formats = {column: fmt for index, column in enumerate(columns)
                   if (fmt := excel_number_format(column, (line[index] for line in body)))}
        write_sheet(workbook, name, columns, body, formats)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _excel_value(column: str, value: Any) -> Any:
    """A cell's value for Excel: an ISO date in a 日期 column becomes a date (shown yyyy-mm-dd).

    >>> _excel_value("日期", "2024-12-31"), _excel_value("企业", "2024-12-31")
    (datetime.date(2024, 12, 31), '2024-12-31')
    """
    if isinstance(value, str) and "日期" in column and ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value

"""Sheets that open ready to use and print: every XLSX ChainAtlas writes goes through ``write_sheet``.

What a sheet gets (openpyxl's own features, on a write-only workbook):

* the header row bold on a light fill, frozen, with an autofilter over the whole table;
* column widths that fit the content (a CJK character counts double), capped at ``MAX_WIDTH`` —
  a longer text column wraps instead;
* number formats per column, chosen by the caller from the heading (``0.0%`` for shares,
  ``#,##0.0`` for 亿元, ``#,##0`` for counts, ``yyyy-mm-dd`` for dates);
* page setup for printing: A4 landscape, fit to one page wide, the header row repeated on every
  page, the sheet title as the page header and "第 N 页，共 M 页" as the footer.

>>> display_width("电芯"), display_width("HHI 0.37"), display_width(1783.84, "#,##0.0")
(4, 8, 7)
>>> from io import BytesIO
>>> from openpyxl import Workbook, load_workbook
>>> workbook = Workbook(write_only=True)
>>> _ = write_sheet(workbook, "缺口", ["产品", "本地配套率"], [["电芯", 0.0318]], {"本地配套率": "0.0%"})
>>> buffer = BytesIO(); workbook.save(buffer)
>>> sheet = load_workbook(buffer)["缺口"]
>>> sheet.freeze_panes, sheet.auto_filter.ref, sheet["B2"].number_format, sheet.print_title_rows
('A2', 'A1:B2', '0.0%', '$1:$1')
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from loaders.spreadsheet_cells import strip_control_characters

MIN_WIDTH = 6  # characters: a one-letter column still shows its filter button
MAX_WIDTH = 50  # a longer text column wraps at this width
WIDTH_SAMPLE = 2000  # rows measured for the widths (a long download is not measured row by row)
HEADER_FILL = "DCE6F1"  # light blue-grey, prints well in black and white
DATE_FORMAT = "yyyy-mm-dd"
PAPER_A4 = "9"  # the page setup paper size code of A4
FOOTER = "第 &P 页，共 &N 页"  # Excel's header/footer codes: &P page number, &N page count


def display_width(value: Any, number_format: str | None = None) -> int:
    """How many character cells ``value`` takes in Excel: East Asian wide characters count two.

    >>> display_width("南昌"), display_width("ab"), display_width(0.1564, "0.0%"), display_width(3000, "#,##0")
    (4, 2, 5, 5)
    """
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = _number_text(value, number_format)
    else:
        text = str(value)
    longest = max(text.split("\n"), key=len)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in longest)


def _number_text(value: float, number_format: str | None) -> str:
    """Roughly the text Excel shows for a number in ``number_format`` (for measuring only)."""
    if number_format == "0.0%":
        return f"{value * 100:.1f}%"
    if number_format == "#,##0.0":
        return f"{value:,.1f}"
    if number_format == "#,##0":
        return f"{value:,.0f}"
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def column_widths(header: Sequence[str], rows: Sequence[Sequence[Any]], formats: Sequence[str | None]) -> list[int]:
    """The width of each column: its widest cell or its header (+2 for the filter button), within
    ``MIN_WIDTH``..``MAX_WIDTH``.

    >>> column_widths(["排名", "企业"], [[1, "南昌某某新能源科技有限公司（示例）"]], [None, None])
    [6, 35]
    """
    widths = [display_width(name) + 2 for name in header]  # room for the filter button
    for row in rows[:WIDTH_SAMPLE]:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], display_width(value, formats[index]) + 1)
    return [max(MIN_WIDTH, min(MAX_WIDTH, width)) for width in widths]


def write_sheet(
    workbook: Any, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
    number_formats: Mapping[str, str] | None = None, *, wrap_long_text: bool = True,
) -> Any:
    """Add the sheet ``title`` (cut to Excel's 31 characters) to a write-only ``workbook``: the
    ``header`` row, then ``rows`` (text always as text cells), laid out as the module says.

    ``number_formats`` maps a heading to the number format of its column's numeric cells.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    rows = [list(row) for row in rows]
    formats = [(number_formats or {}).get(name) for name in header]
    widths = column_widths(header, rows, formats)
    wrapped = {index for index, width in enumerate(widths) if wrap_long_text and width >= MAX_WIDTH}
    sheet = workbook.create_sheet(title=sheet_title(title))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    last = f"{get_column_letter(len(header))}{len(rows) + 1}"
    sheet.auto_filter.ref = f"A1:{last}"
    print_layout(sheet, title)

    bold, fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    line = Side(style="thin", color="808080")
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=strip_control_characters(name))
        cell.data_type = "s"
        cell.font, cell.fill = bold, fill
        cell.border = Border(bottom=line)
        cell.alignment = Alignment(vertical="center")
        header_cells.append(cell)
    sheet.append(header_cells)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([_cell(sheet, value, formats[index] if index < len(formats) else None, index in wrapped, wrap)
                      for index, value in enumerate(row)])
    return sheet


def print_layout(sheet: Any, title: str) -> None:
    """Page setup for printing ``sheet`` (write-only or not): A4 landscape, one page wide, the
    header row on every page, ``title`` as the page header and the page number in the footer."""
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.print_title_rows = "1:1"
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = PAPER_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages tall as it takes
    sheet.print_options.gridLines = True
    sheet.oddHeader.center.text = strip_control_characters(title).replace("&", "&&")
    sheet.oddFooter.center.text = FOOTER


def _cell(sheet: Any, value: Any, number_format: str | None, wrap: bool, alignment: Any) -> Any:
    """One body cell: text as a string cell (never a formula), numbers and dates in their format."""
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=strip_control_characters(value))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if wrap:
            cell.alignment = alignment
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = DATE_FORMAT
    elif number_format and isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.number_format = number_format
    return cell


def sheet_title(title: str) -> str:
    """A valid sheet name: Excel's forbidden characters replaced, at most 31 characters.

    >>> sheet_title("按产业链/类型汇总[高]"), len(sheet_title("很长" * 20))
    ('按产业链-类型汇总(高)', 31)
    """
    cleaned = strip_control_characters(title).translate(str.maketrans("/\\?*:[]", "--？＊：()"))
    return (cleaned.strip("'") or "表")[:31]

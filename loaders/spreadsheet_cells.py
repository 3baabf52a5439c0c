"""Cells that are safe to open in Excel: text never runs as a formula, XLSX gets only what XML allows.

Names in the graph come from users' spreadsheets, so an exported ``=HYPERLINK(…)`` or ``@SUM(…)``
must stay text. CSV has no cell types: such text gets a leading apostrophe (OWASP's advice for
CSV injection), which the importer takes off again. XLSX has them: text is written as a string
cell, unchanged, so it round-trips exactly.

>>> csv_cell('=HYPERLINK("http://example.com","点击")')
'\\'=HYPERLINK("http://example.com","点击")'
>>> csv_cell("-") , csv_cell(-3), csv_cell("南昌")
("'-", -3, '南昌')
>>> without_formula_guard("'=1+1"), without_formula_guard("'引号")
('=1+1', "'引号")
>>> strip_control_characters("坏\\x01名")
'坏名'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# What Excel and LibreOffice may read as the start of a formula (tab and carriage return too).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The C0 control characters XML 1.0 forbids (tab, line feed and carriage return are allowed); the
# same set as openpyxl's ILLEGAL_CHARACTERS_RE, which refuses to save them.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_cell(value: Any) -> Any:
    """``value`` for a CSV file: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def without_formula_guard(text: str) -> str:
    """Undo ``csv_cell``: an apostrophe before a formula character is dropped, others are kept."""
    if text[:1] == "'" and text[1:2] and text[1:2] in FORMULA_START:
        return text[1:]
    return text


def strip_control_characters(text: str) -> str:
    """``text`` without the control characters an XLSX file cannot hold."""
    return CONTROL_CHARACTER.sub("", text)


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """Cells for ``sheet.append`` on a write-only openpyxl sheet: text always as a string cell."""
    from openpyxl.cell import WriteOnlyCell

    row: list[Any] = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=strip_control_characters(value))
            cell.data_type = "s"  # never a formula, whatever the text starts with
            row.append(cell)
        else:
            row.append(value)
    return row

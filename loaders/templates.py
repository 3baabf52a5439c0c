"""Downloadable XLSX templates for the two importable tables.

Each template has the data sheet (header + one example row whose first cell starts with ``示例：``,
which the importer skips) and a 说明 sheet describing every column and its accepted aliases.

>>> from io import BytesIO
>>> from openpyxl import load_workbook
>>> workbook = load_workbook(BytesIO(template_bytes("supplies")))
>>> workbook.sheetnames
['供应关系', '说明']
>>> [cell.value for cell in workbook["供应关系"][1]][:3]
['供应方*', '供应方信用代码', '采购方*']
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

from loaders.fields import FIELDS, KIND_NAMES, KINDS, Kind
from loaders.spreadsheet_layout import print_layout

TemplateKind = Literal["enterprises", "supplies", "all"]
_HIDDEN = {"synthetic", "amount_or_share", "revenue_wan"}  # accepted on import, left out of the templates


def template_bytes(kind: TemplateKind = "all") -> bytes:
    """The XLSX template of ``kind`` (``all``: both data sheets) as bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    kinds: tuple[Kind, ...] = KINDS if kind == "all" else (kind,)
    if any(k not in KINDS for k in kinds):
        raise ValueError(f"unknown template kind {kind!r}; use enterprises, supplies or all")
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet a new workbook starts with
    bold = Font(bold=True)
    required = PatternFill("solid", fgColor="FFF2CC")
    for table_kind in kinds:
        sheet = workbook.create_sheet(KIND_NAMES[table_kind])
        fields = [field for field in FIELDS[table_kind] if field.name not in _HIDDEN]
        sheet.append([field.header + ("*" if field.required else "") for field in fields])
        sheet.append([field.example for field in fields])
        for column, field in enumerate(fields, start=1):
            cell = sheet.cell(row=1, column=column)
            cell.font = bold
            if field.required:
                cell.fill = required
            letter = cell.column_letter
            sheet.column_dimensions[letter].width = max(12, min(40, 2 * len(field.header) + 4))
            if field.name.endswith("credit_code") or field.name.endswith("_code"):
                for row in range(2, 2001):  # text, so Excel keeps all 18 characters of a credit code
                    sheet.cell(row=row, column=column).number_format = "@"
        sheet.freeze_panes = "A2"
        print_layout(sheet, f"{KIND_NAMES[table_kind]}导入模板")
    notes = workbook.create_sheet("说明")
    notes.append(["表", "列", "必填", "说明", "也可写作"])
    for cell in notes[1]:
        cell.font = bold
    for table_kind in kinds:
        for field in FIELDS[table_kind]:
            if field.name in _HIDDEN:
                continue
            notes.append([KIND_NAMES[table_kind], field.header, "是" if field.required else "", field.description,
                          "、".join(field.aliases)])
    notes.append([])
    notes.append(["", "第2行是示例（以“示例：”开头），导入时自动跳过；可直接覆盖或删除。"])
    notes.append(["", "CSV 也可导入：UTF-8、带 BOM 的 UTF-8 或 GBK/GB18030（Excel 中文版默认）均可。"])
    for letter, width in zip("ABCDE", (10, 18, 6, 60, 60), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2, min_col=4, max_col=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes.freeze_panes = "A2"
    print_layout(notes, "导入模板说明")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_template(kind: TemplateKind, path: str | Path) -> Path:
    """Write the template of ``kind`` to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(template_bytes(kind))
    return path

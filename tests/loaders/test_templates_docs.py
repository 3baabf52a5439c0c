"""The templates and docs/import.md stay in step with the columns the importer reads."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from loaders.fields import FIELDS, KIND_NAMES
from loaders.templates import template_bytes

DOC = Path(__file__).resolve().parents[2] / "docs" / "import.md"


def test_docs_list_every_column_and_alias() -> None:
    text = DOC.read_text(encoding="utf-8")
    for fields in FIELDS.values():
        for field in fields:
            assert f"| {field.header} | `{field.name}` |" in text, field.name
            assert "、".join(field.aliases) in text, field.name


def test_template_all_has_both_sheets_and_notes() -> None:
    workbook = load_workbook(BytesIO(template_bytes("all")))
    assert workbook.sheetnames == [KIND_NAMES["enterprises"], KIND_NAMES["supplies"], "说明"]
    notes = list(workbook["说明"].iter_rows(values_only=True))
    assert notes[0] == ("表", "列", "必填", "说明", "也可写作")
    assert ("企业名录", "企业名称", "是") == notes[1][:3]
    code_column = [c.value for c in workbook["企业名录"][1]].index("统一社会信用代码") + 1
    assert workbook["企业名录"].cell(row=2, column=code_column).number_format == "@"

"""XLSX formula cells: a formula whose result the file keeps imports as that result; one whose result
the file does not keep (written by a program, never saved in Excel) is an error naming the file,
sheet, cell and column — never a blank value, and in the name column never "企业名称为必填项"."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

from loaders.importer import import_files
from loaders.tabular import UncomputedFormula, read_tables
from stores.backup import content_digest
from stores.base import GraphStore
from tests.loaders.conftest import enterprises_by_name

HEADER = ["企业名称", "所在区县", "营业收入(亿元)"]


def formula_workbook(path: Path) -> Path:
    """Sheet 名录: row 2 plain, row 3 a formula name (B… none), row 4 a formula revenue; openpyxl keeps no results."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名录"
    sheet.append(HEADER)
    sheet.append(["南昌公式甲有限公司", "南昌县", 1.5])
    sheet.append(['="南昌公式"&"乙有限公司"', "南昌县", 2])
    sheet.append(["南昌公式丙有限公司", "南昌县", "=C2*2"])
    workbook.save(path)
    return path


def keep_results(path: Path, results: dict[str, tuple[str | None, str]]) -> Path:
    """Write what Excel keeps for each formula cell: ``{"A3": ("str", "南昌…"), "C4": (None, "3")}``."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    for cell, (kind, value) in results.items():
        pattern = re.compile(rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/>\s*</c>')
        typed = f' t="{kind}"' if kind else ""
        sheet, count = pattern.subn(lambda m, c=cell, t=typed, v=value: f'<c r="{c}"{m.group(1)}{t}><f>{m.group(2)}</f><v>{v}</v></c>', sheet)
        assert count == 1, cell
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_a_formula_without_a_kept_result_is_read_as_such(tmp_path: Path) -> None:
    [table] = read_tables(formula_workbook(tmp_path / "名录.xlsx"))
    rows = dict(table.rows())
    assert rows[3][0] == UncomputedFormula("A3", '="南昌公式"&"乙有限公司"')
    assert rows[4][2] == UncomputedFormula("C4", "=C2*2") and rows[2] == ["南昌公式甲有限公司", "南昌县", 1.5]


def test_formulas_without_results_are_errors_naming_the_cell_and_nothing_is_written(
        reference_store: GraphStore, tmp_path: Path) -> None:
    path = formula_workbook(tmp_path / "名录.xlsx")
    before = content_digest(reference_store)
    report = import_files(reference_store, [path])
    assert not report.ok
    found = {(p.file, p.sheet, p.row, p.column): p.reason for p in report.errors}
    assert set(found) == {("名录.xlsx", "名录", 3, "企业名称"), ("名录.xlsx", "名录", 4, "营业收入(亿元)")}
    assert found[("名录.xlsx", "名录", 3, "企业名称")].startswith('单元格 A3 是公式（="南昌公式"&"乙有限公司"），但文件中没有保存它的计算结果')
    assert "单元格 C4 是公式（=C2*2）" in found[("名录.xlsx", "名录", 4, "营业收入(亿元)")]
    assert not any("必填" in p.reason for p in report.problems)  # a formula name is not an empty name
    assert "在 Excel 中打开并保存" in report.summary()
    assert content_digest(reference_store) == before


def test_formulas_with_kept_results_import_as_their_results(reference_store: GraphStore, tmp_path: Path) -> None:
    path = keep_results(formula_workbook(tmp_path / "名录.xlsx"), {"A3": ("str", "南昌公式乙有限公司"), "C4": (None, "3")})
    report = import_files(reference_store, [path])
    assert report.ok, report.summary()
    stored = enterprises_by_name(reference_store)
    assert stored["南昌公式乙有限公司"]["revenue_yi"] == 2
    assert stored["南昌公式丙有限公司"]["revenue_yi"] == 3


def test_a_formula_whose_result_is_empty_text_is_blank(reference_store: GraphStore, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["南昌空公式有限公司", '=IF(1>2,"南昌县","")', 1])
    path = tmp_path / "空.xlsx"
    workbook.save(path)
    keep_results(path, {"B2": ("str", "")})  # what Excel keeps for a formula giving ""
    report = import_files(reference_store, [path])
    assert report.ok, report.summary()
    assert enterprises_by_name(reference_store)["南昌空公式有限公司"].get("district") is None

"""Hostile or oversized files are refused quickly with a clear message instead of costing minutes or memory."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from loaders import tabular
from loaders.tabular import MAX_COLUMNS, MAX_SHEETS, FileReadError, read_tables

SHEET_XML = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main">{dimension}<sheetData>{rows}</sheetData></worksheet>')


def _raw_xlsx(path: Path, sheet_xml: str) -> Path:
    """A one-sheet XLSX written part by part, so the sheet XML (its <dimension>, stray cells) is ours."""
    package = "http://schemas.openxmlformats.org/package/2006"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{package}/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{main}.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
        f'Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{office}"><sheets><sheet name="企业名录" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
        f'Type="{office}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _workbook(path: Path, sheets: int = 1, header: list[str] | None = None) -> Path:
    workbook = Workbook()
    for index in range(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = f"表{index + 1}"
        sheet.append(header or ["企业名称", "所在区县"])
        sheet.append([f"南昌{index}有限公司", "南昌县"])
    workbook.save(path)
    return path


def _all_rows(path: Path) -> list[list]:
    return [list(table.rows()) for table in read_tables(path)]


# -- XLSX ------------------------------------------------------------------------------------------


def test_xlsx_opened_once_per_pass_not_once_per_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _workbook(tmp_path / "a.xlsx", sheets=6)
    opened = []
    load = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *args, **kwargs: opened.append(1) or load(*args, **kwargs))
    tables = read_tables(path)
    assert len(opened) == 1
    for _ in range(2):
        assert [rows for table in tables for rows in table.rows()] == [
            (2, [f"南昌{index}有限公司", "南昌县"]) for index in range(6)]
    assert len(opened) == 3


def test_xlsx_with_too_many_sheets_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "a.xlsx", sheets=MAX_SHEETS + 1)
    with pytest.raises(FileReadError, match=f"{MAX_SHEETS + 1} 个工作表，超过上限 {MAX_SHEETS} 个"):
        read_tables(path)


def test_xlsx_rows_are_as_wide_as_the_header_not_the_declared_dimension(tmp_path: Path) -> None:
    rows = (f'<row r="1">{_cell("A1", "企业名称")}{_cell("B1", "所在区县")}</row>'
            f'<row r="2">{_cell("A2", "南昌甲有限公司")}</row><row r="3000"><c r="XFD3000" s="0"/></row>')
    path = _raw_xlsx(tmp_path / "a.xlsx", SHEET_XML.format(dimension='<dimension ref="A1:XFD3000"/>', rows=rows))
    [table] = read_tables(path)
    assert table.header == ["企业名称", "所在区县"]
    assert list(table.rows()) == [(2, ["南昌甲有限公司", None])]


def test_xlsx_header_with_too_many_columns_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "a.xlsx", header=[f"列{index}" for index in range(MAX_COLUMNS + 1)])
    with pytest.raises(FileReadError, match=f"{MAX_COLUMNS + 1} 个非空表头.*上限为 {MAX_COLUMNS} 列") as info:
        read_tables(path)
    assert info.value.sheet == "表1"


def test_xlsx_header_reaching_column_xfd_is_refused(tmp_path: Path) -> None:
    rows = f'<row r="1">{_cell("A1", "企业名称")}{_cell("XFD1", "备注")}</row>'
    path = _raw_xlsx(tmp_path / "a.xlsx", SHEET_XML.format(dimension="", rows=rows))
    with pytest.raises(FileReadError, match="最后一个在第 16384 列（XFD 列）"):
        read_tables(path)


@pytest.mark.parametrize("limit, words", [
    ("MAX_XLSX_UNCOMPRESSED_MB", "解压后共 0.0 MB，超过上限 0.001 MB"),
    ("MAX_XLSX_MEMBER_MB", r"XLSX 中的 \S+ 解压后 0.0 MB，超过单个部件上限 0.001 MB"),
])
def test_xlsx_decompression_bomb_is_refused_before_opening(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           limit: str, words: str) -> None:
    path = _workbook(tmp_path / "a.xlsx")
    monkeypatch.setattr(tabular, limit, 0.001)
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *args, **kwargs: pytest.fail("opened"))
    with pytest.raises(FileReadError, match=words):
        read_tables(path)


def test_xlsx_that_is_not_a_zip_keeps_its_message(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FileReadError, match="XLSX 文件已损坏或不完整"):
        read_tables(path)


# -- JSON ------------------------------------------------------------------------------------------


def test_json_with_too_many_keys_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{f"键{index}": index} for index in range(MAX_COLUMNS + 1)]), encoding="utf-8")
    with pytest.raises(FileReadError, match=f"{MAX_COLUMNS + 1} 个不同的键"):
        read_tables(path)


def test_json_header_keeps_first_seen_order(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"b": 1, "a": 2}, {"c": 3, "a": 4}]), encoding="utf-8")
    [table] = read_tables(path)
    assert table.header == ["b", "a", "c"]
    assert list(table.rows()) == [(1, [1, 2, None]), (2, [None, 4, 3])]


def test_deeply_nested_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(FileReadError, match="JSON 嵌套层级过深"):
        read_tables(path)


def test_large_json_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"[]")
    os.truncate(path, (tabular.MAX_JSON_MB + 1) * 2**20)  # sparse: nothing is written or read
    with pytest.raises(FileReadError, match="超过上限 50 MB.*CSV 或 XLSX"):
        read_tables(path)


# -- CSV -------------------------------------------------------------------------------------------


def test_csv_header_with_too_many_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(",".join(f"列{index}" for index in range(MAX_COLUMNS + 1)) + "\n", encoding="utf-8")
    with pytest.raises(FileReadError, match=f"有 {MAX_COLUMNS + 1} 列，超过上限 {MAX_COLUMNS} 列") as info:
        read_tables(path)
    assert info.value.row == 1


def test_csv_row_with_too_many_cells_is_an_error_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("企业名称\n甲有限公司\n乙有限公司" + ",x" * MAX_COLUMNS + "\n", encoding="utf-8")
    with pytest.raises(FileReadError, match=f"第3行: 有 {MAX_COLUMNS + 1} 列") as info:
        _all_rows(path)
    assert info.value.row == 3


def test_csv_line_without_newline_is_refused_before_it_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("企业名称\n甲有限公司\n" + "," * (tabular.MAX_CSV_LINE_CHARS + 1), encoding="utf-8")
    with pytest.raises(FileReadError, match="第3行: 这一行超过 1,048,576 个字符仍未换行") as info:
        _all_rows(path)
    assert info.value.row == 3


def test_csv_blank_rows_of_many_commas_are_still_skipped(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("企业名称\n" + "," * 1000 + "\n甲有限公司\n", encoding="utf-8")
    assert _all_rows(path) == [[(3, ["甲有限公司"])]]

"""Reading CSV in every encoding Excel writes in China, XLSX and JSON; header aliases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders.fields import map_header
from loaders.tabular import FileReadError, read_tables

TEXT = "企业名称,营业收入(亿元),所在区县\n南昌甲科技有限公司,1.5,南昌县\n南昌𠀋乙材料有限公司,2,新建区\n"


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8-sig"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030"),
])
def test_csv_encodings(tmp_path: Path, encoding: str, expected: str) -> None:
    text = TEXT if encoding in ("utf-8", "utf-8-sig", "gb18030") else TEXT.replace("𠀋", "")
    path = tmp_path / "企业.csv"
    path.write_bytes(text.encode(encoding))
    [table] = read_tables(path)
    assert table.encoding == expected
    assert table.header == ["企业名称", "营业收入(亿元)", "所在区县"]
    rows = list(table.rows())
    assert rows[0] == (2, ["南昌甲科技有限公司", "1.5", "南昌县"])
    assert rows[1][1][0] == text.splitlines()[2].split(",")[0]
    assert list(table.rows()) == rows  # rows can be read again


def test_csv_rows_skip_blank_lines_and_keep_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("企业名称\n\n甲有限公司\n ,\n乙有限公司\n", encoding="utf-8")
    [table] = read_tables(path)
    assert [number for number, _ in table.rows()] == [3, 5]


def test_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("企业名称\t营业收入(亿元)\n甲有限公司\t1\n", encoding="utf-8")
    [table] = read_tables(path)
    assert table.header == ["企业名称", "营业收入(亿元)"]


def test_xlsx_sheets(tmp_path: Path) -> None:
    workbook = Workbook()
    first = workbook.active
    first.title = "企业名录"
    first.append(["企业名称", "统一社会信用代码"])
    first.append(["甲有限公司", "91360100MA35GWXY5H"])
    workbook.create_sheet("空表")
    second = workbook.create_sheet("供应关系")
    second.append([None])
    second.append(["供应方", "采购方"])
    second.append(["甲有限公司", "乙有限公司"])
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    tables = read_tables(path)
    assert [(t.sheet, t.header_row) for t in tables] == [("企业名录", 1), ("供应关系", 2)]
    assert list(tables[1].rows()) == [(3, ["甲有限公司", "乙有限公司"])]


def test_json_shapes(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"name": "A Co.", "revenue_yi": 1}, {"name": "B Co.", "tags": ["规上"]}]))
    [table] = read_tables(path)
    assert table.header == ["name", "revenue_yi", "tags"]
    assert list(table.rows())[1] == (2, ["B Co.", None, ["规上"]])
    path.write_text(json.dumps({"enterprises": [{"name": "A"}], "supplies": [{"supplier": "A", "customer": "B"}]}))
    assert [(t.sheet, t.kind_hint) for t in read_tables(path)] == [("enterprises", "enterprises"), ("supplies", "supplies")]


@pytest.mark.parametrize("name, content, reason", [
    ("a.xls", b"\xd0\xcf\x11\xe0", "不支持旧版 .xls"),
    ("a.pdf", b"%PDF-1.4", "不支持的文件类型 .pdf"),
    ("a.csv", b"PK\x03\x04rest", "ZIP/XLSX"),
    ("a.json", b"42", "JSON 顶层应为对象列表"),
    ("a.json", b'{"x": []}', "实际的键：x"),
])
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileReadError, match=reason):
        read_tables(path)


def test_header_aliases_chinese_and_english() -> None:
    chinese = ["企业名称", "统一社会信用代码", "所在区县", "所在园区", "所属产业链", "主营产品", "营业收入（亿元）", "企业标签"]
    english = ["Name", "credit_code", "District", "park", "chains", "Products", "revenue_yi", "TAGS"]
    assert map_header(chinese)[1] == map_header(english)[1]
    assert set(map_header(chinese)[1].values()) == {
        "name", "credit_code", "district", "park", "chains", "products", "revenue_yi", "tags"}
    kind, mapping, _ = map_header(["供应方", "采购方", "产品", "金额/占比", "数据来源", "日期"])
    assert kind == "supplies" and sorted(mapping.values()) == sorted(
        ["supplier", "customer", "product", "amount_or_share", "source", "as_of"])

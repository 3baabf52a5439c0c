"""Result tables as files: every name kept in exports, long lists shortened on screen, no blank files."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from app.output import render_rows, render_tables

NAMES = [f"企业{i}" for i in range(16)]
ROWS = [{"产品": "光伏铝边框", "本地生产企业": NAMES}]


def test_exports_keep_every_name_and_the_terminal_shortens() -> None:
    text = render_rows(ROWS, "csv").decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["本地生产企业"] == "、".join(NAMES)
    sheet = load_workbook(io.BytesIO(render_rows(ROWS, "xlsx"))).active
    assert sheet.cell(2, 2).value == "、".join(NAMES)
    table = render_rows(ROWS, "table").decode()
    assert "企业2、…等16家" in table and "企业3" not in table


def test_an_empty_table_is_not_a_blank_file() -> None:
    assert render_rows([], "csv").decode("utf-8-sig").strip() == "（无结果）"
    workbook = load_workbook(io.BytesIO(render_tables({"招商候选": [], "集中度": [{"产品": "电芯"}]})))
    assert workbook["招商候选"].cell(1, 1).value == "（无结果）"
    assert workbook["集中度"].cell(1, 1).value == "产品"


def test_shares_are_percentages_in_excel_and_exact_values() -> None:
    workbook = load_workbook(io.BytesIO(render_tables({"缺口": [{"产品": "电芯", "本地配套率": 0.0318, "依赖企业数": 3}]})))
    share, count = workbook["缺口"].cell(2, 2), workbook["缺口"].cell(2, 3)
    assert (share.value, share.number_format) == (0.0318, "0.0%")
    assert (count.value, count.number_format) == (3, "#,##0")


def test_a_name_list_longer_than_an_excel_cell_is_cut_with_a_note() -> None:
    names = [f"南昌某某第{i}号新能源科技有限公司" for i in range(3000)]  # ≈ 60,000 characters joined
    sheet = load_workbook(io.BytesIO(render_rows([{"本地采购企业": names}], "xlsx"))).active
    text = sheet.cell(2, 1).value
    assert len(text) <= 32_767 and text.endswith("完整内容见 CSV 或 JSON 下载）") and text.startswith(names[0])
    assert render_rows([{"本地采购企业": names}], "csv").decode("utf-8-sig").count("有限公司") == 3000

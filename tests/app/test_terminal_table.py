"""The table printer lays out its lines itself (each cell wrapped once by rich's ``Text.wrap``) and
gives, byte for byte, what rich's ``Table`` gives: on a wide table of Chinese text and on random
tables of CJK, ASCII, spaces and figures."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from app.terminal_table import TERMINAL_WIDTH, column_widths, rich_table_lines, table_lines, terminal_table


def _both(columns: list[str], cells: list[list[str]], width: int = TERMINAL_WIDTH) -> tuple[str, str]:
    widths = column_widths(columns, cells, width)
    right = {index: all(line[index].replace(",", "").replace(".", "").isdigit() for line in cells) for index in widths}

    def shown(lines: list[str]) -> str:  # as terminal_table prints them
        return "\n".join(line.rstrip() for line in lines if line.strip())

    console = Console(width=width, color_system=None, force_terminal=False, legacy_windows=False, highlight=False, emoji=False, markup=False)
    return shown(table_lines(columns, cells, widths, right, console)), shown(rich_table_lines(columns, cells, widths, right, console))


def test_a_wide_table_of_chinese_text_is_laid_out_as_rich_does() -> None:
    columns = ["企业", "产品", "风险类型", "说明", "供应商", "营收(亿元)"]
    cells = [[f"南昌{'甲乙丙丁'[i % 4]}新能源电池材料股份有限公司（示例）", "隔膜、电解液、正极材料",
              "单一来源" if i % 2 else "卡脖子企业",
              "该企业的隔膜全部来自一家外省供应商，一旦断供，本地三家电芯企业的产能将下降约四成 " * (1 + i % 3),
              "、".join(f"供应商{j}号（示例）" for j in range(i % 5)), f"{1234.5 * i:,.1f}"] for i in range(12)]
    ours, reference = _both(columns, cells)
    assert ours == reference
    assert ours + "\n" == terminal_table([dict(zip(columns, line, strict=True)) for line in cells])
    assert max(cell_len(line) for line in ours.splitlines()) <= TERMINAL_WIDTH
    assert len(ours.splitlines()) > len(cells) + 2  # the long 说明 cells did wrap


def test_the_whole_printer_output_is_unchanged_for_rows() -> None:
    rows = [{"企业": "南昌甲电池（示例）", "企业ID": "ent:a", "本地配套率": 0.1564, "营收(亿元)": 1783.84, "园区": "park:x",
             "说明": "长" * 150}]
    text = terminal_table(rows, names={"ent:a": "南昌甲电池（示例）", "park:x": "小蓝经开区"})
    assert text.splitlines()[0].split() == ["企业", "本地配套率", "营收(亿元)", "园区", "说明"]
    assert text.count("长") == 150 and "ent:a" not in text


TEXT = st.lists(st.sampled_from([*"产业链南昌新能源 abcXYZ012,.-（）、", "  ", "隔膜电解液正极材料", "supplier", "\t", "\n", "\r", "\x07", "\u3000", "\u200b", "e\u0301"]), max_size=30).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(
    st.lists(st.text(alphabet="企业产品数量说明abc", min_size=1, max_size=8), min_size=n, max_size=n),
    st.lists(st.lists(TEXT, min_size=n, max_size=n), min_size=1, max_size=8),
    st.integers(20, 140))))
def test_random_tables_are_laid_out_as_rich_does(table: tuple[list[str], list[list[str]], int]) -> None:
    columns, cells, width = table
    ours, reference = _both(columns, cells, width)
    assert ours == reference

"""Result rows as a table for people at a terminal: names instead of ids, the one number format, and
no wider than a 120-column terminal (rich lays it out and wraps long cells).

What the terminal table does that the files (``--format csv|json|xlsx``) do not:

* ids become names (``names`` maps an id to its name); a column that then repeats another
  (企业ID beside 企业) is left out; ids inside a text (a scope such as ``园区 park:x``) are named too;
* figures follow ``queries.formatting`` (15.6%, 1,783.8, 3,000);
* long name lists show their first names and …等N家; the first ``ROW_LIMIT`` rows are shown;
* columns that do not fit (each at least as wide as its heading) are left out, from the right,
  and a note after the table names them.

>>> rows = [{"企业": "南昌甲电池（示例）", "企业ID": "ent:a", "本地配套率": 0.1564, "营收(亿元)": 1783.84, "园区": "park:x"}]
>>> print(terminal_table(rows, names={"ent:a": "南昌甲电池（示例）", "park:x": "小蓝经开区"}), end="")
企业                本地配套率  营收(亿元)  园区
──────────────────────────────────────────────────────
南昌甲电池（示例）       15.6%     1,783.8  小蓝经开区
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from queries.formatting import figure_text, is_share_column, percent_points, shortened

TERMINAL_WIDTH = 120
ROW_LIMIT = 200  # rows shown at a terminal; nobody reads more there, and the files keep them all
LIST_LIMIT = 3  # names shown of a long list in a cell; the files keep every name
ID_PATTERN = re.compile(r"\b(?:chain|product|park|cluster|ent):[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*")  # ASCII: a name may follow
CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")  # the id of an enterprise keyed by its 统一社会信用代码
COLUMN_GAP = 2
MIN_WRAPPED = 16  # a wrapped column is at least this wide
UNWRAPPED = 24  # columns up to this wide are kept on one line first, when room allows
FIGURE_COLUMNS = ("引进前", "引进后", "变化", "之前", "之后")  # their unit is the row's 指标
NO_RESULTS = "（无结果）"
_REWRAPPED = re.compile("[\t\n\x07\x08\x0b\x0c\r]")  # what rich's Text expands, splits on or strips


class Names(Protocol):
    """id → name, asked one id at a time (a dict is one)."""

    def __contains__(self, node_id: object, /) -> bool: ...

    def __getitem__(self, node_id: str, /) -> str: ...

    def get(self, node_id: str, default: str, /) -> str: ...


def named(value: Any, names: Names) -> Any:
    """``value`` with every id in it replaced by its name (ids without a name stay as they are).

    >>> named("园区 park:x；企业 ent:a、ent:b。product:y供应商", {"park:x": "小蓝经开区", "ent:a": "甲", "product:y": "硬质合金"})
    '园区 小蓝经开区；企业 甲、ent:b。硬质合金供应商'
    >>> named(["ent:a", 3], {"ent:a": "甲"})
    ['甲', 3]
    """
    if isinstance(value, str):
        if CREDIT_CODE.fullmatch(value) and value in names:  # an enterprise keyed by its credit code
            return names[value]
        return ID_PATTERN.sub(lambda match: names.get(match.group(0), match.group(0)), value)
    if isinstance(value, (list, tuple)):
        return [named(item, names) for item in value]
    return value


def _cell(column: str, value: Any, row: Mapping[str, Any]) -> str:
    """A cell as shown: the row's 指标 gives the unit of a before/after figure; lists shortened."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(str(item) for item in shortened(list(value), LIST_LIMIT))
    if isinstance(value, dict):
        return "；".join(f"{key}：{item}" for key, item in value.items())
    figure = row.get("指标") if column in FIGURE_COLUMNS else None
    if isinstance(figure, str) and column == "变化" and is_share_column(figure) and isinstance(value, (int, float)):
        before, after = row.get("引进前"), row.get("引进后")
        if isinstance(before, float) and isinstance(after, float):  # as the recruit page says it: from the shown percentages
            return f"{percent_points(after) - percent_points(before):+.1f} 个百分点"
        return f"{value * 100:+.1f} 个百分点"
    return str(figure_text(figure if isinstance(figure, str) else column, value))


def _is_id_column(column: str, rows: Sequence[Mapping[str, Any]], names: Names) -> bool:
    """A column of ids: headed …ID, or every value an id (or a list of ids)."""
    if column.endswith("ID"):
        return True
    values = [row.get(column) for row in rows if row.get(column) not in (None, "", [])]

    def is_id(value: Any) -> bool:
        if isinstance(value, (list, tuple)):
            return all(is_id(item) for item in value)
        return isinstance(value, str) and (ID_PATTERN.fullmatch(value) is not None or (CREDIT_CODE.fullmatch(value) is not None and value in names))

    return bool(values) and all(is_id(value) for value in values)


def readable_rows(rows: Sequence[Mapping[str, Any]], names: Names) -> tuple[list[str], list[list[str]]]:
    """(columns, cells) of ``rows`` for people: ids named, id columns that repeat another column left out."""
    columns: list[str] = []
    for row in rows:
        columns += [name for name in row if name not in columns]
    id_columns = {column for column in columns if _is_id_column(column, rows, names)}
    shown = [{column: named(row.get(column), names) for column in columns} for row in rows]
    kept = []
    for column in columns:
        repeats = column in id_columns and any(
            other != column and other not in id_columns and all(row[column] in (row[other], None) for row in shown)
            for other in columns
        )
        if not repeats:
            kept.append(column)
    return kept, [[_cell(column, row[column], row) for column in kept] for row in shown]


def column_widths(columns: list[str], cells: list[list[str]], width: int = TERMINAL_WIDTH,
                  optional: frozenset[int] = frozenset(), sizes: list[list[int]] | None = None) -> dict[int, int]:
    """The width of each shown column (by position) within ``width``, two spaces between columns.

    No column is narrower than its heading, nor (if wrapped) than ``MIN_WRAPPED``. When the floors
    do not fit, ``optional`` columns (lists of names: the files have them) go first, then columns
    from the right. Each column gets its natural width if all fit; else the spare room goes first to
    the columns that then need not wrap (up to ``UNWRAPPED`` wide: names, statuses), then to the
    longer ones in proportion to what more they would take.

    >>> column_widths(["产品", "说明"], [["电芯", "甲" * 100]], width=40)
    {0: 4, 1: 34}
    >>> column_widths(["产品", "企业", "说明"], [["电芯", "乙" * 40, "甲" * 15]], width=36, optional=frozenset({1}))
    {0: 4, 2: 30}

    ``sizes`` are the cells' widths when already measured (``cell_sizes``).
    """
    sizes = cell_sizes(cells) if sizes is None else sizes
    natural = [max([cell_len(column), *(line[index] for line in sizes)]) for index, column in enumerate(columns)]
    floor = [min(natural[i], max(cell_len(column), MIN_WRAPPED)) for i, column in enumerate(columns)]
    shown = list(range(len(columns)))

    def needed() -> int:
        return sum(floor[i] for i in shown) + COLUMN_GAP * (len(shown) - 1)

    for candidates in (sorted(optional, reverse=True), list(reversed(shown))):
        for index in candidates:
            if needed() <= width or len(shown) == 1:
                break
            if index in shown:
                shown.remove(index)
    room = width - COLUMN_GAP * (len(shown) - 1)
    widths = {i: floor[i] for i in shown}
    spare = room - sum(widths.values())
    for i in sorted((i for i in shown if natural[i] <= UNWRAPPED), key=lambda i: natural[i] - floor[i]):
        grant = min(natural[i] - widths[i], spare)
        widths[i] += grant
        spare -= grant
    longer = [i for i in shown if natural[i] > widths[i]]
    wanted = sum(natural[i] - widths[i] for i in longer)
    for i in longer:
        widths[i] += (natural[i] - widths[i]) * spare // wanted
    return widths


def cell_sizes(cells: list[list[str]]) -> list[list[int]]:
    """The display width of every cell (a CJK character takes two columns), measured once for the
    column widths and the layout.

    >>> cell_sizes([["电芯", "3"]])
    [[4, 1]]
    """
    return [[cell_len(text) for text in line] for line in cells]


def terminal_table(rows: Sequence[Mapping[str, Any]], *, names: Names | None = None, width: int = TERMINAL_WIDTH) -> str:
    """``rows`` as a text table at most ``width`` columns wide (see the module's description)."""
    if not rows:
        return NO_RESULTS + "\n"
    total = len(rows)
    rows = rows[:ROW_LIMIT]
    columns, cells = readable_rows(rows, {} if names is None else names)
    lists = frozenset(index for index, column in enumerate(columns) if any(isinstance(row.get(column), (list, tuple)) for row in rows))
    sizes = cell_sizes(cells)
    widths = column_widths(columns, cells, width, lists, sizes)
    right = {index: all(_looks_numeric(line[index]) for line in cells) for index in widths}
    console = Console(width=width, color_system=None, force_terminal=False, legacy_windows=False,
                      highlight=False, emoji=False, markup=False)
    lines = table_lines(columns, cells, widths, right, console, sizes)
    buffer = io.StringIO()
    console.file = buffer
    if total > len(rows):
        console.print(f"（共 {total:,} 行，此处显示前 {len(rows)} 行；用 --format csv、json 或 xlsx 可得全部行）")
    left_out = [column for index, column in enumerate(columns) if index not in widths]
    if left_out:  # wrapped to the width like the table
        console.print(f"（另有 {len(left_out)} 列未显示：{'、'.join(left_out)}；用 --format csv、json 或 xlsx 可得全部列）")
    lines += buffer.getvalue().splitlines()
    return "\n".join(line.rstrip() for line in lines if line.strip()) + "\n"


def table_lines(columns: list[str], cells: list[list[str]], widths: dict[int, int], right: dict[int, bool],
                console: Console, sizes: list[list[int]] | None = None) -> list[str]:
    """The lines of the table — headings, a rule, the rows — laid out as rich's ``Table`` (box
    ``SIMPLE_HEAD``, no edge, ``COLUMN_GAP`` between columns, cells folded to their column's width)
    would lay them out, but with each cell's width measured once (``sizes``): a cell that fits its
    column is padded as rich pads it, only a longer one (or one holding a tab, a line break or a
    control character) is wrapped by rich's own ``Text.wrap``, and the lines are joined here. rich's
    table machinery measured every cell again in several passes and took a fifth of a ``risks
    --chain`` run. Tables whose columns rich would narrow (wider than the console, or a column under
    2 cells) go through rich's ``Table`` itself (``rich_table_lines``).

    >>> for line in table_lines(["产品", "数量"], [["电芯", "3"]], {0: 4, 1: 4}, {0: False, 1: True}, Console(width=20)):
    ...     print(line)
    产品  数量
    ──────────
    电芯     3
    """
    shown = list(widths)
    if min(widths.values()) < 2 or sum(widths.values()) + COLUMN_GAP * (len(shown) - 1) > console.width:
        return rich_table_lines(columns, cells, widths, right, console)
    gap = " " * COLUMN_GAP
    sizes = cell_sizes(cells) if sizes is None else sizes

    def block(text: str, size: int, index: int) -> list[str]:
        width = widths[index]
        if size <= width and not _REWRAPPED.search(text):  # one line, padded as rich's Lines.justify pads it
            if not right[index]:
                return [text + " " * (width - size)]
            if not text[-1:].isspace():
                return [" " * (width - size) + text]
        wrapped = Text(text).wrap(console, width, justify="right" if right[index] else "left", overflow="fold")
        return [line.plain for line in wrapped]

    lines: list[str] = []
    headings = [(columns[index], cell_len(columns[index])) for index in shown]
    for row in [headings, *([(line[index], size[index]) for index in shown] for line, size in zip(cells, sizes, strict=True))]:
        blocks = [block(text, size, index) for (text, size), index in zip(row, shown, strict=True)]
        height = max(len(lines_of_cell) for lines_of_cell in blocks)
        for number in range(height):
            lines.append(gap.join(cell[number] if number < len(cell) else " " * widths[index]
                                  for cell, index in zip(blocks, shown, strict=True)))
        if not lines[1:]:  # after the headings: the rule
            lines.append("─" * (sum(widths.values()) + COLUMN_GAP * (len(shown) - 1)))
    return lines


def rich_table_lines(columns: list[str], cells: list[list[str]], widths: dict[int, int], right: dict[int, bool],
                     console: Console, sizes: list[list[int]] | None = None) -> list[str]:
    """The same lines through rich's ``Table`` (the reference ``table_lines`` is tested against;
    ``sizes`` is not needed: rich measures the cells itself)."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 0, 0, COLUMN_GAP - 1), header_style="")
    for index, size in widths.items():
        table.add_column(columns[index], width=size, overflow="fold", justify="right" if right[index] else "left")
    for line in cells:
        table.add_row(*(line[index] for index in widths))
    with console.capture() as capture:
        console.print(table)
    return capture.get().splitlines()


def _looks_numeric(text: str) -> bool:
    return text == "" or re.fullmatch(r"[-+]?[\d,]+(\.\d+)?%?", text) is not None

"""How figures and name lists look wherever a person reads them — pages, CLI tables, Excel: the one
number format of ChainAtlas, and shortened name lists.

The rules (the web, the CLI and the Excel downloads all use these functions; keep their names):

* ``percent``: a share 0–1 as a percentage with one decimal (``45.7%``);
* ``yuan_yi``: an amount in 亿元 with thousands separators and one decimal (``1,783.8``);
* ``count``: a count as an integer with thousands separators (``3,000``);
* ``readable_number``: any other figure (scores, HHI) without scientific notation;
* ``figure_text(column, value)``: one of the above, chosen by the column's Chinese label
  (``is_share_column``, ``is_yi_column``) — what a table cell shows;
* ``excel_number_format(column, values)``: the same rule as an Excel number format, so a download
  shows what the page shows while the cell keeps the exact value.

>>> percent(0.4567), yuan_yi(1783.84), count(3000), rounded(0.123456), shortened(["甲", "乙", "丙"], limit=2)
('45.7%', '1,783.8', '3,000', 0.1235, ['甲', '乙', '…等3家'])
>>> figure_text("本地配套率", 0.1564), figure_text("本地营收(亿元)", 27950.31), figure_text("本地企业数", 12)
('15.6%', '27,950.3', '12')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, overload

SHARE_SUFFIXES = ("率", "占比", "比例", "增速")
SHARE_COLUMNS = frozenset({"完整度", "韧性"})
YI_MARK = "亿元"
AMOUNT_MARKS = (YI_MARK, "万元")
EXCEL_SHARE, EXCEL_AMOUNT, EXCEL_COUNT = "0.0%", "#,##0.0", "#,##0"


def name_list(names: Mapping[str, str], ids: Sequence[str]) -> list[str]:
    """The names of ``ids`` for a result cell, all of them (exports and the API keep every name;
    screens shorten long lists with ``shortened``).

    >>> name_list({"a": "甲", "b": "乙"}, ["a", "b", "c"])
    ['甲', '乙', 'c']
    """
    return [names.get(i, i) for i in ids]


def shortened(items: Sequence[Any], limit: int = 10) -> list[Any]:
    """The first ``limit`` items of a long list, then "…等N家" — for screens, not for exports.

    >>> shortened(["甲", "乙", "丙"], limit=2)
    ['甲', '乙', '…等3家']
    """
    items = list(items)
    return items[:limit] + [f"…等{len(items)}家"] if len(items) > limit else items


def percent(value: float | None, digits: int = 1) -> str:
    """A share as a percentage string; '—' for None.

    >>> percent(0.4567), percent(None)
    ('45.7%', '—')
    """
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def percent_points(value: float) -> float:
    """The share as the number ``percent`` shows it: thresholds compare this, so a figure and the
    verdict beside it never disagree (0.29996 shows as 30.0% and is not below 30%).

    >>> percent_points(0.29996), percent_points(0.2996), percent_points(0.3)
    (30.0, 30.0, 30.0)
    """
    return float(f"{value * 100:.1f}")


@overload
def rounded(value: float, digits: int = 4) -> float: ...


@overload
def rounded(value: None, digits: int = 4) -> None: ...


@overload
def rounded(value: float | None, digits: int = 4) -> float | None: ...


def rounded(value: float | None, digits: int = 4) -> float | None:
    """``value`` rounded for result rows (None stays None)."""
    return None if value is None else round(float(value), digits)


def readable_number(value: float) -> str:
    """A figure with no unit rule of its own: whole numbers without ``.0``; ≥ 100 with one decimal;
    ≥ 1 with two; smaller with four significant digits; thousands separators, never 1e-05.

    >>> [readable_number(v) for v in (27950.31, 139458.0, 12.3456, 0.37612, 0.0, -38.1, float("nan"))]
    ['27,950.3', '139,458', '12.35', '0.3761', '0', '-38.1', '—']
    """
    if not math.isfinite(value):
        return "—"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    size = abs(value)
    if size >= 100:
        return f"{value:,.1f}"
    if size >= 1:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:.4g}"


def yuan_yi(value: float | None) -> str:
    """An amount in 亿元: thousands separators, one decimal; '—' for None (the unit is in the heading).

    >>> yuan_yi(4496.25), yuan_yi(3000), yuan_yi(None)
    ('4,496.2', '3,000.0', '—')
    """
    return "—" if value is None else f"{value:,.1f}"


def count(value: int | float | None) -> str:
    """A count as an integer with thousands separators; '—' for None.

    >>> count(1917), count(3.0), count(None)
    ('1,917', '3', '—')
    """
    return "—" if value is None else f"{round(value):,}"


def is_share_column(column: str) -> bool:
    """Columns holding a share 0–1 (本地配套率, 境外采购占比, 韧性, 尚需年均增速 …): shown as a percentage.

    >>> is_share_column("本地配套率"), is_share_column("最大供应商占比"), is_share_column("供应商HHI")
    (True, True, False)
    """
    return column.endswith(SHARE_SUFFIXES) or column in SHARE_COLUMNS


def is_yi_column(column: str) -> bool:
    """Columns holding an amount in 亿元 (营收(亿元), 2026目标(亿元) …).

    >>> is_yi_column("受影响营收(亿元)"), is_yi_column("本地企业数")
    (True, False)
    """
    return YI_MARK in column


def figure_text(column: str, value: Any) -> Any:
    """A number as a table cell of ``column`` shows it (see the module's rules); anything else unchanged.

    >>> figure_text("完成率", 1.14), figure_text("总分", 65.0), figure_text("供应商HHI", 0.37612), figure_text("企业", "甲")
    ('114.0%', '65', '0.3761', '甲')
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if is_share_column(column):
        return percent(value)
    if is_yi_column(column):
        return yuan_yi(value)
    if isinstance(value, int):
        return count(value)
    return readable_number(value)


def excel_number_format(column: str, values: Iterable[Any]) -> str | None:
    """The Excel number format of a column headed ``column`` holding ``values``: shares as ``0.0%``,
    amounts in 亿元/万元 as ``#,##0.0``, whole numbers as ``#,##0`` (not years); None: General.

    >>> excel_number_format("本地配套率", [0.1]), excel_number_format("营收(亿元)", [3.5]), excel_number_format("本地企业数", [1, 2])
    ('0.0%', '#,##0.0', '#,##0')
    >>> excel_number_format("基准年", [2025]), excel_number_format("总分", [55.0, 60]), excel_number_format("企业", ["甲"])
    (None, None, None)
    """
    if is_share_column(column):
        return EXCEL_SHARE
    if any(mark in column for mark in AMOUNT_MARKS):
        return EXCEL_AMOUNT
    numbers = [value for value in values if isinstance(value, (int, float)) and not isinstance(value, bool)]
    if numbers and all(isinstance(value, int) for value in numbers) and not column.endswith("年"):
        return EXCEL_COUNT
    return None

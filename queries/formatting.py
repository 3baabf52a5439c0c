"""How figures and name lists look in result rows: percentages, rounding, shortened lists.

>>> percent(0.4567), rounded(0.123456), shortened(["甲", "乙", "丙"], limit=2)
('45.7%', 0.1235, ['甲', '乙', '…等3家'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, overload


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

"""Numbers as people read them in result tables: thousands separators, no scientific notation.

>>> [readable_number(v) for v in (27950.31, 139458.0, 12.3456, 0.37612, 0.0, -38.1)]
['27,950.3', '139,458', '12.35', '0.3761', '0', '-38.1']
"""

from __future__ import annotations

import math


def readable_number(value: float) -> str:
    """Whole numbers without ``.0``; ≥ 100 with one decimal; ≥ 1 with two; smaller with four significant digits."""
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

"""What the import's fast lanes (``loaders.supply_lane``, ``loaders.enterprise_lane``) share: a
column's cells decided once per distinct value, and which rows are plain as a whole.

A decision that says anything (an error or a warning) is UNSURE: the row goes through the row path,
which says it in its own words.

>>> from loaders.cells import cell_number
>>> number = decided(lambda cell, said: cell_number(cell, complaint(said), low=0))
>>> number("12"), number("-1") is UNSURE, number("") is None
(12.0, True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from loaders.cells import cell_text, is_example, is_total_or_note
from loaders.csv_columns import CsvColumns
from loaders.names import split_list
from loaders.spreadsheet_cells import CONTROL_CHARACTER
from loaders.table_plans import TablePlan

UNSURE: Any = object()  # a cell the fast lane is not certain about: its row takes the row path


def decided(decide: Callable[[Any, list[Any]], Any]) -> Callable[[Any], Any]:
    """``decide(cell, said)`` once per distinct cell; UNSURE when it said anything (an error or a warning)."""
    memo: dict[Any, Any] = {}

    def value(cell: Any) -> Any:
        try:
            return memo[cell]
        except KeyError:
            said: list[Any] = []
            found = decide(cell, said)
            memo[cell] = found = UNSURE if said else found
            return found

    return value


def complaint(said: list[Any]) -> Callable[..., None]:
    """A ``complain`` that only records that something was said."""
    return lambda *problem: said.append(problem)


def is_blank(cell: Any) -> bool:
    """A cell every parser reads as empty."""
    return not split_list(cell) and cell_text(cell) is None


_plain_first = decided(lambda cell, said: bool(cell_text(cell)) and not is_example(cell) and not is_total_or_note(cell))
_blank = decided(lambda cell, said: is_blank(cell))


def plain_rows(plan: TablePlan, chunk: CsvColumns, by_field: dict[str, list[str]], blank_only: Iterable[str]) -> list[bool]:
    """Per row of ``chunk``: the row as a whole is plain — its first cell, in the first column, is an
    ordinary filled one (not an example, a total or a note: then it is the row's first filled cell),
    the fields ``blank_only`` are empty, no imported cell holds a control character."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if 0 not in plan.mapping:  # the row's first filled cell may be in a column not imported
        return [False] * len(chunk.numbers)
    ok = [_plain_first(cell) is True for cell in chunk.cells[0]]
    for name in blank_only:
        if name in by_field:
            ok = [good and _blank(cell) is True for good, cell in zip(ok, by_field[name], strict=True)]
    for column in by_field.values():
        flagged = pc.match_substring_regex(pa.array(column, pa.string()), CONTROL_CHARACTER.pattern)
        for i in pc.indices_nonzero(flagged).to_pylist():
            ok[i] = False
    return ok

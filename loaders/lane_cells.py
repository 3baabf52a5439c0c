"""What the import's fast lanes (``loaders.supply_lane``, ``loaders.enterprise_lane``) share: a
column's cells decided once per distinct value, and which rows are plain as a whole.

A decision that says anything (an error or a warning) is UNSURE: the row goes through the row path,
which says it in its own words.

>>> from loaders.cells import cell_number
>>> number = Decided(lambda cell, said: cell_number(cell, complaint(said), low=0))
>>> number("12"), number("-1") is UNSURE, number("") is None
(12.0, True, True)
>>> number.column(["12", "3", "12"])
[12.0, 3.0, 12.0]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from loaders.cells import cell_text, is_example, is_total_or_note
from loaders.csv_columns import CsvColumns
from loaders.names import split_list
from loaders.spreadsheet_cells import CONTROL_CHARACTER

if TYPE_CHECKING:
    from loaders.row_context import RowContext
from loaders.table_plans import TablePlan


class LaneReader(Protocol):
    """What a fast lane takes of ``loaders.importer.RowReader`` (which builds the lanes; named here
    so that the lanes need not import the importer that imports them)."""

    context: RowContext
    name_keys: dict[str, str] | None

UNSURE: Any = object()  # a cell the fast lane is not certain about: its row takes the row path


class Decided:
    """``decide(cell, said)`` once per distinct cell; UNSURE when it said anything (an error or a warning).

    Called with one cell, or ``column(cells)`` for a whole column (the distinct cells decided first,
    then every cell looked up at C speed)."""

    def __init__(self, decide: Callable[[Any, list[Any]], Any], *, remember: bool = True) -> None:
        self.decide = decide
        self.remember = remember  # False for a column of distinct values (names, codes): nothing to reuse, memory saved
        self.memo: dict[Any, Any] = {}

    def _decide(self, cell: Any) -> Any:
        said: list[Any] = []
        found = self.decide(cell, said)
        found = UNSURE if said else found
        if self.remember:
            self.memo[cell] = found
        return found

    def __call__(self, cell: Any) -> Any:
        try:
            return self.memo[cell]
        except KeyError:
            return self._decide(cell)

    def column(self, cells: list[Any]) -> list[Any]:
        if not self.remember:
            return list(map(self._decide, cells))
        for cell in set(cells).difference(self.memo):
            self._decide(cell)
        return list(map(self.memo.__getitem__, cells))


class PlainRows:
    """Which rows of a table are plain as a whole (``__call__``), its first cells decided once each."""

    def __init__(self, plan: TablePlan, blank_only: Iterable[str]) -> None:
        self.plan, self.blank_only = plan, tuple(blank_only)
        self.first = Decided(lambda cell, said: bool(cell_text(cell)) and not is_example(cell) and not is_total_or_note(cell),
                             remember=False)
        self.blank = Decided(lambda cell, said: is_blank(cell))

    def __call__(self, chunk: CsvColumns, by_field: dict[str, list[str]]) -> list[bool]:
        return plain_rows(self.plan, chunk, by_field, self.blank_only, self.first, self.blank)


def complaint(said: list[Any]) -> Callable[..., None]:
    """A ``complain`` that only records that something was said."""
    return lambda *problem: said.append(problem)


def is_blank(cell: Any) -> bool:
    """A cell every parser reads as empty."""
    return not split_list(cell) and cell_text(cell) is None


def plain_rows(plan: TablePlan, chunk: CsvColumns, by_field: dict[str, list[str]], blank_only: Iterable[str],
               first: Decided, blank: Decided) -> list[bool]:
    """Per row of ``chunk``: the row as a whole is plain — its first cell, in the first column, is an
    ordinary filled one (not an example, a total or a note: then it is the row's first filled cell),
    the fields ``blank_only`` are empty, no imported cell holds a control character (``first`` and
    ``blank`` decide a first cell and an empty one)."""
    if 0 not in plan.mapping:  # the row's first filled cell may be in a column not imported
        return [False] * len(chunk.numbers)
    ok = [plain is True for plain in first.column(chunk.cells[0])]
    for name in blank_only:
        if name in by_field:
            ok = [good and empty is True for good, empty in zip(ok, blank.column(by_field[name]), strict=True)]
    for column in by_field.values():
        if CONTROL_CHARACTER.search("\n".join(column)):  # one search a column; the cells only when it finds one
            for i, cell in enumerate(column):
                if CONTROL_CHARACTER.search(cell):
                    ok[i] = False
    return ok

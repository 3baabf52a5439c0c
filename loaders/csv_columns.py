"""A plain CSV table read column by column, for the import's fast lane.

Only a table whose cells the row reader (``loaders.tabular``, Python's ``csv``) would read the same
way is read here: UTF-8, the header on the first line, and *plain* (``loaders.csv_plain``: no double
quote anywhere in the data, so a line splits at every delimiter, as ``csv`` splits it; every line as
wide as the header, one record per physical line, so row *n* of the columns is line *n* + 2 of the
file; no line near the length limit). Anything else gives None and the table is read row by row, as before.

The lines are split with ``str.split``, a block of the file at a time. ``pyarrow.csv`` was tried
first (issue 17 item 5) and is no faster here, but importing pyarrow adds ≈ 45 MB to the process,
which took the 200,000-row validation past its 200 MB bound (``docs/benchmarks.md``).

>>> import tempfile, pathlib
>>> from loaders.tabular import read_tables
>>> path = pathlib.Path(tempfile.mkdtemp()) / "供应.csv"
>>> _ = path.write_text("供应方,采购方\\n甲,乙\\n, \\n丙,丁\\n", encoding="utf-8-sig")
>>> [(chunk.numbers, chunk.cells[1]) for chunk in read_columns(read_tables(path)[0])]
[([2, 4], ['乙', '丁'])]
>>> _ = path.write_text('供应方,采购方\\n"甲,乙",丙\\n', encoding="utf-8")
>>> read_columns(read_tables(path)[0]) is None
True
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from loaders.csv_plain import data_lines, filled, plain_rows
from loaders.tabular import CSV_SUFFIXES, MAX_CSV_LINE_CHARS, Table, csv_delimiter

UTF8 = ("utf-8-sig",)  # what detect_encoding calls UTF-8, with or without a byte-order mark


@dataclass
class CsvColumns:
    """Data rows of a table as columns: ``cells[column][i]`` is the cell of row ``numbers[i]``
    (blank rows left out, as the row reader leaves them out)."""

    numbers: list[int]
    cells: list[list[str]]


def read_columns(table: Table) -> Iterator[CsvColumns] | None:
    """The table's cells column by column, a chunk of rows at a time, or None when it is not a plain
    CSV table (module docstring). The file is checked whole before the first chunk is given (when
    ``read_tables`` has not checked it already: ``Table.plain``)."""
    path = table.path
    if path is None or table.sheet is not None or table.header_row != 1 or table.encoding not in UTF8 \
            or path.suffix.lower() not in CSV_SUFFIXES or not table.header:
        return None
    delimiter = csv_delimiter(path, table.encoding)
    if not table.plain and plain_rows(path, table.encoding, delimiter, len(table.header), MAX_CSV_LINE_CHARS) is None:
        return None
    return _chunks(path, table.encoding, delimiter)


def _chunks(path: Path, encoding: str, delimiter: str) -> Iterator[CsvColumns]:
    number = 2
    for lines in data_lines(path, encoding, MAX_CSV_LINE_CHARS):
        numbers, rows = [], []
        for line in lines:
            if filled(line, delimiter):  # the row reader skips a row of blank cells, its number kept by the others
                numbers.append(number)
                rows.append(line.split(delimiter))
            number += 1
        if rows:
            yield CsvColumns(numbers, [list(column) for column in zip(*rows, strict=True)])

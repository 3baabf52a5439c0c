"""A plain CSV table read column by column at once (``pyarrow.csv``), for the import's fast lane.

Only a table whose cells the row reader (``loaders.tabular``, Python's ``csv``) would read the same
way is read here: UTF-8, the header on the first line, no double quote anywhere in the data (so a
line splits at every delimiter, as ``csv`` splits it), every line as wide as the header (one record
per physical line, so row *n* of the columns is line *n* + 2 of the file), no line near the length
limit. Anything else gives None and the table is read row by row, as before.

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

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.tabular import CSV_SUFFIXES, MAX_CSV_LINE_CHARS, Table, csv_delimiter

UTF8 = ("utf-8-sig",)
BLANKISH = r"^[\s\x0b\x1c-\x1f\x85\p{Z}]*$"  # RE2: every character Python's str.strip removes, and more  # what detect_encoding calls UTF-8, with or without a byte-order mark


@dataclass
class CsvColumns:
    """Data rows of a table as columns: ``cells[column][i]`` is the cell of row ``numbers[i]``
    (blank rows left out, as the row reader leaves them out)."""

    numbers: list[int]
    cells: list[list[str]]


BLOCK_BYTES = 1 << 20  # bytes of the file per chunk of columns: a chunk's cells, as Python strings, take ~10× that


def read_columns(table: Table) -> Iterator[CsvColumns] | None:
    """The table's cells column by column, a chunk of rows at a time, or None when it is not a plain
    CSV table (module docstring). The file is checked whole before the first chunk is given."""
    path = table.path
    if path is None or table.sheet is not None or table.header_row != 1 or table.encoding not in UTF8 \
            or path.suffix.lower() not in CSV_SUFFIXES or not table.header:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    width = len(table.header)
    delimiter = csv_delimiter(path, table.encoding)
    try:
        for batch in _batches(path, width, delimiter):
            longest = 0
            for column in batch.columns:
                if len(column) and pc.any(pc.match_substring(column, '"')).as_py():
                    return None  # quoting: Python's csv reads it, not a plain split
                longest += (pc.max(pc.utf8_length(column)).as_py() or 0) if len(column) else 0
            if longest + width >= MAX_CSV_LINE_CHARS:
                return None
    except (pa.ArrowInvalid, OSError, _NotPlain):  # a line of another width, a blank line: the row reader decides
        return None
    return _chunks(path, width, delimiter)


class _NotPlain(Exception):
    """The file is not plain after all (a line without end): the row reader decides."""


def _batches(path: Path, width: int, delimiter: str) -> Iterator[Any]:
    """The file's data lines as pyarrow record batches of ``width`` text columns, split at every
    delimiter: the lines after the header, ``BLOCK_BYTES`` at a time cut after a line break, each
    block parsed on its own (so only one block's columns are in memory)."""
    import io

    import pyarrow as pa
    from pyarrow import csv as pacsv

    names = [f"c{index}" for index in range(width)]
    read_options = pacsv.ReadOptions(column_names=names, use_threads=False, block_size=2 * BLOCK_BYTES)
    parse_options = pacsv.ParseOptions(delimiter=delimiter, quote_char=False, double_quote=False, escape_char=False,
                                       newlines_in_values=False, ignore_empty_lines=False)
    convert_options = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                           strings_can_be_null=False, quoted_strings_can_be_null=False)
    longest = 4 * MAX_CSV_LINE_CHARS  # bytes: a line of that many characters, at most
    with path.open("rb") as handle:
        header = handle.readline(longest)
        if not header.endswith(b"\n") or b"\r" in header[:-2]:  # the header ends at the first line feed
            raise _NotPlain
        rest = b""
        while block := handle.read(BLOCK_BYTES):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            if len(rest) > longest:
                raise _NotPlain
            if cut:
                yield pacsv.read_csv(io.BytesIO(block[:cut]), read_options, parse_options, convert_options)
        if rest:
            yield pacsv.read_csv(io.BytesIO(rest), read_options, parse_options, convert_options)


def _chunks(path: Path, width: int, delimiter: str) -> Iterator[CsvColumns]:
    import pyarrow.compute as pc

    first = 2
    for batch in _batches(path, width, delimiter):
        if not batch.num_rows:
            continue
        cells = [column.to_pylist() for column in batch.columns]
        numbers = list(range(first, first + batch.num_rows))
        first += batch.num_rows
        # rows that may be blank: every cell of spaces (a superset of what str.strip removes), checked as Python does
        maybe = functools.reduce(pc.and_, [pc.match_substring_regex(column, BLANKISH) for column in batch.columns])
        blank = {i for i in pc.indices_nonzero(maybe).to_pylist() if not any(column[i].strip() for column in cells)}
        if blank:  # the row reader skips a row of blank cells, its number kept by the others
            keep = [i for i in range(batch.num_rows) if i not in blank]
            numbers = [numbers[i] for i in keep]
            cells = [[column[i] for i in keep] for column in cells]
        yield CsvColumns(numbers, cells)

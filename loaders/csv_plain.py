"""Whether a CSV file is *plain* — read the same by splitting lines at the delimiter as by Python's
``csv`` — and how many data rows it has, in one pass of string operations (issue 17, item 5).

Plain: every line shorter than the line limit, no double quote, no NUL, no cell past ``csv``'s
field limit, every line with a non-blank cell as wide as the header. Python's ``csv`` reads such a
file without an error, one record per physical line, so its data rows are its non-blank lines
after the header. ``loaders.tabular`` counts a plain file's rows this way instead of a pass of
``csv`` (the count the progress bar shows), and ``loaders.csv_columns`` reads only plain files.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "供应.csv"
>>> _ = path.write_text("供应方,采购方\\n甲,乙\\n, \\n丙,丁\\n", encoding="utf-8-sig")
>>> plain_rows(path, "utf-8-sig", ",", 2, 1 << 20)
2
>>> _ = path.write_text('供应方,采购方\\n"甲,乙",丙\\n', encoding="utf-8")
>>> plain_rows(path, "utf-8-sig", ",", 2, 1 << 20) is None
True
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

BLOCK_CHARS = 1 << 18  # characters of the file per block of lines (≈ 2,500 rows: their cells take a few MB)


class NotPlain(Exception):
    """The file is not plain after all (a line without end): the row reader decides."""


def plain_rows(path: Path, encoding: str, delimiter: str, width: int, max_line: int) -> int | None:
    """The number of data rows of the file at ``path`` (header on its first line, ``width`` cells),
    or None when it is not plain (module docstring); ``max_line``: the row reader's line limit."""
    limit = csv.field_size_limit()  # a longer cell is an error of Python's csv: the row reader says so
    rows = 0
    try:
        for lines in data_lines(path, encoding, max_line):
            if any('"' in line or "\x00" in line or len(line) >= max_line - 1 for line in lines):
                return None  # quoting, a NUL, a line near the limit: Python's csv decides
            if any(len(line) > limit and max(map(len, line.split(delimiter))) > limit for line in lines):
                return None
            for line in lines:
                if filled(line, delimiter):
                    if line.count(delimiter) != width - 1:
                        return None  # a row of another width: the row reader decides
                    rows += 1
    except NotPlain:
        return None
    return rows


def filled(line: str, delimiter: str) -> bool:
    """A line some cell of which is not blank (a row the row reader reads)."""
    return bool(line.replace(delimiter, "").strip())


def data_lines(path: Path, encoding: str, max_line: int) -> Iterator[list[str]]:
    """The file's data lines (after the header), ``BLOCK_CHARS`` at a time, each block cut after a
    line feed; lines end at a line feed, a carriage return or both, as Python's ``csv`` reads them.
    NotPlain when the header or a line has no end within ``max_line`` characters."""
    with path.open(encoding=encoding, newline="") as handle:
        header = handle.readline(max_line)
        if not header.endswith(("\n", "\r")):
            raise NotPlain
        rest = ""  # readline keeps a carriage return and line feed together
        while block := handle.read(BLOCK_CHARS):
            block = rest + block
            cut = block.rfind("\n") + 1
            rest = block[cut:]
            if len(rest) > max_line:
                raise NotPlain
            if cut:
                yield block[:cut].replace("\r\n", "\n").replace("\r", "\n").split("\n")[:-1]
        if rest:
            lines = rest.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            yield lines[:-1] if lines[-1] == "" else lines

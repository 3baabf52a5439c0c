"""Read users' files as tables: CSV (UTF-8 with or without BOM, UTF-16/32 with BOM, GBK/GB18030, Big5,
Shift-JIS — see ``detect_encoding``), XLSX and JSON.

A file becomes one or more :class:`Table` objects (one per XLSX sheet, one per JSON list). A
table's rows can be iterated more than once (the importer validates a whole file before writing
anything and reads it again to write), and rows stream: a large file is never held in memory.
Problems with the file itself (unknown encoding, corrupt XLSX, empty file) raise
:class:`FileReadError`, which names the file and, where known, the sheet and row. So do files beyond
the limits below, which would otherwise cost minutes or gigabytes (many sheets or columns, a
decompression bomb, a huge JSON file, a CSV line without end).

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "企业.csv"
>>> _ = path.write_bytes("企业名称,营业收入(亿元)\\n南昌甲有限公司,1.5\\n".encode("gb18030"))
>>> [table] = read_tables(path)
>>> table.encoding, table.header, list(table.rows())
('gb18030', ['企业名称', '营业收入(亿元)'], [(2, ['南昌甲有限公司', '1.5'])])
"""

from __future__ import annotations

import codecs
import csv
import functools
import json
import re
import weakref
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from graph_schema.errors import ChainAtlasError
from loaders.csv_plain import plain_rows

RowIterator = Iterator[tuple[int, list[Any]]]
LEGACY_ENCODINGS = ("gb18030", "big5", "shift_jis")  # GB18030 ⊃ GBK ⊃ GB2312; Big5 (台湾、香港); Shift-JIS (日本)
BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF8, "utf-8-sig"),
)
UNSUPPORTED_ENCODINGS = {"euc_kr": "EUC-KR（韩文）", "cp1252": "Windows-1252（西文）"}
MAX_CHAOS = 0.1  # charset-normalizer's share of "messy" characters above which a guess is refused
_CODEC_NAMES = {"gb18030": "gb18030", "big5": "big5", "shift_jis": "shift_jis", "cp932": "shift_jis"}
_BLOCK = 1 << 20
CSV_SUFFIXES = (".csv", ".tsv", ".txt")  # read as delimited text (tab or comma, whichever the header has more of)
READABLE_SUFFIXES = (*CSV_SUFFIXES, ".xlsx", ".xlsm", ".json")
SUPPORTED_TEXT = ".csv、.tsv、.txt、.xlsx、.json"
HEADER_SCAN_ROWS = 10  # a header may sit under a title and notes, within the first rows that hold text
MAX_SHEETS = 50  # worksheets in one XLSX; every sheet is read on every pass
MAX_COLUMNS = 256  # header columns (CSV, XLSX; distinct JSON keys) and cells in one CSV row
MAX_CSV_LINE_CHARS = 1 << 20  # characters in one physical CSV line, read no further than this
MAX_XLSX_UNCOMPRESSED_MB = 500  # all parts of an XLSX unpacked (decompression bombs)
MAX_XLSX_MEMBER_MB = 300  # one part of an XLSX unpacked (openpyxl holds sharedStrings.xml whole)
MAX_JSON_MB = 50  # a JSON file, which is parsed whole in memory


class FileReadError(ChainAtlasError):
    """A file that cannot be read as a table at all; nothing of it is imported."""

    def __init__(self, file: str, reason: str, *, sheet: str | None = None, row: int | None = None) -> None:
        super().__init__(f"{file}{'#' + sheet if sheet else ''}{f' 第{row}行' if row else ''}: {reason}")
        self.file, self.sheet, self.row, self.reason = file, sheet, row, reason


@dataclass
class Table:
    """Rows of one CSV file, XLSX sheet or JSON list, with the header as written in the file.

    ``rows()`` yields ``(row number as the user sees it, cells)``; it can be called again.
    """

    file: str
    sheet: str | None
    header: list[str]
    rows: Callable[[], RowIterator]
    header_row: int = 1
    encoding: str | None = None
    total: int | None = None
    path: Path | None = None
    kind_hint: str | None = None
    notes: list[str] = field(default_factory=list)
    hidden: bool = False  # an XLSX sheet hidden in Excel (often an old copy or a drop-down list)
    plain: bool = False  # a CSV file checked plain when read (loaders.csv_plain): its cells may be read by splitting lines

    def where(self, row: int | None = None) -> str:
        """``file#sheet!row`` (the provenance format; ``file!row`` when there is no sheet)."""
        place = f"{self.file}#{self.sheet}" if self.sheet else self.file
        return f"{place}!{row}" if row is not None else place


def read_tables(path: str | Path) -> list[Table]:
    """The tables in a CSV/TSV, XLSX or JSON file (chosen by extension, checked by content)."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise FileReadError(name, f"文件不存在：{path}")
    if path.stat().st_size == 0:
        raise FileReadError(name, "文件为空（0 字节）")
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        head = handle.read(8)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_tables(path)
    if suffix == ".xls":
        raise FileReadError(name, "不支持旧版 .xls 格式；请在 Excel 中另存为 .xlsx 或 CSV UTF-8")
    if head.startswith(b"PK\x03\x04"):
        raise FileReadError(name, "这是一个 ZIP/XLSX 文件而扩展名不是 .xlsx；请改用 .xlsx 扩展名")
    if suffix == ".json":
        return _json_tables(path)
    if suffix in CSV_SUFFIXES:
        return [_csv_table(path)]
    raise FileReadError(name, f"不支持的文件类型 {suffix or '（无扩展名）'}；支持 {SUPPORTED_TEXT}")


# -- CSV -------------------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """The encoding of a text file: UTF-8/16/32 by their byte-order mark, UTF-8 when the whole file
    decodes as UTF-8, else the one of GB18030, Big5 and Shift-JIS that charset-normalizer finds
    (``LEGACY_ENCODINGS``), checked to decode the whole file.

    Raises FileReadError when none fits or the choice is unsure (never guesses into mojibake),
    naming what was tried.
    """
    name = path.name
    with path.open("rb") as handle:
        head = handle.read(_BLOCK)
    for bom, encoding in BOMS:
        if head.startswith(bom):
            problem = _decode_problem(path, encoding)
            if problem is not None:
                raise FileReadError(name, f"文件开头标明为 {encoding.upper()} 编码，但{problem}；文件可能已损坏")
            return encoding
    if b"\x00" in head:
        raise FileReadError(name, "文件含有 NUL 字节，不是文本 CSV（可能是二进制文件，或不带字节顺序标记的 UTF-16/UTF-32 编码）")
    utf8_problem = _decode_problem(path, "utf-8-sig")
    if utf8_problem is None:
        return "utf-8-sig"
    from charset_normalizer import from_path

    # Unsupported look-alikes compete too, so Korean or Western text is named, not read as Chinese mojibake.
    best = from_path(path, cp_isolation=[*LEGACY_ENCODINGS, *UNSUPPORTED_ENCODINGS]).best()
    advice = "。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”"
    if best is not None and best.encoding in UNSUPPORTED_ENCODINGS:
        raise FileReadError(name, f"无法识别文件编码：按 UTF-8 解码{utf8_problem}；文件像是 {UNSUPPORTED_ENCODINGS[best.encoding]} 编码，"
                                  f"也不像 GB18030/GBK、Big5 或 Shift-JIS 文本{advice}")
    found = _CODEC_NAMES.get(best.encoding) if best is not None else None
    if found is None or best is None or best.chaos > MAX_CHAOS or _decode_problem(path, found) is not None:
        raise FileReadError(name, f"无法识别文件编码：按 UTF-8 解码{utf8_problem}；也不像 GB18030/GBK、Big5 或 Shift-JIS 文本{advice}")
    return found


def _decode_problem(path: Path, encoding: str) -> str | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = lines = 0
    with path.open("rb") as handle:
        while True:
            block = handle.read(_BLOCK)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                if not block:  # the end of the file, inside a character: cut off
                    return f"文件末尾不完整（最后一个字符只剩 {len(exc.object) - exc.start} 个字节，像是被截断）"
                position = exc.start
                line = lines + block.count(b"\n", 0, max(position, 0)) + 1
                byte = block[position : position + 1].hex().upper() if 0 <= position < len(block) else "?"
                return f"在第{line}行（第{offset + position + 1}字节，0x{byte}）出错"
            if not block:
                return None
            offset += len(block)
            lines += block.count(b"\n")


def _csv_table(path: Path) -> Table:
    encoding = detect_encoding(path)
    name = path.name
    delimiter = csv_delimiter(path, encoding)

    def records() -> Iterator[tuple[int, list[str]]]:
        with path.open(encoding=encoding, newline="") as handle:
            reader = csv.reader(_csv_lines(handle, name), delimiter=delimiter)
            try:
                for number, cells in enumerate(reader, start=1):
                    if any(cell.strip() for cell in cells):
                        _check_csv_width(name, number, cells)
                        yield number, cells
            except csv.Error as exc:
                raise FileReadError(name, f"CSV 格式错误：{exc}", row=reader.line_num) from None

    header_row, header = _find_header(records())
    if not header:
        raise FileReadError(name, "文件为空（没有表头）")

    def rows() -> RowIterator:
        for number, cells in records():
            if number > header_row:
                yield number, cells

    total, plain = None, False
    if path.stat().st_size < 64 * _BLOCK:
        # a plain file's rows are its non-blank lines: counted without csv, which cannot fail on it
        if header_row == 1 and encoding == "utf-8-sig":
            total = plain_rows(path, encoding, delimiter, len(header), MAX_CSV_LINE_CHARS)
            plain = total is not None
        if total is None:
            total = sum(1 for _ in rows())
    return Table(name, None, [cell.strip() for cell in header], rows, header_row, encoding, total, path, plain=plain)


def csv_delimiter(path: Path, encoding: str) -> str:
    """Tab or comma: a tab in a .tsv file, else whichever the first lines (title and header) hold more of."""
    with path.open(encoding=encoding, newline="") as handle:  # the first lines: a title may stand above the header
        first = "".join(handle.readline(MAX_CSV_LINE_CHARS) for _ in range(HEADER_SCAN_ROWS))
    return "\t" if (path.suffix.lower() == ".tsv" or first.count("\t") > first.count(",")) else ","


def _csv_lines(handle: Any, file: str) -> Iterator[str]:
    """The physical lines of ``handle``; a line longer than MAX_CSV_LINE_CHARS is refused, not read whole."""
    number = 0
    while line := handle.readline(MAX_CSV_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_CSV_LINE_CHARS:
            raise FileReadError(
                file, f"这一行超过 {MAX_CSV_LINE_CHARS:,} 个字符仍未换行（可能分隔符、引号或换行符有误）", row=number
            )
        yield line


def _check_csv_width(file: str, number: int, cells: list[str]) -> None:
    if len(cells) > MAX_COLUMNS:
        raise FileReadError(
            file, f"有 {len(cells)} 列，超过上限 {MAX_COLUMNS} 列；请检查分隔符和引号，或删除多余的列", row=number
        )


# -- XLSX ------------------------------------------------------------------------------------------

_XLSX_ERRORS = (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, ParseError, TypeError, IndexError)


def _broken_sheet(file: str, sheet: str, row: int, exc: Exception) -> FileReadError:
    """The error of a sheet whose XML breaks off near ``row`` (a truncated or damaged file)."""
    return FileReadError(file, f"XLSX 文件已损坏，读到第{row}行附近失败（{type(exc).__name__}）；请在 Excel 中打开并另存为",
                         sheet=sheet)


def _open_workbook(path: Path) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except zipfile.BadZipFile:
        raise FileReadError(path.name, "XLSX 文件已损坏或不完整（不是有效的 ZIP 包，可能下载或复制中断）；请重新导出后再导入") from None
    except _XLSX_ERRORS as exc:
        raise FileReadError(path.name, f"XLSX 文件已损坏，无法打开（{type(exc).__name__}: {exc}）；请在 Excel 中打开并另存为") from None


def _check_archive(path: Path) -> None:
    """Refuse an XLSX whose parts unpack to more than the limits (a decompression bomb) before opening it.

    The sizes are those the ZIP declares; zipfile never unpacks a part beyond its declared size. A
    file that is not a ZIP is left to :func:`_open_workbook`, which reports it as corrupt.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = [(info.filename, info.file_size) for info in archive.infolist()]
    except _XLSX_ERRORS:
        return
    total = sum(size for _, size in parts)
    if total > MAX_XLSX_UNCOMPRESSED_MB * 2**20:
        raise FileReadError(path.name, f"XLSX 解压后共 {_mb(total)}，超过上限 {MAX_XLSX_UNCOMPRESSED_MB} MB"
                                       "（可能是“压缩炸弹”）；请删除不需要的内容或拆分为多个文件")
    part, size = max(parts, key=lambda item: item[1], default=("", 0))
    if size > MAX_XLSX_MEMBER_MB * 2**20:
        raise FileReadError(path.name, f"XLSX 中的 {part} 解压后 {_mb(size)}，超过单个部件上限 {MAX_XLSX_MEMBER_MB} MB"
                                       "（可能是“压缩炸弹”）；请删除不需要的内容或拆分为多个文件")


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


def _xlsx_tables(path: Path) -> list[Table]:
    name = path.name
    _check_archive(path)
    workbook = _open_workbook(path)
    shared = _SharedWorkbook(path)
    tables: list[Table] = []
    try:
        if len(workbook.worksheets) > MAX_SHEETS:
            raise FileReadError(name, f"工作簿有 {len(workbook.worksheets)} 个工作表，超过上限 {MAX_SHEETS} 个；"
                                      "请删除不需要的工作表，或拆分为多个文件")
        for sheet in workbook.worksheets:
            last_row = sheet.max_row  # the declared <dimension>; reading the sheet resets it
            header_row, header = _sheet_header(sheet, name)
            if not header:
                continue
            total = (last_row - header_row) if last_row else None
            rows = shared.rows_factory(sheet.title, header_row, len(header), _merged_down(path, sheet))
            tables.append(Table(name, sheet.title, header, rows, header_row, None, total, path,
                                hidden=getattr(sheet, "sheet_state", "visible") != "visible"))
    finally:
        workbook.close()
    if not tables:
        raise FileReadError(name, "文件为空：没有任何工作表含有数据")
    shared.last = tables[-1].sheet
    return tables


def _sheet_header(sheet: Any, file: str) -> tuple[int, list[str]]:
    """The first non-empty row of ``sheet`` and its cells as text, up to the last non-empty one.

    The row is found in the first MAX_COLUMNS + 1 columns, then read whole; it is refused when its
    last non-empty cell lies beyond column MAX_COLUMNS (each data row is read that wide).
    """
    number, _ = _find_header(_sheet_records(sheet, file, max_col=MAX_COLUMNS + 1))
    if not number:
        return 0, []
    _, cells = next(_sheet_records(sheet, file, min_row=number, max_row=number), (number, []))
    header = ["" if cell is None else str(cell).strip() for cell in cells]
    width = max((index for index, text in enumerate(header, start=1) if text), default=0)
    if width > MAX_COLUMNS:
        from openpyxl.utils import get_column_letter

        count = sum(1 for text in header if text)
        raise FileReadError(
            file, f"表头过宽：有 {count} 个非空表头，最后一个在第 {width} 列（{get_column_letter(width)} 列），"
                  f"上限为 {MAX_COLUMNS} 列；请删除多余的列后再导入", sheet=sheet.title, row=number,
        )
    return number, header[:width]


def _find_header(records: Iterator[tuple[int, list[Any]]]) -> tuple[int, list[Any]]:
    """The header among the first HEADER_SCAN_ROWS non-blank rows: the first that reads as the header
    of an importable table, so a title such as "2025年新能源产业链企业名录" or a note above it is
    passed over; the first non-blank row when none does (its message then shows that row).

    >>> _find_header(iter([(1, ["2025年企业名录", None]), (3, ["企业名称", "所在区县"]), (4, ["甲公司", "南昌县"])]))
    (3, ['企业名称', '所在区县'])
    >>> _find_header(iter([(2, ["甲", "乙"]), (3, ["丙", "丁"])]))
    (2, ['甲', '乙'])
    """
    from loaders.fields import detect_kind

    first: tuple[int, list[Any]] = (0, [])
    for scanned, (number, cells) in enumerate(records):
        if scanned == 0:
            first = (number, cells)
        if detect_kind(cells) is not None:
            return number, cells
        if scanned + 1 >= HEADER_SCAN_ROWS:
            break
    return first


def _sheet_records(sheet: Any, file: str, *, min_row: int = 1, max_row: int | None = None,
                   max_col: int | None = None) -> Iterator[tuple[int, list[Any]]]:
    """The non-blank rows of ``sheet`` from ``min_row`` as ``(row number, cells)``, at most ``max_col`` wide.

    The declared <dimension> is dropped first: read-only openpyxl pads every row to it (up to
    column XFD, 16,384 cells) and adds empty rows up to its last row.
    """
    sheet.reset_dimensions()
    number = min_row - 1
    try:
        cells_by_row = sheet.iter_rows(min_row=min_row, max_row=max_row, max_col=max_col, values_only=True)
        for number, cells in enumerate(cells_by_row, start=min_row):
            if not _blank(cells):
                yield number, list(cells)
    except _XLSX_ERRORS as exc:
        raise _broken_sheet(file, sheet.title, number + 1, exc) from None


@dataclass(frozen=True)
class UncomputedFormula:
    """An XLSX cell holding a formula whose result the file does not keep (a file written by a
    program and never opened and saved in Excel): its value is unknown, never blank.

    >>> str(UncomputedFormula("B7", "=A7*2"))
    '=A7*2'
    """

    coordinate: str  # B7
    formula: str  # =A7*2, or "=" when the file gives no text (a cell of a shared formula)

    def __str__(self) -> str:
        return self.formula


@functools.cache
def _formula_parser() -> type:
    """openpyxl's sheet parser, reading a formula cell without a kept result as an UncomputedFormula.

    In data-only mode openpyxl reads such a cell as empty. Excel keeps a formula's last result in
    ``<v>`` (a formula whose result is the empty text is ``t="str"`` with an empty ``<v>``);
    openpyxl and other writers leave ``<v>`` out or empty.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class FormulaAwareParser(WorkSheetParser):  # openpyxl 3.1's parser (pinned)
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            formula = element.find(FORMULA_TAG)
            if cell["value"] is None and formula is not None:
                kept = element.find(VALUE_TAG)
                if kept is None or (not kept.text and element.get("t") != "str"):
                    where = element.get("r") or f"{get_column_letter(cell['column'])}{cell['row']}"
                    cell["value"] = UncomputedFormula(where, "=" + (formula.text or ""))
            return cell

    return FormulaAwareParser


def _data_records(sheet: Any, file: str, *, min_row: int, max_col: int) -> Iterator[tuple[int, list[Any]]]:
    """The non-blank rows of ``sheet`` from ``min_row``, ``max_col`` cells wide, as ``_sheet_records``
    reads them, except that a formula cell without a kept result is an :class:`UncomputedFormula`.

    It drives openpyxl's read-only sheet parser itself (``ReadOnlyWorksheet._cells_by_row`` does the
    same with the plain parser), so the sheet is still streamed.
    """
    workbook = sheet.parent
    number = min_row - 1
    try:
        with sheet._get_source() as source:
            parser = _formula_parser()(source, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                                       date_formats=workbook._date_formats,
                                       timedelta_formats=workbook._timedelta_formats)
            for number, parsed in parser.parse():
                if number < min_row:
                    continue
                cells: list[Any] = [None] * max_col
                for cell in parsed:
                    if cell["column"] <= max_col:
                        cells[cell["column"] - 1] = cell["value"]
                if not _blank(cells):
                    yield number, cells
    except _XLSX_ERRORS as exc:
        raise _broken_sheet(file, sheet.title, number + 1, exc) from None


def _blank(cells: tuple[Any, ...] | list[Any]) -> bool:
    return cells.count(None) == len(cells) or not any(cell is not None and str(cell).strip() for cell in cells)


class _SharedWorkbook:
    """The read-only workbook behind the sheet tables of one file, opened once per pass over them.

    A pass opens it for the first table it reads and closes it after the table of sheet ``last``, or
    as soon as a table's rows stop early; whatever is left open is closed when the tables are gone.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.last: str | None = None
        self.books: list[Any] = []  # the open workbook, if any (a list the finalizer holds instead of self)
        self.readers = 0
        weakref.finalize(self, _close_books, self.books)

    def rows_factory(self, title: str, header_row: int, width: int,
                     merged: Sequence[tuple[int, int, int]] = ()) -> Callable[[], RowIterator]:
        """``rows()`` of sheet ``title``: the rows below the header, ``width`` cells each, with the
        value of a cell merged down a column (``merged``: column, first row, last row) in each row."""

        def rows() -> RowIterator:
            if not self.books:
                self.books.append(_open_workbook(self.path))
            self.readers += 1
            finished = False
            try:
                records = _data_records(self.books[0][title], self.path.name, min_row=header_row + 1, max_col=width)
                yield from _fill_merged(records, [m for m in merged if m[0] < width and m[1] > header_row])
                finished = True
            finally:
                self.readers -= 1
                if not self.readers and (title == self.last or not finished):
                    _close_books(self.books)

        return rows


_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)\"")


def _merged_down(path: Path, sheet: Any) -> list[tuple[int, int, int]]:
    """The ranges of ``sheet`` merged over several rows, as (column index, first row, last row).

    Read-only openpyxl does not report merged cells; they are listed in the sheet's XML part after
    its rows, so the part is scanned as bytes (no XML parsing), in 1 MiB pieces.
    """
    from openpyxl.utils import column_index_from_string

    part = str(getattr(sheet, "_worksheet_path", "")).lstrip("/")
    found: list[tuple[int, int, int]] = []
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
            tail = b""
            while chunk := stream.read(_BLOCK):
                text = tail + chunk
                for match in _MERGE_REF.finditer(text):
                    first_col, first_row, _, last_row = match.groups()
                    if int(last_row) > int(first_row):
                        found.append((column_index_from_string(first_col.decode()) - 1, int(first_row), int(last_row)))
                tail = text[-200:] if not text.endswith(b">") else b""
    except (KeyError, *_XLSX_ERRORS):
        return []
    return sorted(set(found))


def _fill_merged(records: Iterator[tuple[int, list[Any]]], merged: Sequence[tuple[int, int, int]]) -> RowIterator:
    """Rows with each text cell merged down a column given to every row of the range, as Excel shows it.

    Only text is filled in (a 所在园区 or 所属产业链 shared by several firms); a number merged over
    rows (营业收入 of a group) is left in its first row, not counted once per row.

    >>> rows = [(2, ["甲", "高新区", 50]), (3, ["乙", None, None]), (5, ["丙", None, None])]
    >>> list(_fill_merged(iter(rows), [(1, 2, 4), (2, 2, 3)]))
    [(2, ['甲', '高新区', 50]), (3, ['乙', '高新区', None]), (5, ['丙', None, None])]
    """
    if not merged:
        yield from records
        return
    starting: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for span in merged:
        starting[span[1]].append(span)
    active: list[tuple[int, int, str]] = []  # (column, last row, text) of the ranges open at this row
    for number, cells in records:
        if active:
            active = [span for span in active if span[1] >= number]
            for column, _, text in active:
                if column < len(cells) and cells[column] is None:
                    cells[column] = text
        for column, _, last in starting.get(number, ()):
            value = cells[column] if column < len(cells) else None
            if isinstance(value, str) and value.strip():
                active.append((column, last, value))
        yield number, cells


def _close_books(books: list[Any]) -> None:
    while books:
        books.pop().close()


# -- JSON ------------------------------------------------------------------------------------------

_JSON_KEYS = {
    "enterprises": "enterprises", "企业名录": "enterprises", "企业": "enterprises",
    "supplies": "supplies", "供应关系": "supplies", "relations": "supplies", "supply_relations": "supplies",
}


def _json_tables(path: Path) -> list[Table]:
    name = path.name
    size = path.stat().st_size
    if size > MAX_JSON_MB * 2**20:
        raise FileReadError(name, f"JSON 文件有 {_mb(size)}，超过上限 {MAX_JSON_MB} MB（JSON 须整体读入内存）；"
                                  "大量数据请改用 CSV 或 XLSX")
    encoding = detect_encoding(path)
    data = _load_json(path, encoding)
    if isinstance(data, list):
        lists: list[tuple[str | None, str | None, list[Any]]] = [(None, None, data)]
    elif isinstance(data, dict):
        lists = [(key, _JSON_KEYS[key], value) for key, value in data.items() if key in _JSON_KEYS]
        if not lists:
            raise FileReadError(
                name, f"JSON 顶层应为对象列表，或含 enterprises / supplies 列表的对象；实际的键：{', '.join(map(str, data)) or '（无）'}"
            )
    else:
        raise FileReadError(name, f"JSON 顶层应为对象列表，实际为 {type(data).__name__}")
    tables = []
    for key, kind, items in lists:
        if not isinstance(items, list):
            raise FileReadError(name, f"{key} 应为对象列表，实际为 {type(items).__name__}", sheet=key)
        if not items:
            continue
        bad = next((index for index, item in enumerate(items, start=1) if not isinstance(item, dict)), None)
        if bad is not None:
            raise FileReadError(name, f"第{bad}项不是对象（应为 {{\"列名\": 值}}）", sheet=key, row=bad)
        header = _json_header(name, key, items)

        def rows(items: list[Any] = items, header: list[str] = header) -> RowIterator:
            for number, item in enumerate(items, start=1):
                yield number, [item.get(column) for column in header]

        tables.append(Table(name, key, header, rows, 0, encoding, len(items), path, kind_hint=kind))
    if not tables:
        raise FileReadError(name, "文件为空：没有任何记录")
    return tables


def _load_json(path: Path, encoding: str) -> Any:
    try:
        return json.loads(path.read_text(encoding=encoding))
    except json.JSONDecodeError as exc:
        raise FileReadError(path.name, f"JSON 格式错误：第{exc.lineno}行第{exc.colno}列 {exc.msg}") from None
    except RecursionError:
        raise FileReadError(path.name, "JSON 嵌套层级过深，无法读取；请改为一层对象列表：[{\"列名\": 值}, …]") from None


def _json_header(file: str, key: str | None, items: list[dict[str, Any]]) -> list[str]:
    """The keys of ``items`` in the order first seen (a dict, so each key is found in constant time)."""
    columns = dict.fromkeys(str(column) for item in items for column in item)
    if len(columns) > MAX_COLUMNS:
        raise FileReadError(file, f"对象共有 {len(columns)} 个不同的键（列），超过上限 {MAX_COLUMNS} 个；"
                                  "请检查是否把数据写成了键名", sheet=key)
    return list(columns)


def memory_table(file: str, sheet: str | None, header: list[str], records: list[list[Any]] | Callable[[], RowIterator],
                 *, kind_hint: str | None = None, first_row: int = 2) -> Table:
    """A Table over rows already in memory (used by the real-data adapters)."""
    if callable(records):
        return Table(file, sheet, header, records, first_row - 1, kind_hint=kind_hint)

    def rows() -> RowIterator:
        yield from enumerate(records, start=first_row)

    return Table(file, sheet, header, rows, first_row - 1, total=len(records), kind_hint=kind_hint)

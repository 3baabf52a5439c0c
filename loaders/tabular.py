"""Read users' files as tables: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX and JSON.

A file becomes one or more :class:`Table` objects (one per XLSX sheet, one per JSON list). A
table's rows can be iterated more than once (the importer validates a whole file before writing
anything and reads it again to write), and rows stream: a large file is never held in memory.
Problems with the file itself (unknown encoding, corrupt XLSX, empty file) raise
:class:`FileReadError`, which names the file and, where known, the sheet and row.

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
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from graph_schema.errors import ChainAtlasError

RowIterator = Iterator[tuple[int, list[Any]]]
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # utf-8-sig also reads UTF-8 without a BOM; GB18030 ⊃ GBK ⊃ GB2312
_BLOCK = 1 << 20


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
    if suffix in (".csv", ".tsv", ".txt"):
        return [_csv_table(path)]
    raise FileReadError(name, f"不支持的文件类型 {suffix or '（无扩展名）'}；支持 .csv、.xlsx、.json")


# -- CSV -------------------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """The first of UTF-8 (with or without BOM) and GB18030 that decodes the whole file.

    Raises FileReadError naming each encoding tried and the line where it failed.
    """
    name = path.name
    with path.open("rb") as handle:
        head = handle.read(_BLOCK)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileReadError(
            name, "文件是 UTF-16 编码（Excel“Unicode 文本”），无法导入；请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”"
        )
    if b"\x00" in head:
        raise FileReadError(name, "文件含有 NUL 字节，不是文本 CSV（可能是二进制文件或 UTF-16 编码）")
    failures = []
    for encoding in CSV_ENCODINGS:
        problem = _decode_problem(path, encoding)
        if problem is None:
            return encoding
        failures.append(f"按 {'UTF-8' if encoding == 'utf-8-sig' else 'GB18030/GBK'} 解码{problem}")
    raise FileReadError(
        name, "无法识别文件编码：" + "；".join(failures) + "。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”"
    )


def _decode_problem(path: Path, encoding: str) -> str | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = lines = 0
    with path.open("rb") as handle:
        while True:
            block = handle.read(_BLOCK)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
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
    with path.open(encoding=encoding, newline="") as handle:
        first = handle.readline()
    delimiter = "\t" if (path.suffix.lower() == ".tsv" or first.count("\t") > first.count(",")) else ","

    def records() -> Iterator[tuple[int, list[str]]]:
        with path.open(encoding=encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            try:
                for number, cells in enumerate(reader, start=1):
                    if any(cell.strip() for cell in cells):
                        yield number, cells
            except csv.Error as exc:
                raise FileReadError(name, f"CSV 格式错误：{exc}", row=reader.line_num) from None

    header_row, header = next(records(), (0, []))
    if not header:
        raise FileReadError(name, "文件为空（没有表头）")

    def rows() -> RowIterator:
        for number, cells in records():
            if number > header_row:
                yield number, cells

    total = None
    if path.stat().st_size < 64 * _BLOCK:
        total = sum(1 for _ in rows())
    return Table(name, None, [cell.strip() for cell in header], rows, header_row, encoding, total, path)


# -- XLSX ------------------------------------------------------------------------------------------

_XLSX_ERRORS = (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, ParseError, TypeError, IndexError)


def _open_workbook(path: Path) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except zipfile.BadZipFile:
        raise FileReadError(path.name, "XLSX 文件已损坏或不完整（不是有效的 ZIP 包，可能下载或复制中断）；请重新导出后再导入") from None
    except _XLSX_ERRORS as exc:
        raise FileReadError(path.name, f"XLSX 文件已损坏，无法打开（{type(exc).__name__}: {exc}）；请在 Excel 中打开并另存为") from None


def _xlsx_tables(path: Path) -> list[Table]:
    name = path.name
    workbook = _open_workbook(path)
    tables: list[Table] = []
    try:
        for sheet in workbook.worksheets:
            title = sheet.title
            header_row, header = next(_sheet_records(path, title), (0, []))
            if not header:
                continue
            total = (sheet.max_row - header_row) if sheet.max_row else None
            tables.append(Table(
                name, title, ["" if cell is None else str(cell).strip() for cell in header],
                _sheet_rows_factory(path, title, header_row), header_row, None, total, path,
            ))
    finally:
        workbook.close()
    if not tables:
        raise FileReadError(name, "文件为空：没有任何工作表含有数据")
    return tables


def _sheet_records(path: Path, title: str) -> Iterator[tuple[int, list[Any]]]:
    workbook = _open_workbook(path)
    number = 0
    try:
        sheet = workbook[title]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if any(cell is not None and str(cell).strip() for cell in cells):
                yield number, list(cells)
    except _XLSX_ERRORS as exc:
        raise FileReadError(
            path.name, f"XLSX 文件已损坏，读到第{number + 1}行附近失败（{type(exc).__name__}）；请在 Excel 中打开并另存为",
            sheet=title,
        ) from None
    finally:
        workbook.close()


def _sheet_rows_factory(path: Path, title: str, header_row: int) -> Callable[[], RowIterator]:
    def rows() -> RowIterator:
        for number, cells in _sheet_records(path, title):
            if number > header_row:
                yield number, cells

    return rows


# -- JSON ------------------------------------------------------------------------------------------

_JSON_KEYS = {
    "enterprises": "enterprises", "企业名录": "enterprises", "企业": "enterprises",
    "supplies": "supplies", "供应关系": "supplies", "relations": "supplies", "supply_relations": "supplies",
}


def _json_tables(path: Path) -> list[Table]:
    name = path.name
    encoding = detect_encoding(path)
    try:
        data = json.loads(path.read_text(encoding=encoding))
    except json.JSONDecodeError as exc:
        raise FileReadError(name, f"JSON 格式错误：第{exc.lineno}行第{exc.colno}列 {exc.msg}") from None
    if isinstance(data, list):
        lists: list[tuple[str | None, str | None, list]] = [(None, None, data)]
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
        header: list[str] = []
        for item in items:
            header += [str(column) for column in item if str(column) not in header]

        def rows(items: list = items, header: list[str] = header) -> RowIterator:
            for number, item in enumerate(items, start=1):
                yield number, [item.get(column) for column in header]

        tables.append(Table(name, key, header, rows, 0, encoding, len(items), path, kind_hint=kind))
    if not tables:
        raise FileReadError(name, "文件为空：没有任何记录")
    return tables


def memory_table(file: str, sheet: str | None, header: list[str], records: list[list[Any]] | Callable[[], RowIterator],
                 *, kind_hint: str | None = None, first_row: int = 2) -> Table:
    """A Table over rows already in memory (used by the real-data adapters)."""
    if callable(records):
        return Table(file, sheet, header, records, first_row - 1, kind_hint=kind_hint)

    def rows() -> RowIterator:
        for number, cells in enumerate(records, start=first_row):
            yield number, cells

    return Table(file, sheet, header, rows, first_row - 1, total=len(records), kind_hint=kind_hint)

"""The import report: every problem with file, sheet, row, column and reason; renders to text, CSV, XLSX.

>>> report = ImportReport()
>>> report.add(Problem("企业.csv", None, 3, "统一社会信用代码", "统一社会信用代码校验位错误：应为 H，实际为 A", "91360100MA35GWXY5A"))
>>> report.ok
False
>>> report.rows()[0]["问题"]
'统一社会信用代码校验位错误：应为 H，实际为 A'
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from loaders.spreadsheet_cells import csv_cell
from loaders.spreadsheet_layout import write_sheet
from stores.imports import ImportOutcome

Level = Literal["错误", "警告"]
REPORT_COLUMNS = ("文件", "工作表", "行", "列", "值", "级别", "问题")
MAX_PROBLEMS = 10000  # beyond this only the count grows, so a hopeless file cannot exhaust memory


@dataclass
class Problem:
    """One finding: an error rejects the import, a warning does not."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    reason: str
    value: Any = None
    level: Level = "错误"

    def location(self) -> str:
        """``企业.csv#Sheet1 第3行 [统一社会信用代码]``."""
        text = self.file + (f"#{self.sheet}" if self.sheet else "")
        if self.row is not None:
            text += f" 第{self.row}行"
        if self.column:
            text += f" [{self.column}]"
        return text

    def __str__(self) -> str:
        value = "" if self.value in (None, "") else f"（值：{_short(self.value)}）"
        return f"{self.level} {self.location()}: {self.reason}{value}"


@dataclass
class TableSummary:
    """What one table (a CSV file, an XLSX sheet, a JSON list) held."""

    file: str
    sheet: str | None
    kind: str | None
    encoding: str | None = None
    rows: int = 0
    errors: int = 0


@dataclass
class ImportReport:
    """The outcome of validating (and, when clean, writing) one batch of files."""

    problems: list[Problem] = field(default_factory=list)
    tables: list[TableSummary] = field(default_factory=list)
    items: Counter[str] = field(default_factory=Counter)
    diff: dict[str, Counter[str]] | None = None
    written: int = 0
    dry_run: bool = False
    reference_loaded: bool = False
    error_count: int = 0
    warning_count: int = 0
    seconds: float = 0.0
    outcome: ImportOutcome | None = None
    """What became of the write (None: nothing was written — rejected, or a dry run)."""
    recovered: list[str] = field(default_factory=list)
    """Earlier imports found unfinished and rolled back before this one (``stores.imports``)."""

    def add(self, problem: Problem) -> None:
        if problem.level == "错误":
            self.error_count += 1
        else:
            self.warning_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level == "错误"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level == "警告"]

    @property
    def ok(self) -> bool:
        """True when nothing rejects the batch."""
        return self.error_count == 0

    @property
    def rows_read(self) -> int:
        return sum(table.rows for table in self.tables)

    @property
    def status(self) -> str:
        """``published``, ``dry_run``, ``rejected`` (by validation: nothing written) or the failed
        write's ``ImportOutcome.state`` (``rolled_back``, ``pending``, ``unknown``, ``busy``, ``not_started``)."""
        if self.outcome is not None:
            return self.outcome.state
        if not self.ok:
            return "rejected"
        return "dry_run" if self.dry_run else "published"

    @property
    def published(self) -> int:
        """How many nodes and relationships readers now see from this import."""
        return self.written if self.status == "published" else 0

    @property
    def rolled_back(self) -> int:
        return self.outcome.rolled_back if self.outcome is not None else 0

    @property
    def left_pending(self) -> int:
        """Items written and neither published nor rolled back yet (the next start rolls them back)."""
        return self.written if self.status in ("pending", "unknown") else 0

    def rows(self) -> list[dict[str, Any]]:
        """The problems as rows with Chinese column names (the downloadable sheet)."""
        return [
            {"文件": p.file, "工作表": p.sheet or "", "行": p.row, "列": p.column or "", "值": _short(p.value),
             "级别": p.level, "问题": p.reason}
            for p in self.problems
        ]

    def summary(self) -> str:
        """A few lines for the terminal: verdict, tables, what is (or would be) written, problems."""
        lines = []
        if self.outcome is not None and self.outcome.state != "published":
            lines.append(self.outcome.message())
        elif not self.ok:
            rejected = sorted({p.file for p in self.errors if p.file}) or sorted({t.file for t in self.tables})
            lines.append(f"导入被拒绝：{self.error_count} 个错误（{'、'.join(rejected) or '未提供文件'}），未写入任何数据。")
        elif self.dry_run:
            lines.append("试运行（--dry-run）：校验通过，未写入任何数据。")
        else:
            number = f"，导入编号 {self.outcome.number}" if self.outcome is not None and self.outcome.number else ""
            lines.append(f"导入完成：写入并发布 {self.written:,} 个节点和关系（{self.seconds:.1f} 秒{number}）。")
        lines += [f"  {message}" for message in self.recovered]
        for table in self.tables:
            where = table.file + (f"#{table.sheet}" if table.sheet else "")
            enc = f"，编码 {table.encoding}" if table.encoding else ""
            lines.append(f"  {where}: {table.kind or '?'}，{table.rows} 行{enc}，{table.errors} 个错误")
        if self.ok and self.items:
            lines.append("  内容：" + "，".join(f"{name} {count}" for name, count in sorted(self.items.items())))
        if self.diff is not None:
            for name, counts in sorted(self.diff.items()):
                lines.append(
                    f"  {name}: 新增 {counts['new']}，更新 {counts['updated']}，不变 {counts['unchanged']}"
                )
        if self.reference_loaded:
            lines.append("  库中缺少规划参考数据（产业链、产品图谱、园区），" + ("将先写入。" if self.dry_run else "已先写入。"))
        shown = self.problems[:50]
        lines += [f"  {problem}" for problem in shown]
        hidden = self.error_count + self.warning_count - len(shown)
        if hidden > 0:
            lines.append(f"  …… 另有 {hidden} 条，完整列表请用 --report 报告.xlsx 导出")
        return "\n".join(lines)

    def render(self, fmt: Literal["csv", "xlsx"]) -> bytes:
        """The problem sheet as CSV (UTF-8 with BOM, for Excel) or XLSX."""
        rows = self.rows()
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=REPORT_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows({column: csv_cell(value) for column, value in row.items()} for row in rows)
            return buffer.getvalue().encode("utf-8-sig")
        if fmt == "xlsx":
            from openpyxl import Workbook

            workbook = Workbook(write_only=True)
            write_sheet(workbook, "导入问题", list(REPORT_COLUMNS), ([row[column] for column in REPORT_COLUMNS] for row in rows))
            write_sheet(workbook, "概要", ["概要"], ([line] for line in self.summary().splitlines()[: 50 + len(self.tables) + 10]))
            binary = io.BytesIO()
            workbook.save(binary)
            return binary.getvalue()
        raise ValueError(f"unknown report format {fmt!r}; use csv or xlsx")

    def write(self, path: str | Path) -> Path:
        """Write the problem sheet; the format follows the suffix (.xlsx, else CSV)."""
        path = Path(path)
        path.write_bytes(self.render("xlsx" if path.suffix.lower() == ".xlsx" else "csv"))
        return path


def _short(value: Any, limit: int = 60) -> str:
    if value is None:
        return ""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


"""Data commands of the ``chainatlas`` CLI: import, demo, export, template, import-realdata.

``register(cli)`` adds them to the main Typer app::

    chainatlas import 企业名录.xlsx 供应关系.csv --dry-run      # validate, show what would change
    chainatlas import 企业名录.xlsx 供应关系.csv --report 问题.xlsx
    chainatlas demo --scale 3000 --seed 8810                   # 示例数据（虚构）
    chainatlas demo --scale 100000 --bulk                      # first load of an empty Neo4j, offline (app/cli/bulk.py)
    chainatlas export --format graphml --output chainatlas.graphml     # refuses an empty store (exit 3)
    chainatlas template --kind enterprises --output 企业名录模板.xlsx
    chainatlas import-realdata willems --chains 1-5
    chainatlas import-realdata apple --years 2022          # one yearly list; earlier years are kept
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from app.cli.bulk import load_target
from app.cli.context import audit_log, configured_store, fail, settings
from loaders.defaults import DEMO_BATCH_SIZE, DEMO_ROW_BATCH_SIZE, DEMO_SCALE, DEMO_SEED, IMPORT_CHUNK_SIZE
from stores.audit import cli_actor, import_details

if TYPE_CHECKING:
    from loaders.fields import Kind
    from loaders.report import ImportReport

commands = typer.Typer()


def register(cli: typer.Typer) -> None:
    """Add the data commands to ``cli``."""
    cli.add_typer(commands)


def _as_of(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date like 2025-06-30", param_hint="--as-of") from None


VERDICTS = {
    "rejected": "导入被拒绝 / import rejected: nothing was written",
    "rolled_back": "导入未完成 / import failed: nothing was published; what it had written ({written}) was rolled back",
    "pending": "导入未完成 / import failed: nothing was published; what it had written ({written}) stays invisible and is "
               "rolled back by the next chainatlas command or server start",
    "unknown": "导入结果未确认 / import outcome unknown: the store went away while publishing; all of it is visible "
               "or the next start rolls it back",
    "busy": "导入未开始 / import not started: another import is running; nothing was written",
    "not_started": "导入未开始 / import not started: the store failed; nothing was written",
}
"""The last line on stderr when an import did not publish, by ``ImportReport.status``."""


def _finish(report: ImportReport, report_path: Path | None) -> None:
    typer.echo(report.summary())
    if report_path is not None:
        written = report.write(report_path)
        typer.echo(f"问题报告 / report: {written}")
    if not report.ok:
        verdict = VERDICTS.get(report.status, VERDICTS["rejected"])
        typer.secho(verdict.format(written=f"{report.written:,} items"), fg=typer.colors.RED, err=True)
        raise typer.Exit(1)


class ImportKind(StrEnum):
    """The table kinds of ``loaders.fields.KINDS`` and auto (each file's kind from its header);
    tests/app/test_settings_and_cli.py checks the two lists agree."""

    auto = "auto"
    enterprises = "enterprises"
    supplies = "supplies"


ANY_KIND = ImportKind.auto


class RenamePolicyOption(StrEnum):
    """``loaders.renames.RenamePolicy``: a stored credit code under another name is a warning (the
    old name kept as an alias) or refuses the import."""

    warn = "warn"
    refuse = "refuse"


WARN_ON_RENAME = RenamePolicyOption.warn
BULK_HELP = ("first load of an EMPTY Neo4j started by scripts/neo4j.sh: write CSV, stop the server, "
             "neo4j-admin database import full, start it again (docs/import.md)")
_KINDS: dict[ImportKind, Kind] = {ImportKind.enterprises: "enterprises", ImportKind.supplies: "supplies"}


@commands.command("import")
def import_command(
    files: list[Path] = typer.Argument(..., help="CSV (UTF-8/GBK), XLSX or JSON files; one batch, all or nothing"),
    kind: ImportKind = typer.Option(ANY_KIND, help="table kind; auto = from the header"),
    dry_run: bool = typer.Option(False, "--dry-run", help="validate and show what would change; write nothing"),
    report: Path | None = typer.Option(None, "--report", help="write the problem list to this .xlsx or .csv"),
    as_of: str | None = typer.Option(None, "--as-of", help="as-of date for rows without one (default: file date)"),
    rename: RenamePolicyOption = typer.Option(
        WARN_ON_RENAME, "--rename",
        help="a credit code already stored under another name: warn (rename, keep the old name as an alias) or refuse"),
    batch_size: int = typer.Option(IMPORT_CHUNK_SIZE, "--batch-size", min=1, help="nodes and relationships per transaction "
                                   "(all of them are published together at the end)"),
    bulk: bool = typer.Option(False, "--bulk", help=BULK_HELP),
) -> None:
    """Import enterprise lists (企业名录) and supply relations (供应关系) as one batch: readers see all of
    it or none; exit 1 when rejected or when the store fails (nothing published)."""
    from loaders.importer import import_files

    date = _as_of(as_of)
    with configured_store() as store, audit_log() as log, load_target(store, bulk) as target:
        result = import_files(
            target.store, files, kind=None if kind is ImportKind.auto else _KINDS[kind], as_of=date, dry_run=dry_run,
            progress=sys.stderr.isatty(), rename=rename.value, chunk_size=batch_size,
            description="chainatlas import " + " ".join(path.name for path in files),
        )
        if result.ok and not dry_run:
            target.finish()
        if result.ok and not dry_run:  # the merge decisions on near-duplicate names, again (chainatlas names)
            from loaders.name_decisions import DecisionBook, apply_decisions

            apply_decisions(store, DecisionBook.in_folder(settings().data_dir))
        if not dry_run:
            log.add(cli_actor(), "import", import_details([str(path) for path in files], result, via="命令行"))
    _finish(result, report)


@commands.command("demo")
def demo_command(
    scale: int = typer.Option(DEMO_SCALE, min=1, help="number of enterprises (100000+ for benchmarks)"),
    seed: int = typer.Option(DEMO_SEED, help="random seed; the same seed gives the same data"),
    batch_size: int | None = typer.Option(
        None, min=1, help=f"nodes and relationships per transaction (default {DEMO_ROW_BATCH_SIZE:,} into the embedded "
                          f"store, {DEMO_BATCH_SIZE:,} into Neo4j)"),
    bulk: bool = typer.Option(False, "--bulk", help=BULK_HELP),
) -> None:
    """Fill every chain with fictitious demo enterprises and supply relations (示例数据（虚构）)."""
    from loaders.demo import SYNTHETIC_LABEL, load_demo

    with configured_store() as store, audit_log() as log, load_target(store, bulk) as target:
        try:
            written = load_demo(target.store, scale, seed, batch_size=batch_size, progress=sys.stderr.isatty())
        except ValueError as exc:
            raise fail(str(exc), 2) from None
        target.finish()
        log.add(cli_actor(), "import", {"files": [], "dataset": SYNTHETIC_LABEL, "scale": scale, "seed": seed,
                                        "via": "命令行", "ok": True, "written": sum(written.values()), "items": written})
    typer.echo(f"{SYNTHETIC_LABEL}: scale={scale} seed={seed}")
    typer.echo(json.dumps(written, ensure_ascii=False))


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    graphml = "graphml"
    json = "json"


@commands.command("export")
def export_command(
    format: ExportFormat = typer.Option(..., "--format", help="csv | xlsx | graphml | json"),
    output: Path = typer.Option(..., "--output", "-o", help="file to write (csv: <stem>_企业名录.csv and _供应关系.csv)"),
    chain: str | None = typer.Option(None, "--chain", help="只导出这条产业链：名称或部分名称，如 新能源"),
) -> None:
    """Export enterprises and supply relations (csv/xlsx/json, re-importable) or the whole graph (GraphML, for Gephi)."""
    from app.cli.session import Session
    from loaders.export import export_graph

    with configured_store(needs_data=True) as store:
        chain_id = Session(store).chain(chain)
        paths = export_graph(store, format.value, output, chain=chain_id)
    for path in paths:
        typer.echo(str(path))


class TemplateKind(StrEnum):
    """The table kinds of ``loaders.fields.KINDS`` and all (one workbook with every kind)."""

    enterprises = "enterprises"
    supplies = "supplies"
    all = "all"


EVERY_KIND = TemplateKind.all


@commands.command("template")
def template_command(
    kind: TemplateKind = typer.Option(EVERY_KIND, help="enterprises | supplies | all"),
    output: Path = typer.Option(..., "--output", "-o", help="the .xlsx file to write"),
) -> None:
    """Write an XLSX import template: header, one example row (示例) and a 说明 sheet."""
    from loaders.templates import write_template

    typer.echo(str(write_template(kind.value, output)))


class RealData(StrEnum):
    willems = "willems"
    apple = "apple"


def _years(text: str | None) -> list[int] | None:
    """``--years 2021,2022`` (ranges too: 2012-2014); None: every year."""
    if not text:
        return None
    try:
        found: list[int] = []
        for part in text.split(","):
            low, _, high = part.strip().partition("-")
            found += range(int(low), int(high or low) + 1)
    except ValueError:
        raise typer.BadParameter(f"not years: {text}", param_hint="--years") from None
    return found


@commands.command("import-realdata")
def import_realdata_command(
    dataset: RealData = typer.Argument(..., help="willems (Willems 2008, 38 chains) or apple (Apple supplier list)"),
    chains: str | None = typer.Option(None, "--chains", help="Willems chains, e.g. 1,2,5-7 (default: all 38)"),
    years: str | None = typer.Option(None, "--years", help="Apple yearly lists, e.g. 2021,2022 (default: every year); "
                                                          "a year adds its observations, none is erased"),
    dry_run: bool = typer.Option(False, "--dry-run", help="validate and show what would change; write nothing"),
    report: Path | None = typer.Option(None, "--report", help="write the problem list to this .xlsx or .csv"),
) -> None:
    """Import the real public data sets from ../shared/realdata through the ordinary import."""
    from loaders.realdata import import_apple, import_willems, willems_numbers

    try:
        numbers = willems_numbers(chains)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--chains") from None
    with configured_store() as store, audit_log() as log:
        if dataset is RealData.willems:
            result = import_willems(store, numbers, dry_run=dry_run, progress=sys.stderr.isatty())
            chosen = {"chains": chains or "全部"}
        else:
            from loaders.name_decisions import DecisionBook

            result = import_apple(store, dry_run=dry_run, progress=sys.stderr.isatty(), years=_years(years),
                                  decisions=DecisionBook.in_folder(settings().data_dir))
            chosen = {"years": years or "全部"}
        if not dry_run:  # like chainatlas import: the files are the data set's, read from the shared folder
            details = import_details(sorted({table.file for table in result.tables}), result, via="命令行")
            log.add(cli_actor(), "import", details | {"dataset": dataset.value} | chosen)
    _finish(result, report)

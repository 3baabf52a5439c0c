"""``chainatlas names``: near-duplicate enterprise names and the decisions on them.

``register(cli)`` adds it to a Typer app::

    chainatlas names duplicates [--threshold 90]             # pairs nobody has decided on, closest first
    chainatlas names decide "NXP Semiconductors N.V." "NXP Semiconductor N.V." --merge --by 张三
    chainatlas names decide "Solvay SA" "Solvay Specialty Polymers" --keep-apart --by 张三
    chainatlas names decisions                               # who decided what, and when

Decisions are kept in ``name-decisions.json`` of the data folder and applied again after every
import (``loaders.name_decisions``). A merge keeps the first name's firm.
"""

from __future__ import annotations

import getpass

import typer

from app.cli.context import configured_store, fail, settings
from app.terminal_table import terminal_table
from loaders.name_decisions import DEFAULT_THRESHOLD, DecisionBook, apply_decisions, decision_rows, near_duplicates

commands = typer.Typer(help="近似重名企业：列出、合并或保持为两家（记录决定人和时间）")


def register(cli: typer.Typer) -> None:
    """Add ``names duplicates``, ``names decide`` and ``names decisions`` to ``cli``."""
    cli.add_typer(commands, name="names")


def _book() -> DecisionBook:
    return DecisionBook.in_folder(settings().data_dir)


@commands.command("duplicates")
def duplicates_command(
    threshold: float = typer.Option(DEFAULT_THRESHOLD, min=50, max=100, help="similarity 0–100 of the normalised names"),
    limit: int = typer.Option(200, min=1, help="at most this many pairs"),
) -> None:
    """近似重名: pairs of enterprises whose normalised names are close and undecided, closest first."""
    with configured_store(needs_data=True) as store:
        pairs = near_duplicates(store, _book(), threshold=threshold, limit=limit)
    rows = [{"相似度": round(p.score, 1), "企业甲": p.first_name, "企业乙": p.second_name} for p in pairs]
    typer.echo(terminal_table(rows) if rows else "（无近似重名企业）")


@commands.command("decide")
def decide_command(
    keep: str = typer.Argument(..., help="the name kept (the merged firm keeps this one's node)"),
    other: str = typer.Argument(..., help="the other name"),
    merge: bool = typer.Option(False, "--merge", help="one firm: merge the other into the first"),
    keep_apart: bool = typer.Option(False, "--keep-apart", help="two firms: stop listing the pair"),
    by: str | None = typer.Option(None, "--by", help="who decides (default: the login name)"),
) -> None:
    """合并 or 保持为两家: record the decision (who, when) and apply it."""
    if merge == keep_apart:
        raise fail("请选择 --merge 或 --keep-apart 之一 / choose one of --merge, --keep-apart", 2)
    book = _book()
    with configured_store(needs_data=True) as store:
        decision = book.record(keep, other, "merge" if merge else "keep", by=by or getpass.getuser())
        merged = apply_decisions(store, book) if merge else 0
    typer.echo(f"已记录 / recorded: {'合并' if merge else '保持为两家'}（{decision.by}，{decision.at}）"
               + (f"；合并企业 {merged} 家" if merge else ""))


@commands.command("decisions")
def decisions_command() -> None:
    """The decisions recorded, latest first."""
    rows = list(decision_rows(_book()))
    typer.echo(terminal_table(rows) if rows else "（尚无决定）")

"""Operations from the command line: ``chainatlas backup | restore | audit``.

``register(cli)`` adds them to a Typer app::

    chainatlas backup 备份/2026-12-04.chainatlas        # a consistent copy, also while the server runs
    chainatlas restore 备份/2026-12-04.chainatlas --replace
    chainatlas audit --action login.failed --limit 20
    chainatlas audit --format csv -o 审计日志.csv

Backups and restores are recorded in the audit log (the OS user is the actor).
"""

from __future__ import annotations

import json
import time
from enum import StrEnum
from pathlib import Path

import typer

from app.cli.context import audit, audit_log, configured_store, errors_exit
from app.output import render_rows
from stores.audit import ACTIONS, rows, table_rows
from stores.backup import backup, restore


class AuditFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def register(cli: typer.Typer) -> None:
    """Add ``backup``, ``restore`` and ``audit`` to ``cli``."""
    cli.command("backup")(backup_command)
    cli.command("restore")(restore_command)
    cli.command("audit")(audit_command)


def backup_command(file: Path = typer.Argument(..., help="the backup file to write (replaced if it exists)")) -> None:
    """Back up the whole store into one file; prints its content digest (SHA-256)."""
    started = time.perf_counter()
    with configured_store() as store, errors_exit(1):
        info = backup(store, file)
    seconds = time.perf_counter() - started
    audit("backup", {"file": str(file), "digest": info.digest, "nodes": info.nodes, "relationships": info.relationships,
                     "schema_version": info.schema_version, "store": info.source})
    typer.echo(f"已备份：{info.nodes} 个节点、{info.relationships} 条关系 → {file}（{seconds:.1f} 秒，数据结构版本 {info.schema_version}）")
    typer.echo(f"内容校验值 / digest (sha256): {info.digest}")


def restore_command(
    file: Path = typer.Argument(..., help="a file written by `chainatlas backup`"),
    replace: bool = typer.Option(False, "--replace", help="replace the content of a non-empty store"),
) -> None:
    """Restore a backup into the store, all or nothing; checks the content digest after."""
    started = time.perf_counter()
    with configured_store() as store, errors_exit(1):
        info = restore(store, file, replace=replace)
    seconds = time.perf_counter() - started
    audit("restore", {"file": str(file), "digest": info.digest, "nodes": info.nodes, "relationships": info.relationships,
                      "schema_version": info.schema_version, "replace": replace, "backup_created": info.created})
    typer.echo(f"已恢复：{info.nodes} 个节点、{info.relationships} 条关系（备份于 {info.created}，{seconds:.1f} 秒）")
    typer.echo(f"内容校验值一致 / digest verified (sha256): {info.digest}")
    typer.echo("若网页服务正在运行，它会在下一次请求时读到恢复后的数据。", err=True)


def audit_command(
    action: str | None = typer.Option(None, "--action", help=f"only this action: {', '.join(ACTIONS)}"),
    actor: str | None = typer.Option(None, "--actor", help="only actors whose name contains this"),
    limit: int = typer.Option(50, min=0, help="newest entries to show (0: all)"),
    fmt: AuditFormat = typer.Option(AuditFormat.table, "--format", help="table | json | csv | xlsx"),
    output: Path | None = typer.Option(None, "-o", "--output", help="write to this file (csv/xlsx)"),
) -> None:
    """The audit log, newest first: who did what, when."""
    with audit_log() as log:
        entries = log.entries(action=action, actor=actor)
    if limit:
        entries = entries[:limit]
    listed = rows(entries)
    if fmt is AuditFormat.table:
        typer.echo("时间\t操作人\t角色\t操作\t详情")
        for row in listed:
            typer.echo(f"{row['at']}\t{row['actor']}\t{row['role']}\t{row['action']}\t{row['details']}")
        return
    if fmt is AuditFormat.json:
        text = json.dumps([entry.__dict__ for entry in entries], ensure_ascii=False, indent=1)
        if output is None:
            typer.echo(text)
        else:
            output.write_text(text, encoding="utf-8")
        return
    body = render_rows(table_rows(entries), "csv" if fmt is AuditFormat.csv else "xlsx", title="审计日志")
    if output is None:
        if fmt is AuditFormat.xlsx:
            raise typer.BadParameter("xlsx needs -o FILE", param_hint="--output")
        typer.echo(body.decode("utf-8-sig") if isinstance(body, bytes) else body)
    else:
        output.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
        typer.echo(f"已写出 {len(listed)} 条 → {output}", err=True)

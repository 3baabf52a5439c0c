"""What the commands of the ``chainatlas`` CLI share: the settings, the store they choose, and how an
error is reported (in red on stderr, with the exit code).

Every command that opens the store says which one on stderr (stdout stays clean for pipes), and
first rolls back any import a process left unfinished when it died, saying so there too
(``stores.imports``); one that needs data (``needs_data=True``: the analyses, export, search) refuses an empty store with exit
code 3 and says how to load it, and never creates an embedded store that is not there.

The command modules import this module, never ``app.cli.main``, which imports them to register
their commands.

>>> with errors_exit(2):
...     raise ChainAtlasError("no such chain")
Traceback (most recent call last):
typer.exceptions.Exit: 2
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer

from app.settings import Settings, load_settings
from graph_schema.errors import ChainAtlasError
from stores.audit import AuditLog, active, cli_actor
from stores.base import GraphStore
from stores.factory import open_store
from stores.imports import recover_and_tell

EMPTY_STORE = 3  # the exit code of a command that needs data run on an empty store
LOAD_ENTERPRISES = (
    "载入企业数据：chainatlas import 企业名录.xlsx 供应关系.csv（导入模板：chainatlas template -o 模板.xlsx），"
    "或载入示例数据（虚构）：chainatlas demo"
)
LOAD_REFERENCE = "先载入规划参考数据：chainatlas load-reference"
OTHER_FOLDER = "若数据在别的目录，请设置环境变量 CHAINATLAS_DATA_DIR 指向它"


def settings() -> Settings:
    """The settings from the environment; a bad setting exits with code 2."""
    try:
        return load_settings()
    except ChainAtlasError as exc:
        typer.secho(f"配置错误 / configuration error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


def fail(message: str, code: int = 1) -> typer.Exit:
    """Report ``message`` as an error; returns the ``typer.Exit`` for the caller to raise."""
    typer.secho(f"错误 / error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


@contextmanager
def errors_exit(code: int) -> Iterator[None]:
    """A ChainAtlasError raised inside is reported and exits with ``code``."""
    try:
        yield
    except ChainAtlasError as exc:
        raise fail(str(exc), code) from None



@contextmanager
def audit_log() -> Iterator[AuditLog]:
    """The audit log beside the token registry, active (``stores.audit.record``) for the OS user."""
    log = AuditLog(settings().audit_path)
    try:
        with active(log, cli_actor()):
            yield log
    finally:
        log.close()


def audit(action: str, details: dict[str, Any]) -> None:
    """Record one action of the OS user running the command."""
    with audit_log() as log:
        log.add(cli_actor(), action, details)


@contextmanager
def configured_store(*, needs_data: bool = False) -> Iterator[GraphStore]:
    """The store the settings choose (named on stderr), closed afterwards; it cannot be opened: exit 2;
    ``needs_data`` and it holds no chain or no enterprise: exit 3; a ChainAtlasError while it is
    used: exit 1."""
    chosen = settings()
    typer.echo(f"数据存储 / store: {chosen.store_description()}", err=True)
    if needs_data and chosen.store == "embedded" and not chosen.embedded_path.exists():
        raise fail(f"数据存储 {chosen.embedded_path} 不存在，其中没有数据。请{LOAD_REFERENCE}，再{LOAD_ENTERPRISES}。{OTHER_FOLDER}。", EMPTY_STORE)
    try:
        store = open_store(chosen.store_config())
    except ChainAtlasError as exc:
        typer.secho(f"无法打开数据存储 / cannot open the store: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    try:
        with errors_exit(1):
            tell_recovered(store)
        if needs_data:
            refuse_empty(store, chosen.store_description())
        with errors_exit(1):
            yield store
    finally:
        store.close()


def tell_recovered(store: GraphStore) -> None:
    """Roll back the imports whose process died before publishing them, and say so on stderr
    (``发现未完成的导入 7（开始于 …），已回滚：… 条``)."""
    for message in recover_and_tell(store):
        typer.secho(message, fg=typer.colors.YELLOW, err=True)


def refuse_empty(store: GraphStore, description: str) -> None:
    """Exit 3 with a message saying how to load data when ``store`` holds no chain or no enterprise
    (a store without chains but with supply links — an imported network such as Willems' — is
    analysed as it is, on the whole graph)."""
    counts = store.counts()
    if not counts.get("Chain") and not counts.get("SUPPLIES"):
        raise fail(f"{description} 中没有产业链。请{LOAD_REFERENCE}，再{LOAD_ENTERPRISES}。{OTHER_FOLDER}。", EMPTY_STORE)
    if not counts.get("Enterprise"):
        raise fail(f"{description} 中没有企业。请{LOAD_ENTERPRISES}。{OTHER_FOLDER}。", EMPTY_STORE)

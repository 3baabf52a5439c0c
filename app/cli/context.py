"""What the commands of the ``chainatlas`` CLI share: the settings, the store they choose, and how an
error is reported (in red on stderr, with the exit code).

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

import typer

from app.settings import Settings, load_settings
from graph_schema.errors import ChainAtlasError
from stores.base import GraphStore
from stores.factory import open_store


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
def configured_store() -> Iterator[GraphStore]:
    """The store the settings choose, closed afterwards; it cannot be opened: exit 2; a
    ChainAtlasError while it is used: exit 1."""
    config = settings().store_config()
    try:
        store = open_store(config)
    except ChainAtlasError as exc:
        typer.secho(f"无法打开数据存储 / cannot open the store: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    try:
        with errors_exit(1):
            yield store
    finally:
        store.close()

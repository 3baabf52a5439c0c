"""The ``chainatlas`` command line.

Examples::

    chainatlas load-reference          # the plan's chains, clusters, places and product maps
    chainatlas serve --port 8000       # the web app; prints its URL
    chainatlas counts                  # what the store holds
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from collections.abc import Iterator

import typer

from app.settings import Settings, load_settings
from graph_schema.errors import ChainAtlasError
from stores.base import GraphStore
from stores.factory import open_store

cli = typer.Typer(help="ChainAtlas 产业链图谱", no_args_is_help=True, add_completion=False)


def _settings() -> Settings:
    try:
        return load_settings()
    except ChainAtlasError as exc:
        typer.secho(f"配置错误 / configuration error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


@contextmanager
def _store() -> Iterator[GraphStore]:
    settings = _settings()
    try:
        store = open_store(settings)
    except ChainAtlasError as exc:
        typer.secho(f"无法打开数据存储 / cannot open the store: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    try:
        yield store
    except ChainAtlasError as exc:
        typer.secho(f"错误 / error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    finally:
        store.close()


@cli.command("load-reference")
def load_reference_command() -> None:
    """Load the 8810 plan's chains, clusters, places and the curated product maps."""
    from loaders.reference import load_reference

    with _store() as store:
        counts = load_reference(store)
    typer.echo(json.dumps(counts, ensure_ascii=False))


@cli.command()
def counts() -> None:
    """Nodes per label and relationships per type."""
    with _store() as store:
        typer.echo(json.dumps(store.counts(), ensure_ascii=False))


@cli.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8000, min=1, max=65535, help="port to listen on"),
    load_reference: bool = typer.Option(False, "--load-reference", help="load the reference data first"),
) -> None:
    """Serve the web app and the API; prints the URL."""
    import uvicorn

    from app.main import create_app

    settings = _settings()
    try:
        store = open_store(settings)
        if load_reference:
            from loaders.reference import load_reference as load

            load(store)
    except ChainAtlasError as exc:
        typer.secho(f"无法启动 / cannot start: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    typer.echo(f"ChainAtlas 产业链图谱 running at http://{shown}:{port}/  (store: {settings.store}; Ctrl+C to stop)")
    try:
        uvicorn.run(create_app(settings, store=store), host=host, port=port, log_level="warning")
    finally:
        store.close()


def main() -> None:
    """Entry point of the console script."""
    cli(prog_name="chainatlas")


if __name__ == "__main__":
    sys.exit(main())

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
        store = open_store(settings.store_config())
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

    from app.security.tokens import TokenRegistry
    from app.main import create_app

    settings = _settings()
    try:
        tokens = TokenRegistry(settings.tokens_path)
        store = open_store(settings.store_config())
        if load_reference:
            from loaders.reference import load_reference as load

            load(store)
    except ChainAtlasError as exc:
        typer.secho(f"无法启动 / cannot start: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/"
    typer.echo(f"ChainAtlas 产业链图谱 running at {url}  (store: {settings.store}; Ctrl+C to stop)")
    if not tokens.has_admin():
        admin = tokens.issue("admin", "首次启动生成的管理员")
        typer.echo("First start: an admin token was generated. It is shown only this once; keep it safe.")
        typer.echo(f"首次启动已生成管理员令牌（仅显示这一次）：{admin}")
        typer.echo(f"Sign in: {url}login?token={admin}")
    try:
        uvicorn.run(create_app(settings, store=store, tokens=tokens, warm=True), host=host, port=port, log_level="warning")
    finally:
        store.close()
        tokens.close()


token_cli = typer.Typer(help="Access tokens: issue, list, revoke (viewer 招商 / reviewer 安全审查 / admin 管理员)")
cli.add_typer(token_cli, name="token")


@token_cli.command("issue")
def token_issue(
    role: str = typer.Option(..., help="viewer | reviewer | admin"),
    holder: str = typer.Option(..., help="who the token is for, e.g. 招商局 张三"),
) -> None:
    """Issue a token and print it (the only time it is shown)."""
    from app.security.tokens import TokenRegistry

    registry = TokenRegistry(_settings().tokens_path)
    try:
        typer.echo(registry.issue(role, holder))
    except ChainAtlasError as exc:
        typer.secho(f"错误 / error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    finally:
        registry.close()


@token_cli.command("list")
def token_list() -> None:
    """List issued tokens (never the tokens themselves)."""
    from app.security.tokens import TokenRegistry

    registry = TokenRegistry(_settings().tokens_path)
    for info in registry.list():
        typer.echo(f"{info.id}\t{info.role}\t{info.holder}\t{info.created}\t{'revoked' if info.revoked else 'active'}")
    registry.close()


@token_cli.command("revoke")
def token_revoke(token_id: int = typer.Argument(..., help="the id shown by `chainatlas token list`")) -> None:
    """Revoke a token by id."""
    from app.security.tokens import TokenRegistry

    registry = TokenRegistry(_settings().tokens_path)
    revoked = registry.revoke(token_id)
    registry.close()
    if not revoked:
        typer.secho(f"no token with id {token_id}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {token_id}")


def _register_commands() -> None:
    from app.cli import analyses as cli_analyses
    from app.cli import data as cli_data

    cli_data.register(cli)
    cli_analyses.register(cli)


_register_commands()


def main() -> None:
    """Entry point of the console script."""
    cli(prog_name="chainatlas")


if __name__ == "__main__":
    sys.exit(main())

"""The ``chainatlas`` command line.

Examples::

    chainatlas load-reference          # the plan's chains, clusters, places and product maps
    chainatlas serve --port 8000       # the web app; prints its URL
    chainatlas counts                  # what the store holds
    chainatlas search 小蓝             # find a chain, product, park, cluster or enterprise by name

The store is the one the settings choose (``app.settings``: by default ``var/`` of the checkout);
each command names it on stderr.
"""

from __future__ import annotations

import json

import typer

from app.cli import analyses, data, names, operations, search, tokens
from app.cli.context import LOAD_ENTERPRISES, LOAD_REFERENCE, configured_store, settings, tell_recovered
from app.security.tokens import TokenRegistry
from graph_schema.errors import ChainAtlasError
from stores.factory import open_store

cli = typer.Typer(help="ChainAtlas 产业链图谱", no_args_is_help=True, add_completion=False)


@cli.command("load-reference")
def load_reference_command() -> None:
    """Load the 8810 plan's chains, clusters, places and the curated product maps."""
    from loaders.reference import load_reference

    with configured_store() as store:
        counts = load_reference(store)
    typer.echo(json.dumps(counts, ensure_ascii=False))


@cli.command()
def counts() -> None:
    """Nodes per label and relationships per type."""
    with configured_store() as store:
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

    chosen = settings()
    try:
        tokens = TokenRegistry(chosen.tokens_path)
        store = open_store(chosen.store_config())
        tell_recovered(store)
        if load_reference:
            from loaders.reference import load_reference as load

            load(store)
    except ChainAtlasError as exc:
        typer.secho(f"无法启动 / cannot start: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/"
    typer.echo(f"ChainAtlas 产业链图谱 running at {url}  (Ctrl+C to stop)")
    typer.echo(f"数据存储 / store: {chosen.store_description()}")
    held = store.counts()
    if not held.get("Chain"):
        typer.echo(f"数据存储中没有产业链：请{LOAD_REFERENCE}（或加 --load-reference 启动）", err=True)
    elif not held.get("Enterprise"):
        typer.echo(f"数据存储中还没有企业：{LOAD_ENTERPRISES}", err=True)
    if not tokens.has_admin():
        admin = tokens.issue("admin", "首次启动生成的管理员")
        typer.echo("First start: an admin token was generated. It is shown only this once; keep it safe.")
        typer.echo(f"首次启动已生成管理员令牌（仅显示这一次，供 API 使用）：{admin}")
        typer.echo(f"一次性登录链接 / one-time sign-in link: {chosen.sign_in_link(tokens.login_code(admin), url)}")
    try:
        uvicorn.run(create_app(chosen, store=store, tokens=tokens, warm=True), host=host, port=port, log_level="warning")
    finally:
        store.close()
        tokens.close()


data.register(cli)
search.register(cli)
analyses.register(cli)
tokens.register(cli)
names.register(cli)
operations.register(cli)


def main() -> None:
    """Entry point of the console script."""
    cli(prog_name="chainatlas")


if __name__ == "__main__":
    main()

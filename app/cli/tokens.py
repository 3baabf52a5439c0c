"""Access tokens from the command line: ``chainatlas token issue | list | revoke``.

``register(cli)`` adds them to a Typer app as the ``token`` group::

    chainatlas token issue --role reviewer --holder "安全审查 李四"    # prints the token, once
    chainatlas token list
    chainatlas token revoke 3
"""

from __future__ import annotations

from contextlib import closing

import typer

from app.cli.context import errors_exit, settings
from app.security.tokens import TokenRegistry

commands = typer.Typer(help="Access tokens: issue, list, revoke (viewer 招商 / reviewer 安全审查 / admin 管理员)")


def register(cli: typer.Typer) -> None:
    """Add the ``token`` group to ``cli``."""
    cli.add_typer(commands, name="token")


def _registry() -> TokenRegistry:
    return TokenRegistry(settings().tokens_path)


@commands.command("issue")
def token_issue(
    role: str = typer.Option(..., help="viewer | reviewer | admin"),
    holder: str = typer.Option(..., help="who the token is for, e.g. 招商局 张三"),
) -> None:
    """Issue a token and print it (the only time it is shown)."""
    with closing(_registry()) as registry, errors_exit(2):
        typer.echo(registry.issue(role, holder))


@commands.command("list")
def token_list() -> None:
    """List issued tokens (never the tokens themselves)."""
    with closing(_registry()) as registry:
        for info in registry.list():
            typer.echo(f"{info.id}\t{info.role}\t{info.holder}\t{info.created}\t{'revoked' if info.revoked else 'active'}")


@commands.command("revoke")
def token_revoke(token_id: int = typer.Argument(..., help="the id shown by `chainatlas token list`")) -> None:
    """Revoke a token by id."""
    with closing(_registry()) as registry:
        revoked = registry.revoke(token_id)
    if not revoked:
        typer.secho(f"no token with id {token_id}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {token_id}")

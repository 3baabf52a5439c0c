"""Access tokens from the command line: ``chainatlas token issue | list | revoke``.

``register(cli)`` adds them to a Typer app as the ``token`` group::

    chainatlas token issue --role reviewer --holder "安全审查 李四"    # prints the sign-in link, once
    chainatlas token issue --role viewer --holder "招商局 张三" --url http://10.0.0.5:8000
    chainatlas token list
    chainatlas token revoke 3
"""

from __future__ import annotations

from contextlib import closing

import typer

from app.cli.context import audit, errors_exit, fail, settings
from app.security.tokens import CODE_DAYS, TokenRegistry
from app.settings import DEFAULT_PUBLIC_URL

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
    url: str | None = typer.Option(None, "--url", help="网页地址，如 http://10.0.0.5:8000（默认：CHAINATLAS_PUBLIC_URL 或 http://127.0.0.1:8000）"),
    expires_days: int | None = typer.Option(None, "--expires-days", min=1, help="有效天数（默认：直到撤销）"),
) -> None:
    """Issue a token: its one-time sign-in link on stdout; the token itself (for the API) and how to use both on stderr."""
    chosen = settings()
    base = chosen.public_url if url is None else url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise fail(f"--url {url!r}：请写成 http://主机:端口 的形式", 2)
    with closing(_registry()) as registry, errors_exit(2):
        token = registry.issue(role, holder, expires_in_days=expires_days)
        code = registry.login_code(token)
    audit("token.issue", {"holder": holder.strip(), "role": role, "expires_days": expires_days, "via": "命令行"})
    until = f"，{expires_days} 天后过期" if expires_days else "，撤销前一直有效"
    typer.echo(f"已为「{holder}」签发 {role} 令牌{until}。一次性登录链接（打开后确认即可登录，只能用一次，{CODE_DAYS} 天内有效；"
               "请当面或经加密渠道转交；撤销：chainatlas token list / revoke）：", err=True)
    typer.echo(chosen.sign_in_link(code, base))
    typer.echo(f"API 令牌（只显示这一次；请求头 Authorization: Bearer …，也可在登录页输入）：{token}", err=True)
    if url is None and chosen.public_url == DEFAULT_PUBLIC_URL:
        typer.echo(f"注意：链接中的 {DEFAULT_PUBLIC_URL} 只在运行服务器的这台电脑上有效；请换成浏览器访问服务器所用的地址和端口"
                   "（或用 --url、环境变量 CHAINATLAS_PUBLIC_URL 指定）。", err=True)


@commands.command("link")
def token_link(
    token: str = typer.Argument(..., help="the API token"),
    url: str | None = typer.Option(None, "--url", help="网页地址（默认：CHAINATLAS_PUBLIC_URL）"),
) -> None:
    """Print a new one-time sign-in link for a token (e.g. for another browser)."""
    chosen = settings()
    with closing(_registry()) as registry, errors_exit(2):
        code = registry.login_code(token)
    typer.echo(chosen.sign_in_link(code, (url or chosen.public_url).rstrip("/")))


@commands.command("list")
def token_list() -> None:
    """List issued tokens (never the tokens themselves)."""
    with closing(_registry()) as registry:
        typer.echo("编号\t角色\t持有人\t签发时间\t到期\t最近使用\t状态")
        for info in registry.list():
            typer.echo(f"{info.id}\t{info.role}\t{info.holder}\t{info.created}\t{info.expires or '不过期'}\t{info.last_used or '未使用'}\t{info.state}")


@commands.command("revoke")
def token_revoke(token_id: int = typer.Argument(..., help="the id shown by `chainatlas token list`")) -> None:
    """Revoke a token by id."""
    with closing(_registry()) as registry:
        revoked = registry.revoke(token_id)
        holder, role = registry.token_holder(token_id) or ("", "")
    if not revoked:
        typer.secho(f"no token with id {token_id}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    audit("token.revoke", {"token_id": token_id, "holder": holder, "role": role, "via": "命令行"})
    typer.echo(f"revoked {token_id}")

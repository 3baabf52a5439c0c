"""The login page: the only page open to anonymous users (with /health).

A browser signs in with a one-time login link (``/login?code=…``: a confirmation page, then a POST
that uses the code up) or by typing its token into the form; either way it gets a session cookie,
never the token. The POSTs pass the cross-site guard (``app.security.cross_site``), so another site
cannot sign a visitor in as someone else (login CSRF).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.security.deps import AuditDep, TokensDep
from app.security.tokens import COOKIE, ROLE_NAMES, SESSION_DAYS
from app.web.templating import templates
from stores.audit import ANONYMOUS, Actor

router = APIRouter(include_in_schema=False)
USED_OR_EXPIRED = "登录链接无效：它已被使用、已过期或已被撤销。请向管理员索取新的链接，或在下方输入访问令牌。"
TOKEN_LINKS_GONE = "为安全起见，含令牌的登录链接已停用：请使用管理员发的一次性登录链接，或在下方输入访问令牌。"


def login_url(next_path: str) -> str:
    """Where to send a visitor without a valid session."""
    return "/login?next=" + quote(next_path, safe="/:")


def _safe_next(next_path: str | None) -> str:
    """Only local paths: never redirect to another site."""
    if not next_path or not next_path.startswith("/") or next_path.startswith("//") or "\\" in next_path:
        return "/"
    return next_path


def _signed_in(request: Request, session: str, next_path: str | None) -> Response:
    response = RedirectResponse(_safe_next(next_path), status_code=303)
    secure = bool(getattr(request.app.state, "secure_cookies", False))
    response.set_cookie(COOKIE, session, httponly=True, samesite="strict", secure=secure, max_age=SESSION_DAYS * 24 * 3600)
    return response


def _client(request: Request) -> str:
    return request.client.host if request.client else ""


def _form(request: Request, next_path: str | None, failed: str = "", status: int = 200) -> Response:
    return templates.TemplateResponse(request, "login.html", {"next": _safe_next(next_path), "failed": failed, "synthetic": False},
                                      status_code=status)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, tokens: TokensDep, code: str | None = None, token: str | None = None,
               next: str | None = None) -> Response:
    """The login form; ``/login?code=…`` asks to confirm who the one-time link signs in as."""
    if token:  # links that carried the token itself are not honoured (logs, history, login CSRF)
        return _form(request, next, TOKEN_LINKS_GONE, 401)
    if code:
        found = tokens.code_holder(code)
        if found is None:
            return _form(request, next, USED_OR_EXPIRED, 401)
        holder, role = found
        return templates.TemplateResponse(request, "login.html", {
            "holder": holder, "role_name": ROLE_NAMES[role], "code": code, "next": _safe_next(next), "synthetic": False,
        })
    return _form(request, next)


@router.post("/login")
def login_submit(request: Request, tokens: TokensDep, audit: AuditDep, token: str = Form(""), code: str = Form(""),
                 next: str = Form("/")) -> Response:
    """Exchange a one-time code or a typed token for a session (each attempt goes into the audit log)."""
    by = "一次性链接" if code.strip() else "输入令牌"
    holder = tokens.code_holder(code.strip()) if code.strip() else tokens.holder(token=token.strip())
    session = tokens.open_session(code.strip()) if code.strip() else tokens.open_session(token=token.strip())
    if session is not None:
        found = tokens.holder(session=session)
        audit.add(Actor(*found) if found else Actor(ANONYMOUS, ""), "login", {"by": by, "client": _client(request)})
        return _signed_in(request, session, next)
    audit.add(Actor(*holder) if holder else Actor(ANONYMOUS, ""), "login.failed", {"by": by, "client": _client(request)})
    return _form(request, next, USED_OR_EXPIRED if code.strip() else "令牌无效、已过期或已被撤销，请重新输入。", 401)


@router.post("/logout")
@router.get("/logout")
def logout(request: Request, tokens: TokensDep) -> Response:
    tokens.close_session(request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response

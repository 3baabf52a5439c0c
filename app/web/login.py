"""The login page: the only page open to anonymous users (with /health)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.security.deps import TokensDep
from app.security.tokens import COOKIE
from app.web.templating import templates

router = APIRouter(include_in_schema=False)


def login_url(next_path: str) -> str:
    """Where to send a visitor without a valid token."""
    return "/login?next=" + quote(next_path, safe="/:")


def _safe_next(next_path: str | None) -> str:
    """Only local paths: never redirect to another site."""
    if not next_path or not next_path.startswith("/") or next_path.startswith("//") or "\\\\" in next_path:
        return "/"
    return next_path


def _signed_in(token: str, next_path: str | None) -> Response:
    response = RedirectResponse(_safe_next(next_path), status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", max_age=30 * 24 * 3600)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, tokens: TokensDep, token: str | None = None, next: str | None = None) -> Response:
    """The login form; ``/login?token=…`` (the link printed at first start) signs in directly."""
    if token and tokens.role_of(token):
        return _signed_in(token, next)
    return templates.TemplateResponse(
        request, "login.html", {"next": _safe_next(next), "failed": bool(token), "synthetic": False},
        status_code=401 if token else 200,
    )


@router.post("/login")
def login_submit(request: Request, tokens: TokensDep, token: str = Form(...), next: str = Form("/")) -> Response:
    if tokens.role_of(token.strip()):
        return _signed_in(token.strip(), next)
    return templates.TemplateResponse(
        request, "login.html", {"next": _safe_next(next), "failed": True, "synthetic": False}, status_code=401
    )


@router.get("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response

"""Refuse cross-site state-changing requests (CSRF and login CSRF), as plain ASGI middleware.

SameSite=Strict cookies are not enough: another port on the same host is the same *site*. So every
request that may change state (any method but GET, HEAD, OPTIONS) must show it comes from a page
of this very origin, unless it authenticates with ``Authorization: Bearer …`` (which a browser never
adds on its own):

- ``Sec-Fetch-Site`` (sent by current browsers) must be ``same-origin`` or ``none``;
- else ``Origin`` (or, failing that, ``Referer``) must name this server's host and port (the scheme is
  not compared: behind an HTTPS proxy the app itself is spoken to in plain HTTP);
- a request with neither is refused when it carries the session cookie (a browser too old to say
  where it comes from) and let through otherwise (a script without credentials: nothing to abuse).

>>> allowed({"sec-fetch-site": "same-site", "origin": "http://127.0.0.1:8000"}, "127.0.0.1:8000", True)
False
>>> allowed({"origin": "http://127.0.0.1:8000"}, "127.0.0.1:8000", True)
True
>>> allowed({"origin": "http://127.0.0.1:9999"}, "127.0.0.1:8000", False)  # another port: another origin
False
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MESSAGE = "跨站请求被拒绝：修改数据的请求只能从本系统的页面发出（或使用 Authorization: Bearer 令牌）"


def allowed(headers: Mapping[str, str], host: str, with_cookie: bool) -> bool:
    """Whether a state-changing request with these (lower-case) headers comes from this origin."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    source = headers.get("origin") or headers.get("referer")
    if not source or source == "null":
        return not with_cookie and not source
    return urlsplit(source).netloc.lower() == host.lower()


class CrossSiteGuard:
    """403 (JSON for the API, a short Chinese page otherwise) for cross-site state-changing requests."""

    def __init__(self, app: ASGIApp, cookie: str) -> None:
        self.app = app
        self.cookie = cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        if headers.get("authorization", "").lower().startswith("bearer "):
            await self.app(scope, receive, send)
            return
        with_cookie = f"{self.cookie}=" in headers.get("cookie", "")
        host = headers.get("host", "")
        if allowed(headers, host, with_cookie):
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/")
        body = (json.dumps({"error": MESSAGE}, ensure_ascii=False) if api else f"<!doctype html><meta charset=utf-8><title>请求被拒绝</title><p>{MESSAGE}</p>").encode()
        await send({"type": "http.response.start", "status": 403, "headers": [
            (b"content-type", b"application/json" if api else b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        ]})
        await send({"type": "http.response.body", "body": body})

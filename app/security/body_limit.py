"""Refuse request bodies over a size limit before they are read or spooled to disk (HTTP 413).

Starlette saves every uploaded file part to a temporary file before the route sees it, with no size
limit of its own, so the check has to sit in front of it: the declared ``Content-Length`` first,
then the bytes actually received (a chunked upload has no length).

>>> limit = BodyLimit(app=None, limits={"/api/imports": 100}, default=10)
>>> limit.limit_for("/api/imports"), limit.limit_for("/login")
(100, 10)
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    """Raised inside the app when more bytes arrive than the limit allows: an HTTP 413 error.

    An HTTPException, so that FastAPI's body parsing passes it on instead of turning it into a 400.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=_message(limit))


class BodyLimit:
    """Allow at most ``limits[path prefix]`` (else ``default``) bytes of request body."""

    def __init__(self, app: ASGIApp, limits: dict[str, int], default: int) -> None:
        self.app = app
        self.limits = dict(limits)
        self.default = default

    def limit_for(self, path: str) -> int:
        return next((size for prefix, size in self.limits.items() if path.startswith(prefix)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send, limit)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await _refuse(send, limit)


def _message(limit: int) -> str:
    return f"请求过大：上限 {limit / (1024 * 1024):g} MB，请拆分文件分批上传"


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"error": _message(limit)}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})

"""Errors on browser pages as a Chinese HTML page with the site's header; the API keeps JSON errors.

>>> error_title(404), error_title(418)
('未找到', '请求未能完成')
>>> error_text(404, "Not Found"), error_text(404, "企业不存在：ent:x")
('页面不存在，请检查网址。', '企业不存在：ent:x')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.web.templating import templates

JSON_PATHS = ("/api/", "/health", "/openapi.json", "/static/")  # machine-facing: errors stay JSON
TITLES = {400: "请求有误", 401: "需要登录", 403: "无权访问", 404: "未找到", 405: "不支持的请求方式",
          413: "请求过大", 422: "参数有误"}
GENERIC_TEXT = {404: "页面不存在，请检查网址。", 405: "此页面不支持这种请求方式。"}


def is_page_request(request: Request) -> bool:
    """True for the browser pages (everything outside JSON_PATHS)."""
    return not request.url.path.startswith(JSON_PATHS)


def error_title(status: int) -> str:
    return TITLES.get(status, "请求未能完成")


def error_text(status: int, detail: str) -> str:
    """``detail`` unless it is only Starlette's English phrase for the status (``Not Found``)."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = None
    if detail == phrase:
        return GENERIC_TEXT.get(status, "请求未能完成，请返回重试。")
    return detail


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "error.html",
        {"title": error_title(status), "message": error_text(status, detail), "synthetic": False},
        status_code=status,
    )


def preparing_page(request: Request, retry_after: int) -> HTMLResponse:
    """数据正在准备，请稍候 (202): the page refreshes itself every ``retry_after`` seconds until its
    analysis, computed in the background, is ready (``app.readmodel.preparing``)."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return templates.TemplateResponse(
        request, "preparing.html", {"retry_after": retry_after, "here": here, "synthetic": False},
        status_code=202, headers={"Retry-After": str(retry_after), "Cache-Control": "no-store"},
    )


def validation_message(errors: Sequence[Mapping[str, Any]]) -> str:
    """What is wrong with a page's parameters, in Chinese: missing ones, then malformed ones.

    >>> validation_message([{"type": "missing", "loc": ("query", "product")},
    ...                     {"type": "string_pattern_mismatch", "loc": ("query", "chain")}])
    '缺少参数：product；以下参数的格式不正确：chain'
    """
    missing = dict.fromkeys(str(error["loc"][-1]) for error in errors if error.get("type") == "missing")
    malformed = dict.fromkeys(str(error["loc"][-1]) for error in errors if error.get("type") != "missing")
    parts = [f"缺少参数：{'、'.join(missing)}"] * bool(missing) + [f"以下参数的格式不正确：{'、'.join(malformed)}"] * bool(malformed)
    return "；".join(parts)

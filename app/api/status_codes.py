"""Every status code an API operation can answer, in the OpenAPI document.

Most come from the app's machinery, alike for every operation of a kind, and are added to each
operation of the document by ``document_status_codes``:

- 400 the store or the domain refused (``ChainAtlasError`` → ``{"error": …}``): every operation under /api;
- 401 no valid token: every operation behind ``require``;
- 403 a role too low (operations for reviewers or admins), or a state-changing request (POST, PUT,
  PATCH, DELETE) from another site (``app.security.cross_site``);
- 413 a request body over the limit (``app.security.body_limit``, in front of every path);
- 404 what the path names does not exist: every operation with a path parameter;
- 422 a parameter or body refused: every operation that takes either;
- 503 the store unavailable, with ``Retry-After``: every operation under /api.

Codes an operation raises otherwise (404 for a ``chain`` query parameter naming no chain, …) are
in its own ``responses=``; tests/app/test_openapi_status_codes.py checks both against the answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

DESCRIPTIONS = {
    400: "请求有误，或数据库拒绝了该操作：{\"error\": 中文原因}",
    401: "需要登录：缺少令牌，或令牌无效、已撤销、已过期（WWW-Authenticate: Bearer）",
    403: "权限不足（需要更高角色），或跨站的修改请求被拒绝",
    404: "所指的产业链、产品、企业或其他对象不存在",
    413: "请求体过大",
    422: "参数错误：{\"error\": 中文原因}",
    503: "数据库暂不可用，请稍后重试（Retry-After）",
}
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ERROR_BODY = {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "string", "description": "中文原因"}}, "required": ["error"],
}}}


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _dependencies(dependency)


def required_role(route: Any) -> str | None:
    """The role ``require`` asks of ``route`` (an APIRoute or FastAPI's route context of one; the
    highest, when several), None when it asks none."""
    roles = [getattr(d.call, "role", None) for d in _dependencies(route.dependant)]
    order = ("viewer", "reviewer", "admin")
    return max((role for role in roles if role in order), key=order.index, default=None)


def machinery_codes(route: Any) -> set[int]:
    """The status codes the app's machinery can answer for ``route`` (see the module docstring)."""
    codes = {413}
    if route.path_format.startswith("/api/"):
        codes |= {400, 503}
    role = required_role(route)
    if role is not None:
        codes.add(401)
    if (role is not None and role != "viewer") or route.methods & UNSAFE_METHODS:
        codes.add(403)
    dependant = route.dependant
    if dependant.path_params:  # the path names an object, which may not exist
        codes.add(404)
    if dependant.path_params or dependant.query_params or dependant.header_params or dependant.body_params:
        codes.add(422)
    return codes


def document_status_codes(app: FastAPI) -> None:
    """Make ``app``'s OpenAPI document list the machinery's status codes on every operation."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()  # FastAPI's, cached until the routes change; adding again changes nothing
        paths = document.get("paths", {})
        for route in iter_route_contexts(app.routes):
            if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
                continue
            for method in route.methods or ():
                operation = paths.get(route.path_format, {}).get(method.lower())
                if operation is None:
                    continue
                responses = operation.setdefault("responses", {})
                for code in sorted(machinery_codes(route)):
                    responses.setdefault(str(code), {"description": DESCRIPTIONS[code], "content": ERROR_BODY})
        return document

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to change the document

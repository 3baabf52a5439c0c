"""Lists in the API: paginated JSON, or the COMPLETE list as a CSV/XLSX download.

>>> page_of([{"a": 1}, {"a": 2}, {"a": 3}], page=2, size=2)["items"]
[{'a': 3}]
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Query
from fastapi.responses import Response

from app.output import render_rows

ListFormat = Literal["json", "csv", "xlsx"]
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

PageQuery = Query(1, ge=1, le=1_000_000, description="页码，从 1 开始")
SizeQuery = Query(50, ge=1, le=1000, description="每页条数")
FormatQuery = Query("json", description="json 分页返回；csv / xlsx 下载完整列表（不分页）")
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {  # what the OpenAPI document says a download returns
    200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}
}


def page_of(rows: list[dict[str, Any]], *, page: int, size: int) -> dict[str, Any]:
    """One page of ``rows`` with the total count."""
    start = (page - 1) * size
    return {"items": rows[start : start + size], "total": len(rows), "page": page, "size": size}


def download(rows: list[dict[str, Any]], fmt: ListFormat, filename: str, *, title: str) -> Response:
    """Every row as a CSV (UTF-8 with BOM, for Excel) or XLSX attachment."""
    body = render_rows(rows, fmt, title=title)
    return Response(
        body, media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'},
    )


def listing(rows: list[dict[str, Any]], *, page: int, size: int, fmt: ListFormat, filename: str, title: str) -> Any:
    """A page of JSON, or the whole list as a file when ``fmt`` is csv/xlsx."""
    if fmt == "json":
        return page_of(rows, page=page, size=size)
    return download(rows, fmt, filename, title=title)

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


# The Chinese headings of the lookup lists' fields in a downloaded file (JSON keeps the English keys).
FILE_HEADINGS = {
    "id": "ID", "name": "名称", "kind": "类型", "credit_code": "统一社会信用代码", "country": "国家/地区",
    "province": "省份", "city": "城市", "district": "所在区县", "local": "本地企业", "revenue_yi": "营收(亿元)",
    "tags": "标签", "synthetic": "示例数据", "segment": "环节", "stage": "阶段", "producers": "生产企业数",
    "within": "所属区县", "enterprises": "企业数", "chains": "产业链", "bases": "布局区县", "members": "成员企业数",
}


def for_people(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """List rows as a file shows them: fields under their Chinese headings, 是/否 for yes/no.

    >>> for_people([{"id": "park:x", "name": "小蓝经开区", "local": True, "企业数": 3}])
    [{'ID': 'park:x', '名称': '小蓝经开区', '本地企业': '是', '企业数': 3}]
    """
    return [
        {FILE_HEADINGS.get(key, key): ("是" if value else "否") if isinstance(value, bool) else value for key, value in row.items()}
        for row in rows
    ]


def listing(rows: list[dict[str, Any]], *, page: int, size: int, fmt: ListFormat, filename: str, title: str) -> Any:
    """A page of JSON, or the whole list as a file (Chinese headings) when ``fmt`` is csv/xlsx."""
    if fmt == "json":
        return page_of(rows, page=page, size=size)
    return download(for_people(rows), fmt, filename, title=title)

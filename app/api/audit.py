"""Admin-only API: the audit log, newest first, as paged JSON or a complete CSV / XLSX download."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from app.api.listing import FILE_RESPONSES, FormatQuery, ListFormat, PageQuery, SizeQuery, download, page_of
from app.security.deps import AuditDep
from stores.audit import ACTIONS, rows, table_rows

router = APIRouter(prefix="/api/audit", tags=["admin"])


@router.get("", summary="审计日志（最新在前；可按操作、操作人筛选；csv / xlsx 下载全部）", responses=FILE_RESPONSES)
def audit_log(
    audit: AuditDep,
    action: str | None = Query(None, max_length=40, description=f"操作：{'、'.join(ACTIONS)}"),
    actor: str | None = Query(None, max_length=100, description="操作人姓名包含"),
    page: int = PageQuery, size: int = SizeQuery, format: ListFormat = FormatQuery,
) -> Any:
    entries = audit.entries(action=action or None, actor=actor or None)
    if format == "json":
        listed = page_of(rows(entries), page=page, size=size)
        listed["items"] = [{**row, "action_code": entry.action, "details": entry.details}
                           for row, entry in zip(listed["items"], entries[(page - 1) * size:], strict=False)]
        return listed
    return download(table_rows(entries), format, "audit", title="审计日志")

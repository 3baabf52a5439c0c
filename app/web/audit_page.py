"""The admin page /admin/audit: the audit log, newest first, 50 a page, filtered by action and actor,
with CSV / Excel downloads of what is shown (through /api/audit)."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from app.security.deps import AuditDep
from app.security.tokens import ROLE_NAMES
from app.web.graph_view import EDGE_LABELS, KIND_STYLE
from app.web.templating import templates
from stores.audit import ACTIONS, CLI_ROLE, DETAIL_NAMES

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
ITEM_NAMES = {label: style[0] for label, style in KIND_STYLE.items()} | {kind: f"{name}关系" for kind, name in EDGE_LABELS.items()}
"""Chinese names of the node labels and relationship types an import's counts are keyed by."""


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, audit: AuditDep,
    action: str = Query("", max_length=40), actor: str = Query("", max_length=100),
    page: int = Query(1, ge=1, le=1_000_000),
) -> HTMLResponse:
    entries = audit.entries(action=action or None, actor=actor.strip() or None)
    pages = max(1, math.ceil(len(entries) / PAGE_SIZE))
    page = min(page, pages)
    filters = {name: value for name, value in (("action", action), ("actor", actor.strip())) if value}
    return templates.TemplateResponse(request, "audit.html", {
        "entries": entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], "total": len(entries), "page": page, "pages": pages,
        "actions": ACTIONS, "action": action, "actor": actor.strip(), "role_names": {**ROLE_NAMES, CLI_ROLE: CLI_ROLE}, "detail_names": DETAIL_NAMES, "item_names": ITEM_NAMES,
        "page_query": lambda number: urlencode(filters | {"page": number}),
        "export_query": lambda fmt: urlencode(filters | {"format": fmt}), "synthetic": False,
    })

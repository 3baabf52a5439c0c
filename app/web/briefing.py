"""The 链长简报 pages: ``/chains/{chain_id}/briefing`` (HTML, printable) and ``…/briefing.pdf``.

Both render the one template ``briefing.html``; the PDF is that HTML laid out by WeasyPrint with the
print stylesheet (``app.web.pdf``), so the browser's print dialog and the download give the same page.
Critical dependencies are shown to roles allowed to see risks (reviewer and up); others read a note.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from app.deps import AS_OF, CHAIN_ID, chain_or_404
from app.readmodel.graph_cache import dated
from app.readmodel.workspace import holds_synthetic
from app.security.tokens import role_allows
from app.web.as_of_selector import page_as_of, state_query
from app.web.briefing_view import CHAIN_LEADER_RULE, RISK_ROLE_NOTE, chain_briefing
from app.web.charts import PLAN_SENTENCE
from app.web.templating import templates

router = APIRouter(include_in_schema=False)
PDF_UNAVAILABLE = ("无法生成 PDF：本机缺少 Pango 排版库（Debian：apt-get install libpango-1.0-0 libpangoft2-1.0-0）；"
                   "可在简报页用浏览器“打印”另存为 PDF")


def _context(request: Request, chain_id: str, as_of: str | None, *, for_pdf: bool) -> dict[str, Any]:
    cache = request.app.state.graphs
    chain = chain_or_404(cache, chain_id)
    with_risks = role_allows(request.state.role, "reviewer")
    as_of, as_of_line = page_as_of(request, as_of)
    with dated(as_of):
        briefing = chain_briefing(cache, chain, with_risks=with_risks)
    return {
        "as_of_choice": as_of_line, "state_query": state_query(None, as_of),
        "chain": chain, "briefing": briefing, "panorama": briefing.panorama, "panorama_compact": True,
        "with_risks": with_risks,
        "synthetic": holds_synthetic(cache), "today": date.today().isoformat(), "for_pdf": for_pdf,
        "chain_leader_rule": CHAIN_LEADER_RULE, "risk_note": RISK_ROLE_NOTE, "plan_sentence": PLAN_SENTENCE,
    }


@router.get("/chains/{chain_id}/briefing", response_class=HTMLResponse)
def briefing_page(request: Request, chain_id: str = CHAIN_ID, as_of: str | None = AS_OF) -> HTMLResponse:
    return templates.TemplateResponse(request, "briefing.html", _context(request, chain_id, as_of, for_pdf=False))


@router.get("/chains/{chain_id}/briefing.pdf")
def briefing_pdf(request: Request, chain_id: str = CHAIN_ID, as_of: str | None = AS_OF) -> Response:
    try:
        from app.web.pdf import render_pdf, static_mounts  # WeasyPrint loads Pango: only when a PDF is asked for
    except OSError:  # the Pango library is a Debian package (scripts/setup-browser.sh installs it)
        raise HTTPException(status_code=503, detail=PDF_UNAVAILABLE) from None

    context = _context(request, chain_id, as_of, for_pdf=True)
    html = templates.get_template("briefing.html").render({"request": request, **context})
    rendered = render_pdf(html, str(request.base_url), static_mounts(request.app.routes))
    filename = f"{context['briefing'].name}产业链链长简报.pdf"
    return Response(rendered.data, media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=\"chain-briefing.pdf\"; filename*=UTF-8''{quote(filename)}",
    })

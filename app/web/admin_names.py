"""The admin page of near-duplicate enterprise names: merge or keep apart, recorded with who and when.

``GET /admin/duplicates`` lists the undecided pairs (``loaders.name_decisions.near_duplicates``)
and the decisions taken; ``POST /admin/duplicates`` records one (the signed-in token's holder as
who, the time now) and applies a merge at once. The login cookie is ``SameSite=Strict``, so another
site cannot post the form on an admin's behalf.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from app.security.deps import token_of
from app.security.tokens import COOKIE
from app.web.templating import templates
from loaders.name_decisions import DEFAULT_THRESHOLD, DecisionBook, apply_decisions, decision_rows, near_duplicates

router = APIRouter(include_in_schema=False)


def _book(request: Request) -> DecisionBook:
    return DecisionBook.in_folder(Path(request.app.state.data_dir))


@router.get("/admin/duplicates", response_class=HTMLResponse)
async def duplicates_page(request: Request, threshold: float = Query(DEFAULT_THRESHOLD, ge=50, le=100),
                          done: str | None = Query(None, max_length=20)) -> HTMLResponse:
    book = _book(request)
    pairs = await run_in_threadpool(near_duplicates, request.app.state.store, book, threshold=threshold)
    return templates.TemplateResponse(request, "admin_duplicates.html", {
        "pairs": pairs, "decisions": list(decision_rows(book)), "threshold": threshold, "done": done,
    })


@router.post("/admin/duplicates")
async def decide(request: Request, keep: str = Form(..., min_length=1, max_length=200),
                 other: str = Form(..., min_length=1, max_length=200),
                 decision: Literal["merge", "keep"] = Form(...)) -> RedirectResponse:
    found = request.app.state.tokens.holder(token=token_of(request), session=request.cookies.get(COOKIE))
    holder = found[0] if found else None
    if holder is None:
        raise HTTPException(status_code=403, detail="需要管理员登录")
    book = _book(request)
    book.record(keep, other, decision, by=holder)
    if decision == "merge":
        await run_in_threadpool(apply_decisions, request.app.state.store, book)
    return RedirectResponse("/admin/duplicates?done=" + decision, status_code=303)

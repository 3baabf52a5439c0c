"""The 清单 as API operations: 重点企业清单, 缺链补链清单 and 招商目标清单 (the 关键依赖清单 is
``/api/risks``). Each answers a JSON page of its main table (``table`` picks another), or the whole
table as CSV/XLSX (``format``); ``table=all&format=xlsx`` gives every table as one workbook.

Every list takes ``chain`` (none: every chain), ``district`` and ``park`` (``app.readmodel.lists``),
and ``as_of`` (the data as of that date, ``app.readmodel.graph_cache.dated``; default the latest).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from app.api.listing import FILE_RESPONSES, FormatQuery, ListFormat, PageQuery, SizeQuery, download, page_of
from app.api.result_tables import ALL, choose, every_table, table_query, titles
from app.deps import AS_OF, checked_as_of
from app.output import Tabulated, result_tables
from app.readmodel import lists
from app.readmodel.graph_cache import GraphCache, dated
from app.security.deps import require
from queries.lists import KEY_KINDS, LIST_STATUSES

router = APIRouter(prefix="/api/lists", tags=["lists"], dependencies=[require("viewer")])

ChainQuery = Query(None, pattern=r"^chain:[a-z0-9-]{1,60}$", description="产业链 id；不填为全部产业链")
DistrictQuery = Query(None, max_length=60, description="区县名称，如 南昌县（含其中的开发区和园区）")
ParkQuery = Query(None, pattern=r"^park:[A-Za-z0-9_.-]{1,100}$", description="园区 id（含其中的园区）")
STATUSES = LIST_STATUSES
KEY_TABLES, GAP_TABLES, TARGET_TABLES = ("key_enterprises", "kind_counts"), ("gap_list", "status_counts"), ("targets", "summary")
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "产业链不存在"}}


def _cache(request: Request, chain: str | None) -> GraphCache:
    cache: GraphCache = request.app.state.graphs
    if chain is not None and chain not in cache.graph():
        raise HTTPException(status_code=404, detail=f"产业链不存在：{chain}")
    return cache


def _respond(compute: Callable[[], Tabulated], *, name: str, chain: str | None, as_of: str | None, table: str | None,
             keys: Sequence[str], page: int, size: int, fmt: ListFormat) -> Any:
    """The list ``compute()`` makes as of ``as_of`` (checked; None: the latest data): one of its
    tables ``keys`` (``result_tables.choose``) as a JSON page (with the list's summary table), or complete
    as CSV/XLSX (named with its date, if any); every table with ``table=all``."""
    as_of = checked_as_of(as_of)
    with dated(as_of):
        result = compute()
    declared = titles(keys)
    filename = f"{name}_{chain.split(':', 1)[1] if chain else 'all'}" + (f"_{as_of}" if as_of else "")
    tables = result_tables(result)
    names = list(tables)
    summary = tables[names[1]] if len(names) > 1 else []
    if table == ALL:
        answer = every_table(tables, fmt, filename, page=page, size=size)
        return answer if isinstance(answer, Response) else {"tables": names, "summary": summary, **answer}
    chosen, rows, note = choose(tables, table, declared)
    if fmt != "json":
        return download(rows, fmt, filename, title=chosen)
    return {"tables": names, "table": chosen, "summary": summary, **({"note": note} if note else {}),
            **page_of(rows, page=page, size=size)}


@router.get("/key-enterprises", responses={**FILE_RESPONSES, **NOT_FOUND}, summary="重点企业清单：链主、专精特新、小巨人、单项冠军、上市、规上")
def key_enterprises_list(
    request: Request, chain: str | None = ChainQuery, district: str | None = DistrictQuery, park: str | None = ParkQuery,
    kind: Literal[KEY_KINDS] | None = Query(None, description="只看此类重点企业"),  # type: ignore[valid-type]
    as_of: str | None = AS_OF,
    table: str | None = table_query(KEY_TABLES), page: int = PageQuery, size: int = SizeQuery, format: ListFormat = FormatQuery,
) -> Any:
    """The local key enterprises, 链主 first; 规上 = tagged 规上 or revenue ≥ 0.2 亿元."""
    cache = _cache(request, chain)
    return _respond(lambda: lists.key_enterprises(cache, chain, lists.Place(district or None, park), kind),
                    name="key-enterprises", chain=chain, as_of=as_of, table=table, keys=KEY_TABLES, page=page, size=size, fmt=format)


@router.get("/gaps", responses={**FILE_RESPONSES, **NOT_FOUND}, summary="缺链补链清单：缺链、弱链、延链（可按状态筛选），缺链在前")
def gap_list(
    request: Request, chain: str | None = ChainQuery, district: str | None = DistrictQuery, park: str | None = ParkQuery,
    status: list[Literal[STATUSES]] | None = Query(None, description="只看这些状态（可多选）；默认缺链、弱链、延链"),  # type: ignore[valid-type]
    as_of: str | None = AS_OF,
    table: str | None = table_query(GAP_TABLES), page: int = PageQuery, size: int = SizeQuery, format: ListFormat = FormatQuery,
) -> Any:
    """Gaps by status (缺链, 弱链, 延链, 强链), then chain (plan order), then gap rank."""
    cache = _cache(request, chain)
    statuses = tuple(s for s in STATUSES if s in status) if status else STATUSES[:3]
    return _respond(lambda: lists.gap_list(cache, chain, lists.Place(district or None, park), statuses),
                    name="gap-list", chain=chain, as_of=as_of, table=table, keys=GAP_TABLES, page=page, size=size, fmt=format)


@router.get("/targets", responses={**FILE_RESPONSES, **NOT_FOUND}, summary="招商目标清单：每个缺链、弱链产品的每个候选企业，含评分构成、理由和补链效果")
def target_list(
    request: Request, chain: str | None = ChainQuery, district: str | None = DistrictQuery, park: str | None = ParkQuery,
    sort: Literal["score", "gap"] = Query("score", description="score 按总分；gap 按缺口排名（缺链在前）"),
    as_of: str | None = AS_OF,
    table: str | None = table_query(TARGET_TABLES), page: int = PageQuery, size: int = SizeQuery, format: ListFormat = FormatQuery,
) -> Any:
    """One row per candidate × 缺链/弱链 product; the effect is simulated for each product's top 3."""
    cache = _cache(request, chain)
    return _respond(lambda: lists.target_list(cache, chain, lists.Place(district or None, park), sort),
                    name="recruitment-targets", chain=chain, as_of=as_of, table=table, keys=TARGET_TABLES, page=page, size=size, fmt=format)

"""Analyses as API operations. Each returns one table of its result, paginated, or the complete
table as CSV/XLSX (``format``); ``table`` picks which table (the first is the main one).

A JSON page is encoded once per store revision and request (``GraphCache.encoded``: the same
parameters, date and page give the same bytes) and served from those bytes on the event loop
(``app.readmodel.cached_answers``). An answer whose analysis is not computed yet for the current
data (at start, after an import) is computed in the background (``app.readmodel.preparing``);
meanwhile the operation answers 202 with ``Retry-After`` and a 正在准备 message.

Roles: viewer (招商) may use chain maps, gaps, candidates, recruit-to-de-risk, indices and
changes; critical dependencies and disruption simulations are for reviewers (安全审查) and admins.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

import networkx as nx
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from pydantic_core import to_json
from starlette.concurrency import run_in_threadpool

from app.api.listing import FILE_RESPONSES, FormatQuery, ListFormat, PageQuery, SizeQuery, download
from app.api.responses import json_response
from app.api.result_tables import ALL, choose, every_table, table_query, titles
from app.deps import AS_OF, CHAIN_ID, DATE_PATTERN, CacheDep, checked_as_of
from app.output import Tabulated, result_tables
from app.readmodel import risk_list
from app.readmodel.cached_answers import answer
from app.readmodel.graph_cache import dated as as_of_date
from app.readmodel.preparing import PREPARING, RETRY_AFTER, Preparation
from app.readmodel.risk_list import RiskQuery
from app.readmodel.workspace import critical, gaps, scoped_view
from app.security.deps import require
from queries.labels import TABLE_TITLES, Record, labelled
from queries.risks import KINDS, SEVERITIES, CriticalReport, DependencyRecord

viewer = APIRouter(prefix="/api", tags=["analyses"], dependencies=[require("viewer")])
reviewer = APIRouter(prefix="/api", tags=["security review"], dependencies=[require("reviewer")])

OptionalChain = Query(None, pattern=r"^chain:[a-z0-9-]{1,60}$", description="产业链 id；不填为全图")
BaseYear = Query(2025, ge=2020, le=2026)
ScopeQuery = Query(None, description="分析范围：local 南昌本地企业（默认）、all 网络中全部企业；网络中没有本地企业时默认 all")
Scope = Literal["local", "all"] | None
TABLE_PARAMETER_NAMES = ("table", "page", "size", "format")


def table_parameters(tables: Sequence[str]) -> list[inspect.Parameter]:
    """What every analysis operation takes after its own parameters; ``table`` one of ``tables``' titles or all."""
    return [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)
        for name, annotation, default in zip(TABLE_PARAMETER_NAMES, (str | None, int, int, ListFormat),
                                             (table_query(tables), PageQuery, SizeQuery, FormatQuery), strict=True)
    ]


AS_OF_PARAMETER = inspect.Parameter("as_of", inspect.Parameter.KEYWORD_ONLY, annotation=str | None, default=AS_OF)
REQUEST_PARAMETER = inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)


class AnalysisPage(BaseModel):
    """What a JSON answer holds: the result's summary figures (whole, whatever the page), the titles of
    its tables, the table shown and one page of it, with the links to the pages before and after."""

    summary: dict[str, Any]
    tables: list[str]
    table: str
    note: str | None = None  # when this result does not hold the table asked for (it is then empty)
    items: list[dict[str, Any]] = []
    total: int = 0
    page: int = 1
    size: int = 50
    pages: int | dict[str, Any] = 1  # with table=all: a page of every table, by title
    next: str | None = None
    previous: str | None = None


class Preparing202(BaseModel):
    """The answer while its analysis is computed in the background (``Retry-After`` says when to ask again)."""

    preparing: bool
    message: str
    retry_after: int


ANALYSIS_RESPONSES: dict[int | str, dict[str, Any]] = {
    **FILE_RESPONSES,
    202: {"model": Preparing202, "description": f"{PREPARING}：导入新数据后（或启动时）该分析正在后台计算；"
          f"请按 Retry-After（秒）稍后重试同一请求。",
          "content": {"application/json": {"example": {"preparing": True, "message": PREPARING, "retry_after": RETRY_AFTER}}}},
}


def _frozen(value: Any) -> Any:
    """A parameter's value as part of a cache key (lists as tuples)."""
    return tuple(value) if isinstance(value, list) else value


def analysis(router: APIRouter, path: str, *, summary: str, filename: str, tables: Sequence[str],
             dated: bool = True, not_found: str = "产业链、产品或企业不存在") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the operation ``GET path`` of ``router``.

    The function takes the operation's own parameters and returns the analysis result; the operation
    adds ``as_of`` (when ``dated``: the analysis runs as of that date, ``app.readmodel.graph_cache.dated``)
    and ``table_parameters(tables)`` — ``tables``: every table its results can hold, the main one
    first — and answers with the table they choose (``respond``). A JSON page is kept encoded per
    revision under the operation's parameters; a download is made afresh (all rows).
    """
    declared = titles(tables)

    def add(function: Callable[..., Any]) -> Callable[..., Any]:
        async def endpoint(**params: Any) -> Any:
            request: Request = params.pop("request")
            table, page, size, fmt = (params.pop(name) for name in TABLE_PARAMETER_NAMES)
            as_of = checked_as_of(params.pop("as_of", None))
            cache = params["cache"]
            key = ("answer", function.__name__, tuple((name, _frozen(value)) for name, value in params.items() if name != "cache"),
                   table, page, size, fmt, as_of)

            def work() -> Any:
                with as_of_date(as_of):
                    result = function(**params)
                return respond(result, table=table, declared=declared, page=page, size=size, fmt=fmt, filename=filename,
                               as_of=as_of, link=lambda number: _page_link(request, number))

            preparation: Preparation = request.app.state.preparation
            if fmt != "json":  # a complete download: made afresh, never on the event loop
                return await run_in_threadpool(preparation.run, key, work)

            def page_answer() -> Response:
                with as_of_date(as_of):
                    body = cache.encoded(key, lambda: to_json(work()))
                return json_response(body=body)

            return await answer(cache, page_answer, lambda: preparation.run(key, page_answer))

        own = inspect.signature(function, eval_str=True).parameters.values()
        extra = [AS_OF_PARAMETER] if dated else []
        endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # FastAPI reads the parameters from it
            [*own, *extra, *table_parameters(tables), REQUEST_PARAMETER], return_annotation=Any)
        endpoint.__name__ = function.__name__  # the operation's name in the OpenAPI document
        endpoint.__doc__ = function.__doc__
        endpoint.tables = declared  # type: ignore[attr-defined]  # what tests compare with the results
        router.get(path, responses={**ANALYSIS_RESPONSES, 404: {"description": not_found}}, summary=summary, response_model=AnalysisPage)(endpoint)
        return function

    return add


def _page_link(request: Request, number: int) -> str:
    """The request's path and query with ``page`` set to ``number`` (a link relative to the server).

    >>> from starlette.requests import Request
    >>> request = Request({"type": "http", "method": "GET", "path": "/api/risks", "query_string": b"chain=chain:ev&page=1&size=2",
    ...                    "headers": []})
    >>> _page_link(request, 2)
    '/api/risks?chain=chain%3Aev&size=2&page=2'
    """
    kept = [(name, value) for name, value in request.query_params.multi_items() if name != "page"]
    return f"{request.url.path}?{urlencode([*kept, ('page', str(number))])}"


def _scalars(result: Any) -> dict[str, Any]:
    """The result's top-level scalar fields (and described selections): its summary figures."""
    result = getattr(result, "unfiltered", result)  # a FilteredResult keeps the whole result's summary
    if not dataclasses.is_dataclass(result):
        return {}
    summary = {}
    for field in dataclasses.fields(result):
        value = getattr(result, field.name)
        if hasattr(value, "describe"):
            value = value.describe()
        if isinstance(value, (str, int, float, bool)) or value is None:
            summary[field.name] = value
    return summary


def download_name(filename: str, result: Any) -> str:
    """The file name of a download, naming the chain and product it is about.

    >>> from types import SimpleNamespace
    >>> download_name("candidates", SimpleNamespace(chain_id="chain:new-energy", product="product:separator"))
    'candidates_new-energy_separator'
    >>> download_name("risks", SimpleNamespace(chain_id=None))
    'risks_all'
    """
    parts = [filename]
    for field_name in ("chain_id", "product"):
        if hasattr(result, field_name):
            value = getattr(result, field_name)
            parts.append(re.sub(r"[^A-Za-z0-9._-]", "-", value.split(":", 1)[-1]) if value else "all")
    return "_".join(parts)


def respond(result: Tabulated, *, table: str | None, declared: Sequence[str], page: int, size: int, fmt: ListFormat,
            filename: str, as_of: str | None = None, link: Callable[[int], str] | None = None) -> Any:
    """One table of an analysis result (``result_tables.choose``) as a JSON page (``AnalysisPage``;
    ``link(n)``: the address of page n; only the page's rows are labelled), or complete as CSV/XLSX
    (named with its date, if any); every table with ``table=all``."""
    filename = download_name(filename, result) + (f"_{as_of}" if as_of else "")
    if table == ALL or fmt != "json":
        tables = result_tables(result)
        if table == ALL:
            every = every_table(tables, fmt, filename, page=page, size=size)
            return every if isinstance(every, Response) else {"summary": _scalars(result), "tables": list(tables), **every}
        name, chosen, _ = choose(tables, table, declared)
        return download(chosen, fmt, filename, title=name)
    records = result.record_tables()
    keys = {TABLE_TITLES[key]: key for key in records}
    names = list(keys)
    name, _, note = choose(dict.fromkeys(names, []), table, declared)
    rows: Sequence[Record] = records[keys[name]] if name in keys else []
    pages = max(1, -(-len(rows) // size))
    start = (page - 1) * size
    return {
        "summary": _scalars(result), "tables": names, "table": name, **({"note": note} if note else {}),
        "items": labelled(rows[start: start + size], result.headings().get(keys[name])) if name in keys else [],
        "total": len(rows), "page": page, "size": size, "pages": pages,
        "next": link(page + 1) if link and page < pages else None,
        "previous": link(min(page, pages + 1) - 1) if link and page > 1 else None,
    }


def _run(compute, *args: Any, **kwargs: Any) -> Any:  # type: ignore[no-untyped-def]
    try:
        return compute(*args, **kwargs)
    except nx.NodeNotFound as exc:
        raise HTTPException(status_code=404, detail=f"不存在：{exc}") from None
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=f"参数错误：{exc}") from None


def _chain_view(cache: CacheDep, chain_id: str | None, scope: str | None = None) -> Any:
    if chain_id is not None and chain_id not in cache.graph(chain_id):
        raise HTTPException(status_code=404, detail=f"产业链不存在：{chain_id}")
    return scoped_view(cache, chain_id, scope)


def _gap_rule(min_local_producers: int, min_local_sourcing_share: float, min_strong_input_share: float) -> Any:
    from queries.gaps import GapRule

    return _run(GapRule, min_local_producers=min_local_producers, min_local_sourcing_share=min_local_sourcing_share,
                min_strong_input_share=min_strong_input_share)


RISK_TABLES = ("dependencies", "severity_counts", "sole_sources", "single_supplier_inputs", "unsupplied", "chokepoints",
               "cut_points", "bridges", "concentration", "unknown_places")
"""The every-chain list has the first two; one chain's report the first and the tables it is built from."""
MinProducers = Query(2, ge=1, le=1000, description="弱链：本地生产企业少于此数")
MinSourcing = Query(0.3, ge=0, le=1, description="弱链：本地采购方从本地采购的比例低于此值")
MinStrongInputs = Query(1.0, ge=0, le=1, description="延链：投入品中强链的比例至少为此值")


@analysis(viewer, "/chains/{chain_id}/map", summary="产业链图谱：各产品覆盖情况、链主、营收与目标", filename="chain-map", tables=("coverage", "summary"))
def chain_map_endpoint(cache: CacheDep, chain_id: str = CHAIN_ID, base_year: int = BaseYear, scope: Scope = ScopeQuery) -> Any:
    from queries.chain_map import chain_map

    return _run(chain_map, _chain_view(cache, chain_id, scope), chain_id, base_year=base_year)


@analysis(viewer, "/chains/{chain_id}/gaps", summary="补链/强链/延链：缺链、弱链、强链、延链机会", filename="gaps", tables=("gaps", "summary"))
def gaps_endpoint(
    cache: CacheDep, chain_id: str = CHAIN_ID,
    min_local_producers: int = MinProducers, min_local_sourcing_share: float = MinSourcing,
    min_strong_input_share: float = MinStrongInputs, scope: Scope = ScopeQuery,
) -> Any:
    from queries.gaps import GapRule, gap_report

    rule = _gap_rule(min_local_producers, min_local_sourcing_share, min_strong_input_share)
    view = _chain_view(cache, chain_id, scope)
    return gaps(cache, chain_id, scope) if rule == GapRule() else _run(gap_report, view, chain_id, rule=rule)


@analysis(viewer, "/chains/{chain_id}/candidates", summary="招商：某缺口产品的候选引进企业（含评分构成和理由）", filename="candidates", tables=("candidates", "summary"))
def candidates_endpoint(
    cache: CacheDep, chain_id: str = CHAIN_ID,
    product: str = Query(..., pattern=r"^product:[A-Za-z0-9_.-]{1,100}$", description="产品 id"),
) -> Any:
    from queries.candidates import recruitment_candidates

    return _run(recruitment_candidates, _chain_view(cache, chain_id), chain_id, product)


@analysis(viewer, "/chains/{chain_id}/recruit", summary="招商补链推演：引进候选企业后缺口与风险的变化", filename="recruit", tables=("effects", "status_changes"))
def recruit_endpoint(
    cache: CacheDep, chain_id: str = CHAIN_ID,
    product: str = Query(..., pattern=r"^product:[A-Za-z0-9_.-]{1,100}$"),
    candidate: str = Query(..., min_length=1, max_length=200, description="候选企业 id"),
) -> Any:
    from queries.candidates import recruit_to_derisk

    return _run(recruit_to_derisk, _chain_view(cache, chain_id), chain_id, product, candidate)


@analysis(viewer, "/indices", summary="指数：完整度、韧性、集中度、营收与目标（按产业链、集群、园区）", filename="indices", tables=("indices",))
def indices_endpoint(cache: CacheDep, chain: str | None = OptionalChain, base_year: int = BaseYear, scope: Scope = ScopeQuery) -> Any:
    from queries.indices import indices

    return _run(indices, _chain_view(cache, chain, scope), chain, base_year=base_year)


@analysis(viewer, "/facilities", summary="产地分布：按国家/地区和省份统计供应企业数与设施数（可按日期）", filename="facilities", tables=("by_country", "by_province"))
def facilities_endpoint(cache: CacheDep, chain: str | None = OptionalChain) -> Any:
    from queries.sites import site_concentration

    return _run(site_concentration, _chain_view(cache, chain), chain)


@analysis(viewer, "/changes", summary="变化：两个日期之间新增/失去的供应关系、供应商、设施、国家/地区，补上/新增的缺口",
          filename="changes", dated=False, tables=("link_changes", "gap_changes", "member_changes", "summary"))
def changes_endpoint(
    cache: CacheDep, before: str = Query(..., pattern=DATE_PATTERN), after: str = Query(..., pattern=DATE_PATTERN),
    chain: str | None = OptionalChain,
) -> Any:
    from queries.changes import diff_as_of

    if chain is not None:
        _chain_view(cache, chain)
    return _run(diff_as_of, cache.graph(chain), before, after, chain)


@analysis(reviewer, "/risks", summary="关键依赖清单：单一来源、卡点企业、结构割点、集中度（安全审查）", filename="critical-dependencies", tables=RISK_TABLES)
def risks_endpoint(
    cache: CacheDep, chain: str | None = Query(None, pattern=r"^chain:[a-z0-9-]{1,60}$", description="产业链 id；不填为全部产业链"),
    target: list[str] | None = Query(None, max_length=20, description="只分析这些企业的上游卡点（默认：全部链主；需指定产业链）"),
    severity: Literal[SEVERITIES] | None = Query(None, description="只看此严重程度（主表）"),  # type: ignore[valid-type]
    kind: Literal[KINDS] | None = Query(None, description="只看此类型（主表），如 独家供应、卡点"),  # type: ignore[valid-type]
    sort: Literal["severity", "revenue", "firms"] = Query("severity", description="组内排序：严重程度、受影响本地营收、受影响本地企业数"),
    district: str | None = Query(None, max_length=60, description="区县名称：只看其企业或受影响的本地企业位于该区县的依赖"),
    park: str | None = Query(None, pattern=r"^park:[A-Za-z0-9_.-]{1,100}$", description="园区 id：只看其企业或受影响的本地企业位于该园区的依赖"),
    scope: Scope = ScopeQuery,
) -> Any:
    """The list the /risks page shows, grouped by chain and type: for one chain with the tables it
    was built from, for every chain with the counts by chain × type × severity."""
    from queries.risks import critical_dependencies

    query = RiskQuery(chain, severity, kind, sort, district or None, park, scope)
    if chain is None:
        if target:
            raise HTTPException(status_code=422, detail="参数错误：指定卡点目标企业时请同时指定产业链（chain）")
        from queries.risks import DependencyList

        return DependencyList(None, tuple(risk_list.records(cache, query)), risk_list.focus(cache, query))
    view = _chain_view(cache, chain, scope)
    if target:
        result = _run(critical_dependencies, view, chain, targets=target)
        return FilteredResult(result, [r for r in result.records() if query.keeps(r)])
    return FilteredResult(critical(cache, chain, scope), risk_list.records(cache, query))


@dataclass(frozen=True)
class FilteredResult:
    """A chain's report whose main table is ``main`` (filtered and ordered); the other tables stay whole."""

    unfiltered: CriticalReport
    main: Sequence[DependencyRecord]

    @property
    def chain_id(self) -> str | None:  # the download still names its chain
        return self.unfiltered.chain_id

    @property
    def scope(self) -> str:  # the firms in focus: the headings say 本地 or 网络内
        return self.unfiltered.scope

    def record_tables(self) -> dict[str, Sequence[Record]]:
        tables: dict[str, Sequence[Record]] = dict(self.unfiltered.record_tables())
        tables[next(iter(tables))] = self.main
        return tables

    def headings(self) -> dict[str, dict[str, str]]:
        return self.unfiltered.headings()


@analysis(reviewer, "/disruption", summary="断链推演：企业、园区、区县、省份或国家停摆的影响（安全审查）", filename="disruption", tables=("summary", "by_chain", "by_leader", "lost_products", "lost_inputs", "affected", "by_cluster", "partial_losses"))
def disruption_endpoint(
    cache: CacheDep, chain: str | None = OptionalChain,
    enterprise: list[str] = Query([], max_length=50), park: list[str] = Query([], max_length=20),
    district: list[str] = Query([], max_length=20), province: list[str] = Query([], max_length=20),
    country: list[str] = Query([], max_length=20),
    partial: bool = Query(False, description="部分模式：报告各企业损失的供应份额"), scope: Scope = ScopeQuery,
) -> Any:
    from queries.disruption import DisruptionScope, simulate_disruption

    removed = DisruptionScope(enterprises=tuple(enterprise), parks=tuple(park), districts=tuple(district),
                              provinces=tuple(province), countries=tuple(country))
    if removed.describe() == "（空）":
        raise HTTPException(status_code=422, detail="参数错误：请至少选择一个企业、园区、区县、省份或国家")
    return _run(simulate_disruption, _chain_view(cache, chain, scope), removed, chain, partial=partial)

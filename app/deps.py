"""What the routers of ``app/api`` and ``app/web`` share: the store and its read model as typed
dependencies, and the chain id path parameter with its 404.

The dependencies are ``async def`` because they only read ``app.state``: FastAPI then runs them on
the event loop instead of handing each to a worker thread.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Depends, HTTPException, Path, Query, Request

from app.readmodel.graph_cache import GraphCache
from app.readmodel.lookups import chain_detail
from app.readmodel.store_health import StoreHealth
from stores.base import GraphStore

CHAIN_ID = Path(pattern=r"^chain:[a-z0-9-]{1,60}$", description="产业链 id，例如 chain:new-energy")
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
AS_OF = Query(None, pattern=r"^(\d{4}-\d{2}-\d{2})?$",
              description="数据日期 YYYY-MM-DD：按当日有效的名单与供应关系分析（默认最新；页面表单的空值即最新）")

ScopeQuery = Query(None, description="分析范围：local 南昌本地企业（默认）、all 网络中全部企业；网络中没有本地企业时默认 all")
Scope = Literal["local", "all"] | None


def checked_as_of(text: str | None) -> str | None:
    """``as_of`` as an ISO date (None or empty: the latest data); a malformed one (2022-13-01) is a
    422 naming it, which the pages show as the Chinese error page.

    >>> checked_as_of("2021-12-31"), checked_as_of(""), checked_as_of(None)
    ('2021-12-31', None, None)
    >>> checked_as_of("2022-13-01")
    Traceback (most recent call last):
    fastapi.exceptions.HTTPException: 422: 参数错误：as_of 不是有效日期：2022-13-01（应为 YYYY-MM-DD，如 2021-12-31）
    """
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise HTTPException(status_code=422, detail=f"参数错误：as_of 不是有效日期：{text}（应为 YYYY-MM-DD，如 2021-12-31）") from None


async def get_store(request: Request) -> GraphStore:
    """The store opened in the app's lifespan; StoreUnavailable (a 503) at once while its health probe
    says it is down, instead of a request that waits on it."""
    health: StoreHealth | None = getattr(request.app.state, "health", None)
    if health is not None and not health.up:
        health.revision()  # raises StoreUnavailable with the probe's reason
    store: GraphStore = request.app.state.store
    return store


async def get_cache(request: Request) -> GraphCache:
    """The per-revision projections and results of that store."""
    cache: GraphCache = request.app.state.graphs
    return cache


def chain_or_404(cache: GraphCache, chain_id: str) -> dict[str, Any]:
    """``lookups.chain_detail``, or a 404 when there is no such chain."""
    detail = chain_detail(cache, chain_id)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"产业链不存在：{chain_id}")
    return detail


StoreDep = Annotated[GraphStore, Depends(get_store)]
CacheDep = Annotated[GraphCache, Depends(get_cache)]

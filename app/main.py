"""The FastAPI application: store opened in the lifespan, JSON API, Chinese pages, offline assets."""

from __future__ import annotations

import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pyvis
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api import analyses as api_analyses
from app.api import audit as api_audit
from app.api import chains as api_chains
from app.api import imports as api_imports
from app.api import lists as api_lists
from app.api import lookups as api_lookups
from app.api import tokens as api_tokens
from app.api.status_codes import document_status_codes
from app.readmodel import lists, workspace
from app.readmodel.graph_cache import GraphCache
from app.readmodel.preparing import PREPARE_WAIT, Preparation, Preparing, Rewarm
from app.readmodel.store_health import UNAVAILABLE, StaleMarker, StoreHealth
from app.security.body_limit import BodyLimit
from app.security.cross_site import CrossSiteGuard
from app.security.deps import LoginRequired, require
from app.security.headers import SecurityHeaders
from app.security.tokens import COOKIE, TokenRegistry
from app.settings import Settings, audit_path_beside
from app.web import admin_names as web_admin_names
from app.web import analyses as web_analyses
from app.web import audit_page as web_audit
from app.web import briefing as web_briefing
from app.web import lists as web_lists
from app.web import login
from app.web import map_pages as web_map
from app.web import network_pages as web_network
from app.web import pages as web_pages
from app.web.error_pages import error_page, is_page_request, preparing_page, validation_message
from graph_schema.errors import ChainAtlasError, StoreUnavailable
from stores.audit import AuditLog
from stores.base import GraphStore
from stores.factory import open_store
from stores.imports import recover_and_tell

STATIC_DIR = Path(__file__).parent / "web" / "static"
VIS_DIR = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
MAX_FORM_BYTES = 1024 * 1024  # any request body but an upload: login forms, token requests
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


RETRY_AFTER_SECONDS = 10  # what a 503 asks clients to wait before trying again


def warm_everything(cache: GraphCache) -> None:
    """The dashboard's and chain pages' analyses, then the 招商目标清单 (its recruitment simulations take longest)."""
    workspace.warm(cache)
    lists.warm(cache)


def create_app(
    settings: Settings, store: GraphStore | None = None, tokens: TokenRegistry | None = None, *, warm: bool = False,
    prepare_wait: float | None = None,
) -> FastAPI:
    """The web app over ``store`` and ``tokens`` (or those the settings name, opened at start-up).

    ``warm`` (as ``chainatlas serve`` runs it): fill the analysis caches in the background at start
    and again after every change of the store's revision (an import), and answer a request whose
    analysis is not computed yet 正在准备 (202) after ``prepare_wait`` seconds (default
    ``PREPARE_WAIT``) while it is computed in the background (``app.readmodel.preparing``). Without
    ``warm`` a request computes what it needs itself unless ``prepare_wait`` is given.

    >>> from stores.embedded import EmbeddedStore
    >>> create_app(Settings(), store=EmbeddedStore(":memory:"), tokens=TokenRegistry(":memory:")).title
    'ChainAtlas 产业链图谱'
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owns_store, owns_tokens = store is None, tokens is None
        app.state.store = open_store(settings.store_config()) if owns_store else store
        if owns_store:  # `chainatlas serve` opens the store itself and has done this already
            for message in recover_and_tell(app.state.store):
                print(message, file=sys.stderr, flush=True)
        app.state.tokens = TokenRegistry(settings.tokens_path) if owns_tokens else tokens
        if owns_tokens:
            app.state.audit = AuditLog(settings.audit_path)
        app.state.health = StoreHealth(app.state.store).start()
        # a store whose revision is a round trip (Neo4j) is read through the probe: no request waits on it
        by_probe = None if app.state.store.revision_is_in_process else app.state.health
        app.state.graphs = graphs = GraphCache(app.state.store, health=by_probe)
        app.state.preparation = Preparation(graphs, wait)
        if warm:  # fill the analysis caches in the background, now and after each import
            app.state.rewarm = Rewarm(lambda: warm_everything(graphs))
            app.state.rewarm.request()
            app.state.health.on_change(app.state.rewarm.request)
        try:
            yield
        finally:  # background work first: none of it may read the store after it closes
            if warm:
                app.state.rewarm.stop()
            graphs.close()
            app.state.health.stop()
            if owns_store:
                app.state.store.close()
            if owns_tokens:
                app.state.tokens.close()
                app.state.audit.close()

    app = FastAPI(
        title="ChainAtlas 产业链图谱",
        version="0.1.0",
        description="南昌市制造业重点产业链“8810”行动计划的供应链图谱：产业链、集群、园区、企业与供应关系。",
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store
    app.state.tokens = tokens
    app.state.audit = AuditLog(audit_path_beside(tokens.path)) if tokens is not None else None
    app.state.secure_cookies = settings.secure_cookies
    wait = prepare_wait if prepare_wait is not None else PREPARE_WAIT if warm else None
    app.state.graphs = GraphCache(store) if store is not None else None
    app.state.preparation = Preparation(app.state.graphs, wait) if store is not None else None
    app.state.data_dir = settings.data_dir  # the admin pages keep their decisions there (name-decisions.json)

    app.add_middleware(BodyLimit, limits={"/api/imports": api_imports.MAX_UPLOAD_BYTES},
                       default=MAX_FORM_BYTES)
    app.add_middleware(StaleMarker)
    app.add_middleware(CrossSiteGuard, cookie=COOKIE)
    app.add_middleware(SecurityHeaders, headers={
        "Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    })

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})  # e.g. Allow on a 405, WWW-Authenticate on a 401
        if is_page_request(request):
            response = error_page(request, exc.status_code, str(exc.detail))
            response.headers.update(headers)
            return response
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if is_page_request(request):
            return error_page(request, 422, validation_message(exc.errors()))
        problems = [f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()]
        return JSONResponse({"error": "参数错误：" + "；".join(problems)}, status_code=422)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse(login.login_url(request.url.path), status_code=303)

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(request: Request, exc: StoreUnavailable) -> Response:
        # the store's Chinese reason; its own (driver) text goes to the server's stderr (StoreHealth)
        message = str(exc) if str(exc).startswith(UNAVAILABLE) else f"{UNAVAILABLE}（{exc.reason or '数据库没有应答'}）"
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if is_page_request(request):
            response = error_page(request, 503, message)
            response.headers.update(headers)
            return response
        return JSONResponse({"error": message}, status_code=503, headers=headers)

    @app.exception_handler(Preparing)
    async def preparing(request: Request, exc: Preparing) -> Response:
        """202 while the answer is computed in the background: a page that refreshes itself, or JSON."""
        headers = {"Retry-After": str(exc.retry_after)}
        if is_page_request(request):
            return preparing_page(request, exc.retry_after)
        return JSONResponse({"preparing": True, "message": str(exc), "retry_after": exc.retry_after},
                            status_code=202, headers=headers)

    @app.exception_handler(ChainAtlasError)
    async def domain_error(request: Request, exc: ChainAtlasError) -> Response:
        if is_page_request(request):
            return error_page(request, 400, str(exc))
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.get("/health", tags=["system"], summary="健康检查", responses={503: {"description": "数据库暂不可用（degraded）"}})
    async def health(request: Request) -> JSONResponse:
        """Whether the store answers, from the background probe's last result (never a store round trip):
        200 ``ok``, or 503 ``degraded`` with the reason while the store is down."""
        probe: StoreHealth | None = getattr(request.app.state, "health", None)
        if probe is None or probe.up:
            return JSONResponse({"status": "ok", "store": settings.store})
        state = probe.state
        return JSONResponse(
            {"status": "degraded", "store": settings.store, "error": state.error,
             "down_for_seconds": round(time.monotonic() - state.down_since, 1) if state.down_since else None,
             "serving_revision": state.revision},
            status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    @app.get("/openapi.json", include_in_schema=False, dependencies=[require("viewer")])
    def openapi_document() -> JSONResponse:
        return JSONResponse(app.openapi())

    app.include_router(login.router)
    app.include_router(api_chains.router, dependencies=[require("viewer")])
    app.include_router(api_lookups.router, dependencies=[require("viewer")])
    app.include_router(api_analyses.viewer)
    app.include_router(api_analyses.reviewer)
    app.include_router(api_lists.router)
    app.include_router(api_tokens.router, dependencies=[require("admin")])
    app.include_router(api_imports.router, dependencies=[require("admin")])
    app.include_router(api_audit.router, dependencies=[require("admin")])
    app.include_router(web_audit.router, dependencies=[require("admin", page=True)])
    app.include_router(web_analyses.viewer)
    app.include_router(web_analyses.reviewer)
    app.include_router(web_lists.router)
    app.include_router(web_pages.router, dependencies=[require("viewer", page=True)])
    app.include_router(web_map.router, dependencies=[require("viewer", page=True)])
    app.include_router(web_network.router, dependencies=[require("viewer", page=True)])
    app.include_router(web_briefing.router, dependencies=[require("viewer", page=True)])
    app.include_router(web_admin_names.router, dependencies=[require("admin", page=True)])
    document_status_codes(app)  # 400, 401, 403, 413, 422, 503 where the app's machinery can answer them
    app.mount("/static/vendor", StaticFiles(directory=VIS_DIR), name="vendor")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app

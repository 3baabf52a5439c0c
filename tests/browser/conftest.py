"""Browser tests: the app served on 127.0.0.1 by uvicorn in a thread, Debian's Chromium driven by
Playwright (launched from /usr/bin/chromium; Playwright's own browser download is never used).

Every request the page makes is recorded; a test fails if any leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import uvicorn

from app.main import create_app
from app.security.tokens import TokenRegistry
from app.settings import Settings
from stores.embedded import EmbeddedStore

CHROMIUM = os.environ.get("CHAINATLAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--no-default-browser-check",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@dataclass
class LiveServer:
    url: str
    tokens: dict[str, str]
    store: EmbeddedStore
    registry: TokenRegistry
    requests: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fill_store(store: EmbeddedStore) -> None:
    """Reference data plus the small synthetic demo (示例数据) the browser tests click through."""
    from loaders.demo import load_demo
    from loaders.reference import load_reference

    load_reference(store)
    load_demo(store, scale=600, seed=7)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from serve(tmp_path_factory.mktemp("browser-data"), fill_store)


def serve(data_dir: Path, fill: Any, **app_options: Any) -> Iterator[LiveServer]:
    """An embedded store in ``data_dir`` filled by ``fill(store)``, served by the app (``create_app``
    with ``app_options``) in a thread until the generator is closed (the body of ``live_server`` and
    of a test module's own server)."""
    store = EmbeddedStore(data_dir / "chainatlas.sqlite")
    store.ensure_schema()
    fill(store)
    registry = TokenRegistry(data_dir / "tokens.sqlite")
    tokens = {role: registry.issue(role, f"浏览器测试-{role}") for role in ("viewer", "reviewer", "admin")}
    port = _free_port()
    app = create_app(Settings(CHAINATLAS_DATA_DIR=data_dir), store=store, tokens=registry, **app_options)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the web app did not start within 30 s")
        time.sleep(0.05)
    yield LiveServer(url=f"http://127.0.0.1:{port}", tokens=tokens, store=store, registry=registry)
    server.should_exit = True
    thread.join(timeout=10)
    store.close()
    registry.close()


def sign_in(page: Any, live_server: LiveServer, role: str) -> None:
    """Sign ``page`` in as ``role`` the way a person does: open a one-time link, confirm."""
    code = live_server.registry.login_code(live_server.tokens[role])
    page.goto(f"{live_server.url}/login?code={code}")
    page.click("[data-testid=login-confirm-button]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `bash scripts/setup-browser.sh` (apt packages chromium, fonts-noto-cjk)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server: LiveServer) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh page signed in as a reviewer; records every request URL."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN")
    live_server.requests.clear()
    context.on("request", lambda request: live_server.requests.append(request.url))
    page = context.new_page()
    sign_in(page, live_server, "reviewer")
    yield page
    context.close()
    outside = [url for url in live_server.requests if urlparse(url).hostname not in ("127.0.0.1",) and not url.startswith(("data:", "blob:", "about:"))]
    assert not outside, f"requests left 127.0.0.1: {outside}"


VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}


@dataclass
class SizedPage:
    """A viewer's signed-in page at one of ``VIEWPORTS`` (``viewport`` is its key)."""

    page: Any
    viewport: str
    width: int
    height: int


def signed_in_pages(request: pytest.FixtureRequest, browser: Any, live_server: LiveServer, role: str) -> Iterator[SizedPage]:
    """The body of the sized-page fixtures: ``role`` signed in at ``VIEWPORTS[request.param]``, downloads allowed."""
    width, height = VIEWPORTS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    sign_in(page, live_server, role)
    yield SizedPage(page, request.param, width, height)
    context.close()


@pytest.fixture(params=sorted(VIEWPORTS))
def viewer_page(request: pytest.FixtureRequest, browser: Any, live_server: LiveServer) -> Iterator[SizedPage]:
    """A viewer signed in on a 1440×900 screen and on a 390×844 phone (one test run each)."""
    yield from signed_in_pages(request, browser, live_server, "viewer")


@pytest.fixture(params=sorted(VIEWPORTS))
def reviewer_page(request: pytest.FixtureRequest, browser: Any, live_server: LiveServer) -> Iterator[SizedPage]:
    """A reviewer (安全审查) signed in on a 1440×900 screen and on a 390×844 phone."""
    yield from signed_in_pages(request, browser, live_server, "reviewer")

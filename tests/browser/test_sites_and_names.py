"""The enterprise page's 生产基地 table by year and the admin page of near-duplicate names, on the Apple lists."""

from __future__ import annotations

import csv
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from app.main import create_app
from app.security.tokens import TokenRegistry
from app.settings import Settings
from loaders.names import enterprise_id
from loaders.realdata import import_apple, realdata_path
from stores.embedded import EmbeddedStore
from tests.browser.conftest import SCREENSHOTS, VIEWPORTS, LiveServer, _free_port, sign_in

FOXCONN = "Hon Hai Precision Industry Co., Ltd. (Foxconn)"


@pytest.fixture(scope="module")
def apple_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("apple-browser")
    store = EmbeddedStore(data_dir / "chainatlas.sqlite")
    store.ensure_schema()
    from loaders.reference import load_reference

    load_reference(store)
    assert import_apple(store).ok
    registry = TokenRegistry(data_dir / "tokens.sqlite")
    tokens = {role: registry.issue(role, f"浏览器测试-{role}") for role in ("viewer", "admin")}
    port = _free_port()
    app = create_app(Settings(CHAINATLAS_DATA_DIR=data_dir), store=store, tokens=registry)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the web app did not start within 30 s"
        time.sleep(0.05)
    yield LiveServer(url=f"http://127.0.0.1:{port}", tokens=tokens, store=store, registry=registry)
    server.should_exit = True
    thread.join(timeout=10)
    store.close()
    registry.close()


def foxconn_sites_per_year() -> dict[int, int]:
    """Rows of Hon Hai per year, straight from the CSV (each row is one facility)."""
    path = realdata_path("apple-suppliers", "apple-supplier-list.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        counts: dict[int, set[str]] = {}
        for row in csv.DictReader(handle):
            if row["supplier_name"].lower().startswith("hon hai precision"):
                counts.setdefault(int(row["year"]), set()).add(row["country"] + "|" + " ".join(row["supplier_address"].split()).lower())
    return {year: len(found) for year, found in counts.items()}


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_enterprise_page_shows_its_sites_by_year(browser: Any, apple_server: LiveServer, viewport: str) -> None:
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, apple_server, "viewer")
    firm = apple_server.store.search("Hon Hai", labels=["Enterprise"])[0]
    assert firm["id"] == enterprise_id(firm["name"])
    page.goto(f"{apple_server.url}/enterprises/{firm['id']}")
    heading = page.locator("#sites")
    assert heading.is_visible() and "生产基地" in heading.inner_text()
    rows = page.locator("[data-testid=site-years] tbody tr")
    shown = {int(rows.nth(i).locator("td").nth(0).inner_text()): int(rows.nth(i).locator("td").nth(1).inner_text())
             for i in range(rows.count())}
    assert shown == foxconn_sites_per_year()
    assert "中国" in rows.first.inner_text() and "ent:" not in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # no sideways scrolling
    heading.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"enterprise-sites-{viewport}.png"), full_page=False)
    context.close()


def test_admin_decides_on_near_duplicates(browser: Any, apple_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, apple_server, "viewer")
    response = page.goto(f"{apple_server.url}/admin/duplicates")
    assert response is not None and response.status == 403  # a viewer may not decide
    sign_in(page, apple_server, "admin")
    page.goto(f"{apple_server.url}/admin/duplicates")
    pairs = page.locator("[data-testid=duplicates] tbody tr")
    before = pairs.count()
    row = pairs.filter(has_text="NXP")
    assert row.count() == 1
    page.screenshot(path=str(SCREENSHOTS / "admin-duplicates.png"), full_page=False)
    enterprises = apple_server.store.counts()["Enterprise"]
    row.get_by_role("button", name="合并").click()
    page.wait_for_url("**/admin/duplicates?done=merge")
    assert page.locator("[data-testid=duplicates] tbody tr").count() == before - 1
    decided = page.locator("[data-testid=decisions] tbody tr").first.inner_text()
    assert "NXP" in decided and "合并" in decided and "浏览器测试-admin" in decided
    assert apple_server.store.counts()["Enterprise"] == enterprises - 1
    page.locator("[data-testid=duplicates] tbody tr").filter(has_text="Solvay").get_by_role("button", name="保持为两家").click()
    page.wait_for_url("**/admin/duplicates?done=keep")
    assert page.locator("[data-testid=duplicates] tbody tr").filter(has_text="Solvay").count() == 0
    context.close()

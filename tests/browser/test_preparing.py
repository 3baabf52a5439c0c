"""After an import, /risks in Chromium says 数据正在准备，请稍候 and refreshes itself until the
analysis, computed in the background, is there — no click needed. A server of its own, run as
``chainatlas serve`` runs (long work in the background), waiting 0 s so the first answer of a new
revision is always the 正在准备 page."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_schema import Enterprise, Produces, Supplies
from queries.examples import example_batch
from stores.base import WriteBatch
from stores.embedded import EmbeddedStore
from tests.browser.conftest import SCREENSHOTS, VIEWPORTS, LiveServer, serve, sign_in


@pytest.fixture
def preparing_server(tmp_path: Path) -> Iterator[LiveServer]:
    yield from serve(tmp_path, lambda store: store.write(example_batch()), prepare_wait=0.0)


def an_import(store: EmbeddedStore) -> None:
    batch = WriteBatch()
    batch.extend([
        Enterprise(id="ent:nc-motor", name="南昌电机（示例）", local=True, province="江西省", district="南昌县", revenue_yi=8, synthetic=True),
        Produces(src="ent:nc-motor", dst="product:motor"),
        Supplies(src="ent:nc-motor", dst="ent:lead", product="product:motor", share=1.0),
    ])
    store.write(batch)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_risks_page_says_it_is_being_prepared_then_shows_itself(browser: Any, preparing_server: LiveServer, viewport: str) -> None:
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    try:
        sign_in(page, preparing_server, "reviewer")
        an_import(preparing_server.store)  # a new revision: nothing of it is computed yet
        response = page.goto(f"{preparing_server.url}/risks?chain=chain:ev")
        assert response is not None and response.status == 202
        notice = page.locator("[data-testid=preparing]")
        assert page.locator("h1").inner_text() == "数据正在准备，请稍候" and "自动刷新" in notice.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SCREENSHOTS / f"preparing-{viewport}.png"))
        began = time.monotonic()
        page.locator("[data-testid=risks-headline]").wait_for(timeout=30_000)  # the page refreshed itself
        assert time.monotonic() - began < 30 and page.url.endswith("/risks?chain=chain:ev")
        assert "南昌电机（示例）" in page.locator("main").inner_text()
    finally:
        context.close()

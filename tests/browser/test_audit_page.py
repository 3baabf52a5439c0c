"""The 审计日志 page in Chromium for an admin: newest first, filters kept, readable on a phone; a
reviewer is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stores.audit import Actor, AuditLog
from tests.browser.conftest import SCREENSHOTS, VIEWPORTS, LiveServer, SizedPage, signed_in_pages


@pytest.fixture(params=sorted(VIEWPORTS))
def admin_page(request: pytest.FixtureRequest, browser: Any, live_server: LiveServer) -> Iterator[SizedPage]:
    yield from signed_in_pages(request, browser, live_server, "admin")


@pytest.fixture(scope="module")
def history(live_server: LiveServer) -> None:
    """A working day's worth of entries, written as the app and CLI write them."""
    log = AuditLog(Path(live_server.registry.path).with_name("audit.sqlite"))
    cli = Actor("chainatlas", "命令行")
    log.add(cli, "import", {"files": ["企业名录.xlsx", "供应关系.csv"], "via": "命令行", "ok": True, "written": 1843,
                            "rows_read": 1210, "items": {"Enterprise": 402, "SUPPLIES": 1441}, "errors": 0, "warnings": 3})
    log.add(Actor("（未识别）", ""), "login.failed", {"by": "输入令牌", "client": "10.0.0.23"})
    log.add(Actor("招商局 张三", "viewer"), "login", {"by": "一次性链接", "client": "10.0.0.23"})
    log.add(Actor("浏览器测试-admin", "admin"), "token.issue", {"holder": "安全审查 李四", "role": "reviewer", "via": "API"})
    log.add(cli, "backup", {"file": "备份/2026-12-04.chainatlas", "nodes": 100261, "relationships": 454974,
                            "digest": "32a069c72165ebc73d93f2350222e3b9f6fd7001d5072883ed065b9d73ef09af", "schema_version": 1})
    log.close()


def test_admin_reads_the_log_newest_first(admin_page: SizedPage, live_server: LiveServer, history: None) -> None:
    page = admin_page.page
    page.goto(f"{live_server.url}/admin/audit")
    rows = page.locator("[data-testid=audit-table] tbody tr")
    assert rows.count() >= 6
    texts = rows.all_inner_texts()
    assert "浏览器测试-admin" in texts[0] and "登录成功" in texts[0]  # this very sign-in, newest
    backup = next(number for number, text in enumerate(texts) if "备份" in text)
    assert "命令行" in texts[backup] and "内容校验值 32a069c72165…" in texts[backup]
    assert backup < next(number for number, text in enumerate(texts) if "导入数据" in text)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= admin_page.width, f"/admin/audit is {width} px wide on a {admin_page.width} px screen"
    page.screenshot(path=str(SCREENSHOTS / f"audit-{admin_page.viewport}.png"), full_page=admin_page.viewport == "desktop")
    page.select_option("select[name=action]", "login.failed")
    page.click("form.filters button")
    page.wait_for_url("**/admin/audit?action=login.failed*")
    assert page.locator("select[name=action]").input_value() == "login.failed"
    assert all("登录失败" in text for text in page.locator("[data-testid=audit-table] tbody tr").all_inner_texts())


def test_reviewer_is_refused(reviewer_page: SizedPage, live_server: LiveServer) -> None:
    response = reviewer_page.page.goto(f"{live_server.url}/admin/audit")
    assert response is not None and response.status == 403
    assert "权限不足" in reviewer_page.page.content()
    reviewer_page.page.goto(f"{live_server.url}/")
    assert "审计日志" not in reviewer_page.page.locator("nav.main").inner_text()  # no link to it either

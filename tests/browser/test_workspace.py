"""End-to-end in Chromium: dashboard, search, chain page, clicking a graph node; no request leaves 127.0.0.1."""

from __future__ import annotations

import re

from tests.browser.conftest import SCREENSHOTS, LiveServer


def test_dashboard_lists_the_eight_chains(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/")
    assert page.title().startswith("总览")
    links = page.locator("table.list a[href^='/chains/']:not(.briefing-link)")
    assert links.count() == 8
    assert page.locator("table.list a.briefing-link").count() == 8  # each chain's 链长简报
    assert "电子信息" in page.inner_text("table.list")
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)


def test_search_finds_a_node(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/")
    page.fill("header form.search input[name=q]", "碳酸锂")
    page.click("header form.search button")
    page.wait_for_url("**/search?q=*")
    results = page.locator("[data-testid=search-results] a")
    assert results.first.inner_text() == "碳酸锂"
    results.first.click()
    page.wait_for_url("**/nodes/product:lithium-carbonate")
    assert "碳酸锂" in page.inner_text("h1")


def test_chain_page_opens_its_enterprise_network_and_a_node_click_opens_its_page(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/chains/chain:new-energy")
    page.screenshot(path=str(SCREENSHOTS / "chain.png"), full_page=True)
    page.click("[data-testid=network-link]")
    page.wait_for_url(re.compile(r"/chains/chain(:|%3A)new-energy/network$"))
    page.wait_for_selector("#network[data-ready='1']", timeout=30_000)
    assert page.locator("#network canvas").count() == 1
    target = "product:lithium-carbonate"
    page.locator("#network").scroll_into_view_if_needed()
    point = page.evaluate(
        """(id) => { const n = window.chainAtlasNetwork; n.focus(id, {scale: 1.5, animation: false});
                     const p = n.getPositions([id])[id]; const d = n.canvasToDOM(p);
                     const r = document.getElementById('network').getBoundingClientRect();
                     return {x: r.left + d.x, y: r.top + d.y}; }""",
        target,
    )
    page.mouse.click(point["x"], point["y"])  # a product opens the network around it
    page.wait_for_url(lambda url: url.endswith(f"/chains/chain:new-energy/network?product={target}"), timeout=10_000)
    assert "碳酸锂及其直接上下游产品" in page.inner_text("h1")


def test_simulation_runs_in_the_browser(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/disruption")
    options = page.locator("select[name=province] option")
    assert options.count() > 1
    province = options.nth(1).get_attribute("value")
    page.select_option("select[name=province]", province)
    page.click("[data-testid=simulate]")
    page.wait_for_selector("[data-testid=disruption-summary]")
    summary = page.inner_text("[data-testid=disruption-summary]")
    assert summary.startswith("对南昌的影响：本地") and "本地营收" in summary
    assert "自身营收" in page.inner_text("[data-testid=disruption-removed]")  # the removed firms' own revenue, apart
    assert province in page.inner_text("h2")
    page.screenshot(path=str(SCREENSHOTS / "disruption.png"), full_page=True)
    with page.expect_download() as download_info:
        page.click("[data-testid=export-disruption]")
    assert download_info.value.suggested_filename == "disruption_all.xlsx"  # no chain chosen: the whole graph


def test_gap_export_downloads_a_workbook(page, live_server: LiveServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    page.goto(f"{live_server.url}/chains/chain:new-energy")
    with page.expect_download() as download_info:
        page.click("[data-testid=export-gaps]")
    target = tmp_path / "gaps.xlsx"
    download_info.value.save_as(target)
    workbook = load_workbook(target)
    assert workbook.sheetnames[0] == "缺口"
    header = [cell.value for cell in next(workbook["缺口"].iter_rows(max_row=1))]
    assert "状态" in header and "依据" in header
    assert workbook["缺口"].max_row > 20


def test_enterprise_page_draws_its_tier_graph_below_the_heading(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/search?q=示例")
    page.locator("[data-testid=search-results] a[href^='/enterprises/']").first.click()
    page.wait_for_url("**/enterprises/*")
    page.wait_for_selector("#network[data-ready='1']", timeout=30_000)
    assert page.locator("#network canvas").count() == 1
    assert page.locator("#network").bounding_box()["height"] > 300
    assert page.locator("h2#tiers").is_visible() and "上下游" in page.inner_text("h2#tiers")
    page.screenshot(path=str(SCREENSHOTS / "enterprise.png"), full_page=True)


def test_pages_fit_a_phone_screen(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/search?q=南昌", "/risks"):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide on a 390 px screen"
    page.screenshot(path=str(SCREENSHOTS / "phone-risks.png"), full_page=False)

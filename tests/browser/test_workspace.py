"""End-to-end in Chromium: dashboard, search, chain page, clicking a graph node; no request leaves 127.0.0.1."""

from __future__ import annotations

from tests.browser.conftest import SCREENSHOTS, LiveServer


def test_dashboard_lists_the_eight_chains(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/")
    assert page.title().startswith("总览")
    links = page.locator("table.list a[href^='/chains/']")
    assert links.count() == 8
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


def test_chain_page_draws_network_and_node_click_opens_its_page(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/chains/chain:new-energy")
    page.wait_for_selector("#network[data-ready='1']", timeout=30_000)
    assert page.locator("#network canvas").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "chain.png"), full_page=True)
    target = "product:lithium-carbonate"
    point = page.evaluate(
        """(id) => { const n = window.chainAtlasNetwork; n.fit({animation: false}); n.focus(id, {scale: 1.5, animation: false});
                     const p = n.getPositions([id])[id]; const d = n.canvasToDOM(p);
                     const r = document.getElementById('network').getBoundingClientRect();
                     return {x: r.left + d.x, y: r.top + d.y}; }""",
        target,
    )
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(f"**/nodes/{target}", timeout=10_000)
    assert "碳酸锂" in page.inner_text("h1")

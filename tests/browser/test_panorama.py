"""The 产业链全景图 in Chromium: every product tile of every chain inside the viewport width, on a
1440×900 screen and a 390×844 phone, with no horizontal scrolling; a tile opens its panel."""

from __future__ import annotations

import json
from urllib.request import Request, urlopen

from tests.browser.conftest import SCREENSHOTS, LiveServer, SizedPage


def chain_products(live_server: LiveServer) -> dict[str, int]:
    """Chain id → its number of products, from the JSON API."""
    headers = {"Authorization": f"Bearer {live_server.tokens['viewer']}"}
    with urlopen(Request(f"{live_server.url}/api/chains", headers=headers), timeout=30) as response:
        chains = json.load(response)
    counts = {}
    for chain in chains:
        with urlopen(Request(f"{live_server.url}/api/chains/{chain['id']}", headers=headers), timeout=30) as response:
            counts[chain["id"]] = len(json.load(response)["products"])
    return counts


def test_every_tile_of_every_chain_fits_the_viewport_width(viewer_page: SizedPage, live_server: LiveServer) -> None:
    page, viewport, width, height = viewer_page.page, viewer_page.viewport, viewer_page.width, viewer_page.height
    products = chain_products(live_server)
    assert len(products) == 8
    for chain_id, count in products.items():
        page.goto(f"{live_server.url}/chains/{chain_id}")
        tiles = page.locator("[data-testid=panorama-tile]")
        assert tiles.count() == count, chain_id
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('[data-testid=panorama-tile]')].map(tile => {
                 const r = tile.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width}; })"""
        )
        outside = [box for box in boxes if box["left"] < 0 or box["right"] > width or box["width"] < 60]
        assert not outside, f"{chain_id} at {width}×{height}: tiles outside the viewport width {outside[:3]}"
        scroll_width, inner_width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width, f"{chain_id} at {width}×{height} scrolls sideways"
        columns = page.evaluate(
            "[...document.querySelectorAll('[data-testid=stage-column]')].map(c => Math.round(c.getBoundingClientRect().top))"
        )
        if viewport == "desktop":
            assert len(set(columns[:3])) == 1, f"{chain_id}: the stage columns are not side by side"
        else:
            assert columns == sorted(columns) and len(set(columns)) == len(columns), f"{chain_id}: columns not stacked"
        if chain_id == "chain:new-energy":
            name = "panorama.png" if viewport == "desktop" else "panorama-phone.png"
            if viewport == "phone":  # the phone's first screen is the page header: show the panorama itself
                page.evaluate("document.querySelector('[data-testid=panorama]').scrollIntoView()")
            page.screenshot(path=str(SCREENSHOTS / name))


def test_a_tile_opens_its_local_producers_and_candidates(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/chains/chain:new-energy")
    gap = page.locator("[data-testid=panorama-tile].tile-missing, [data-testid=panorama-tile].tile-weak").first
    gap.locator("summary").click()
    panel = gap.locator(".tile-panel")
    assert panel.is_visible()
    assert "本地生产企业" in panel.inner_text() and "省内" in panel.inner_text()
    name = gap.locator(".tile-name").inner_text()
    gap.locator("[data-testid=panorama-candidates]").click()
    page.wait_for_url("**/candidates?product=*")
    assert name in page.inner_text("main")

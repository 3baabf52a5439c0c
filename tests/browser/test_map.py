"""The 招商地图 in Chromium at desktop and phone sizes: the map is visible, every district with local
firms is shaded, nothing scrolls sideways, and a district opens its page."""

from __future__ import annotations

import pytest

from app.web.district_map import NO_DATA_COLOUR
from tests.browser.conftest import SCREENSHOTS, LiveServer

SIZES = {"desktop": (1440, 900, "map.png"), "phone": (390, 844, "map-phone.png")}


@pytest.mark.parametrize("size", list(SIZES))
def test_map_shades_every_district_with_firms(page, live_server: LiveServer, size: str) -> None:  # type: ignore[no-untyped-def]
    width, height, shot = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/map")
    svg = page.locator("svg.district-map")
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box is not None and box["width"] > 300 and box["x"] + box["width"] <= width
    districts = page.locator("path.district")
    assert districts.count() == 9
    with_firms = 0
    for index in range(districts.count()):
        path = districts.nth(index)
        fill = path.evaluate("p => getComputedStyle(p).fill")
        firms = int(path.get_attribute("data-firms") or 0)
        if firms:
            with_firms += 1
            assert fill != _rgb(NO_DATA_COLOUR), f"{path.get_attribute('data-district')} has {firms} firms but no shade"
    assert with_firms >= 3
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SCREENSHOTS / shot), full_page=False)


def test_a_district_opens_its_page(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/map?chain=chain:new-energy")
    link = page.locator("a.district-link", has=page.locator("path[data-district='南昌县']"))
    href = link.get_attribute("href")  # an SVG <a>: follow its link (its box is its paths', which labels overlap)
    assert href is not None and href.startswith("/districts/")
    page.goto(f"{live_server.url}{href}")
    assert page.inner_text("h1") == "南昌县"
    assert "新能源" in page.inner_text("table.district-chains")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 390, "height": 844})  # on a phone the chains stack as cards
    table = page.locator("table.district-chains").bounding_box()
    assert table is not None and table["x"] + table["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _rgb(colour: str) -> str:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"

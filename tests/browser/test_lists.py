"""The 清单 pages in Chromium at 1440×900 and 390×844: the headline on the first screen, filters
kept in the URL, no ids in the text, no sideways scrolling on a phone (only inside a table)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import SCREENSHOTS, LiveServer, SizedPage

ID_PATTERN = re.compile(r"\b(chain|product|park|cluster|ent):[A-Za-z0-9]")
PAGES = {
    "index": ("/lists", "lists-headline"),
    "key-enterprises": ("/lists/key-enterprises", "key-enterprises-headline"),
    "targets": ("/lists/targets?chain=chain:new-energy", "targets-headline"),
    "gaps": ("/lists/gaps?chain=chain:new-energy", "gaps-headline"),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_list_reads_well_on_a_screen_and_a_phone(viewer_page: SizedPage, live_server: LiveServer, name: str) -> None:
    page = viewer_page.page
    path, headline = PAGES[name]
    page.goto(f"{live_server.url}{path}")
    box = page.locator(f"[data-testid={headline}]").bounding_box()
    assert box and box["y"] < viewer_page.height  # the headline is on the first screen
    assert not ID_PATTERN.search(page.locator("main").inner_text())
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewer_page.width, f"{path} is {width} px wide on a {viewer_page.width} px screen"
    page.screenshot(path=str(SCREENSHOTS / f"lists-{name}-{viewer_page.viewport}.png"))


def test_gap_filters_stay_in_the_url_and_missing_comes_first(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/lists")
    page.click("text=缺链补链清单")
    page.select_option("select[name=chain]", "chain:new-energy")
    page.select_option("select[name=district]", "南昌县")
    page.uncheck("input[name=status][value=延链]")
    page.click("form.filters button")
    page.wait_for_url("**/lists/gaps?chain=chain%3Anew-energy&district=*")
    assert "status=%E7%BC%BA%E9%93%BE" in page.url and page.locator("select[name=district]").input_value() == "南昌县"
    statuses = page.locator("[data-testid=gaps] tbody td.status").all_inner_texts()
    assert statuses and statuses == sorted(statuses, key=["缺链", "弱链"].index)
    assert "南昌县" in page.locator("h1").inner_text()
    with page.expect_download() as download_info:
        page.click("[data-testid=export-gaps]")
    assert download_info.value.suggested_filename == "gap-list_new-energy.xlsx"

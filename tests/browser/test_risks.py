"""The 关键依赖清单 in Chromium: the headline and per-chain summary first, then the list grouped by
chain and type, 50 a page, filters and order kept in the URL, evidence folded, no ids shown."""

from __future__ import annotations

import re

from tests.browser.conftest import SCREENSHOTS, LiveServer, SizedPage

ID_PATTERN = re.compile(r"\b(chain|product|park|cluster|ent):[A-Za-z0-9]")


def test_headline_and_summary_come_first_and_add_up(reviewer_page: SizedPage, live_server: LiveServer) -> None:
    page = reviewer_page.page
    page.goto(f"{live_server.url}/risks")
    headline = page.locator("[data-testid=risks-headline]")
    assert headline.bounding_box()["y"] < page.locator("[data-testid=risk-summary]").bounding_box()["y"]
    assert headline.bounding_box()["y"] < reviewer_page.height  # the headline is on the first screen
    total = int(re.search(r"共 ([\d,]+) 项关键依赖", headline.inner_text()).group(1).replace(",", ""))
    cards = page.locator(".risk-card")
    assert cards.count() == 8  # the plan's eight chains
    counted = sum(int(n) for n in page.locator(".risk-card table.compact tbody td.num").all_inner_texts())
    assert counted == total
    assert page.locator("[data-testid=risks-count]").inner_text().startswith(f"共 {total:,} 项")
    assert not ID_PATTERN.search(page.locator("main").inner_text())
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= reviewer_page.width, f"/risks is {width} px wide on a {reviewer_page.width} px screen"
    page.screenshot(path=str(SCREENSHOTS / f"risks-{reviewer_page.viewport}.png"))


def test_list_is_grouped_paged_and_keeps_its_filters(reviewer_page: SizedPage, live_server: LiveServer) -> None:
    page = reviewer_page.page
    page.goto(f"{live_server.url}/risks")
    page.select_option("select[name=chain]", "chain:new-energy")
    page.select_option("select[name=sort]", "revenue")
    page.click("form.filters button")
    page.wait_for_url("**/risks?chain=chain%3Anew-energy*sort=revenue*")
    rows = page.locator("[data-testid=risks] tbody tr")
    assert 0 < rows.count() <= 50
    groups = page.locator("h3.risk-group").all_inner_texts()
    kinds = [re.match(r"(\S+)", text).group(1) for text in groups]
    order = ["独家供应", "单一供应商投入", "卡点", "割点", "桥", "集中度", "无已知供应商"]
    assert kinds == sorted(kinds, key=order.index) and len(set(kinds)) == len(kinds)
    first_group = page.locator("[data-testid=risks]").first
    revenue = [float(text.split("\n")[0].replace(",", "")) for text in first_group.locator("tbody td:nth-child(6)").all_inner_texts()]
    assert revenue == sorted(revenue, reverse=True)
    evidence = page.locator("td.evidence details").first  # long evidence is folded behind 展开
    assert evidence.count() == 1 and not evidence.evaluate("node => node.open")
    evidence.locator("summary .more").click()
    assert evidence.evaluate("node => node.open")
    listed = int(re.match(r"共 ([\d,]+) 项", page.locator("[data-testid=risks-count]").inner_text()).group(1).replace(",", ""))
    assert listed > 50  # the browser demo's new-energy list runs to several pages
    page.locator("[data-testid=risks-pager] a[rel=next]").click()
    page.wait_for_url("**page=2*")
    assert "chain=chain%3Anew-energy" in page.url and "sort=revenue" in page.url
    assert page.locator("select[name=sort]").input_value() == "revenue"
    assert page.locator("[data-testid=risks-pager] strong").inner_text() == "2"
    assert not ID_PATTERN.search(page.locator("main").inner_text())
    with page.expect_download() as download_info:
        page.click("[data-testid=export-risks]")
    assert download_info.value.suggested_filename == "critical-dependencies_new-energy.xlsx"
    page.screenshot(path=str(SCREENSHOTS / f"risks-list-{reviewer_page.viewport}.png"))

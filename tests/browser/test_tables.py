"""Tables that read well in Chromium: no column narrower than its heading (排名, 中游 never break one
character a line), long sources and evidence folded behind 展开, a source every row shares said
once above the table. Screenshots of each table page at 1440×900 and 390×844."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import SCREENSHOTS, LiveServer, SizedPage

ID_PATTERN = re.compile(r"\b(chain|product|park|cluster|ent):[A-Za-z0-9]")
CHAIN = "chain:new-energy"
# For each visible heading cell: its width, the width its text needs, the lines its text takes and has (<br>).
HEADER_FIT = """() => [...document.querySelectorAll('main table.list th')].filter(th => th.offsetParent !== null).map(th => {
  const range = document.createRange(); range.selectNodeContents(th);
  const text = range.getBoundingClientRect();
  const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
  return {text: th.innerText.trim(), width: th.getBoundingClientRect().width, needed: text.width, lines: lines,
          written: th.innerText.trim().split('\\n').length};
})"""
# Short body cells (up to 4 characters, e.g. 中游, 弱链, 排名 values): on one line.
SHORT_CELLS = """() => [...document.querySelectorAll('main table.list td')].filter(td => td.offsetParent !== null
    && td.innerText.trim().length >= 2 && td.innerText.trim().length <= 4).map(td => {
  const range = document.createRange(); range.selectNodeContents(td);
  return {text: td.innerText.trim(), lines: new Set([...range.getClientRects()].map(r => Math.round(r.top))).size};
})"""


# Longer body cells: wide enough that a name wraps by words, never one character a line (≥ 5 characters).
NARROW_LONG_CELLS = """() => [...document.querySelectorAll('main table.list td')].filter(td => td.offsetParent !== null
    && td.innerText.trim().length > 8).map(td => ({text: td.innerText.trim().slice(0, 20), width: td.getBoundingClientRect().width,
    em: parseFloat(getComputedStyle(td).fontSize)})).filter(cell => cell.width < 5 * cell.em)"""


def table_pages(page: Any, live_server: LiveServer) -> dict[str, str]:
    """The pages with result tables, with real ids of the browser demo (found through the API)."""
    gaps = page.request.get(f"{live_server.url}/api/chains/{CHAIN}/gaps", params={"size": 100}).json()["items"]
    for gap in gaps:
        product = gap["产品ID"]
        found = page.request.get(f"{live_server.url}/api/chains/{CHAIN}/candidates", params={"product": product}).json()["items"]
        if found:
            candidate = found[0]["企业ID"]
            break
    return {
        "chain": f"/chains/{CHAIN}",
        "candidates": f"/chains/{CHAIN}/candidates?product={product}",
        "enterprise": f"/enterprises/{candidate}",
        "risks": f"/risks?chain={CHAIN}",
        "disruption": "/disruption?country=韩国",
        "district": "/districts/南昌县",
    }


def test_no_column_is_narrower_than_its_heading(reviewer_page: SizedPage, live_server: LiveServer) -> None:
    page = reviewer_page.page
    for name, url in table_pages(page, live_server).items():
        page.goto(f"{live_server.url}{url}")
        headings = page.evaluate(HEADER_FIT)
        assert headings, f"{url}: no table headings"
        for heading in headings:
            assert heading["width"] + 0.5 >= heading["needed"], (url, heading)
            assert heading["lines"] == heading["written"], (url, heading)  # 排名 never 排/名 (a <br> where written)
        broken = [cell for cell in page.evaluate(SHORT_CELLS) if cell["lines"] > 1]
        assert not broken, (url, broken[:5])
        narrow = page.evaluate(NARROW_LONG_CELLS)
        assert not narrow, (url, reviewer_page.viewport, narrow[:5])
        assert not ID_PATTERN.search(page.locator("main").inner_text()), url
        page.locator("main table.list").first.evaluate("table => table.scrollIntoView({block: 'start'})")  # the table, not the head
        page.screenshot(path=str(SCREENSHOTS / f"table-{name}-{reviewer_page.viewport}.png"), full_page=False)


def test_long_sources_fold_and_a_shared_source_is_said_once(reviewer_page: SizedPage, live_server: LiveServer) -> None:
    page = reviewer_page.page
    pages = table_pages(page, live_server)
    page.goto(f"{live_server.url}{pages['enterprise']}")
    relations = page.locator("[data-testid=relations]")
    said_once = page.locator("[data-testid=relations-source]")
    rows = relations.locator("tbody tr").count()
    if rows > 1:  # the demo's relations share one source: said once above the table, not per row
        assert said_once.count() == 1 and "示例数据（虚构）" in said_once.inner_text()
        assert "数据来源" not in relations.locator("thead").inner_text()
    text = page.locator("main").inner_text()
    assert "（示例数据）（示例数据）" not in text and "示例数据（虚构）（示例数据）" not in text
    page.goto(f"{live_server.url}{pages['candidates']}")
    folded = page.locator("[data-testid=candidates] details.fold")
    if folded.count():  # a long 理由 folds behind 展开
        first = folded.first
        assert not first.evaluate("node => node.open") and first.locator(".more").is_visible()
        first.locator("summary").click()
        assert first.evaluate("node => node.open") and first.locator(".less").is_visible()

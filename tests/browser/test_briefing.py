"""The 链长简报 in Chromium: read on a 1440×900 screen and a 390×844 phone (headline, panorama, five
top gaps with their candidates, dependencies), and printed — the site's chrome hidden and every chain
on one A4 page, both in print emulation and in Chromium's own PDF of the page."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.request import Request, urlopen

import pytest
from pypdf import PdfReader

from tests.browser.conftest import SCREENSHOTS, LiveServer, SizedPage

A4_CONTENT = (726, 1062)  # CSS px inside the briefing's @page margins: (210 − 18) mm × (297 − 16) mm at 96 px/in
A4_POINTS = (595.3, 841.9)


def chains(live_server: LiveServer) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {live_server.tokens['viewer']}"}
    with urlopen(Request(f"{live_server.url}/api/chains", headers=headers), timeout=30) as response:
        return json.load(response)  # type: ignore[no-any-return]


def test_the_briefing_reads_on_a_screen_and_a_phone(reviewer_page: SizedPage, live_server: LiveServer) -> None:
    page, viewport, width = reviewer_page.page, reviewer_page.viewport, reviewer_page.width
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"{message.text} {message.location.get('url')}")
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico") else None)
    page.goto(f"{live_server.url}/chains/chain:new-energy/briefing")
    headline = page.locator("[data-testid=briefing-headline] li")
    assert headline.count() == 4
    assert headline.first.inner_text().startswith("本地营收") and "2026年目标" in headline.first.inner_text()
    assert headline.first.is_visible() and headline.first.bounding_box()["y"] < reviewer_page.height  # headline first
    assert page.locator("[data-testid=panorama-tile]").count() == 35
    gaps = page.locator("[data-testid=briefing-gap]")
    assert gaps.count() == 5
    for index in range(5):
        candidates = gaps.nth(index).locator("[data-testid=briefing-candidates] a.candidate")
        assert candidates.count() >= 1 and candidates.first.is_visible()
        assert "（示例）" in candidates.first.inner_text()  # a candidate's name, never its id
    dependencies = page.locator("[data-testid=briefing-dependency]")
    assert dependencies.count() == 5 and dependencies.first.inner_text().startswith("高")
    scroll_width, inner_width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"the briefing scrolls sideways at {width} px"
    boxes = page.evaluate("[...document.querySelectorAll('[data-testid=briefing-gap], [data-testid=panorama-tile]')]"
                          ".map(e => e.getBoundingClientRect().right)")
    assert max(boxes) <= width
    if viewport == "phone":  # cards, not a table wider than the phone
        assert not page.locator("table.briefing-table thead").first.is_visible()
    assert not problems, problems  # no script or CSP errors
    name = "briefing.png" if viewport == "desktop" else "briefing-phone.png"
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_a_viewer_reads_a_note_instead_of_the_dependencies(viewer_page: SizedPage, live_server: LiveServer) -> None:
    page = viewer_page.page
    page.goto(f"{live_server.url}/chains/chain:aviation/briefing")
    assert page.locator("[data-testid=briefing-gap]").count() == 5
    assert page.locator("[data-testid=briefing-dependency]").count() == 0
    assert "安全审查" in page.locator("[data-testid=briefing-risk-note]").inner_text()


def test_print_and_pdf_buttons(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/chains/chain:new-energy")
    page.locator("[data-testid=briefing-link]").click()
    page.wait_for_url("**/chains/chain*new-energy/briefing")
    page.evaluate("window.print = () => { window.printed = true; }")  # the dialog itself is the browser's
    page.locator("[data-testid=briefing-print]").click()
    assert page.evaluate("window.printed === true")  # briefing.js wired the button (no inline script)
    with page.expect_download() as download:
        page.locator("[data-testid=briefing-pdf]").click()
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(data)).pages) == 1
    assert download.value.suggested_filename.endswith("链长简报.pdf")


def test_every_chain_prints_on_one_a4_page(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    found = chains(live_server)
    assert len(found) == 8
    for chain in found:
        page.set_viewport_size({"width": 1440, "height": 900})
        page.emulate_media(media=None)  # as the browser's print dialog has it: print media on paper
        page.goto(f"{live_server.url}/chains/{chain['id']}/briefing")
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)  # Chromium's print of the page
        reader = PdfReader(io.BytesIO(pdf))
        size = (float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height))
        assert len(reader.pages) == 1, f"{chain['name']}: Chromium prints {len(reader.pages)} pages"
        assert size == pytest.approx(A4_POINTS, abs=1)
        page.set_viewport_size({"width": A4_CONTENT[0], "height": A4_CONTENT[1]})
        page.emulate_media(media="print")
        for chrome in ("header.top", "nav.main", "form.search", ".briefing-actions", "footer"):
            assert not page.locator(chrome).first.is_visible(), f"{chrome} is printed"
        assert page.locator(".synthetic-banner").is_visible()  # 示例数据（虚构） stays on paper
        height = page.evaluate("document.scrollingElement.scrollHeight")
        assert height <= A4_CONTENT[1], f"{chain['name']}: {height} px of print content for a {A4_CONTENT[1]} px page"
        if chain["id"] == "chain:new-energy":
            page.screenshot(path=str(SCREENSHOTS / "briefing-print.png"), full_page=True)

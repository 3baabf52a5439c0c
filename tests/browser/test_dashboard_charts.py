"""The 总览 charts in Chromium: every chart and every chain's bar inside the viewport width at 1440×900
and on a 390×844 phone, no sideways scrolling; screenshots for the README."""

from __future__ import annotations

from tests.browser.conftest import SCREENSHOTS, LiveServer, SizedPage


def test_dashboard_charts_fit_the_viewport_width(viewer_page: SizedPage, live_server: LiveServer) -> None:
    page, viewport, width, height = viewer_page.page, viewer_page.viewport, viewer_page.width, viewer_page.height
    page.goto(f"{live_server.url}/")
    charts = page.locator("[data-testid=dashboard-charts] figure.chart")
    assert charts.count() == 4  # the demo's supply links carry several dates: the resilience trend is drawn
    assert page.locator("[data-testid=chart-trend] polyline.chart-trend").count() == 8
    for index in range(4):
        assert charts.nth(index).is_visible()
    assert page.locator("[data-testid=chart-revenue] rect.chart-bar").count() == 8
    assert page.locator("[data-testid=chart-indices] rect.chart-completeness").count() == 8
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('figure.chart, figure.chart svg, .chart-label, .chart-bar, .chart-target')]
             .map(el => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width}; })"""
    )
    outside = [box for box in boxes if box["left"] < 0 or box["right"] > width]
    assert not outside, f"at {width}×{height}: chart parts outside the viewport width {outside[:3]}"
    scroll_width, inner_width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"the dashboard scrolls sideways at {width}×{height}"
    tops = [round(charts.nth(i).bounding_box()["y"]) for i in range(3)]
    if viewport == "desktop":
        assert len(set(tops)) == 1, "the three charts are not side by side at 1440 wide"
    else:
        assert tops == sorted(tops) and len(set(tops)) == 3, "the charts do not stack on a phone"
    if viewport == "phone":
        page.evaluate("document.querySelector('[data-testid=dashboard-charts]').scrollIntoView()")
    page.screenshot(path=str(SCREENSHOTS / ("dashboard-charts.png" if viewport == "desktop" else "dashboard-charts-phone.png")))

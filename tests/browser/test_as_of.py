"""数据日期 on the pages, in a browser at 1440×900 and on a 390×844 phone: the demo with two yearly
lists (示例名单 2022 and 2023) on 80 of the new-energy chain's supply links and 12 of its local
firms, half of each dropped from the 2023 list. A page says its date first, offers the list years,
keeps the date and the scope in its downloads and links, and under 网络中全部企业 its headings say
网络内, not 本地; the 招商地图 and the enterprise network draw the firms and links of their date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from graph_schema import Enterprise, Supplies
from stores.base import WriteBatch
from stores.embedded import EmbeddedStore
from tests.browser.conftest import SCREENSHOTS, VIEWPORTS, LiveServer, SizedPage, fill_store, serve, signed_in_pages
from tests.browser.test_network import DRAWN_LABELS, overlapping

CHAIN = "chain:new-energy"
LIST = "示例名单"


ENTERPRISE_FIELDS = ("name", "country", "province", "city", "district", "local", "revenue_yi", "tags", "synthetic", "source", "as_of")


def fill_with_lists(store: EmbeddedStore) -> None:
    fill_store(store)
    graph = store.project(CHAIN)
    links = sorted((u, v, d.get("product")) for u, v, d in graph.edges(data=True) if d["type"] == "SUPPLIES")[:80]
    located = [n for n, d in sorted(graph.nodes(data=True)) if d.get("label") == "Enterprise" and d.get("local") and d.get("district")][:12]
    store.write(WriteBatch(
        nodes=[Enterprise(id=n, **{k: graph.nodes[n][k] for k in ENTERPRISE_FIELDS if graph.nodes[n].get(k) is not None},
                          seen=["2022-12-31", *(["2023-12-31"] if i % 2 else [])], listing=LIST) for i, n in enumerate(located)],
        relationships=[
            Supplies(src=u, dst=v, product=product, seen=["2022-12-31", *(["2023-12-31"] if i % 2 else [])], listing=LIST)
            for i, (u, v, product) in enumerate(links)
        ]))


@pytest.fixture(scope="module")
def dated_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from serve(tmp_path_factory.mktemp("browser-as-of"), fill_with_lists)


@pytest.fixture(params=sorted(VIEWPORTS))
def sized(request: pytest.FixtureRequest, browser: Any, dated_server: LiveServer) -> Iterator[SizedPage]:
    yield from signed_in_pages(request, browser, dated_server, "reviewer")


def fits(page: Any, selector: str, width: int) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (selector, box)


def test_the_chain_page_says_its_date_and_changes_it(sized: SizedPage, dated_server: LiveServer) -> None:
    page = sized.page
    page.goto(f"{dated_server.url}/chains/{CHAIN}")
    line = page.locator("[data-testid=as-of]")
    assert re.match(r"数据截至 \d{4}-\d{2}-\d{2}（最新）　按名单年份：最新 · 2023年 · 2022年$", line.inner_text())  # the demo's links are dated too
    heading = page.locator("h1").bounding_box()
    assert heading is not None and line.bounding_box()["y"] < heading["y"] + heading["height"] + 80  # right under the title
    fits(page, "[data-testid=as-of]", sized.width)
    before = page.locator("[data-testid=gaps]").inner_text()
    page.locator("[data-testid=as-of-choice] a", has_text="2022年").click()
    page.wait_for_url("**as_of=2022-12-31**")
    assert page.locator("[data-testid=as-of-date]").inner_text() == "数据截至 2022-12-31"
    assert page.locator("[data-testid=gaps]").inner_text() != before  # the 2022 list had the dropped links
    page.screenshot(path=str(SCREENSHOTS / f"as-of-chain-{sized.viewport}.png"))
    for testid in ("export-map", "export-gaps", "export-gaps-csv"):
        query = parse_qs(urlsplit(page.get_attribute(f"[data-testid={testid}]", "href") or "").query)
        assert query["as_of"] == ["2022-12-31"] and query["scope"] == ["local"], testid
    with page.expect_download() as download:
        page.click("[data-testid=export-gaps]")
    assert "2022-12-31" in download.value.suggested_filename


def test_risks_under_every_firm_say_what_they_count(sized: SizedPage, dated_server: LiveServer) -> None:
    page = sized.page
    page.goto(f"{dated_server.url}/risks?chain={CHAIN}&scope=all&as_of=2022-12-31")
    assert page.locator("[data-testid=as-of-date]").inner_text() == "数据截至 2022-12-31"
    text = page.locator("main").inner_text()
    assert "受影响网络内企业" in text and "受影响本地企业" not in text
    href = page.get_attribute("[data-testid=export-risks]", "href") or ""
    assert {"scope": ["all"], "as_of": ["2022-12-31"]}.items() <= parse_qs(urlsplit(href).query).items()
    fits(page, "[data-testid=as-of]", sized.width)
    page.screenshot(path=str(SCREENSHOTS / f"as-of-risks-{sized.viewport}.png"))
    page.locator("[data-testid=scope-choice] a", has_text="南昌本地企业").click()
    page.wait_for_url("**scope=local**")
    assert "as_of=2022-12-31" in page.url and "受影响本地企业" in page.locator("main").inner_text()


def test_an_enterprise_page_lists_the_relations_of_its_date(sized: SizedPage, dated_server: LiveServer) -> None:
    graph = dated_server.store.project(CHAIN)
    firm, customer = sorted((u, v) for u, v, d in graph.edges(data=True) if d["type"] == "SUPPLIES" and d.get("seen") == ["2022-12-31"])[0]
    name = graph.nodes[customer]["name"]
    page = sized.page
    page.goto(f"{dated_server.url}/enterprises/{firm}")
    assert name not in page.locator("[data-testid=relations]").inner_text()  # not on the latest (2023) list
    page.locator("[data-testid=as-of-choice] a", has_text="2022年").click()
    page.wait_for_url("**as_of=2022-12-31**")
    row = page.locator("[data-testid=relations] tbody tr", has_text=name)
    assert "2022年名单" in row.inner_text()
    fits(page, "[data-testid=as-of]", sized.width)
    page.wait_for_selector("#network[data-ready='1']", timeout=30_000)
    page.screenshot(path=str(SCREENSHOTS / f"as-of-enterprise-{sized.viewport}.png"))


def under_title(page: Any) -> None:
    """The 数据日期 line comes right under the page's title, before its headline."""
    heading = page.locator("h1").bounding_box()
    line = page.locator("[data-testid=as-of]").bounding_box()
    assert heading is not None and line is not None and heading["y"] + heading["height"] <= line["y"] + 1
    assert line["y"] < heading["y"] + heading["height"] + 80


def firm_total(page: Any) -> int:
    return sum(int(count) for count in page.eval_on_selector_all("path.district", "paths => paths.map(p => p.dataset.firms)"))


def test_the_map_counts_the_firms_of_its_date(sized: SizedPage, dated_server: LiveServer) -> None:
    page = sized.page
    page.goto(f"{dated_server.url}/map?chain={CHAIN}")
    assert re.match(r"数据截至 \d{4}-\d{2}-\d{2}（最新）　按名单年份：最新 · 2023年 · 2022年$", page.locator("[data-testid=as-of]").inner_text())
    under_title(page)
    latest, headline = firm_total(page), page.locator(".map-headline").inner_text()
    page.locator("[data-testid=as-of-choice] a", has_text="2022年").click()
    page.wait_for_url("**as_of=2022-12-31**")
    assert "chain=chain" in page.url  # the chain chosen stays
    assert page.locator("[data-testid=as-of-date]").inner_text() == "数据截至 2022-12-31"
    assert firm_total(page) == latest + 6  # the six firms on the 2022 list only
    assert page.locator(".map-headline").inner_text() != headline
    fits(page, "[data-testid=as-of]", sized.width)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SCREENSHOTS / f"as-of-map-{sized.viewport}.png"))
    hrefs = page.eval_on_selector_all(".map-side a[href^='/districts/']", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all("as_of=2022-12-31" in href for href in hrefs)
    page.locator(".map-side a[href^='/districts/']").first.click()
    page.wait_for_url("**/districts/**")
    assert page.locator("[data-testid=as-of-date]").inner_text() == "数据截至 2022-12-31"


def test_the_network_draws_the_firms_and_links_of_its_date(sized: SizedPage, dated_server: LiveServer) -> None:
    page = sized.page
    page.goto(f"{dated_server.url}/chains/{CHAIN}/network")
    page.wait_for_selector("#network[data-ready='1']", timeout=30_000)
    latest = page.evaluate("() => window.chainAtlasNetwork.body.data.nodes.get().filter(n => n.kind === 'Enterprise').length")
    page.locator("[data-testid=as-of-choice] a", has_text="2022年").click()
    page.wait_for_url("**as_of=2022-12-31**")
    page.wait_for_selector("#network[data-ready='1']", timeout=30_000)
    under_title(page)
    line = page.locator("[data-testid=as-of]").bounding_box()
    assert line is not None and line["y"] < page.locator("[data-testid=network-headline]").bounding_box()["y"]  # type: ignore[index]
    assert page.locator("[data-testid=as-of-date]").inner_text() == "数据截至 2022-12-31"
    then = page.evaluate("() => window.chainAtlasNetwork.body.data.nodes.get().filter(n => n.kind === 'Enterprise').length")
    assert then > latest  # firms dropped from the 2023 list are drawn as of 2022
    urls = page.evaluate("() => window.chainAtlasNetwork.body.data.nodes.get().map(n => n.url).filter(u => u && !u.startsWith('/nodes/'))")
    assert urls and all("as_of=2022-12-31" in url for url in urls)
    hrefs = page.eval_on_selector_all("[data-testid=network-scopes] a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all("as_of=2022-12-31" in href for href in hrefs)
    drawn = page.evaluate(DRAWN_LABELS)
    assert drawn["boxes"] and not overlapping(drawn["boxes"]), overlapping(drawn["boxes"])[:5]
    fits(page, "[data-testid=as-of]", sized.width)
    page.screenshot(path=str(SCREENSHOTS / f"as-of-network-{sized.viewport}.png"))

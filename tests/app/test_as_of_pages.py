"""``as_of`` on the pages and their downloads, and what the pages call the firms in focus.

The example chain gets two yearly lists (示例名单 2022 and 2023): Korea Cell sold cells to 南昌电池包 in
2022 only, 南昌储能电芯 in both years. So as of 2022-12-31 南昌电池包 has three cell suppliers, as of
the latest data two, and the 电池包 link into 南昌汽车 (dated 2024-06-30) is not there yet before 2024.
Every analysis page says which date its data is as of, offers the list years, keeps the date (and
its scope) in every download link, and those links answer with the data of that date.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from app.security.tokens import TokenRegistry
from graph_schema import Enterprise, Produces, Supplies
from queries.examples import example_batch
from stores.base import GraphStore
from tests.app.conftest import make_client

LIST = "示例名单"
PAGES = (
    "/", "/chains/chain:ev", "/chains/chain:ev/candidates?product=product:cathode",
    "/chains/chain:ev/recruit?product=product:motor&candidate=ent:gd-motor", "/chains/chain:ev/briefing",
    "/risks?chain=chain:ev", "/disruption?chain=chain:ev&enterprise=ent:jx-mine",
    "/lists", "/lists/key-enterprises", "/lists/gaps", "/lists/targets", "/enterprises/ent:pack",
    "/map", "/map?chain=chain:ev", "/districts/南昌县", "/chains/chain:ev/network", "/chains/chain:ev/network?segment=动力电池",
)


@pytest.fixture
def reviewer(store: GraphStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> Iterator[TestClient]:
    batch = example_batch()
    batch.extend([
        Supplies(src="ent:foreign", dst="ent:pack", product="product:cell", seen=["2022-12-31"], listing=LIST),
        Supplies(src="ent:cell2", dst="ent:pack", product="product:cell", seen=["2022-12-31", "2023-12-31"], listing=LIST),
    ])
    store.write(batch)
    with make_client(store, tokens, role_tokens["reviewer"]) as client:
        yield client


def with_params(path: str, **params: str) -> str:
    extra = "&".join(f"{name}={value}" for name, value in params.items())
    return f"{path}{'&' if '?' in path else '?'}{extra}"


def download_links(page: str) -> list[str]:
    """Every link to an API download on a page."""
    return [unescape(href) for href in re.findall(r'<a href="(/api/[^"]+)"[^>]*download', page)]


def test_every_analysis_page_says_as_of_which_date_and_offers_the_list_years(reviewer: TestClient) -> None:
    for path in PAGES:
        latest = reviewer.get(path)
        assert latest.status_code == 200, path
        assert "数据截至 2024-06-30（最新）" in latest.text, path  # the latest date the data carries
        dated = reviewer.get(with_params(path, as_of="2022-12-31"))
        assert dated.status_code == 200, path
        assert "数据截至 2022-12-31" in dated.text and "（最新）" not in dated.text, path
        if "briefing" in path:
            continue  # printed: the date, no selector
        choice = re.search(r'data-testid="as-of-choice">(.*?)</span>', dated.text).group(1)  # type: ignore[union-attr]
        assert '<strong aria-current="true">2022年</strong>' in choice and ">2023年</a>" in choice and ">最新</a>" in choice, path
        assert "as_of=2023-12-31" in choice, path


def test_the_page_shows_the_data_of_its_date(reviewer: TestClient) -> None:
    then = reviewer.get("/enterprises/ent:pack", params={"as_of": "2022-12-31"}).text
    now = reviewer.get("/enterprises/ent:pack").text
    assert "Korea Cell（示例）" in then and "南昌储能电芯（示例）" in then
    assert "Korea Cell（示例）" not in now and "南昌储能电芯（示例）" in now
    for as_of in ("2022-12-31", None):
        params = {"chain": "chain:ev", "size": 200, **({"as_of": as_of} if as_of else {})}
        total = reviewer.get("/api/risks", params=params).json()["total"]
        page = reviewer.get("/risks", params={"chain": "chain:ev", **({"as_of": as_of} if as_of else {})}).text
        assert re.search(rf"共 <strong>{total}</strong> 项关键依赖", page), as_of
    gaps_then = reviewer.get("/api/lists/gaps", params={"as_of": "2022-12-31", "size": 200}).json()["items"]
    gaps_now = reviewer.get("/api/lists/gaps", params={"size": 200}).json()["items"]
    assert gaps_then != gaps_now
    chain_then = reviewer.get("/api/chains/chain:ev/gaps", params={"as_of": "2022-12-31", "size": 200}).json()["items"]
    assert {r["产品ID"]: r["依据"] for r in gaps_then if r["产业链"] == "新能源汽车"} == {
        r["产品ID"]: r["依据"] for r in chain_then if r["状态"] != "强链"}


def test_every_download_link_carries_the_pages_scope_and_date(reviewer: TestClient) -> None:
    scoped = ("/chains/chain:ev", "/risks?chain=chain:ev", "/disruption?chain=chain:ev&enterprise=ent:jx-mine",
              "/lists/key-enterprises", "/lists/gaps")
    checked = 0
    for path in PAGES:
        params = {"as_of": "2022-12-31", **({"scope": "all"} if path in scoped else {})}
        links = download_links(reviewer.get(with_params(path, **params)).text)
        for link in links:
            query = parse_qs(urlsplit(link).query)
            assert query.get("as_of") == ["2022-12-31"], link
            if path in scoped:
                assert query.get("scope") == ["all"], link
            answer = reviewer.get(link)
            assert answer.status_code == 200 and answer.content, link
            assert "2022-12-31" in answer.headers["content-disposition"], link  # the file is named with its date
            checked += 1
    assert checked >= 9  # chain map, gaps ×2, candidates, risks, disruption, three lists
    for path in scoped:  # the chain page's links lacked scope once: without a choice they say the scope in use
        for link in download_links(reviewer.get(path).text):
            assert parse_qs(urlsplit(link).query).get("scope") == ["local"] and "as_of" not in link, link


def test_a_download_is_the_data_of_the_date_in_its_link(reviewer: TestClient) -> None:
    page = reviewer.get("/chains/chain:ev", params={"as_of": "2022-12-31", "scope": "all"}).text
    link = next(link for link in download_links(page) if "/gaps?" in link and "format=csv" in link)
    rows = list(csv.DictReader(io.StringIO(reviewer.get(link).content.decode("utf-8-sig"))))
    api = reviewer.get("/api/chains/chain:ev/gaps", params={"as_of": "2022-12-31", "scope": "all", "size": 200}).json()["items"]
    assert [row["产品ID"] for row in rows] == [row["产品ID"] for row in api]
    latest = reviewer.get("/api/chains/chain:ev/gaps", params={"scope": "all", "size": 200}).json()["items"]
    assert [row["依据"] for row in rows] == [row["依据"] for row in api] != [row["依据"] for row in latest]


@pytest.mark.parametrize("path", ["/risks", "/chains/chain:ev", "/lists/gaps", "/enterprises/ent:pack", "/",
                                  "/map", "/districts/南昌县", "/chains/chain:ev/network"])
def test_a_malformed_date_is_the_chinese_error_page(reviewer: TestClient, path: str) -> None:
    for bad, says in (("2022-13-01", "as_of 不是有效日期：2022-13-01"), ("20221231", "以下参数的格式不正确：as_of")):
        answer = reviewer.get(path, params={"as_of": bad})
        assert answer.status_code == 422 and "参数有误" in answer.text and says in answer.text, (path, bad)
        assert answer.headers["content-type"].startswith("text/html")
    assert reviewer.get("/api/lists/gaps", params={"as_of": "2022-13-01"}).status_code == 422


def test_a_store_without_observed_lists_has_no_year_selector(store: GraphStore, tokens: TokenRegistry,
                                                            role_tokens: dict[str, str]) -> None:
    store.write(example_batch())
    with make_client(store, tokens, role_tokens["viewer"]) as client:
        page = client.get("/chains/chain:ev").text
        assert "数据截至 2024-06-30（最新）" in page and 'data-testid="as-of-choice"' not in page
        earlier = client.get("/chains/chain:ev", params={"as_of": "2024-01-01"}).text
        assert "数据截至 2024-01-01" in earlier


FOCUS_HEADINGS = {  # page → headings that count the firms in focus
    "/risks?chain=chain:ev": ("受影响{}企业", "受影响{}营收"),
    "/chains/chain:ev": ("{}生产企业数", "{}配套率", "{}企业 "),
    "/disruption?chain=chain:ev&enterprise=ent:jx-mine": ("{}营收", "{}断供产品", "{}受影响营收"),
    "/lists/key-enterprises": ("{}重点企业 <strong>",),
    "/lists/gaps": ("无{}生产企业；", ">{}生产<br>"),
}


@pytest.mark.parametrize("scope, word, other", [("local", "本地", "网络内"), ("all", "网络内", "本地")])
def test_headings_say_what_they_count_in_either_scope(reviewer: TestClient, scope: str, word: str, other: str) -> None:
    for path, headings in FOCUS_HEADINGS.items():
        page = reviewer.get(with_params(path, scope=scope)).text
        for heading in headings:
            assert heading.format(word) in page, (path, heading, scope)
            assert heading.format(other) not in page, (path, heading, scope)
    for path, params in (("/api/risks", {"chain": "chain:ev"}), ("/api/chains/chain:ev/gaps", {}),
                         ("/api/chains/chain:ev/map", {}), ("/api/indices", {"chain": "chain:ev"}),
                         ("/api/disruption", {"chain": "chain:ev", "enterprise": "ent:jx-mine"}), ("/api/lists/gaps", {})):
        body = reviewer.get(path, params={**params, "scope": scope, "format": "csv"}).content.decode("utf-8-sig")
        header = body.splitlines()[0]
        assert word in header and other not in header, (path, scope, header)
    every = reviewer.get("/api/risks", params={"scope": scope, "format": "csv"}).content.decode("utf-8-sig")
    assert f"受影响{word}企业(家)" in every.splitlines()[0]


# -- the 招商地图 and the enterprise network as of a date ------------------------------------------------

NEW_FIRM, OLD_FIRM = "南昌新电芯（示例）", "南昌旧电池包（示例）"


@pytest.fixture
def firms_by_year(store: GraphStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> Iterator[TestClient]:
    """The two lists, and two local firms listed in one year each: 南昌新电芯 (南昌县, 电芯) only on the
    2023 list, 南昌旧电池包 (新建区, 电池包) only on the 2022 list."""
    batch = example_batch()
    batch.extend([
        Supplies(src="ent:foreign", dst="ent:pack", product="product:cell", seen=["2022-12-31"], listing=LIST),
        Supplies(src="ent:cell2", dst="ent:pack", product="product:cell", seen=["2022-12-31", "2023-12-31"], listing=LIST),
        Enterprise(id="ent:new-cell", name=NEW_FIRM, local=True, province="江西省", district="南昌县",
                   seen=["2023-12-31"], listing=LIST, synthetic=True),
        Enterprise(id="ent:old-pack", name=OLD_FIRM, local=True, province="江西省", district="新建区",
                   seen=["2022-12-31"], listing=LIST, synthetic=True),
        Produces(src="ent:new-cell", dst="product:cell"), Produces(src="ent:old-pack", dst="product:pack"),
    ])
    store.write(batch)
    with make_client(store, tokens, role_tokens["reviewer"]) as client:
        yield client


def district_counts(page: str) -> dict[str, int]:
    return {name: int(count) for name, count in re.findall(r'data-district="([^"]+)" data-firms="(\d+)"', page)}


def network_of(page: str) -> dict[str, object]:
    import json

    return json.loads(re.search(r'<script type="application/json" id="network-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]


def page_links(page: str) -> list[str]:
    """The links of the page's content, but those of its 数据日期 line (which change the date)."""
    content = re.sub(r'<p class="as-of".*?</p>', "", page.split("<main", 1)[1], flags=re.S)
    return [unescape(href) for href in re.findall(r'href="([^"#]+)"', content)]


def test_the_map_counts_the_firms_present_as_of_its_date(firms_by_year: TestClient) -> None:
    latest, then = firms_by_year.get("/map").text, firms_by_year.get("/map", params={"as_of": "2022-12-31"}).text
    assert district_counts(latest)["南昌县"] == 4 and district_counts(latest)["新建区"] == 1  # 南昌新电芯, not 南昌旧电池包
    assert district_counts(then)["南昌县"] == 3 and district_counts(then)["新建区"] == 2
    assert "本地企业7家" in latest and "南昌县4家" in latest and "南昌县3家" in then
    assert then.index("数据截至 2022-12-31") < then.index("map-headline")  # the date first, under the title
    for page, as_of in ((then, "2022-12-31"), (firms_by_year.get("/map?chain=chain:ev&as_of=2023-12-31").text, "2023-12-31")):
        districts = [link for link in page_links(page) if link.startswith("/districts/")]
        assert districts and all(parse_qs(urlsplit(link).query)["as_of"] == [as_of] for link in districts)
        assert f'<input type="hidden" name="as_of" value="{as_of}">' in page  # choosing a chain keeps the date
    ev = firms_by_year.get("/map", params={"chain": "chain:ev", "as_of": "2022-12-31"}).text
    assert district_counts(ev)["新建区"] == 2 and "“新能源汽车”产业链本地企业" in ev


def test_a_district_lists_the_firms_of_its_date(firms_by_year: TestClient) -> None:
    now = firms_by_year.get("/districts/南昌县").text
    then = firms_by_year.get("/districts/南昌县", params={"as_of": "2022-12-31"}).text
    assert NEW_FIRM in now and NEW_FIRM not in then
    assert "南昌县共有本地企业4家" in now and "南昌县共有本地企业3家" in then
    assert OLD_FIRM in firms_by_year.get("/districts/新建区", params={"as_of": "2022-12-31"}).text
    assert OLD_FIRM not in firms_by_year.get("/districts/新建区").text
    links = [link for link in page_links(then) if link.startswith(("/map", "/chains/", "/enterprises/"))]
    assert len(links) >= 5 and all(parse_qs(urlsplit(link).query).get("as_of") == ["2022-12-31"] for link in links), links


def test_the_network_draws_the_firms_and_links_of_its_date(firms_by_year: TestClient) -> None:
    now = firms_by_year.get("/chains/chain:ev/network").text
    then = firms_by_year.get("/chains/chain:ev/network", params={"as_of": "2022-12-31"}).text
    drawn_now, drawn_then = network_of(now), network_of(then)
    names_now = {node["title"].split("\n")[0] for node in drawn_now["nodes"] if node["kind"] == "Enterprise"}  # type: ignore[attr-defined, index]
    names_then = {node["title"].split("\n")[0] for node in drawn_then["nodes"] if node["kind"] == "Enterprise"}  # type: ignore[attr-defined, index]
    assert f"企业：{NEW_FIRM}" in names_now and f"企业：{OLD_FIRM}" not in names_now
    assert f"企业：{OLD_FIRM}" in names_then and f"企业：{NEW_FIRM}" not in names_then
    supplies = {(edge["from"], edge["to"]) for edge in drawn_then["edges"] if edge["kind"] == "SUPPLIES"}  # type: ignore[attr-defined, index]
    assert ("ent:foreign", "ent:pack") in supplies  # Korea Cell sold cells to 南昌电池包 on the 2022 list only
    assert ("ent:foreign", "ent:pack") not in {(e["from"], e["to"]) for e in drawn_now["edges"] if e["kind"] == "SUPPLIES"}  # type: ignore[attr-defined, index]
    assert ("ent:pack", "ent:lead") not in supplies  # dated 2024-06-30: not there yet
    assert then.index("数据截至 2022-12-31") < then.index("network-headline")
    urls = [node["url"] for node in drawn_then["nodes"] if node.get("url") and not node["url"].startswith("/nodes/")]  # type: ignore[attr-defined]
    links = [link for link in page_links(then) if not link.startswith("/nodes/")]
    assert len(urls) > 10 and len(links) >= 3
    for link in (*urls, *links):
        assert parse_qs(urlsplit(link).query).get("as_of") == ["2022-12-31"], link
    chain_page = firms_by_year.get("/chains/chain:ev", params={"as_of": "2022-12-31"}).text
    entries = [link for link in page_links(chain_page) if "/network" in link]
    assert entries and all("as_of=2022-12-31" in link for link in entries)
    assert firms_by_year.get("/chains/chain:ev/network", params={"segment": "动力电池", "as_of": "2023-06-30"}).status_code == 200

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
from graph_schema import Supplies
from queries.examples import example_batch
from stores.base import GraphStore
from tests.app.conftest import make_client

LIST = "示例名单"
PAGES = (
    "/", "/chains/chain:ev", "/chains/chain:ev/candidates?product=product:cathode",
    "/chains/chain:ev/recruit?product=product:motor&candidate=ent:gd-motor", "/chains/chain:ev/briefing",
    "/risks?chain=chain:ev", "/disruption?chain=chain:ev&enterprise=ent:jx-mine",
    "/lists", "/lists/key-enterprises", "/lists/gaps", "/lists/targets", "/enterprises/ent:pack",
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
    scoped = ("/chains/chain:ev", "/risks?chain=chain:ev", "/disruption?chain=chain:ev&enterprise=ent:jx-mine")
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


@pytest.mark.parametrize("path", ["/risks", "/chains/chain:ev", "/lists/gaps", "/enterprises/ent:pack", "/"])
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
                         ("/api/disruption", {"chain": "chain:ev", "enterprise": "ent:jx-mine"})):
        body = reviewer.get(path, params={**params, "scope": scope, "format": "csv"}).content.decode("utf-8-sig")
        header = body.splitlines()[0]
        assert word in header and other not in header, (path, scope, header)
    every = reviewer.get("/api/risks", params={"scope": scope, "format": "csv"}).content.decode("utf-8-sig")
    assert f"受影响{word}企业(家)" in every.splitlines()[0]

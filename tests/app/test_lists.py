"""The 清单 (key enterprises, gaps, recruitment targets) as API and pages on the example graph,
and /risks filtered by district and park."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from app.security.tokens import TokenRegistry
from queries.examples import example_batch
from stores.embedded import EmbeddedStore
from tests.app.conftest import make_client

ID_PATTERN = re.compile(r"\b(chain|product|park|cluster|ent):[A-Za-z0-9]")
NAME_COLUMNS = ("企业", "产品名称", "产业链", "链主需要", "本地生产企业", "所在园区", "主要产品", "区县", "理由", "补链效果")


@pytest.fixture
def clients(tmp_path: Path, tokens: TokenRegistry, role_tokens: dict[str, str]) -> Iterator[dict[str, TestClient]]:
    store = EmbeddedStore(tmp_path / "lists.sqlite")
    store.ensure_schema()
    store.write(example_batch())
    made = {role: make_client(store, tokens, role_tokens[role]) for role in ("viewer", "reviewer")}
    for client in made.values():
        client.__enter__()
    yield made
    for client in made.values():
        client.__exit__(None, None, None)
    store.close()


def visible(html: str) -> str:
    """The page's text inside <main>, without tags (links keep their ids in href only)."""
    return re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1])


def workbook_of(content: bytes) -> object:
    return load_workbook(io.BytesIO(content))


def assert_no_ids_in_name_columns(workbook: object) -> None:
    for sheet in workbook.worksheets:  # type: ignore[attr-defined]
        header = [cell.value for cell in sheet[1]]
        for column, title in enumerate(header):
            if title in NAME_COLUMNS:
                for row in sheet.iter_rows(min_row=2, values_only=True):
                    assert not ID_PATTERN.search(str(row[column] or "")), (sheet.title, title, row[column])


def test_key_enterprises_api_filters_by_kind_district_and_park(clients: dict[str, TestClient]) -> None:
    viewer = clients["viewer"]
    body = viewer.get("/api/lists/key-enterprises", params={"chain": "chain:ev"}).json()
    assert body["tables"] == ["重点企业", "按类型汇总"]
    assert [row["企业"] for row in body["items"]][:1] == ["南昌汽车（示例）"]  # the 链主 first
    assert body["items"][0]["重点类型"] == ["链主", "上市", "规上"]
    counts = {row["类型"]: row["企业数(家)"] for row in body["summary"]}
    assert counts["链主"] == 1 and counts["专精特新"] == 2 and counts["规上"] == body["total"] == 5
    assert "0.2 亿元" in next(row["说明"] for row in body["summary"] if row["类型"] == "规上")
    special = viewer.get("/api/lists/key-enterprises", params={"kind": "专精特新"}).json()
    assert {row["企业"] for row in special["items"]} == {"南昌电芯（示例）", "南昌正极（示例）"}
    county = viewer.get("/api/lists/key-enterprises", params={"district": "南昌县"}).json()
    assert {row["企业"] for row in county["items"]} == {"南昌汽车（示例）", "南昌电池包（示例）", "南昌电芯（示例）"}
    park = viewer.get("/api/lists/key-enterprises", params={"park": "park:ev"}).json()  # the park inside 小蓝经开区
    assert {row["企业"] for row in park["items"]} == {"南昌汽车（示例）", "南昌电池包（示例）"}
    assert park["items"][0]["所在园区"] == ["小蓝新能源汽车产业园", "小蓝经开区"]
    nowhere = viewer.get("/api/lists/key-enterprises", params={"district": "不存在区"}).json()
    assert nowhere["total"] == 0
    assert viewer.get("/api/lists/key-enterprises", params={"chain": "chain:nope"}).status_code == 404
    assert viewer.get("/api/lists/key-enterprises", params={"kind": "巨头"}).status_code == 422


def test_gap_list_puts_missing_before_weak_and_filters_by_status_and_place(clients: dict[str, TestClient]) -> None:
    viewer = clients["viewer"]
    body = viewer.get("/api/lists/gaps", params={"chain": "chain:ev"}).json()
    statuses = [row["状态"] for row in body["items"]]
    assert statuses == ["缺链", "缺链", "弱链", "弱链", "弱链", "延链"]  # 强链 left out by default
    assert [row["产品名称"] for row in body["items"][:2]] == ["驱动电机", "锂矿"]  # by gap rank within a status
    ranks = [row["排名"] for row in body["items"] if row["状态"] == "弱链"]
    assert ranks == sorted(ranks)
    only_weak = viewer.get("/api/lists/gaps", params=[("chain", "chain:ev"), ("status", "弱链"), ("status", "强链")]).json()
    assert [row["状态"] for row in only_weak["items"]] == ["弱链", "弱链", "弱链", "强链"]
    gaoxin = viewer.get("/api/lists/gaps", params={"chain": "chain:ev", "park": "park:gaoxin"}).json()
    # 南昌正极 (in 高新区) makes 正极材料 and needs 锂矿
    assert [(row["产品名称"], row["所选地区依赖企业数"]) for row in gaoxin["items"]] == [("锂矿", 1), ("正极材料", 0)]
    assert viewer.get("/api/lists/gaps", params={"status": "好链"}).status_code == 422


def test_targets_are_one_row_per_candidate_and_product_with_effects(clients: dict[str, TestClient]) -> None:
    viewer = clients["viewer"]
    body = viewer.get("/api/lists/targets", params={"chain": "chain:ev"}).json()
    pairs = [(row["企业ID"], row["产品ID"]) for row in body["items"]]
    assert len(pairs) == len(set(pairs)) == body["total"] == 3
    assert {row["状态"] for row in body["items"]} <= {"缺链", "弱链"}
    scores = [row["总分"] for row in body["items"]]
    assert scores == sorted(scores, reverse=True) and [row["序号"] for row in body["items"]] == [1, 2, 3]
    first = body["items"][0]
    assert (first["企业"], first["产品名称"], first["引进后状态"]) == ("上海正极（示例）", "正极材料", "强链")
    assert first["总分"] == sum(first[part] for part in ("本地客户分", "供应链主分", "规模分", "标签分", "省内分", "解除独家依赖分"))
    assert first["补链效果"].startswith("弱链→强链；本地配套率 15.0%→")
    by_gap = viewer.get("/api/lists/targets", params={"chain": "chain:ev", "sort": "gap"}).json()
    assert [row["状态"] for row in by_gap["items"]] == ["缺链", "缺链", "弱链"]  # 缺链 first, by gap rank
    assert viewer.get("/api/lists/targets", params={"chain": "chain:ev", "district": "新建区"}).json()["total"] == 1  # 正极材料 for 南昌储能电芯


def test_downloads_open_in_excel_with_their_sheets_and_names_not_ids(clients: dict[str, TestClient]) -> None:
    viewer = clients["viewer"]
    for path, sheets, filename in (
        ("/api/lists/key-enterprises", ["重点企业", "按类型汇总"], "key-enterprises_ev.xlsx"),
        ("/api/lists/gaps", ["缺链补链", "按产业链汇总"], "gap-list_ev.xlsx"),
        ("/api/lists/targets", ["招商目标", "概要"], "recruitment-targets_ev.xlsx"),
    ):
        response = viewer.get(path, params={"chain": "chain:ev", "format": "xlsx", "table": "all"})
        assert response.status_code == 200 and filename in response.headers["content-disposition"]
        workbook = workbook_of(response.content)
        assert workbook.sheetnames == sheets  # type: ignore[attr-defined]
        assert_no_ids_in_name_columns(workbook)
        csv_text = viewer.get(path, params={"chain": "chain:ev", "format": "csv"}).content.decode("utf-8-sig")
        assert len(csv_text.strip().splitlines()) == viewer.get(path, params={"chain": "chain:ev"}).json()["total"] + 1
    risks = clients["reviewer"].get("/api/risks", params={"district": "南昌县", "format": "xlsx", "table": "all"})
    assert_no_ids_in_name_columns(workbook_of(risks.content))


def test_pages_show_headlines_names_and_keep_filters(clients: dict[str, TestClient]) -> None:
    viewer = clients["viewer"]
    index = viewer.get("/lists")
    assert index.status_code == 200 and "缺链 <strong>2</strong> 个、弱链 <strong>4</strong> 个" in index.text
    assert '<a href="/lists">清单</a>' in index.text and "需“安全审查”权限" in index.text
    gaps = viewer.get("/lists/gaps", params={"chain": "chain:ev", "district": "南昌县"})
    text = visible(gaps.text)
    assert "新能源汽车产业链 · 南昌县：缺链 1 个、弱链 3 个" in re.sub(r"\s+", " ", text)
    assert text.index("驱动电机") < text.index("电池包")  # 缺链 before 弱链
    assert 'href="/api/lists/gaps?chain=chain%3Aev&amp;district=%E5%8D%97%E6%98%8C%E5%8E%BF&amp;scope=local&amp;format=xlsx&amp;table=all"' in gaps.text
    for url in ("/lists", "/lists/key-enterprises", "/lists/gaps?status=强链", "/lists/targets", "/lists/targets?sort=gap&park=park:xiaolan",
                "/lists/key-enterprises?chain=chain:ev&kind=链主&district=南昌县"):
        html = viewer.get(url)
        assert html.status_code == 200, url
        assert not ID_PATTERN.search(visible(html.text)), (url, ID_PATTERN.findall(visible(html.text))[:3])
    targets = visible(viewer.get("/lists/targets", params={"chain": "chain:ev"}).text)
    assert "上海正极（示例）" in targets and "未推演（" not in targets and "只做每个产品得分前 3 名" in targets


def test_key_enterprises_and_gaps_of_every_firm_in_the_network(clients: dict[str, TestClient]) -> None:
    viewer = clients["viewer"]
    local = viewer.get("/api/lists/key-enterprises", params={"chain": "chain:ev", "size": 200}).json()
    every = viewer.get("/api/lists/key-enterprises", params={"chain": "chain:ev", "size": 200, "scope": "all"}).json()
    added = {row["企业"] for row in every["items"]} - {row["企业"] for row in local["items"]}
    assert added == {"上海正极（示例）", "广东电机（示例）", "Korea Cell（示例）", "宜春锂业（示例）"}  # outside firms: 规上 by revenue
    assert {row["类型"]: row["企业数(家)"] for row in every["summary"]}["小巨人"] == 1  # 上海正极
    gaps_local = viewer.get("/api/lists/gaps", params={"chain": "chain:ev", "size": 200}).json()["items"]
    gaps_every = viewer.get("/api/lists/gaps", params={"chain": "chain:ev", "size": 200, "scope": "all"}).json()["items"]
    assert [row["状态"] for row in gaps_local][:2] == ["缺链", "缺链"] and "缺链" not in {row["状态"] for row in gaps_every}
    assert {row["产品名称"]: row["网络内生产企业数"] for row in gaps_every}["驱动电机"] == 1  # 广东电机, not local
    for scope, word, other in (("local", "本地", "网络内"), ("all", "网络内", "本地")):
        header = viewer.get("/api/lists/gaps", params={"scope": scope, "format": "csv"}).content.decode("utf-8-sig").splitlines()[0]
        assert f"{word}生产企业数" in header and other not in header, header
        book = workbook_of(viewer.get("/api/lists/gaps", params={"scope": scope, "format": "xlsx", "table": "all"}).content)
        assert f"{word}生产企业数" in [cell.value for cell in book.worksheets[0][1]]  # type: ignore[attr-defined]
    assert viewer.get("/api/lists/gaps", params={"scope": "abroad"}).status_code == 422


def test_list_pages_choose_the_scope_and_say_what_they_count(clients: dict[str, TestClient]) -> None:
    viewer = clients["viewer"]
    for path, local_words, every_words in (
        ("/lists/key-enterprises", ("本地重点企业 <strong>5</strong> 家", "只列本地（南昌市）企业"),
         ("网络内重点企业 <strong>9</strong> 家", "列网络中全部企业")),
        ("/lists/gaps", ("缺链：无本地生产企业", "<th class=\"num\">本地生产<br>"),
         ("缺链：无网络内生产企业", "<th class=\"num\">网络内生产<br>")),
    ):
        local = viewer.get(path, params={"chain": "chain:ev"}).text
        every = viewer.get(path, params={"chain": "chain:ev", "scope": "all", "district": "南昌县", "as_of": "2024-06-30"}).text
        whole = viewer.get(path, params={"chain": "chain:ev", "scope": "all"}).text
        assert all(words in local for words in local_words) and not any(words in whole for words in local_words), path
        assert all(words in whole for words in every_words) and not any(words in local for words in every_words), path
        assert '<strong aria-current="true">网络中全部企业</strong>' in whole and '<strong aria-current="true">南昌本地企业</strong>' in local
        assert re.findall(r"<tbody>(.*?)</tbody>", local, re.S) != re.findall(r"<tbody>(.*?)</tbody>", whole, re.S), path
        assert '<input type="hidden" name="scope" value="all">' in every  # filtering keeps the scope
        export = re.search(r'href="(/api/lists/[^"]+)" download', every).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
        query = parse_qs(urlsplit(export).query)
        assert query["scope"] == ["all"] and query["district"] == ["南昌县"] and query["as_of"] == ["2024-06-30"], export
        choice = re.search(r'data-testid="scope-choice">(.*?)</p>', every, re.S).group(1)  # type: ignore[union-attr]
        link = unescape(re.search(r'<a href="([^"]+)">南昌本地企业</a>', choice).group(1))  # type: ignore[union-attr]
        assert {"scope": ["local"], "district": ["南昌县"], "as_of": ["2024-06-30"]}.items() <= parse_qs(urlsplit(link).query).items()
        assert viewer.get(path, params={"scope": "abroad"}).status_code == 422


def test_targets_stay_those_of_the_local_firms_and_say_why(clients: dict[str, TestClient]) -> None:
    viewer = clients["viewer"]
    local = viewer.get("/lists/targets", params={"chain": "chain:ev"}).text
    asked = viewer.get("/lists/targets", params={"chain": "chain:ev", "scope": "all"}).text
    rows = re.findall(r"<tbody>(.*?)</tbody>", local, re.S)
    assert rows and rows == re.findall(r"<tbody>(.*?)</tbody>", asked, re.S)
    for page in (local, asked):
        assert "始终按南昌本地企业计算" in page and '<strong aria-current="true">南昌本地企业</strong>' in page
        assert "scope=local" in re.search(r'href="(/api/lists/targets[^"]+)" download', page).group(1)  # type: ignore[union-attr]
    api = viewer.get("/api/lists/targets", params={"chain": "chain:ev", "scope": "all"}).json()
    assert "始终按南昌本地企业计算" in api["note"]
    assert api["items"] == viewer.get("/api/lists/targets", params={"chain": "chain:ev"}).json()["items"]
    assert "note" not in viewer.get("/api/lists/targets", params={"chain": "chain:ev", "scope": "local"}).json()


def test_pages_page_fifty_rows(clients: dict[str, TestClient], tmp_path: Path, tokens: TokenRegistry, role_tokens: dict[str, str]) -> None:
    from loaders.demo import load_demo
    from loaders.reference import load_reference

    store = EmbeddedStore(tmp_path / "demo.sqlite")
    store.ensure_schema()
    load_reference(store)
    load_demo(store, scale=450, seed=3)
    with make_client(store, tokens, role_tokens["viewer"]) as viewer:
        first = viewer.get("/lists/key-enterprises").text
        assert first.count("<tr><td class=\"num\">") == 50 and 'data-testid="key-enterprises-pager"' in first
        second = viewer.get("/lists/key-enterprises", params={"page": 2}).text
        assert '<td class="num">51</td>' in second
        gaps = viewer.get("/lists/gaps", params={"page": 2}).text
        rows = re.findall(r'<td class="status (status-\w+)">', gaps)
        assert rows and "status-missing" not in rows  # every 缺链 fits on page 1, before the 弱链
    store.close()


def test_risks_filter_by_district_and_park(clients: dict[str, TestClient]) -> None:
    reviewer = clients["reviewer"]
    whole = reviewer.get("/api/risks", params={"chain": "chain:ev", "size": 500}).json()["items"]
    gaoxin = reviewer.get("/api/risks", params={"chain": "chain:ev", "park": "park:gaoxin", "size": 500}).json()["items"]
    assert 0 < len(gaoxin) < len(whole)
    # in 高新区 is 南昌正极: a row is there when it names that firm or that firm is hit
    assert all("南昌正极（示例）" in (row["企业"] or "") or row["受影响本地企业(家)"] > 0 for row in gaoxin)
    county = reviewer.get("/api/risks", params={"district": "南昌县", "size": 500}).json()["items"]
    xinjian = reviewer.get("/api/risks", params={"district": "新建区", "size": 500}).json()["items"]
    assert county and len(xinjian) < len(county)
    page = reviewer.get("/risks", params={"district": "新建区"}).text
    assert "只列新建区的依赖" in page and '<option value="新建区" selected>' in page
    assert f"共 <strong>{len(xinjian)}</strong> 项关键依赖" in page


def test_warming_computes_every_chains_targets(tmp_path: Path) -> None:
    from app.main import warm_everything
    from app.readmodel.graph_cache import GraphCache

    store = EmbeddedStore(tmp_path / "warm.sqlite")
    store.ensure_schema()
    store.write(example_batch())
    cache = GraphCache(store)
    assert not cache.ready(("targets", "chain:ev"))
    warm_everything(cache)
    assert cache.ready(("targets", "chain:ev")) and cache.ready(("targets", "chain:food"))
    store.close()

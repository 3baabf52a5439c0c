"""The first web slice on both stores: health, chains API, OpenAPI, and an offline pyvis chain page."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.security.tokens import TokenRegistry
from graph_schema import Enterprise, Leads, Produces
from loaders.reference import load_reference, read_plan
from stores.base import GraphStore, WriteBatch
from tests.app.conftest import make_client

HOSTILE = '</script><script>alert("x")</script><a href="javascript:alert(1)">href</a>'


@pytest.fixture
def client(store: GraphStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> Iterator[TestClient]:
    load_reference(store)
    store.write(WriteBatch(
        nodes=[Enterprise(id="ent:hostile", name=HOSTILE, local=True, synthetic=True)],
        relationships=[Produces(src="ent:hostile", dst="product:lithium-carbonate")],
    ))
    with make_client(store, tokens, role_tokens["viewer"]) as test_client:
        yield test_client


def test_health(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_chains_match_the_plan(client: TestClient) -> None:
    listed = client.get("/api/chains").json()
    assert [chain["name"] for chain in listed] == ["电子信息", "航空", "汽车及装备", "新能源", "新材料", "医药健康", "绿色食品", "轻工纺织"]
    chains = {chain["id"]: chain for chain in listed}
    plan = {chain["id"]: chain for chain in read_plan()["chains"]}
    assert set(chains) == set(plan) and len(chains) == 8
    for chain_id, chain in chains.items():
        assert chain["name"] == plan[chain_id]["name"]
        assert chain["target_2026_yi"] == plan[chain_id]["target_2026_yi"]
    assert chains["chain:electronic-info"]["target_2026_yi"] == 3000
    assert chains["chain:aviation"]["kind"] == "新兴" and chains["chain:light-textile"]["kind"] == "特色"


def test_one_chain_has_products_clusters_and_bases(client: TestClient) -> None:
    chain = client.get("/api/chains/chain:electronic-info").json()
    assert chain["name"] == "电子信息" and len(chain["products"]) >= 20
    stages = [product["stage"] for product in chain["products"]]
    assert stages == sorted(stages, key=["上游", "中游", "下游"].index)
    vr = next(cluster for cluster in chain["clusters"] if cluster["id"] == "cluster:vr")
    main_bases = {base["name"] for base in vr["bases"] if base["role"] == "主阵地"}
    assert {"红谷滩区", "高新区", "南昌县"} <= main_bases


def test_unknown_and_malformed_chain_ids_are_4xx_json(client: TestClient) -> None:
    missing = client.get("/api/chains/chain:nothing")
    assert missing.status_code == 404 and "产业链不存在" in missing.json()["error"]
    malformed = client.get("/api/chains/DROP%20TABLE")
    assert malformed.status_code == 422 and "参数错误" in malformed.json()["error"]


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/health", "/api/chains", "/api/chains/{chain_id}"} <= set(paths)


def test_chain_page_is_offline_and_inert(client: TestClient) -> None:
    for path in ("/chains/chain:new-energy", "/chains/chain:new-energy/network"):
        response = client.get(path)
        assert response.status_code == 200
        html = response.text
        assert "新能源产业链" in html and "示例数据（虚构）" in html
        assert "Content-Security-Policy" in response.headers and "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "page links something off this server"
        assert "<script>" not in html  # no inline script: every script is a file served by the app
        for asset in re.findall(r"""(?:src|href)="(/static/[^"]+)\"""", html):
            assert client.get(asset).status_code == 200, asset
        assert HOSTILE not in html and "<script>alert" not in html
    payload = json.loads(re.search(r'<script type="application/json" id="network-data">(.*?)</script>', html, re.S).group(1))
    hostile = next(node for node in payload["nodes"] if node["id"] == "ent:hostile")
    assert HOSTILE.startswith(hostile["label"].rstrip("…")) and HOSTILE in hostile["title"]  # shown as text by vis-network
    drawn = {node["id"] for node in payload["nodes"]}
    assert "product:lithium-carbonate" in drawn and "chain:new-energy" not in drawn  # a supply view: no chain node


def test_node_page_escapes_names(client: TestClient) -> None:
    html = client.get("/nodes/ent:hostile").text
    assert "&lt;/script&gt;&lt;script&gt;alert" in html and HOSTILE not in html


def test_product_page_marks_demo_neighbours_and_links_enterprises_to_their_profile(client: TestClient) -> None:
    html = client.get("/nodes/product:lithium-carbonate").text  # the product is real; its producer is demo data
    assert 'class="synthetic-banner"' in html
    assert 'href="/enterprises/ent:hostile"' in html and 'href="/nodes/ent:hostile"' not in html
    search = client.get("/search", params={"q": "script"}).text
    assert 'href="/enterprises/ent:hostile"' in search


def test_enterprise_page_shows_tiers_and_provenance(store: GraphStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> None:
    from tests.contract.sample import LEAD_CODE, sample_batch

    store.write(sample_batch())
    with make_client(store, tokens, role_tokens["viewer"]) as client:
        response = client.get(f"/enterprises/{LEAD_CODE}")
        assert response.status_code == 200
        html = response.text
        assert "上游供应商 3 家，下游客户 0 家" in html
        assert "南昌正极材料有限公司" in html and "Foreign Cathode Co." in html
        assert "推断" not in html.split('data-testid="relations"')[1].split("</table>")[0]  # only tier-1 relations listed
        assert "60%" in html and "3,000" in html
        payload = json.loads(re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S).group(1))
        positions = {node["id"]: node["x"] for node in payload["nodes"]}
        assert positions[LEAD_CODE] == 0 and positions["ent:cathode"] < 0 and positions["ent:mine"] < positions["ent:cathode"]
        assert payload["physics"] is False
        assert client.get("/enterprises/ent:none").status_code == 404
        assert client.get("/enterprises/product:cell").status_code == 404


def test_chain_page_and_detail_follow_an_import(client: TestClient, store: GraphStore) -> None:
    def drawn() -> set[str]:
        html = client.get("/chains/chain:new-energy/network").text
        payload = json.loads(re.search(r'<script type="application/json" id="network-data">(.*?)</script>', html, re.S).group(1))
        return {node["id"] for node in payload["nodes"]}

    def leaders() -> list[str]:
        return [leader["id"] for leader in client.get("/api/chains/chain:new-energy").json()["leaders"]]

    assert "ent:newcomer" not in drawn() | set(leaders())
    assert drawn() == drawn()  # the second one comes from the cache
    store.write(WriteBatch(
        nodes=[Enterprise(id="ent:newcomer", name="新链主企业", local=True, synthetic=True)],
        relationships=[Produces(src="ent:newcomer", dst="product:lithium-carbonate"), Leads(src="ent:newcomer", dst="chain:new-energy")],
    ))
    assert "ent:newcomer" in drawn() and leaders() == ["ent:newcomer"]


def test_detail_page_labels_every_model_field_in_chinese(client: TestClient) -> None:
    from app.web.field_labels import FIELD_LABELS, HIDDEN
    from graph_schema.models import Chain, Cluster, Enterprise, Park, Product

    for model in (Chain, Cluster, Enterprise, Park, Product):
        assert set(model.model_fields) <= set(FIELD_LABELS) | HIDDEN, model.__name__
    html = client.get("/nodes/park:xiaolan-edz").text
    table = html.split('<table class="props">')[1].split("</table>")[0]
    assert "<th>名称</th>" in table and "<th>数据来源</th>" in table and "<th>规划原文</th>" in table
    assert not any(word in table for word in ("<th>id</th>", "<th>source</th>", "synthetic", "False", "True"))


def test_page_errors_are_chinese_html_and_api_errors_stay_json(client: TestClient) -> None:
    missing = client.get("/enterprises/ent:nope")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "<h1>未找到</h1>" in missing.text and "ent:nope" in missing.text and 'href="/"' in missing.text
    malformed = client.get("/chains/nope")
    assert malformed.status_code == 422 and "参数的格式不正确：chain_id" in malformed.text
    assert "should match" not in malformed.text
    unknown = client.get("/no-such-page")
    assert unknown.status_code == 404 and "页面不存在" in unknown.text and "Not Found" not in unknown.text
    api = client.get("/api/chains/nope")
    assert api.status_code == 422 and api.json()["error"].startswith("参数错误")


def test_dashboard_says_a_met_target_is_met(store: GraphStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> None:
    load_reference(store)
    store.write(WriteBatch(  # 航空's 2026 target is 1600 亿元: one local firm above it meets it
        nodes=[Enterprise(id="ent:big", name="南昌航空材料（示例）", local=True, revenue_yi=5000, synthetic=True)],
        relationships=[Produces(src="ent:big", dst="product:carbon-fiber")],
    ))
    with make_client(store, tokens, role_tokens["viewer"]) as client:
        html = client.get("/").text
    row = html.split('href="/chains/chain:aviation"')[1].split("</tr>")[0]
    assert "<td class=\"num\">已达成</td>" in row

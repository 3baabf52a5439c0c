"""Analysis endpoints on both stores (answers known by hand from queries.examples), and the
role × endpoint matrix over every route of the app."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from app.security.tokens import ROLES, TokenRegistry, role_allows
from queries.examples import example_batch
from stores.base import GraphStore
from tests.app.conftest import make_client


@pytest.fixture
def clients(store: GraphStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> Iterator[dict[str, TestClient]]:
    store.write(example_batch())
    made = {role: make_client(store, tokens, token) for role, token in role_tokens.items()}
    made["anonymous"] = make_client(store, tokens, None)
    for client in made.values():
        client.__enter__()
    yield made
    for client in made.values():
        client.__exit__(None, None, None)


def test_gaps_classify_and_rank(clients: dict[str, TestClient]) -> None:
    body = clients["viewer"].get("/api/chains/chain:ev/gaps").json()
    assert body["tables"][0] == body["table"] == "缺口"
    status = {row["产品ID"]: row["状态"] for row in body["items"]}
    assert status == {
        "product:motor": "缺链", "product:lithium": "缺链", "product:pack": "弱链", "product:cathode": "弱链",
        "product:vehicle": "弱链", "product:storage": "延链", "product:cell": "强链",
    }
    assert body["items"][0]["产品ID"] == "product:motor" and body["items"][0]["链主需要"] == ["南昌汽车（示例）"]
    stricter = clients["viewer"].get("/api/chains/chain:ev/gaps", params={"min_local_producers": 3}).json()
    assert {row["产品ID"]: row["状态"] for row in stricter["items"]}["product:cell"] == "弱链"


def test_candidates_and_recruit(clients: dict[str, TestClient]) -> None:
    candidates = clients["viewer"].get("/api/chains/chain:ev/candidates", params={"product": "product:cathode"}).json()
    assert candidates["items"][0]["企业ID"] == "ent:sh-cathode"
    recruit = clients["viewer"].get(
        "/api/chains/chain:ev/recruit", params={"product": "product:cathode", "candidate": "ent:sh-cathode"}
    )
    assert recruit.status_code == 200 and recruit.json()["total"] >= 1
    missing = clients["viewer"].get("/api/chains/chain:ev/candidates", params={"product": "product:nothing"})
    assert missing.status_code == 404


def test_critical_dependencies_and_downloads(clients: dict[str, TestClient]) -> None:
    body = clients["reviewer"].get("/api/risks", params={"chain": "chain:ev"}).json()
    assert body["table"] == "关键依赖" and {"独家供应", "卡点", "割点", "集中度"} <= {row["类型"] for row in body["items"]}
    chokepoints = clients["reviewer"].get("/api/risks", params={"chain": "chain:ev", "table": "卡点"}).json()
    assert [(row["目标ID"], row["卡点ID"]) for row in chokepoints["items"]][0] == ("ent:lead", "ent:cell")
    download = clients["reviewer"].get("/api/risks", params={"chain": "chain:ev", "table": "all", "format": "xlsx"})
    assert 'filename="critical-dependencies_ev.xlsx"' in download.headers["content-disposition"]  # names the chain
    workbook = load_workbook(io.BytesIO(download.content))
    assert workbook.sheetnames[:2] == ["关键依赖", "独家供应"] and len(workbook.sheetnames) == len(body["tables"])
    csv_text = clients["reviewer"].get("/api/risks", params={"chain": "chain:ev", "format": "csv", "size": 1}).content.decode("utf-8-sig")
    assert len(csv_text.strip().splitlines()) == body["total"] + 1
    assert clients["reviewer"].get("/api/risks", params={"table": "nope"}).status_code == 422


def test_filtered_risks_keep_the_summary_and_refuse_unknown_kinds(clients: dict[str, TestClient]) -> None:
    whole = clients["reviewer"].get("/api/risks", params={"chain": "chain:ev"}).json()
    medium = clients["reviewer"].get("/api/risks", params={"chain": "chain:ev", "severity": "中", "kind": "卡点"}).json()
    assert whole["summary"] and medium["summary"] == whole["summary"]
    assert medium["items"] and {(row["严重程度"], row["类型"]) for row in medium["items"]} == {("中", "卡点")}
    unknown = clients["reviewer"].get("/api/risks", params={"chain": "chain:ev", "kind": "不存在"})
    assert unknown.status_code == 422 and "kind" in unknown.json()["error"]


def test_every_chains_risks_grouped_by_chain_and_type_with_counts(clients: dict[str, TestClient]) -> None:
    body = clients["reviewer"].get("/api/risks", params={"size": 200}).json()
    assert body["tables"] == ["关键依赖", "按产业链和类型汇总"]
    chains = [row["产业链"] for row in body["items"]]
    assert chains and set(chains) <= {"新能源汽车", "绿色食品"}  # the 产业链 column names each row's chain
    groups = [(row["产业链"], row["类型"]) for row in body["items"]]
    assert groups == sorted(groups, key=lambda g: (chains.index(g[0]), ["独家供应", "单一供应商投入", "卡点", "割点", "桥", "集中度", "无已知供应商"].index(g[1])))
    counts = clients["reviewer"].get("/api/risks", params={"table": "按产业链和类型汇总"}).json()["items"]
    assert sum(row["高(项)"] + row["中(项)"] + row["低(项)"] for row in counts) == body["total"]
    by_revenue = clients["reviewer"].get("/api/risks", params={"chain": "chain:ev", "kind": "独家供应", "sort": "revenue"}).json()["items"]
    revenue = [row["受影响本地营收(亿元)"] for row in by_revenue]
    assert revenue == sorted(revenue, reverse=True) and revenue[0] > 0
    assert clients["reviewer"].get("/api/risks", params={"target": "ent:lead"}).status_code == 422  # targets need a chain


def test_disruption_of_a_country(clients: dict[str, TestClient]) -> None:
    body = clients["reviewer"].get("/api/disruption", params={"chain": "chain:ev", "country": "韩国"}).json()
    # the main table is the headline: the impact on Nanchang, the removed firms' own revenue apart
    assert body["table"] == "概要" and body["tables"][:3] == ["概要", "按产业链", "按链主"]
    [headline] = body["items"]
    assert (headline["受影响本地企业(家)"], headline["移除企业数"], headline["移除企业自身营收(亿元)"]) == (0, 1, 500.0)
    affected = clients["reviewer"].get("/api/disruption", params={"chain": "chain:ev", "country": "韩国", "table": "受影响企业"}).json()
    assert [row["企业ID"] for row in affected["items"]] == ["ent:foreign"]
    park = clients["reviewer"].get("/api/disruption", params={"park": "park:xiaolan", "table": "受影响企业"}).json()
    removed = {row["企业ID"] for row in park["items"] if row["状态"] == "移除"}
    assert removed == {"ent:lead", "ent:pack", "ent:cell"}
    assert clients["reviewer"].get("/api/disruption").status_code == 422


def test_indices_and_changes(clients: dict[str, TestClient]) -> None:
    indices = clients["viewer"].get("/api/indices", params={"chain": "chain:ev"})
    assert indices.status_code == 200 and indices.json()["total"] >= 1
    changes = clients["viewer"].get("/api/changes", params={"before": "2023-12-31", "after": "2024-12-31", "chain": "chain:ev"}).json()
    assert changes["total"] >= 1
    assert clients["viewer"].get("/api/changes", params={"before": "yesterday", "after": "2024-12-31"}).status_code == 422


# --- role × endpoint matrix -------------------------------------------------------------------

EXAMPLE_REQUESTS = {
    "/api/chains/{chain_id}": "/api/chains/chain:ev",
    "/api/chains/{chain_id}/map": "/api/chains/chain:ev/map",
    "/api/chains/{chain_id}/gaps": "/api/chains/chain:ev/gaps",
    "/api/chains/{chain_id}/candidates": "/api/chains/chain:ev/candidates?product=product:cathode",
    "/api/chains/{chain_id}/recruit": "/api/chains/chain:ev/recruit?product=product:cathode&candidate=ent:sh-cathode",
    "/api/changes": "/api/changes?before=2023-12-31&after=2024-12-31",
    "/api/disruption": "/api/disruption?country=韩国",
    "/api/search": "/api/search?q=南昌",
    "/api/clusters/{cluster_id}": "/api/clusters/cluster:ev",
    "/api/parks/{park_id}": "/api/parks/park:xiaolan",
    "/api/products/{product_id}": "/api/products/product:cell",
    "/api/enterprises/{enterprise_id}": "/api/enterprises/ent:lead",
    "/api/enterprises/{enterprise_id}/tiers": "/api/enterprises/ent:lead/tiers",
    "/api/nodes/{node_id}/neighbourhood": "/api/nodes/ent:lead/neighbourhood",
    "/api/tokens/{token_id}": "/api/tokens/1",
    "/chains/{chain_id}": "/chains/chain:ev",
    "/chains/{chain_id}/network": "/chains/chain:ev/network?product=product:cell",
    "/enterprises/{enterprise_id}": "/enterprises/ent:lead",
    "/nodes/{node_id}": "/nodes/ent:lead",
    "/search": "/search?q=电芯",
    "/chains/{chain_id}/candidates": "/chains/chain:ev/candidates?product=product:cathode",
    "/chains/{chain_id}/recruit": "/chains/chain:ev/recruit?product=product:cathode&candidate=ent:sh-cathode",
    "/disruption": "/disruption?country=韩国",
    "/districts/{name}": "/districts/南昌县",
    "/chains/{chain_id}/briefing": "/chains/chain:ev/briefing",
    "/chains/{chain_id}/briefing.pdf": "/chains/chain:ev/briefing.pdf",
}
NEEDED = {
    "/api/risks": "reviewer", "/api/disruption": "reviewer", "/risks": "reviewer", "/disruption": "reviewer",
    "/api/tokens": "admin", "/api/tokens/{token_id}": "admin", "/admin/duplicates": "admin", "/api/audit": "admin", "/admin/audit": "admin",
}
OPEN = {"/health", "/login", "/logout"}


def routes(client: TestClient) -> list[tuple[str, str]]:
    """(method, path) of every API route, also inside included routers (FastAPI keeps those lazily)."""
    found = []

    def walk(route_list: list, prefix: str) -> None:
        for route in route_list:
            if isinstance(route, APIRoute):
                found.extend((method, prefix + route.path) for method in sorted(route.methods - {"HEAD"}))
            elif hasattr(route, "original_router"):
                walk(route.original_router.routes, prefix + route.include_context.prefix)

    walk(client.app.routes, "")
    assert len(found) > 30
    return found


def test_every_route_is_in_the_matrix(clients: dict[str, TestClient]) -> None:
    for method, path in routes(clients["admin"]):
        if path in OPEN or ("{" not in path and "?" not in EXAMPLE_REQUESTS.get(path, "")):
            continue
        assert path in EXAMPLE_REQUESTS, f"add an example request for {method} {path} to the role matrix"


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_role_matrix(clients: dict[str, TestClient], role: str) -> None:
    client = clients[role]
    for method, path in routes(client):
        url = EXAMPLE_REQUESTS.get(path, path)
        if method == "POST" and path == "/api/tokens":
            response = client.post(url, json={"role": "viewer", "holder": "矩阵测试"})
        elif method == "POST":
            continue  # /login is exercised in test_access
        else:
            response = client.request(method, url)
        if path in OPEN:
            assert response.status_code < 400 or path == "/login", (role, method, path)
            continue
        needed = NEEDED.get(path, "viewer")
        if role == "anonymous":
            expected = {303} if not path.startswith(("/api", "/openapi")) else {401}
            assert response.status_code in expected, (role, method, path, response.status_code)
        elif role_allows(role, needed):  # type: ignore[arg-type]
            assert response.status_code in (200, 201, 204, 404), (role, method, path, response.status_code, response.text[:200])
        else:
            assert response.status_code == 403, (role, method, path, response.status_code)


def test_enterprise_page_lists_its_risks_for_reviewers_only(clients: dict[str, TestClient]) -> None:
    reviewer_html = clients["reviewer"].get("/enterprises/ent:cell").text
    table = reviewer_html.split('data-testid="enterprise-risks"')[1].split("</table>")[0]
    assert "卡点" in table and "割点" in table and "新能源汽车" in table
    payload = reviewer_html.split('id="graph-data">')[1].split("</script>")[0]
    assert "风险中" in payload and "风险高" not in payload  # coloured by its highest severity: 中 (南昌储能电芯 makes cells too)
    viewer_html = clients["viewer"].get("/enterprises/ent:cell").text
    assert 'data-testid="enterprise-risks"' not in viewer_html and "需“安全审查”权限" in viewer_html


def test_risk_page_names_products_and_disruption_page_hides_ids(clients: dict[str, TestClient]) -> None:
    risks = clients["reviewer"].get("/risks", params={"chain": "chain:ev"}).text
    assert '<a href="/nodes/product:pack">电池包</a>' in risks and "<td>product:pack</td>" not in risks
    disruption = clients["reviewer"].get("/disruption", params={"chain": "chain:ev", "park": "park:xiaolan"}).text
    assert "<th>企业ID</th>" not in disruption and "<th>企业</th>" in disruption
    visible = re.sub(r"<[^>]+>", " ", disruption.split("<main")[1])  # the page's text, without tags and links
    assert not re.search(r"\b(chain|product|park|cluster|ent):[a-z]", visible), re.findall(r"\b(?:chain|product|park|cluster|ent):\S+", visible)[:5]
    assert "园区 小蓝经开区" in visible  # the scope by name


def test_disruption_page_takes_enterprise_names(clients: dict[str, TestClient]) -> None:
    reviewer = clients["reviewer"]
    by_name = reviewer.get("/disruption", params={"chain": "chain:ev", "enterprise": "南昌电芯（示例）"})
    by_id = reviewer.get("/disruption", params={"chain": "chain:ev", "enterprise": "ent:cell"})
    assert by_name.status_code == by_id.status_code == 200
    affected = [page.text.split('data-testid="disruption-affected"')[1].split("</table>")[0] for page in (by_name, by_id)]
    assert affected[0] == affected[1] and "南昌电池包（示例）" in affected[0]  # the same cascade
    several = reviewer.get("/disruption", params={"enterprise": "南昌"})
    assert several.status_code == 422 and "对应" in several.text and "家企业" in several.text
    nothing = reviewer.get("/disruption", params={"enterprise": "不存在的企业"})
    assert nothing.status_code == 422 and "找不到企业“不存在的企业”" in nothing.text
    outside = reviewer.get("/disruption", params={"chain": "chain:ev", "enterprise": "南昌米业（示例）"})
    assert outside.status_code == 422 and "不在产业链" in outside.text


def test_recruit_page_shows_shares_as_percentages(clients: dict[str, TestClient]) -> None:
    html = clients["viewer"].get("/chains/chain:ev/recruit",
                                 params={"product": "product:motor", "candidate": "ent:gd-motor"}).text
    effect = html.split('data-testid="recruit-1"')[1].split("</table>")[0]
    rows = {cells[0]: cells[1:] for cells in (
        [cell.split(">", 1)[1] for cell in row.split("</td>")[:-1]] for row in effect.split("<tr>")[2:])}
    assert rows["产品状态"] == ["缺链", "弱链", "有变化"]
    assert rows["本地配套率"][1] == "100.0%" and rows["完整度"][1].endswith("%") and "个百分点" in rows["完整度"][2]


def test_candidate_pages_say_what_is_wrong_with_their_parameters(clients: dict[str, TestClient]) -> None:
    viewer = clients["viewer"]
    missing = viewer.get("/chains/chain:ev/candidates")
    assert missing.status_code == 422 and "缺少参数：product" in missing.text
    other_chain = viewer.get("/chains/chain:ev/candidates", params={"product": "product:rice"})
    assert other_chain.status_code == 404 and "不属于产业链“新能源汽车”" in other_chain.text
    nowhere = viewer.get("/chains/chain:ev/recruit", params={"product": "product:nothing", "candidate": "ent:gd-motor"})
    assert nowhere.status_code == 404 and "产品不存在：product:nothing" in nowhere.text

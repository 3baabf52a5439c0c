"""Lookup endpoints on both stores: search, lists with filters and downloads, neighbourhoods, tiers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from app.security.tokens import TokenRegistry
from graph_schema import Enterprise, LocatedIn, Produces, Supplies
from loaders.reference import load_reference
from stores.base import GraphStore, WriteBatch
from tests.app.conftest import make_client
from tests.contract.sample import LEAD_CODE, sample_batch


@pytest.fixture
def client(store: GraphStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> Iterator[TestClient]:
    load_reference(store)
    batch = sample_batch()
    batch.nodes = [node for node in batch.nodes if node.label in ("Enterprise", "Cluster", "Park")]
    batch.relationships = [rel for rel in batch.relationships if rel.type in ("SUPPLIES", "MEMBER_OF", "LOCATED_IN")]
    store.write(batch)
    many = WriteBatch()
    for index in range(60):
        many.nodes.append(Enterprise(id=f"ent:filler-{index:02d}", name=f"填充示例企业{index:02d}", district="南昌县", local=True, synthetic=True))
        many.relationships.append(Produces(src=f"ent:filler-{index:02d}", dst="product:lithium-carbonate"))
    many.relationships += [LocatedIn(src="ent:filler-00", dst="park:xiaolan"), Supplies(src="ent:filler-00", dst="ent:mine", product="product:lithium-carbonate")]
    store.write(many)
    with make_client(store, tokens, role_tokens["viewer"]) as test_client:
        yield test_client


def ids(items: list[dict]) -> list[str]:
    return [item["id"] for item in items]


def test_search_by_substring_and_code(client: TestClient) -> None:
    assert ids(client.get("/api/search", params={"q": "南储"}).json()) == [LEAD_CODE]
    assert ids(client.get("/api/search", params={"q": LEAD_CODE}).json()) == [LEAD_CODE]
    products = client.get("/api/search", params={"q": "碳酸锂", "label": "Product"}).json()
    assert ids(products)[0] == "product:lithium-carbonate"
    assert client.get("/api/search", params={"q": ""}).status_code == 422
    assert client.get("/api/search", params={"q": "x", "label": "Nope"}).status_code == 422


def test_clusters_and_parks(client: TestClient) -> None:
    clusters = client.get("/api/clusters").json()
    assert clusters["total"] == 8 + 1
    storage = next(c for c in clusters["items"] if c["id"] == "cluster:storage")
    assert storage["members"] == 1
    parks = {p["id"]: p for p in client.get("/api/parks", params={"size": 1000}).json()["items"]}
    assert parks["park:ev-park"]["within"] == ["小蓝经开区"] and parks["park:ev-park"]["enterprises"] == 1
    assert client.get("/api/parks/park:xiaolan").json()["name"] == "小蓝经开区"
    assert client.get("/api/parks/chain:aviation").status_code == 404


def test_products_of_a_chain(client: TestClient) -> None:
    page = client.get("/api/products", params={"chain": "chain:new-energy", "size": 5}).json()
    assert page["total"] >= 20 and len(page["items"]) == 5
    lithium = client.get("/api/products/product:lithium-carbonate").json()
    assert lithium["name"] == "碳酸锂"


def test_enterprise_filters(client: TestClient) -> None:
    def query(**params: object) -> list[str]:
        return ids(client.get("/api/enterprises", params={"size": 1000, **params}).json()["items"])

    assert query(tag="链主") == [LEAD_CODE]
    assert query(cluster="cluster:storage") == [LEAD_CODE]
    assert set(query(park="park:xiaolan")) == {LEAD_CODE, "ent:filler-00"}  # the ev-park lies inside xiaolan
    assert len(query(district="南昌县")) == 61
    assert "ent:foreign" in query(local=False) and "ent:foreign" not in query(local=True)
    assert query(q="正极") == ["ent:cathode"]
    assert "ent:filler-07" in query(chain="chain:new-energy") and "ent:aero" not in query(chain="chain:new-energy")
    first = client.get("/api/enterprises", params={"size": 50}).json()
    assert first["total"] == 65 and len(first["items"]) == 50 and first["items"][0]["id"] == LEAD_CODE


def test_downloads_are_complete(client: TestClient) -> None:
    response = client.get("/api/enterprises", params={"format": "csv", "size": 10})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 65 and rows[0]["名称"] == "南昌储能科技股份有限公司"
    workbook = load_workbook(io.BytesIO(client.get("/api/enterprises", params={"format": "xlsx"}).content))
    assert workbook.active.max_row == 66


def test_neighbourhood_and_tiers(client: TestClient) -> None:
    around = client.get(f"/api/nodes/{LEAD_CODE}/neighbourhood", params={"depth": 1, "rel_type": "SUPPLIES"}).json()
    assert set(ids(around["nodes"])) == {LEAD_CODE, "ent:cathode", "ent:foreign"}
    tiers = client.get(f"/api/enterprises/{LEAD_CODE}/tiers", params={"direction": "upstream", "depth": 3}).json()["tiers"]
    assert [[e["id"] for e in tier["enterprises"]] for tier in tiers] == [["ent:cathode", "ent:foreign"], ["ent:mine"], ["ent:filler-00"]]
    down = client.get("/api/enterprises/ent:mine/tiers", params={"direction": "downstream"}).json()["tiers"]
    assert [[e["id"] for e in tier["enterprises"]] for tier in down] == [["ent:cathode"], [LEAD_CODE]]
    assert client.get("/api/enterprises/ent:none/tiers").status_code == 404
    assert client.get(f"/api/nodes/{LEAD_CODE}/neighbourhood", params={"depth": 9}).status_code == 422

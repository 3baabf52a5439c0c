"""The 招商地图: decoding ECharts' encoded boundaries, shading, escaping, and the pages on both stores."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.security.tokens import TokenRegistry
from app.web import district_map as dm
from app.web.investment_map import city_map
from graph_schema import Enterprise, LocatedIn, Produces
from loaders.reference import load_reference
from stores.base import GraphStore, WriteBatch
from tests.app.conftest import make_client

ID_PATTERN = re.compile(r">[^<]*\b(product|ent|chain|park|cluster):[\w-]+")
HOSTILE = '<b onmouseover="x">织造&（示例）'


def test_decoder_matches_a_hand_decoded_ring() -> None:
    # "@@" is the zero delta; "BA" is (+1, -1) in zig-zag ('B' - 64 = 2 → +1, 'A' - 64 = 1 → -1);
    # "DC" is (+2, -2) ('D' - 64 = 4 → +2, 'C' - 64 = 3 → -2); deltas add up, in 1/1024 degree,
    # from the offset (115.5°, 28.5°) × 1024.
    ring = dm.decode_ring("@@BADC", [118272, 29184])
    assert ring == [(115.5, 28.5), (115.5 + 1 / 1024, 28.5 - 1 / 1024), (115.5 + 3 / 1024, 28.5 - 3 / 1024)]


def test_polygon_and_multipolygon_geometries() -> None:
    polygon = dm.decode_geometry({"type": "Polygon", "coordinates": ["@@BA"], "encodeOffsets": [[1024, 1024]]})
    multi = dm.decode_geometry({"type": "MultiPolygon", "coordinates": [["@@"], ["@@"]], "encodeOffsets": [[[0, 0]], [[2048, 0]]]})
    assert polygon == [[[(1.0, 1.0), (1 + 1 / 1024, 1 - 1 / 1024)]]]
    assert multi == [[[(0.0, 0.0)]], [[(2.0, 0.0)]]]


def test_the_package_file_decodes_to_nanchang() -> None:
    districts = dm.nanchang_districts()
    assert {"东湖区", "西湖区", "青云谱区", "青山湖区", "湾里区", "南昌县", "新建区", "安义县", "进贤县"} == set(districts)
    # 东湖区's published centre point (115.9035, 28.6987) lies inside its decoded outline
    assert dm.inside((115.9035, 28.6987), dm.main_ring(districts["东湖区"]))


def test_shading_classes_and_every_district_with_firms_is_shaded() -> None:
    assert dm.shade(0) == dm.NO_DATA_COLOUR
    assert all(dm.shade(n) != dm.NO_DATA_COLOUR for n in (1, 4, 5, 49, 50, 5000))
    assert [colour for _, colour in dm.legend()] == [dm.NO_DATA_COLOUR] + [colour for _, colour in dm.CLASSES]


def test_svg_text_is_escaped() -> None:
    assert dm.text(HOSTILE) == "&lt;b onmouseover=&quot;x&quot;&gt;织造&amp;（示例）"


@pytest.fixture
def client(store: GraphStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> Iterator[TestClient]:
    load_reference(store)
    store.write(WriteBatch(
        nodes=[
            Enterprise(id="ent:m1", name=HOSTILE, local=True, synthetic=True),
            Enterprise(id="ent:m2", name="安义铝材（示例）", local=True, synthetic=True),
        ],
        relationships=[
            LocatedIn(src="ent:m1", dst="park:xiaolan-edz"), LocatedIn(src="ent:m2", dst="park:anyi"),
            Produces(src="ent:m1", dst="product:lithium-carbonate"),
        ],
    ))
    with make_client(store, tokens, role_tokens["viewer"]) as test_client:
        yield test_client


def shaded(html: str) -> dict[str, tuple[int, str]]:
    return {name: (int(firms), fill) for fill, name, firms in re.findall(r'fill="(#[0-9a-f]+)" fill-rule="evenodd" data-district="([^"]+)" data-firms="(\d+)"', html)}


def test_map_page_shades_every_district_with_firms(client: TestClient) -> None:
    html = client.get("/map").text
    districts = shaded(html)
    assert districts["南昌县"][0] == 1 and districts["安义县"][0] == 1  # 小蓝经开区 lies in 南昌县
    assert all(fill != dm.NO_DATA_COLOUR for firms, fill in districts.values() if firms)
    assert districts["东湖区"] == (0, dm.NO_DATA_COLOUR)
    assert "全部产业链本地企业2家" in html and "红谷滩区" in html and "2018" in html
    assert 'href="/districts/%E5%8D%97%E6%98%8C%E5%8E%BF"' in html  # 南昌县
    assert "<script" not in html.split("<main>")[1] and not ID_PATTERN.search(html.split("<main>")[1])


def test_map_for_one_chain_counts_its_producers_only(client: TestClient) -> None:
    chain = next(c for c in client.get("/api/chains").json() if c["name"] == "新能源")
    html = client.get("/map", params={"chain": chain["id"]}).text
    assert shaded(html)["南昌县"][0] == 1 and shaded(html)["安义县"][0] == 0
    assert client.get("/map", params={"chain": "chain:nowhere"}).status_code == 404


def test_district_page_per_chain_firms_products_and_gaps(client: TestClient) -> None:
    response = client.get("/districts/南昌县")
    assert response.status_code == 200
    html = response.text
    assert "南昌县共有本地企业1家" in html and "碳酸锂（1家）" in html
    assert "&lt;b onmouseover" in html and "<b onmouseover" not in html
    assert "缺链" in html and not ID_PATTERN.search(html.split("<main>")[1])
    assert client.get("/districts/不存在区").status_code == 404


def test_zones_are_points_in_the_district_that_holds_them(client: TestClient) -> None:
    graph = client.app.state.graphs.graph()  # type: ignore[attr-defined]
    drawn = city_map(graph, None)
    names = {zone.name: zone.district for zone in drawn.zones}
    assert names["小蓝经开区"] == "南昌县" and names["红谷滩区"] == "新建区" and names["高新区"] == "青山湖区"

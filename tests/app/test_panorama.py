"""The 产业链全景图: the model built from the gap and chain-map records, and its rendered HTML."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from app.security.tokens import TokenRegistry
from app.web.panorama import LEADER_MARK, NO_SEGMENT, NO_STAGE, build_panorama, chain_panorama
from app.web.templating import templates
from graph_schema import Enterprise, Leads, Produces
from loaders.reference import load_reference
from queries.chain_map import chain_map
from queries.examples import example_graph
from queries.gaps import GapRecord, gap_report
from stores.base import GraphStore, WriteBatch
from tests.app.conftest import make_client

ID_PATTERN = re.compile(r"\b(product|ent|chain|park|cluster):[\w-]+")
HOSTILE = '<img src=x onerror="alert(1)">织造（示例）'


def example_panorama():  # type: ignore[no-untyped-def]
    graph = example_graph()
    return chain_panorama(gap_report(graph, "chain:ev"), chain_map(graph, "chain:ev"), ["动力电池", "整车"])


def record(product: str, stage: str | None, segment: str | None, status: str = "强链", **changes: object) -> GapRecord:
    fields = dict(
        rank=None, product=product, product_name=product.upper(), stage=stage, segment=segment, status=status,
        action="", local_producer_count=0, local_producer_names=(), local_sourcing=None, strong_input_share=None,
        dependent_count=0, dependent_revenue_yi=None, leaders_needing=(), basis="",
    )
    fields.update(changes)
    return GapRecord(**fields)  # type: ignore[arg-type]


class VisibleText(HTMLParser):
    """The text a reader sees (attribute values, such as link targets, left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(part.strip() for part in parser.parts if part.strip())


def test_three_stage_columns_segments_in_plan_order_and_every_product_once() -> None:
    panorama = example_panorama()
    assert [column.stage for column in panorama.columns] == ["上游", "中游", "下游"]
    middle = panorama.columns[1]
    assert [box.name for box in middle.segments] == ["动力电池", "整车"]
    assert sorted(tile.product for tile in panorama.tiles) == sorted(gap.product for gap in gap_report(example_graph(), "chain:ev").records())
    assert len(panorama.tiles) == 7


def test_status_figures_and_the_leader_mark() -> None:
    panorama = example_panorama()
    report = gap_report(example_graph(), "chain:ev")
    for gap in report.records():
        tile = panorama.tile(gap.product)
        assert (tile.status, tile.local_producer_count, tile.local_producer_names) == (gap.status, gap.local_producer_count, gap.local_producer_names)
    assert {tile.product for tile in panorama.tiles if tile.leader_names} == {"product:vehicle"}
    assert panorama.tile("product:cathode").rest_of_china_producer_count == 1  # 上海正极
    assert panorama.tile("product:cathode").sourcing_text == "15.0%"
    assert panorama.counts() == report.counts()


def test_products_without_stage_or_segment() -> None:
    panorama = build_panorama([
        record("p:a", "上游", "甲"), record("p:b", "上游", None), record("p:c", None, "乙"),
        record("p:d", "下游", "丙", "缺链", rank=2), record("p:e", "下游", "丙", "弱链", rank=1), record("p:f", "下游", "丙"),
    ], segment_order=["丙", "甲"])
    assert [column.stage for column in panorama.columns] == ["上游", "中游", "下游", NO_STAGE]
    assert [box.name for box in panorama.columns[0].segments] == ["甲", NO_SEGMENT]
    assert panorama.columns[1].segments == ()
    assert [tile.product for tile in panorama.columns[2].segments[0].tiles] == ["p:e", "p:d", "p:f"]  # gaps by rank, then strong
    staged = build_panorama([record("p:a", "上游", "甲")])
    assert [column.stage for column in staged.columns] == ["上游", "中游", "下游"]  # no 未分阶段 column when none lacks a stage


def test_rendered_panorama_shows_names_never_ids() -> None:
    panorama = example_panorama()
    html = templates.env.get_template("_panorama.html").render(panorama=panorama, chain={"id": "chain:ev"})
    text = visible_text(html)
    assert not ID_PATTERN.search(text), ID_PATTERN.search(text)
    assert html.count('data-testid="panorama-tile"') == 7
    assert text.count(LEADER_MARK) == 2  # the legend and the 整车 tile
    assert "南昌汽车（示例）" in text and "本地企业 1 家" in text and "本地配套率 15.0%" in text
    assert "规则：本地生产企业少于2家" in text and "共7个产品：缺链2个" in text
    assert 'href="/chains/chain%3Aev/candidates?product=product%3Amotor"' in html  # a gap links to its candidates
    assert "candidates?product=product%3Acell" not in html  # 电芯 is 强链: no candidates link


@pytest.fixture
def client(store: GraphStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> Iterator[TestClient]:
    load_reference(store)
    store.write(WriteBatch(
        nodes=[Enterprise(id="ent:hostile", name=HOSTILE, local=True, synthetic=True)],
        relationships=[Produces(src="ent:hostile", dst="product:lithium-carbonate"),
                       Leads(src="ent:hostile", dst="chain:new-energy")],
    ))
    with make_client(store, tokens, role_tokens["viewer"]) as test_client:
        yield test_client


def test_chain_page_opens_with_the_panorama(client: TestClient) -> None:
    products = client.get("/api/chains/chain:new-energy").json()["products"]
    html = client.get("/chains/chain:new-energy").text
    assert html.index('data-testid="panorama"') < html.index('<h2>补链 · 强链 · 延链</h2>')
    assert html.count('data-testid="panorama-tile"') == len(products)
    assert HOSTILE not in html and "&lt;img src=x onerror=" in html  # a spreadsheet name is text, never markup
    panorama = html[html.index('data-testid="panorama"'):html.index('<h2>补链 · 强链 · 延链</h2>')]
    assert LEADER_MARK in visible_text(panorama)
    assert not ID_PATTERN.search(visible_text(panorama))

"""The dashboard chart builder (app/web/charts.py): bar lengths proportional to the values, markers
where the target and the 10 %-a-year path put them, hostile names escaped, no ids in the text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from app.readmodel.workspace import STATUS_COLOURS
from app.security.tokens import TokenRegistry
from app.web.charts import LEFT, RIGHT, ChainFigures, dashboard_charts, gaps_chart, indices_chart, path_value, revenue_chart, trend_chart
from loaders.reference import load_reference
from stores.base import GraphStore
from tests.app.conftest import make_client

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script>&'


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises if anything is not escaped


def chains() -> list[ChainFigures]:
    return [
        ChainFigures("甲链", 500.0, 1000.0, 0.5, 0.25, {"缺链": 2, "弱链": 3, "强链": 5}),
        ChainFigures("乙链", 250.0, 2000.0, 1.0, None, {"缺链": 1, "延链": 1}),
    ]


def test_path_value_is_the_target_discounted_by_ten_percent_a_year() -> None:
    assert path_value(1100.0, 2025) == pytest.approx(1000.0)
    assert path_value(1331.0, 2023) == pytest.approx(1000.0)
    assert path_value(800.0, 2026) == 800.0


def test_revenue_bars_are_proportional_and_markers_at_target_and_path() -> None:
    root = parse(revenue_chart(chains(), base_year=2025).svg)
    bars = root.findall(f".//{SVG}rect[@class='chart-bar']")
    assert [float(bar.get("width") or 0) for bar in bars][0] == pytest.approx(2 * float(bars[1].get("width") or 0), abs=0.2)
    scale = (RIGHT - LEFT) / 2000.0  # the axis ends at the largest target
    assert float(bars[0].get("width") or 0) == pytest.approx(500 * scale, abs=0.1)
    targets = root.findall(f".//{SVG}line[@class='chart-target']")
    assert [float(t.get("x1") or 0) for t in targets] == pytest.approx([LEFT + 1000 * scale, LEFT + 2000 * scale], abs=0.1)
    paths = root.findall(f".//{SVG}path[@class='chart-path']")
    first_x = float(re.match(r"M([\d.]+) ", paths[0].get("d") or "").group(1))  # type: ignore[union-attr]
    assert first_x == pytest.approx(LEFT + 1000 / 1.1 * scale, abs=0.1)


def test_headlines_and_labels_in_chinese_with_one_decimal() -> None:
    revenue = revenue_chart(chains(), base_year=2025)
    assert revenue.headline == "2条产业链本地营收合计750.0亿元，完成2026年目标（合计3,000.0亿元）的25.0%；各链均低于按年增10%路径的2025年应达值"
    assert "500.0亿元 · 目标1,000.0亿元 · 完成50.0% · 路径应达909.1亿元" in revenue.svg
    indices = indices_chart(chains())
    assert indices.headline == "平均完整度75.0%，最低为甲链（50.0%）；平均韧性25.0%"
    assert "—" in indices.svg  # 乙链 has no resilience
    gaps = gaps_chart(chains(), STATUS_COLOURS)
    assert gaps.headline.startswith("缺链3个，弱链3个，延链1个，强链5个；缺链最多：甲链（2个）")


def test_gap_segments_stack_in_status_order_with_the_status_colours() -> None:
    root = parse(gaps_chart(chains(), STATUS_COLOURS).svg)
    segments = root.findall(f".//{SVG}rect[@class='chart-segment']")
    assert [(s.get("data-status"), s.get("fill")) for s in segments[:3]] == [
        ("缺链", STATUS_COLOURS["缺链"]), ("弱链", STATUS_COLOURS["弱链"]), ("强链", STATUS_COLOURS["强链"])]
    xs = [float(s.get("x") or 0) + float(s.get("width") or 0) for s in segments[:3]]
    assert xs == sorted(xs) and float(segments[0].get("x") or 0) == LEFT
    assert float(segments[1].get("width") or 0) == pytest.approx(1.5 * float(segments[0].get("width") or 0), abs=0.1)


def test_hostile_names_are_escaped_and_charts_are_deterministic() -> None:
    hostile = [ChainFigures(HOSTILE, 1.0, 10.0, 0.1, 0.2, {"缺链": 1})]
    for chart in (revenue_chart(hostile, base_year=2025), indices_chart(hostile), gaps_chart(hostile, STATUS_COLOURS)):
        assert "<script>" not in chart.svg and "&lt;script&gt;" in chart.svg
        assert [t.text for t in parse(chart.svg).iter(f"{SVG}text") if t.get("class") == "chart-label"] == [HOSTILE]
    assert dashboard_charts([], base_year=2025, colours=STATUS_COLOURS) == []
    once = [c.svg for c in (revenue_chart(chains(), base_year=2025), indices_chart(chains()))]
    assert once == [c.svg for c in (revenue_chart(chains(), base_year=2025), indices_chart(chains()))]


def test_trend_panels_per_chain_only_with_two_dates_or_more() -> None:
    assert trend_chart([]) is None and trend_chart([("甲链", [("2025-12-31", 0.5)])]) is None
    chart = trend_chart([("甲链", [("2024-12-31", 0.25), ("2025-12-31", 0.75)]), (HOSTILE, [("2024-12-31", None), ("2025-12-31", 0.5)])])
    assert chart is not None
    assert chart.headline == "2024-12-31至2025-12-31，2条产业链平均韧性由25.0%变为62.5%"
    root = parse(chart.svg)
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-label"] == ["甲链", HOSTILE]
    lines = root.findall(f".//{SVG}polyline")
    first = [tuple(map(float, p.split(","))) for p in (lines[0].get("points") or "").split()]
    assert first[0][1] - first[1][1] == pytest.approx(0.5 * (66 - 24), abs=0.2)  # half the panel's plot height
    assert len((lines[1].get("points") or "").split()) == 1  # the unknown value is left out


@pytest.fixture
def client(store: GraphStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> TestClient:
    load_reference(store)
    return make_client(store, tokens, role_tokens["viewer"])


def test_the_dashboard_draws_every_chain_in_each_chart_by_name(client: TestClient) -> None:
    with client:
        page = client.get("/").text
        chains_listed = client.get("/api/chains").json()
    svgs = re.findall(r"<svg .*?</svg>", page, flags=re.S)
    assert len(svgs) >= 3 and "<script" not in "".join(svgs) and "style=" not in "".join(svgs)
    for svg in svgs:
        labels = [t.text for t in parse(svg).iter(f"{SVG}text") if t.get("class") == "chart-label"]
        assert labels == [chain["name"] for chain in chains_listed]
        assert "chain:" not in svg
    assert "本地营收与2026年目标" in page and "完整度与韧性" in page and "全市规模以上工业营业收入年均增长 10%左右" in page

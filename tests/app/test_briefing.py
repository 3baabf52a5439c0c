"""The 链长简报: its page (headline, target progress, panorama, top gaps with candidates, dependencies
for reviewers only) and its PDF (one A4 page per chain, the chain's name in its text), over the example
chain whose answers are known by hand (queries.examples) and over every chain of the demo data."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from app.security.tokens import TokenRegistry
from app.web.pdf import StaticFetcher
from graph_schema import Enterprise, Produces
from queries.examples import example_batch
from stores.base import WriteBatch
from stores.embedded import EmbeddedStore
from tests.app.conftest import make_client
from tests.app.test_panorama import ID_PATTERN, visible_text

HOSTILE = '<img src=x onerror="alert(1)">电机（示例）'
A4_POINTS = (595.3, 841.9)


@pytest.fixture
def example_store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    """The example chain, plus an outside maker of 驱动电机 (the top gap) whose name is markup."""
    store = EmbeddedStore(tmp_path / "store.sqlite")
    store.ensure_schema()
    store.write(example_batch())
    store.write(WriteBatch(
        nodes=[Enterprise(id="ent:hostile", name=HOSTILE, province="浙江省", revenue_yi=1, synthetic=True)],
        relationships=[Produces(src="ent:hostile", dst="product:motor")],
    ))
    yield store
    store.close()


@pytest.fixture
def clients(example_store: EmbeddedStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> Iterator[dict[str, TestClient]]:
    made = {role: make_client(example_store, tokens, role_tokens[role]) for role in ("viewer", "reviewer")}
    for client in made.values():
        client.__enter__()
    yield made
    for client in made.values():
        client.__exit__(None, None, None)


def rows(html: str, testid: str) -> list[str]:
    """The visible text of each ``<tr data-testid=testid>``."""
    return [visible_text(row) for row in re.findall(rf'<tr data-testid="{testid}">(.*?)</tr>', html, flags=re.S)]


def pdf_text(data: bytes) -> tuple[int, str, tuple[float, float]]:
    """Pages, text and the first page's size (points) of a PDF."""
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    return len(reader.pages), "".join(page.extract_text() for page in reader.pages), (float(box.width), float(box.height))


def test_the_headline_comes_first_with_the_figures(clients: dict[str, TestClient]) -> None:
    html = clients["reviewer"].get("/chains/chain:ev/briefing").text
    headline = visible_text(html[html.index('data-testid="briefing-headline"'):html.index('data-testid="briefing-progress"')])
    # 367 亿元 of a 500 亿元 target; the 10 % path puts 2025 at 500 / 1.1 = 454.5
    assert "本地营收367.0亿元，完成2026年目标（500.0亿元）的73.4%；按年增10%的路径，2025年应达454.5亿元，尚差87.5亿元。" in headline
    assert "共7个产品：缺链2个、弱链3个、延链1个、强链1个；首要缺口：驱动电机（缺链）、电池包（弱链）、正极材料（弱链）。" in headline
    assert "关键依赖13项（高3项、中8项、低2项）" in headline
    assert "链主：南昌汽车（示例）" in headline
    assert html.index('data-testid="briefing-headline"') < html.index('data-testid="panorama"') < html.index('data-testid="briefing-gaps"')
    assert 'class="chart-target"' in html and 'class="chart-path"' in html  # the dashboard's chart: target and 10 % path
    assert "示例数据（虚构）" in html


def test_top_gaps_missing_and_weak_first_with_their_candidates(clients: dict[str, TestClient]) -> None:
    html = clients["viewer"].get("/chains/chain:ev/briefing").text
    gaps = rows(html, "briefing-gap")
    # ranks 1–4 and 6 (缺链, 弱链); 储能系统 (延链, rank 5) comes after them and is left out of five
    assert [row.split()[:3] for row in gaps] == [["1", "驱动电机", "整车"], ["2", "电池包", "动力电池"], ["3", "正极材料", "动力电池"],
                                                 ["4", "锂矿", "动力电池"], ["6", "整车", "整车"]]
    assert "广东电机（示例）" in gaps[0] and "（广东省）" in gaps[0]  # the best candidate for 驱动电机, with its region
    assert "上海正极（示例）" in gaps[2]
    assert "candidates?product=product%3Amotor" in html  # the full candidate list is a link away
    assert HOSTILE not in html and "&lt;img src=x onerror=" in html  # a spreadsheet name is text, never markup
    assert not ID_PATTERN.search(visible_text(html)), ID_PATTERN.search(visible_text(html))


def test_dependencies_for_reviewers_and_a_note_for_viewers(clients: dict[str, TestClient]) -> None:
    reviewer = clients["reviewer"].get("/chains/chain:ev/briefing").text
    dependencies = rows(reviewer, "briefing-dependency")
    assert len(dependencies) == 5 and all(row.startswith("高") for row in dependencies[:3]) and dependencies[3].startswith("中")
    viewer = clients["viewer"].get("/chains/chain:ev/briefing").text
    assert 'data-testid="briefing-dependencies"' not in viewer and not rows(viewer, "briefing-dependency")
    assert "关键依赖仅对“安全审查”及以上权限显示" in visible_text(viewer)
    assert "独家供应" not in visible_text(viewer)


def test_the_pdf_is_one_a4_page_with_the_chain_and_its_gaps(clients: dict[str, TestClient]) -> None:
    response = clients["reviewer"].get("/chains/chain:ev/briefing.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"] and "%E9%93%BE%E9%95%BF" in response.headers["content-disposition"]  # 链长
    assert response.content.startswith(b"%PDF-")
    pages, text, size = pdf_text(response.content)
    assert pages == 1 and size == pytest.approx(A4_POINTS, abs=1)
    flat = re.sub(r"\s+", "", text)
    assert "新能源汽车产业链" in flat and "链长简报" in flat and "驱动电机" in flat and "示例数据（虚构）" in flat
    assert "下载PDF" not in flat and "搜索" not in flat  # the page's buttons and the site's header are not printed
    viewer_pages, viewer_text, _ = pdf_text(clients["viewer"].get("/chains/chain:ev/briefing.pdf").content)
    assert viewer_pages == 1 and "关键依赖仅对" in re.sub(r"\s+", "", viewer_text)


def test_unknown_chains_are_404(clients: dict[str, TestClient]) -> None:
    assert clients["viewer"].get("/chains/chain:nothing/briefing").status_code == 404
    assert clients["viewer"].get("/chains/chain:nothing/briefing.pdf").status_code == 404


def test_the_chain_page_and_the_dashboard_link_to_the_briefing(clients: dict[str, TestClient]) -> None:
    chain_page = clients["viewer"].get("/chains/chain:ev").text
    assert 'href="/chains/chain%3Aev/briefing"' in chain_page and "链长简报（打印/PDF）" in chain_page
    assert 'href="/chains/chain%3Aev/briefing"' in clients["viewer"].get("/").text


def test_the_pdf_fetcher_reads_the_app_static_files_and_nothing_else(tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "style.css").write_text("h1 { color: red }", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    fetcher = StaticFetcher("http://127.0.0.1:8000/", {"/static": static})
    found = fetcher.fetch("http://127.0.0.1:8000/static/style.css")
    assert found.read() == b"h1 { color: red }" and found.content_type == "text/css"
    for url in ("http://127.0.0.1:8000/static/../secret.txt", "http://127.0.0.1:8000/static/%2e%2e/secret.txt",
                "http://127.0.0.1:8000/chains/chain:ev", "http://example.com/static/style.css",
                "http://127.0.0.1:9999/static/style.css", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The browser tests' data (reference data and the small synthetic demo), a reviewer signed in."""
    from tests.browser.conftest import fill_store

    folder = tmp_path_factory.mktemp("briefing-demo")
    store = EmbeddedStore(folder / "store.sqlite")
    store.ensure_schema()
    fill_store(store)
    registry = TokenRegistry(":memory:")
    with make_client(store, registry, registry.issue("reviewer", "简报测试")) as client:
        yield client
    registry.close()
    store.close()


def test_every_demo_chain_prints_on_one_page(demo_client: TestClient) -> None:
    chains = demo_client.get("/api/chains").json()
    assert len(chains) == 8
    for chain in chains:
        html = demo_client.get(f"/chains/{chain['id']}/briefing").text
        assert len(rows(html, "briefing-gap")) == 5 and len(rows(html, "briefing-dependency")) == 5, chain["name"]
        pages, text, _ = pdf_text(demo_client.get(f"/chains/{chain['id']}/briefing.pdf").content)
        assert pages == 1, f"{chain['name']}: the briefing PDF takes {pages} pages"
        assert f"{chain['name']}产业链" in re.sub(r"\s+", "", text)

"""Names, not ids, wherever a person reads — every page's visible text and every Excel cell outside
an …ID column — and Excel downloads that open ready to use and print (formats, frozen header,
autofilter, widths, page setup). Crawls every page and download route of the app (the route
matrix of test_analyses_api) over the hand-made example data, and every node's own page."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from app.security.tokens import TokenRegistry
from loaders.spreadsheet_layout import HEADER_FILL, display_width
from loaders.templates import template_bytes
from queries.examples import example_batch, example_graph
from queries.formatting import is_share_column
from stores.embedded import EmbeddedStore
from tests.app.conftest import make_client
from tests.app.test_analyses_api import EXAMPLE_REQUESTS, routes

ID_PATTERN = re.compile(r"\b(chain|product|park|cluster|ent):[A-Za-z0-9]")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_PAGES = ("/api", "/openapi", "/docs", "/redoc", "/static", "/health", "/login", "/logout")
MORE_PAGES = [  # pages whose interesting states a route's one example does not reach
    "/risks?chain=chain:ev", "/risks?chain=chain:food", "/disruption?chain=chain:ev&park=park:xiaolan",
    "/disruption?chain=chain:ev&enterprise=ent:cell", "/disruption?enterprise=ent:lead",
    "/chains/chain:ev/candidates?product=product:motor", "/chains/chain:ev/recruit?product=product:motor&candidate=ent:gd-motor",
    "/chains/chain:food", "/search?q=南昌",
]
DOWNLOADS = [  # every analysis and list as Excel, all its tables
    "/api/chains/chain:ev/map", "/api/chains/chain:ev/gaps", "/api/chains/chain:ev/candidates?product=product:cathode",
    "/api/chains/chain:ev/recruit?product=product:cathode&candidate=ent:sh-cathode", "/api/risks?chain=chain:ev",
    "/api/risks", "/api/disruption?country=韩国", "/api/disruption?chain=chain:ev&park=park:xiaolan", "/api/indices",
    "/api/changes?before=2023-12-31&after=2024-12-31", "/api/enterprises", "/api/products", "/api/parks", "/api/clusters",
]


class VisibleText(HTMLParser):
    """What a person reads on a page: text outside tags, scripts and styles (attributes are not text)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.fixture(scope="module")
def reviewer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = EmbeddedStore(tmp_path_factory.mktemp("names") / "chainatlas.sqlite")
    store.ensure_schema()
    store.write(example_batch())
    tokens = TokenRegistry(":memory:")
    with make_client(store, tokens, tokens.issue("admin", "爬取测试")) as client:  # admin sees every reviewer page too
        yield client
    tokens.close()
    store.close()


def page_urls(client: TestClient) -> list[str]:
    """Every HTML page route with an example request, every node's page, and ``MORE_PAGES``."""
    pages = [EXAMPLE_REQUESTS.get(path, path) for method, path in routes(client)
             if method == "GET" and not path.startswith(NOT_PAGES) and not path.endswith(".pdf")]
    assert all("{" not in url for url in pages), [url for url in pages if "{" in url]
    nodes = [f"/enterprises/{node}" if node.startswith("ent:") else f"/nodes/{node}" for node in example_graph()]
    return sorted(set(pages)) + nodes + MORE_PAGES


def test_no_page_shows_an_id(reviewer: TestClient) -> None:
    urls = page_urls(reviewer)
    assert {"/", "/risks", "/disruption?country=韩国", "/chains/chain:ev", "/map"} <= set(urls)
    for url in urls:
        response = reviewer.get(url)
        assert response.status_code == 200, (url, response.status_code)
        text = visible_text(response.text)
        leaked = re.findall(r"\b(?:chain|product|park|cluster|ent):\S+", text)
        assert not ID_PATTERN.search(text), (url, leaked[:5])


def test_the_visible_text_reader_sees_text_not_attributes() -> None:
    html = '<title>电芯</title><a href="/nodes/product:cell" title="product:cell">电芯</a><script>x="ent:a"</script>'
    assert not ID_PATTERN.search(visible_text(html)) and "电芯" in visible_text(html)
    assert ID_PATTERN.search(visible_text("<td>product:cell</td>"))  # a raw id in a cell is caught


def workbooks(client: TestClient) -> Iterator[tuple[str, Any]]:
    for url in DOWNLOADS:
        joiner = "&" if "?" in url else "?"
        response = client.get(f"{url}{joiner}format=xlsx&table=all")
        assert response.status_code == 200 and response.headers["content-type"] == XLSX, (url, response.status_code)
        yield url, load_workbook(io.BytesIO(response.content))


def test_no_excel_name_column_holds_an_id(reviewer: TestClient) -> None:
    checked = 0
    for url, workbook in workbooks(reviewer):
        for sheet in workbook.worksheets:
            header = [cell.value for cell in sheet[1]]
            for row in sheet.iter_rows(min_row=2, values_only=True):
                for heading, value in zip(header, row, strict=False):
                    if isinstance(value, str) and not str(heading).endswith("ID"):
                        assert not ID_PATTERN.search(value), (url, sheet.title, heading, value)
                        checked += 1
    assert checked > 300


def assert_laid_out(sheet: Any, where: str) -> None:
    """A sheet that opens ready to use and prints: see loaders.spreadsheet_layout."""
    header = [cell.value for cell in sheet[1]]
    assert sheet.freeze_panes == "A2", where
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{sheet.max_row}", where
    assert all(cell.font.bold and cell.fill.fgColor.rgb.endswith(HEADER_FILL) for cell in sheet[1]), where
    for cell in sheet[1]:
        width = sheet.column_dimensions[cell.column_letter].width
        assert width >= display_width(cell.value), (where, cell.value, width)  # never narrower than its header
    assert sheet.print_title_rows == "$1:$1", where
    setup = sheet.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0), where
    assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
    assert sheet.oddHeader.center.text == sheet.title and "&P" in sheet.oddFooter.center.text and "页" in sheet.oddFooter.center.text


def test_every_download_is_laid_out_with_number_formats(reviewer: TestClient) -> None:
    seen = {"0.0%": 0, "#,##0.0": 0, "#,##0": 0}
    for url, workbook in workbooks(reviewer):
        assert not any(name.startswith("Sheet") for name in workbook.sheetnames), (url, workbook.sheetnames)  # titled in Chinese
        for sheet in workbook.worksheets:
            assert_laid_out(sheet, f"{url} {sheet.title}")
            header = [cell.value for cell in sheet[1]]
            for row in sheet.iter_rows(min_row=2):
                for heading, cell in zip(header, row, strict=False):
                    if not isinstance(cell.value, (int, float)) or isinstance(cell.value, bool):
                        continue
                    if is_share_column(str(heading)):
                        assert cell.number_format == "0.0%", (url, heading)
                    elif "亿元" in str(heading):
                        assert cell.number_format == "#,##0.0", (url, heading)
                    elif str(heading).endswith(("数", "(家)", "(项)")):
                        assert cell.number_format == "#,##0", (url, heading, cell.value)
                    if cell.number_format in seen:
                        seen[cell.number_format] += 1
    assert all(seen.values()), seen


def test_long_text_columns_wrap_within_a_capped_width(reviewer: TestClient) -> None:
    response = reviewer.get("/api/risks", params={"chain": "chain:ev", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    evidence = header.index("证据") + 1
    letter = sheet.cell(1, evidence).column_letter
    assert sheet.column_dimensions[letter].width == 50  # capped, not as wide as the longest evidence
    assert sheet.cell(2, evidence).alignment.wrap_text
    short = sheet.cell(1, header.index("严重程度") + 1)
    assert sheet.column_dimensions[short.column_letter].width < 15 and not sheet.cell(2, short.column).alignment.wrap_text


def test_dates_are_dates_in_excel(reviewer: TestClient) -> None:
    response = reviewer.get("/api/changes", params={"before": "2023-12-31", "after": "2024-12-31", "format": "xlsx", "table": "all"})
    workbook = load_workbook(io.BytesIO(response.content))
    dated = [(sheet.title, cell) for sheet in workbook.worksheets for column in sheet.iter_cols(min_row=1)
             if "日期" in str(column[0].value) for cell in column[1:] if cell.value is not None]
    assert dated and all(cell.is_date and cell.number_format == "yyyy-mm-dd" for _, cell in dated), dated[:3]


def test_import_report_and_templates_are_laid_out(reviewer: TestClient) -> None:
    bad = "企业名称,所在区县\n,南昌县\n".encode()
    response = reviewer.post("/api/imports", params={"report": "xlsx"}, files=[("files", ("企业名录.csv", bad, "text/csv"))])
    assert response.status_code == 422 and response.headers["content-type"] == XLSX
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["导入问题", "概要"]
    for sheet in workbook.worksheets:
        assert_laid_out(sheet, f"import report {sheet.title}")
    template = load_workbook(io.BytesIO(template_bytes("all")))
    for sheet in template.worksheets:
        assert sheet.freeze_panes == "A2" and sheet.print_title_rows == "$1:$1" and sheet.page_setup.orientation == "landscape"


def test_a_graph_export_is_laid_out(tmp_path: Path) -> None:
    from loaders.export import export_graph

    store = EmbeddedStore(tmp_path / "chainatlas.sqlite")
    store.ensure_schema()
    store.write(example_batch())
    [written] = export_graph(store, "xlsx", tmp_path / "导出.xlsx")
    store.close()
    workbook = load_workbook(written)
    assert workbook.sheetnames == ["企业名录", "供应关系"]
    for sheet in workbook.worksheets:
        assert_laid_out(sheet, f"export {sheet.title}")

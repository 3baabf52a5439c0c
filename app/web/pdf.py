"""Pages as PDF: WeasyPrint lays out the same HTML the browser prints, with the print stylesheet.

Offline by construction: the fetcher answers only URLs under the app's own address whose path is
under one of its static mounts (``/static``, ``/static/vendor``), read from disk; anything else
(another host, a page of the app, a path escaping the folder) is refused and WeasyPrint leaves it
out. Fonts come from the machine (fontconfig: Noto Sans CJK for Chinese).

>>> fetcher = StaticFetcher("http://127.0.0.1:8000/", {"/static": STATIC_EXAMPLE})
>>> fetcher.local_path("http://127.0.0.1:8000/static/style.css").name
'style.css'
>>> fetcher.local_path("http://127.0.0.1:8000/static/../main.py") is None
True
>>> fetcher.local_path("https://cdn.example.com/static/style.css") is None
True
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

STATIC_EXAMPLE = Path(__file__).parent / "static"


def static_mounts(routes: Any) -> dict[str, Path]:
    """URL prefix → folder of every ``StaticFiles`` mount among an app's routes (``app.routes``)."""
    found = {}
    for route in routes:
        if isinstance(route, Mount) and isinstance(route.app, StaticFiles) and route.app.directory is not None:
            found[route.path] = Path(route.app.directory)
    return found


class StaticFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type information
    """A WeasyPrint URL fetcher that serves the app's static files from disk and nothing else."""

    def __init__(self, base_url: str, mounts: Mapping[str, Path]) -> None:
        super().__init__(allowed_protocols=("http", "https"))
        self.origin = urlsplit(base_url)._replace(path="", query="", fragment="").geturl()
        self.mounts = sorted(((prefix.rstrip("/"), folder.resolve()) for prefix, folder in mounts.items()),
                             key=lambda item: -len(item[0]))  # /static/vendor before /static

    def local_path(self, url: str) -> Path | None:
        """The file ``url`` names under a static mount, or None when it is not one of them."""
        parts = urlsplit(url)
        if parts._replace(path="", query="", fragment="").geturl() != self.origin:
            return None
        path = unquote(parts.path)
        for prefix, folder in self.mounts:
            if path.startswith(prefix + "/"):
                candidate = (folder / path[len(prefix) + 1:]).resolve()
                return candidate if candidate.is_relative_to(folder) and candidate.is_file() else None
        return None

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        found = self.local_path(url)
        if found is None:
            raise ValueError(f"PDF 只读取本应用的静态文件，不取 {url}")
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": kind})


@dataclass(frozen=True)
class RenderedPdf:
    """The PDF bytes and how many pages they hold."""

    data: bytes
    page_count: int


def render_pdf(html: str, base_url: str, mounts: Mapping[str, Path]) -> RenderedPdf:
    """Lay out ``html`` (a page's HTML, its links relative to ``base_url``) for print and write a PDF.

    >>> rendered = render_pdf('<link rel="stylesheet" href="/static/style.css"><h1>南昌</h1>',
    ...                       "http://127.0.0.1:8000/", {"/static": STATIC_EXAMPLE})
    >>> rendered.data[:5], rendered.page_count
    (b'%PDF-', 1)
    """
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # unsupported screen-only CSS is not news
    document = HTML(string=html, base_url=base_url, url_fetcher=StaticFetcher(base_url, mounts), media_type="print").render()
    return RenderedPdf(document.write_pdf(), len(document.pages))

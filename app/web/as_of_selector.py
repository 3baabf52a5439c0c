"""The 数据日期 line the analysis pages share (template ``_as_of.html``): which date the data is as of
(数据截至 2021-12-31) and, when the store holds dated observations (yearly lists), a link per list
year and one to the latest data, each keeping the page's other query parameters; and the query
string (``state_query``) that carries a page's scope and date into its download links.

>>> from starlette.datastructures import URL
>>> choice = as_of_choice(URL("http://x/risks?chain=chain:ev&page=2"), ("2021-12-31", "2022-12-31"), "2022-12-31", "2021-12-31")
>>> choice["headline"]
'数据截至 2021-12-31'
>>> [(option["label"], option["href"], option["active"]) for option in choice["options"]]
[('最新', '/risks?chain=chain%3Aev', False), ('2022年', '/risks?chain=chain%3Aev&as_of=2022-12-31', False), ('2021年', '/risks?chain=chain%3Aev&as_of=2021-12-31', True)]
>>> state_query("all", "2021-12-31"), state_query(None, None)
('scope=all&as_of=2021-12-31', '')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import Request
from starlette.datastructures import URL

from app.deps import checked_as_of
from app.readmodel.workspace import data_dates

LATEST = "最新"


def page_as_of(request: Request, text: str | None) -> tuple[str | None, dict[str, Any]]:
    """The date a page asks for (``?as_of=``; None: the latest data; a malformed one is a 422) and the
    page's 数据日期 line (``as_of_choice``) from the dates the store knows."""
    as_of = checked_as_of(text)
    dates = data_dates(request.app.state.graphs)
    return as_of, as_of_choice(request.url, dates.observed, dates.latest, as_of)


def headline(as_of: str | None, latest: str | None) -> str:
    """The date the page's data is as of, in words.

    >>> headline(None, "2022-12-31"), headline(None, None), headline("2019-06-30", "2022-12-31")
    ('数据截至 2022-12-31（最新）', '数据截至 最新导入（数据未标注日期）', '数据截至 2019-06-30')
    """
    if as_of is not None:
        return f"数据截至 {as_of}"
    if latest is not None:
        return f"数据截至 {latest}（最新）"
    return "数据截至 最新导入（数据未标注日期）"


def year_dates(observed: Sequence[str]) -> list[tuple[str, str]]:
    """(year, its latest observed date) for every year with observations, latest year first.

    >>> year_dates(["2021-06-30", "2021-12-31", "2022-12-31"])
    [('2022', '2022-12-31'), ('2021', '2021-12-31')]
    """
    latest: dict[str, str] = {}
    for date in sorted(observed):
        latest[date[:4]] = date
    return sorted(latest.items(), reverse=True)


def as_of_choice(url: URL, observed: Sequence[str], latest: str | None, as_of: str | None) -> dict[str, Any]:
    """The headline and, when there are observed dates, the options (label, href, active): the latest
    data (no ``as_of``) and each year's list; the page number is dropped, every other parameter kept."""
    kept = [(name, value) for name, value in parse_qsl(url.query, keep_blank_values=True) if name not in ("as_of", "page")]

    def href(date: str | None) -> str:
        query = urlencode([*kept, *([("as_of", date)] if date else [])])
        return f"{url.path}?{query}" if query else url.path

    options = []
    if observed:
        options.append({"label": LATEST, "href": href(None), "active": as_of is None})
        options += [{"label": f"{year}年", "href": href(date), "active": date == as_of} for year, date in year_dates(observed)]
    return {"headline": headline(as_of, latest), "options": options, "as_of": as_of}


def state_query(scope: str | None, as_of: str | None) -> str:
    """``scope=…&as_of=…`` for the parameters a page has (none: empty), to append to its download links."""
    return urlencode([(name, value) for name, value in (("scope", scope), ("as_of", as_of)) if value])

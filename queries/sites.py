"""Facilities (生产基地): a firm's sites, by year, and where the suppliers and their sites are.

A Facility node hangs off its firm by HAS_SITE and carries its own country, province and the
dates it was listed (``seen``, ``queries.observations``). ``site_concentration`` counts, by country
and province, both the firms (suppliers present as of the view's date: a firm counts once in every
place where it has a present site, or at its own country when it has no site) and the facilities
present as of that date.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("ent:a", label="Enterprise", name="甲", country="日本")
>>> g.add_node("site:1", label="Facility", name="Jiangsu", country="中国", province="江苏省", seen=["2021-12-31", "2022-12-31"])
>>> g.add_node("site:2", label="Facility", name="Osaka", country="日本", province="Osaka", seen=["2021-12-31"])
>>> g.add_edge("ent:a", "site:1", key="HAS_SITE", type="HAS_SITE"); g.add_edge("ent:a", "site:2", key="HAS_SITE", type="HAS_SITE")
'HAS_SITE'
'HAS_SITE'
>>> [(s["name"], s["years"]) for s in sites_of(g, "ent:a")]
[('Jiangsu', [2021, 2022]), ('Osaka', [2021])]
>>> [(s["name"], s["present"]) for s in sites_of(g, "ent:a", as_of="2022-12-31")]
[('Jiangsu', True), ('Osaka', False)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from queries.labels import LabelledReport, Record
from queries.observations import Calendars, is_present
from queries.view import ChainView, chain_view

UNKNOWN = "未知"


def facility_calendars(graph: nx.MultiDiGraph) -> Calendars:
    """The calendars of the lists the graph's facilities were observed in."""
    return Calendars.of(data for _, data in graph.nodes(data=True) if data.get("label") == "Facility" and data.get("seen"))


def sites_of(graph: nx.MultiDiGraph, enterprise: str, *, as_of: str | None = None,
             calendars: Calendars | None = None) -> list[dict[str, Any]]:
    """The firm's facilities: id, name, country, province, city, the years listed and whether
    present as of ``as_of`` (None: the latest list), sorted by country, province and name."""
    if enterprise not in graph:
        return []
    calendars = calendars if calendars is not None else facility_calendars(graph)
    found = []
    for _, site, kind in graph.out_edges(enterprise, data="type"):
        if kind != "HAS_SITE":
            continue
        data = graph.nodes[site]
        found.append({
            "id": site, "name": data.get("name") or site, "country": data.get("country") or UNKNOWN,
            "province": data.get("province"), "city": data.get("city"), "years": years_of(data),
            "present": is_present(data, as_of, calendars),
        })
    found.sort(key=lambda s: (s["country"], s["province"] or "", s["name"]))
    return found


def years_of(data: dict[str, Any]) -> list[int]:
    """The years of a record's observations.

    >>> years_of({"seen": ["2021-12-31", "2022-06-30", "2022-12-31"]})
    [2021, 2022]
    """
    return sorted({int(str(date)[:4]) for date in data.get("seen") or ()})


def sites_by_year(sites: Iterable[dict[str, Any]]) -> list[tuple[int, list[dict[str, Any]]]]:
    """Year → the sites listed that year, latest year first (the enterprise page's 生产基地 table)."""
    by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for site in sites:
        for year in site["years"]:
            by_year[year].append(site)
    return sorted(by_year.items(), reverse=True)


def year_summary(sites: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per year (latest first): how many sites were listed and where, as text ("中国 广东省 2、江苏省 1；日本 1").

    >>> year_summary([{"country": "中国", "province": "广东省", "years": [2022]}, {"country": "日本", "province": None, "years": [2021, 2022]}])
    [{'year': 2022, 'count': 2, 'places': '中国 广东省 1；日本 1'}, {'year': 2021, 'count': 1, 'places': '日本 1'}]
    """
    rows = []
    for year, listed in sites_by_year(sites):
        by_country: dict[str, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))
        for site in listed:
            by_country[site["country"]][site["province"]] += 1
        parts = []
        for country in sorted(by_country, key=lambda c: (-sum(by_country[c].values()), c)):
            counts = by_country[country]
            named = sorted(((p, n) for p, n in counts.items() if p), key=lambda item: (-item[1], item[0]))
            unnamed = counts.get(None, 0)
            inner = "、".join(f"{p} {n}" for p, n in named) + (f"、省份不详 {unnamed}" if unnamed and named else "")
            parts.append(f"{country} {inner}" if named else f"{country} {unnamed}")
        rows.append({"year": year, "count": len(listed), "places": "；".join(parts)})
    return rows


@dataclass(frozen=True)
class PlaceCountRecord(Record):
    """产地分布: firms and facilities in one country (and province, when known)."""

    country: str
    province: str | None
    firm_count: int
    facility_count: int
    facility_share: float


@dataclass(frozen=True)
class SiteConcentration(LabelledReport[PlaceCountRecord]):
    """Firms and facilities by country and by country × province, as of the view's date."""

    chain_id: str | None
    as_of: str | None
    by_country: tuple[PlaceCountRecord, ...]
    by_province: tuple[PlaceCountRecord, ...]

    def _build(self) -> dict[str, Sequence[Record]]:
        return {"by_country": self.by_country, "by_province": self.by_province}


def site_concentration(graph: nx.MultiDiGraph | ChainView, chain_id: str | None = None, *,
                       as_of: str | None = None) -> SiteConcentration:
    """Suppliers (firms with a present SUPPLIES link) and their present facilities, counted by
    country and by country × province, most facilities first.

    >>> from queries.examples import example_graph
    >>> report = site_concentration(example_graph(), "chain:ev")
    >>> [(r.country, r.firm_count, r.facility_count) for r in report.by_country]
    [('中国', 5, 0), ('韩国', 1, 0)]
    """
    view = chain_view(graph, chain_id, as_of=as_of)
    source = view.graph
    calendars = facility_calendars(source)
    firms_at: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    sites_at: dict[tuple[str, str | None], int] = defaultdict(int)
    for firm in sorted({link.supplier for link in view.links}):
        present = [s for s in sites_of(source, firm, as_of=view.as_of, calendars=calendars) if s["present"]]
        if not present:
            attrs = view.attrs.get(firm, {})
            firms_at[(str(attrs.get("country") or UNKNOWN), attrs.get("province"))].add(firm)
        for site in present:
            place = (site["country"], site["province"])
            firms_at[place].add(firm)
            sites_at[place] += 1
    total = sum(sites_at.values()) or 1

    def records(places: dict[tuple[str, str | None], tuple[set[str], int]]) -> tuple[PlaceCountRecord, ...]:
        rows = [PlaceCountRecord(country, province, len(firms), sites, round(sites / total, 4))
                for (country, province), (firms, sites) in places.items()]
        return tuple(sorted(rows, key=lambda r: (-r.facility_count, -r.firm_count, r.country, r.province or "")))

    by_country: dict[tuple[str, str | None], tuple[set[str], int]] = {}
    for (country, _), firms in firms_at.items():
        held = by_country.get((country, None), (set(), 0))
        by_country[(country, None)] = (held[0] | firms, held[1])
    for (country, _), sites in sites_at.items():
        held = by_country.get((country, None), (set(), 0))
        by_country[(country, None)] = (held[0], held[1] + sites)
    by_province = {place: (firms_at.get(place, set()), sites_at.get(place, 0)) for place in firms_at.keys() | sites_at.keys()}
    return SiteConcentration(chain_id, view.as_of, records(by_country), records(by_province))

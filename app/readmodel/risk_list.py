"""The 关键依赖清单 as reviewers read it: a summary per chain first, then the list grouped by chain
and type, filtered, sorted and paged on the server.

Every chain's report is the one the dashboard and the enterprise pages use (``workspace.critical``,
memoised per store revision); the filtered, sorted list is kept among the recent answers, so
paging through it does not sort again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.readmodel.graph_cache import GraphCache
from app.readmodel.lists import Place, place_firms
from app.readmodel.workspace import critical, ordered_chains, scoped_view

if TYPE_CHECKING:
    from queries.risks import DependencyRecord

PAGE_SIZE = 50
EVERYWHERE = Place()
TOP_ITEMS = 3
SORTS = {"severity": "按严重程度", "revenue": "按受影响本地营收", "firms": "按受影响本地企业数"}


def sort_names(scope: str | None) -> dict[str, str]:
    """``SORTS`` as the page names them for the firms in focus (网络内 under ``all``)."""
    from queries.labels import in_focus

    return {key: in_focus(name, scope) for key, name in SORTS.items()}


@dataclass(frozen=True)
class RiskQuery:
    """Which dependencies to list: a chain (None: every chain), a severity, a type, the order
    inside each chain × type group, and a place (a district and/or a park, ``app.readmodel.lists``).

    A dependency is in a place when its enterprise (the supplier, 卡点 or 割点 firm) is located
    there, or any local firm it hits (that loses a required input when it fails) is.
    """

    chain: str | None = None
    severity: str | None = None
    kind: str | None = None
    sort: str = "severity"
    district: str | None = None
    park: str | None = None
    scope: str | None = None  # local / all; None: local, or all where a chain has no local firm

    def keeps(self, record: DependencyRecord) -> bool:
        return (not self.severity or record.severity == self.severity) and (not self.kind or record.kind == self.kind)


@dataclass(frozen=True)
class ChainRiskSummary:
    """One chain's dependencies counted by type × severity, with its most severe items."""

    chain_id: str
    chain_name: str
    counts: dict[str, dict[str, int]]  # type → severity → count
    totals: dict[str, int]  # severity → count
    top: tuple[DependencyRecord, ...]


@dataclass(frozen=True)
class RiskGroup:
    """The rows of one chain × type on a page, and how many the whole filtered list has."""

    chain_id: str
    chain_name: str
    kind: str
    total: int
    rows: list[DependencyRecord] = field(default_factory=list)


@dataclass(frozen=True)
class RiskPage:
    """One page of the filtered list, in groups."""

    groups: list[RiskGroup]
    total: int
    page: int
    pages: int


WHOLE_GRAPH = {"id": "", "name": "全图"}  # a graph without chains (an imported network): its whole list


def chains_in(cache: GraphCache, chain: str | None) -> list[dict[str, Any]]:
    """The chains the list covers, in the plan's order; a graph with no chain at all is listed
    whole (id "", name 全图)."""
    chains = ordered_chains(cache)
    if not chains and chain is None:
        return [WHOLE_GRAPH]
    return [c for c in chains if chain is None or c["id"] == chain]


def focus(cache: GraphCache, query: RiskQuery) -> str:
    """The firms in focus of the list: the scope asked for, else ``all`` when every chain listed has
    no local firm (each chain's view then defaults to it), else ``local``."""
    if query.scope:
        return query.scope
    scopes = {scoped_view(cache, item["id"] or None).scope for item in chains_in(cache, query.chain)}
    return "all" if scopes == {"all"} else "local"


def in_place(cache: GraphCache, chain: str, place: Place, scope: str | None = None) -> list[DependencyRecord]:
    """The chain's dependencies in the place (``RiskQuery``), in the report's order."""
    report = critical(cache, chain or None, scope)
    within = place_firms(cache, place)
    if within is None:
        return list(report.records())
    return [
        record for record, dependency in zip(report.records(), report.items, strict=True)
        if dependency.enterprise in within or not within.isdisjoint(dependency.impact.firms)
    ]


def summaries(cache: GraphCache, chain: str | None = None, place: Place = EVERYWHERE, scope: str | None = None) -> list[ChainRiskSummary]:
    """Per chain: counts by type × severity and the ``TOP_ITEMS`` first items of its list (in the place)."""
    from queries.risks import KINDS, SEVERITIES

    found = []
    for item in chains_in(cache, chain):
        records = in_place(cache, item["id"], place, scope)
        pairs = Counter((record.kind, record.severity) for record in records)
        counts = {kind: {severity: pairs[kind, severity] for severity in SEVERITIES} for kind in KINDS if any(pairs[kind, s] for s in SEVERITIES)}
        totals = {severity: sum(pairs[kind, severity] for kind in KINDS) for severity in SEVERITIES}
        found.append(ChainRiskSummary(item["id"], str(item.get("name", item["id"])), counts, totals, tuple(records[:TOP_ITEMS])))
    return found


def _order(sort: str) -> Any:
    from queries.risks import SEVERITIES

    if sort == "revenue":
        return lambda r: (-r.local_revenue_hit_yi, -r.local_firms_hit, SEVERITIES.index(r.severity))
    if sort == "firms":
        return lambda r: (-r.local_firms_hit, -r.local_revenue_hit_yi, SEVERITIES.index(r.severity))
    return None  # the report's own order: severity, then the share of local revenue hit


def filtered(cache: GraphCache, query: RiskQuery) -> list[tuple[str, DependencyRecord]]:
    """(chain id, record) for every dependency ``query`` keeps, grouped by chain (plan order) and
    type (``KINDS`` order), sorted inside each group."""
    from queries.risks import KINDS

    def compute() -> list[tuple[str, DependencyRecord]]:
        rows: list[tuple[str, DependencyRecord]] = []
        order = _order(query.sort)
        place = Place(query.district, query.park)
        for item in chains_in(cache, query.chain):
            records = [r for r in in_place(cache, item["id"], place, query.scope) if query.keeps(r)]
            for kind in KINDS:
                group = [r for r in records if r.kind == kind]
                rows += [(item["id"], r) for r in (sorted(group, key=order) if order else group)]
        return rows

    return cache.recent(("risk-list", query), compute)


def records(cache: GraphCache, query: RiskQuery) -> list[DependencyRecord]:
    """The filtered, grouped, sorted list without chain ids (for downloads)."""
    return [record for _, record in filtered(cache, query)]


def page_of(cache: GraphCache, query: RiskQuery, page: int, size: int = PAGE_SIZE) -> RiskPage:
    """Page ``page`` (from 1) of the filtered list, in chain × type groups that know their size."""
    rows = filtered(cache, query)
    sizes = Counter((chain, record.kind) for chain, record in rows)
    pages = max(1, -(-len(rows) // size))
    page = min(max(page, 1), pages)
    groups: list[RiskGroup] = []
    for chain, record in rows[(page - 1) * size: page * size]:
        if not groups or (groups[-1].chain_id, groups[-1].kind) != (chain, record.kind):
            groups.append(RiskGroup(chain, record.chain_name, record.kind, sizes[chain, record.kind]))
        groups[-1].rows.append(record)
    return RiskPage(groups, len(rows), page, pages)

"""Change over time (变化): supply links gained and lost, gaps filled and opened.

Two ways to get the two states to compare:

- ``diff_as_of``: one graph at two dates. The graph as of date D keeps the SUPPLIES links whose
  ``as_of`` is on or before D (links without a date are always there), and the links observed in
  lists (``seen``) that the list holding as of D shows (``queries.observations``): such links are
  also lost when a later list drops them. Every other relationship is kept as it is.
- ``diff_graphs``: two graphs, e.g. projections before and after an import; links may also be
  lost or change (share, amount, confidence, date).

Both also list the suppliers (firms supplying in at least one present link), their facilities
(Facility nodes present by their own observations, ``queries.observations``) and the countries of
those facilities (a supplier with no facility counts its own country) that were added and dropped
(新增 / 退出). On a yearly list this is the list's own year-over-year change.

Gap status changes use ``gaps.gap_report`` on both states: 补齐 (a gap became 强链), 新增缺口
(a 强链 product became a gap), 改善 / 恶化 between gap statuses (缺链 and 延链 below 弱链), 重分类
(缺链 ↔ 延链), 新增产品 / 移除产品.

>>> from queries.examples import example_graph
>>> from queries.gaps import GapRule
>>> report = diff_as_of(example_graph(), "2023-01-01", "2023-12-31", "chain:ev", rule=GapRule(min_local_producers=1))
>>> [(c.change, c.after.supplier, c.after.customer) for c in report.links]
[('新增', 'ent:local-cathode', 'ent:cell'), ('新增', 'ent:sh-cathode', 'ent:cell'), ('新增', 'ent:sh-cathode', 'ent:cell2')]
>>> [(g.product, g.before, g.after, g.change) for g in report.gaps]
[('product:cathode', '强链', '弱链', '新增缺口')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import astuple, dataclass

import networkx as nx

from queries.collector import pausing_gc
from queries.gaps import EXTENSION, MISSING, STRONG, WEAK, GapRule, gap_report
from queries.labels import LabelledReport, Record, labelled
from queries.meanings import SupplyLink
from queries.observations import Calendars, is_present
from queries.view import ChainView, chain_view

_LEVEL = {MISSING: 0, EXTENSION: 0, WEAK: 1, STRONG: 2}


@dataclass(frozen=True)
class LinkChange:
    """A SUPPLIES link that appeared (新增), disappeared (消失) or changed its properties (变更)."""

    change: str
    before: SupplyLink | None
    after: SupplyLink | None

    @property
    def link(self) -> SupplyLink:
        return self.after or self.before  # type: ignore[return-value]


@dataclass(frozen=True)
class StatusChange:
    """A product whose gap status differs between the two states."""

    product: str
    name: str
    before: str | None
    after: str | None
    change: str


@dataclass(frozen=True)
class LinkChangeRecord(Record):
    """链接变化: a link gained, lost or changed, with its share and amount before and after."""

    change: str
    supplier_name: str
    supplier: str
    customer_name: str
    customer: str
    link_product_name: str | None
    link_product: str | None
    share_before: float | None
    share_after: float | None
    amount_before: float | None
    amount_after: float | None
    as_of: str | None


@dataclass(frozen=True)
class GapChangeRecord(Record):
    """缺口变化: a product's gap status in the two states (their columns headed by the states' labels)."""

    product: str
    product_name: str
    before: str | None
    after: str | None
    change: str


@dataclass(frozen=True)
class MemberChange(Record):
    """名单变化: a supplier, facility or country added (新增) or dropped (退出) between the two states."""

    member: str
    change: str
    name: str
    detail: str | None


@dataclass(frozen=True)
class ChangeCounts(Record):
    """How many links were gained, lost and changed, how many gaps were filled and opened, and how
    many suppliers, facilities and countries were added and dropped."""

    links_added: int
    links_lost: int
    links_changed: int
    gaps_filled: int
    gaps_opened: int
    suppliers_added: int = 0
    suppliers_dropped: int = 0
    facilities_added: int = 0
    facilities_dropped: int = 0
    countries_added: int = 0
    countries_dropped: int = 0


@dataclass(frozen=True)
class ComparedStates(Record):
    """The chain and the labels of the two states compared."""

    chain: str | None
    before: str
    after: str


@dataclass(frozen=True)
class ChangeSummaryRecord(ChangeCounts, ComparedStates):
    """概要: the states compared, then the counts (a dataclass puts its last base's fields first)."""


@dataclass(frozen=True)
class ChangeReport(LabelledReport[LinkChangeRecord]):
    """Links gained, lost and changed, and gap status changes, between two states of a chain."""

    chain_id: str | None
    before_label: str
    after_label: str
    links: tuple[LinkChange, ...]
    gaps: tuple[StatusChange, ...]
    names: dict[str, str]
    members: tuple[MemberChange, ...] = ()

    def tally(self) -> ChangeCounts:
        """How many links were gained, lost and changed, gaps filled and opened, members added and dropped."""
        changes = [c.change for c in self.links]
        statuses = [g.change for g in self.gaps]
        members = [(m.member, m.change) for m in self.members]
        return ChangeCounts(
            changes.count("新增"), changes.count("消失"), changes.count("变更"),
            statuses.count("补齐"), statuses.count("新增缺口"),
            *(members.count((kind, change)) for kind in (SUPPLIER, FACILITY, COUNTRY) for change in ("新增", "退出")),
        )

    def counts(self) -> dict[str, int]:
        """``tally()`` labelled."""
        return labelled([self.tally()])[0]

    def _link_changes(self) -> list[LinkChangeRecord]:
        """链接变化: one record per link gained, lost or changed."""
        n = self.names
        found = []
        for c in self.links:
            link = c.link
            found.append(LinkChangeRecord(
                c.change, n.get(link.supplier, link.supplier), link.supplier,
                n.get(link.customer, link.customer), link.customer,
                n.get(link.product or "", link.product), link.product,
                c.before.share if c.before else None, c.after.share if c.after else None,
                c.before.amount_wan if c.before else None, c.after.amount_wan if c.after else None,
                link.as_of,
            ))
        return found

    def _build(self) -> dict[str, Sequence[Record]]:
        return {
            "link_changes": self._link_changes(),
            "gap_changes": [GapChangeRecord(g.product, g.name, g.before, g.after, g.change) for g in self.gaps],
            "member_changes": list(self.members),
            "summary": [ChangeSummaryRecord(self.chain_id, self.before_label, self.after_label, *astuple(self.tally()))],
        }

    def headings(self) -> dict[str, dict[str, str]]:
        """The gap-change table heads the two states by their labels (dates, or 之前 / 之后)."""
        return {"gap_changes": {"before": self.before_label, "after": self.after_label}}


@pausing_gc
def diff_views(before: ChainView, after: ChainView, *, rule: GapRule = GapRule(),
               labels: tuple[str, str] = ("之前", "之后")) -> ChangeReport:
    """Compare two views of the same chain (the work behind ``diff_as_of`` and ``diff_graphs``)."""
    old = {link.key: link for link in before.links}
    new = {link.key: link for link in after.links}
    changes = [LinkChange("新增", None, new[key]) for key in sorted(new.keys() - old.keys())]
    changes += [LinkChange("消失", old[key], None) for key in sorted(old.keys() - new.keys())]
    changes += [
        LinkChange("变更", old[key], new[key]) for key in sorted(old.keys() & new.keys()) if old[key] != new[key]
    ]
    order = {"新增": 0, "消失": 1, "变更": 2}
    changes.sort(key=lambda c: (order[c.change], c.link.key))
    gaps_before = gap_report(before, before.chain_id, rule=rule).by_product()
    gaps_after = gap_report(after, after.chain_id, rule=rule).by_product()
    status_changes = []
    for product in sorted(gaps_before.keys() | gaps_after.keys()):
        was = gaps_before[product].status if product in gaps_before else None
        now = gaps_after[product].status if product in gaps_after else None
        if was == now:
            continue
        name = (gaps_after.get(product) or gaps_before[product]).name
        status_changes.append(StatusChange(product, name, was, now, _label(was, now)))
    names = {e: before.name(e) for e in before.enterprises}
    names.update({e: after.name(e) for e in after.enterprises})
    names.update({p: before.name(p) for p in before.product_info})
    names.update({p: after.name(p) for p in after.product_info})
    members = member_changes(before, after)
    return ChangeReport(after.chain_id, labels[0], labels[1], tuple(changes), tuple(status_changes), names, members)


SUPPLIER, FACILITY, COUNTRY = "供应商", "设施", "国家/地区"


@dataclass(frozen=True)
class Members:
    """Who is on the list in one state: suppliers, their facilities (id → (firm, name, country)), countries."""

    suppliers: dict[str, str]
    facilities: dict[str, tuple[str, str, str]]
    countries: dict[str, int]  # country → facilities there (a supplier without facilities counts as one)


def members_of(view: ChainView) -> Members:
    """The suppliers of the view's present links, their facilities present as of the view's date and
    the countries of those facilities.

    >>> from queries.examples import example_graph
    >>> sorted(members_of(chain_view(example_graph(), "chain:ev", as_of="2023-12-31")).countries.items())
    [('中国', 4), ('韩国', 1)]
    """
    graph = view.graph
    suppliers = {link.supplier: view.name(link.supplier) for link in view.links}
    sites = [(firm, site, graph.nodes[site]) for firm, site, kind in graph.out_edges(list(suppliers), data="type")
             if kind == "HAS_SITE"]
    calendars = Calendars.of(data for _, _, data in sites)
    facilities: dict[str, tuple[str, str, str]] = {}
    countries: dict[str, int] = {}
    with_sites = set()
    for firm, site, data in sites:
        with_sites.add(firm)
        if is_present(data, view.as_of, calendars):
            country = str(data.get("country") or "未知")
            facilities[site] = (firm, str(data.get("name") or site), country)
            countries[country] = countries.get(country, 0) + 1
    for firm in suppliers.keys() - with_sites:
        country = str(view.attrs[firm].get("country") or "未知") if firm in view.attrs else "未知"
        countries[country] = countries.get(country, 0) + 1
    return Members(suppliers, facilities, countries)


def member_changes(before: ChainView, after: ChainView) -> tuple[MemberChange, ...]:
    """Suppliers, facilities and countries added (新增) and dropped (退出) from ``before`` to ``after``."""
    old, new = members_of(before), members_of(after)
    found: list[MemberChange] = []
    for change, first, second in (("新增", new, old), ("退出", old, new)):
        for firm in sorted(first.suppliers.keys() - second.suppliers.keys(), key=lambda f: first.suppliers[f]):
            found.append(MemberChange(SUPPLIER, change, first.suppliers[firm], None))
        for site in sorted(first.facilities.keys() - second.facilities.keys(), key=lambda s: first.facilities[s][1:]):
            firm, name, _ = first.facilities[site]
            found.append(MemberChange(FACILITY, change, name, first.suppliers.get(firm, firm)))
        for country in sorted(first.countries.keys() - second.countries.keys()):
            found.append(MemberChange(COUNTRY, change, country, f"设施 {first.countries[country]} 处"))
    order = {SUPPLIER: 0, FACILITY: 1, COUNTRY: 2}
    found.sort(key=lambda m: (order[m.member], m.change != "新增"))
    return tuple(found)


def _label(before: str | None, after: str | None) -> str:
    if before is None:
        return "新增产品"
    if after is None:
        return "移除产品"
    if after == STRONG:
        return "补齐"
    if before == STRONG:
        return "新增缺口"
    if _LEVEL[after] > _LEVEL[before]:
        return "改善"
    if _LEVEL[after] < _LEVEL[before]:
        return "恶化"
    return "重分类"


def diff_as_of(
    graph: nx.MultiDiGraph, before: str, after: str, chain_id: str | None = None, *, rule: GapRule = GapRule()
) -> ChangeReport:
    """Compare the graph as of two ISO dates: links gained and lost (a link observed in yearly lists is
    lost when a later list drops it, ``queries.observations``), gaps filled or opened, suppliers,
    facilities and countries added and dropped.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
    before, after : str
        ISO dates (``YYYY-MM-DD``), ``before`` not after ``after``.
    chain_id : str, optional
        None for the whole graph.
    rule : GapRule

    Raises
    ------
    ValueError
        When a date is not an ISO date or ``before`` is later than ``after``.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> diff_as_of(example_graph(), "2023-01-01", "2023-12-31", "chain:ev").tally()
    ChangeCounts(links_added=3, links_lost=0, links_changed=0, gaps_filled=0, gaps_opened=0, suppliers_added=2, suppliers_dropped=0, facilities_added=0, facilities_dropped=0, countries_added=0, countries_dropped=0)
    """
    first, second = _iso(before), _iso(after)
    if first > second:
        raise ValueError(f"before ({before}) is later than after ({after})")
    source = graph.graph if isinstance(graph, ChainView) else graph
    return diff_views(
        chain_view(source, chain_id, as_of=first), chain_view(source, chain_id, as_of=second),
        rule=rule, labels=(first, second),
    )


def diff_graphs(
    before: nx.MultiDiGraph, after: nx.MultiDiGraph, chain_id: str | None = None, *, rule: GapRule = GapRule()
) -> ChangeReport:
    """Compare two graphs (e.g. before and after an import): links gained, lost and changed; gap changes.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> old, new = example_graph(), example_graph()
    >>> new.remove_edge("ent:cell", "ent:pack", key="SUPPLIES:product:cell")
    >>> report = diff_graphs(old, new, "chain:ev")
    >>> [(c.change, c.link.customer) for c in report.links], report.tally().gaps_opened
    ([('消失', 'ent:pack')], 0)
    """
    return diff_views(chain_view(before, chain_id), chain_view(after, chain_id), rule=rule)


def _iso(value: str) -> str:
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}") from None

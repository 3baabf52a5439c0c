"""Relative impact of a critical dependency, and the severity rule built on it (严重程度).

A dependency matters as much as what breaks locally when it fails. For each row of the reviewers'
list this module answers, on the chain's own view:

- **which local firms lose a required input** (and go down with everything downstream that
  loses one in turn: ``queries.disruption.propagate``) when the dependency fails — the supplier
  stops, the supply link breaks, or the chokepoint / cut point is taken out;
- their **share of the chain's local firms** and of its **local revenue** (营业收入);
- whether a **链主** is among them;
- whether a **substitute** producer of the input exists in the province (本地 or 省内), elsewhere in
  China (国内), only abroad (仅境外), or nowhere in the data (无).

``SeverityRule.level`` turns that into 高 / 中 / 低 (see its docstring and docs/analyses.md).

>>> from queries.examples import example_graph
>>> from queries.view import chain_view
>>> meter = ImpactMeter(chain_view(example_graph(), "chain:ev"))
>>> impact = meter.supplier_fails("ent:cell")
>>> impact.firms, impact.leaders, round(impact.revenue_share, 3)
(('ent:lead', 'ent:pack'), ('ent:lead',), 0.872)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from queries.disruption import firms_down
from queries.meanings import FOREIGN, IN_PROVINCE, LOCAL, REST_OF_CHINA, UNKNOWN_PLACE
from queries.view import ChainView

HIGH, MEDIUM, LOW = "高", "中", "低"
SEVERITIES = (HIGH, MEDIUM, LOW)

IN_PROVINCE_SUBSTITUTE = "省内有替代"
DOMESTIC_SUBSTITUTE = "国内有替代"
ABROAD_SUBSTITUTE = "仅境外有替代"
UNKNOWN_SUBSTITUTE = "仅地点未知处有替代"
NO_SUBSTITUTE = "无替代来源"
NOT_APPLICABLE = "—"
SUBSTITUTES = (IN_PROVINCE_SUBSTITUTE, DOMESTIC_SUBSTITUTE, ABROAD_SUBSTITUTE, UNKNOWN_SUBSTITUTE, NO_SUBSTITUTE)


@dataclass(frozen=True)
class Impact:
    """What breaks locally when a dependency fails: the local firms that lose a required input."""

    firms: tuple[str, ...]
    leaders: tuple[str, ...]
    revenue_yi: float
    firm_share: float  # of the chain's local firms
    revenue_share: float  # of the chain's local revenue
    substitute: str = NOT_APPLICABLE

    def with_substitute(self, substitute: str) -> Impact:
        return Impact(self.firms, self.leaders, self.revenue_yi, self.firm_share, self.revenue_share, substitute)


NO_IMPACT = Impact((), (), 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class SeverityRule:
    """Severity 高 / 中 / 低 from the relative impact of a dependency's failure.

    1. Impact level: 高 when a 链主 loses a required input, or the local firms hit make at least
       ``high_share`` of the chain's local firms or of its local revenue; 中 when they make at least
       ``medium_share`` of either; otherwise 低 (also when no local firm is hit).
    2. Substitutes of the input (other producers, in the chain's data): 省内有替代 lowers the level
       by one (a local or in-province firm can step in); 仅境外有替代, 仅地点未知处有替代 (producers
   whose place the data does not know) or 无替代来源 raises it by one,
       but only when some local firm is hit; 国内有替代 leaves it.
    3. 集中度: the failure is the input's largest source region (a province, or a country abroad)
       cut off, substitutes being producers outside that region; when that region is 江西省, its
       largest supplier stopping. At least 中 when ``abroad_high`` or
       more of the input comes from abroad, over all local buyers or for one 链主.
    4. 无已知供应商 (a data gap, not a failure): 中 for a 链主, else 低.

    >>> rule = SeverityRule()
    >>> rule.level(Impact(("a",), (), 1.0, 0.01, 0.12), IN_PROVINCE_SUBSTITUTE)
    '中'
    >>> rule.level(Impact(("a",), (), 1.0, 0.01, 0.03), ABROAD_SUBSTITUTE)
    '高'
    >>> rule.level(NO_IMPACT, NO_SUBSTITUTE)
    '低'
    """

    high_share: float = 0.10
    medium_share: float = 0.02
    abroad_high: float = 0.5

    def impact_level(self, impact: Impact) -> str:
        share = max(impact.firm_share, impact.revenue_share)
        if impact.leaders or share >= self.high_share:
            return HIGH
        return MEDIUM if share >= self.medium_share else LOW

    def level(self, impact: Impact, substitute: str) -> str:
        level = SEVERITIES.index(self.impact_level(impact))
        if substitute == IN_PROVINCE_SUBSTITUTE:
            level = min(level + 1, len(SEVERITIES) - 1)
        elif substitute in (ABROAD_SUBSTITUTE, UNKNOWN_SUBSTITUTE, NO_SUBSTITUTE) and impact.firms:
            level = max(level - 1, 0)
        return SEVERITIES[level]


class ImpactMeter:
    """Impacts of failures on one chain's view, each computed once.

    >>> from queries.examples import example_graph
    >>> from queries.view import chain_view
    >>> meter = ImpactMeter(chain_view(example_graph(), "chain:ev"))
    >>> meter.link_fails("ent:sh-cathode", "ent:cell2").firms
    ('ent:cell2',)
    >>> meter.substitute("product:cathode", excluding=("ent:sh-cathode",))
    '省内有替代'
    >>> meter.substitute("product:motor", excluding=("ent:gd-motor",))
    '无替代来源'
    """

    def __init__(self, view: ChainView) -> None:
        self.view = view
        self._down: dict[tuple[str | frozenset[str], bool], Impact] = {}  # by (removed, with the removed)
        self._spread: dict[str | frozenset[str], tuple[str, ...]] = {}  # the firms propagate finds down, with or without the removed
        self._substitutes: dict[tuple[str, tuple[str, ...]], str] = {}  # by (product, excluded), as asked

    @cached_property
    def _totals(self) -> tuple[int, float]:
        local = self.view.local_enterprises
        return len(local), sum(self.view.revenue(e) for e in local)

    def _measure(self, firms: Iterable[str]) -> Impact:
        """The impact of ``firms`` going down (sorted, each once)."""
        view = self.view
        hit = tuple(filter(view.is_local, firms))
        count, revenue = self._totals
        hit_revenue = sum(map(view.revenue, hit))
        return Impact(
            hit, tuple(filter(view.leaders.__contains__, hit)), round(hit_revenue, 4),
            len(hit) / count if count else 0.0, hit_revenue / revenue if revenue else 0.0,
        )

    def down_with(self, removed: Iterable[str], *, include_removed: bool) -> Impact:
        """The local firms that lose a required input once ``removed`` are down (and, with
        ``include_removed``, the removed firms themselves)."""
        key = _set_key(removed)
        cache_key = (key, include_removed)
        found = self._down.get(cache_key)
        if found is None:
            down = self._spread.get(key)
            removed_set = frozenset((key,)) if isinstance(key, str) else key
            if down is None:
                down = self._spread[key] = firms_down(self.view, removed_set)  # its firms only, not what each lost
            found = self._down[cache_key] = self._measure(e for e in down if include_removed or e not in removed_set)
        return found

    def supplier_fails(self, supplier: str) -> Impact:
        """The supplier stops: who loses a required input, and so on downstream."""
        return self.down_with((supplier,), include_removed=False)

    def buyers_lose(self, buyers: Iterable[str], product: str) -> Impact:
        """``buyers`` lose every supply of ``product``: those that require it go down, and so on."""
        view = self.view
        needing = [b for b in buyers if product in view.required_inputs.get(b, ()) and not view.unregistered_share(b, product)]
        return self.down_with(needing, include_removed=True) if needing else NO_IMPACT

    def link_fails(self, supplier: str, customer: str) -> Impact:
        """The supply from ``supplier`` to ``customer`` breaks: the customer goes down when that
        supplier was its only one for a required input."""
        view = self.view
        for product in view.required_inputs.get(customer, ()):
            links = view.supply_links(customer, product)  # supplied by ``supplier`` alone
            if links and all(link.supplier == supplier for link in links) and not view.unregistered_share(customer, product):
                return self.down_with((customer,), include_removed=True)
        return NO_IMPACT

    def region_suppliers(self, product: str, region_name: str) -> tuple[str, ...]:
        """The suppliers of ``product`` to local buyers that sit in ``region_name`` (a province, or a
        country abroad)."""
        view = self.view
        found = {
            link.supplier for buyer in view.local_buyers(product) for link in view.supply_links(buyer, product)
            if view.region(link.supplier) == region_name
        }
        return tuple(sorted(found))

    def region_producers(self, product: str, region_name: str) -> tuple[str, ...]:
        """The producers of ``product`` in ``region_name``."""
        view = self.view
        return tuple(sorted(e for e in view.producers.get(product, ()) if view.region(e) == region_name))

    def region_fails(self, product: str, region_name: str) -> Impact:
        """Every supplier of ``product`` in ``region_name`` stops (e.g. a province's or a country's
        supply is cut off): who loses a required input, and so on downstream."""
        suppliers = self.region_suppliers(product, region_name)
        return self.down_with(suppliers, include_removed=False) if suppliers else NO_IMPACT

    @cached_property
    def _producer_places(self) -> dict[str, Counter[str]]:
        """Product → how many of its producers sit in each place class (本地, 省内, …)."""
        view = self.view
        return {product: Counter(view.geography(e) for e in makers) for product, makers in view.producers.items()}

    def substitute(self, product: str, *, excluding: Iterable[str]) -> str:
        """Where else ``product`` is made, by a producer not in ``excluding``: the nearest class (each
        question answered once: many rows ask it again for the same supplier's input)."""
        key = (product, tuple(excluding))
        found = self._substitutes.get(key)
        if found is None:
            found = self._substitutes[key] = self._substitute(product, key[1])
        return found

    def _substitute(self, product: str, excluding: tuple[str, ...]) -> str:
        view = self.view
        counts: Mapping[str, int] = self._producer_places.get(product, {})
        makers = view.producers.get(product, frozenset())
        places = view.places
        excluded = [places[e] for e in set(excluding) if e in makers]

        def left(place: str) -> bool:  # producers in ``place`` other than the excluded ones
            return counts.get(place, 0) - excluded.count(place) > 0

        if left(LOCAL) or left(IN_PROVINCE):
            return IN_PROVINCE_SUBSTITUTE
        if left(REST_OF_CHINA):
            return DOMESTIC_SUBSTITUTE
        if left(FOREIGN):
            return ABROAD_SUBSTITUTE
        return UNKNOWN_SUBSTITUTE if left(UNKNOWN_PLACE) else NO_SUBSTITUTE

    def firm_substitute(self, enterprise: str) -> str:
        """For a firm that fails: the worst substitute class over the chain's products it makes."""
        products = self.view.produces.get(enterprise, ())
        if not products:
            return NOT_APPLICABLE
        return max((self.substitute(p, excluding=(enterprise,)) for p in products), key=SUBSTITUTES.index)


def _set_key(members: Iterable[str]) -> str | frozenset[str]:
    """A dict key for a set of firms: the firm itself when there is one (most failures are one firm's:
    no frozenset to keep for it), else the frozenset.

    >>> _set_key(["a", "a"]), _set_key(("b", "a")) == frozenset({"a", "b"})
    ('a', True)
    """
    if type(members) is tuple and len(members) == 1:  # one firm (most calls): no set to build
        return members[0]
    found = frozenset(members)
    return next(iter(found)) if len(found) == 1 else found

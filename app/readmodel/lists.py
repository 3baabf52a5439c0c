"""The 清单 pages' data: the lists of ``queries.lists`` for a chain (or every chain) and a place,
memoised per store revision, with the choices of the filters and server-side pages.

A place is a district and/or a park. A district takes the enterprises whose ``district`` it is and
those located in its 区县 or 开发区 node with every park inside it; a park takes the enterprises
located in it or in a park inside it (``queries.disruption.select_enterprises``, the 断链推演's
rule). Both together take the enterprises in both.

The 重点企业清单 and the 缺链补链清单 take a scope (``queries.view.with_scope``): 南昌本地企业 (the
default; ``all`` for a chain without local firm) or every firm of the network. The 招商目标清单 has
none: a target is a firm from outside to bring to Nanchang, so it is always computed for the local
firms (``TARGETS_NOTE``, ``queries.candidates``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from app.readmodel.graph_cache import GraphCache
from app.readmodel.workspace import gaps, ordered_chains, scoped_view

if TYPE_CHECKING:
    from queries.lists import GapList, KeyEnterpriseList, TargetList, TargetRecord, TargetSummaryRecord

PAGE_SIZE = 50
T = TypeVar("T")
TARGETS_NOTE = ("招商目标是要引进到南昌的外地企业，只有相对南昌本地企业才有意义：本清单始终按南昌本地企业计算，"
                "不随分析范围变化（选“网络中全部企业”时，网络中的企业都算在内，就没有可引进的外地企业了）。")


@dataclass(frozen=True)
class Place:
    """A district name and/or a park id; neither means everywhere."""

    district: str | None = None
    park: str | None = None

    def __bool__(self) -> bool:
        return bool(self.district or self.park)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list."""

    rows: list[T]
    total: int
    page: int
    pages: int


def page_of(rows: tuple[T, ...] | list[T], page: int, size: int = PAGE_SIZE) -> Page[T]:
    """Page ``page`` (from 1, clamped to the last) of ``rows``.

    >>> page_of(list(range(120)), 9).page, page_of(list(range(120)), 3).rows
    (3, [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119])
    """
    pages = max(1, -(-len(rows) // size))
    page = min(max(page, 1), pages)
    return Page(list(rows[(page - 1) * size: page * size]), len(rows), page, pages)


def place_firms(cache: GraphCache, place: Place) -> frozenset[str] | None:
    """The enterprises of the place (None: no place chosen; empty when nothing is there)."""
    if not place:
        return None

    def compute() -> frozenset[str]:
        import networkx as nx

        from queries.disruption import DisruptionScope, select_enterprises

        view = cache.view(None)
        found: frozenset[str] | None = None
        for scope in (DisruptionScope(districts=(place.district,)) if place.district else None,
                      DisruptionScope(parks=(place.park,)) if place.park else None):
            if scope is None:
                continue
            try:
                firms = select_enterprises(view, scope)
            except nx.NodeNotFound:  # no such district or park: nothing is there
                firms = frozenset()
            found = firms if found is None else found & firms
        return found or frozenset()

    return cache.recent(("place-firms", place), compute)


def place_choices(cache: GraphCache) -> dict[str, list[tuple[str, str]]]:
    """(value, name) of the districts and the parks the filters offer, by name.

    Districts: the 区县 of the graph and every district named by a local enterprise (the plan's
    development zones among them, as the data names them); parks: every other Park node.
    """

    def compute() -> dict[str, list[tuple[str, str]]]:
        graph = cache.graph()
        districts: set[str] = set()
        parks: dict[str, str] = {}
        for node, attrs in graph.nodes(data=True):
            if attrs.get("label") == "Park":
                if attrs.get("kind") == "区县":
                    districts.add(str(attrs.get("name", node)))
                else:
                    parks[node] = str(attrs.get("name", node))
            elif attrs.get("label") == "Enterprise" and attrs.get("local") and attrs.get("district"):
                districts.add(str(attrs["district"]))
        return {
            "district": [(d, d) for d in sorted(districts)],
            "park": sorted(parks.items(), key=lambda item: item[1]),
        }

    return cache.memo(("list-place-choices",), compute)


def disruption_choices(cache: GraphCache) -> dict[str, list[tuple[str, str]]]:
    """(value, name) of the parks, districts, provinces and countries the 断链推演 form offers to take
    out, by name; computed once per store revision (the walk over every node took a 100k graph's
    request ~0.2 s of CPU).

    >>> from stores.embedded import EmbeddedStore
    >>> from loaders.reference import load_reference
    >>> store = EmbeddedStore(":memory:"); store.ensure_schema(); _ = load_reference(store)
    >>> choices = disruption_choices(GraphCache(store))
    >>> sorted(choices), choices["country"]
    (['country', 'district', 'park', 'province'], [])
    """

    def compute() -> dict[str, list[tuple[str, str]]]:
        parks: dict[str, str] = {}
        places: dict[str, set[str]] = {"district": set(), "province": set(), "country": set()}
        for node, attrs in cache.graph().nodes(data=True):
            if attrs.get("label") == "Park":
                parks[node] = str(attrs.get("name", node))
            elif attrs.get("label") == "Enterprise":
                for key, found in places.items():
                    if attrs.get(key):
                        found.add(str(attrs[key]))
        return {"park": sorted(parks.items(), key=lambda item: item[1]),
                **{key: [(value, value) for value in sorted(found)] for key, found in places.items()}}

    return cache.memo(("disruption-choices",), compute)


def place_name(cache: GraphCache, place: Place) -> str:
    """The place in words, e.g. 南昌县 · 小蓝经开区 (empty when none)."""
    graph = cache.graph()
    parts = [place.district] if place.district else []
    if place.park:
        parts.append(str(graph.nodes[place.park].get("name", "")) if place.park in graph else "（未知园区）")
    return " · ".join(p for p in parts if p)


def chain_ids(cache: GraphCache, chain: str | None) -> list[str]:
    """The chain asked for, or every chain in the plan's order."""
    return [c["id"] for c in ordered_chains(cache) if chain is None or c["id"] == chain]


def gap_chain_ids(cache: GraphCache, chain: str | None) -> list[str | None]:
    """The chains the gap list covers: ``chain_ids``, or the whole graph (None, named 全图) when the
    graph has no chain at all (an imported network: ``risk_list.chains_in`` likewise)."""
    listed: list[str | None] = list(chain_ids(cache, chain))
    return listed or ([None] if chain is None else [])


def key_enterprises(cache: GraphCache, chain: str | None, place: Place, kind: str | None,
                    scope: str | None = None) -> KeyEnterpriseList:
    """The 重点企业清单 of a chain (None: every chain) in a place, of the firms in focus ``scope``
    (None: local, or all when there is no local firm)."""
    from queries.lists import key_enterprises as listing

    within = place_firms(cache, place)
    return cache.recent(("key-enterprises", chain, place, kind, scope),
                        lambda: listing(scoped_view(cache, chain, scope), chain, within=within, kind=kind))


def gap_list(cache: GraphCache, chain: str | None, place: Place, statuses: tuple[str, ...],
             scope: str | None = None) -> GapList:
    """The 缺链补链清单 of a chain (None: every chain) in a place, with the statuses asked for, each
    chain's statuses counting the firms in focus ``scope`` (None: each chain's default)."""
    from queries.lists import gap_list as listing

    within = place_firms(cache, place)
    return cache.recent(
        ("gap-list", chain, place, statuses, scope),
        lambda: listing([gaps(cache, c, scope) for c in gap_chain_ids(cache, chain)], statuses=statuses, within=within,
                        chain_names={c["id"]: str(c.get("name", c["id"])) for c in ordered_chains(cache)}),
    )


def gap_focus(cache: GraphCache, chain: str | None, scope: str | None) -> str:
    """The firms the gap list of ``chain`` counts (its ``GapList.scope``): ``all`` when every chain listed counts every firm."""
    listed = gap_chain_ids(cache, chain)
    return "all" if listed and all(gaps(cache, c, scope).scope == "all" for c in listed) else "local"


def scope_note(cache: GraphCache, chain: str | None, scope: str | None) -> str:
    """What the page says when the scope was chosen for the user (a chain listed has no local firm), else ""."""
    return next((note for c in gap_chain_ids(cache, chain) if (note := scoped_view(cache, c, scope).scope_note)), "")


def chain_targets(cache: GraphCache, chain: str) -> TargetList:
    """One chain's recruitment targets with their simulated effects (memoised per revision)."""
    from queries.candidates import recruit_to_derisk
    from queries.lists import recruitment_targets

    def compute() -> TargetList:
        view = cache.view(chain)

        def simulate(product: str, candidate: str) -> Any:
            return cache.memo(("recruit", chain, product, candidate), lambda: recruit_to_derisk(view, chain, product, candidate))

        return recruitment_targets(view, chain, simulate=simulate)

    return cache.memo(("targets", chain), compute)


def warm(cache: GraphCache) -> None:
    """Every chain's recruitment targets, so the first visitor of the 招商目标清单 does not wait
    (on the 3,000-firm demo they take about 15 s together)."""
    for chain in chain_ids(cache, None):
        chain_targets(cache, chain)


def target_list(cache: GraphCache, chain: str | None, place: Place, sort: str) -> TargetList:
    """The 招商目标清单 of a chain (None: every chain), the targets whose product concerns the place."""
    from queries.lists import concerns
    from queries.lists import target_list as ranked

    def compute() -> TargetList:
        within = place_firms(cache, place)
        parts: list[list[TargetRecord]] = []
        summary: list[TargetSummaryRecord] = []
        for c in chain_ids(cache, chain):
            targets = chain_targets(cache, c)
            summary += targets.summary
            kept = None if within is None else {gap.product for gap in gaps(cache, c).products if concerns(gap, within)}
            parts.append([r for r in targets.records() if kept is None or r.product in kept])
        return ranked(parts, chain_id=chain, summary=summary, sort=sort)

    return cache.recent(("target-list", chain, place, sort), compute)

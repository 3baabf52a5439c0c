"""The enterprise network (企业网络) of a chain, of one 环节 or around one product: products and
their producers laid out by the server in stage columns, so the drawing is still from its first frame.

Only the supply view: Product and Enterprise nodes, INPUT_TO among the shown products, SUPPLIES
among the shown firms, and PRODUCES where a firm makes a shown product other than the one it is
listed under; no chain, cluster or park nodes. The columns, 环节 and product order are the
panorama's (``app.web.panorama``). Inside a 环节 each product is a block: the product, then its
producers in a grid of ``k`` cells a row (``k`` chosen per stage column so the whole drawing suits
the canvas' shape). A firm making several shown products is placed once, under the first.

Every drawn label is shorter than its cell (firm names cut to 8 characters, the full name in the
tooltip) and every row is taller than a dot and its label, so no two labels overlap at any zoom;
vis-network hides labels whose on-screen size is below ``DRAW_THRESHOLD`` px
(``nodes.scaling.label.drawThreshold``), so a large view opens as dots under readable stage and 环节
headings (sized for the fitted zoom); zooming in shows the product names (20 px), then the firms' (14 px).

>>> from queries.examples import example_graph
>>> from queries.chain_map import chain_map
>>> from queries.gaps import gap_report
>>> from app.web.panorama import chain_panorama
>>> graph = example_graph()
>>> panorama = chain_panorama(gap_report(graph, "chain:ev"), chain_map(graph, "chain:ev"), ["动力电池", "整车"])
>>> scope = choose_scope(graph, panorama, product="product:cell")
>>> scope.title, [graph.nodes[p]["name"] for p in scope.products]
('电芯及其直接上下游产品', ['电池包', '正极材料', '电芯', '储能系统', '整车'])
>>> network = supply_network(graph, "chain:ev", panorama, scope, limit=3)
>>> network.firm_total, [graph.nodes[f]["name"] for f in network.firms]
(7, ['Korea Cell（示例）', '南昌汽车（示例）', '上海正极（示例）'])
>>> sorted({node["kind"] for node in network.payload()["nodes"]})
['Enterprise', 'Product', 'heading']
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from app.web.graph_view import node_title
from app.web.panorama import Panorama

CELL_W = 150.0  # a firm's cell: wider than its longest drawn label (8 em at 14 px = 112)
ROW_H = 60.0  # a firm's row: taller than its dot (16) and its label (~18) below it
FIRM_SIZE = 8.0
LEADER_SIZE = 13.0
PRODUCT_SIZE = 14.0
LABEL_FONT = 14.0  # vis-network's default label size: firms
PRODUCT_FONT = 20.0  # products: readable a zoom step before the firms
MAX_HEADING_FONT = 8 * LABEL_FONT
MAX_PRODUCT_FONT = 3 * LABEL_FONT
MAX_CELLS = 60  # the widest a stage column gets, in cells
FIRM_LABEL_EMS = 8.0
PRODUCT_LABEL_EMS = 10.0
COLUMN_GAP = CELL_W
BLOCK_GAP = 18.0
SEGMENT_GAP = 40.0
DRAW_THRESHOLD = 10  # px on screen: smaller labels are not drawn (they fade in from 9 px)
FILL = 0.9  # of its column's width a heading's or product's label may take
DEFAULT_LIMIT = 2000
SUPPLIES_SHOWN_UP_TO = 300  # more supply links than this start hidden (a checkbox shows them)


@dataclass(frozen=True)
class Shape:
    """A canvas shape the server lays out for: ``min_width`` px of container and up, its aspect
    (width / height), its width in px and the heading sizes in px wanted at the fitted zoom."""

    name: str
    min_width: int
    aspect: float
    canvas_px: float
    stage_px: float = 20.0
    segment_px: float = 15.0
    product_px: float = 12.0


SHAPES = (Shape("wide", 700, 2.0, 1400.0), Shape("narrow", 0, 0.75, 360.0))
FIRM_COLOURS = {"本地企业": "#e67e22", "外地企业": "#8c9aa8"}
EDGE_STYLES = {
    "INPUT_TO": ("产品投入", "#2c6fbb", 1.6),
    "SUPPLIES": ("企业供应", "rgba(230,126,34,0.55)", 0.8),
    "PRODUCES": ("也生产", "rgba(110,120,130,0.45)", 0.8),
}
COMPANY_FORMS = re.compile(r"(股份有限公司|有限责任公司|有限公司|股份公司|公司)$")
SYNTHETIC_MARK = "（示例）"


# -- what to show --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkScope:
    """The products a view shows (panorama order) and how the page names it."""

    kind: str  # "chain" | "segment" | "product"
    products: tuple[str, ...]
    title: str
    focus: str | None = None  # the product or 环节 asked for


def choose_scope(graph: nx.MultiDiGraph, panorama: Panorama, *, product: str | None = None,
                 segment: str | None = None) -> NetworkScope | None:
    """The whole chain, one 环节 (in every stage it appears in), or a product with its direct input
    and output products in the chain; ``None`` when the product or 环节 is not in the chain.

    >>> from queries.examples import example_graph
    >>> from queries.chain_map import chain_map
    >>> from queries.gaps import gap_report
    >>> from app.web.panorama import chain_panorama
    >>> g = example_graph()
    >>> p = chain_panorama(gap_report(g, "chain:ev"), chain_map(g, "chain:ev"), ["动力电池", "整车"])
    >>> choose_scope(g, p, segment="整车").products, choose_scope(g, p, segment="无此环节")
    (('product:motor', 'product:vehicle'), None)
    >>> choose_scope(g, p).title, len(choose_scope(g, p).products), choose_scope(g, p, product="product:rice")
    ('全链', 7, None)
    """
    order = [tile.product for tile in panorama.tiles]
    if product:
        if product not in order:
            return None
        near = {product}
        near.update(src for src, _, kind in graph.in_edges(product, data="type") if kind == "INPUT_TO")
        near.update(dst for _, dst, kind in graph.out_edges(product, data="type") if kind == "INPUT_TO")
        name = panorama.tile(product).name
        return NetworkScope("product", tuple(p for p in order if p in near), f"{name}及其直接上下游产品", product)
    if segment:
        chosen = tuple(tile.product for column in panorama.columns for box in column.segments
                       if box.name == segment for tile in box.tiles)
        return NetworkScope("segment", chosen, f"环节：{segment}", segment) if chosen else None
    return NetworkScope("chain", tuple(order), "全链")


def producers_of(graph: nx.MultiDiGraph, products: Iterable[str]) -> dict[str, list[str]]:
    """Product → the enterprises that make it."""
    return {
        product: [src for src, _, kind in graph.in_edges(product, data="type")
                  if kind == "PRODUCES" and graph.nodes[src].get("label") == "Enterprise"]
        for product in products
    }


def ranked_firms(graph: nx.MultiDiGraph, firms: Iterable[str]) -> list[str]:
    """Largest 营业收入 first (unknown last), then by id: who stays when a view is capped."""
    return sorted(set(firms), key=lambda firm: (-(graph.nodes[firm].get("revenue_yi") or 0.0), firm))


# -- the layout (pure geometry) ------------------------------------------------------------------


def text_ems(text: str) -> float:
    """Estimated width in em: a CJK character is 1 em wide, an ASCII one at most 0.7 em.

    >>> text_ems("LED照明"), text_ems("")
    (4.1, 0.0)
    """
    return round(sum((0.7 if ord(ch) < 128 else 1.0 for ch in text), 0.0), 6)


def clipped(text: str, ems: float) -> str:
    """``text`` cut to fit ``ems`` em, ending in … when cut.

    >>> clipped("江西赣锋锂业股份公司", 8), clipped("电芯", 8)
    ('江西赣锋锂业股…', '电芯')
    """
    if text_ems(text) <= ems:
        return text
    kept, width = "", 1.0  # the … is 1 em
    for ch in text:
        width += text_ems(ch)
        if width > ems:
            break
        kept += ch
    return kept + "…"


def firm_label(name: str) -> str:
    """A firm's drawn label: without the company form and the demo mark, at most 8 em.

    >>> firm_label("南昌淇烨澜LED照明产品股份有限公司（示例）"), firm_label("Korea Cell（示例）")
    ('南昌淇烨澜LE…', 'Korea Cell')
    """
    short = name.removesuffix(SYNTHETIC_MARK)
    short = COMPANY_FORMS.sub("", short) or short
    return clipped(short, FIRM_LABEL_EMS)


@dataclass(frozen=True)
class Block:
    """A product and the firms listed under it."""

    product: str
    label: str
    firms: tuple[str, ...]


@dataclass(frozen=True)
class SegmentBlocks:
    name: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class StageBlocks:
    name: str
    segments: tuple[SegmentBlocks, ...]

    @property
    def widest_block(self) -> int:
        return max((len(block.firms) for segment in self.segments for block in segment.blocks), default=0)


@dataclass
class Drawing:
    """Positions (world units; y grows downwards), label sizes and heading texts of one shape."""

    shape: str
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    fonts: dict[str, float] = field(default_factory=dict)  # node → label size, where not LABEL_FONT
    labels: dict[str, str] = field(default_factory=dict)  # heading or product → its drawn text
    heading_kinds: dict[str, str] = field(default_factory=dict)  # heading node → "stage" | "segment"
    label_widths: dict[str, float] = field(default_factory=dict)  # heading or product → the width its label may take
    width: float = 0.0
    height: float = 0.0


@dataclass(frozen=True)
class _Fonts:
    stage: float
    segment: float
    product: float = PRODUCT_FONT


def heading_id(*parts: object) -> str:
    """The node id of a heading (never shown)."""
    return "heading:" + ":".join(str(part) for part in parts)


def _fit(width: float, text: str) -> float:
    return FILL * width / max(text_ems(text), 1.0)


def _column_fonts(stage: StageBlocks, width: float, fonts: _Fonts) -> _Fonts:
    """A column's heading sizes: as wanted, smaller where the column is narrow, never below
    ``LABEL_FONT`` (a text that would not fit is cut instead)."""
    names = [segment.name for segment in stage.segments] or [""]
    return _Fonts(
        stage=max(LABEL_FONT, min(fonts.stage, _fit(width, stage.name))),
        segment=max(LABEL_FONT, min(fonts.segment, min(_fit(width, name) for name in names))),
        product=fonts.product,
    )


def _heading_height(font: float) -> float:
    return 1.6 * font + 8.0


def _product_row(font: float) -> float:
    """A product's dot and label, above its firms."""
    return 2 * PRODUCT_SIZE + 6.0 + 1.5 * font + 8.0


@dataclass(frozen=True)
class _Placed:
    """A block put on a shelf: its left cell, top (from the segment's first shelf) and width in cells."""

    block: Block
    cell: int
    top: float
    cells: int

    @property
    def rows(self) -> int:
        return math.ceil(len(self.block.firms) / self.cells)


def _block_cells(block: Block, k: int) -> int:
    """A block's width in cells: about √n for n firms (a wide block on a wide canvas), at least
    two cells for the product's name, at most the column.

    >>> [_block_cells(Block("p", "品", ("f",) * n), 40) for n in (0, 1, 3, 20, 250)]
    [2, 2, 2, 5, 16]
    """
    return min(k, max(2, min(len(block.firms), math.ceil(math.sqrt(len(block.firms))))))


def _shelves(blocks: Sequence[Block], k: int, font: float = PRODUCT_FONT) -> tuple[list[_Placed], float]:
    """Blocks put left to right on shelves ``k`` cells wide, in order; and the shelves' height.

    >>> placed, height = _shelves([Block("a", "甲", ("1", "2")), Block("b", "乙", ("3",)), Block("c", "丙", ("4",) * 5)], 4)
    >>> [(p.block.product, p.cell, p.cells, p.rows) for p in placed], height == 2 * _product_row(PRODUCT_FONT) + 3 * ROW_H + 2 * BLOCK_GAP
    ([('a', 0, 2, 1), ('b', 2, 2, 1), ('c', 0, 3, 2)], True)
    """
    placed: list[_Placed] = []
    top, used, shelf = 0.0, 0, 0.0
    for block in blocks:
        cells = _block_cells(block, k)
        if used and used + cells > k:
            top, used, shelf = top + shelf, 0, 0.0
        item = _Placed(block, used, top, cells)
        placed.append(item)
        used += cells
        shelf = max(shelf, _product_row(font) + item.rows * ROW_H + BLOCK_GAP)
    return placed, top + shelf


def _column_height(stage: StageBlocks, k: int, fonts: _Fonts) -> float:
    column = _column_fonts(stage, k * CELL_W, fonts)
    height = _heading_height(column.stage)
    for index, segment in enumerate(stage.segments):
        height += (SEGMENT_GAP if index else 0.0) + _heading_height(column.segment) + _shelves(segment.blocks, k, column.product)[1]
    return height


def _choose_columns(stages: Sequence[StageBlocks], aspect: float, fonts: _Fonts) -> list[int]:
    """Cells a row per stage column, so that the drawing's width / height is near ``aspect``."""
    most = [max(2, min(sum(_block_cells(block, 10**6) for segment in stage.segments for block in segment.blocks), MAX_CELLS))
            for stage in stages]
    heights = [[_column_height(stage, k, fonts) for k in range(1, top + 1)] for stage, top in zip(stages, most, strict=True)]
    best: tuple[float, list[int]] | None = None
    for target in sorted({h for column in heights for h in column}):
        ks = [next((k for k, h in enumerate(column, 1) if h <= target), len(column)) for column in heights]
        width = sum(ks) * CELL_W + COLUMN_GAP * (len(stages) - 1)
        height = max(column[k - 1] for column, k in zip(heights, ks, strict=True))
        miss = abs(math.log(width / height / aspect))
        if best is None or miss < best[0] - 1e-9:
            best = (miss, ks)
    return best[1] if best else []


def lay_out(stages: Sequence[StageBlocks], shape: Shape) -> Drawing:
    """Positions of every product, firm and heading for one canvas shape.

    >>> stages = [StageBlocks("上游", (SegmentBlocks("矿", (Block("p:a", "甲", ("f1", "f2", "f3")),)),)),
    ...           StageBlocks("下游", (SegmentBlocks("车", (Block("p:b", "乙", ()),)),))]
    >>> drawing = lay_out(stages, SHAPES[0])
    >>> drawing.positions["p:a"][0] < drawing.positions["p:b"][0], drawing.labels[heading_id("stage", 0)]
    (True, '上游')
    >>> lay_out(stages, SHAPES[0]).positions == drawing.positions  # the same data, the same drawing
    True
    """
    drawing = Drawing(shape.name)
    stages = [stage for stage in stages if stage.segments]
    if not stages:
        return drawing
    wanted = _Fonts(LABEL_FONT, LABEL_FONT, PRODUCT_FONT)
    for _ in range(2):  # the headings' size follows the zoom the drawing's size implies, and the size follows them
        ks = _choose_columns(stages, shape.aspect, wanted)
        width = sum(ks) * CELL_W + COLUMN_GAP * (len(stages) - 1)
        height = max(_column_height(stage, k, wanted) for stage, k in zip(stages, ks, strict=True))
        scale = min(1.0, shape.canvas_px / (1.1 * width), shape.canvas_px / shape.aspect / (1.1 * height))
        wanted = _Fonts(min(shape.stage_px / scale, MAX_HEADING_FONT), min(shape.segment_px / scale, MAX_HEADING_FONT),
                        max(PRODUCT_FONT, min(shape.product_px / scale, MAX_PRODUCT_FONT)))
    left = 0.0
    for index, (stage, k) in enumerate(zip(stages, ks, strict=True)):
        _lay_out_column(drawing, index, stage, k, left, _column_fonts(stage, k * CELL_W, wanted))
        left += k * CELL_W + COLUMN_GAP
    drawing.width = left - COLUMN_GAP
    drawing.height = max(y for _, y in drawing.positions.values()) + ROW_H
    return drawing


def _heading(drawing: Drawing, node: str, kind: str, text: str, at: tuple[float, float], font: float, width: float) -> None:
    drawing.positions[node] = at
    drawing.fonts[node] = font
    drawing.labels[node] = clipped(text, FILL * width / font)
    drawing.heading_kinds[node] = kind
    drawing.label_widths[node] = width


def _lay_out_column(drawing: Drawing, index: int, stage: StageBlocks, k: int, left: float, fonts: _Fonts) -> None:
    width = k * CELL_W
    middle = left + width / 2
    _heading(drawing, heading_id("stage", index), "stage", stage.name, (middle, 0.8 * fonts.stage), fonts.stage, width)
    top = _heading_height(fonts.stage)
    for number, segment in enumerate(stage.segments):
        top += SEGMENT_GAP if number else 0.0
        _heading(drawing, heading_id("segment", index, number), "segment", segment.name,
                 (middle, top + 0.8 * fonts.segment), fonts.segment, width)
        top += _heading_height(fonts.segment)
        placed, height = _shelves(segment.blocks, k, fonts.product)
        for item in placed:
            block_left = left + item.cell * CELL_W
            block_width = item.cells * CELL_W
            font = max(LABEL_FONT, min(fonts.product, _fit(block_width, item.block.label)))
            drawing.positions[item.block.product] = (block_left + block_width / 2, top + item.top + PRODUCT_SIZE + 2.0)
            drawing.fonts[item.block.product] = font
            drawing.labels[item.block.product] = clipped(item.block.label, FILL * block_width / font)
            drawing.label_widths[item.block.product] = block_width
            firms_top = top + item.top + _product_row(fonts.product)
            for position, firm in enumerate(item.block.firms):
                row, cell = divmod(position, item.cells)
                drawing.positions[firm] = (block_left + (cell + 0.5) * CELL_W, firms_top + row * ROW_H + FIRM_SIZE + 4.0)
        top += height


def label_box(drawing: Drawing, node: str, text: str, *, dot: float) -> tuple[float, float, float, float]:
    """The estimated box (left, top, right, bottom) of a node's label in world units: below a dot
    of radius ``dot`` (vis-network's place for a dot's label), centred on a heading (``dot`` 0).

    >>> d = Drawing("wide", positions={"n": (0.0, 0.0)})
    >>> label_box(d, "n", "电芯", dot=8.0)
    (-14.0, 8.0, 14.0, 29.0)
    """
    x, y = drawing.positions[node]
    font = drawing.fonts.get(node, LABEL_FONT)
    half = text_ems(text) * font / 2
    if node in drawing.heading_kinds:
        return (x - half, y - 0.65 * font, x + half, y + 0.65 * font)
    return (x - half, y + dot, x + half, y + dot + 1.5 * font)


# -- the view ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplyNetwork:
    """A scope's products, the firms shown and everything the page and vis-network need."""

    chain_id: str
    scope: NetworkScope
    stages: tuple[StageBlocks, ...]
    firms: tuple[str, ...]  # shown, largest first
    firm_total: int  # producers of the scope's products, shown or not
    local_total: int
    drawings: tuple[Drawing, ...]
    nodes: tuple[dict[str, Any], ...]
    edges: tuple[dict[str, Any], ...]
    synthetic: bool

    @property
    def capped(self) -> bool:
        return len(self.firms) < self.firm_total

    @property
    def node_count(self) -> int:
        return len(self.nodes)

    def headline(self) -> str:
        """One line: products, firms (local among them) and the cap, if any.

        >>> from queries.examples import example_graph
        >>> from queries.chain_map import chain_map
        >>> from queries.gaps import gap_report
        >>> from app.web.panorama import chain_panorama
        >>> g = example_graph()
        >>> p = chain_panorama(gap_report(g, "chain:ev"), chain_map(g, "chain:ev"), ["动力电池", "整车"])
        >>> supply_network(g, "chain:ev", p, choose_scope(g, p), limit=2).headline()
        '全链：7个产品，生产企业9家（本地5家）；显示营业收入前2家，共9家'
        """
        line = f"{self.scope.title}：{len(self.scope.products)}个产品，生产企业{self.firm_total}家（本地{self.local_total}家）"
        if self.capped:
            line += f"；显示营业收入前{len(self.firms)}家，共{self.firm_total}家"
        return line

    def payload(self) -> dict[str, Any]:
        """What ``/static/supply_network.js`` draws: nodes and edges, one layout per canvas shape
        (x, y in node order, label sizes and heading texts), options and the legend."""
        order = [node["id"] for node in self.nodes]
        big = len(self.nodes) > 800
        return {
            "nodes": list(self.nodes),
            "edges": list(self.edges),
            "layouts": [
                {"name": drawing.shape, "minWidth": shape.min_width, "aspect": round(max(drawing.width, 1.0) / max(drawing.height, 1.0), 4),
                 "x": [round(drawing.positions[node][0], 1) for node in order],
                 "y": [round(drawing.positions[node][1], 1) for node in order],
                 "font": {node: round(size, 1) for node, size in drawing.fonts.items()},
                 "label": dict(drawing.labels)}
                for drawing, shape in zip(self.drawings, SHAPES, strict=True)
            ],
            "options": {
                "autoResize": True,
                "physics": {"enabled": False},
                "layout": {"improvedLayout": False},
                "interaction": {"hover": True, "tooltipDelay": 150, "dragNodes": False,
                                "hideEdgesOnDrag": big, "hideEdgesOnZoom": big},
                "nodes": {"font": {"size": LABEL_FONT, "color": "#222222"}, "borderWidth": 1,
                          "scaling": {"label": {"drawThreshold": DRAW_THRESHOLD, "maxVisible": 30}}},
                "edges": {"smooth": False, "width": 0.8, "selectionWidth": 1.5,
                          "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}}},
            },
            "drawThreshold": DRAW_THRESHOLD,
            "showSupplies": sum(1 for edge in self.edges if edge["kind"] == "SUPPLIES") <= SUPPLIES_SHOWN_UP_TO,
        }


def supply_network(graph: nx.MultiDiGraph, chain_id: str, panorama: Panorama, scope: NetworkScope,
                   *, limit: int = DEFAULT_LIMIT, status_colours: Mapping[str, str] | None = None,
                   link_query: str = "") -> SupplyNetwork:
    """The view of ``scope``: at most ``limit`` firms (largest 营业收入 first), laid out for every shape;
    every link of the drawing (a 环节, a product, a firm) keeps ``link_query`` (e.g. ``as_of=2022-12-31``)."""
    in_scope = set(scope.products)
    made = producers_of(graph, scope.products)
    everyone = ranked_firms(graph, (firm for firms in made.values() for firm in firms))
    shown = everyone[:limit]
    kept = set(shown)
    leaders = {src for src, _, kind in graph.in_edges(chain_id, data="type") if kind == "LEADS"} if chain_id in graph else set()
    placed: dict[str, str] = {}  # firm → the product it is listed under
    stages = []
    for column in panorama.columns:
        segments = []
        for box in column.segments:
            blocks = []
            for tile in box.tiles:
                if tile.product not in in_scope:
                    continue
                firms = [firm for firm in made[tile.product] if firm in kept and firm not in placed]
                firms.sort(key=lambda firm: (firm not in leaders, not graph.nodes[firm].get("local"),
                                             -(graph.nodes[firm].get("revenue_yi") or 0.0), firm))
                placed.update((firm, tile.product) for firm in firms)
                blocks.append(Block(tile.product, clipped(tile.name, PRODUCT_LABEL_EMS), tuple(firms)))
            if blocks:
                segments.append(SegmentBlocks(box.name, tuple(blocks)))
        stages.append(StageBlocks(column.stage, tuple(segments)))
    drawings = tuple(lay_out(stages, shape) for shape in SHAPES)
    nodes = _nodes(graph, chain_id, panorama, scope, drawings[0], stages, made, kept, leaders, status_colours or {}, link_query)
    edges = _edges(graph, scope.products, shown, placed)
    synthetic = any(graph.nodes[node].get("synthetic") for node in (*scope.products, *shown))
    return SupplyNetwork(
        chain_id, scope, tuple(stages), tuple(shown), len(everyone),
        sum(1 for firm in everyone if graph.nodes[firm].get("local")), drawings, tuple(nodes), tuple(edges), synthetic,
    )


def _nodes(graph: nx.MultiDiGraph, chain_id: str, panorama: Panorama, scope: NetworkScope, drawing: Drawing,
           stages: Sequence[StageBlocks], made: Mapping[str, list[str]], kept: set[str], leaders: set[str],
           status_colours: Mapping[str, str], link_query: str = "") -> list[dict[str, Any]]:
    base = f"/chains/{chain_id}/network"
    more = f"&{link_query}" if link_query else ""  # after a link's own parameter
    only = f"?{link_query}" if link_query else ""
    nodes: list[dict[str, Any]] = []
    for node, kind in drawing.heading_kinds.items():
        text = drawing.labels[node]
        heading: dict[str, Any] = {"id": node, "label": text, "kind": "heading", "shape": "text",
                                   "font": {"color": "#1f3a5f" if kind == "stage" else "#34495e"}, "chosen": False}
        if kind == "segment":
            stage_index, segment_index = (int(part) for part in node.split(":")[2:4])
            name = [stage for stage in stages if stage.segments][stage_index].segments[segment_index].name
            heading["title"] = f"环节：{name}" + ("\n单击：查看该环节的企业网络" if scope.kind != "segment" else "")
            if scope.kind != "segment":
                heading["url"] = f"{base}?segment={_quoted(name)}{more}"
        nodes.append(heading)
    tiles = {tile.product: tile for tile in panorama.tiles}
    for stage in stages:
        for segment in stage.segments:
            for block in segment.blocks:
                tile = tiles[block.product]
                makers = made[block.product]
                title = (f"产品：{tile.name}\n环节：{segment.name}（{stage.name}）\n状态：{tile.status}\n"
                         f"本地生产企业：{tile.local_producer_count} 家；生产企业共 {len(makers)} 家，"
                         f"图中 {sum(1 for firm in makers if firm in kept)} 家")
                if tile.leader_names:
                    title += "\n链主生产：" + "、".join(tile.leader_names)
                focal = scope.kind == "product" and block.product == scope.focus
                title += "\n单击：" + ("打开产品详情" if focal else "查看该产品及其上下游的企业网络")
                colour = status_colours.get(tile.status, "#2980b9")
                nodes.append({
                    "id": block.product, "label": block.label, "kind": "Product", "title": title,
                    "shape": "dot", "size": PRODUCT_SIZE, "color": {"background": colour, "border": "#1f3a5f"},
                    "borderWidth": 2, "url": f"/nodes/{_quoted(block.product)}" if focal else f"{base}?product={_quoted(block.product)}{more}",
                })
                for firm in block.firms:
                    attrs = graph.nodes[firm]
                    local = bool(attrs.get("local"))
                    colour = FIRM_COLOURS["本地企业" if local else "外地企业"]
                    leader = firm in leaders
                    title = node_title(attrs)
                    if leader:
                        title += "\n本链链主"
                    nodes.append({
                        "id": firm, "label": firm_label(str(attrs.get("name", ""))), "kind": "Enterprise",
                        "title": title + "\n单击：打开企业页面", "shape": "star" if leader else "dot",
                        "size": LEADER_SIZE if leader else FIRM_SIZE,
                        "color": {"background": colour, "border": "#7a3e00" if leader else colour},
                        "url": f"/enterprises/{_quoted(firm)}{only}",
                    })
    return nodes


def _edges(graph: nx.MultiDiGraph, products: Sequence[str], firms: Sequence[str], placed: Mapping[str, str]) -> list[dict[str, Any]]:
    names = {node: str(graph.nodes[node].get("name", "")) for node in (*products, *firms)}
    shown_products, shown_firms = set(products), set(firms)
    seen: set[tuple[str, str, str]] = set()
    edges: list[dict[str, Any]] = []

    def add(src: str, dst: str, kind: str, title: str) -> None:
        if (src, dst, kind) in seen:
            return
        seen.add((src, dst, kind))
        _, colour, width = EDGE_STYLES[kind]
        edge: dict[str, Any] = {"from": src, "to": dst, "color": colour, "width": width, "title": title, "kind": kind}
        if kind == "INPUT_TO":  # products of a column stand one above another: bent, so a link does not run through them
            edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.25}
        edges.append(edge)

    for product in products:
        for _, dst, kind in graph.out_edges(product, data="type"):
            if kind == "INPUT_TO" and dst in shown_products:
                add(product, dst, "INPUT_TO", f"投入：{names[product]} → {names[dst]}")
    for firm in firms:
        for _, dst, attrs in graph.out_edges(firm, data=True):
            kind = attrs.get("type")
            if kind == "SUPPLIES" and dst in shown_firms:
                add(firm, dst, "SUPPLIES", f"供应：{names[firm]} → {names[dst]}")
            elif kind == "PRODUCES" and dst in shown_products and placed.get(firm) != dst:
                add(firm, dst, "PRODUCES", f"也生产：{names[firm]} → {names[dst]}")
    return edges


def _quoted(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe=":")


def legend(status_colours: Mapping[str, str], statuses: Iterable[str]) -> list[tuple[str, str, str]]:
    """(text, colour, kind) of the legend: the statuses present, local / outside firms, 链主, edges."""
    present = set(statuses)
    entries = [(f"产品·{status}", colour, "dot") for status, colour in status_colours.items() if status in present]
    entries += [(text, colour, "dot") for text, colour in FIRM_COLOURS.items()]
    entries.append(("★ 本链链主", "#7a3e00", "star"))
    entries += [(text, colour, "line") for text, colour, _width in EDGE_STYLES.values()]
    return entries

"""The 产业链全景图 at the top of a chain page: stage columns → 环节 boxes → one tile per product.

Built from typed records only — the gap report's ``GapRecord`` (status, local producers, 本地配套率)
and the chain map's ``ProductCoverageRecord`` (producers outside the city) — plus which products
the chain's 链主 make. The layout is fixed by the data (no physics): three columns 上游 / 中游 / 下游
(a fourth, 未分阶段, only when some product has no stage), the 环节 in the plan's order of the chain's
segments (then by name, 其他 last), and inside a 环节 the gaps by rank before the 强链 products.

>>> from queries.examples import example_graph
>>> from queries.chain_map import chain_map
>>> from queries.gaps import gap_report
>>> graph = example_graph()
>>> panorama = chain_panorama(gap_report(graph, "chain:ev"), chain_map(graph, "chain:ev"), ["动力电池", "整车"])
>>> [(column.stage, [(box.name, [tile.name for tile in box.tiles]) for box in column.segments]) for column in panorama.columns]
[('上游', [('动力电池', ['锂矿'])]), ('中游', [('动力电池', ['电池包', '正极材料', '电芯']), ('整车', ['驱动电机'])]), ('下游', [('动力电池', ['储能系统']), ('整车', ['整车'])])]
>>> vehicle = panorama.tile("product:vehicle")
>>> vehicle.status, vehicle.local_producer_count, vehicle.sourcing_text, vehicle.leader_names
('弱链', 1, '—', ('南昌汽车（示例）',))
>>> panorama.headline()
'共7个产品：缺链2个、弱链3个、延链1个、强链1个'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from queries.chain_map import ChainMap, ProductCoverageRecord
from queries.formatting import percent
from queries.gaps import STATUSES, STRONG, GapRecord, GapReport
from queries.labels import FOCUS_WORDS

STAGE_COLUMNS = ("上游", "中游", "下游")
NO_STAGE = "未分阶段"
NO_SEGMENT = "其他"
LEADER_MARK = "★链主"
STATUS_CLASSES = {"缺链": "missing", "弱链": "weak", "延链": "extend", "强链": "strong"}


@dataclass(frozen=True)
class Tile:
    """One product: what the tile shows and what its panel lists. ``product`` is for links only."""

    product: str
    name: str
    status: str
    rank: int | None
    local_producer_count: int
    local_producer_names: tuple[str, ...]
    local_sourcing: float | None
    in_province_producer_count: int
    rest_of_china_producer_count: int
    foreign_producer_count: int
    leader_names: tuple[str, ...]  # the chain's 链主 that make this product
    leaders_needing: tuple[str, ...]
    basis: str

    @property
    def status_class(self) -> str:
        """The CSS class suffix of the status (status-missing / -weak / -extend / -strong)."""
        return STATUS_CLASSES[self.status]

    @property
    def is_gap(self) -> bool:
        return self.status != STRONG

    @property
    def sourcing_text(self) -> str:
        """本地配套率 as shown: ``'15.0%'``, or ``'—'`` without supply data.

        >>> _tile(local_sourcing=0.15).sourcing_text, _tile(local_sourcing=None).sourcing_text
        ('15.0%', '—')
        """
        return percent(self.local_sourcing)


@dataclass(frozen=True)
class SegmentBox:
    """One 环节 of a stage with its product tiles."""

    name: str
    tiles: tuple[Tile, ...]

    @property
    def width(self) -> int:
        """How many tiles wide the box wants to be (1–3), for the CSS class ``seg-w{width}``."""
        return min(len(self.tiles), 3)


@dataclass(frozen=True)
class StageColumn:
    """上游, 中游, 下游 (or 未分阶段) with its 环节 boxes."""

    stage: str
    segments: tuple[SegmentBox, ...]
    weight: int = 1  # 1–4: how much of the spare width the column takes (CSS class ``stage-g{weight}``)

    @property
    def tile_count(self) -> int:
        return sum(len(box.tiles) for box in self.segments)


@dataclass(frozen=True)
class Panorama:
    """A chain's panorama: the columns, the status counts and the rule the statuses follow."""

    columns: tuple[StageColumn, ...]
    rule: str
    word: str = "本地"  # what the tiles call the firms in focus: 本地, or 网络内 under scope all

    @property
    def tiles(self) -> tuple[Tile, ...]:
        return tuple(tile for column in self.columns for box in column.segments for tile in box.tiles)

    def tile(self, product: str) -> Tile:
        return next(tile for tile in self.tiles if tile.product == product)

    def counts(self) -> dict[str, int]:
        """Products per status, in the order 缺链, 延链, 弱链, 强链."""
        return {status: sum(tile.status == status for tile in self.tiles) for status in STATUSES}

    def headline(self) -> str:
        """One line: how many products, how many of each status (缺链 first)."""
        counts = self.counts()
        order = ("缺链", "弱链", "延链", "强链")
        return f"共{len(self.tiles)}个产品：" + "、".join(f"{status}{counts[status]}个" for status in order)


def build_panorama(
    gaps: Iterable[GapRecord],
    coverage: Iterable[ProductCoverageRecord] = (),
    leader_products: Mapping[str, Sequence[str]] | None = None,
    segment_order: Sequence[str] = (),
    rule: str = "",
    word: str = "本地",
) -> Panorama:
    """Group the gap records into stage columns and 环节 boxes.

    Parameters
    ----------
    gaps : GapRecord records, one per product of the chain (every product gets a tile).
    coverage : ProductCoverageRecord records of the same chain, for the producers outside the city.
    leader_products : product id → names of the chain's 链主 that make it.
    segment_order : the chain's segments in the plan's order; other 环节 follow by name, 其他 last.
    rule : the gap rule in one sentence (``GapRule.describe()``).
    word : what the tiles call the firms in focus (本地, or 网络内 under scope all).

    Examples
    --------
    >>> records = [_record("p:b", "乙", "中游", None, "强链"), _record("p:a", "甲", None, "环节一", "缺链", rank=1)]
    >>> panorama = build_panorama(records, leader_products={"p:b": ["龙头（示例）"]})
    >>> [(column.stage, [box.name for box in column.segments]) for column in panorama.columns]
    [('上游', []), ('中游', ['其他']), ('下游', []), ('未分阶段', ['环节一'])]
    >>> panorama.tile("p:b").leader_names
    ('龙头（示例）',)
    """
    outside = {record.product: record for record in coverage}
    leaders = leader_products or {}
    grouped: dict[str, dict[str, list[Tile]]] = {}
    for record in gaps:
        cover = outside.get(record.product)
        tile = Tile(
            product=record.product,
            name=record.product_name,
            status=record.status,
            rank=record.rank,
            local_producer_count=record.local_producer_count,
            local_producer_names=tuple(record.local_producer_names),
            local_sourcing=record.local_sourcing,
            in_province_producer_count=cover.in_province_producer_count if cover else 0,
            rest_of_china_producer_count=cover.rest_of_china_producer_count if cover else 0,
            foreign_producer_count=cover.foreign_producer_count if cover else 0,
            leader_names=tuple(leaders.get(record.product, ())),
            leaders_needing=tuple(record.leaders_needing),
            basis=record.basis,
        )
        stage = record.stage if record.stage in STAGE_COLUMNS else NO_STAGE
        grouped.setdefault(stage, {}).setdefault(record.segment or NO_SEGMENT, []).append(tile)
    planned = {name: index for index, name in enumerate(segment_order)}

    def segment_key(name: str) -> tuple[int, int, str]:
        return (name == NO_SEGMENT, planned.get(name, len(planned)), name)

    def tile_key(tile: Tile) -> tuple[bool, int, str, str]:
        return (not tile.is_gap, tile.rank or 0, tile.name, tile.product)

    stages = STAGE_COLUMNS + ((NO_STAGE,) if NO_STAGE in grouped else ())
    total = sum(len(tiles) for segments in grouped.values() for tiles in segments.values())
    columns = tuple(
        StageColumn(
            stage,
            tuple(
                SegmentBox(name, tuple(sorted(tiles, key=tile_key)))
                for name, tiles in sorted(grouped.get(stage, {}).items(), key=lambda item: segment_key(item[0]))
            ),
            column_weight(sum(len(tiles) for tiles in grouped.get(stage, {}).values()), total),
        )
        for stage in stages
    )
    return Panorama(columns=columns, rule=rule, word=word)


def column_weight(count: int, total: int) -> int:
    """A column's share of the spare width, 1–4, so that a stage with most of the products is wider
    (and not three times as tall as the others).

    >>> [column_weight(count, 35) for count in (8, 22, 5)]
    [1, 4, 1]
    >>> column_weight(0, 0)
    1
    """
    return max(1, min(4, round(6 * count / total))) if total else 1


def leader_products(chain: ChainMap) -> dict[str, tuple[str, ...]]:
    """Product id → names of the chain's 链主 among its producers (any geography).

    >>> from queries.examples import example_graph
    >>> from queries.chain_map import chain_map
    >>> leader_products(chain_map(example_graph(), "chain:ev"))
    {'product:vehicle': ('南昌汽车（示例）',)}
    """
    made: dict[str, tuple[str, ...]] = {}
    for item in chain.products:
        producers = {producer for ids in item.producers.values() for producer in ids}
        names = tuple(name for leader, name in chain.leaders if leader in producers)
        if names:
            made[item.product] = names
    return made


def chain_panorama(report: GapReport, chain: ChainMap, segment_order: Sequence[str] = ()) -> Panorama:
    """The panorama of one chain from its gap report and its chain map (its words for the report's scope)."""
    return build_panorama(
        report.records(), chain.records(), leader_products(chain), segment_order, report.rule.describe(report.scope),
        FOCUS_WORDS.get(report.scope, FOCUS_WORDS["local"]),
    )


def _record(product: str, name: str, stage: str | None, segment: str | None, status: str, rank: int | None = None) -> GapRecord:
    """A GapRecord for the examples above."""
    return GapRecord(
        rank=rank, product=product, product_name=name, stage=stage, segment=segment, status=status, action="",
        local_producer_count=0, local_producer_names=(), local_sourcing=None, strong_input_share=None,
        dependent_count=0, dependent_revenue_yi=None, leaders_needing=(), basis="",
    )


def _tile(**changes: object) -> Tile:
    """A Tile for the examples above."""
    fields: dict[str, object] = dict(
        product="p:x", name="产品", status=STRONG, rank=None, local_producer_count=0, local_producer_names=(),
        local_sourcing=None, in_province_producer_count=0, rest_of_china_producer_count=0,
        foreign_producer_count=0, leader_names=(), leaders_needing=(), basis="",
    )
    fields.update(changes)
    return Tile(**fields)  # type: ignore[arg-type]

"""Chain map (产业链图谱): every product of a chain by stage and segment, with its coverage.

For each product: how many producers are 本地 / 省内 / 国内其他 / 境外, which local firms buy it
(are supplied with it) and need it (it is a required input of what they make), and the share of the
local buyers' supply that comes from local producers (本地配套率). For the chain: its 链主, the
local firms' revenue against the 2026 target, and the annual growth still needed to reach it.

>>> from queries.examples import example_graph
>>> chain = chain_map(example_graph(), "chain:ev")
>>> [(record.product_name, record.local_producer_count, record.local_sourcing) for record in chain.records()][:3]
[('锂矿', 0, 0.0), ('正极材料', 1, 0.15), ('电芯', 2, 0.75)]
>>> chain.target.growth_needed
0.3624
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from queries.collector import pausing_gc
from queries.formatting import name_list, percent, rounded
from queries.labels import LabelledReport, Record, labelled
from queries.meanings import FOREIGN, GEOGRAPHIES, IN_PROVINCE, LOCAL, REST_OF_CHINA, STAGES
from queries.view import ChainView, chain_view

TARGET_YEAR = 2026
DEFAULT_BASE_YEAR = 2025


@dataclass(frozen=True)
class TargetProgress:
    """Local revenue against the 2026 target (亿元) and the annual growth still needed.

    ``growth_needed`` is ``(target / revenue) ** (1 / (2026 - base_year)) - 1``; None when there is no
    target, no revenue or no year left; negative when the target is already passed.
    """

    revenue_yi: float
    target_yi: float | None
    base_year: int
    growth_needed: float | None

    @property
    def completion(self) -> float | None:
        """Revenue as a share of the target."""
        return None if not self.target_yi else round(self.revenue_yi / self.target_yi, 4)

    def describe(self) -> str:
        """One Chinese sentence."""
        if not self.target_yi:
            return f"本地营收{self.revenue_yi:g}亿元，无2026年目标"
        text = f"本地营收{self.revenue_yi:g}亿元，2026年目标{self.target_yi:g}亿元（完成{percent(self.completion)}）"
        if self.growth_needed is None:
            return text
        if self.growth_needed <= 0:
            return text + "，已达到目标"
        return text + f"，{self.base_year}—{TARGET_YEAR}年尚需年均增长{percent(self.growth_needed)}"


def target_progress(revenue_yi: float, target_yi: float | None, base_year: int = DEFAULT_BASE_YEAR) -> TargetProgress:
    """Revenue against target with the compound annual growth still needed.

    >>> target_progress(100, 121, 2024).growth_needed
    0.1
    >>> target_progress(100, None).describe()
    '本地营收100亿元，无2026年目标'
    """
    years = TARGET_YEAR - base_year
    growth = None
    if target_yi and revenue_yi > 0 and years > 0:
        growth = round((target_yi / revenue_yi) ** (1 / years) - 1, 4)
    return TargetProgress(round(revenue_yi, 4), target_yi, base_year, growth)


@dataclass(frozen=True)
class ProductCoverage:
    """One product of the chain and who covers it."""

    product: str
    name: str
    segment: str | None
    stage: str | None
    producers: dict[str, tuple[str, ...]]
    local_buyers: tuple[str, ...]
    local_needers: tuple[str, ...]
    local_sourcing: float | None

    @property
    def local_producers(self) -> tuple[str, ...]:
        return self.producers[LOCAL]


@dataclass(frozen=True)
class ProductCoverageRecord(Record):
    """产品覆盖: one product, its producers by geography and its local buyers."""

    stage: str | None
    segment: str | None
    product: str
    product_name: str
    local_producer_count: int
    in_province_producer_count: int
    rest_of_china_producer_count: int
    foreign_producer_count: int
    local_producer_names: tuple[str, ...]
    buyer_count: int
    needer_count: int
    buyer_names: tuple[str, ...]
    local_sourcing: float | None


@dataclass(frozen=True)
class ChainSummaryRecord(Record):
    """概要: the chain, its 链主 and its local revenue against the 2026 target."""

    chain: str
    name: str
    leader_names: tuple[str, ...]
    product_count: int
    locally_made_count: int
    local_revenue_yi: float
    target_yi: float | None
    completion: float | None
    base_year: int
    growth_needed: float | None
    description: str


@dataclass(frozen=True)
class ChainMap(LabelledReport[ProductCoverageRecord]):
    """A chain's products with their coverage, its 链主 and its revenue against target."""

    chain_id: str
    name: str
    leaders: tuple[tuple[str, str], ...]
    products: tuple[ProductCoverage, ...]
    target: TargetProgress
    names: dict[str, str]
    scope: str = "local"  # the firms in focus the local columns count (queries.view)

    def _build(self) -> dict[str, Sequence[Record]]:
        """coverage 产品覆盖: one record per product, upstream first; summary 概要."""
        coverage = [
            ProductCoverageRecord(
                stage=item.stage, segment=item.segment, product=item.product, product_name=item.name,
                local_producer_count=len(item.producers[LOCAL]),
                in_province_producer_count=len(item.producers[IN_PROVINCE]),
                rest_of_china_producer_count=len(item.producers[REST_OF_CHINA]),
                foreign_producer_count=len(item.producers[FOREIGN]),
                local_producer_names=tuple(name_list(self.names, item.local_producers)),
                buyer_count=len(item.local_buyers), needer_count=len(item.local_needers),
                buyer_names=tuple(name_list(self.names, item.local_buyers)),
                local_sourcing=rounded(item.local_sourcing),
            )
            for item in self.products
        ]
        return {"coverage": coverage, "summary": self.summary_records()}

    def summary_records(self) -> list[ChainSummaryRecord]:
        """One record: the chain, its 链主 and its revenue against the 2026 target."""
        return [ChainSummaryRecord(
            chain=self.chain_id,
            name=self.name,
            leader_names=tuple(name for _, name in self.leaders),
            product_count=len(self.products),
            locally_made_count=sum(1 for item in self.products if item.local_producers),
            local_revenue_yi=self.target.revenue_yi,
            target_yi=self.target.target_yi,
            completion=self.target.completion,
            base_year=self.target.base_year,
            growth_needed=self.target.growth_needed,
            description=self.target.describe(),
        )]

    def summary_rows(self) -> list[dict[str, Any]]:
        """``summary_records()`` labelled."""
        return labelled(self.summary_records())


def stage_order(stage: str | None) -> int:
    """Sort key: 上游, 中游, 下游, then products without a stage."""
    return STAGES.index(stage) if stage in STAGES else len(STAGES)


@pausing_gc
def chain_map(graph: nx.MultiDiGraph | ChainView, chain_id: str, *, base_year: int = DEFAULT_BASE_YEAR) -> ChainMap:
    """Every product of ``chain_id`` by stage and segment, with who produces, buys and needs it.

    Parameters
    ----------
    graph : networkx.MultiDiGraph or ChainView
        The whole projected graph or the chain's projection (same result).
    chain_id : str
    base_year : int
        The year the enterprises' ``revenue_yi`` is for; growth is needed over ``2026 - base_year``
        years.

    Returns
    -------
    ChainMap
        ``records()``: one per product (stage, segment, producers per geography, local buyers,
        local sourcing 本地配套率); ``summary_records()``: 链主, 本地营收 against 2026 target, 尚需年均增速.

    Raises
    ------
    networkx.NodeNotFound
        When the chain is not in the graph.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> summary = chain_map(example_graph(), "chain:ev").summary_records()[0]
    >>> summary.leader_names, summary.local_revenue_yi, summary.target_yi
    (('南昌汽车（示例）',), 367.0, 500.0)
    """
    view = chain_view(graph, chain_id)
    coverage = []
    for product in view.products:
        info = view.product_info[product]
        by_place: dict[str, list[str]] = {where: [] for where in GEOGRAPHIES}
        for producer in sorted(view.producers.get(product, ())):
            by_place[view.geography(producer)].append(producer)
        coverage.append(ProductCoverage(
            product=product,
            name=str(info.get("name") or product),
            segment=info.get("segment"),
            stage=info.get("stage"),
            producers={where: tuple(ids) for where, ids in by_place.items()},
            local_buyers=view.local_buyers(product),
            local_needers=view.local_needers(product),
            local_sourcing=rounded(view.product_local_sourcing(product)),
        ))
    coverage.sort(key=lambda item: (stage_order(item.stage), item.segment or "", item.product))
    revenue = sum(view.revenue(e) for e in view.local_enterprises)
    return ChainMap(
        chain_id=chain_id,
        name=str(view.chain_attrs.get("name") or chain_id),
        leaders=tuple((e, view.name(e)) for e in sorted(view.leaders)),
        products=tuple(coverage),
        target=target_progress(revenue, view.chain_attrs.get("target_2026_yi"), base_year),
        names=dict(view.names),
        scope=view.scope,
    )

"""Chain map (产业链图谱): every product of a chain by stage and segment, with its coverage.

For each product: how many producers are 本地 / 省内 / 国内其他 / 境外, which local firms buy it
(are supplied with it) and need it (it is a required input of what they make), and the share of the
local buyers' supply that comes from local producers (本地配套率). For the chain: its 链主, the
local firms' revenue against the 2026 target, and the annual growth still needed to reach it.

>>> from queries.examples import example_graph
>>> chain = chain_map(example_graph(), "chain:ev")
>>> [(row["产品名称"], row["本地生产企业数"], row["本地配套率"]) for row in chain.rows()][:3]
[('锂矿', 0, 0.0), ('正极材料', 1, 0.15), ('电芯', 2, 0.75)]
>>> chain.target.growth_needed
0.3624
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from queries.collector import pausing_gc
from queries.formatting import name_list, percent, rounded
from queries.meanings import GEOGRAPHIES, LOCAL, STAGES
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
class ChainMap:
    """A chain's products with their coverage, its 链主 and its revenue against target."""

    chain_id: str
    name: str
    leaders: tuple[tuple[str, str], ...]
    products: tuple[ProductCoverage, ...]
    target: TargetProgress
    names: dict[str, str]

    def rows(self) -> list[dict]:
        """One row per product, upstream first."""
        rows = []
        for item in self.products:
            row = {"阶段": item.stage, "环节": item.segment, "产品": item.product, "产品名称": item.name}
            for where in GEOGRAPHIES:
                row[f"{where}生产企业数"] = len(item.producers[where])
            row["本地生产企业"] = name_list(self.names, item.local_producers)
            row["本地采购企业数"] = len(item.local_buyers)
            row["本地需求企业数"] = len(item.local_needers)
            row["本地采购企业"] = name_list(self.names, item.local_buyers)
            row["本地配套率"] = rounded(item.local_sourcing)
            rows.append(row)
        return rows

    def summary_rows(self) -> list[dict]:
        """One row: the chain, its 链主 and its revenue against the 2026 target."""
        return [{
            "产业链": self.chain_id,
            "名称": self.name,
            "链主": [name for _, name in self.leaders],
            "产品数": len(self.products),
            "有本地生产的产品数": sum(1 for item in self.products if item.local_producers),
            "本地营收(亿元)": self.target.revenue_yi,
            "2026目标(亿元)": self.target.target_yi,
            "完成率": self.target.completion,
            "基准年": self.target.base_year,
            "尚需年均增速": self.target.growth_needed,
            "说明": self.target.describe(),
        }]

    def tables(self) -> dict[str, list[dict]]:
        """产品覆盖 (main) and 概要."""
        return {"产品覆盖": self.rows(), "概要": self.summary_rows()}


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
        ``rows()``: one row per product (阶段, 环节, producers per geography, local buyers, 本地配套率);
        ``summary_rows()``: 链主, 本地营收 against 2026 target, 尚需年均增速.

    Raises
    ------
    networkx.NodeNotFound
        When the chain is not in the graph.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> summary = chain_map(example_graph(), "chain:ev").summary_rows()[0]
    >>> summary["链主"], summary["本地营收(亿元)"], summary["2026目标(亿元)"]
    (['南昌汽车（示例）'], 367.0, 500.0)
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
    )

"""Gap analysis (补链 / 强链 / 延链): classify every product of a chain and rank the gaps.

Each product gets one status, decided by a ``GapRule`` whose figures are shown with the result:

- 缺链 (missing): no local producer;
- 延链 (extension opportunity): no local producer, but at least ``min_strong_input_share`` of its
  inputs (it has at least one) are 强链 — a downstream product the local chain could grow into;
- 弱链 (weak): fewer than ``min_local_producers`` local producers, or the local firms supplied with
  it get less than ``min_local_sourcing_share`` of it from local producers (mean over those firms);
- 强链 (strong): everything else.

Gaps (every status but 强链) are ranked by what depends on them: first whether a 链主 needs the
product, then the revenue of the local firms that need or buy it, then how many they are.

>>> from queries.examples import example_graph
>>> report = gap_report(example_graph(), "chain:ev")
>>> [(gap.name, gap.status, gap.rank) for gap in report.gaps()]
[('驱动电机', '缺链', 1), ('电池包', '弱链', 2), ('正极材料', '弱链', 3), ('锂矿', '缺链', 4), ('储能系统', '延链', 5), ('整车', '弱链', 6)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import networkx as nx

from queries.chain_map import stage_order
from queries.collector import pausing_gc
from queries.formatting import name_list, percent, percent_points, rounded
from queries.labels import LabelledReport, Record, in_focus, labelled
from queries.view import ChainView, chain_view

MISSING, EXTENSION, WEAK, STRONG = "缺链", "延链", "弱链", "强链"
STATUSES = (MISSING, EXTENSION, WEAK, STRONG)
ACTIONS = {
    MISSING: "补链：引进或培育本地生产企业",
    EXTENSION: "延链：依托本地强链投入品向下游延伸",
    WEAK: "强链：扩大本地产能与本地配套",
    STRONG: "保持",
}


@dataclass(frozen=True)
class GapRule:
    """The numeric rule that tells 弱链 from 强链 and finds 延链 opportunities.

    Parameters
    ----------
    min_local_producers : int
        A product with at least one but fewer local producers than this is 弱链.
    min_local_sourcing_share : float
        A product whose local buyers get less than this share of it locally (mean over the buyers
        with supply data) is 弱链; products without such data are judged on producers alone.
    min_strong_input_share : float
        A product without local producer is a 延链 opportunity when at least this share of its
        inputs are 强链.

    Examples
    --------
    >>> GapRule().describe()
    '本地生产企业少于2家或本地配套率低于30.0%为弱链；无本地生产企业且投入品中强链占比不低于100.0%为延链'
    """

    min_local_producers: int = 2
    min_local_sourcing_share: float = 0.3
    min_strong_input_share: float = 1.0

    def __post_init__(self) -> None:
        if self.min_local_producers < 1:
            raise ValueError("min_local_producers must be at least 1")
        if not 0 <= self.min_local_sourcing_share <= 1 or not 0 < self.min_strong_input_share <= 1:
            raise ValueError("shares must lie in [0, 1] (min_strong_input_share in (0, 1])")

    def describe(self, scope: str | None = None) -> str:
        """The rule in one Chinese sentence, for the firms in focus ``scope`` (``all``: 网络内, not 本地)."""
        return in_focus(
            f"本地生产企业少于{self.min_local_producers}家或本地配套率低于{percent(self.min_local_sourcing_share)}为弱链；"
            f"无本地生产企业且投入品中强链占比不低于{percent(self.min_strong_input_share)}为延链", scope,
        )


@dataclass(frozen=True)
class ProductGap:
    """One product's status with the figures it was decided on and what depends on it."""

    product: str
    name: str
    segment: str | None
    stage: str | None
    status: str
    local_producers: tuple[str, ...]
    local_sourcing: float | None
    strong_input_share: float | None
    dependents: tuple[str, ...]
    dependent_revenue: float
    leaders_needing: tuple[str, ...]
    evidence: str
    rank: int | None

    @property
    def is_gap(self) -> bool:
        return self.status != STRONG


@dataclass(frozen=True)
class GapRecord(Record):
    """缺口: one product with its status, the suggested action and what depends on it."""

    rank: int | None
    product: str
    product_name: str
    stage: str | None
    segment: str | None
    status: str
    action: str
    local_producer_count: int
    local_producer_names: tuple[str, ...]
    local_sourcing: float | None
    strong_input_share: float | None
    dependent_count: int
    dependent_revenue_yi: float | None
    leaders_needing: tuple[str, ...]
    basis: str


@dataclass(frozen=True)
class GapSummaryRecord(Record):
    """概要: the number of products per status and the rule."""

    chain: str | None
    missing: int
    extension: int
    weak: int
    strong: int
    rule: str  # GapRule.describe()


@dataclass(frozen=True)
class GapReport(LabelledReport[GapRecord]):
    """Every product of the chain with its status; gaps ranked first."""

    chain_id: str | None
    rule: GapRule
    products: tuple[ProductGap, ...]
    names: dict[str, str]
    scope: str = "local"  # the firms in focus the statuses count (queries.view)

    def gaps(self) -> list[ProductGap]:
        """The products that are not 强链, most depended on first."""
        return [item for item in self.products if item.is_gap]

    def status_of(self, product: str) -> str:
        """The status of one product."""
        return self.by_product()[product].status

    def by_product(self) -> dict[str, ProductGap]:
        return {item.product: item for item in self.products}

    def counts(self) -> dict[str, int]:
        """How many products have each status."""
        return {status: sum(1 for item in self.products if item.status == status) for status in STATUSES}

    def summary_records(self) -> list[GapSummaryRecord]:
        """One record: the rule and the number of products per status."""
        counts = self.counts()
        return [GapSummaryRecord(
            self.chain_id, counts[MISSING], counts[EXTENSION], counts[WEAK], counts[STRONG], self.rule.describe(self.scope)
        )]

    def summary_rows(self) -> list[dict[str, Any]]:
        """``summary_records()`` labelled."""
        return labelled(self.summary_records())

    def _build(self) -> dict[str, Sequence[Record]]:
        """gaps 缺口: one record per product, gaps by rank, then the strong products; summary 概要."""
        gaps = [
            GapRecord(
                rank=item.rank,
                product=item.product,
                product_name=item.name,
                stage=item.stage,
                segment=item.segment,
                status=item.status,
                action=ACTIONS[item.status],
                local_producer_count=len(item.local_producers),
                local_producer_names=tuple(name_list(self.names, item.local_producers)),
                local_sourcing=rounded(item.local_sourcing),
                strong_input_share=rounded(item.strong_input_share),
                dependent_count=len(item.dependents),
                dependent_revenue_yi=rounded(item.dependent_revenue),
                leaders_needing=tuple(name_list(self.names, item.leaders_needing)),
                basis=item.evidence,
            )
            for item in self.products
        ]
        return {"gaps": gaps, "summary": self.summary_records()}

@pausing_gc
def gap_report(
    graph: nx.MultiDiGraph | ChainView, chain_id: str | None = None, *, rule: GapRule = GapRule()
) -> GapReport:
    """Classify every product of ``chain_id`` as 缺链 / 延链 / 弱链 / 强链 and rank the gaps.

    Parameters
    ----------
    graph : networkx.MultiDiGraph or ChainView
    chain_id : str, optional
        The chain; None classifies every product of the graph.
    rule : GapRule
        The thresholds; the summary states them (规则) and each record's ``basis`` (依据) quotes them.

    Returns
    -------
    GapReport

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> report = gap_report(example_graph(), "chain:ev", rule=GapRule(min_local_producers=1))
    >>> report.status_of("product:pack"), report.status_of("product:cell")
    ('强链', '强链')
    >>> report.by_product()["product:cathode"].evidence
    '本地生产企业1家；本地配套率15.0%，低于30.0%'
    """
    view = chain_view(graph, chain_id)
    base: dict[str, str] = {}
    evidence: dict[str, list[str]] = {}
    sourcing: dict[str, float | None] = {}
    for product in view.products:
        local = view.local_producers(product)
        share = view.product_local_sourcing(product)
        sourcing[product] = share
        notes = [f"本地生产企业{len(local)}家"]
        status = STRONG
        if not local:
            status = MISSING
        else:
            if len(local) < rule.min_local_producers:
                status = WEAK
                notes[0] += f"，少于{rule.min_local_producers}家"
            if share is not None:
                shown = rounded(share)  # the figure in the table; the verdict compares it as shown
                low = percent_points(shown) < percent_points(rule.min_local_sourcing_share)
                notes.append(
                    f"本地配套率{percent(shown)}，{'低于' if low else '不低于'}{percent(rule.min_local_sourcing_share)}"
                )
                if low:
                    status = WEAK
        base[product] = status
        evidence[product] = notes
    statuses = dict(base)
    strong_share: dict[str, float | None] = {}
    for product in view.products:
        inputs = sorted(view.inputs.get(product, ()))
        share_of_strong = sum(base[i] == STRONG for i in inputs) / len(inputs) if inputs else None
        strong_share[product] = share_of_strong
        if base[product] == MISSING and share_of_strong is not None and share_of_strong >= rule.min_strong_input_share:
            statuses[product] = EXTENSION
            strong = [view.name(i) for i in inputs if base[i] == STRONG]
            evidence[product].append(
                f"投入品{'、'.join(strong)}为强链（占{percent(share_of_strong)}），可向下游延伸"
            )
    items = []
    for product in view.products:
        dependents = tuple(sorted(set(view.local_needers(product)) | set(view.local_buyers(product))))
        info = view.product_info[product]
        items.append(ProductGap(
            product=product,
            name=str(info.get("name") or product),
            segment=info.get("segment"),
            stage=info.get("stage"),
            status=statuses[product],
            local_producers=tuple(sorted(view.local_producers(product))),
            local_sourcing=rounded(sourcing[product]),
            strong_input_share=rounded(strong_share[product]),
            dependents=dependents,
            dependent_revenue=round(sum(view.revenue(e) for e in dependents), 4),
            leaders_needing=tuple(e for e in dependents if e in view.leaders),
            evidence=in_focus("；".join(evidence[product]), view.scope),
            rank=None,
        ))
    gaps = sorted(
        (item for item in items if item.is_gap),
        key=lambda item: (
            not item.leaders_needing, -item.dependent_revenue, -len(item.dependents),
            stage_order(item.stage), item.product,
        ),
    )
    ranked = [replace(item, rank=rank) for rank, item in enumerate(gaps, start=1)]
    not_gaps = sorted(
        (item for item in items if not item.is_gap), key=lambda item: (stage_order(item.stage), item.product)
    )
    return GapReport(
        chain_id=view.chain_id,
        rule=rule,
        products=tuple(ranked + not_gaps),
        names=dict(view.names),
        scope=view.scope,
    )

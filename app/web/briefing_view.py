"""The 链长简报 (chain briefing): what a chain's 链长 reads in two minutes, on one printed page.

Built from the analyses the chain page and the dashboard already run (memoised in
``app.readmodel.workspace``): the chain map's revenue against the 2026 target, the chain's indices,
the gap report and its panorama, the recruitment candidates of the top gaps and, for roles allowed
to see risks, the critical dependencies. Nothing here computes a figure of its own; it picks, orders
and words them.

- Top gaps: 缺链 and 弱链 first (in the gap report's rank, which puts what a 链主 needs and what the
  most local revenue depends on first), then 延链 opportunities; each with its best candidates.
- Top dependencies: the first rows of the critical-dependency list (高 first).
- The headline: three or four sentences, figures first, names never ids.

>>> from queries.examples import example_graph
>>> from queries.gaps import gap_report
>>> [(gap.name, gap.status) for gap in top_gaps(gap_report(example_graph(), "chain:ev"), limit=5)]
[('驱动电机', '缺链'), ('电池包', '弱链'), ('正极材料', '弱链'), ('锂矿', '缺链'), ('整车', '弱链')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from app.readmodel import workspace
from app.readmodel.graph_cache import GraphCache
from app.web.charts import ChainFigures, path_value, revenue_chart, yi
from app.web.panorama import Panorama, chain_panorama
from queries.chain_map import TARGET_YEAR, TargetProgress
from queries.formatting import percent as pct
from queries.gaps import MISSING, WEAK, GapReport, ProductGap
from queries.risks import DependencyRecord

TOP_GAPS = 5
TOP_CANDIDATES = 3
TOP_DEPENDENCIES = 5
CHAIN_LEADER_RULE = "市政府市级领导担任（《行动计划》链长制）"  # the plan names no person; neither does the briefing
RISK_ROLE_NOTE = "关键依赖仅对“安全审查”及以上权限显示"


@dataclass(frozen=True)
class CandidateLine:
    """One recruitment candidate as the briefing lists it. ``enterprise`` is for links only."""

    enterprise: str
    name: str
    region: str
    score: float


@dataclass(frozen=True)
class GapLine:
    """One of the top gaps with its best candidates. ``product`` is for links only."""

    rank: int
    product: str
    name: str
    status: str
    segment: str
    local_producer_count: int
    dependent_revenue_yi: float
    leaders_needing: tuple[str, ...]
    candidates: tuple[CandidateLine, ...]
    candidate_count: int

    @property
    def status_class(self) -> str:
        return {"缺链": "missing", "弱链": "weak", "延链": "extend", "强链": "strong"}[self.status]


@dataclass(frozen=True)
class Briefing:
    """One chain's briefing: the figures, the panorama, the top gaps and (when allowed) dependencies.

    ``dependencies`` is None when the reader's role may not see risks (the page then says so).
    """

    chain_id: str
    name: str
    kind: str
    target: TargetProgress
    completeness: float | None
    resilience: float | None
    leader_names: tuple[str, ...]
    panorama: Panorama
    gaps: tuple[GapLine, ...]
    dependencies: tuple[DependencyRecord, ...] | None
    dependency_counts: Mapping[str, int] | None
    chart: Markup

    @property
    def path_value_yi(self) -> float | None:
        """Where the plan's 10 %-a-year path to the target puts the chain in the base year (亿元)."""
        return path_value(self.target.target_yi, self.target.base_year) if self.target.target_yi else None

    def headline(self) -> list[str]:
        """Three or four sentences: revenue against target, gaps, dependencies, indices and 链主."""
        return [
            progress_sentence(self.target),
            gap_sentence(self.panorama, self.gaps),
            dependency_sentence(self.dependencies, self.dependency_counts),
            index_sentence(self.completeness, self.resilience, self.leader_names),
        ]


def progress_sentence(target: TargetProgress) -> str:
    """Local revenue against the 2026 target and the plan's 10 % path.

    >>> from queries.chain_map import target_progress
    >>> progress_sentence(target_progress(367.0, 500.0, 2025))
    '本地营收367.0亿元，完成2026年目标（500.0亿元）的73.4%；按年增10%的路径，2025年应达454.5亿元，尚差87.5亿元。'
    >>> progress_sentence(target_progress(12.0, None))
    '本地营收12.0亿元；本链无2026年营收目标。'
    """
    if not target.target_yi:
        return f"本地营收{yi(target.revenue_yi)}；本链无{TARGET_YEAR}年营收目标。"
    expected = path_value(target.target_yi, target.base_year)
    text = f"本地营收{yi(target.revenue_yi)}，完成{TARGET_YEAR}年目标（{yi(target.target_yi)}）的{pct(target.completion)}"
    if target.revenue_yi >= target.target_yi:
        return text + "，已达到目标。"
    short = expected - target.revenue_yi
    pace = f"尚差{yi(short)}" if short > 0 else "已达到"
    return text + f"；按年增10%的路径，{target.base_year}年应达{yi(expected)}，{pace}。"


def gap_sentence(panorama: Panorama, gaps: Sequence[GapLine]) -> str:
    """The products per status and the first gaps by name."""
    first = "、".join(f"{gap.name}（{gap.status}）" for gap in gaps[:3])
    return panorama.headline() + (f"；首要缺口：{first}。" if first else "；无缺口。")


def dependency_sentence(dependencies: Sequence[DependencyRecord] | None, counts: Mapping[str, int] | None) -> str:
    """How many critical dependencies of each severity, and the first; or that the role may not see them.

    >>> dependency_sentence(None, None)
    '关键依赖仅对“安全审查”及以上权限显示。'
    """
    if dependencies is None or counts is None:
        return RISK_ROLE_NOTE + "。"
    total = sum(counts.values())
    if not total:
        return "未发现关键依赖。"
    text = f"关键依赖{total}项（高{counts.get('高', 0)}项、中{counts.get('中', 0)}项、低{counts.get('低', 0)}项）"
    top = dependencies[0] if dependencies else None
    if top is not None:
        subject = "·".join(part for part in (top.enterprise_name, top.input_name) if part)
        text += f"；最高一项：{top.kind}（{subject}）" if subject else f"；最高一项：{top.kind}"
    return text + "。"


def index_sentence(completeness: float | None, resilience: float | None, leader_names: Sequence[str]) -> str:
    """完整度, 韧性 and the chain's 链主.

    >>> index_sentence(0.5, None, ["南昌汽车（示例）"])
    '完整度50.0%，韧性—；链主：南昌汽车（示例）。'
    """
    leaders = "、".join(leader_names) if leader_names else "未记录"
    return f"完整度{pct(completeness)}，韧性{pct(resilience)}；链主：{leaders}。"


def top_gaps(report: GapReport, limit: int = TOP_GAPS) -> list[ProductGap]:
    """The gaps a 链长 reads first: 缺链 and 弱链 by rank, then the other gaps (延链) by rank."""
    return sorted(report.gaps(), key=lambda gap: (gap.status not in (MISSING, WEAK), gap.rank or 0))[:limit]


def gap_line(gap: ProductGap, report: GapReport, found: Any, limit: int = TOP_CANDIDATES) -> GapLine:
    """A top gap with its first ``limit`` candidates (``found``: a ``queries.candidates.CandidateReport``)."""
    return GapLine(
        rank=gap.rank or 0, product=gap.product, name=gap.name, status=gap.status, segment=gap.segment or "—",
        local_producer_count=len(gap.local_producers), dependent_revenue_yi=gap.dependent_revenue,
        leaders_needing=tuple(report.names.get(e, e) for e in gap.leaders_needing),
        candidates=tuple(CandidateLine(c.enterprise, c.name, c.region, c.score) for c in found.candidates[:limit]),
        candidate_count=len(found.candidates),
    )


def chain_briefing(cache: GraphCache, chain: Mapping[str, Any], *, with_risks: bool) -> Briefing:
    """The briefing of ``chain`` (``lookups.chain_detail``) from the memoised analyses."""
    chain_id = str(chain["id"])
    report = workspace.gaps(cache, chain_id)
    chain_map = workspace.chain_map_result(cache, chain_id)
    index = next((r for r in workspace.index_records(cache, chain_id) if r.level == "产业链" and r.node == chain_id), None)
    completeness = index.completeness if index else None
    resilience = index.resilience if index else None
    lines = tuple(gap_line(gap, report, workspace.candidates(cache, chain_id, gap.product)) for gap in top_gaps(report))
    dependencies, counts = None, None
    if with_risks:
        critical = workspace.critical(cache, chain_id)
        dependencies, counts = tuple(critical.records()[:TOP_DEPENDENCIES]), critical.counts()
    target = chain_map.target
    name = str(chain.get("name") or "")
    figures = ChainFigures(name, target.revenue_yi, target.target_yi, completeness, resilience)
    return Briefing(
        chain_id=chain_id, name=name, kind=str(chain.get("kind") or ""), target=target,
        completeness=completeness, resilience=resilience, leader_names=tuple(n for _, n in chain_map.leaders),
        panorama=chain_panorama(report, chain_map, chain.get("segments") or ()),
        gaps=lines, dependencies=dependencies, dependency_counts=counts,
        chart=revenue_chart([figures], base_year=target.base_year).svg,
    )

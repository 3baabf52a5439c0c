"""The 四图五清单 lists people act on: 重点企业清单, 缺链补链清单 and 招商目标清单 (the 关键依赖清单
is ``queries.risks``). Each list is a report of typed records, filterable by place.

A place (a district, a park) is given as the set of enterprises located there
(``queries.disruption.select_enterprises``). A product concerns a place when a local firm there
makes, needs or buys it; a gap or a recruitment target is in a place when its product concerns it.

>>> from queries.examples import example_graph
>>> from queries.view import chain_view
>>> view = chain_view(example_graph(), "chain:ev")
>>> [(r.enterprise_name, r.key_kinds) for r in key_enterprises(view).records()]
[('南昌汽车（示例）', ('链主', '上市', '规上')), ('南昌电芯（示例）', ('专精特新', '规上')), ('南昌正极（示例）', ('专精特新', '规上')), ('南昌电池包（示例）', ('规上',)), ('南昌储能电芯（示例）', ('规上',))]
>>> [(r.status, r.product_name) for r in gap_list([gap_report(view, "chain:ev")]).records()][:3]
[('缺链', '驱动电机'), ('缺链', '锂矿'), ('弱链', '电池包')]
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import networkx as nx

from queries.candidates import recruit_to_derisk, recruitment_candidates
from queries.formatting import percent
from queries.gaps import EXTENSION, MISSING, STRONG, WEAK, GapReport, GapRule, ProductGap, gap_report
from queries.labels import LabelledReport, Record
from queries.memberships import memberships
from queries.places import holding
from queries.view import ChainView, chain_view

__all__ = [
    "ABOVE_SCALE_REVENUE_YI", "KEY_KINDS", "LIST_STATUSES", "gap_list", "gap_report", "key_enterprises", "key_kinds",
    "recruitment_targets", "target_list",
]

KEY_KINDS = ("链主", "专精特新", "小巨人", "单项冠军", "上市", "规上")
ABOVE_SCALE_REVENUE_YI = 0.2  # 2,000 万元: the national threshold of 规模以上工业企业 (主营业务收入)
KIND_RULES = {
    "链主": "牵头产业链的企业（图谱中的“链主”关系）或带“链主”标签",
    "专精特新": "带“专精特新”标签",
    "小巨人": "带“小巨人”标签（专精特新“小巨人”）",
    "单项冠军": "带“单项冠军”标签（制造业单项冠军）",
    "上市": "带“上市”标签",
    "规上": f"带“规上”标签，或营收不低于 {ABOVE_SCALE_REVENUE_YI:g} 亿元（2,000 万元，国家规模以上工业企业的主营业务收入标准）",
}
LIST_STATUSES = (MISSING, WEAK, EXTENSION, STRONG)  # the gap list's order: 缺链 first, 强链 last
DEFAULT_GAP_STATUSES = (MISSING, WEAK, EXTENSION)
TARGET_STATUSES = (MISSING, WEAK)
EFFECT_TOP = 3  # the de-risk effect is simulated for each product's best candidates only


def key_kinds(view: ChainView, enterprise: str) -> tuple[str, ...]:
    """The kinds of key enterprise ``enterprise`` is (``KIND_RULES``), in ``KEY_KINDS`` order.

    >>> from queries.examples import example_graph
    >>> view = chain_view(example_graph())
    >>> key_kinds(view, "ent:lead"), key_kinds(view, "ent:rice")
    (('链主', '上市', '规上'), ('规上',))
    """
    tags = set(view.tags(enterprise))
    if enterprise in view.leaders:
        tags.add("链主")
    revenue = view.attrs[enterprise].get("revenue_yi")
    if revenue is not None and revenue >= ABOVE_SCALE_REVENUE_YI:
        tags.add("规上")
    return tuple(kind for kind in KEY_KINDS if kind in tags)


@dataclass(frozen=True)
class KeyEnterpriseRecord(Record):
    """重点企业: one local key enterprise, what kind of key firm it is, where it is and what it makes."""

    rank: int
    enterprise_name: str
    enterprise: str
    key_kinds: tuple[str, ...]
    chain_names: tuple[str, ...]
    district: str | None
    park_names: tuple[str, ...]
    revenue_yi: float | None
    product_names: tuple[str, ...]


@dataclass(frozen=True)
class KindCountRecord(Record):
    """按类型汇总: how many listed enterprises are of each kind, and the rule of the kind."""

    kind: str
    enterprise_count: int
    description: str


@dataclass(frozen=True)
class KeyEnterpriseList(LabelledReport[KeyEnterpriseRecord]):
    """The key enterprises in focus (本地, or under scope ``all`` every firm of the network), 链主
    first, then by kind and revenue."""

    chain_id: str | None
    enterprises: tuple[KeyEnterpriseRecord, ...]
    kind_totals: tuple[tuple[str, int], ...]
    scope: str = "local"  # the firms listed (queries.view): the headings say 本地 or 网络内

    def _build(self) -> dict[str, Sequence[Record]]:
        """key_enterprises 重点企业; kind_counts 按类型汇总 (every kind, with its rule)."""
        return {
            "key_enterprises": self.enterprises,
            "kind_counts": [KindCountRecord(kind, count, KIND_RULES[kind]) for kind, count in self.kind_totals],
        }


def key_enterprises(
    graph: nx.MultiDiGraph | ChainView, chain_id: str | None = None, *,
    within: Collection[str] | None = None, kind: str | None = None,
) -> KeyEnterpriseList:
    """The enterprises in focus of the chain (or of the graph) that are of at least one key kind: the
    local ones, or every firm when ``graph`` is a view of scope ``all`` (``queries.view.with_scope``).

    ``within`` keeps the enterprises of a place; ``kind`` those of one kind (the counts are of the
    list before ``kind`` is applied, so they say what each choice would show).

    >>> from queries.examples import example_graph
    >>> report = key_enterprises(example_graph(), "chain:ev", within={"ent:cell", "ent:local-cathode"}, kind="专精特新")
    >>> [(r.enterprise_name, r.district, r.park_names) for r in report.records()]
    [('南昌电芯（示例）', '南昌县', ('小蓝经开区',)), ('南昌正极（示例）', '青山湖区', ('南昌高新区',))]
    >>> dict(report.kind_totals)["规上"]
    2
    """
    if kind is not None and kind not in KEY_KINDS:
        raise ValueError(f"重点企业类型可选：{'、'.join(KEY_KINDS)}")
    view = chain_view(graph, chain_id)
    found = []
    for enterprise in view.local_enterprises:
        kinds = key_kinds(view, enterprise)
        if kinds and (within is None or enterprise in within):
            found.append((enterprise, kinds))
    counts = tuple((k, sum(k in kinds for _, kinds in found)) for k in KEY_KINDS)
    if kind is not None:
        found = [(enterprise, kinds) for enterprise, kinds in found if kind in kinds]
    found.sort(key=lambda item: (KEY_KINDS.index(item[1][0]), -view.revenue(item[0]), view.name(item[0]), item[0]))
    chains = memberships(view, [enterprise for enterprise, _ in found])
    graph_nodes = view.graph.nodes
    records = []
    for rank, (enterprise, kinds) in enumerate(found, start=1):
        parks = sorted(holding(view.graph, enterprise), key=lambda park: (graph_nodes[park].get("kind") == "区县", park))
        attrs = view.attrs[enterprise]
        district = attrs.get("district") or next(
            (str(graph_nodes[p].get("name")) for p in parks if graph_nodes[p].get("kind") == "区县"), None)
        records.append(KeyEnterpriseRecord(
            rank=rank, enterprise_name=view.name(enterprise), enterprise=enterprise, key_kinds=kinds,
            chain_names=tuple(sorted(str(graph_nodes[c].get("name", c)) for c in chains[enterprise][0])),
            district=district,
            park_names=tuple(str(graph_nodes[p].get("name", p)) for p in parks if graph_nodes[p].get("kind") != "区县"),
            revenue_yi=attrs.get("revenue_yi"),
            product_names=tuple(sorted(view.name(p) for p in view.produces.get(enterprise, ()) if p in view.product_info)),
        ))
    return KeyEnterpriseList(view.chain_id, tuple(records), counts, view.scope)


def concerns(gap: ProductGap, within: Collection[str] | None) -> bool:
    """Whether a product concerns the place ``within``: a local firm there makes, needs or buys it."""
    return within is None or any(e in within for e in (*gap.dependents, *gap.local_producers))


@dataclass(frozen=True)
class GapListRecord(Record):
    """缺链补链: one product of a chain with its status, its rank among the chain's gaps and who needs it."""

    order: int
    chain_name: str
    status: str
    rank: int | None
    product_name: str
    product: str
    stage: str | None
    action: str
    local_producer_count: int
    local_producer_names: tuple[str, ...]
    dependent_count: int
    place_dependent_count: int | None
    dependent_revenue_yi: float | None
    leaders_needing: tuple[str, ...]
    basis: str


@dataclass(frozen=True)
class StatusCountRecord(Record):
    """按产业链汇总: a chain's number of products per status (before the status filter)."""

    chain_name: str
    missing: int
    weak: int
    extension: int
    strong: int


@dataclass(frozen=True)
class GapList(LabelledReport[GapListRecord]):
    """Gaps of one or more chains: by status (缺链, 弱链, 延链, 强链), then chain, then gap rank."""

    chain_id: str | None
    gaps: tuple[GapListRecord, ...]
    chain_totals: tuple[StatusCountRecord, ...]
    scope: str = "local"  # the firms the statuses count: ``all`` when every report counts every firm

    def _build(self) -> dict[str, Sequence[Record]]:
        """gap_list 缺链补链; status_counts 按产业链汇总."""
        return {"gap_list": self.gaps, "status_counts": self.chain_totals}

    def total(self, status: str) -> int:
        """How many products of the listed chains have ``status`` (in the place, before the status filter)."""
        field = {MISSING: "missing", WEAK: "weak", EXTENSION: "extension", STRONG: "strong"}[status]
        return sum(getattr(count, field) for count in self.chain_totals)


def gap_list(
    reports: Iterable[GapReport], *, statuses: Collection[str] = DEFAULT_GAP_STATUSES,
    within: Collection[str] | None = None, chain_names: Mapping[str, str] | None = None,
) -> GapList:
    """The products of the chains' gap reports with one of ``statuses`` (default every gap, 强链 left
    out), 缺链 before 弱链 before 延链 before 强链, then by chain (in the order given) and gap rank.

    ``within`` keeps the products that concern a place (``concerns``); their 所选地区依赖企业数
    counts the firms there that need or buy the product.

    >>> from queries.examples import example_graph
    >>> listed = gap_list([gap_report(example_graph(), "chain:ev")], statuses=("弱链",), within={"ent:pack"})
    >>> [(r.product_name, r.rank, r.dependent_count, r.place_dependent_count) for r in listed.records()]
    [('电池包', 2, 1, 0)]
    """
    unknown = set(statuses) - set(LIST_STATUSES)
    if unknown:
        raise ValueError(f"状态可选：{'、'.join(LIST_STATUSES)}")
    reports = list(reports)
    rows: list[tuple[tuple[int, int, int, str], GapListRecord]] = []
    counts = []
    for position, report in enumerate(reports):
        chain_name = (chain_names or {}).get(report.chain_id or "", "") or report.names.get(report.chain_id or "", "全图")
        kept = [gap for gap in report.products if concerns(gap, within)]
        counts.append(StatusCountRecord(chain_name, *(sum(g.status == s for g in kept) for s in (MISSING, WEAK, EXTENSION, STRONG))))
        for gap in kept:
            if gap.status not in statuses:
                continue
            names = report.names
            record = GapListRecord(
                order=0, chain_name=chain_name, status=gap.status, rank=gap.rank, product_name=gap.name, product=gap.product,
                stage=gap.stage, action=_ACTIONS[gap.status],
                local_producer_count=len(gap.local_producers),
                local_producer_names=tuple(names.get(e, e) for e in gap.local_producers),
                dependent_count=len(gap.dependents),
                place_dependent_count=None if within is None else sum(e in within for e in gap.dependents),
                dependent_revenue_yi=gap.dependent_revenue,
                leaders_needing=tuple(names.get(e, e) for e in gap.leaders_needing),
                basis=gap.evidence,
            )
            rows.append(((LIST_STATUSES.index(gap.status), position, gap.rank or 10**6, gap.product), record))
    rows.sort(key=lambda row: row[0])
    chain_id = reports[0].chain_id if len(reports) == 1 else None
    scope = "all" if reports and all(report.scope == "all" for report in reports) else "local"
    return GapList(chain_id, tuple(replace(record, order=n) for n, (_, record) in enumerate(rows, start=1)), tuple(counts), scope)


_ACTIONS = {MISSING: "补链：引进或培育本地生产企业", EXTENSION: "延链：依托本地强链投入品向下游延伸",
            WEAK: "强链：扩大本地产能与本地配套", STRONG: "保持"}


@dataclass(frozen=True)
class TargetRecord(Record):
    """招商目标: one candidate for one 缺链/弱链 product, its score parts, reason and what recruiting it changes."""

    order: int
    chain_name: str
    product_name: str
    product: str
    status: str
    rank: int | None  # the product's rank among the chain's gaps
    candidate_rank: int
    enterprise_name: str
    enterprise: str
    region: str
    score: float
    local_customer_points: float
    leader_points: float
    scale_points: float
    tag_points: float
    in_province_points: float
    sole_source_points: float
    reason: str
    status_after: str | None
    local_sourcing_before: float | None
    local_sourcing_after: float | None
    completeness_before: float | None
    completeness_after: float | None
    resilience_before: float | None
    resilience_after: float | None
    derisk_effect: str


@dataclass(frozen=True)
class TargetSummaryRecord(Record):
    """概要: how many gaps and candidates the list covers, and how far the effect was simulated."""

    chain_name: str
    missing: int
    weak: int
    candidate_count: int
    description: str


@dataclass(frozen=True)
class TargetList(LabelledReport[TargetRecord]):
    """Recruitment targets, one per candidate × gap product, ranked."""

    chain_id: str | None
    targets: tuple[TargetRecord, ...]
    summary: tuple[TargetSummaryRecord, ...]

    def _build(self) -> dict[str, Sequence[Record]]:
        """targets 招商目标; summary 概要."""
        return {"targets": self.targets, "summary": self.summary}


def _effect_text(status: str, after: Mapping[str, object]) -> str:
    """What recruiting changes, in one Chinese line (the shares as percentages)."""
    parts = [f"{status}→{after['产品状态']}" if after["产品状态"] != status else f"仍为{status}"]
    for figure in ("本地配套率", "完整度", "韧性"):
        before, later = after[f"{figure}:before"], after[figure]
        if isinstance(before, float) and isinstance(later, float):
            parts.append(f"{figure} {percent(before)}→{percent(later)}")
    return "；".join(parts)


def recruitment_targets(
    graph: nx.MultiDiGraph | ChainView, chain_id: str, *, effect_top: int = EFFECT_TOP, rule: GapRule = GapRule(),
    simulate: Callable[[str, str], object] | None = None,
) -> TargetList:
    """One row per candidate × product for every 缺链 and 弱链 of the chain, ranked by ``target_list``.

    The score parts and reason are ``recruitment_candidates``'; the de-risk effect (the product's
    status, 本地配套率, and the chain's 完整度 and 韧性 before → after) is ``recruit_to_derisk`` run
    for the ``effect_top`` best candidates of each product (the others say 未推演). ``simulate``
    may supply a memoised ``recruit_to_derisk(view, chain_id, product, candidate)``.

    >>> from queries.examples import example_graph
    >>> targets = recruitment_targets(example_graph(), "chain:ev").records()
    >>> [(t.product_name, t.enterprise_name, t.score) for t in targets][:2]
    [('正极材料', '上海正极（示例）', 45.0), ('锂矿', '宜春锂业（示例）', 30.0)]
    >>> targets[1].derisk_effect
    '缺链→弱链；本地配套率 0.0%→100.0%；完整度 57.1%→71.4%；韧性 28.6%→28.6%'
    """
    view = chain_view(graph, chain_id)
    report = gap_report(view, chain_id, rule=rule)
    chain_name = view.name(chain_id)
    run = simulate or (lambda product, candidate: recruit_to_derisk(view, chain_id, product, candidate, rule=rule))
    rows = []
    gaps = [gap for gap in report.gaps() if gap.status in TARGET_STATUSES]
    for gap in gaps:
        for number, candidate in enumerate(recruitment_candidates(view, chain_id, gap.product, rule=rule).candidates, start=1):
            effect: dict[str, object] = {}
            if number <= effect_top:
                for figure in run(gap.product, candidate.enterprise).records():  # type: ignore[attr-defined]
                    effect[figure.figure] = figure.after_recruit
                    effect[f"{figure.figure}:before"] = figure.before_recruit
            rows.append(TargetRecord(
                order=0, chain_name=chain_name, product_name=gap.name, product=gap.product, status=gap.status, rank=gap.rank,
                candidate_rank=number, enterprise_name=candidate.name, enterprise=candidate.enterprise, region=candidate.region,
                score=candidate.score, local_customer_points=candidate.parts["本地客户"], leader_points=candidate.parts["供应链主"],
                scale_points=candidate.parts["规模"], tag_points=candidate.parts["标签"], in_province_points=candidate.parts["省内"],
                sole_source_points=candidate.parts["解除独家依赖"], reason=candidate.reason,
                status_after=_text(effect.get("产品状态")),
                local_sourcing_before=_share(effect.get("本地配套率:before")), local_sourcing_after=_share(effect.get("本地配套率")),
                completeness_before=_share(effect.get("完整度:before")), completeness_after=_share(effect.get("完整度")),
                resilience_before=_share(effect.get("韧性:before")), resilience_after=_share(effect.get("韧性")),
                derisk_effect=_effect_text(gap.status, effect) if effect else f"未推演（只推演每个产品的前 {effect_top} 名候选）",
            ))
    counts = report.counts()
    summary = TargetSummaryRecord(
        chain_name, counts[MISSING], counts[WEAK], len(rows),
        f"覆盖全部缺链、弱链产品；补链效果为引进推演结果，只推演每个产品得分前 {effect_top} 名的候选企业",
    )
    return target_list([rows], chain_id=chain_id, summary=(summary,))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _share(value: object) -> float | None:
    return round(value, 4) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


TARGET_SORTS = {"score": "按总分", "gap": "按缺口排名"}


def target_list(
    parts: Iterable[Iterable[TargetRecord]], *, chain_id: str | None = None, summary: Sequence[TargetSummaryRecord] = (),
    sort: str = "score", products: Collection[str] | None = None,
) -> TargetList:
    """Targets of one or more chains as one ranked list, numbered from 1.

    ``sort`` "score": highest score first, then 缺链 before 弱链 and the product's gap rank; "gap":
    by chain (in the order given), 缺链 before 弱链, gap rank, then the candidate's rank.
    ``products`` keeps the targets of those (chain's) products, e.g. those that concern a place.
    """
    if sort not in TARGET_SORTS:
        raise ValueError(f"排序可选：{'、'.join(TARGET_SORTS)}")
    rows = []
    for position, part in enumerate(parts):
        for record in part:
            if products is None or record.product in products:
                rows.append((position, record))

    def by_score(row: tuple[int, TargetRecord]) -> tuple[object, ...]:
        position, r = row
        return (-r.score, LIST_STATUSES.index(r.status), position, r.rank or 0, r.candidate_rank, r.enterprise)

    def by_gap(row: tuple[int, TargetRecord]) -> tuple[object, ...]:
        position, r = row
        return (position, LIST_STATUSES.index(r.status), r.rank or 0, r.candidate_rank, r.enterprise)

    rows.sort(key=by_score if sort == "score" else by_gap)
    return TargetList(chain_id, tuple(replace(r, order=n) for n, (_, r) in enumerate(rows, start=1)), tuple(summary))

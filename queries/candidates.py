"""Recruitment candidates (招商): who could fill a gap, and what recruiting them would change.

``recruitment_candidates`` lists the non-local enterprises that make a product (they produce it,
or supply it to someone) ranked by a transparent score whose parts are shown (``ScoreWeights``):

=====================  ==============================================================
part                   points (defaults)
=====================  ==============================================================
本地客户                10 per distinct local customer it already supplies, at most 3
供应链主                20 when it already supplies a 链主 of the chain
规模                    营收 ≥100 亿元: 20; ≥10 亿元: 10; ≥1 亿元: 5
标签                    小巨人 10, 单项冠军 10, 专精特新 5, 上市 5, 高新技术企业 3 (summed)
省内                    10 when it is in 江西省 (but not local)
解除独家依赖            15 when local firms that need the product now have exactly one
                        supplier of it, and that supplier is someone else
=====================  ==============================================================

``recruit_to_derisk`` simulates the recruitment: a new local enterprise (the candidate's local
project) that makes the product and supplies it to every local firm that needs or buys it, then
compares the chain's gap status and risk figures before and after.

>>> from queries.examples import example_graph
>>> report = recruitment_candidates(example_graph(), "chain:ev", "product:cathode")
>>> [(c.enterprise, c.score) for c in report.candidates]
[('ent:sh-cathode', 45.0)]
>>> report.candidates[0].reason
'已向2家本地企业供货；营收80亿元；小巨人、上市'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from queries.collector import pausing_gc
from queries.fast import Backend
from queries.gaps import GapRule, gap_report
from queries.indices import group_indices
from queries.labels import LabelledReport, Record
from queries.meanings import FOREIGN, HOME_COUNTRY, HOME_PROVINCE, IN_PROVINCE, SupplyLink
from queries.risks import chokepoints, sole_sources
from queries.view import ChainView, chain_view


@dataclass(frozen=True)
class ScoreWeights:
    """Points of each part of a candidate's score (see the module docstring)."""

    per_local_customer: float = 10.0
    max_local_customers: int = 3
    supplies_leader: float = 20.0
    scale: tuple[tuple[float, float], ...] = ((100.0, 20.0), (10.0, 10.0), (1.0, 5.0))
    tags: tuple[tuple[str, float], ...] = (("小巨人", 10.0), ("单项冠军", 10.0), ("专精特新", 5.0), ("上市", 5.0), ("高新技术企业", 3.0))
    in_province: float = 10.0
    ends_sole_source: float = 15.0


PARTS = ("本地客户", "供应链主", "规模", "标签", "省内", "解除独家依赖")


@dataclass(frozen=True)
class Candidate:
    """One external maker of the product, its score parts and a one-line reason."""

    enterprise: str
    name: str
    geography: str
    region: str
    score: float
    parts: dict[str, float]
    local_customers: tuple[str, ...]
    leaders_supplied: tuple[str, ...]
    revenue_yi: float | None
    tags: tuple[str, ...]
    sole_sources_ended: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class CandidateRecord(Record):
    """招商候选: one candidate with its rank, the points of each part of its score and its reason."""

    rank: int
    enterprise_name: str
    enterprise: str
    geography: str
    region: str
    score: float
    local_customer_points: float
    leader_points: float
    scale_points: float
    tag_points: float
    in_province_points: float
    sole_source_points: float
    customer_count: int
    revenue_yi: float | None
    tags: tuple[str, ...]
    reason: str  # the parts that scored, in one Chinese sentence


@dataclass(frozen=True)
class CandidateSummaryRecord(Record):
    """概要: the product, its current status and how many candidates make it."""

    chain: str
    product: str
    product_name: str
    current_status: str
    candidate_count: int


@dataclass(frozen=True)
class CandidateReport(LabelledReport[CandidateRecord]):
    """Candidates for one product of one chain, best first."""

    chain_id: str
    product: str
    product_name: str
    status: str
    candidates: tuple[Candidate, ...]

    def _build(self) -> dict[str, Sequence[Record]]:
        """candidates 招商候选, best first; summary 概要."""
        candidates = [
            CandidateRecord(
                rank=rank, enterprise_name=c.name, enterprise=c.enterprise, geography=c.geography, region=c.region,
                score=c.score, local_customer_points=c.parts["本地客户"], leader_points=c.parts["供应链主"],
                scale_points=c.parts["规模"], tag_points=c.parts["标签"], in_province_points=c.parts["省内"],
                sole_source_points=c.parts["解除独家依赖"], customer_count=len(c.local_customers),
                revenue_yi=c.revenue_yi, tags=c.tags, reason=c.reason,
            )
            for rank, c in enumerate(self.candidates, start=1)
        ]
        return {
            "candidates": candidates,
            "summary": [CandidateSummaryRecord(
                self.chain_id, self.product, self.product_name, self.status, len(self.candidates)
            )],
        }


@pausing_gc
def recruitment_candidates(
    graph: nx.MultiDiGraph | ChainView,
    chain_id: str,
    product: str,
    *,
    weights: ScoreWeights = ScoreWeights(),
    rule: GapRule = GapRule(),
) -> CandidateReport:
    """The external enterprises that make ``product``, ranked by a score whose parts are shown.

    Parameters
    ----------
    graph : networkx.MultiDiGraph or ChainView
    chain_id : str
    product : str
        A product of the chain (typically a 缺链 / 弱链 one from ``gap_report``).
    weights : ScoreWeights
    rule : GapRule
        Only used to report the product's current status.

    Raises
    ------
    networkx.NodeNotFound
        When the product is not one of the chain's products.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> best = recruitment_candidates(example_graph(), "chain:ev", "product:lithium").candidates[0]
    >>> best.enterprise, best.parts["省内"], best.parts["解除独家依赖"]
    ('ent:jx-mine', 10.0, 0.0)
    """
    view = chain_view(graph, chain_id, scope="local")  # recruiting is for Nanchang: always its local firms
    if product not in view.product_info:
        raise nx.NodeNotFound(f"{product} 不是产业链“{view.name(chain_id)}”的产品")
    makers = set(view.producers.get(product, ()))
    makers |= {link.supplier for link in view.links if link.product == product}
    needers = set(view.local_needers(product)) | set(view.local_buyers(product))
    sole_supplier = {e: view.suppliers(e, product) for e in needers}
    found = []
    for enterprise in sorted(e for e in makers if not view.is_local(e)):
        customers = tuple(sorted({link.customer for link in view.customers.get(enterprise, ()) if view.is_local(link.customer)}))
        leaders = tuple(c for c in customers if c in view.leaders)
        revenue = view.attrs[enterprise].get("revenue_yi")
        tags = view.tags(enterprise)
        ended = tuple(sorted(
            e for e, sups in sole_supplier.items()
            if len(sups) == 1 and enterprise not in sups and not view.unregistered_share(e, product)  # a real sole source
        ))
        parts = {
            "本地客户": weights.per_local_customer * min(len(customers), weights.max_local_customers),
            "供应链主": weights.supplies_leader if leaders else 0.0,
            "规模": next((points for floor, points in weights.scale if (revenue or 0) >= floor), 0.0),
            "标签": sum(points for tag, points in weights.tags if tag in tags),
            "省内": weights.in_province if view.geography(enterprise) == IN_PROVINCE else 0.0,
            "解除独家依赖": weights.ends_sole_source if ended else 0.0,
        }
        parts = {part: float(points) for part, points in parts.items()}
        found.append(Candidate(
            enterprise=enterprise,
            name=view.name(enterprise),
            geography=view.geography(enterprise),
            region=view.region(enterprise),
            score=round(sum(parts.values()), 4),
            parts=parts,
            local_customers=customers,
            leaders_supplied=leaders,
            revenue_yi=revenue,
            tags=tags,
            sole_sources_ended=ended,
            reason=_reason(view, customers, leaders, revenue, tags, ended, enterprise),
        ))
    found.sort(key=lambda c: (-c.score, -(c.revenue_yi or 0.0), c.enterprise))
    status = gap_report(view, chain_id, rule=rule).status_of(product)
    return CandidateReport(chain_id, product, view.name(product), status, tuple(found))


def _reason(view: ChainView, customers: tuple[str, ...], leaders: tuple[str, ...], revenue: float | None,
            tags: tuple[str, ...], ended: tuple[str, ...], enterprise: str) -> str:
    parts = []
    if customers:
        parts.append(f"已向{len(customers)}家本地企业供货")
    if leaders:
        parts.append(f"向链主{'、'.join(view.name(e) for e in leaders)}供货")
    if revenue:
        parts.append(f"营收{revenue:g}亿元")
    shown = [tag for tag in tags if tag in ("小巨人", "单项冠军", "专精特新", "上市", "高新技术企业")]
    if shown:
        parts.append("、".join(shown))
    where = view.geography(enterprise)
    if where == IN_PROVINCE:
        parts.append("省内企业，配套半径短")
    elif where == FOREIGN:
        parts.append(f"境外企业（{view.attrs[enterprise].get('country')}）")
    if ended:
        parts.append(f"可解除{len(ended)}家本地企业对单一供应商的依赖")
    return "；".join(parts) or "生产该产品，暂无本地合作记录"


@dataclass(frozen=True)
class RecruitFigureRecord(Record):
    """引进效果: one figure of the chain before and after the recruitment, and its change."""

    figure: str
    before_recruit: object
    after_recruit: object
    change: object


@dataclass(frozen=True)
class RecruitStatusRecord(Record):
    """状态变化: a product whose gap status the recruitment changes."""

    product: str
    product_name: str
    before_recruit: str
    after_recruit: str


@dataclass(frozen=True)
class RecruitSimulation(LabelledReport[RecruitFigureRecord]):
    """The chain's figures before and after recruiting a candidate for a product."""

    chain_id: str
    product: str
    candidate: str
    new_enterprise: str
    figures: tuple[tuple[str, object, object], ...]
    status_changes: tuple[tuple[str, str, str, str], ...]

    def _build(self) -> dict[str, Sequence[Record]]:
        """effects 引进效果: one record per figure, its change a number's difference, else 不变 / 有变化;
        status_changes 状态变化."""
        effects = [
            RecruitFigureRecord(
                name, before, after,
                round(after - before, 4) if isinstance(before, (int, float)) and isinstance(after, (int, float))
                and not isinstance(before, bool) else ("不变" if before == after else "有变化"),
            )
            for name, before, after in self.figures
        ]
        return {
            "effects": effects,
            "status_changes": [RecruitStatusRecord(*change) for change in self.status_changes],
        }


@pausing_gc
def recruit_to_derisk(
    graph: nx.MultiDiGraph | ChainView,
    chain_id: str,
    product: str,
    candidate: str,
    *,
    rule: GapRule = GapRule(),
    backend: Backend = "igraph",
) -> RecruitSimulation:
    """Simulate recruiting ``candidate`` as a local producer and supplier of ``product``.

    The simulation adds a new local enterprise ``"<candidate>#本地项目"`` (the candidate's local
    plant, no revenue yet) that produces the product and supplies it to every local enterprise of
    the chain that needs or buys it (links without share or amount, so each buyer's supply is then
    split equally). A buyer that gets the product from the candidate alone moves that supply to
    the plant: it is still one company, so that sole source is not ended (as the candidate's score
    says). The plant buys each input of the product from the candidate's own suppliers of it, or,
    where the candidate has none, from the input's local producers (延链 builds on them). The graph
    is not modified.

    Returns
    -------
    RecruitSimulation
        ``records()``: figure 指标 / before 引进前 / after 引进后 / change 变化 for the product's status,
        its local producers and 本地配套率, the chain's counts of 缺链/延链/弱链/强链, sole-source pairs,
        inputs without a known supplier, completeness, resilience and the 链主's chokepoints.

    Raises
    ------
    networkx.NodeNotFound
        When the product is not a product of the chain or the candidate is not an enterprise of it.
    ValueError
        When the candidate is already a local enterprise.

    Examples
    --------
    >>> from queries.examples import example_graph
    >>> sim = recruit_to_derisk(example_graph(), "chain:ev", "product:cathode", "ent:sh-cathode")
    >>> {record.figure: (record.before_recruit, record.after_recruit) for record in sim.records()}["产品状态"]
    ('弱链', '强链')
    """
    view = chain_view(graph, chain_id, scope="local")
    if product not in view.product_info:
        raise nx.NodeNotFound(f"{product} 不是产业链“{view.name(chain_id)}”的产品")
    if candidate not in view.attrs:
        raise nx.NodeNotFound(f"企业 {candidate} 不在产业链“{view.name(chain_id)}”中")
    if view.is_local(candidate):
        raise ValueError(f"{view.name(candidate)} 已是本地企业；引进推演只针对外地企业（见招商候选名单）")
    new_id = f"{candidate}#本地项目"
    source = view.attrs[candidate]
    attrs = {
        "label": "Enterprise", "name": f"{view.name(candidate)}（拟引进本地项目）", "local": True,
        "country": HOME_COUNTRY, "province": HOME_PROVINCE, "tags": list(source.get("tags") or []), "synthetic": True,
    }
    buyers = sorted(set(view.local_needers(product)) | set(view.local_buyers(product)))
    inputs = view.inputs.get(product, frozenset())
    inherited = []
    for item in sorted(inputs):
        own = view.supply_links(candidate, item)
        inherited += [
            SupplyLink(link.supplier, new_id, link.product, link.share, link.amount_wan, link.as_of, link.confidence)
            for link in own
        ] or [SupplyLink(maker, new_id, item) for maker in sorted(view.local_producers(item))]
    moved = {buyer: view.supply_links(buyer, product)[0] for buyer in buyers if view.suppliers(buyer, product) == {candidate}}
    after = view.with_changes(
        enterprises={new_id: attrs},
        produces=[(new_id, product)],
        links=[
            *(SupplyLink(new_id, buyer, product, moved[buyer].share, moved[buyer].amount_wan) if buyer in moved
              else SupplyLink(new_id, buyer, product) for buyer in buyers),  # a moved supply keeps its share
            *inherited,
        ],
        removed_links=[(candidate, buyer, product) for buyer in moved],
    )
    figures: list[tuple[str, object, object]] = []
    gaps = (gap_report(view, chain_id, rule=rule), gap_report(after, chain_id, rule=rule))
    items = [g.by_product()[product] for g in gaps]
    figures.append(("产品状态", items[0].status, items[1].status))
    figures.append(("本地生产企业数", len(items[0].local_producers), len(items[1].local_producers)))
    figures.append(("本地配套率", items[0].local_sourcing, items[1].local_sourcing))
    counts = (gaps[0].counts(), gaps[1].counts())
    figures += [(f"{status}产品数", counts[0][status], counts[1][status]) for status in counts[0]]
    sole = (sole_sources(view, chain_id), sole_sources(after, chain_id))
    figures.append(("独家供应对数", len(sole[0].pairs), len(sole[1].pairs)))
    figures.append(("无已知供应商对数", len(sole[0].unsupplied), len(sole[1].unsupplied)))
    figures.append(("单一供应商投入数", len(sole[0].single_supplier_inputs), len(sole[1].single_supplier_inputs)))
    index = (group_indices(view, view.local_enterprises), group_indices(after, after.local_enterprises))
    figures.append(("完整度", index[0].completeness, index[1].completeness))
    figures.append(("韧性", index[0].resilience, index[1].resilience))
    chokes = (chokepoints(view, chain_id, backend=backend), chokepoints(after, chain_id, backend=backend))
    figures.append(("链主卡点数", len(chokes[0].chokepoints), len(chokes[1].chokepoints)))
    before_status = gaps[0].by_product()
    changes = tuple(
        (item.product, item.name, before_status[item.product].status, item.status)
        for item in gaps[1].products
        if before_status[item.product].status != item.status
    )
    return RecruitSimulation(chain_id, product, candidate, new_id, tuple(figures), changes)


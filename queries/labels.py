"""The Chinese column labels of the analyses' records: one table, applied only at the edges.

Every analysis gives its tables as typed records (frozen dataclasses, subclasses of ``Record``)
with English field names: ``report.records()`` is the main table, ``report.record_tables()`` every
table, keyed by English table names. The edges — pages, Excel and CSV downloads, CLI tables —
show them with Chinese column headings; ``labelled`` turns records into those rows (dicts keyed by
``LABELS[field]`` in the record's field order, tuples as lists) and ``labelled_tables`` names the
tables by ``TABLE_TITLES``. A field means the same in every record that has it, so it has one
label; a label may serve several fields (产业链 heads a chain's id in a summary, its name in a
breakdown and a list of names for an enterprise).

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Example(Record):
...     enterprise_name: str
...     enterprise: str
...     tags: tuple[str, ...]
>>> labelled([Example("南昌汽车（示例）", "ent:lead", ("链主", "上市"))])
[{'企业': '南昌汽车（示例）', '企业ID': 'ent:lead', '标签': ['链主', '上市']}]
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import typing
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar, cast


class Record:
    """A row of an analysis table: a frozen dataclass whose every field has a label in ``LABELS``."""

    __slots__ = ()


R = TypeVar("R", bound=Record)
T = TypeVar("T")


def _per_kind(function: Callable[[type[Record]], T]) -> Callable[[type[Record]], T]:
    """``functools.cache`` for a function of a record type (mypy does not see a class as Hashable)."""
    return cast("Callable[[type[Record]], T]", functools.cache(function))

LABELS: dict[str, str] = {
    # enterprises, products and the chain a row is about (an id, and its name where the row shows one)
    "enterprise": "企业ID",
    "enterprise_name": "企业",
    "product": "产品ID",
    "product_name": "产品名称",
    "input_name": "投入品",
    "chain": "产业链ID",
    "name": "名称",
    "node": "ID",
    "level": "层级",
    "stage": "阶段",
    "segment": "环节",
    "geography": "地区",
    "region": "省份/国家",
    "recorded_place": "记录的所在地",
    "revenue_yi": "营收(亿元)",
    "tags": "标签",
    "rank": "排名",
    "status": "状态",
    # risks (关键依赖 and the tables it is built from)
    "severity": "严重程度",
    "kind": "类型",
    "related_names": "相关企业",
    "high_count": "高(项)",
    "medium_count": "中(项)",
    "low_count": "低(项)",
    "local_firms_hit": "受影响本地企业(家)",
    "local_firm_share": "占本链本地企业比例",
    "local_revenue_hit_yi": "受影响本地营收(亿元)",
    "local_revenue_share": "占本链本地营收比例",
    "leaders_hit_names": "受影响链主",
    "substitute": "替代来源",
    "evidence": "证据",
    "sole_supplier_name": "唯一供应商",
    "sole_supplier": "供应商ID",
    "required": "必需投入品",
    "required_input_name": "必需投入品",
    "buyer_count": "本地采购企业数",
    "buyer_names": "本地采购企业",
    "target_name": "目标企业",
    "target": "目标ID",
    "chokepoint_name": "卡点企业",
    "chokepoint": "卡点ID",
    "chokepoint_place": "卡点所在地",
    "dependents": "依赖它的上游供应商数",
    "other_upstream": "其他上游供应商数",
    "share": "占比",
    "component_size": "所在网络企业数",
    "parts": "移除后分成几部分",
    "separated": "被分离企业数",
    "first_name": "企业甲",
    "first": "甲ID",
    "second_name": "企业乙",
    "second": "乙ID",
    "first_side": "甲侧企业数",
    "second_side": "乙侧企业数",
    "smaller_side": "较小一侧企业数",
    "supplier_hhi": "供应商HHI",
    "region_hhi": "地区HHI",
    "outside_province_share": "省外采购占比",
    "abroad_share": "境外采购占比",
    "top_supplier_name": "最大供应商",
    "top_supplier_share": "最大供应商占比",
    "suppliers": "供应商数",
    "top_region": "最大来源地",
    "top_region_share": "最大来源地占比",
    "unregistered_share": "未登记来源占比",
    # gaps and the chain map
    "action": "建议",
    "local_producer_count": "本地生产企业数",
    "in_province_producer_count": "省内生产企业数",
    "rest_of_china_producer_count": "国内其他生产企业数",
    "foreign_producer_count": "境外生产企业数",
    "local_producer_names": "本地生产企业",
    "needer_count": "本地需求企业数",
    "local_sourcing": "本地配套率",
    "strong_input_share": "投入品强链占比",
    "dependent_count": "依赖企业数",
    "dependent_revenue_yi": "依赖企业营收(亿元)",
    "leaders_needing": "链主需要",
    "basis": "依据",
    "missing": "缺链",
    "extension": "延链",
    "weak": "弱链",
    "strong": "强链",
    "rule": "规则",
    "leader_names": "链主",
    "product_count": "产品数",
    "locally_made_count": "有本地生产的产品数",
    # revenue against the 2026 target (chain map, indices)
    "local_revenue_yi": "本地营收(亿元)",
    "target_yi": "2026目标(亿元)",
    "completion": "完成率",
    "base_year": "基准年",
    "growth_needed": "尚需年均增速",
    "description": "说明",
    # recruitment candidates and the recruitment simulation
    "score": "总分",
    "local_customer_points": "本地客户分",
    "leader_points": "供应链主分",
    "scale_points": "规模分",
    "tag_points": "标签分",
    "in_province_points": "省内分",
    "sole_source_points": "解除独家依赖分",
    "customer_count": "本地客户数",
    "reason": "理由",
    "current_status": "当前状态",
    "candidate_count": "候选企业数",
    "figure": "指标",
    "before_recruit": "引进前",
    "after_recruit": "引进后",
    "change": "变化",
    # disruption
    "lost_required_names": "失去的必需投入品",
    "chain_names": "产业链",
    "cluster_names": "集群",
    "scope": "范围",
    "removed_count": "移除企业数",
    "disrupted_count": "连锁中断企业数",
    "revenue_at_risk": "受影响营收(亿元)",
    "local_revenue_at_risk": "本地受影响营收(亿元)",
    "share_of_local_revenue": "占本地营收比例",
    "local_disrupted_count": "本地连锁中断企业(家)",
    "outside_disrupted_count": "外地连锁中断企业(家)",
    "removed_revenue": "移除企业自身营收(亿元)",
    "leader_name": "链主",
    "lost_product_names": "本地断供产品",
    "chain_name": "产业链",
    "chain_id": "产业链ID",
    "cluster_name": "集群",
    "cluster_id": "集群ID",
    "lost_input_names": "失去的投入品",
    "lost_share": "损失比例",
    # indices
    "local_enterprise_count": "本地企业数",
    "completeness": "完整度",
    "resilience": "韧性",
    "concentration_hhi": "集中度HHI",
    # changes (之前 / 之后 head the two states; the gap-change table names them, e.g. by date)
    "supplier_name": "供应方",
    "supplier": "供应方ID",
    "customer_name": "采购方",
    "customer": "采购方ID",
    "link_product_name": "产品",
    "link_product": "产品ID",
    "share_before": "之前占比",
    "share_after": "之后占比",
    "amount_before": "之前金额(万元)",
    "amount_after": "之后金额(万元)",
    "as_of": "日期",
    "before": "之前",
    "after": "之后",
    "links_added": "新增链接",
    "links_lost": "消失链接",
    "links_changed": "变更链接",
    "gaps_filled": "缺口补齐",
    "gaps_opened": "新增缺口",
    # the lists (重点企业清单, 缺链补链清单, 招商目标清单)
    "order": "序号",
    "key_kinds": "重点类型",
    "district": "区县",
    "park_names": "所在园区",
    "product_names": "主要产品",
    "enterprise_count": "企业数(家)",
    "place_dependent_count": "所选地区依赖企业数",
    "candidate_rank": "候选排名",
    "status_after": "引进后状态",
    "local_sourcing_before": "引进前本地配套率",
    "local_sourcing_after": "引进后本地配套率",
    "completeness_before": "引进前完整度",
    "completeness_after": "引进后完整度",
    "resilience_before": "引进前韧性",
    "resilience_after": "引进后韧性",
    "derisk_effect": "补链效果",
    "suppliers_added": "新增供应商",
    "suppliers_dropped": "退出供应商",
    "facilities_added": "新增设施",
    "facilities_dropped": "退出设施",
    "countries_added": "新增国家/地区",
    "countries_dropped": "退出国家/地区",
    "member": "名单对象",
    # facilities (queries.sites)
    "country": "国家/地区",
    "province": "省份",
    "firm_count": "企业数",
    "facility_count": "设施数",
    "facility_share": "设施占比",
    "detail": "说明",
}

TABLE_TITLES: dict[str, str] = {
    "summary": "概要",
    "dependencies": "关键依赖",
    "severity_counts": "按产业链和类型汇总",
    "sole_sources": "独家供应",
    "single_supplier_inputs": "单一供应商投入",
    "unsupplied": "无已知供应商",
    "chokepoints": "卡点",
    "cut_points": "割点",
    "bridges": "桥",
    "concentration": "集中度",
    "unknown_places": "地点未知（数据缺口）",
    "gaps": "缺口",
    "coverage": "产品覆盖",
    "candidates": "招商候选",
    "effects": "引进效果",
    "status_changes": "状态变化",
    "affected": "受影响企业",
    "by_chain": "按产业链",
    "by_cluster": "按集群",
    "by_leader": "按链主",
    "lost_products": "本地断供产品",
    "lost_inputs": "失去的其他投入品",
    "partial_losses": "部分损失",
    "indices": "指数",
    "link_changes": "链接变化",
    "gap_changes": "缺口变化",
    "key_enterprises": "重点企业",
    "kind_counts": "按类型汇总",
    "gap_list": "缺链补链",
    "status_counts": "按产业链汇总",
    "targets": "招商目标",
    "member_changes": "名单变化",
    "by_country": "按国家和地区",
    "by_province": "按省份",
}


FOCUS_WORDS = {"local": "本地", "all": "网络内"}
"""What a heading calls the firms in focus (``queries.view`` scope): 本地 firms, or every firm in the network."""


def in_focus(label: str, scope: str | None) -> str:
    """A heading as it reads for the firms in focus: as written (本地…) for ``local`` (and None),
    with 本地 replaced by 网络内 for ``all``, so a column says what it counts.

    >>> in_focus("受影响本地企业(家)", "all"), in_focus("本地营收(亿元)", "local"), in_focus("占本链本地企业比例", "all")
    ('受影响网络内企业(家)', '本地营收(亿元)', '占本链网络内企业比例')
    """
    return label.replace(FOCUS_WORDS["local"], FOCUS_WORDS["all"]) if scope == "all" else label


@functools.cache
def focus_labels(scope: str | None) -> Mapping[str, str]:
    """``LABELS`` with every heading ``in_focus`` of ``scope`` (the pages' ``labels`` under a scope).

    >>> focus_labels("all")["local_enterprise_count"], focus_labels("local")["local_enterprise_count"]
    ('网络内企业数', '本地企业数')
    """
    return LABELS if scope != "all" else {field: in_focus(label, scope) for field, label in LABELS.items()}


def focus_of(result: object) -> str:
    """The firms a result counts, ``local`` or ``all``: its ``focus``, else its ``scope`` when that
    names them (a disruption's ``scope`` describes what was taken out), else ``local``.

    >>> from types import SimpleNamespace
    >>> focus_of(SimpleNamespace(scope="all")), focus_of(SimpleNamespace(scope="企业 甲", focus="all")), focus_of(object())
    ('all', 'all', 'local')
    """
    for name in ("focus", "scope"):
        value = getattr(result, name, None)
        if value in FOCUS_WORDS:
            return str(value)
    return "local"


@_per_kind
def columns(kind: type[Record]) -> tuple[tuple[str, str], ...]:
    """(field, label) of each field of a record type, in field order."""
    return tuple((field.name, LABELS[field.name]) for field in dataclasses.fields(kind))  # type: ignore[arg-type]


def labelled(records: Iterable[Record], headings: Mapping[str, str] | None = None, *,
             focus: str | None = None) -> list[dict[str, Any]]:
    """Records as rows for the edges: dicts keyed by each field's label, in field order.

    ``headings`` overrides the label of a field where a table names its columns after its data
    (the gap-change table of ``changes`` heads its two states by their dates); ``focus`` ``"all"``
    heads what counts the firms in focus 网络内… instead of 本地… (``in_focus``). A field declared
    as a tuple becomes a list, so a row is what JSON, CSV and Excel writers take.
    """
    rows = []
    kind: type | None = None
    for record in records:
        if type(record) is not kind:  # a table holds one kind of record: plan its columns once
            kind = type(record)
            keys = [in_focus(headings.get(field, label) if headings else label, focus) for field, label in columns(kind)]
            values, listed = _reader(kind)
            listed_keys = [keys[i] for i in listed]
        row = dict(zip(keys, values(record), strict=True))
        for key in listed_keys:
            row[key] = list(row[key])
        rows.append(row)
    return rows


@_per_kind
def _reader(kind: type[Record]) -> tuple[Callable[[Record], tuple[Any, ...]], tuple[int, ...]]:
    """A function giving a record's values in field order, and the positions of its tuple fields."""
    names = [field for field, _ in columns(kind)]
    hints = typing.get_type_hints(kind)
    listed = tuple(i for i, name in enumerate(names) if typing.get_origin(hints[name]) is tuple)
    if len(names) == 1:  # attrgetter of one name gives the value itself
        return (lambda record: (getattr(record, names[0]),)), listed
    return operator.attrgetter(*names), listed


def labelled_tables(
    tables: Mapping[str, Sequence[Record]], headings: Mapping[str, Mapping[str, str]] | None = None, *,
    focus: str | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Each table of a ``record_tables()`` labelled and named by its title (``headings``: per table
    name; ``focus``: the firms in focus, as for ``labelled`` — the titles stay, they name the tables
    for ``table=``)."""
    return {TABLE_TITLES[name]: labelled(records, (headings or {}).get(name), focus=focus) for name, records in tables.items()}


class LabelledReport(ABC, Generic[R]):
    """A report whose tables are typed records (main table of ``R``), labelled by ``rows()`` / ``tables()``.

    A report is immutable, so its records are built once, on first use (``_build``), and kept.
    """

    __slots__ = ()

    @abstractmethod
    def _build(self) -> Mapping[str, Sequence[Record]]:
        """Every table as records, keyed by English table name (``TABLE_TITLES``), the main one first."""

    @functools.cached_property
    def _built(self) -> dict[str, tuple[Record, ...]]:
        return {name: tuple(records) for name, records in self._build().items()}

    def records(self) -> tuple[R, ...]:
        """The main table's records."""
        return cast("tuple[R, ...]", next(iter(self._built.values())))  # the main table holds R's

    def record_tables(self) -> dict[str, tuple[Record, ...]]:
        """Every table as records, keyed by English table name, the main one first."""
        return dict(self._built)

    def headings(self) -> dict[str, dict[str, str]]:
        """Per table, the fields whose column a report heads after its data (never in the main table)."""
        return {}

    def rows(self) -> list[dict[str, Any]]:
        """The main table, labelled for the edges (headed for the firms in focus, ``focus_of``)."""
        return labelled(self.records(), focus=focus_of(self))

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every table, labelled and titled for the edges, the main one first."""
        return labelled_tables(self._built, self.headings(), focus=focus_of(self))

"""Pydantic models that validate every node and relationship before it reaches a store.

Stores keep only flat property maps (strings, numbers, booleans, lists of strings): the models'
``properties()`` turn validated objects into exactly that, dropping unset (None) values.

>>> chain = Chain(id="chain:aviation", name="航空", kind="新兴", target_2026_yi=1600)
>>> chain.properties()["target_2026_yi"]
1600.0
>>> Supplies(src="ent:a", dst="ent:b", product="product:cell", confidence="reported").key
'product:cell'
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from graph_schema.credit_code import credit_code_problem
from graph_schema.registry import NODE_LABELS, RELATIONSHIP_TYPES, check_relationship_endpoints, label_of

Stage = Literal["上游", "中游", "下游"]
ChainKind = Literal["新兴", "特色"]
ParkKind = Literal["区县", "开发区", "平台", "园区"]
BaseRole = Literal["主阵地", "配套", "协同", "平台"]
Confidence = Literal["verified", "reported", "inferred"]
ENTERPRISE_TAGS = ("链主", "专精特新", "小巨人", "单项冠军", "上市", "高新技术企业", "规上")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    source: str | None = Field(default=None, description="数据来源：文件、工作表、行，或规划条文")
    as_of: dt.date | None = Field(default=None, description="数据日期")
    synthetic: bool = Field(default=False, description="示例数据（虚构）")
    quote: str | None = Field(default=None, description="原文依据：规划中的原句")

    def properties(self) -> dict[str, Any]:
        """The flat property map a store keeps: None dropped, dates as ISO strings."""
        return self.model_dump(mode="json", exclude_none=True, exclude=self._structural_fields())

    def properties_json(self) -> str:
        """``properties()`` as JSON text, serialised in one step (the embedded store's fast path)."""
        return self.model_dump_json(exclude_none=True, exclude=self._structural_fields())

    def _structural_fields(self) -> set[str]:
        return set()


class _Observed(BaseModel):
    """Observations: the dates a record was seen in a list (a yearly supplier list, a survey).

    ``seen`` accumulates in the stores: writing a record unions its dates with the stored ones, so a
    yearly import adds its year and erases none; ``first_seen`` / ``last_seen`` are its first and last
    date. ``listing`` names the list the dates come from: as of a date D a record counts as present
    when the latest date of its list on or before D is one of its own (``queries.observations``).

    >>> link = Supplies(src="ent:a", dst="ent:b", seen=["2022-12-31", "2021-12-31", "2022-12-31"])
    >>> link.properties()["seen"], link.first_seen, link.last_seen
    (['2021-12-31', '2022-12-31'], datetime.date(2021, 12, 31), datetime.date(2022, 12, 31))
    """

    seen: list[dt.date] | None = Field(default=None, description="观测日期")
    first_seen: dt.date | None = Field(default=None, description="首次观测")
    last_seen: dt.date | None = Field(default=None, description="最近观测")
    listing: str | None = Field(default=None, max_length=200, description="观测所属名单")

    @model_validator(mode="after")
    def _period(self) -> _Observed:
        if self.seen:
            self.seen = sorted(set(self.seen))
            self.first_seen, self.last_seen = self.seen[0], self.seen[-1]
        else:
            self.seen = None
        return self


class Node(_Record):
    """A node of any label; subclasses set ``label``."""

    label: ClassVar[str]
    id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _id_matches_label(self) -> Node:
        if label_of(self.id) != self.label:
            prefix = NODE_LABELS[self.label].id_prefix
            raise ValueError(f"id {self.id!r} of a {self.label} must start with {prefix!r}")
        return self


class Enterprise(_Observed, Node):
    """An enterprise, keyed by its 统一社会信用代码 when known, else by a stable ``ent:`` id."""

    label: ClassVar[str] = "Enterprise"
    credit_code: str | None = None
    aliases: list[str] = Field(default_factory=list)
    country: str = "中国"
    province: str | None = None
    city: str | None = None
    district: str | None = None
    local: bool = Field(default=False, description="本地企业（南昌市内）")
    revenue_yi: float | None = Field(default=None, ge=0, le=100000, description="营业收入（亿元）")
    tags: list[str] = Field(default_factory=list)

    @field_validator("credit_code")
    @classmethod
    def _valid_credit_code(cls, code: str | None) -> str | None:
        if code is not None and (problem := credit_code_problem(code)):
            raise ValueError(problem)
        return code

    @field_validator("tags")
    @classmethod
    def _known_tags(cls, tags: list[str]) -> list[str]:
        unknown = [tag for tag in tags if tag not in ENTERPRISE_TAGS]
        if unknown:
            raise ValueError(f"未知企业标签 {unknown}；可用：{'、'.join(ENTERPRISE_TAGS)}")
        return sorted(set(tags), key=ENTERPRISE_TAGS.index)

    @model_validator(mode="after")
    def _id_is_credit_code(self) -> Enterprise:
        if not self.id.startswith("ent:") and self.credit_code not in (None, self.id):
            raise ValueError("an enterprise keyed by credit code must have id == credit_code")
        if not self.id.startswith("ent:") and self.credit_code is None:
            self.credit_code = self.id
        return self


class _PlaceInChain(BaseModel):
    """Where in a chain: the segment (环节) and stage 上游/中游/下游 — a product's own, or the one it
    has in one chain (IN_CHAIN)."""

    segment: str | None = None
    stage: Stage | None = None


class Product(_PlaceInChain, Node):
    """A product or process step of a chain, with its stage 上游/中游/下游."""

    label: ClassVar[str] = "Product"


class Chain(Node):
    """One of the plan's key industrial chains (产业链)."""

    label: ClassVar[str] = "Chain"
    kind: ChainKind
    target_2026_yi: float | None = Field(default=None, gt=0, description="2026年营业收入目标（亿元）")
    segments: list[str] = Field(default_factory=list)
    plan_order: int | None = Field(default=None, ge=1, le=1000, description="在规划中的顺序")


class Cluster(Node):
    """A signature industrial cluster (标志性产业集群)."""

    label: ClassVar[str] = "Cluster"
    focus_links: list[str] = Field(default_factory=list)


class Park(Node):
    """A district, development zone, platform or park; containment is a LOCATED_IN relationship."""

    label: ClassVar[str] = "Park"
    kind: ParkKind = "园区"
    district: str | None = None


class Facility(_Observed, Node):
    """A site of an enterprise (生产基地): where it is, and the dates a list showed it (``seen``).

    >>> Facility(id="site:x", name="Guangdong, 中国", country="中国", province="广东省", seen=["2022-12-31"]).last_seen
    datetime.date(2022, 12, 31)
    """

    label: ClassVar[str] = "Facility"
    country: str = "中国"
    province: str | None = None
    city: str | None = None
    address: str | None = None


class Relationship(_Record):
    """A relationship of any type; subclasses set ``type``."""

    type: ClassVar[str]
    src: str = Field(min_length=1)
    dst: str = Field(min_length=1)

    def _structural_fields(self) -> set[str]:
        return {"src", "dst"}

    @property
    def key(self) -> str:
        """The value that tells apart parallel relationships of this type between the same nodes."""
        key_property = RELATIONSHIP_TYPES[self.type].key_property
        return str(getattr(self, key_property) or "") if key_property else ""

    @model_validator(mode="after")
    def _endpoints_allowed(self) -> Relationship:
        check_relationship_endpoints(self.type, label_of(self.src), label_of(self.dst))
        return self


class Supplies(_Observed, Relationship):
    """Supplier ``src`` supplies customer ``dst``; one relationship per product."""

    type: ClassVar[str] = "SUPPLIES"
    product: str | None = Field(default=None, description="产品 id")
    amount_wan: float | None = Field(default=None, ge=0, description="金额（万元）")
    share: float | None = Field(default=None, ge=0, le=1, description="占采购方该产品采购的比例")
    confidence: Confidence = "reported"

    @model_validator(mode="after")
    def _not_self(self) -> Supplies:
        if self.src == self.dst:
            raise ValueError("an enterprise cannot supply itself")
        return self


class Produces(Relationship):
    type: ClassVar[str] = "PRODUCES"


class InputTo(Relationship):
    type: ClassVar[str] = "INPUT_TO"
    provenance: Literal["curated", "imported", "inferred"] = "curated"


class InChain(_PlaceInChain, Relationship):
    type: ClassVar[str] = "IN_CHAIN"


class LocatedIn(Relationship):
    type: ClassVar[str] = "LOCATED_IN"


class MemberOf(Relationship):
    type: ClassVar[str] = "MEMBER_OF"


class ClusterOf(Relationship):
    type: ClassVar[str] = "CLUSTER_OF"


class BasedIn(Relationship):
    type: ClassVar[str] = "BASED_IN"
    role: BaseRole


class Leads(Relationship):
    type: ClassVar[str] = "LEADS"


class HasSite(Relationship):
    type: ClassVar[str] = "HAS_SITE"


NODE_MODELS: dict[str, type[Node]] = {
    model.label: model for model in (Enterprise, Product, Chain, Cluster, Park, Facility)
}
RELATIONSHIP_MODELS: dict[str, type[Relationship]] = {
    model.type: model
    for model in (Supplies, Produces, InputTo, InChain, LocatedIn, MemberOf, ClusterOf, BasedIn, Leads, HasSite)
}
assert set(NODE_MODELS) == set(NODE_LABELS) and set(RELATIONSHIP_MODELS) == set(RELATIONSHIP_TYPES)

"""The whitelist of node labels and relationship types: the one source of truth for both stores.

Labels and relationship types cannot be Cypher parameters, so every one that reaches a query
string is checked against this registry first.

>>> NODE_LABELS["Enterprise"].key
'id'
>>> label_of("product:cathode-material")
'Product'
>>> check_relationship_endpoints("PRODUCES", "Enterprise", "Product")
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph_schema.errors import SchemaError

SAFE_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class NodeLabel:
    """A node label: its key property, the id prefix that makes ids globally unique, searchable text."""

    name: str
    id_prefix: str
    key: str = "id"
    text_properties: tuple[str, ...] = ("name",)


@dataclass(frozen=True)
class RelationshipType:
    """A relationship type, the label pairs it may join and the property that tells parallel edges apart."""

    name: str
    endpoints: tuple[tuple[str, str], ...]
    key_property: str | None = None
    description: str = ""


NODE_LABELS: dict[str, NodeLabel] = {
    label.name: label
    for label in (
        NodeLabel("Enterprise", "ent:", text_properties=("name", "aliases", "credit_code")),
        NodeLabel("Product", "product:"),
        NodeLabel("Chain", "chain:"),
        NodeLabel("Cluster", "cluster:"),
        NodeLabel("Park", "park:"),
        NodeLabel("Facility", "site:", text_properties=("name", "address")),
    )
}

RELATIONSHIP_TYPES: dict[str, RelationshipType] = {
    rel.name: rel
    for rel in (
        RelationshipType(
            "SUPPLIES",
            (("Enterprise", "Enterprise"),),
            key_property="product",
            description="供应关系：供应方 → 采购方（按产品区分）",
        ),
        RelationshipType("PRODUCES", (("Enterprise", "Product"),), description="企业生产某产品"),
        RelationshipType("INPUT_TO", (("Product", "Product"),), description="上游产品是下游产品的投入品"),
        RelationshipType("IN_CHAIN", (("Product", "Chain"),), description="产品属于产业链（环节、阶段）"),
        RelationshipType(
            "LOCATED_IN",
            (("Enterprise", "Park"), ("Park", "Park")),
            description="企业位于园区；园区/平台位于区县或开发区",
        ),
        RelationshipType("MEMBER_OF", (("Enterprise", "Cluster"),), description="企业属于产业集群"),
        RelationshipType("CLUSTER_OF", (("Cluster", "Chain"),), description="集群属于产业链"),
        RelationshipType("BASED_IN", (("Cluster", "Park"),), description="集群布局于区县/平台（主阵地/配套/协同）"),
        RelationshipType("LEADS", (("Enterprise", "Chain"),), description="链主企业"),
        RelationshipType("HAS_SITE", (("Enterprise", "Facility"),), description="企业的生产基地/设施（所在国家、省份、城市）"),
    )
}

SEARCHED_BY_DEFAULT = ("Enterprise", "Product", "Chain", "Cluster", "Park")
"""The labels a search without labels looks through: the ones people look up by name (a Facility is
reached through its enterprise, and its name is an address)."""

OBSERVED = frozenset({"Enterprise", "Facility", "SUPPLIES"})
"""Labels and relationship types whose ``seen`` dates accumulate on write (``graph_schema.models._Observed``):
a store unions the written dates with the stored ones and sets ``first_seen`` / ``last_seen`` from them."""

_LABEL_BY_PREFIX = {label.id_prefix: label.name for label in NODE_LABELS.values()}

# Enterprises keyed by a 统一社会信用代码 have no prefix: 18 upper-case alphanumerics.
_CREDIT_CODE_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def check_identifier(name: str) -> str:
    """Return ``name`` if it is a whitelisted label or relationship type, else raise SchemaError."""
    if not SAFE_IDENTIFIER.match(name) or (name not in NODE_LABELS and name not in RELATIONSHIP_TYPES):
        raise SchemaError(f"not a label or relationship type of the schema: {name!r}")
    return name


def check_label(name: str) -> NodeLabel:
    """Return the NodeLabel called ``name``; raise SchemaError for anything else."""
    try:
        return NODE_LABELS[name]
    except (KeyError, TypeError):
        raise SchemaError(f"unknown node label {name!r}; known: {', '.join(NODE_LABELS)}") from None


def check_relationship_type(name: str) -> RelationshipType:
    """Return the RelationshipType called ``name``; raise SchemaError for anything else."""
    try:
        return RELATIONSHIP_TYPES[name]
    except (KeyError, TypeError):
        raise SchemaError(
            f"unknown relationship type {name!r}; known: {', '.join(RELATIONSHIP_TYPES)}"
        ) from None


def label_of(node_id: str) -> str:
    """The label a node id belongs to, read from its prefix (credit codes are Enterprises).

    >>> label_of("chain:aviation")
    'Chain'
    >>> label_of("91360100MA35GWXY5H")
    'Enterprise'
    """
    prefix, colon, _ = node_id.partition(":")
    if colon and (label := _LABEL_BY_PREFIX.get(prefix + ":")):
        return label
    if _CREDIT_CODE_SHAPE.match(node_id):
        return "Enterprise"
    raise SchemaError(
        f"node id {node_id!r} has no known prefix ({', '.join(spec.id_prefix for spec in NODE_LABELS.values())}) "
        "and is not a 统一社会信用代码"
    )


def check_relationship_endpoints(rel_type: str, src_label: str, dst_label: str) -> None:
    """Raise SchemaError unless ``rel_type`` may join ``src_label`` to ``dst_label``."""
    rel = check_relationship_type(rel_type)
    if (src_label, dst_label) not in rel.endpoints:
        allowed = ", ".join(f"{a}→{b}" for a, b in rel.endpoints)
        raise SchemaError(f"{rel_type} cannot join {src_label}→{dst_label}; allowed: {allowed}")

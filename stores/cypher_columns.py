"""The Cypher of the Neo4j store's ``analysis_columns``: each label's and type's column fields come back
as lists (one list a field, ``stores.analysis_columns.COLUMNS``), not as a map or a list per row.

One chain's part is read by **one statement** (``chain_columns_query``): the chain's scope is walked in
Cypher (the rule of ``graph_schema.scope``, written out below; the contract suite compares it with the
rule), then every label of it is returned id-sorted as columns and every relationship type leaving it
as columns of its ends, key and fields. The whole graph is read by one statement per label and per
relationship type and start label (``label_columns_query``, ``type_columns_query``), so that no
statement holds the whole graph in the server's memory at once.

Labels and types come from the schema's whitelist (``graph_schema.registry``); the only values are the
parameters ``$chain`` and the visibility parameters (``stores.cypher.visible``). Relationships whose
target lies outside the chain's part are returned and left out by ``ColumnsBuilder``.

>>> label_columns_query("Enterprise", ["name"]).replace(visible("n"), "V")
'MATCH (n:Enterprise) WHERE V WITH n ORDER BY n.id WITH collect(n) AS ns RETURN [[n IN ns | n.id], [n IN ns | n.name]] AS columns'
>>> type_columns_query("LEADS", "Enterprise", None).replace(visible("a"), "A").replace(visible("r"), "R").replace(visible("b"), "B")[:140]
'MATCH (a:Enterprise)-[r:LEADS]->(b) WHERE A AND R AND B WITH collect(a.id) AS src, collect(b.id) AS dst, collect(r) AS rs RETURN [src, dst, '
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from graph_schema.errors import SchemaError
from graph_schema.registry import RELATIONSHIP_TYPES, SAFE_IDENTIFIER, check_label, check_relationship_endpoints, check_relationship_type
from stores.cypher import visible

Fields = Mapping[str, Sequence[str]]
"""Per label or type, the fields read as columns (``COLUMNS``); any other is read whole (``properties``)."""


def members(label: str) -> str:
    """The Cypher variable holding a chain's members of one label (a list of nodes).

    >>> members("Enterprise")
    'members_Enterprise'
    """
    return f"members_{check_label(label).name}"


def columns_key(rel_type: str, src_label: str) -> str:
    """The key under which ``chain_columns_query`` returns one type's relationships from one start label.

    >>> columns_key("LOCATED_IN", "Park")
    'LOCATED_IN_Park'
    """
    _check_start(rel_type, src_label)
    return f"{rel_type}_{src_label}"


def _check_start(rel_type: str, src_label: str) -> str:
    """The end label of ``rel_type`` from ``src_label`` (the schema has one for each); SchemaError otherwise."""
    ends = [dst for src, dst in check_relationship_type(rel_type).endpoints if src == src_label]
    if len(ends) != 1:
        raise SchemaError(f"{rel_type} does not start from {src_label!r} in the schema")
    check_relationship_endpoints(rel_type, src_label, ends[0])
    return ends[0]


def _step(start: str, start_label: str, rel_type: str, label: str, direction: str) -> str:
    """``MATCH`` from ``start`` (a node of ``start_label``) along visible ``rel_type`` relationships —
    entering it (``in``: from their sources) or leaving it (``out``) — to visible nodes ``n`` of ``label``;
    the schema must have such relationships (SchemaError otherwise).

    >>> _step("c", "Chain", "IN_CHAIN", "Product", "in").split(" WHERE")[0]
    'MATCH (c)<-[r:IN_CHAIN]-(n:Product)'
    """
    if direction == "in":
        check_relationship_endpoints(rel_type, label, start_label)
        pattern = f"({start})<-[r:{rel_type}]-(n:{label})"
    else:
        check_relationship_endpoints(rel_type, start_label, label)
        pattern = f"({start})-[r:{rel_type}]->(n:{label})"
    return f"MATCH {pattern} WHERE {visible('r')} AND {visible('n')}"


def chain_scope() -> str:
    """The Cypher that binds a chain ``c`` (found by ``$chain``; no row when it is absent or not visible)
    and its part's members of every label (``members(label)``): ``graph_schema.scope.chain_members``.

    The chain; its products (IN_CHAIN); its clusters (CLUSTER_OF); the enterprises that produce those
    products (PRODUCES), lead the chain (LEADS) or belong to its clusters (MEMBER_OF); the parks of those
    enterprises and clusters (LOCATED_IN, BASED_IN), with the parks that contain them (LOCATED_IN, any
    number of steps).
    """
    chain, product, cluster, firm, park = (members(label) for label in ("Chain", "Product", "Cluster", "Enterprise", "Park"))
    check_relationship_endpoints("LOCATED_IN", "Park", "Park")
    contained = f"(y:Park) WHERE {visible('r')} AND {visible('y')}"
    return (
        f"MATCH (c:Chain {{id: $chain}}) WHERE {visible('c')} "
        f"CALL (c) {{ OPTIONAL {_step('c', 'Chain', 'IN_CHAIN', 'Product', 'in')} RETURN collect(DISTINCT n) AS {product} }} "
        f"CALL (c) {{ OPTIONAL {_step('c', 'Chain', 'CLUSTER_OF', 'Cluster', 'in')} RETURN collect(DISTINCT n) AS {cluster} }} "
        f"CALL (c, {product}, {cluster}) {{ CALL (c, {product}, {cluster}) {{ "
        f"UNWIND {product} AS m {_step('m', 'Product', 'PRODUCES', 'Enterprise', 'in')} RETURN n "
        f"UNION {_step('c', 'Chain', 'LEADS', 'Enterprise', 'in')} RETURN n "
        f"UNION UNWIND {cluster} AS m {_step('m', 'Cluster', 'MEMBER_OF', 'Enterprise', 'in')} RETURN n }} "
        f"RETURN collect(n) AS {firm} }} "
        f"CALL ({firm}, {cluster}) {{ CALL ({firm}, {cluster}) {{ "
        f"UNWIND {firm} AS m {_step('m', 'Enterprise', 'LOCATED_IN', 'Park', 'out')} RETURN n "
        f"UNION UNWIND {cluster} AS m {_step('m', 'Cluster', 'BASED_IN', 'Park', 'out')} RETURN n }} "
        f"MATCH (n) ((x)-[r:LOCATED_IN]->{contained})* (p) "
        f"RETURN collect(DISTINCT p) AS {park} }} "
        f"WITH [c] AS {chain}, {product}, {cluster}, {firm}, {park}"
    )


CHAIN_LABELS = ("Chain", "Product", "Cluster", "Enterprise", "Park")
"""The labels ``chain_scope`` binds members of (the others have none in a chain's part)."""


def _node_columns(fields: Sequence[str] | None) -> str:
    """The columns of the id-sorted nodes ``ns``: the ids, then each field (null where unset), or the maps."""
    values = [f"[n IN ns | n.{_property(name)}]" for name in fields] if fields is not None else ["[n IN ns | properties(n)]"]
    return "[" + ", ".join(["[n IN ns | n.id]", *values]) + "]"


def _rel_columns(rel_type: str, fields: Sequence[str] | None) -> str:
    """After ``collect(a.id) AS src, collect(b.id) AS dst, collect(r) AS rs``: the ends, the key (the type's
    key property holds it when it has one), then each field or the maps."""
    key_property = RELATIONSHIP_TYPES[rel_type].key_property
    key = f'coalesce(r.key, r.{key_property}, "")' if key_property else 'coalesce(r.key, "")'
    values = [f"[r IN rs | r.{_property(name)}]" for name in fields] if fields is not None else ["[r IN rs | properties(r)]"]
    return "[" + ", ".join(["src", "dst", f"[r IN rs | {key}]", *values]) + "]"


COLLECT_RELS = "WITH collect(a.id) AS src, collect(b.id) AS dst, collect(r) AS rs"


def chain_columns_query(fields: Fields) -> str:
    """One chain's part as columns, in one statement: a row (none when the chain is absent) whose value
    under each label of ``CHAIN_LABELS`` is ``[ids, *field columns]`` and under ``columns_key(type,
    start label)`` ``[src ids, dst ids, keys, *field columns]``."""
    parts = [chain_scope()]
    keys = []
    for label in CHAIN_LABELS:
        parts.append(f"CALL ({members(label)}) {{ UNWIND {members(label)} AS n WITH n ORDER BY n.id WITH collect(n) AS ns "
                     f"RETURN {_node_columns(fields.get(label))} AS {label} }}")
        keys.append(label)
    for rel_type, spec in RELATIONSHIP_TYPES.items():
        for src_label in dict.fromkeys(src for src, _ in spec.endpoints):
            if src_label not in CHAIN_LABELS:
                continue
            key = columns_key(rel_type, src_label)
            parts.append(f"CALL ({members(src_label)}) {{ UNWIND {members(src_label)} AS a MATCH (a)-[r:{rel_type}]->(b) "
                         f"WHERE {visible('r')} AND {visible('b')} {COLLECT_RELS} RETURN {_rel_columns(rel_type, fields.get(rel_type))} AS {key} }}")
            keys.append(key)
    parts.append("RETURN " + ", ".join(keys))
    return " ".join(parts)


def label_columns_query(label: str, fields: Sequence[str] | None) -> str:
    """Every visible node of one label, id-sorted, as ``columns``: ``[ids, *field columns]``."""
    name = check_label(label).name
    return f"MATCH (n:{name}) WHERE {visible('n')} WITH n ORDER BY n.id WITH collect(n) AS ns RETURN {_node_columns(fields)} AS columns"


def type_columns_query(rel_type: str, src_label: str, fields: Sequence[str] | None) -> str:
    """Every visible relationship of one type from nodes of ``src_label`` (between visible nodes) as
    ``columns``: ``[src ids, dst ids, keys, *field columns]``."""
    _check_start(rel_type, src_label)
    return (f"MATCH (a:{src_label})-[r:{rel_type}]->(b) WHERE {visible('a')} AND {visible('r')} AND {visible('b')} "
            f"{COLLECT_RELS} RETURN {_rel_columns(rel_type, fields)} AS columns")


def starts(rel_type: str) -> list[str]:
    """The labels relationships of ``rel_type`` start from, in the schema's order.

    >>> starts("LOCATED_IN")
    ['Enterprise', 'Park']
    """
    return list(dict.fromkeys(src for src, _ in RELATIONSHIP_TYPES[rel_type].endpoints))


def _property(name: str) -> str:
    if not SAFE_IDENTIFIER.match(name):
        raise SchemaError(f"not a property name: {name!r}")
    return name


"""Every Cypher statement of the Neo4j store: constants and small pure functions. Labels and types
are checked against the schema's whitelist before they reach the text; every value is a parameter.

>>> for_label(MERGE_NODES, "Chain")
'UNWIND $rows AS row MERGE (n:Chain {id: row.id}) SET n += row.props'
>>> incident_query("Product", ["IN_CHAIN"], "out")
'UNWIND $ids AS id MATCH (a:Product {id: id})-[r:IN_CHAIN]->(b) RETURN a.id AS src, b.id AS dst, type(r) AS type, properties(r) AS props'
"""

from __future__ import annotations

from collections.abc import Sequence

from graph_schema.constraints import INDEXES, IndexedProperty
from graph_schema.errors import SchemaError
from graph_schema.registry import OBSERVED, RELATIONSHIP_TYPES, SAFE_IDENTIFIER, check_label, check_relationship_endpoints, check_relationship_type

META_LABEL = "ChainAtlasMeta"
"""An internal label outside the schema: one node holding the store's revision counter."""
RETIRED_INDEXES = ("node_name_fulltext",)
"""Indexes earlier versions created and nothing reads any more: ``schema_statements`` drops them.

``node_name_fulltext`` was a CJK full-text index on every label's name that only its own test
queried; search is answered from memory (``app/search_index.py``) or with ``CONTAINS`` on the text
indexes, so it cost index upkeep on every write for nothing."""


# -- schema ------------------------------------------------------------------------------------


def schema_statements() -> list[str]:
    """The constraints and indexes that ``graph_schema.constraints`` declares, in Cypher, the revision
    node's constraint, and the removal of retired indexes; each safe to run again (``IF [NOT] EXISTS``).

    Text indexes (trigram based in Neo4j 5) serve ``name CONTAINS $q`` for Chinese substrings.

    >>> schema_statements()[0]
    'CREATE CONSTRAINT enterprise_id_unique IF NOT EXISTS FOR (n:Enterprise) REQUIRE n.id IS UNIQUE'
    """
    statements = [index_statement(index) for index in INDEXES]
    statements.append(f"CREATE CONSTRAINT meta_id_unique IF NOT EXISTS FOR (n:{META_LABEL}) REQUIRE n.id IS UNIQUE")
    statements += [drop_index_statement(name) for name in RETIRED_INDEXES]
    return statements


def index_statement(index: IndexedProperty) -> str:
    """One declared constraint or index, named ``<label>_<property>`` (``_unique``, ``_text`` after it).

    >>> index_statement(IndexedProperty("Enterprise", "credit_code", "equality"))
    'CREATE INDEX enterprise_credit_code IF NOT EXISTS FOR (n:Enterprise) ON (n.credit_code)'
    """
    label = check_label(index.label).name
    if not SAFE_IDENTIFIER.match(index.property):
        raise SchemaError(f"not a property name: {index.property!r}")
    name = f"{label.lower()}_{index.property}"
    if index.kind == "unique":
        return f"CREATE CONSTRAINT {name}_unique IF NOT EXISTS FOR (n:{label}) REQUIRE n.{index.property} IS UNIQUE"
    if index.kind == "substring":
        return f"CREATE TEXT INDEX {name}_text IF NOT EXISTS FOR (n:{label}) ON (n.{index.property})"
    return f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON (n.{index.property})"


def drop_index_statement(name: str) -> str:
    """Drop an index by name if it exists.

    >>> drop_index_statement("node_name_fulltext")
    'DROP INDEX node_name_fulltext IF EXISTS'
    """
    if not SAFE_IDENTIFIER.match(name):
        raise SchemaError(f"not an index name: {name!r}")
    return f"DROP INDEX {name} IF EXISTS"


# -- the revision counter ----------------------------------------------------------------------

BUMP_REVISION = f"MERGE (m:{META_LABEL} {{id: 'revision'}}) SET m.value = coalesce(m.value, 0) + 1"
"""Count one more write; run inside every write transaction."""
READ_REVISION = f"MATCH (m:{META_LABEL} {{id: 'revision'}}) RETURN m.value AS value"
CLEAR = f"MATCH (n) WHERE NOT n:{META_LABEL} CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 10000 ROWS"
"""Delete every node of the schema and its relationships, 10,000 nodes a transaction (so large graphs
fit in memory); ``IN TRANSACTIONS`` runs only in an auto-commit transaction."""
DELETE_ALL = f"MATCH (n) WHERE NOT n:{META_LABEL} DETACH DELETE n"
"""Delete every node of the schema and its relationships inside the current transaction (a restore)."""


# -- statements over the nodes of one label or the relationships of one type --------------------
# ``{label}`` / ``{type}`` are filled in by ``for_label`` / ``for_type`` after the whitelist check;
# doubled braces are Cypher's own.

MERGE_NODES = "UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n += row.props"
"""Upsert a batch of ``{id, props}`` rows."""
MISSING_IDS = "UNWIND $ids AS id OPTIONAL MATCH (n:{label} {{id: id}}) WITH id, n WHERE n IS NULL RETURN collect(id) AS missing"
"""The ids in ``$ids`` that have no node of the label."""
DELETE_NODES = "UNWIND $ids AS id MATCH (n:{label} {{id: id}}) DETACH DELETE n RETURN count(*) AS deleted"
"""Detach-delete the nodes whose ids are in ``$ids``; returns how many."""
NODES_BY_ID = "UNWIND $ids AS id MATCH (n:{label} {{id: id}}) RETURN properties(n) AS props"
ALL_NODES = "MATCH (n:{label}) RETURN properties(n) AS props"
NODE_PAGE = ALL_NODES + " ORDER BY n.id SKIP $offset LIMIT $limit"
"""A window (``$offset``, ``$limit``) of the nodes in id order."""
COUNT_NODES = "MATCH (n:{label}) RETURN count(n) AS n"
ALL_RELATIONSHIPS = "MATCH (a)-[r:{type}]->(b) RETURN a.id AS src, b.id AS dst, type(r) AS type, properties(r) AS props"
COUNT_RELATIONSHIPS = "MATCH ()-[r:{type}]->() RETURN count(r) AS n"
DELETE_RELATIONSHIPS = "MATCH ()-[r:{type}]->() CALL (r) {{ DELETE r }} IN TRANSACTIONS OF 20000 ROWS"
"""Delete every relationship of the type, 20,000 a transaction (auto-commit only, as ``CLEAR``)."""


def for_label(template: str, label: str) -> str:
    """``template`` for one label of the schema; any other name is a SchemaError.

    >>> for_label(COUNT_NODES, "Chain")
    'MATCH (n:Chain) RETURN count(n) AS n'
    """
    return template.format(label=check_label(label).name)


def for_type(template: str, rel_type: str) -> str:
    """``template`` for one relationship type of the schema; any other name is a SchemaError.

    >>> for_type(COUNT_RELATIONSHIPS, "LEADS")
    'MATCH ()-[r:LEADS]->() RETURN count(r) AS n'
    """
    return template.format(type=check_relationship_type(rel_type).name)


# -- the other writes and reads ----------------------------------------------------------------


SEEN_MERGE = (
    "WITH {var}, row, {var}.seen AS stored SET {var} += row.props "
    "SET {var}.seen = CASE WHEN row.props.seen IS NULL THEN {var}.seen ELSE "
    "COLLECT {{ UNWIND coalesce(stored, []) + row.props.seen AS d WITH DISTINCT d ORDER BY d RETURN d }} END "
    "SET {var}.first_seen = {var}.seen[0], {var}.last_seen = {var}.seen[-1]"
)
"""Instead of ``SET n += row.props`` for an observed label or type (``graph_schema.registry.OBSERVED``):
``seen`` becomes the sorted union of the stored and written dates, ``first_seen`` / ``last_seen`` its ends."""


def merge_nodes_query(label: str) -> str:
    """``MERGE_NODES`` for one label, with ``SEEN_MERGE`` for an observed one.

    >>> merge_nodes_query("Chain") == for_label(MERGE_NODES, "Chain")
    True
    >>> "COLLECT" in merge_nodes_query("Enterprise")
    True
    """
    query = for_label(MERGE_NODES, label)
    if label in OBSERVED:
        query = query.replace("SET n += row.props", SEEN_MERGE.format(var="n"))
    return query


def merge_relationships_query(rel_type: str, src_label: str, dst_label: str, merge_on: str = "key") -> str:
    """Upsert ``{src, dst, key, props}`` rows of one type between two labels, matched on ``merge_on``.

    ``merge_on`` is ``"key"`` or the type's own key property (e.g. SUPPLIES' ``product``), which
    then holds the key instead of a second copy of it. Returns how many rows found both ends:
    fewer than sent means an end is missing.

    >>> merge_relationships_query("LEADS", "Enterprise", "Chain").split("MERGE ")[1]
    '(a)-[r:LEADS {key: row.key}]->(b) SET r += row.props RETURN count(*) AS written'
    """
    check_relationship_endpoints(rel_type, src_label, dst_label)
    if merge_on not in ("key", RELATIONSHIP_TYPES[rel_type].key_property):
        raise SchemaError(f"{rel_type} relationships are not keyed by {merge_on!r}")
    setting = SEEN_MERGE.format(var="r") if rel_type in OBSERVED else "SET r += row.props"
    return (
        f"UNWIND $rows AS row MATCH (a:{src_label} {{id: row.src}}) MATCH (b:{dst_label} {{id: row.dst}}) "
        f"MERGE (a)-[r:{rel_type} {{{merge_on}: row.key}}]->(b) {setting} RETURN count(*) AS written"
    )


def incident_query(label: str, rel_types: Sequence[str], direction: str) -> str:
    """Relationships of the given types leaving (``out``) or entering (``in``) nodes of one label."""
    name = check_label(label).name
    types = "|".join(check_relationship_type(rel_type).name for rel_type in rel_types)
    pattern = {"out": f"-[r:{types}]->", "in": f"<-[r:{types}]-"}[direction]
    ends = "a.id AS src, b.id AS dst" if direction == "out" else "b.id AS src, a.id AS dst"
    return (
        f"UNWIND $ids AS id MATCH (a:{name} {{id: id}}){pattern}(b) "
        f"RETURN {ends}, type(r) AS type, properties(r) AS props"
    )


def search_query(labels: Sequence[str]) -> str:
    """Nodes whose name or an alias contains ``$q`` or whose id / credit code is ``$q``, best first."""
    branches = " UNION ALL ".join(
        f"MATCH (n:{check_label(label).name}) WHERE n.name CONTAINS $q OR n.id = $q OR n.credit_code = $q "
        "OR any(alias IN coalesce(n.aliases, []) WHERE alias CONTAINS $q) RETURN n"
        for label in dict.fromkeys(labels)  # a label named twice must not return its nodes twice
    )
    return (
        f"CALL () {{ {branches} }} "
        "RETURN properties(n) AS props "
        "ORDER BY CASE WHEN n.name = $q THEN 0 WHEN n.name STARTS WITH $q THEN 1 ELSE 2 END, "
        "size(n.name), n.name, n.id LIMIT $limit"
    )


# -- the analyses' columns (``GraphStore.analysis_columns``) -------------------------------------


def neighbour_ids_query(label: str, rel_types: Sequence[str], direction: str) -> str:
    """The ids at the other end of relationships of ``rel_types`` entering (``in``) or leaving
    (``out``) the nodes ``$ids`` of one label, as one list: no property is read.

    >>> neighbour_ids_query("Chain", ["IN_CHAIN"], "in")
    'UNWIND $ids AS id MATCH (a:Chain {id: id})<-[:IN_CHAIN]-(b) RETURN collect(b.id) AS ids'
    """
    name = check_label(label).name
    types = "|".join(check_relationship_type(rel_type).name for rel_type in rel_types)
    pattern = {"out": f"-[:{types}]->", "in": f"<-[:{types}]-"}[direction]
    return f"UNWIND $ids AS id MATCH (a:{name} {{id: id}}){pattern}(b) RETURN collect(b.id) AS ids"


def column_nodes_query(label: str, fields: Sequence[str] | None, *, scoped: bool) -> str:
    """The nodes of one label (``scoped``: those whose id is in ``$ids``) as one list of rows: the id,
    then each of ``fields`` (null where unset), or — ``fields`` None — the property map.

    >>> column_nodes_query("Enterprise", ["name", "local"], scoped=True)
    'MATCH (n:Enterprise) WHERE n.id IN $ids RETURN collect([n.id, n.name, n.local]) AS rows'
    >>> column_nodes_query("Chain", None, scoped=False)
    'MATCH (n:Chain) RETURN collect([n.id, properties(n)]) AS rows'
    """
    name = check_label(label).name
    values = "".join(f", n.{_property(field)}" for field in fields) if fields is not None else ", properties(n)"
    where = " WHERE n.id IN $ids" if scoped else ""
    return f"MATCH (n:{name}){where} RETURN collect([n.id{values}]) AS rows"


def column_rels_query(rel_type: str, src_label: str, fields: Sequence[str] | None, *, scoped: bool) -> str:
    """The relationships of one type leaving nodes of ``src_label`` (``scoped``: those whose id is in
    ``$ids``) as one list of rows: both ends' ids, the key (the type's key property holds it when it
    has one), then each of ``fields`` or — ``fields`` None — the property map.

    >>> column_rels_query("SUPPLIES", "Enterprise", ["share"], scoped=True)
    'UNWIND $ids AS id MATCH (a:Enterprise {id: id})-[r:SUPPLIES]->(b) RETURN collect([a.id, b.id, coalesce(r.key, r.product, ""), r.share]) AS rows'
    """
    check_relationship_endpoints(rel_type, src_label, next(dst for src, dst in RELATIONSHIP_TYPES[rel_type].endpoints if src == src_label))
    key_property = RELATIONSHIP_TYPES[rel_type].key_property
    key = f'coalesce(r.key, r.{key_property}, "")' if key_property else 'coalesce(r.key, "")'
    values = "".join(f", r.{_property(field)}" for field in fields) if fields is not None else ", properties(r)"
    start = f"UNWIND $ids AS id MATCH (a:{src_label} {{id: id}})" if scoped else f"MATCH (a:{src_label})"
    return f"{start}-[r:{rel_type}]->(b) RETURN collect([a.id, b.id, {key}{values}]) AS rows"


def _property(name: str) -> str:
    if not SAFE_IDENTIFIER.match(name):
        raise SchemaError(f"not a property name: {name!r}")
    return name

"""Every Cypher statement of the Neo4j store: constants and small pure functions. Labels and types
are checked against the schema's whitelist before they reach the text; every value is a parameter.

>>> for_label(MERGE_NODES, "Chain")
'UNWIND $rows AS row MERGE (n:Chain {id: row.id}) SET n += row.props'
>>> incident_query("Product", ["IN_CHAIN"], "out")
'UNWIND $ids AS id MATCH (a:Product {id: id})-[r:IN_CHAIN]->(b) WHERE (r._import IS NULL OR (r._import <= $_last AND NOT r._import IN $_hidden)) RETURN a.id AS src, b.id AS dst, type(r) AS type, properties(r) AS props'

Imports (``stores.imports``): a node or relationship an import creates carries the import's number
in ``_import``; new values for nodes and relationships that existed before the import wait on
``ChainAtlasStaged`` nodes until it is published. Every read keeps only what ``visible`` allows:
nothing of an import that is not published (``$_hidden``) or began after the reader looked
(``$_last``); the import records are ``ChainAtlasMeta`` nodes ``{id: 'import:N'}``.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph_schema.constraints import INDEXES, IndexedProperty
from graph_schema.errors import SchemaError
from graph_schema.registry import OBSERVED, RELATIONSHIP_TYPES, SAFE_IDENTIFIER, check_label, check_relationship_endpoints, check_relationship_type

META_LABEL = "ChainAtlasMeta"
"""An internal label outside the schema: the nodes holding the store's revision counter, the last import
number and one record per import."""
STAGED_LABEL = "ChainAtlasStaged"
"""An internal label outside the schema: the new values a pending import gives to a node or relationship
that existed before it (meta properties ``_stage_*``, then the values)."""
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
    statements.append(f"CREATE INDEX meta_state IF NOT EXISTS FOR (n:{META_LABEL}) ON (n.state)")
    statements.append(f"CREATE CONSTRAINT staged_key_unique IF NOT EXISTS FOR (n:{STAGED_LABEL}) REQUIRE n._stage_key IS UNIQUE")
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
SET_REVISION = f"MERGE (m:{META_LABEL} {{id: 'revision'}}) SET m.value = $value"
"""Set the counter (after a bulk load replaced the database: above the empty store's, so no cache is stale)."""
CLEAR = f"MATCH (n) WHERE NOT n:{META_LABEL} CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 10000 ROWS"
"""Delete every node of the schema and its relationships, 10,000 nodes a transaction (so large graphs
fit in memory); ``IN TRANSACTIONS`` runs only in an auto-commit transaction."""
CANCEL_IMPORTS = (f"MATCH (i:{META_LABEL}) WHERE i.state IN ['pending', 'rolling_back'] "
                  "SET i.state = 'cleared', i.finished = $now")
"""Before emptying the store: pending imports lose what they wrote."""
DELETE_ALL = f"MATCH (n) WHERE NOT n:{META_LABEL} DETACH DELETE n"
"""Delete every node of the schema and its relationships inside the current transaction (a restore)."""


# -- imports -------------------------------------------------------------------------------------


def visible(var: str) -> str:
    """The condition a node or relationship ``var`` meets when readers may see it: no import wrote
    it, or one that is published and began before the reader looked (``$_last``, ``$_hidden``).

    >>> visible("n")
    '(n._import IS NULL OR (n._import <= $_last AND NOT n._import IN $_hidden))'
    """
    if not SAFE_IDENTIFIER.match(var):
        raise SchemaError(f"not a variable name: {var!r}")
    return f"({var}._import IS NULL OR ({var}._import <= $_last AND NOT {var}._import IN $_hidden))"


READ_VISIBILITY = (
    f"OPTIONAL MATCH (c:{META_LABEL} {{id: 'imports'}}) "
    f"OPTIONAL MATCH (i:{META_LABEL}) WHERE i.state IN ['pending', 'rolling_back', 'rolled_back', 'cleared'] "
    "RETURN coalesce(c.value, 0) AS last, collect(i.number) AS hidden, "
    "any(state IN collect(i.state) WHERE state IN ['pending', 'rolling_back']) AS busy"
)
"""What a reader must not see: imports after the last number given out, and those not published
(``busy``: one is pending or being rolled back, so some unpublished item may exist)."""
NEXT_IMPORT = f"MERGE (c:{META_LABEL} {{id: 'imports'}}) SET c.value = coalesce(c.value, 0) + 1 RETURN c.value AS number"
"""Give out the next import number (the write lock on the counter makes imports begin one at a time)."""
IMPORT_RECORDS = (f"MATCH (i:{META_LABEL}) WHERE i.number IS NOT NULL AND ($state IS NULL OR i.state = $state) "
                  "RETURN i.number AS number, i.state AS state, i.started AS started, i.heartbeat AS heartbeat, "
                  "i.owner AS owner, i.description AS description, i.items AS items ORDER BY i.number")
CREATE_IMPORT = (f"CREATE (:{META_LABEL} {{id: 'import:' + toString($imp), number: $imp, state: 'pending', started: $now, "
                 "heartbeat: $now, owner: $owner, description: $description, items: 0})")
RENEW_IMPORT = (f"MATCH (i:{META_LABEL} {{id: 'import:' + toString($imp)}}) WHERE i.state = 'pending' "
                "SET i.items = i.items + $items, i.heartbeat = $now RETURN count(i) AS renewed")
"""Count a pending batch and renew the heartbeat; 0 when the import is no longer pending."""
IMPORT_STATE = f"MATCH (i:{META_LABEL} {{id: 'import:' + toString($imp)}}) RETURN i.state AS state"
SET_IMPORT_STATE = (f"MATCH (i:{META_LABEL} {{id: 'import:' + toString($imp)}}) WHERE i.state IN $states "
                    "SET i.state = $to, i.finished = $now RETURN count(i) AS changed")
def changes(var: str) -> str:
    """Whether writing ``row`` onto ``var`` would change it, or a value is staged for it already:
    a property of another value, or a date of ``seen`` not yet stored.

    >>> changes("n").startswith("EXISTS { MATCH (:ChainAtlasStaged {_stage_key: row.stage}) } OR any(k IN keys(row.props)")
    True
    """
    if not SAFE_IDENTIFIER.match(var):
        raise SchemaError(f"not a variable name: {var!r}")
    return (f"EXISTS {{ MATCH (:{STAGED_LABEL} {{_stage_key: row.stage}}) }} "
            f"OR any(k IN keys(row.props) WHERE NOT k IN ['seen', 'first_seen', 'last_seen'] "
            f"AND NOT coalesce({var}[k] = row.props[k], false)) "
            f"OR any(d IN coalesce(row.props.seen, []) WHERE NOT d IN coalesce({var}.seen, []))")


EARLIER_NODES = ("UNWIND $rows AS row MATCH (n:{label} {{id: row.id}}) WHERE n._import IS NULL OR n._import <> $imp "
                 "RETURN n.id AS id, " + changes("n").replace("{", "{{").replace("}", "}}") + " AS changed")
"""Of ``{id, stage, props}`` rows, the nodes that existed before import ``$imp`` (their new values are
staged), each with whether writing it changes anything."""
STAGED_SHAPES = (f"MATCH (s:{STAGED_LABEL}) WHERE s._stage_import = $imp "
                 "RETURN DISTINCT s._stage_label AS label, s._stage_shape AS shape")
DELETE_STAGED = f"MATCH (s:{STAGED_LABEL}) WHERE s._stage_import = $imp DELETE s RETURN count(*) AS deleted"
COUNT_STAGED = f"MATCH (s:{STAGED_LABEL}) WHERE s._stage_import = $imp RETURN count(s) AS n"
COUNT_IMPORTED = ("CALL () { MATCH (n) WHERE n._import = $imp RETURN count(n) AS nodes } "
                  "CALL () { MATCH ()-[r]->() WHERE r._import = $imp RETURN count(r) AS relationships } "
                  "RETURN nodes, relationships")
"""How many nodes and relationships import ``$imp`` created (one scan of each)."""
ROLL_BACK_RELATIONSHIPS = "MATCH ()-[r]->() WHERE r._import = $imp CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS"
ROLL_BACK_NODES = "MATCH (n) WHERE n._import = $imp CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
ROLL_BACK_STAGED = f"MATCH (s:{STAGED_LABEL}) WHERE s._stage_import = $imp CALL (s) {{ DELETE s }} IN TRANSACTIONS OF 10000 ROWS"
STAGE_PROPERTIES = ("_stage_key", "_stage_import", "_stage_label", "_stage_id", "_stage_shape", "_stage_src",
                    "_stage_dst", "_stage_rel_key")
"""The meta properties of a staged node, removed again from what it is published onto."""


def shape_text(rel_type: str, src_label: str, dst_label: str, merge_on: str) -> str:
    """The shape of a staged relationship as stored on its staging node: ``TYPE|Src|Dst|merge_on``."""
    return f"{rel_type}|{src_label}|{dst_label}|{merge_on}"


def parse_shape(text: str) -> tuple[str, str, str, str]:
    """``shape_text`` read back and checked against the schema (a SchemaError otherwise).

    >>> parse_shape("SUPPLIES|Enterprise|Enterprise|product")
    ('SUPPLIES', 'Enterprise', 'Enterprise', 'product')
    """
    parts = text.split("|")
    if len(parts) != 4:
        raise SchemaError(f"not a relationship shape: {text!r}")
    rel_type, src_label, dst_label, merge_on = parts
    _check_shape(rel_type, src_label, dst_label, merge_on)
    return rel_type, src_label, dst_label, merge_on


def _check_shape(rel_type: str, src_label: str, dst_label: str, merge_on: str) -> None:
    """A SchemaError unless the schema has ``rel_type`` between the labels, keyed by ``merge_on``
    (``"key"`` or the type's own key property)."""
    check_relationship_endpoints(rel_type, src_label, dst_label)
    if merge_on not in ("key", RELATIONSHIP_TYPES[rel_type].key_property):
        raise SchemaError(f"{rel_type} relationships are not keyed by {merge_on!r}")


def _merge_setting(var: str, observed: bool) -> str:
    return SEEN_MERGE.format(var=var) if observed else f"SET {var} += row.props"


def stage_nodes_query(label: str) -> str:
    """Keep new values of ``{id, stage, props}`` rows for nodes of one label that existed before
    import ``$imp``, merged as a write would merge them.

    >>> stage_nodes_query("Chain")
    'UNWIND $rows AS row MERGE (s:ChainAtlasStaged {_stage_key: row.stage}) ON CREATE SET s._stage_import = $imp, s._stage_label = $label, s._stage_id = row.id SET s += row.props'
    """
    check_label(label)
    return (f"UNWIND $rows AS row MERGE (s:{STAGED_LABEL} {{_stage_key: row.stage}}) "
            "ON CREATE SET s._stage_import = $imp, s._stage_label = $label, s._stage_id = row.id "
            + _merge_setting("s", label in OBSERVED))


def stage_relationships_query(rel_type: str) -> str:
    """Keep new values of ``{src, dst, key, stage, props}`` rows for relationships of one type that
    existed before import ``$imp`` (``$shape``: ``shape_text``)."""
    check_relationship_type(rel_type)
    return (f"UNWIND $rows AS row MERGE (s:{STAGED_LABEL} {{_stage_key: row.stage}}) "
            "ON CREATE SET s._stage_import = $imp, s._stage_shape = $shape, s._stage_src = row.src, "
            "s._stage_dst = row.dst, s._stage_rel_key = row.key "
            + _merge_setting("s", rel_type in OBSERVED))


def earlier_relationships_query(rel_type: str, src_label: str, dst_label: str, merge_on: str) -> str:
    """Of ``{src, dst, key, stage, props}`` rows, those whose relationship existed before import ``$imp``,
    each with whether writing it changes anything.

    The pattern starts from the source only (the end is matched by id, not looked up): the planner
    could otherwise start from a product or park and walk its thousands of incoming relationships
    for every row (seen: 125 s for one chunk of PRODUCES at 20k enterprises)."""
    _check_shape(rel_type, src_label, dst_label, merge_on)
    return (f"UNWIND $rows AS row MATCH (a:{src_label} {{id: row.src}})-[r:{rel_type} {{{merge_on}: row.key}}]->(b) "
            f"WHERE b.id = row.dst AND (r._import IS NULL OR r._import <> $imp) "
            f"RETURN row.src AS src, row.dst AS dst, row.key AS key, {changes('r')} AS changed")


def publish_nodes_query(label: str) -> str:
    """Put the staged values of import ``$imp`` onto the nodes of one label they were staged for."""
    name = check_label(label).name
    return (f"MATCH (s:{STAGED_LABEL}) WHERE s._stage_import = $imp AND s._stage_label = $label "
            f"MATCH (n:{name} {{id: s._stage_id}}) WITH n, {{props: properties(s)}} AS row "
            + _merge_setting("n", name in OBSERVED) + " REMOVE " + ", ".join(f"n.{prop}" for prop in STAGE_PROPERTIES))


def publish_relationships_query(rel_type: str, src_label: str, dst_label: str, merge_on: str) -> str:
    """Put the staged values of import ``$imp`` onto the relationships of one shape (``$shape``), found
    from their source (as ``earlier_relationships_query``)."""
    _check_shape(rel_type, src_label, dst_label, merge_on)
    return (f"MATCH (s:{STAGED_LABEL}) WHERE s._stage_import = $imp AND s._stage_shape = $shape "
            f"MATCH (a:{src_label} {{id: s._stage_src}})-[r:{rel_type} {{{merge_on}: s._stage_rel_key}}]->(b) "
            f"WHERE b.id = s._stage_dst WITH r, {{props: properties(s)}} AS row "
            + _merge_setting("r", rel_type in OBSERVED) + " REMOVE " + ", ".join(f"r.{prop}" for prop in STAGE_PROPERTIES))


# -- statements over the nodes of one label or the relationships of one type --------------------
# ``{label}`` / ``{type}`` are filled in by ``for_label`` / ``for_type`` after the whitelist check;
# doubled braces are Cypher's own.

MERGE_NODES = "UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n += row.props"
"""Upsert a batch of ``{id, props}`` rows."""
MISSING_IDS = "UNWIND $ids AS id OPTIONAL MATCH (n:{label} {{id: id}}) WITH id, n WHERE n IS NULL RETURN collect(id) AS missing"
"""The ids in ``$ids`` that have no node of the label."""
DELETE_NODES = "UNWIND $ids AS id MATCH (n:{label} {{id: id}}) DETACH DELETE n RETURN count(*) AS deleted"
"""Detach-delete the nodes whose ids are in ``$ids``; returns how many."""
NODES_BY_ID = "UNWIND $ids AS id MATCH (n:{label} {{id: id}}) WHERE " + visible("n") + " RETURN properties(n) AS props"
ALL_NODES = "MATCH (n:{label}) WHERE " + visible("n") + " RETURN properties(n) AS props"
NODE_PAGE = ALL_NODES + " ORDER BY n.id SKIP $offset LIMIT $limit"
"""A window (``$offset``, ``$limit``) of the nodes in id order."""
COUNT_NODES = "MATCH (n:{label}) RETURN count(n) AS n"
"""Every node of the label, from Neo4j's count store (no scan): right when no import is pending."""
COUNT_VISIBLE_NODES = "MATCH (n:{label}) WHERE " + visible("n") + " RETURN count(n) AS n"
ALL_RELATIONSHIPS = ("MATCH (a)-[r:{type}]->(b) WHERE " + visible("r")
                     + " RETURN a.id AS src, b.id AS dst, type(r) AS type, properties(r) AS props")
COUNT_RELATIONSHIPS = "MATCH ()-[r:{type}]->() RETURN count(r) AS n"
COUNT_VISIBLE_RELATIONSHIPS = "MATCH ()-[r:{type}]->() WHERE " + visible("r") + " RETURN count(r) AS n"
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


def merge_nodes_query(label: str, *, pending: bool = False) -> str:
    """``MERGE_NODES`` for one label, with ``SEEN_MERGE`` for an observed one; ``pending``: a node
    it creates belongs to import ``$imp``.

    >>> merge_nodes_query("Chain") == for_label(MERGE_NODES, "Chain")
    True
    >>> "COLLECT" in merge_nodes_query("Enterprise")
    True
    >>> merge_nodes_query("Chain", pending=True)
    'UNWIND $rows AS row MERGE (n:Chain {id: row.id}) ON CREATE SET n._import = $imp SET n += row.props'
    """
    query = for_label(MERGE_NODES, label)
    if label in OBSERVED:
        query = query.replace("SET n += row.props", SEEN_MERGE.format(var="n"))
    if pending:
        query = query.replace("MERGE (n:" + label + " {id: row.id})", "MERGE (n:" + label + " {id: row.id}) ON CREATE SET n._import = $imp")
    return query


def merge_relationships_query(rel_type: str, src_label: str, dst_label: str, merge_on: str = "key", *,
                              pending: bool = False) -> str:
    """Upsert ``{src, dst, key, props}`` rows of one type between two labels, matched on ``merge_on``.

    ``merge_on`` is ``"key"`` or the type's own key property (e.g. SUPPLIES' ``product``), which
    then holds the key instead of a second copy of it. Returns how many rows found both ends:
    fewer than sent means an end is missing. ``pending``: a relationship it creates belongs to
    import ``$imp``.

    >>> merge_relationships_query("LEADS", "Enterprise", "Chain").split("MERGE ")[1]
    '(a)-[r:LEADS {key: row.key}]->(b) SET r += row.props RETURN count(*) AS written'
    """
    _check_shape(rel_type, src_label, dst_label, merge_on)
    setting = _merge_setting("r", rel_type in OBSERVED)
    created = "ON CREATE SET r._import = $imp " if pending else ""
    return (
        f"UNWIND $rows AS row MATCH (a:{src_label} {{id: row.src}}) MATCH (b:{dst_label} {{id: row.dst}}) "
        f"MERGE (a)-[r:{rel_type} {{{merge_on}: row.key}}]->(b) {created}{setting} RETURN count(*) AS written"
    )


def incident_query(label: str, rel_types: Sequence[str], direction: str) -> str:
    """Relationships of the given types leaving (``out``) or entering (``in``) nodes of one label."""
    name = check_label(label).name
    types = "|".join(check_relationship_type(rel_type).name for rel_type in rel_types)
    pattern = {"out": f"-[r:{types}]->", "in": f"<-[r:{types}]-"}[direction]
    ends = "a.id AS src, b.id AS dst" if direction == "out" else "b.id AS src, a.id AS dst"
    return (
        f"UNWIND $ids AS id MATCH (a:{name} {{id: id}}){pattern}(b) WHERE {visible('r')} "
        f"RETURN {ends}, type(r) AS type, properties(r) AS props"
    )


def search_query(labels: Sequence[str]) -> str:
    """Nodes whose name or an alias contains ``$q`` or whose id / credit code is ``$q``, best first."""
    branches = " UNION ALL ".join(
        f"MATCH (n:{check_label(label).name}) WHERE (n.name CONTAINS $q OR n.id = $q OR n.credit_code = $q "
        f"OR any(alias IN coalesce(n.aliases, []) WHERE alias CONTAINS $q)) AND {visible('n')} RETURN n"
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

    Only what readers may see (``visible``) is followed.

    >>> neighbour_ids_query("Chain", ["IN_CHAIN"], "in")[:74]
    'UNWIND $ids AS id MATCH (a:Chain {id: id})<-[r:IN_CHAIN]-(b) WHERE (r._imp'
    """
    name = check_label(label).name
    types = "|".join(check_relationship_type(rel_type).name for rel_type in rel_types)
    pattern = {"out": f"-[r:{types}]->", "in": f"<-[r:{types}]-"}[direction]
    return (f"UNWIND $ids AS id MATCH (a:{name} {{id: id}}){pattern}(b) WHERE {visible('r')} AND {visible('b')} "
            "RETURN collect(b.id) AS ids")


def column_nodes_query(label: str, fields: Sequence[str] | None, *, scoped: bool) -> str:
    """The nodes of one label (``scoped``: those whose id is in ``$ids``) as one list of rows: the id,
    then each of ``fields`` (null where unset), or — ``fields`` None — the property map.

    Only nodes readers may see (``visible``).

    >>> column_nodes_query("Enterprise", ["name", "local"], scoped=True).replace(visible("n"), "VISIBLE")
    'MATCH (n:Enterprise) WHERE n.id IN $ids AND VISIBLE RETURN collect([n.id, n.name, n.local]) AS rows'
    >>> column_nodes_query("Chain", None, scoped=False).replace(visible("n"), "VISIBLE")
    'MATCH (n:Chain) WHERE VISIBLE RETURN collect([n.id, properties(n)]) AS rows'
    """
    name = check_label(label).name
    values = "".join(f", n.{_property(field)}" for field in fields) if fields is not None else ", properties(n)"
    where = f" WHERE n.id IN $ids AND {visible('n')}" if scoped else f" WHERE {visible('n')}"
    return f"MATCH (n:{name}){where} RETURN collect([n.id{values}]) AS rows"


def column_rels_query(rel_type: str, src_label: str, fields: Sequence[str] | None, *, scoped: bool) -> str:
    """The relationships of one type leaving nodes of ``src_label`` (``scoped``: those whose id is in
    ``$ids``) as one list of rows: both ends' ids, the key (the type's key property holds it when it
    has one), then each of ``fields`` or — ``fields`` None — the property map.

    Only relationships readers may see (``visible``), between nodes they may see.

    >>> column_rels_query("SUPPLIES", "Enterprise", ["share"], scoped=True).replace(visible("r"), "R").replace(visible("b"), "B")
    'UNWIND $ids AS id MATCH (a:Enterprise {id: id})-[r:SUPPLIES]->(b) WHERE R AND B RETURN collect([a.id, b.id, coalesce(r.key, r.product, ""), r.share]) AS rows'
    """
    check_relationship_endpoints(rel_type, src_label, next(dst for src, dst in RELATIONSHIP_TYPES[rel_type].endpoints if src == src_label))
    key_property = RELATIONSHIP_TYPES[rel_type].key_property
    key = f'coalesce(r.key, r.{key_property}, "")' if key_property else 'coalesce(r.key, "")'
    values = "".join(f", r.{_property(field)}" for field in fields) if fields is not None else ", properties(r)"
    start = f"UNWIND $ids AS id MATCH (a:{src_label} {{id: id}})" if scoped else f"MATCH (a:{src_label})"
    where = f"{visible('r')} AND {visible('b')}" + ("" if scoped else f" AND {visible('a')}")
    return f"{start}-[r:{rel_type}]->(b) WHERE {where} RETURN collect([a.id, b.id, {key}{values}]) AS rows"


def _property(name: str) -> str:
    if not SAFE_IDENTIFIER.match(name):
        raise SchemaError(f"not a property name: {name!r}")
    return name

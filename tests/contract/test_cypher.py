"""The exact Cypher text the Neo4j store sends (no server needed): labels and types only from the
schema's whitelist, every value a parameter."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from graph_schema.constraints import INDEXES, IndexedProperty
from graph_schema.errors import SchemaError
from graph_schema.registry import NODE_LABELS
from stores import cypher, cypher_columns

INJECTION = "Enterprise) DETACH DELETE n //"
LABEL_TEMPLATES = [
    cypher.MERGE_NODES, cypher.MISSING_IDS, cypher.DELETE_NODES, cypher.NODES_BY_ID, cypher.ALL_NODES,
    cypher.NODE_PAGE, cypher.COUNT_NODES, cypher.COUNT_VISIBLE_NODES, cypher.EARLIER_NODES,
]
TYPE_TEMPLATES = [cypher.ALL_RELATIONSHIPS, cypher.COUNT_RELATIONSHIPS, cypher.DELETE_RELATIONSHIPS,
                  cypher.COUNT_VISIBLE_RELATIONSHIPS]
VISIBLE_N = "(n._import IS NULL OR (n._import <= $_last AND NOT n._import IN $_hidden))"
VISIBLE_R = "(r._import IS NULL OR (r._import <= $_last AND NOT r._import IN $_hidden))"


def test_schema_statements() -> None:
    statements = cypher.schema_statements()
    assert statements[:3] == [
        "CREATE CONSTRAINT enterprise_id_unique IF NOT EXISTS FOR (n:Enterprise) REQUIRE n.id IS UNIQUE",
        "CREATE TEXT INDEX enterprise_name_text IF NOT EXISTS FOR (n:Enterprise) ON (n.name)",
        "CREATE CONSTRAINT product_id_unique IF NOT EXISTS FOR (n:Product) REQUIRE n.id IS UNIQUE",
    ]
    assert "CREATE INDEX enterprise_credit_code IF NOT EXISTS FOR (n:Enterprise) ON (n.credit_code)" in statements
    assert "CREATE CONSTRAINT meta_id_unique IF NOT EXISTS FOR (n:ChainAtlasMeta) REQUIRE n.id IS UNIQUE" in statements
    assert "CREATE INDEX meta_state IF NOT EXISTS FOR (n:ChainAtlasMeta) ON (n.state)" in statements
    assert ("CREATE CONSTRAINT staged_key_unique IF NOT EXISTS FOR (n:ChainAtlasStaged) REQUIRE n._stage_key IS UNIQUE"
            in statements)
    assert statements[-1] == "DROP INDEX node_name_fulltext IF EXISTS"
    assert len(statements) == len(INDEXES) + 4 == len(NODE_LABELS) * 2 + 5


def test_index_statement_refuses_names_outside_the_schema() -> None:
    with pytest.raises(SchemaError):
        cypher.index_statement(IndexedProperty(INJECTION, "id", "unique"))
    with pytest.raises(SchemaError):
        cypher.index_statement(IndexedProperty("Enterprise", "id) DROP CONSTRAINT x //", "unique"))
    with pytest.raises(SchemaError):
        cypher.drop_index_statement("x IF EXISTS DROP CONSTRAINT y")


def test_revision_and_clear() -> None:
    assert cypher.BUMP_REVISION == "MERGE (m:ChainAtlasMeta {id: 'revision'}) SET m.value = coalesce(m.value, 0) + 1"
    assert cypher.READ_REVISION == "MATCH (m:ChainAtlasMeta {id: 'revision'}) RETURN m.value AS value"
    assert cypher.CLEAR == (
        "MATCH (n) WHERE NOT n:ChainAtlasMeta CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
    )


def test_statements_over_one_label_or_type() -> None:
    def label(template: str) -> str:
        return cypher.for_label(template, "Park")

    def rel_type(template: str) -> str:
        return cypher.for_type(template, "LEADS")

    assert label(cypher.MERGE_NODES) == "UNWIND $rows AS row MERGE (n:Park {id: row.id}) SET n += row.props"
    assert label(cypher.MISSING_IDS) == (
        "UNWIND $ids AS id OPTIONAL MATCH (n:Park {id: id}) WITH id, n WHERE n IS NULL RETURN collect(id) AS missing"
    )
    assert label(cypher.DELETE_NODES) == "UNWIND $ids AS id MATCH (n:Park {id: id}) DETACH DELETE n RETURN count(*) AS deleted"
    assert label(cypher.NODES_BY_ID) == f"UNWIND $ids AS id MATCH (n:Park {{id: id}}) WHERE {VISIBLE_N} RETURN properties(n) AS props"
    assert label(cypher.ALL_NODES) == f"MATCH (n:Park) WHERE {VISIBLE_N} RETURN properties(n) AS props"
    assert label(cypher.NODE_PAGE) == (
        f"MATCH (n:Park) WHERE {VISIBLE_N} RETURN properties(n) AS props ORDER BY n.id SKIP $offset LIMIT $limit"
    )
    assert label(cypher.COUNT_NODES) == "MATCH (n:Park) RETURN count(n) AS n"
    assert label(cypher.COUNT_VISIBLE_NODES) == f"MATCH (n:Park) WHERE {VISIBLE_N} RETURN count(n) AS n"
    assert rel_type(cypher.ALL_RELATIONSHIPS) == (
        f"MATCH (a)-[r:LEADS]->(b) WHERE {VISIBLE_R} RETURN a.id AS src, b.id AS dst, type(r) AS type, properties(r) AS props"
    )
    assert rel_type(cypher.COUNT_RELATIONSHIPS) == "MATCH ()-[r:LEADS]->() RETURN count(r) AS n"
    assert rel_type(cypher.COUNT_VISIBLE_RELATIONSHIPS) == f"MATCH ()-[r:LEADS]->() WHERE {VISIBLE_R} RETURN count(r) AS n"
    assert rel_type(cypher.DELETE_RELATIONSHIPS) == (
        "MATCH ()-[r:LEADS]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS"
    )


def test_relationship_writes_and_reads() -> None:
    assert cypher.merge_relationships_query("PRODUCES", "Enterprise", "Product") == (
        "UNWIND $rows AS row MATCH (a:Enterprise {id: row.src}) MATCH (b:Product {id: row.dst}) "
        "MERGE (a)-[r:PRODUCES {key: row.key}]->(b) SET r += row.props RETURN count(*) AS written"
    )
    assert cypher.merge_relationships_query("SUPPLIES", "Enterprise", "Enterprise", merge_on="product") == (
        "UNWIND $rows AS row MATCH (a:Enterprise {id: row.src}) MATCH (b:Enterprise {id: row.dst}) "
        "MERGE (a)-[r:SUPPLIES {product: row.key}]->(b) WITH r, row, r.seen AS stored SET r += row.props "
        "SET r.seen = CASE WHEN row.props.seen IS NULL THEN r.seen ELSE "
        "COLLECT { UNWIND coalesce(stored, []) + row.props.seen AS d WITH DISTINCT d ORDER BY d RETURN d } END "
        "SET r.first_seen = r.seen[0], r.last_seen = r.seen[-1] RETURN count(*) AS written"
    )
    assert cypher.incident_query("Enterprise", ["SUPPLIES", "LEADS"], "in") == (
        f"UNWIND $ids AS id MATCH (a:Enterprise {{id: id}})<-[r:SUPPLIES|LEADS]-(b) WHERE {VISIBLE_R} "
        "RETURN b.id AS src, a.id AS dst, type(r) AS type, properties(r) AS props"
    )
    assert cypher.search_query(["Chain", "Park", "Chain"]) == (
        "CALL () { "
        "MATCH (n:Chain) WHERE (n.name CONTAINS $q OR n.id = $q OR n.credit_code = $q "
        f"OR any(alias IN coalesce(n.aliases, []) WHERE alias CONTAINS $q)) AND {VISIBLE_N} RETURN n UNION ALL "
        "MATCH (n:Park) WHERE (n.name CONTAINS $q OR n.id = $q OR n.credit_code = $q "
        f"OR any(alias IN coalesce(n.aliases, []) WHERE alias CONTAINS $q)) AND {VISIBLE_N} RETURN n }} "
        "RETURN properties(n) AS props "
        "ORDER BY CASE WHEN n.name = $q THEN 0 WHEN n.name STARTS WITH $q THEN 1 ELSE 2 END, "
        "size(n.name), n.name, n.id LIMIT $limit"
    )


@pytest.mark.parametrize(
    "build",
    [
        *(lambda template=template: cypher.for_label(template, INJECTION) for template in LABEL_TEMPLATES),
        *(lambda template=template: cypher.for_type(template, "SUPPLIES]->() DELETE r //") for template in TYPE_TEMPLATES),
        lambda: cypher.incident_query("Enterprise", ["SUPPLIES]-() DELETE r //"], "out"),
        lambda: cypher.search_query([INJECTION]),
        lambda: cypher.merge_relationships_query("SUPPLIES", INJECTION, "Enterprise"),
        lambda: cypher.merge_relationships_query("SUPPLIES", "Enterprise", "Enterprise", merge_on="share"),
        lambda: cypher.stage_nodes_query(INJECTION),
        lambda: cypher.stage_relationships_query("SUPPLIES]->() DELETE r //"),
        lambda: cypher.earlier_relationships_query("SUPPLIES", "Enterprise", INJECTION, "product"),
        lambda: cypher.publish_nodes_query(INJECTION),
        lambda: cypher.publish_relationships_query("SUPPLIES", "Enterprise", "Enterprise", "share"),
        lambda: cypher.parse_shape("SUPPLIES|Enterprise|Enterprise|product}) DETACH DELETE s //"),
        lambda: cypher.parse_shape("SUPPLIES|Enterprise) DELETE a //|Enterprise|product"),
        lambda: cypher.visible("n) DETACH DELETE n //"),
        lambda: cypher_columns.label_columns_query(INJECTION, None),
        lambda: cypher_columns.label_columns_query("Enterprise", ["name} DETACH DELETE n //"]),
        lambda: cypher_columns.type_columns_query("SUPPLIES]->() DELETE r //", "Enterprise", None),
        lambda: cypher_columns.type_columns_query("SUPPLIES", "Product", None),  # no SUPPLIES start from a product
        lambda: cypher_columns.type_columns_query("SUPPLIES", "Enterprise", ["share]) DELETE r //"]),
        lambda: cypher_columns.chain_columns_query({"Enterprise": ["name}) DETACH DELETE n //"]}),
        lambda: cypher_columns.members(INJECTION),
    ],
)
def test_names_outside_the_schema_are_refused(build: Callable[[], str]) -> None:
    with pytest.raises(SchemaError):
        build()


def test_import_writes_and_publication() -> None:
    assert cypher.merge_relationships_query("LEADS", "Enterprise", "Chain", pending=True).split("MERGE ")[1] == (
        "(a)-[r:LEADS {key: row.key}]->(b) ON CREATE SET r._import = $imp SET r += row.props RETURN count(*) AS written"
    )
    assert cypher.earlier_relationships_query("SUPPLIES", "Enterprise", "Enterprise", "product") == (
        "UNWIND $rows AS row MATCH (a:Enterprise {id: row.src})-[r:SUPPLIES {product: row.key}]->(b) "
        "WHERE b.id = row.dst AND (r._import IS NULL OR r._import <> $imp) RETURN row.src AS src, row.dst AS dst, row.key AS key, "
        "EXISTS { MATCH (:ChainAtlasStaged {_stage_key: row.stage}) } OR any(k IN keys(row.props) "
        "WHERE NOT k IN ['seen', 'first_seen', 'last_seen'] AND NOT coalesce(r[k] = row.props[k], false)) "
        "OR any(d IN coalesce(row.props.seen, []) WHERE NOT d IN coalesce(r.seen, [])) AS changed"
    )
    assert cypher.for_label(cypher.EARLIER_NODES, "Park").startswith(
        "UNWIND $rows AS row MATCH (n:Park {id: row.id}) WHERE n._import IS NULL OR n._import <> $imp RETURN n.id AS id, "
        "EXISTS { MATCH (:ChainAtlasStaged {_stage_key: row.stage}) }"
    )
    assert cypher.publish_nodes_query("Chain") == (
        "MATCH (s:ChainAtlasStaged) WHERE s._stage_import = $imp AND s._stage_label = $label "
        "MATCH (n:Chain {id: s._stage_id}) WITH n, {props: properties(s)} AS row SET n += row.props "
        "REMOVE n._stage_key, n._stage_import, n._stage_label, n._stage_id, n._stage_shape, n._stage_src, n._stage_dst, "
        "n._stage_rel_key"
    )
    assert cypher.publish_relationships_query("PRODUCES", "Enterprise", "Product", "key").startswith(
        "MATCH (s:ChainAtlasStaged) WHERE s._stage_import = $imp AND s._stage_shape = $shape "
        "MATCH (a:Enterprise {id: s._stage_src})-[r:PRODUCES {key: s._stage_rel_key}]->(b) "
        "WHERE b.id = s._stage_dst WITH r, {props: properties(s)} AS row SET r += row.props REMOVE r._stage_key"
    )
    assert cypher.shape_text("SUPPLIES", "Enterprise", "Enterprise", "product") == "SUPPLIES|Enterprise|Enterprise|product"


def test_chain_columns_query_takes_only_parameters() -> None:
    """The chain's statement: its one value is ``$chain`` (and the visibility parameters), every
    relationship is read only where it is visible, and each label and type of a chain's part is returned."""
    query = cypher_columns.chain_columns_query({"Enterprise": ["name"], "SUPPLIES": ["share"]})
    assert query.startswith("MATCH (c:Chain {id: $chain}) WHERE (c._import IS NULL")
    assert set(re.findall(r"\$\w+", query)) == {"$chain", "$_last", "$_hidden"}
    assert query.count("-[r:") == query.count(VISIBLE_R)
    returned = query.rsplit("RETURN ", 1)[1].split(", ")
    assert returned[:5] == ["Chain", "Product", "Cluster", "Enterprise", "Park"]
    assert "SUPPLIES_Enterprise" in returned and "LOCATED_IN_Park" in returned
    assert "[r IN rs | r.share]" in query and "[n IN ns | n.name]" in query

"""The exact Cypher text the Neo4j store sends (no server needed): labels and types only from the
schema's whitelist, every value a parameter."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from graph_schema.constraints import INDEXES, IndexedProperty
from graph_schema.errors import SchemaError
from graph_schema.registry import NODE_LABELS
from stores import cypher

INJECTION = "Enterprise) DETACH DELETE n //"
LABEL_TEMPLATES = [
    cypher.MERGE_NODES, cypher.MISSING_IDS, cypher.DELETE_NODES, cypher.NODES_BY_ID, cypher.ALL_NODES,
    cypher.NODE_PAGE, cypher.COUNT_NODES,
]
TYPE_TEMPLATES = [cypher.ALL_RELATIONSHIPS, cypher.COUNT_RELATIONSHIPS, cypher.DELETE_RELATIONSHIPS]


def test_schema_statements() -> None:
    statements = cypher.schema_statements()
    assert statements[:3] == [
        "CREATE CONSTRAINT enterprise_id_unique IF NOT EXISTS FOR (n:Enterprise) REQUIRE n.id IS UNIQUE",
        "CREATE TEXT INDEX enterprise_name_text IF NOT EXISTS FOR (n:Enterprise) ON (n.name)",
        "CREATE CONSTRAINT product_id_unique IF NOT EXISTS FOR (n:Product) REQUIRE n.id IS UNIQUE",
    ]
    assert "CREATE INDEX enterprise_credit_code IF NOT EXISTS FOR (n:Enterprise) ON (n.credit_code)" in statements
    assert "CREATE CONSTRAINT meta_id_unique IF NOT EXISTS FOR (n:ChainAtlasMeta) REQUIRE n.id IS UNIQUE" in statements
    assert statements[-1] == "DROP INDEX node_name_fulltext IF EXISTS"
    assert len(statements) == len(INDEXES) + 2 == len(NODE_LABELS) * 2 + 3


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
    assert label(cypher.NODES_BY_ID) == "UNWIND $ids AS id MATCH (n:Park {id: id}) RETURN properties(n) AS props"
    assert label(cypher.ALL_NODES) == "MATCH (n:Park) RETURN properties(n) AS props"
    assert label(cypher.NODE_PAGE) == "MATCH (n:Park) RETURN properties(n) AS props ORDER BY n.id SKIP $offset LIMIT $limit"
    assert label(cypher.COUNT_NODES) == "MATCH (n:Park) RETURN count(n) AS n"
    assert rel_type(cypher.ALL_RELATIONSHIPS) == (
        "MATCH (a)-[r:LEADS]->(b) RETURN a.id AS src, b.id AS dst, type(r) AS type, properties(r) AS props"
    )
    assert rel_type(cypher.COUNT_RELATIONSHIPS) == "MATCH ()-[r:LEADS]->() RETURN count(r) AS n"
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
        "UNWIND $ids AS id MATCH (a:Enterprise {id: id})<-[r:SUPPLIES|LEADS]-(b) "
        "RETURN b.id AS src, a.id AS dst, type(r) AS type, properties(r) AS props"
    )
    assert cypher.search_query(["Chain", "Park", "Chain"]) == (
        "CALL () { "
        "MATCH (n:Chain) WHERE n.name CONTAINS $q OR n.id = $q OR n.credit_code = $q "
        "OR any(alias IN coalesce(n.aliases, []) WHERE alias CONTAINS $q) RETURN n UNION ALL "
        "MATCH (n:Park) WHERE n.name CONTAINS $q OR n.id = $q OR n.credit_code = $q "
        "OR any(alias IN coalesce(n.aliases, []) WHERE alias CONTAINS $q) RETURN n } "
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
    ],
)
def test_names_outside_the_schema_are_refused(build: Callable[[], str]) -> None:
    with pytest.raises(SchemaError):
        build()

"""Neo4j-only checks of the schema objects generated from graph_schema (fails if Neo4j is down)."""

from __future__ import annotations

from graph_schema.constraints import FULLTEXT_INDEX, neo4j_schema_statements
from graph_schema.registry import NODE_LABELS
from stores.neo4j_store import Neo4jStore
from tests.contract.sample import sample_batch


def test_constraints_and_indexes_exist(neo4j_store: Neo4jStore) -> None:
    neo4j_store.ensure_schema()
    constraints = {row["name"] for row in neo4j_store._read("SHOW CONSTRAINTS YIELD name RETURN name")}
    assert {f"{label.lower()}_id_unique" for label in NODE_LABELS} | {"meta_id_unique"} <= constraints
    indexes = {row["name"]: row["type"] for row in neo4j_store._read("SHOW INDEXES YIELD name, type RETURN name, type")}
    assert indexes[FULLTEXT_INDEX] == "FULLTEXT"
    assert all(indexes[f"{label.lower()}_name_text"] == "TEXT" for label in NODE_LABELS)
    assert len(neo4j_schema_statements()) == len(NODE_LABELS) * 2 + 3


def test_fulltext_index_finds_chinese_substrings(neo4j_store: Neo4jStore) -> None:
    neo4j_store.clear()
    neo4j_store.write(sample_batch())
    neo4j_store._driver.execute_query("CALL db.awaitIndexes(60)")
    rows = neo4j_store._read(
        f"CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $q) YIELD node RETURN node.id AS id", q='"储能"'
    )
    assert {row["id"] for row in rows} == {"product:cell", "cluster:storage", "91360100MA35GWXY5H"}

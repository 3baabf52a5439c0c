"""Neo4j-only checks of the schema objects generated from graph_schema (fails if Neo4j is down)."""

from __future__ import annotations

from typing import Any

from graph_schema import Enterprise, Supplies
from graph_schema.registry import NODE_LABELS
from stores.base import NeighbourhoodQuery, WriteBatch
from stores.cypher import schema_statements
from stores.neo4j_store import Neo4jStore


def run(store: Neo4jStore, query: str, **params: Any) -> list[dict[str, Any]]:
    """A statement of the test's own, through the store's public session."""
    with store.session() as session:
        return session.run(query, params).data()


def test_constraints_and_indexes_exist(neo4j_store: Neo4jStore) -> None:
    neo4j_store.ensure_schema()
    constraints = {row["name"] for row in run(neo4j_store, "SHOW CONSTRAINTS YIELD name RETURN name")}
    assert {f"{label.lower()}_id_unique" for label in NODE_LABELS} | {"meta_id_unique", "staged_key_unique"} <= constraints
    indexes = {row["name"]: row["type"] for row in run(neo4j_store, "SHOW INDEXES YIELD name, type RETURN name, type")}
    assert all(indexes[f"{label.lower()}_name_text"] == "TEXT" for label in NODE_LABELS)
    assert indexes["meta_state"] == "RANGE"
    assert len(schema_statements()) == len(NODE_LABELS) * 2 + 5


def test_the_retired_fulltext_index_is_dropped(neo4j_store: Neo4jStore) -> None:
    """Databases made by earlier versions had a CJK full-text index that nothing read; it goes."""
    run(
        neo4j_store,
        "CREATE FULLTEXT INDEX node_name_fulltext IF NOT EXISTS FOR (n:Enterprise|Product|Chain|Cluster|Park) "
        "ON EACH [n.name] OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}"
    )

    def indexes() -> set[str]:
        return {row["name"] for row in run(neo4j_store, "SHOW INDEXES YIELD name RETURN name")}

    assert "node_name_fulltext" in indexes()
    neo4j_store.ensure_schema()
    neo4j_store.ensure_schema()  # and dropping it again is harmless
    assert "node_name_fulltext" not in indexes() and "enterprise_name_text" in indexes()


def test_supplies_keep_their_key_once_in_product(neo4j_store: Neo4jStore) -> None:
    """A keyed SUPPLIES holds its key only in ``product``; a key-less one holds ``key: ''``."""
    neo4j_store.clear()
    a, b = Enterprise(id="ent:a", name="甲"), Enterprise(id="ent:b", name="乙")
    keyed = Supplies(src="ent:a", dst="ent:b", product="product:cell", share=0.5)
    keyless = Supplies(src="ent:a", dst="ent:b", share=0.2)
    for _ in range(2):  # re-writing matches the same two relationships
        neo4j_store.write(WriteBatch(nodes=[a, b], relationships=[keyed, keyless]))
    stored = run(
        neo4j_store,
        "MATCH (:Enterprise {id: 'ent:a'})-[r:SUPPLIES]->() RETURN properties(r) AS props ORDER BY r.share"
    )
    assert [row["props"].get("key") for row in stored] == ["", None]
    assert [row["props"].get("product") for row in stored] == [None, "product:cell"]
    read = sorted(neo4j_store.neighbourhood(NeighbourhoodQuery(["ent:a"])).relationships, key=lambda rel: rel["key"])
    assert [(rel["key"], rel.get("product"), rel["share"]) for rel in read] == [
        ("", None, 0.2), ("product:cell", "product:cell", 0.5)
    ]


def test_relationships_written_with_a_second_key_copy_still_read(neo4j_store: Neo4jStore) -> None:
    """Stores written before the key moved into ``product`` kept both; they read the same."""
    neo4j_store.clear()
    run(
        neo4j_store,
        "CREATE (:Enterprise {id: 'ent:a', name: '甲'})-[:SUPPLIES {key: 'product:cell', product: 'product:cell'}]->"
        "(:Enterprise {id: 'ent:b', name: '乙'})"
    )
    [rel] = neo4j_store.neighbourhood(NeighbourhoodQuery(["ent:a"])).relationships
    assert (rel["key"], rel["product"]) == ("product:cell", "product:cell")

"""The demo as plain rows (loaders.demo_rows, stores.embedded_rows) against the validated models: the same
store content, rows the models accept as they are, and the import bookkeeping of EmbeddedStore.write."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from graph_schema.errors import ImportNotPublished, MissingEndpointError
from graph_schema.models import NODE_MODELS, RELATIONSHIP_MODELS
from loaders.demo import DEFAULT_SEED, _Generator, load_demo, weighted_choice
from loaders.demo_rows import row_batches
from stores.backup import content_digest
from stores.base import search_text
from stores.embedded import EmbeddedStore
from stores.embedded_rows import RowBatch, write_rows
from stores.imports import atomic_import

DIGESTS_AT_2447AE8 = {
    2000: "f72f3d06f9717e471371e5dd77955d0bd8dbf76b6a0bbae3f6fbbf12d7f508f8",
    20000: "c1f4551e0121605c973f36ffc8f40afd8e5f6a24faab858e3ac610b5bb448244",
}
"""Content digests of the demo (seed 8810, reference data included) as main wrote it at 2447ae8, before the
generator was made faster: its draws must not change (the 1M store's, 823f89f5…, in docs/benchmarks.md)."""


def filled(path: Path, scale: int, *, rows: bool, times: int = 1) -> EmbeddedStore:
    store = EmbeddedStore(path)
    store.ensure_schema()
    for _ in range(times):
        load_demo(store, scale, DEFAULT_SEED, rows=rows)
    return store


def bookkeeping(store: EmbeddedStore) -> list[tuple[str, str, int]]:
    return [(record.state, record.description, record.items) for record in store.imports(None)]


@pytest.mark.parametrize("scale", [2000, 20000])
def test_rows_fill_the_store_as_the_models_do(tmp_path: Path, scale: int) -> None:
    by_models = filled(tmp_path / "models.sqlite", scale, rows=False)
    by_rows = filled(tmp_path / "rows.sqlite", scale, rows=True)
    assert content_digest(by_rows) == content_digest(by_models) == DIGESTS_AT_2447AE8[scale]
    assert by_rows.counts() == by_models.counts()
    assert bookkeeping(by_rows) == bookkeeping(by_models)
    assert by_rows.revision() == by_models.revision()
    for table in ("nodes", "rels"):  # the typed columns (generated from the JSON) too
        columns = [row[1] for row in by_rows._db.execute(f"PRAGMA table_xinfo({table})") if row[1].startswith("p_")]
        query = f"SELECT count(*), total(length(coalesce({' || '.join(columns)}, ''))) FROM {table}"
        assert by_rows._db.execute(query).fetchone() == by_models._db.execute(query).fetchone()


def test_running_the_demo_again_changes_nothing(tmp_path: Path) -> None:
    once = filled(tmp_path / "once.sqlite", 2000, rows=True)
    twice = filled(tmp_path / "twice.sqlite", 2000, rows=True, times=2)
    assert content_digest(twice) == content_digest(once)
    assert twice._db.execute("SELECT count(*) FROM staged_nodes").fetchone()[0] == 0
    assert [state for state, _, _ in bookkeeping(twice)] == ["published", "published"]


def test_a_sample_of_the_rows_is_what_the_validated_models_give() -> None:
    """Each sampled row, read back into its pydantic model (validated), gives the same row again."""
    rng = random.Random(17)
    checked = {"nodes": 0, "relationships": 0}
    for batch in row_batches(_Generator(3000, DEFAULT_SEED, 5000)):
        for node_id, label, name, search, code, props in rng.sample(batch.nodes, min(60, len(batch.nodes))):
            node = NODE_MODELS[label].model_validate(json.loads(props))
            assert (node.id, node.label, node.name, search_text(node), getattr(node, "credit_code", None),
                    node.properties_json()) == (node_id, label, name, search, code, props)
            checked["nodes"] += 1
        for rel_type, src, dst, key, props in rng.sample(batch.relationships, min(200, len(batch.relationships))):
            rel = RELATIONSHIP_MODELS[rel_type].model_validate({"src": src, "dst": dst, **json.loads(props)})
            assert (rel.type, rel.src, rel.dst, rel.key, rel.properties_json()) == (rel_type, src, dst, key, props)
            assert rel.synthetic and "示例数据（虚构）" in (rel.source or "")
            checked["relationships"] += 1
    assert checked["nodes"] >= 100 and checked["relationships"] >= 500


def test_weighted_choice_draws_as_random_choices() -> None:
    population, cumulative = list("abcdefg"), [0.5, 0.7, 2.0, 2.1, 3.5, 3.6, 5.0]
    for seed in range(200):
        ours, theirs = random.Random(seed), random.Random(seed)
        assert [weighted_choice(ours, population, cumulative) for _ in range(5)] == \
            [theirs.choices(population, cum_weights=cumulative)[0] for _ in range(5)]


def chain_row(name: str) -> tuple[str, str, str, str, None, str]:
    return ("chain:aviation", "Chain", name, name, None, json.dumps({"id": "chain:aviation", "name": name, "kind": "新兴"},
                                                                    ensure_ascii=False, separators=(",", ":")))


def test_a_relationship_to_an_absent_node_writes_nothing() -> None:
    store = EmbeddedStore(":memory:")
    store.ensure_schema()
    batch = RowBatch(nodes=[chain_row("航空")], relationships=[("LEADS", "ent:nobody", "chain:aviation", "", "{}")])
    with pytest.raises(MissingEndpointError, match="ent:nobody"):
        write_rows(store, batch)
    assert store.get_node("chain:aviation") is None


def test_rows_of_an_import_stay_unseen_until_it_is_published() -> None:
    store = EmbeddedStore(":memory:")
    store.ensure_schema()
    write_rows(store, RowBatch(nodes=[chain_row("航空")]))
    with atomic_import(store, "rows") as session:
        session.write_rows(RowBatch(nodes=[chain_row("航空产业")]))
        assert store.get_node("chain:aviation")["name"] == "航空"  # the new value is staged, not seen
    assert store.get_node("chain:aviation")["name"] == "航空产业"
    with pytest.raises(ImportNotPublished), atomic_import(store, "rows") as session:
        session.write_rows(RowBatch(nodes=[chain_row("航空三")]))
        raise RuntimeError("fails half-way")
    assert store.get_node("chain:aviation")["name"] == "航空产业"


def test_a_store_that_takes_no_rows_refuses_them() -> None:
    """``ImportSession.write_rows`` asks the store (``takes_rows``), not its class: the Neo4j store writes
    WriteBatches only, and so does any store that says so."""
    from stores.neo4j_store import Neo4jStore

    class ModelsOnly(EmbeddedStore):
        takes_rows = False

    assert EmbeddedStore.takes_rows and not Neo4jStore.takes_rows
    store = ModelsOnly(":memory:")
    store.ensure_schema()
    with pytest.raises(ImportNotPublished, match="ModelsOnly takes WriteBatches"), atomic_import(store, "rows") as session:
        session.write_rows(RowBatch(nodes=[chain_row("航空")]))
    assert store.get_node("chain:aviation") is None

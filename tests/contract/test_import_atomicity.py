"""Imports readers see whole or not at all, in both stores (``stores.imports``).

A pending import's batches — new nodes and relationships and new values of existing ones — are
seen by no read path of the interface until it is published; publishing gives what plain writes
give; rolling back gives the store as it was; an import whose process is gone is rolled back by the
next start; both stores answer alike throughout.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph_schema import Chain, Enterprise, Produces, Product, Supplies
from graph_schema.errors import ImportInProgress, ImportNotPublished, MissingEndpointError, StoreError
from loaders.export import export_graph
from stores.backup import content_digest
from stores.base import GraphStore, NeighbourhoodQuery, WriteBatch
from stores.embedded import EmbeddedStore
from stores.imports import atomic_import, current_owner, is_live, recover_abandoned, recover_and_tell
from tests.contract.sample import LEAD_CODE, sample_batch


def first_batch() -> WriteBatch:
    """New nodes and relationships, and new values for existing ones (with observations)."""
    return WriteBatch(
        nodes=[
            Enterprise(id="ent:new", name="新进隔膜有限公司", local=True, revenue_yi=3.5, seen=["2024-12-31"], listing="名单"),
            Enterprise(id="ent:cathode", name="南昌正极材料有限公司", revenue_yi=15.0, aliases=["南昌正极"],
                       seen=["2023-12-31"], listing="名单"),
            Product(id="product:separator", name="隔膜（测试）", segment="锂电", stage="中游"),
        ],
        relationships=[
            Produces(src="ent:new", dst="product:separator"),
            Supplies(src="ent:new", dst=LEAD_CODE, product="product:cathode", share=0.1),
            Supplies(src="ent:cathode", dst=LEAD_CODE, product="product:cathode", share=0.5, seen=["2023-12-31"],
                     listing="名单"),
        ],
    )


def second_batch() -> WriteBatch:
    """The same items again with more (a later batch of one import merges with the earlier)."""
    return WriteBatch(
        nodes=[
            Enterprise(id="ent:new", name="新进隔膜有限公司", tags=["专精特新"], seen=["2025-12-31"], listing="名单"),
            Enterprise(id="ent:cathode", name="南昌正极材料有限公司", seen=["2025-12-31"], listing="名单"),
            Chain(id="chain:new-energy", name="新能源", kind="新兴", target_2026_yi=1200),
        ],
        relationships=[
            Supplies(src="ent:cathode", dst=LEAD_CODE, product="product:cathode", amount_wan=4000, seen=["2025-12-31"],
                     listing="名单"),
        ],
    )


def views(store: GraphStore, folder: Path) -> dict[str, Any]:
    """What every read path of the interface answers (and the export built on them)."""
    folder.mkdir(parents=True, exist_ok=True)
    exported = export_graph(store, "json", folder / "export.json")
    return {
        "nodes": {node_id: store.get_node(node_id) for node_id in ("ent:new", "ent:cathode", "product:separator",
                                                                   "chain:new-energy", LEAD_CODE)},
        "lists": {label: store.list_nodes(label) for label in ("Enterprise", "Product", "Chain")},
        "page": store.list_nodes("Enterprise", limit=2, offset=1),
        "search": [node["id"] for node in store.search("隔膜")] + [node["id"] for node in store.search("南昌正极")],
        "counts": store.counts(),
        "neighbourhood": store.neighbourhood(NeighbourhoodQuery([LEAD_CODE], 2)).__dict__,
        "graph": nx.to_dict_of_dicts(store.project()),
        "chain": nx.to_dict_of_dicts(store.project("chain:new-energy")),
        "export": [path.read_text(encoding="utf-8") for path in exported],
        "digest": content_digest(store),
    }


def plain_twin(tmp_path: Path, *batches: WriteBatch) -> EmbeddedStore:
    """A store given the sample and ``batches`` by plain writes: what publishing must give."""
    twin = EmbeddedStore(tmp_path / "twin.sqlite")
    twin.ensure_schema()
    twin.write(sample_batch())
    for batch in batches:
        twin.write(batch)
    return twin


def begin(store: GraphStore, owner: str = "") -> int:
    return store.begin_import("测试导入", owner or current_owner("contract"), is_live=lambda record: False)


def test_a_pending_import_is_seen_by_no_reader_until_published(store: GraphStore, tmp_path: Path) -> None:
    store.write(sample_batch())
    before, revision = views(store, tmp_path / "before"), store.revision()
    number = begin(store)
    store.write(first_batch(), pending=number)
    store.write(second_batch(), pending=number)
    assert views(store, tmp_path / "pending") == before  # new nodes, new rels and new values all invisible
    assert store.revision() == revision  # nothing readers see has changed
    assert [(record.number, record.state, record.items) for record in store.imports()] == [(number, "pending", 10)]
    store.publish_import(number)
    twin = plain_twin(tmp_path, first_batch(), second_batch())
    published = views(store, tmp_path / "published")
    assert published == views(twin, tmp_path / "twin")  # in one step, exactly what plain writes give
    assert published["nodes"]["ent:cathode"]["seen"] == ["2023-12-31", "2025-12-31"]
    assert published["nodes"]["ent:cathode"]["revenue_yi"] == pytest.approx(15.0)  # from the first batch, kept by the second
    assert published["nodes"]["ent:new"]["tags"] == ["专精特新"] and published["nodes"]["ent:new"]["revenue_yi"] == pytest.approx(3.5)
    assert store.revision() > revision
    assert store.imports() == [] and store.imports(None)[-1].state == "published"
    store.publish_import(number)  # again: nothing happens
    assert content_digest(store) == published["digest"]
    twin.close()


def test_rolling_back_gives_the_store_as_it_was(store: GraphStore, tmp_path: Path) -> None:
    store.write(sample_batch())
    before = views(store, tmp_path / "before")
    number = begin(store)
    store.write(first_batch(), pending=number)
    store.write(second_batch(), pending=number)
    counts = store.rollback_import(number)
    assert (counts.nodes, counts.relationships, counts.updates) == (2, 2, 3)  # ent:new, separator; their 2 links; 3 staged
    assert views(store, tmp_path / "after") == before
    assert store.rollback_import(number).total == 0  # safe to repeat
    assert store.imports(None)[-1].state == "rolled_back"
    with pytest.raises(StoreError, match="not pending"):  # a writer that missed the rollback writes nothing more
        store.write(first_batch(), pending=number)
    with pytest.raises(StoreError, match="rolled_back"):
        store.publish_import(number)
    store.write(first_batch())  # the rolled-back rows are gone: a plain write creates them afresh
    assert store.get_node("ent:new")["revenue_yi"] == pytest.approx(3.5)


def test_both_stores_give_the_same_answers_while_pending_and_after(both_stores: dict[str, GraphStore], tmp_path: Path) -> None:
    answers: dict[str, list[dict[str, Any]]] = {}
    for kind, store in both_stores.items():
        store.write(sample_batch())
        number = begin(store)
        store.write(first_batch(), pending=number)
        pending = views(store, tmp_path / kind / "pending")
        store.write(second_batch(), pending=number)
        store.publish_import(number)
        answers[kind] = [pending, views(store, tmp_path / kind / "published")]
    assert answers["embedded"] == answers["neo4j"]


def dead_owner() -> str:
    """An owner whose process has ended (a finished child of this test)."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    return current_owner("dead").replace(f"|{__import__('os').getpid()}|", f"|{child.stdout.strip()}|", 1)


def test_an_import_whose_process_died_is_rolled_back_at_the_next_start(store: GraphStore, tmp_path: Path) -> None:
    store.write(sample_batch())
    before = content_digest(store)
    owner = dead_owner()
    number = begin(store, owner)
    store.write(first_batch(), pending=number)
    record = store.imports()[0]
    assert not is_live(record)
    messages = recover_and_tell(store)
    assert len(messages) == 1
    assert messages[0].startswith(f"发现未完成的导入 {number}（开始于 ") and "测试导入" in messages[0]
    assert "已回滚：6 条（新节点 2、新关系 2、待更新 2）" in messages[0]
    assert content_digest(store) == before and recover_and_tell(store) == []


def test_a_running_import_is_left_alone_and_a_second_one_waits(store: GraphStore) -> None:
    store.write(sample_batch())
    with atomic_import(store, "第一个导入") as session:
        session.write(first_batch())
        assert recover_abandoned(store) == []  # its owner (this process) is writing it
        with pytest.raises(ImportNotPublished, match="另一个导入正在进行（导入 \\d+，开始于 .*第一个导入）") as caught:
            with atomic_import(store, "第二个导入"):
                pass
        assert caught.value.outcome.state == "busy" and isinstance(caught.value.__cause__, ImportInProgress)
        assert store.get_node("ent:new") is None
    assert store.get_node("ent:new")["name"] == "新进隔膜有限公司"
    assert "第二个导入" not in [record.description for record in store.imports(None)]  # the refused one left no record


def test_a_failing_import_is_rolled_back_and_says_what_it_had_written(store: GraphStore) -> None:
    store.write(sample_batch())
    before = content_digest(store)
    broken = WriteBatch(relationships=[Produces(src="ent:nobody", dst="product:cathode")])
    with pytest.raises(ImportNotPublished) as caught, atomic_import(store, "会失败的导入") as session:
        session.write(first_batch())
        session.write(broken)
    outcome = caught.value.outcome
    assert isinstance(caught.value.__cause__, MissingEndpointError)
    assert (outcome.state, outcome.written, outcome.rolled_back) == ("rolled_back", 6, 6)
    assert "已写入的 6 个节点和关系尚未发布，读取时从未可见，已全部回滚（6 条）：数据库与导入前相同" in str(caught.value)
    assert content_digest(store) == before


def test_emptying_the_store_cancels_pending_imports(store: GraphStore) -> None:
    store.write(sample_batch())
    number = begin(store)
    store.write(first_batch(), pending=number)
    store.clear()
    assert set(store.counts().values()) == {0} and store.imports() == []
    assert store.imports(None)[-1].state == "cleared"
    with pytest.raises(StoreError):
        store.write(first_batch(), pending=number)


def test_writing_what_is_stored_stages_nothing_and_later_values_still_win(store: GraphStore, tmp_path: Path) -> None:
    store.write(sample_batch())
    before = content_digest(store)
    number = begin(store)
    store.write(sample_batch(), pending=number)  # the same again: nothing to stage, nothing created
    assert store.rollback_import(number).total == 0 and content_digest(store) == before

    def cathode(revenue: float) -> Enterprise:
        return Enterprise(id="ent:cathode", name="南昌正极材料有限公司", province="江西省", city="南昌市", local=True,
                          revenue_yi=revenue, tags=["专精特新"], synthetic=True)

    number = begin(store)
    store.write(WriteBatch(nodes=[cathode(30.0)]), pending=number)  # a change, staged
    store.write(WriteBatch(nodes=[cathode(12.0)]), pending=number)  # back to the stored value: must still win
    store.write(WriteBatch(nodes=[cathode(40.0), cathode(12.0)]), pending=number)  # in one batch, the last row wins
    store.publish_import(number)
    assert store.get_node("ent:cathode")["revenue_yi"] == pytest.approx(12.0)
    assert content_digest(store) == before
    number = begin(store)
    store.write(WriteBatch(nodes=[cathode(40.0), cathode(12.0)]), pending=number)  # nothing staged before: still the last
    store.publish_import(number)
    assert content_digest(store) == before

"""Near-duplicate names: listed, decided (who, when), merged in the store, merged again after a re-import."""

from __future__ import annotations

import json
from pathlib import Path

from graph_schema import Enterprise, Supplies
from loaders.name_decisions import DecisionBook, apply_decisions, near_duplicates
from loaders.names import enterprise_id
from loaders.realdata import APPLE_NAME, import_apple
from stores.base import GraphStore, WriteBatch
from stores.embedded import EmbeddedStore

NXP, NXP_SINGULAR = "NXP Semiconductors N.V.", "NXP Semiconductor NV"


def small(store: GraphStore) -> tuple[str, str, str]:
    ids = enterprise_id(NXP), enterprise_id(NXP_SINGULAR), enterprise_id(APPLE_NAME)
    store.write(WriteBatch(
        nodes=[Enterprise(id=ids[0], name=NXP, country="荷兰"), Enterprise(id=ids[1], name=NXP_SINGULAR, country="荷兰"),
               Enterprise(id=ids[2], name=APPLE_NAME, country="美国")],
        relationships=[Supplies(src=ids[0], dst=ids[2], seen=["2022-12-31"], listing="L"),
                       Supplies(src=ids[1], dst=ids[2], seen=["2013-12-31"], listing="L")],
    ))
    return ids


def test_listed_decided_and_merged(store: GraphStore, tmp_path: Path) -> None:
    keep, other, apple = small(store)
    book = DecisionBook.in_folder(tmp_path)
    pairs = near_duplicates(store, book)
    assert [(p.first_name, p.second_name) for p in pairs] in ([(NXP, NXP_SINGULAR)], [(NXP_SINGULAR, NXP)])
    decision = book.record(NXP, NXP_SINGULAR, "merge", by="张三")
    assert decision.by == "张三" and decision.at[:4].isdigit()
    saved = json.loads((tmp_path / "name-decisions.json").read_text("utf-8"))
    assert saved[0]["by"] == "张三" and saved[0]["decision"] == "merge"
    assert apply_decisions(store, DecisionBook.in_folder(tmp_path)) == 1
    assert store.get_node(other) is None
    kept = store.get_node(keep)
    assert NXP_SINGULAR in kept["aliases"]
    link = store.project()[keep][apple]["SUPPLIES"]
    assert link["seen"] == ["2013-12-31", "2022-12-31"]  # the observations add up
    assert near_duplicates(store, book) == []
    small(store)  # a re-import brings the other spelling back …
    assert apply_decisions(store, DecisionBook.in_folder(tmp_path)) == 1  # … and it is merged again
    assert store.get_node(other) is None


def test_keep_apart_is_no_longer_listed(store: GraphStore, tmp_path: Path) -> None:
    small(store)
    book = DecisionBook.in_folder(tmp_path)
    book.record(NXP, NXP_SINGULAR, "keep", by="李四")
    assert near_duplicates(store, book) == []
    assert apply_decisions(store, book) == 0 and store.counts()["Enterprise"] == 3


def test_apple_reimport_applies_merge_decisions(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "apple.db")
    store.ensure_schema()
    book = DecisionBook.in_folder(tmp_path)
    assert import_apple(store, decisions=book).ok
    before = store.counts()["Enterprise"]
    book.record("NXP Semiconductors N.V.", "NXP Semiconductor N.V.", "merge", by="张三")
    assert apply_decisions(store, book) == 1
    assert import_apple(store, decisions=book).ok
    assert store.counts()["Enterprise"] == before - 1
    nxp = [n for n in store.search("NXP", labels=["Enterprise"])]
    assert len(nxp) == 1 and "NXP Semiconductor N.V." in nxp[0]["aliases"]
    store.close()

"""A credit code already in the store, imported under another name, is a visible rename: a warning
naming the old and the new name with the old name kept as an alias, or — with ``rename="refuse"`` —
an error and nothing written. Stored aliases survive a re-import that gives none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from loaders.importer import import_files
from stores.backup import content_digest
from stores.base import GraphStore
from tests.loaders.conftest import CODE_A, CODE_B

HEADER = "企业名称,统一社会信用代码,曾用名/简称,所在区县\n"
FIRST = HEADER + f"南昌甲科技有限公司,{CODE_A},甲科技,南昌县\n南昌乙材料有限公司,{CODE_B},,南昌县\n"
RENAMED = HEADER + f"南昌新甲新能源有限公司,{CODE_A},,南昌县\n南昌乙材料有限公司,{CODE_B},,南昌县\n"


def test_a_rename_is_a_warning_and_the_old_name_an_alias(reference_store: GraphStore,
                                                          write_file: Callable[..., Path]) -> None:
    assert import_files(reference_store, [write_file("名录.csv", FIRST)]).ok
    report = import_files(reference_store, [write_file("名录2.csv", RENAMED)])
    assert report.ok, report.summary()
    [warning] = [p for p in report.warnings if "在库中的企业名称为" in p.reason]
    assert (warning.file, warning.row, warning.column) == ("名录2.csv", 2, "企业名称")
    assert warning.reason == (f"统一社会信用代码 {CODE_A} 在库中的企业名称为“南昌甲科技有限公司”，本次导入为“南昌新甲新能源有限公司”："
                              "已按新名称更新，原名称“南昌甲科技有限公司”保留为曾用名")
    assert "南昌新甲新能源有限公司" in report.summary()
    node = reference_store.get_node(CODE_A)
    assert node is not None and node["name"] == "南昌新甲新能源有限公司"
    assert node["aliases"] == ["甲科技", "南昌甲科技有限公司"]  # the stored alias stays, the old name joins it
    assert [hit["id"] for hit in reference_store.search("南昌甲科技", labels=["Enterprise"])] == [CODE_A]
    again = import_files(reference_store, [write_file("名录2.csv", RENAMED)])  # nothing renamed the second time
    assert again.ok and not [p for p in again.warnings if "在库中的企业名称为" in p.reason]
    assert reference_store.get_node(CODE_A) == node


def test_refuse_policy_rejects_a_rename_and_writes_nothing(reference_store: GraphStore,
                                                            write_file: Callable[..., Path]) -> None:
    assert import_files(reference_store, [write_file("名录.csv", FIRST)]).ok
    before = content_digest(reference_store)
    report = import_files(reference_store, [write_file("名录2.csv", RENAMED)], rename="refuse")
    assert not report.ok
    [error] = report.errors
    assert (error.row, error.column, error.value) == (2, "企业名称", "南昌新甲新能源有限公司")
    assert "在库中的企业名称为“南昌甲科技有限公司”，本次导入为“南昌新甲新能源有限公司”：按改名策略 refuse 拒绝改名" in error.reason
    assert content_digest(reference_store) == before
    same = import_files(reference_store, [write_file("名录.csv", FIRST)], rename="refuse")  # same names: no rename
    assert same.ok and content_digest(reference_store) == before


def test_a_spelling_in_full_width_brackets_is_no_rename(reference_store: GraphStore,
                                                        write_file: Callable[..., Path]) -> None:
    assert import_files(reference_store, [write_file("名录.csv", HEADER + f"南昌甲(江西)科技有限公司,{CODE_A},,\n")]).ok
    report = import_files(reference_store, [write_file("名录2.csv", HEADER + f"南昌甲（江西）科技有限公司,{CODE_A},,\n")],
                          rename="refuse")
    assert report.ok and not report.warnings, report.summary()
    assert reference_store.get_node(CODE_A)["aliases"] == []  # type: ignore[index]

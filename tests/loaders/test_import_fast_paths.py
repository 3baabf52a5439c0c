"""The import's fast paths give what the slow ones give (issue 17, item 5).

- Kept items are rebuilt without validating them again (``model_construct``): a demo exported to
  CSV, plus rows with credit codes, aliases, observations and amounts, stores the same content
  (digest) as the second pass that reads and validates every row again.
- One-word names skip cleanco's loop over its terms: the same answer as ``basename`` looped.
- 合计 rows are recognised without folding most cells: the same answer as the full check.
- A row of text cells is searched for control characters once: the same messages as per cell.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from cleanco import basename  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_schema.credit_code import credit_code_check_char
from loaders.catalogue import Catalogue
from loaders.cells import _NOTE_ROW, _TOTAL_ROW, is_total_or_note
from loaders.names import _one_word_basename, fold, strip_legal_forms
from loaders.report import ImportReport
from loaders.spreadsheet_cells import CONTROL_CHARACTER, strip_control_characters

# letters, legal-form pieces, punctuation and Chinese: what company names are made of
NAME_ALPHABET = list("abcLTDcoIncSAGmbHNV.,-!)(&'/ 公司株式会社合计数总小共注：:ÄüøЙ\u3000")


def _cleanco_looped(name: str) -> str:
    """What ``strip_legal_forms`` did for every name before the one-word fast path."""
    text = " ".join(name.split())
    while True:
        shorter = basename(text)
        if not shorter or shorter == text:
            return text
        text = shorter


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=NAME_ALPHABET, min_size=1, max_size=12)
       | st.sampled_from(["Ltd", "Ltd.", "LTD!!", "GmbH)", "3M", "Inc", "SA", "株式会社", "南昌甲公司", "Co.,"]))
def test_one_word_names_lose_what_cleanco_takes_off(name: str) -> None:
    word = " ".join(name.split())
    if word and " " not in word:
        assert _one_word_basename(word) == _cleanco_looped(word)
    assert strip_legal_forms(name) == _cleanco_looped(name)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.text(alphabet=[*NAME_ALPHABET, "计", "數", "說", "明"], max_size=8),
                 st.sampled_from(["合计", "合 计", "总计：", "小计:", "共计", "总数", "注：营收", "说明:1", " 数据来源：年报"])))
def test_totals_and_notes_are_found_as_by_the_full_check(cell: Any) -> None:
    full = cell is not None and bool(
        _TOTAL_ROW.fullmatch(fold(str(cell)).replace(" ", "")) or _NOTE_ROW.match(str(cell).strip())
    )
    assert is_total_or_note(cell) == full


@functools.cache
def _catalogue() -> Catalogue:
    return Catalogue.from_reference()


def _control_messages_per_cell(values: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """The messages as the check gave them cell by cell, before the one-search fast path."""
    found = []
    for name, value in values.items():
        text = "、".join(map(str, value)) if isinstance(value, (list, tuple)) else value
        if type(text) is str and (match := CONTROL_CHARACTER.search(text)):
            found.append((name, f"含有不可见的控制字符 U+{ord(match.group()):04X}，Excel 和导出文件都无法保存，请删除后再导入",
                          strip_control_characters(text)))
    return found


CELL = st.one_of(st.none(), st.integers(), st.floats(allow_nan=False),
                 st.text(alphabet=["a", "南", "\t", "\n", "\x01", "\x1f", "\x0b", " "], max_size=5),
                 st.lists(st.text(alphabet=["b", "\x02"], max_size=3), max_size=2))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["name", "district", "products", "tags", "source"]), CELL, max_size=5))
def test_control_characters_give_the_same_messages_as_cell_by_cell(values: dict[str, Any]) -> None:
    from loaders.importer import RowReader
    from loaders.table_plans import plan_tables
    from loaders.tabular import Table
    from stores.embedded import EmbeddedStore

    report = ImportReport()
    [plan] = plan_tables([Table("名录.csv", None, ["企业名称", "所在区县", "主营产品", "企业标签", "数据来源"], lambda: iter([]))],
                         report, None, None)
    store = EmbeddedStore(":memory:")  # never read: the check looks at the cells only
    reader = RowReader(store, _catalogue(), report, check=True)
    reader._refuse_control_characters(plan, 2, values)
    got = [(problem.column, problem.reason, problem.value) for problem in report.problems]
    expected = [(plan.columns[name], reason, value) for name, reason, value in _control_messages_per_cell(values)]
    assert got == expected
    store.close()


def _code(number: int) -> str:
    first17 = f"91360100MA{number:07d}"
    return first17 + credit_code_check_char(first17)


def test_kept_items_store_what_validating_every_row_again_stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo exported to CSV and more varied rows: kept (rebuilt unvalidated) and re-read (validated) agree."""
    import loaders.importer as importer
    from loaders.demo import load_demo
    from loaders.export import export_graph
    from loaders.reference import load_reference
    from stores.backup import content_digest
    from stores.embedded import EmbeddedStore

    demo = EmbeddedStore(tmp_path / "demo.sqlite")
    demo.ensure_schema()
    load_demo(demo, scale=500, seed=17)
    files = export_graph(demo, "csv", tmp_path / "演示")
    demo.close()
    extra = tmp_path / "补充.csv"
    extra.write_text(
        "企业名称,统一社会信用代码,曾用名/简称,国家/地区,营业收入(万元),企业标签,观测日期,所属名单,数据日期\n"
        + "".join(f"江西补{n:03d}材料股份有限公司,{_code(n)},补{n}/江西补{n}材料,中国大陆,{n * 1234.5},"
                  f"规上企业、高企,2023、2024年,样本名单,2025年第{n % 4 + 1}季度\n" for n in range(60)),
        encoding="utf-8")
    digests, reports = [], []
    for keep in (importer.KEEP_VALIDATED_BYTES, 0):
        monkeypatch.setattr(importer, "KEEP_VALIDATED_BYTES", keep)
        store = EmbeddedStore(tmp_path / f"kept-{keep}.sqlite")
        store.ensure_schema()
        load_reference(store)
        report = importer.import_files(store, [*files, extra])
        assert report.ok, report.summary()
        digests.append(content_digest(store))
        reports.append((report.written, [(p.file, p.row, p.column, p.reason) for p in report.problems]))
        store.close()
    assert digests[0] == digests[1]
    assert reports[0] == reports[1] and reports[0][0] > 2000

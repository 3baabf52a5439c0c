"""The import's fast paths give what the slow ones give (issue 17, item 5).

- Kept items are rebuilt without validating them again (``model_construct``): a demo exported to
  CSV, plus rows with credit codes, aliases, observations and amounts, stores the same content
  (digest) as the second pass that reads and validates every row again.
- One-word names skip cleanco's loop over its terms: the same answer as ``basename`` looped.
- 合计 rows are recognised without folding most cells: the same answer as the full check.
- A row of text cells is searched for control characters once: the same messages as per cell.
- The columnar fast lane of plain CSV files (``loaders.csv_columns``, ``supply_lane``,
  ``enterprise_lane``): the same report, counts, diff and stored content as every row on the row
  path, on fixed files and on generated rows (hypothesis); the column reader's cells are the row
  reader's whenever it takes a file.
- Kept items written into the embedded store as rows made from their values (``loaders.kept_rows``):
  the same rows as ``EmbeddedStore.write`` makes of the models (generated items: text with quotes and
  control characters, floats of every size, dates, lists), the same stores and reports through the
  whole import (every test above that imports runs each way), a second import of the same files
  changes nothing, a rejected batch writes nothing.
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
    for keep, rows in ((importer.KEEP_VALIDATED_BYTES, True), (importer.KEEP_VALIDATED_BYTES, False), (0, True)):
        monkeypatch.setattr(importer, "KEEP_VALIDATED_BYTES", keep)
        monkeypatch.setattr(importer, "WRITE_ROWS", rows)  # kept items written as rows made from their values, or as models
        store = EmbeddedStore(tmp_path / f"kept-{keep}-{rows}.sqlite")
        store.ensure_schema()
        load_reference(store)
        report = importer.import_files(store, [*files, extra])
        assert report.ok, report.summary()
        digests.append(content_digest(store))
        reports.append((report.written, [(p.file, p.row, p.column, p.reason) for p in report.problems]))
        store.close()
    assert digests[0] == digests[1] == digests[2]
    assert reports[0] == reports[1] == reports[2] and reports[0][0] > 2000


# -- the columnar fast lane of supply rows (loaders.csv_columns, loaders.supply_lane) ------------------

ENTERPRISE_CSV = (
    "企业名称,统一社会信用代码,所在区县\n"
    "南昌甲科技有限公司,,南昌县\n南昌乙材料有限公司,,新建区\n江西丙电子股份有限公司,{code},\n"
    "南昌丁有限公司,,高新区\n南昌戊锂业有限公司,,\n"
)
# cells each column of a supply row may hold: plain ones the fast lane takes, and the row path's cases
SUPPLIERS = ["南昌甲科技有限公司", "南昌甲科技", "南昌甲", "南昌乙材料有限公司", "江西丙电子股份有限公司", "南昌戊锂业有限公司",
             "南昌丁", "南昌无此公司", "", "  ", "示例：南昌甲", "合计", "注：数据为估计", "{code}", "南昌\u3000乙材料有限公司",
             "南昌甲科技有限公司\x01"]
PRODUCTS_CELLS = ["正极材料", "隔膜", "锂电池", "", "、", "正极材料、隔膜", "不存在的产品", "印制电路板"]
SHARES = ["0.3", "35%", "60", "0.95", "", "—", "abc", "1.5", "-0.1", "0.5 "]
AMOUNTS = ["1200", "12万元", "", "1234.5", "１２", "-5", "暂无", "nan", "1e3"]
CONFIDENCES = ["推断", "已核实", "", "verified", "未知"]
FLAGS = ["是", "否", "", "也许"]
DATES = ["2025-06-30", "", "2025年上半年", "2025-13-01", "2024"]
SOURCES = ["", "年报", "  "]
SEEN = ["", "2023、2024", "某年"]
LISTINGS = ["", "样本名单", "长" * 201]
SUPPLY_HEADER = "供应方,采购方,产品,占比,金额(万元),可信度,示例数据,日期,数据来源,观测日期,所属名单\n"


def _supply_csv(rows: list[tuple[str, ...]], code: str) -> str:
    return SUPPLY_HEADER + "".join(",".join(cell.replace("{code}", code) for cell in row) + "\n" for row in rows)


WAYS = ((True, True), (False, True), (True, False))
"""(fast lane, kept items written as rows): as imports run; every row on the row path; models written."""


def _import_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, supply_text: str, *, dry_run: bool = False,
                      tag: str = "", enterprise_text: str | None = None) -> list[tuple[Any, ...]]:
    """The import of the two files each of the ``WAYS``: with the fast lane and the rows written from
    the kept values, without the fast lane (every row on the row path), and with the kept items
    written as models (``store.write``): the problems, counts, written items and content digest of each."""
    import loaders.importer as importer
    from loaders.reference import load_reference
    from stores.backup import content_digest
    from stores.embedded import EmbeddedStore

    enterprises = tmp_path / f"企业{tag}.csv"
    enterprises.write_text(enterprise_text or ENTERPRISE_CSV.format(code=_code(7)), encoding="utf-8-sig")
    supplies = tmp_path / f"供应{tag}.csv"
    supplies.write_text(supply_text, encoding="utf-8-sig")
    outcomes = []
    for lane, rows in WAYS:
        if not lane:
            monkeypatch.setattr(importer, "read_columns", lambda table: None)
        monkeypatch.setattr(importer, "WRITE_ROWS", rows)
        store = EmbeddedStore(":memory:")
        store.ensure_schema()
        load_reference(store)
        report = importer.import_files(store, [enterprises, supplies], dry_run=dry_run, catalogue=_catalogue(),
                                       as_of=__import__("datetime").date(2025, 12, 31))
        outcomes.append(([(p.file, p.sheet, p.row, p.column, p.reason, p.value, p.level) for p in report.problems],
                         dict(report.items), report.written, report.ok, report.diff,
                         [(t.file, t.rows, t.errors) for t in report.tables], content_digest(store)))
        store.close()
        monkeypatch.undo()
    return outcomes


def test_the_fast_lane_takes_plain_rows_and_leaves_the_rest(tmp_path: Path) -> None:
    from loaders.csv_columns import read_columns
    from loaders.importer import RowReader
    from loaders.report import ImportReport
    from loaders.table_plans import plan_tables
    from loaders.tabular import Table, read_tables

    path = tmp_path / "供应.csv"
    path.write_text(_supply_csv([("南昌甲", "南昌乙材料有限公司", "隔膜", "0.3", "", "", "", "", "", "", ""),
                                 ("南昌甲", "南昌无此公司", "隔膜", "0.3", "", "", "", "", "", "", ""),
                                 ("南昌甲", "南昌乙材料有限公司", "隔膜", "12万", "", "", "", "", "", "", "")], ""),
                    encoding="utf-8-sig")
    report = ImportReport()
    [plan] = plan_tables(read_tables(path), report, None, None)
    reader = RowReader(None, _catalogue(), report, check=True)  # type: ignore[arg-type]
    reader.context.state.index.add("ent:a", "南昌甲有限公司")
    reader.context.state.index.add("ent:b", "南昌乙材料有限公司")
    rows = list(reader.lane_rows(plan))
    assert [(number, fast is not None) for number, _, fast in rows] == [(2, True), (3, False), (4, False)]
    quoted = tmp_path / "引号.csv"
    quoted.write_text(SUPPLY_HEADER + '"南昌甲,南昌",南昌乙材料有限公司,隔膜,,,,,,,,\n', encoding="utf-8")
    ragged = tmp_path / "参差.csv"
    ragged.write_text(SUPPLY_HEADER + "南昌甲,南昌乙材料有限公司\n", encoding="utf-8")
    legacy = tmp_path / "国标.csv"
    legacy.write_bytes((SUPPLY_HEADER + "南昌甲,南昌乙材料有限公司,隔膜,,,,,,,,\n").encode("gb18030"))
    nul = tmp_path / "空字符.csv"
    plain = "南昌甲,南昌乙材料有限公司,隔膜,,,,,,,,\n" * 25_000  # past the first MiB, which read_tables checks itself
    nul.write_text(SUPPLY_HEADER + plain + "南昌甲,南昌乙材料有限公司\x00,隔膜,,,,,,,,\n", encoding="utf-8")
    huge = tmp_path / "超长.csv"
    huge.write_text(SUPPLY_HEADER + "南昌甲,南昌乙材料有限公司," + "长" * 140_000 + ",,,,,,,,\n", encoding="utf-8")
    assert [read_columns(read_tables(p)[0]) for p in (quoted, ragged, legacy, nul)] == [None] * 4
    # a cell beyond csv's field limit: read_tables refuses a small file so; a file of 64 MB or more it does not count
    unread = Table(huge.name, None, SUPPLY_HEADER.strip().split(","), lambda: iter([]), 1, "utf-8-sig", None, huge)
    assert read_columns(unread) is None


COLUMN_TEXT = st.one_of(st.text(alphabet=["甲", "a", " ", "\t", "\u3000", "\x1c", "、", "."], max_size=4),
                        st.text(alphabet=["甲", ",", '"', "\r", "\n"], max_size=3))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(COLUMN_TEXT, min_size=3, max_size=3), min_size=1, max_size=6))
def test_columns_read_as_the_csv_reader_reads_the_rows(rows: list[list[str]]) -> None:
    """Whenever the columnar reader takes a file, its cells and row numbers are the row reader's; the
    rows counted when the file is read are the rows the row reader reads."""
    import csv
    import io
    import tempfile

    from loaders.csv_columns import read_columns
    from loaders.tabular import FileReadError, read_tables

    text = io.StringIO()
    csv.writer(text).writerows([["供应方", "采购方", "产品"], *rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "供应.csv"
        path.write_text(text.getvalue(), encoding="utf-8")
        try:
            [table] = read_tables(path)
            expected = [(number, cells) for number, cells in table.rows()]
        except FileReadError:
            return
        assert table.total == len(expected)  # counted without csv when the file is plain (loaders.csv_plain)
        chunks = read_columns(table)
        assert (chunks is not None) == table.plain
        if chunks is None:
            return
        got = [(number, [column[i] for column in chunk.cells]) for chunk in chunks for i, number in enumerate(chunk.numbers)]
        assert got == expected


def test_supply_fast_lane_gives_the_row_paths_report_and_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Clean rows, warnings (share sums, missing products) and a batch with bad rows mixed in: the same both ways."""
    code = _code(7)
    clean = [("南昌甲科技有限公司", "南昌乙材料有限公司", "正极材料", "0.3", "1200", "推断", "是", "2025-06-30", "年报", "", "样本名单"),
             ("南昌甲科技", "江西丙电子股份有限公司", "隔膜", "60%", "", "已核实", "", "", "", "", ""),
             ("南昌戊锂业有限公司", "南昌乙材料有限公司", "正极材料", "0.95", "", "", "否", "2025年上半年", "", "", ""),
             ("南昌乙材料有限公司", "南昌甲科技", "", "0.2", "1234.5", "", "", "", "", "", ""),
             ("南昌乙材料有限公司", "南昌戊锂业有限公司", "", "", "", "", "", "", "", "", ""),
             ("{code}", "南昌戊锂业有限公司", "隔膜", "", "", "", "", "", "", "", "")]
    outcomes = _import_both_ways(tmp_path, monkeypatch, _supply_csv(clean, code), tag="clean")
    assert outcomes[0] == outcomes[1] == outcomes[2]
    assert outcomes[0][3], outcomes[0][0]
    assert outcomes[0][2] > 6 and any("超过 100%" in p[4] for p in outcomes[0][0])
    bad = [*clean, ("南昌甲", "南昌无此公司", "隔膜", "", "", "", "", "", "", "", ""),
           ("南昌甲科技有限公司", "南昌乙材料有限公司", "正极材料", "0.1", "", "", "", "", "", "", ""),  # a duplicate
           ("南昌丁", "南昌甲", "隔膜", "", "", "", "", "", "", "", ""),  # 南昌甲: no such firm
           ("南昌甲科技", "南昌甲科技有限公司", "", "", "", "", "", "", "", "", ""), ("合计", "", "", "1", "", "", "", "", "", "", ""),
           ("南昌甲", "南昌乙材料有限公司", "不存在的产品", "abc", "-5", "未知", "也许", "2025-13-01", "", "某年", "长" * 201)]
    outcomes = _import_both_ways(tmp_path, monkeypatch, _supply_csv(bad, code), tag="bad")
    assert outcomes[0] == outcomes[1] == outcomes[2]
    (problems, _, written, ok, _, _, digest), reference_only = outcomes[0], _reference_digest()
    assert not ok and written == 0 and digest == reference_only and len([p for p in problems if p[6] == "错误"]) >= 8


@functools.cache
def _reference_digest() -> str:
    from loaders.reference import load_reference
    from stores.backup import content_digest
    from stores.embedded import EmbeddedStore

    store = EmbeddedStore(":memory:")
    store.ensure_schema()
    load_reference(store)
    digest = content_digest(store)
    store.close()
    return digest


COLUMNS = (SUPPLIERS, SUPPLIERS, PRODUCTS_CELLS, SHARES, AMOUNTS, CONFIDENCES, FLAGS, DATES, SOURCES, SEEN, LISTINGS)
PLAIN = (SUPPLIERS[:5], SUPPLIERS[:5], PRODUCTS_CELLS[:4], SHARES[:5], AMOUNTS[:1] + AMOUNTS[2:5], CONFIDENCES[:4],
         FLAGS[:3], DATES[:3], SOURCES, SEEN[:1], LISTINGS[:2])  # cells the fast lane takes (most of them)
SUPPLY_ROW = st.one_of(st.tuples(*map(st.sampled_from, PLAIN)), st.tuples(*map(st.sampled_from, COLUMNS)))


@settings(max_examples=40, deadline=None)
@given(st.lists(SUPPLY_ROW, min_size=1, max_size=25), st.booleans())
def test_supply_rows_give_the_same_report_with_and_without_the_fast_lane(
        rows: list[tuple[str, ...]], dry_run: bool) -> None:
    """Generated supply files (good and bad cells of every column, in any mix): the same problems,
    counts and store with the fast lane as with every row on the row path."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as monkeypatch:
        outcomes = _import_both_ways(Path(folder), monkeypatch, _supply_csv(rows, _code(7)), dry_run=dry_run)
    assert outcomes[0] == outcomes[1] == outcomes[2]


def test_rebuilt_items_are_what_model_construct_makes() -> None:
    from graph_schema import Enterprise, LocatedIn, Supplies
    from loaders.kept_items import rebuilder

    items = [Supplies(src="ent:a", dst="ent:b", share=0.5, seen=["2024-12-31"], source="f!2"),
             Enterprise(id=_code(3), name="南昌甲有限公司", tags=["上市", "链主"], aliases=["甲"], revenue_yi=1.5),
             LocatedIn(src="ent:a", dst="park:x", synthetic=True)]
    for item in items:
        fields, values = tuple(item.__dict__), tuple(item.__dict__.values())
        rebuilt, constructed = rebuilder(type(item), fields)(values), type(item).model_construct(**item.__dict__)
        assert rebuilt == constructed == item
        assert rebuilt.model_fields_set == constructed.model_fields_set
        assert rebuilt.properties_json() == item.properties_json()


# -- the columnar fast lane of enterprise rows (loaders.enterprise_lane) -------------------------------

ENTERPRISE_HEADER = ("企业名称,国家/地区,所在省份,所在城市,所在区县,所在园区,所属产业链,主营产品,所属集群,营业收入(亿元),企业标签,是否本地,"
                     "示例数据,数据日期,曾用名,统一社会信用代码\n")
NAMES = ["南昌甲科技有限公司", "南昌乙材料有限公司", "江西丙电子股份有限公司", "南昌甲科技股份有限公司", "南昌丁（江西）有限公司",
         "南昌丁有限公司", "", "示例：南昌戊", "合计", "南昌\u3000己有限公司", "长" * 201, "{code}"]
COUNTRIES = ["中国", "", "中国大陆", "日本"]
PROVINCES = ["江西省", "", "江西", "广东省"]
CITIES = ["南昌市", "", "深圳市"]
DISTRICTS = ["南昌县", "", "新建区", "火星区", "红谷滩新区"]
PARKS = ["", "高新区", "小蓝经开区", "不存在的园区"]
CHAINS = ["", "新能源", "电子信息", "航天", "新能源、电子信息"]
ENT_PRODUCTS = ["", "正极材料", "隔膜、正极材料", "印制电路板", "不存在的产品"]
CLUSTERS = ["", "不存在的集群"]
REVENUES = ["", "1.5", "12亿", "-1", "200000", "—"]
TAGS = ["", "链主", "规上企业、高企", "上市", "不存在的标签"]
LOCALS = ["", "是", "否", "也许"]
ENT_DATES = ["", "2025-06-30", "2025-13-01"]
ALIASES = ["", "甲科技"]
CODES = ["", "{code8}", "{code9}", "{code8 lower}", "91360100MA0000001X", "9.13601E+17", "{code}"]
ENT_COLUMNS = (NAMES, COUNTRIES, PROVINCES, CITIES, DISTRICTS, PARKS, CHAINS, ENT_PRODUCTS, CLUSTERS, REVENUES, TAGS,
               LOCALS, FLAGS[:3], ENT_DATES, ALIASES, CODES)
ENT_PLAIN = (NAMES[:6], COUNTRIES[:3], PROVINCES[:3], CITIES[:2], DISTRICTS[:3], PARKS[:3], CHAINS[:3], ENT_PRODUCTS[:4],
             CLUSTERS[:1], REVENUES[:2], TAGS[:4], LOCALS[:3], FLAGS[:3], ENT_DATES[:2], ALIASES[:1], CODES[:3])
ENTERPRISE_ROW = st.one_of(st.tuples(*map(st.sampled_from, ENT_PLAIN)), st.tuples(*map(st.sampled_from, ENT_COLUMNS)))


@settings(max_examples=40, deadline=None)
@given(st.lists(ENTERPRISE_ROW, min_size=1, max_size=20), st.lists(SUPPLY_ROW, max_size=8), st.booleans())
def test_enterprise_rows_give_the_same_report_with_and_without_the_fast_lane(
        enterprises: list[tuple[str, ...]], supplies: list[tuple[str, ...]], dry_run: bool) -> None:
    """Generated enterprise lists (good and bad cells, duplicates, names that normalise alike) with
    supply rows naming their firms: the same problems, counts and store both ways."""
    import tempfile

    code = _code(7)
    codes = {"{code}": code, "{code8}": _code(8), "{code9}": _code(9), "{code8 lower}": _code(8).lower()}
    enterprise_text = ENTERPRISE_HEADER + "".join(",".join(codes.get(cell, cell) for cell in row) + "\n"
                                                  for row in enterprises)
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as monkeypatch:
        outcomes = _import_both_ways(Path(folder), monkeypatch, _supply_csv(supplies, code), dry_run=dry_run,
                                     enterprise_text=enterprise_text)
    assert outcomes[0] == outcomes[1] == outcomes[2]


def test_enterprise_fast_lane_takes_plain_rows(tmp_path: Path) -> None:
    from loaders.enterprise_lane import ENTERPRISE_FIELDS, RELATIONSHIP_FIELDS
    from loaders.importer import RowReader
    from loaders.report import ImportReport
    from loaders.table_plans import plan_tables
    from loaders.tabular import read_tables

    path = tmp_path / "企业.csv"
    path.write_text(ENTERPRISE_HEADER + "南昌甲科技有限公司,中国,江西省,南昌市,南昌县,,新能源,正极材料,,1.5,链主,是,是,2025-06-30,,\n"
                    "南昌甲科技股份有限公司,,,,,,,,,,,,,,,\n南昌乙有限公司,,,,火星区,,,,,,,是,,,,\n"
                    f"南昌丙有限公司,,,,,,,,,,,,,,,{_code(5)}\n", encoding="utf-8-sig")
    report = ImportReport()
    [plan] = plan_tables(read_tables(path), report, None, None)
    reader = RowReader(None, _catalogue(), report, check=True)  # type: ignore[arg-type]
    reader.context.state.several_tables = False
    rows = list(reader.lane_rows(plan))
    assert [(number, [model.__name__ for model, _ in fast or ()]) for number, _, fast in rows] == [
        (2, ["Enterprise", "LocatedIn", "Produces", "Leads"]), (3, []), (4, []), (5, ["Enterprise"])]  # 3: the same firm again; 4: a warning
    assert rows[3][2][0][1][tuple(ENTERPRISE_FIELDS).index("credit_code")] == rows[3][2][0][1][ENTERPRISE_FIELDS.index("id")] == _code(5)
    from graph_schema import Leads, LocatedIn, MemberOf, Produces
    assert {tuple(model.model_fields) for model in (LocatedIn, Produces, MemberOf, Leads)} == {RELATIONSHIP_FIELDS}


# -- kept items written as rows (loaders.kept_rows) ---------------------------------------------------

TEXT = st.text(alphabet=["南", "a", '"', "\\", "\n", "\x01", "\x1f", "\u2028", "\x7f", "é", "😀", " "], max_size=6)
FLOAT = st.one_of(st.floats(min_value=0, max_value=1e300), st.floats(min_value=0, max_value=1e-3),
                  st.sampled_from([0.0, 1e-4, 1e-5, 0.1, 1e15, 1e16, 5e-324, 123456.789]))
DATE = st.dates(min_value=__import__("datetime").date(1000, 1, 1))
RECORD = {"source": st.none() | TEXT, "as_of": st.none() | DATE, "synthetic": st.booleans(), "quote": st.none() | TEXT}
OBSERVED = {"seen": st.none() | st.lists(DATE, max_size=3), "listing": st.none() | TEXT}


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.builds(lambda **values: ("Supplies", values), **RECORD, **OBSERVED,
              product=st.none() | st.sampled_from(["product:cathode", "product:separator"]),
              amount_wan=st.none() | FLOAT, share=st.none() | FLOAT.filter(lambda x: x <= 1),
              confidence=st.sampled_from(["reported", "inferred", "verified"])),
    st.builds(lambda **values: ("Enterprise", values), **RECORD, **OBSERVED, name=TEXT.filter(str.strip),
              aliases=st.lists(TEXT, max_size=2), credit_code=st.none() | st.just(_code(11)),
              district=st.none() | TEXT, local=st.booleans(), revenue_yi=st.none() | FLOAT.filter(lambda x: x <= 1e5),
              tags=st.lists(st.sampled_from(["链主", "上市", "规上"]), unique=True)),
    st.builds(lambda **values: ("Produces", values), **RECORD)))
def test_rows_made_from_kept_values_are_the_models_rows(drawn: tuple[str, dict[str, Any]]) -> None:
    """Each kept item's row, made from its values, is the row ``EmbeddedStore.write`` makes of its model."""
    from graph_schema import Enterprise, Produces, Supplies
    from loaders.kept_items import KeptItems
    from loaders.kept_rows import row_batches
    from stores.embedded_rows import node_row, relationship_row

    kind, values = drawn
    if kind == "Enterprise":
        item: Any = Enterprise(id=values["credit_code"] or "ent:x", **values)
    else:
        item = (Supplies if kind == "Supplies" else Produces)(src="ent:a", dst="product:cathode" if kind == "Produces"
                                                             else "ent:b", **values)
    # the item twice (the props a firm's relationships share are reused), then one that differs after src and dst only
    items = [item, item, item.model_copy(update={"confidence": "verified" if item.confidence != "verified" else "reported"})
             if kind == "Supplies" else item]
    kept = KeptItems(limit=1 << 20)
    for each in items:
        kept.append(each)
    [batch] = row_batches(kept, 10)
    assert [*batch.nodes, *batch.relationships] == [node_row(each) if kind == "Enterprise" else relationship_row(each)
                                                    for each in items]


def test_a_second_import_of_the_same_files_changes_nothing(tmp_path: Path) -> None:
    """The same two files imported twice (the second time the firms are in the store: enterprise rows
    take the row path, supply rows the fast lane): same content, nothing new or updated in a dry run."""
    from loaders.importer import import_files
    from loaders.reference import load_reference
    from stores.backup import content_digest
    from stores.embedded import EmbeddedStore

    clean = [("南昌甲科技有限公司", "南昌乙材料有限公司", "正极材料", "0.3", "1200", "推断", "是", "2025-06-30", "年报", "", "样本名单"),
             ("南昌戊锂业有限公司", "南昌乙材料有限公司", "隔膜", "0.00001", "0.5", "", "", "", "", "", "")]
    enterprises, supplies = tmp_path / "企业.csv", tmp_path / "供应.csv"
    enterprises.write_text(ENTERPRISE_CSV.format(code=_code(7)), encoding="utf-8-sig")
    supplies.write_text(_supply_csv(clean, _code(7)), encoding="utf-8-sig")
    store = EmbeddedStore(tmp_path / "twice.sqlite")
    store.ensure_schema()
    load_reference(store)
    first = import_files(store, [enterprises, supplies], catalogue=_catalogue())
    assert first.ok and first.written > 7, first.summary()
    digest = content_digest(store)
    again = import_files(store, [enterprises, supplies], catalogue=_catalogue())
    assert again.ok and again.written == first.written and content_digest(store) == digest
    diff = import_files(store, [enterprises, supplies], catalogue=_catalogue(), dry_run=True).diff
    assert diff and all(counts["new"] == counts["updated"] == 0 for counts in diff.values())
    store.close()

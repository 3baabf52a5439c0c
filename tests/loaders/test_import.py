"""Import of users' files into both stores: formats, validation, identity, idempotence, dry run, provenance."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from graph_schema import Enterprise
from loaders.importer import import_files
from loaders.names import enterprise_id
from stores.base import GraphStore, NeighbourhoodQuery
from tests.loaders.conftest import CODE_A, CODE_B, enterprises_by_name, snapshot, two_enterprises

ENTERPRISES = (
    "企业名称,统一社会信用代码,所在区县,所在园区,所属产业链,主营产品,营业收入(亿元),企业标签,数据来源,数据日期\n"
    f"南昌储能科技股份有限公司,{CODE_A},南昌县,小蓝经开区,新能源,锂离子电芯、储能电池模组及PACK,120.5,链主、上市,企业年报,2025-12-31\n"
    "南昌正极材料有限公司,,经开区,,新能源,正极材料,12,专精特新,,\n"
    "宜春锂业有限公司,,,,新能源,碳酸锂,5,,,\n"
    "韩国正极株式会社,,,,新能源,正极材料,300,,,\n"
)
SUPPLIES = (
    "供应方,采购方,产品,占比,金额(万元),数据来源,日期\n"
    "宜春锂业（江西）有限公司,南昌正极材料股份有限公司,碳酸锂,100%,800,企业访谈,2024-06-30\n"
    f"南昌正极材料有限公司,{CODE_A},正极材料,0.6,3000,企业访谈,2025\n"
    f"韩国正极株式会社,南昌储能科技股份有限公司,正极材料,40%,,,2025-06\n"
)


def test_csv_import_writes_enterprises_relations_and_provenance(reference_store: GraphStore,
                                                              write_file: Callable[..., Path]) -> None:
    store = reference_store
    files = [write_file("企业名录.csv", ENTERPRISES, "gbk"), write_file("供应关系.csv", SUPPLIES, "utf-8-sig")]
    report = import_files(store, files, as_of=dt.date(2025, 1, 31))
    assert report.ok, report.summary()
    assert report.written == 4 + 1 + 2 + 5 + 3  # enterprises, LEADS, LOCATED_IN, PRODUCES, SUPPLIES
    counts = store.counts()
    assert counts["Enterprise"] == 4 and counts["SUPPLIES"] == 3 and counts["PRODUCES"] == 5
    assert counts["LEADS"] == 1 and counts["LOCATED_IN"] == 2 + 2  # two reference Park→Park links
    lead = store.get_node(CODE_A)
    assert lead["local"] is True and lead["district"] == "南昌县" and lead["city"] == "南昌市"
    assert lead["tags"] == ["链主", "上市"] and lead["revenue_yi"] == pytest.approx(120.5)
    assert lead["source"] == "企业名录.csv!2；数据来源：企业年报" and lead["as_of"] == "2025-12-31"
    cathode = store.get_node(enterprise_id("南昌正极材料有限公司"))
    assert cathode["local"] is True and cathode["as_of"] == "2025-01-31"  # --as-of for rows without a date
    mine = store.get_node(enterprise_id("宜春锂业有限公司"))
    assert mine["local"] is False
    rels = {(r["src"], r["dst"], r["key"]): r for r in store.neighbourhood(NeighbourhoodQuery([CODE_A], 1, rel_types=["SUPPLIES"])).relationships}
    korean = enterprise_id("韩国正极株式会社")
    assert rels[(korean, CODE_A, "product:cathode-material")]["share"] == pytest.approx(0.4)
    assert rels[(korean, CODE_A, "product:cathode-material")]["as_of"] == "2025-06-30"
    local = rels[(cathode["id"], CODE_A, "product:cathode-material")]
    assert local["source"] == "供应关系.csv!3；数据来源：企业访谈" and local["as_of"] == "2025-12-31"
    assert local["amount_wan"] == pytest.approx(3000) and local["confidence"] == "reported"
    located = store.neighbourhood(NeighbourhoodQuery([CODE_A], 1, rel_types=["LOCATED_IN", "LEADS"])).relationships
    assert {(r["type"], r["dst"]) for r in located} >= {("LOCATED_IN", "park:xiaolan-edz"), ("LEADS", "chain:new-energy")}
    assert all(r["source"].startswith("企业名录.csv!2") for r in located if r["src"] == CODE_A)


def test_import_twice_changes_nothing_and_dry_run_says_so(reference_store: GraphStore,
                                                         write_file: Callable[..., Path]) -> None:
    store = reference_store
    files = [write_file("企业名录.csv", ENTERPRISES), write_file("供应关系.csv", SUPPLIES)]
    first = import_files(store, files)
    assert first.ok
    before = snapshot(store)
    second = import_files(store, files)
    assert second.ok and snapshot(store) == before
    dry = import_files(store, files, dry_run=True)
    assert dry.ok and dry.written == 0
    assert {name: counts["new"] + counts["updated"] for name, counts in dry.diff.items()} == dict.fromkeys(dry.diff, 0)
    assert dry.diff["Enterprise"]["unchanged"] == 4 and dry.diff["SUPPLIES"]["unchanged"] == 3
    assert snapshot(store) == before


def test_dry_run_reports_new_and_updated_and_writes_nothing(reference_store: GraphStore,
                                                            write_file: Callable[..., Path]) -> None:
    store = reference_store
    import_files(store, [write_file("企业名录.csv", ENTERPRISES)])
    before = snapshot(store)
    changed = ENTERPRISES.replace(",12,专精特新", ",15,专精特新") + "南昌新企业有限公司,,,,新能源,隔膜,1,,,\n"
    report = import_files(store, [write_file("企业名录.csv", changed), write_file("供应关系.csv", SUPPLIES)],
                          dry_run=True)
    assert report.ok and report.dry_run
    assert report.diff["Enterprise"] == {"new": 1, "updated": 1, "unchanged": 4 - 1}
    assert report.diff["SUPPLIES"]["new"] == 3
    assert "试运行" in report.summary() and "新增 1，更新 1" in report.summary()
    assert snapshot(store) == before


def test_xlsx_and_json_with_english_headers(reference_store: GraphStore, tmp_path: Path) -> None:
    store = reference_store
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Enterprises"
    sheet.append(["Name", "Credit Code", "Park", "Chains", "Products", "Revenue", "Tags", "Date"])
    sheet.append(["Nanchang Cell Co., Ltd.", CODE_A, "小蓝经开区", "new-energy", "lithium-ion-cell", 20.5, "规上",
                  dt.datetime(2025, 3, 31)])
    sheet.append(["Korea Cathode Co., Ltd.", None, None, "chain:new-energy", "product:cathode-material", 80, None, None])
    xlsx = tmp_path / "enterprises.xlsx"
    workbook.save(xlsx)
    supplies = tmp_path / "supplies.json"
    supplies.write_text(json.dumps([
        {"supplier": "KOREA CATHODE COMPANY LIMITED", "customer": CODE_A, "product": "正极材料", "share": 0.7,
         "confidence": "verified", "date": "2025-06-30"},
    ]), encoding="utf-8")
    report = import_files(store, [xlsx, supplies])
    assert report.ok, report.summary()
    node = store.get_node(CODE_A)
    assert node["name"] == "Nanchang Cell Co., Ltd." and node["as_of"] == "2025-03-31"
    assert node["source"] == "enterprises.xlsx#Enterprises!2" and node["local"] is True
    [rel] = store.neighbourhood(NeighbourhoodQuery([CODE_A], 1, rel_types=["SUPPLIES"])).relationships
    assert rel["src"] == enterprise_id("Korea Cathode Co., Ltd.") and rel["confidence"] == "verified"
    assert rel["source"] == "supplies.json!1"


def test_supply_file_resolves_enterprises_already_in_the_store(reference_store: GraphStore,
                                                              write_file: Callable[..., Path]) -> None:
    store = reference_store
    two_enterprises(store)
    text = f"供应方,采购方,产品\n南昌乙材料（江西）股份有限公司,{CODE_A},正极材料\n"
    report = import_files(store, [write_file("s.csv", text)])
    assert report.ok, report.summary()
    [rel] = store.neighbourhood(NeighbourhoodQuery([CODE_A], 1, rel_types=["SUPPLIES"])).relationships
    assert (rel["src"], rel["dst"]) == (CODE_B, CODE_A)


def test_enterprise_without_code_keeps_the_id_of_a_stored_namesake(reference_store: GraphStore,
                                                                  write_file: Callable[..., Path]) -> None:
    store = reference_store
    two_enterprises(store)
    report = import_files(store, [write_file("e.csv", "企业名称,营业收入(亿元)\n南昌甲科技股份有限公司,9\n")])
    assert report.ok
    assert store.counts()["Enterprise"] == 2
    assert store.get_node(CODE_A)["revenue_yi"] == pytest.approx(9)


def test_ambiguous_and_unknown_references_are_all_reported(reference_store: GraphStore,
                                                          write_file: Callable[..., Path]) -> None:
    store = reference_store
    two_enterprises(store)
    enterprises = "企业名称,统一社会信用代码\n南昌甲科技（江西）有限公司,91360100MA35GWXY7P\n"
    supplies = ("供应方,采购方,产品\n"
                "南昌甲科技有限公司,南昌乙材料有限公司,正极材料\n"
                "南昌乙材料有限公司,南昌甲科技公司的朋友,正极材料\n"
                f"{CODE_B},91360100MA35GWXY8T,正极材料\n")
    before = snapshot(store)
    report = import_files(store, [write_file("e.csv", enterprises), write_file("s.csv", supplies)])
    assert not report.ok and snapshot(store) == before
    found = {(p.row, p.column): p.reason for p in report.errors}
    assert "对应多家企业" in found[(2, "供应方")] and CODE_A in found[(2, "供应方")]
    assert "91360100MA35GWXY7P" in found[(2, "供应方")]
    assert "找不到对应企业" in found[(3, "采购方")]
    assert "91360100MA35GWXY8T" in found[(4, "采购方")]


def test_leader_without_chain_and_warnings(reference_store: GraphStore, write_file: Callable[..., Path]) -> None:
    text = ("企业名称,所属产业链,主营产品,企业标签,未知列\n"
            "南昌甲科技有限公司,,锂离子电芯,链主,x\n"
            "南昌乙科技有限公司,航空,锂离子电芯,,x\n")
    report = import_files(reference_store, [write_file("e.csv", text)])
    assert [(p.row, p.column) for p in report.errors] == [(2, "所属产业链")]
    warnings = {(p.row, p.column) for p in report.warnings}
    assert (1, "未知列") in warnings and (3, "主营产品") in warnings


def test_missing_reference_data_is_loaded_first(store: GraphStore, write_file: Callable[..., Path]) -> None:
    report = import_files(store, [write_file("e.csv", "企业名称,主营产品\n南昌甲科技有限公司,正极材料\n")])
    assert report.ok and report.reference_loaded
    assert store.counts()["Chain"] == 8 and store.counts()["PRODUCES"] == 1


def test_report_renders_as_xlsx_and_csv(store: GraphStore, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    malformed = Path(__file__).resolve().parents[1] / "data" / "malformed" / "bad_credit_codes.csv"
    report = import_files(store, [malformed])
    sheet = load_workbook(report.write(tmp_path / "r.xlsx"))["导入问题"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("文件", "工作表", "行", "列", "值", "级别", "问题")
    assert rows[1][:4] == ("bad_credit_codes.csv", None, 2, "统一社会信用代码") and "校验位" in rows[1][6]
    text = report.write(tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "文件,工作表,行,列,值,级别,问题" and len(text.splitlines()) == 5


def test_two_pass_write_matches_kept_items(reference_store: GraphStore, tmp_path: Path,
                                           write_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Large imports re-read their files to write (bounded memory); the result equals a small import's."""
    import loaders.importer as importer
    from loaders.reference import load_reference
    from stores.embedded import EmbeddedStore

    files = [write_file("企业名录.csv", ENTERPRISES), write_file("供应关系.csv", SUPPLIES)]
    kept = import_files(reference_store, files)
    monkeypatch.setattr(importer, "KEEP_VALIDATED_BYTES", 0)
    other = EmbeddedStore(tmp_path / "two-pass.sqlite")
    other.ensure_schema()
    load_reference(other)
    reread = import_files(other, files)
    assert kept.ok and reread.ok and kept.written == reread.written
    assert snapshot(other) == snapshot(reference_store)
    other.close()


def test_kept_items_over_several_compressed_chunks_write_what_a_second_pass_writes(
        tmp_path: Path, write_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Validated items are kept pickled and compressed by chunks (loaders.kept_items); a batch of
    several chunks, with a firm in two files merged, writes exactly what re-reading the files writes."""
    import loaders.importer as importer
    from loaders.kept_items import KeptItems
    from loaders.reference import load_reference
    from stores.backup import content_digest
    from stores.embedded import EmbeddedStore

    rows = KeptItems.CHUNK + 200  # each row is an enterprise, LOCATED_IN and PRODUCES: over 3 chunks
    listing = write_file("名录.csv", "企业名称,所在区县,主营产品,营业收入(亿元)\n"
                         + "".join(f"南昌块{n:05d}科技有限公司,南昌县,正极材料,{n % 7 + 0.5}\n" for n in range(rows)))
    more = write_file("名录二.csv", "企业名称,企业标签\n南昌块00007科技有限公司,规上\n")
    digests = []
    for keep in (importer.KEEP_VALIDATED_BYTES, 0):
        monkeypatch.setattr(importer, "KEEP_VALIDATED_BYTES", keep)
        store = EmbeddedStore(tmp_path / f"kept-{keep}.sqlite")
        store.ensure_schema()
        load_reference(store)
        report = import_files(store, [listing, more])
        assert report.ok and report.items["Enterprise"] == rows, report.summary()
        assert enterprises_by_name(store)["南昌块00007科技有限公司"]["tags"] == ["规上"]
        digests.append(content_digest(store))
        store.close()
    assert digests[0] == digests[1]


def test_a_batch_over_the_row_limit_is_refused_with_nothing_written(
        reference_store: GraphStore, write_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from loaders import importer

    monkeypatch.setattr(importer, "MAX_BATCH_ROWS", 5)
    header = "企业名称,所属产业链\n"
    first = write_file("一.csv", header + "".join(f"南昌甲{n}科技有限公司,新能源\n" for n in range(3)))
    second = write_file("二.csv", header + "".join(f"南昌乙{n}科技有限公司,新能源\n" for n in range(3)))
    before = snapshot(reference_store)
    report = import_files(reference_store, [first, second])
    assert not report.ok and snapshot(reference_store) == before
    [error] = [row for row in report.rows() if row["级别"] == "错误"]
    assert (error["文件"], error["行"]) == ("二.csv", 4) and "超过 5 行数据的上限" in error["问题"]


def test_places_are_stored_in_their_canonical_form(reference_store: GraphStore,
                                                   write_file: Callable[..., Path]) -> None:
    """江西 / Jiangxi → 江西省 and 中国大陆 / China → 中国: the analyses compare places exactly."""
    from queries.meanings import geography

    text = (
        "企业名称,国家/地区,所在省份,所在城市\n"
        "九江材料有限公司,中国,江西,九江市\n"
        "深圳电子有限公司,中国大陆,广东,深圳市\n"
        "Shanghai Parts Co Ltd,China,Shanghai,Shanghai\n"
        "首尔化学株式会社,韩国,,\n"
    )
    report = import_files(reference_store, [write_file("places.csv", text)])
    assert report.ok, report.summary()
    stored = enterprises_by_name(reference_store)
    names = ("九江材料有限公司", "深圳电子有限公司", "Shanghai Parts Co Ltd", "首尔化学株式会社")
    assert [(stored[name]["country"], stored[name].get("province"), geography(stored[name])) for name in names] == [
        ("中国", "江西省", "省内"), ("中国", "广东省", "国内其他"), ("中国", "上海市", "国内其他"), ("韩国", None, "境外"),
    ]


def test_a_title_and_notes_above_the_header_are_passed_over(reference_store: GraphStore, tmp_path: Path,
                                                             write_file: Callable[..., Path]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "2025年南昌市新能源产业链企业名录"
    sheet.merge_cells("A1:D1")
    sheet.append([])
    sheet.append(["企业名称", "所在区县", "所属产业链", "主营产品"])
    sheet.append(["南昌标题测试有限公司", "南昌县", "新能源", "正极材料"])
    workbook.save(tmp_path / "名录.xlsx")
    csv_text = "2025年企业名录（示范）,,,\n填报单位：市工信局,,,\n企业名称,所在区县,所属产业链,主营产品\n南昌标题测试二有限公司,新建区,新能源,负极材料\n"
    csv_path = write_file("名录.csv", csv_text, "gb18030")
    report = import_files(reference_store, [tmp_path / "名录.xlsx", csv_path])
    assert report.ok, report.summary()
    names = set(enterprises_by_name(reference_store))
    assert names == {"南昌标题测试有限公司", "南昌标题测试二有限公司"}


def test_a_hidden_sheet_is_skipped_with_a_warning(reference_store: GraphStore, tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(["企业名称", "所在区县"])
    workbook.active.append(["南昌可见有限公司", "南昌县"])
    old = workbook.create_sheet("企业名录(旧)")
    old.append(["企业名称", "所属产业链"])
    old.append(["南昌旧表有限公司", "不存在的链"])
    old.sheet_state = "hidden"
    workbook.save(tmp_path / "hidden.xlsx")
    report = import_files(reference_store, [tmp_path / "hidden.xlsx"])
    assert report.ok, report.summary()
    assert [p.reason for p in report.problems if p.sheet == "企业名录(旧)"] == ["隐藏的工作表，已跳过（如需导入，请在 Excel 中取消隐藏）"]
    assert set(enterprises_by_name(reference_store)) == {"南昌可见有限公司"}


def test_header_notes_placeholders_and_units_as_offices_write_them(reference_store: GraphStore,
                                                                   write_file: Callable[..., Path]) -> None:
    text = (
        "单位名称,社会统一信用代码（18位）,所属区县,2024年营业收入（亿元）\n"
        f"南昌单位甲有限公司,{CODE_A},南昌县,12.5亿\n"
        "南昌单位乙有限公司,,新建区,3000万元\n"
        "南昌单位丙有限公司,,新建区,—\n"
        "南昌单位丁有限公司,,新建区,暂无\n"
    )
    report = import_files(reference_store, [write_file("名录.csv", text)])
    assert report.ok, report.summary()
    stored = enterprises_by_name(reference_store)
    assert stored["南昌单位甲有限公司"]["credit_code"] == CODE_A and stored["南昌单位甲有限公司"]["revenue_yi"] == 12.5
    assert stored["南昌单位乙有限公司"]["revenue_yi"] == pytest.approx(0.3)
    assert "revenue_yi" not in stored["南昌单位丙有限公司"] and "revenue_yi" not in stored["南昌单位丁有限公司"]
    assert [p.reason for p in report.problems] == ["带单位的数值已换算为 0.3 亿元"]
    wan = import_files(reference_store, [write_file("万元.csv", "企业名称,营业收入（万元）\n南昌单位戊有限公司,25000\n")])
    assert wan.ok and enterprises_by_name(reference_store)["南昌单位戊有限公司"]["revenue_yi"] == 2.5


def test_office_tag_wording_totals_and_footnotes(reference_store: GraphStore,
                                                 write_file: Callable[..., Path]) -> None:
    text = (
        "企业名称,营业收入(亿元),企业标签\n"
        "南昌标签甲有限公司,4,规上企业、上市公司\n"
        "南昌标签乙有限公司,2,国家级专精特新“小巨人”企业\n"
        "合计,6,\n"
        "注：1. 营业收入为2024年数据,,\n"
    )
    report = import_files(reference_store, [write_file("名录.csv", text)])
    assert report.ok, report.summary()
    stored = enterprises_by_name(reference_store)
    assert set(stored) == {"南昌标签甲有限公司", "南昌标签乙有限公司"}
    assert sorted(stored["南昌标签甲有限公司"]["tags"]) == ["上市", "规上"]
    assert sorted(stored["南昌标签乙有限公司"]["tags"]) == ["专精特新", "小巨人"]
    assert [(p.row, p.reason) for p in report.problems] == [(4, "合计行或注释行，已跳过"), (5, "合计行或注释行，已跳过")]


def test_official_park_and_district_names_resolve_to_the_plans_places(reference_store: GraphStore,
                                                                       write_file: Callable[..., Path]) -> None:
    text = (
        "企业名称,所在区县,所在园区\n"
        "南昌园区甲有限公司,,南昌高新技术产业开发区\n"
        "南昌园区乙有限公司,,小蓝经济技术开发区\n"
        "南昌园区丙有限公司,红谷滩新区,\n"
        "南昌园区丁有限公司,南昌市南昌县,\n"
    )
    report = import_files(reference_store, [write_file("名录.csv", text)])
    assert report.ok, report.summary()
    stored = enterprises_by_name(reference_store)
    assert all(node["local"] for node in stored.values())
    assert [stored[f"南昌园区{x}有限公司"]["district"] for x in "甲乙丙丁"] == ["高新区", "小蓝经开区", "红谷滩区", "南昌县"]
    graph = reference_store.project()
    places = {graph.nodes[src]["name"]: graph.nodes[dst]["name"] for src, dst, data in graph.edges(data=True)
              if data["type"] == "LOCATED_IN" and graph.nodes[src]["label"] == "Enterprise"}
    assert [places[f"南昌园区{x}有限公司"] for x in "甲乙丙丁"] == ["高新区", "小蓝经开区", "红谷滩区", "南昌县"]


def test_names_lose_stray_spaces_and_aliases_split_on_slashes(reference_store: GraphStore,
                                                               write_file: Callable[..., Path]) -> None:
    text = (
        "企业名称,统一社会信用代码,曾用名/简称\n"
        f"南昌\u3000寅一科技\n有限公司,{CODE_A[:9]}\u200b{CODE_A[9:]},寅一/寅一科技\n"
    )
    report = import_files(reference_store, [write_file("名录.csv", text.replace("\n有限公司", "有限公司"))])
    assert report.ok, report.summary()
    [node] = reference_store.list_nodes("Enterprise")
    assert (node["name"], node["credit_code"], node["aliases"]) == ("南昌寅一科技有限公司", CODE_A, ["寅一", "寅一科技"])
    supply = import_files(reference_store, [write_file("供应.csv", "供应方,采购方\n寅一,南昌 寅一科技有限公司\n")])
    assert "同一企业" in supply.summary()  # both names found the one enterprise


def test_a_percent_column_takes_bare_numbers_as_percentages(reference_store: GraphStore,
                                                            write_file: Callable[..., Path]) -> None:
    two_enterprises(reference_store)
    text = f"供应方,采购方,产品,占比（%）\n南昌乙材料股份有限公司,{CODE_A},正极材料,30\n"
    report = import_files(reference_store, [write_file("供应.csv", text)])
    assert report.ok, report.summary()
    [rel] = reference_store.neighbourhood(NeighbourhoodQuery([CODE_A], 1, rel_types=["SUPPLIES"])).relationships
    assert rel["share"] == pytest.approx(0.3)


def test_a_cell_merged_down_a_column_fills_each_row(reference_store: GraphStore, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["所在园区", "企业名称", "所属产业链", "企业标签"])
    sheet.append(["高新区", "南昌合并甲有限公司", "新能源", None])
    sheet.append([None, "南昌合并乙有限公司", None, "链主"])
    sheet.append([None, "南昌合并丙有限公司", None, None])
    sheet.append(["经开区", "南昌合并丁有限公司", "新材料", None])
    sheet.merge_cells("A2:A4")
    sheet.merge_cells("C2:C4")
    workbook.save(tmp_path / "merged.xlsx")
    report = import_files(reference_store, [tmp_path / "merged.xlsx"])
    assert report.ok, report.summary()
    stored = enterprises_by_name(reference_store)
    assert [stored[f"南昌合并{x}有限公司"]["district"] for x in "甲乙丙丁"] == ["高新区", "高新区", "高新区", "经开区"]
    assert all(stored[f"南昌合并{x}有限公司"]["local"] for x in "甲乙丙丁")


def test_review_cases_units_years_numbering_and_delimiters(reference_store: GraphStore, tmp_path: Path,
                                                           write_file: Callable[..., Path]) -> None:
    """Cases from a review of the messy-file handling: none may store a wrong value."""
    text = (
        "序号,企业名称,曾用名/简称,2023年营业收入（亿元）,2024年营业收入（亿元）,营业收入（万）,数据日期\n"
        "1,南昌复核甲有限公司,Novo Nordisk A/S,1,2,99999,2025年上半年\n"
        "合计,,,1,2,99999,\n"
    )
    report = import_files(reference_store, [write_file("名录.csv", text)])
    assert report.ok, report.summary()
    [node] = reference_store.list_nodes("Enterprise")
    assert node["revenue_yi"] == 2  # the latest year's column; 营业收入（万） is not read as 亿元
    assert node["aliases"] == ["Novo Nordisk A/S"] and node["as_of"] == "2025-06-30"
    ignored = {p.column for p in report.problems if p.reason == "未识别的列，已忽略"}
    assert ignored == {"序号", "2023年营业收入（亿元）", "营业收入（万）"}
    assert any(p.reason == "合计行或注释行，已跳过" and p.row == 3 for p in report.problems)
    tabbed = write_file("名录.txt", "2025年企业名录\n企业名称\t所在区县\n南昌复核乙有限公司\t新建区\n")
    bad_date = write_file("日期.csv", "企业名称,数据日期\n南昌复核丙有限公司,9999年下半年\n")
    second = import_files(reference_store, [tabbed, bad_date])
    assert not second.ok and [p.reason for p in second.problems if p.level == "错误"] == [
        "日期无法识别（应为 YYYY-MM-DD，如 2025-06-30）"]
    workbook = Workbook()
    workbook.active.append(["供应方", "采购方", "产品", "占比（%）"])
    workbook.active.append(["南昌复核甲有限公司", CODE_A, "正极材料", 0.3])  # Excel keeps 30% as 0.3
    workbook.save(tmp_path / "占比.xlsx")
    two_enterprises(reference_store)
    third = import_files(reference_store, [tmp_path / "占比.xlsx"])
    assert third.ok, third.summary()
    shares = [r["share"] for r in reference_store.neighbourhood(NeighbourhoodQuery([CODE_A], 1, rel_types=["SUPPLIES"])).relationships]
    assert shares == [pytest.approx(0.3)]


def test_one_firm_in_two_chain_lists_of_one_batch_is_merged(reference_store: GraphStore, tmp_path: Path) -> None:
    workbook = Workbook()
    energy = workbook.active
    energy.title = "新能源"
    energy.append(["企业名称", "统一社会信用代码", "所在区县", "主营产品", "企业标签", "营业收入(亿元)"])
    energy.append(["南昌辰一铝业有限公司", CODE_A, "安义县", "铝箔", "专精特新", 8])
    materials = workbook.create_sheet("新材料")
    materials.append(["企业名称", "统一社会信用代码", "主营产品", "企业标签"])
    materials.append(["南昌辰一铝业有限公司", CODE_A, "铝型材", "规上"])
    workbook.save(tmp_path / "两链名录.xlsx")
    dry = import_files(reference_store, [tmp_path / "两链名录.xlsx"], dry_run=True)
    assert dry.ok, dry.summary()
    report = import_files(reference_store, [tmp_path / "两链名录.xlsx"])
    assert report.ok, report.summary()
    [node] = reference_store.list_nodes("Enterprise")
    assert (node["district"], node["revenue_yi"], node["local"]) == ("安义县", 8, True)
    assert sorted(node["tags"]) == ["专精特新", "规上"]
    graph = reference_store.project()
    made = {graph.nodes[dst]["name"] for _, dst, data in graph.out_edges(CODE_A, data=True) if data["type"] == "PRODUCES"}
    assert made == {"铝箔", "铝型材"}
    again = import_files(reference_store, [tmp_path / "两链名录.xlsx"], dry_run=True).diff
    assert sum(counts["new"] + counts["updated"] for counts in again.values()) == 0  # nothing more to write
    materials.cell(1, 5, "营业收入(亿元)")
    materials.cell(2, 5, 9)
    workbook.save(tmp_path / "冲突.xlsx")
    conflict = import_files(reference_store, [tmp_path / "冲突.xlsx"])
    assert not conflict.ok and "同一企业在其他表中的营业收入(亿元)为“8.0”，本行为“9.0”，两者不一致" in conflict.summary()


def test_a_merged_firm_is_written_alike_by_both_write_paths(reference_store: GraphStore, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import loaders.importer as importer
    from loaders.reference import load_reference
    from stores.embedded import EmbeddedStore

    workbook = Workbook()
    workbook.active.append(["企业名称", "统一社会信用代码", "主营产品"])
    workbook.active.append(["南昌辰一铝业有限公司", CODE_A, "铝箔"])
    second = workbook.create_sheet("新材料")
    second.append(["企业名称", "统一社会信用代码", "所在区县", "企业标签", "主营产品"])
    second.append(["南昌辰一铝业有限公司", CODE_A, "安义县", "规上", "铝型材"])
    workbook.save(tmp_path / "两链.xlsx")
    assert import_files(reference_store, [tmp_path / "两链.xlsx"]).ok
    monkeypatch.setattr(importer, "KEEP_VALIDATED_BYTES", 0)  # the second pass re-reads the file to write
    other = EmbeddedStore(tmp_path / "two-pass.sqlite")
    other.ensure_schema()
    load_reference(other)
    assert import_files(other, [tmp_path / "两链.xlsx"]).ok
    assert snapshot(other) == snapshot(reference_store)
    [node] = other.list_nodes("Enterprise")
    assert (node["district"], node["tags"], node["local"]) == ("安义县", ["规上"], True)
    other.close()



def test_merging_across_sheets_still_refuses_repeats_and_keeps_every_name(reference_store: GraphStore,
                                                                          tmp_path: Path) -> None:
    """From a review: a repeat within the second sheet is a duplicate; another name under the same
    code becomes an alias; a park inside the first row's district is the more precise place; tags
    come out in the same order on both write paths."""
    workbook = Workbook()
    first = workbook.active
    first.append(["企业名称", "统一社会信用代码", "所在区县", "企业标签"])
    first.append(["南昌辰一铝业有限公司", CODE_A, "南昌县", "上市"])
    second = workbook.create_sheet("新材料")
    second.append(["企业名称", "统一社会信用代码", "所在园区", "企业标签"])
    second.append(["辰一铝材（南昌）有限公司", CODE_A, "小蓝经开区", "规上"])
    workbook.save(tmp_path / "ok.xlsx")
    report = import_files(reference_store, [tmp_path / "ok.xlsx"])
    assert report.ok, report.summary()
    [node] = reference_store.list_nodes("Enterprise")
    assert node["aliases"] == ["辰一铝材（南昌）有限公司"] and node["district"] == "小蓝经开区"
    assert node["tags"] == Enterprise(id="ent:x", name="x", tags=["上市", "规上"]).tags  # the model's own order
    second.append(["南昌辰一铝业有限公司", CODE_A, None, None])
    workbook.save(tmp_path / "repeat.xlsx")
    repeat = import_files(reference_store, [tmp_path / "repeat.xlsx"])
    assert not repeat.ok and "与第2行重复（统一社会信用代码相同）" in repeat.summary()
    workbook.remove(second)
    elsewhere = workbook.create_sheet("航空")
    elsewhere.append(["企业名称", "统一社会信用代码", "所在园区"])
    elsewhere.append(["南昌辰一铝业有限公司", CODE_A, "南昌航空城"])
    workbook.save(tmp_path / "two-places.xlsx")
    two_places = import_files(reference_store, [tmp_path / "two-places.xlsx"])
    assert not two_places.ok and "同一企业在其他表中位于“南昌县”，本行为“南昌航空城”，两者不一致" in two_places.summary()

"""Every file in tests/data/malformed is rejected with its own clear message, and nothing is written
(the store's content digest and projection are unchanged); docs/reliability.md lists the catalogue.

Regenerate the files with ``.venv/bin/python tests/data/malformed/make_malformed.py``.
"""

from __future__ import annotations

import pytest

from loaders.importer import import_files
from stores.backup import content_digest
from stores.base import GraphStore
from tests.loaders.conftest import MALFORMED, snapshot, two_enterprises

NAMES = "统一社会信用代码"
# file → (needs the two stored enterprises, [(sheet, row, column, words in the reason)])
EXPECTED: dict[str, tuple[bool, list[tuple[str | None, int | None, str | None, str]]]] = {
    "wrong_encoding_utf16.csv": (False, [(None, None, None, "不带字节顺序标记的 UTF-16/UTF-32")]),
    "wrong_encoding_cp1252.csv": (False, [(None, None, None, "无法识别文件编码：按 UTF-8 解码在第2行")]),
    "wrong_encoding_euc_kr.csv": (False, [(None, None, None, "文件像是 EUC-KR（韩文） 编码")]),
    "missing_columns.csv": (False, [(None, 1, "企业名称", "缺少必填列“企业名称”")]),
    "missing_customer_column.csv": (False, [(None, 1, "采购方", "缺少必填列“采购方”")]),
    "bad_credit_codes.csv": (False, [
        (None, 2, NAMES, "校验位错误：应为 H，实际为 A"),
        (None, 3, NAMES, "应为18位，实际为14位"),
        (None, 4, NAMES, "非法字符 'O'"),
        (None, 5, NAMES, "科学计数法"),
    ]),
    "unknown_chains.csv": (False, [
        (None, 2, "所属产业链", "未知产业链“新能原”；最接近：新能源"),
        (None, 2, "主营产品", "未知产品“正级材料”；最接近：正极材料"),
        (None, 2, "所在园区", "未知园区“小兰经开区”；最接近：经开区、小蓝经开区"),
        (None, 2, "企业标签", "未知企业标签“专精特性”；最接近：专精特新"),
    ]),
    "dangling_references.json": (False, [
        ("supplies", 1, "采购方", "采购方“南昌丙电池有限公司”找不到对应企业"),
        ("supplies", 2, "供应方", "供应方“南昌甲科技”对应多家企业"),
        ("supplies", 3, "采购方", "91360100MA35GWXY7P 不在本次导入的企业名录中，库中也没有"),
    ]),
    "duplicates.csv": (False, [
        (None, 3, NAMES, "与第2行重复（统一社会信用代码相同）"),
        (None, 5, "企业名称", "与第4行重复（规范化后的企业名称相同）"),
    ]),
    "duplicate_supplies.csv": (True, [(None, 3, "供应方", "与第2行重复（供应方、采购方、产品都相同）")]),
    "empty.csv": (False, [(None, None, None, "文件为空")]),
    "header_only.csv": (False, [(None, None, None, "只有表头，没有数据行")]),
    "wrong_types.csv": (False, [
        (None, 2, "营业收入(亿元)", "应为数字"),
        (None, 2, "是否本地", "应为 是 或 否"),
        (None, 2, "数据日期", "日期无法识别"),
        (None, 3, "营业收入(亿元)", "超出范围：应为 0–100000"),
        (None, 3, "数据日期", "日期无法识别"),
    ]),
    "wrong_types_supplies.csv": (True, [
        (None, 2, "占比", "占比应为 0–1 之间"),
        (None, 2, "金额(万元)", "应为数字"),
        (None, 2, "可信度", "可信度应为 已核实/公开报道/推断"),
    ]),
    "control_characters.csv": (False, [(None, 2, "企业名称", "含有不可见的控制字符 U+0001")]),
    "truncated.xlsx": (False, [(None, None, None, "XLSX 文件已损坏或不完整")]),
    "not_a_table.json": (False, [(None, None, None, "JSON 格式错误：第1行")]),
    # issue 16: other encodings are read exactly, so their errors quote the text as written
    "shift_jis_unknown_product.csv": (False, [(None, 2, "products", "未知产品“セラミックコンデンサ”"),
                                              (None, 3, "products", "未知产品“イメージセンサー”")]),
    "big5_unknown_chain.csv": (False, [(None, 2, "chains", "未知产业链“半導體”"), (None, 3, "chains", "未知产业链“電子代工”")]),
    "utf32_unknown_park.csv": (False, [(None, 2, "所在园区", "未知园区“小兰经开区”；最接近：经开区、小蓝经开区")]),
    "utf32_truncated.csv": (False, [(None, None, None, "文件开头标明为 UTF-32 编码，但文件末尾不完整（最后一个字符只剩 2 个字节")]),
    "formula_without_result.xlsx": (False, [
        ("企业名录", 2, "企业名称", '单元格 A2 是公式（="南昌"&"甲科技有限公司"），但文件中没有保存它的计算结果'),
        ("企业名录", 3, "营业收入(亿元)", "单元格 B3 是公式（=B2*2），但文件中没有保存它的计算结果"),
    ]),
    "renamed_credit_code.csv": (True, [(None, 2, "企业名称", "在库中的企业名称为“南昌甲科技有限公司”，本次导入为“南昌新甲新能源有限公司”：按改名策略 refuse 拒绝改名")]),
    "shares_nan_inf.json": (True, [(None, 1, "占比", "应为数字，NaN 或无穷大不是有效数值"),
                                   (None, 2, "占比", "应为数字，NaN 或无穷大不是有效数值")]),
    "share_over_100.csv": (True, [(None, 2, "占比(%)", "占比应为 0–1 之间的小数或不超过 100% 的百分数")]),
    "self_supply.csv": (True, [(None, 2, "采购方", "供应方与采购方是同一企业")]),
    "old_excel.xls": (False, [(None, None, None, "不支持旧版 .xls 格式；请在 Excel 中另存为 .xlsx 或 CSV UTF-8")]),
    "zip_named_csv.csv": (False, [(None, None, None, "这是一个 ZIP/XLSX 文件而扩展名不是 .xlsx")]),
    "report.pdf": (False, [(None, None, None, "不支持的文件类型 .pdf")]),
    "json_scalar.json": (False, [(None, None, None, "JSON 顶层应为对象列表，实际为 int")]),
    "unknown_table.csv": (False, [(None, 1, None, "无法判断是企业名录还是供应关系")]),
    "too_many_columns.csv": (False, [(None, 1, None, "有 300 列，超过上限 256 列")]),
    "leader_without_chain.csv": (False, [(None, 2, "所属产业链", "标签为链主的企业须填写所属产业链")]),
}
POLICIES = {"renamed_credit_code.csv": "refuse"}  # imported with --rename refuse (the default only warns)


def test_every_malformed_file_has_an_expectation() -> None:
    files = {path.name for path in MALFORMED.iterdir() if path.suffix != ".py"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_file_is_rejected_with_its_message(reference_store: GraphStore, name: str) -> None:
    needs_enterprises, expected = EXPECTED[name]
    if needs_enterprises:
        two_enterprises(reference_store)
    before = snapshot(reference_store), content_digest(reference_store)
    report = import_files(reference_store, [MALFORMED / name], rename=POLICIES.get(name, "warn"))
    assert not report.ok
    errors = sorted(report.errors, key=lambda p: (p.row or 0, p.column or ""))
    got = [(p.sheet, p.row, p.column) for p in errors]
    assert got == sorted([(s, r, c) for s, r, c, _ in expected], key=lambda x: (x[1] or 0, x[2] or "")), report.summary()
    for problem in errors:
        assert problem.file == name
        words = next(w for s, r, c, w in expected if (s, r, c) == (problem.sheet, problem.row, problem.column)
                     and w in problem.reason)
        assert words in problem.reason
    assert "导入被拒绝" in report.summary() and name in report.summary()
    assert (snapshot(reference_store), content_digest(reference_store)) == before


def test_the_catalogue_holds_at_least_thirty_kinds() -> None:
    """Issue 16: ≥ 30 kinds of malformed input, each with its message and nothing written (the files
    here, plus the upload whose name holds a NUL byte below)."""
    assert len(EXPECTED) + 1 >= 30


def test_an_upload_whose_name_holds_a_nul_byte_is_refused_and_nothing_written(reference_store: GraphStore) -> None:
    from app.security.tokens import TokenRegistry
    from tests.app.conftest import make_client

    registry = TokenRegistry(":memory:")
    before = content_digest(reference_store)
    boundary = "chainatlas-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="企业\x00名录.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n企业名称\r\n南昌甲科技有限公司\r\n\r\n"
            f"--{boundary}--\r\n").encode()
    with make_client(reference_store, registry, registry.issue("admin", "测试")) as admin:
        answer = admin.post("/api/imports", content=body,
                            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert answer.status_code == 422
    assert answer.json()["error"].startswith("文件名含控制字符（如 NUL），请重命名后再上传：企业\\x00名录.csv")
    assert content_digest(reference_store) == before
    registry.close()


def test_one_bad_file_rejects_the_whole_batch(reference_store: GraphStore, tmp_path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("企业名称,主营产品\n南昌好企业有限公司,正极材料\n", encoding="utf-8")
    before = snapshot(reference_store)
    report = import_files(reference_store, [good, MALFORMED / "bad_credit_codes.csv"])
    assert not report.ok and {p.file for p in report.errors} == {"bad_credit_codes.csv"}
    assert snapshot(reference_store) == before

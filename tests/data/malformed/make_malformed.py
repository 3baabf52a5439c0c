"""Write the malformed import files of this folder (run again to regenerate them).

    .venv/bin/python tests/data/malformed/make_malformed.py

One file per failure kind; tests/loaders/test_malformed.py asserts each one's message and that
nothing is written. Binary and non-UTF-8 files are made here so that their bytes are exact.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENTERPRISE_HEADER = "企业名称,统一社会信用代码,所在区县,所在园区,所属产业链,主营产品,营业收入(亿元),企业标签\n"


def write_text(name: str, text: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(text.encode(encoding))


def main() -> None:
    # UTF-16 without a byte-order mark: nothing says which encoding it is (with a BOM it imports).
    write_text("wrong_encoding_utf16.csv", ENTERPRISE_HEADER + "南昌甲科技有限公司,,南昌县,,新能源,正极材料,1.5,\n",
               "utf-16-le")
    # Windows-1252 text ("Café" and "ÿ"): its bytes are invalid in UTF-8 and in GB18030.
    write_text("wrong_encoding_cp1252.csv", "name,revenue_yi\nCafé Ÿÿ Trading Ltd,1.0\n", "cp1252")
    # Korean EUC-KR: GB18030 would decode its bytes into Chinese-looking nonsense.
    write_text("wrong_encoding_euc_kr.csv", "기업명,매출액\n삼성전자 주식회사,1.5\nLG에너지솔루션,3.2\n", "euc_kr")
    # An enterprise list without the 企业名称 column.
    write_text("missing_columns.csv", "统一社会信用代码,所属产业链,主营产品\n91360100MA35GWXY5H,新能源,正极材料\n")
    # A supply list without the 采购方 column.
    write_text("missing_customer_column.csv", "供应方,产品,占比\n南昌甲科技有限公司,正极材料,50%\n")
    # Check digit wrong, too short, a letter the code never uses (O), Excel's scientific notation.
    write_text("bad_credit_codes.csv",
               "企业名称,统一社会信用代码\n"
               "南昌甲科技有限公司,91360100MA35GWXY5A\n"
               "南昌乙科技有限公司,91360100MA35GW\n"
               "南昌丙科技有限公司,91360100MA35GWXO5H\n"
               "南昌丁科技有限公司,9.13601E+17\n")
    # Unknown chain, product, park and tag, each close to a known one.
    write_text("unknown_chains.csv",
               ENTERPRISE_HEADER
               + "南昌甲科技有限公司,,南昌县,小兰经开区,新能原,正级材料,1.5,专精特性\n")
    # Supply relations naming enterprises that are not there, or that two enterprises could be.
    (HERE / "dangling_references.json").write_text(json.dumps({
        "enterprises": [
            {"企业名称": "南昌甲科技有限公司", "统一社会信用代码": "91360100MA35GWXY5H", "主营产品": "锂离子电芯"},
            {"企业名称": "南昌甲科技（江西）股份有限公司", "统一社会信用代码": "91360100MA35GWXY6L", "主营产品": "正极材料"},
            {"企业名称": "南昌乙材料有限公司", "主营产品": "正极材料"},
        ],
        "supplies": [
            {"供应方": "南昌乙材料有限公司", "采购方": "南昌丙电池有限公司", "产品": "正极材料"},
            {"供应方": "南昌甲科技", "采购方": "南昌乙材料有限公司", "产品": "碳酸锂"},
            {"供应方": "南昌乙材料有限公司", "采购方": "91360100MA35GWXY7P", "产品": "正极材料"},
        ],
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    # The same enterprise twice (one credit code; one normalised name), and a repeated supply relation.
    write_text("duplicates.csv",
               "企业名称,统一社会信用代码\n"
               "南昌甲科技有限公司,91360100MA35GWXY5H\n"
               "南昌甲科技股份有限公司,91360100MA35GWXY5H\n"
               "南昌乙材料有限公司,\n"
               "南昌乙材料（江西）有限公司,\n")
    write_text("duplicate_supplies.csv",
               "供应方,采购方,产品\n"
               "91360100MA35GWXY5H,91360100MA35GWXY6L,正极材料\n"
               "91360100MA35GWXY5H,91360100MA35GWXY6L,正极材料\n")
    write_text("empty.csv", "")
    write_text("header_only.csv", ENTERPRISE_HEADER)
    # Text where numbers, dates, yes/no and shares belong.
    write_text("wrong_types.csv",
               "企业名称,营业收入(亿元),是否本地,数据日期\n"
               "南昌甲科技有限公司,很多,也许,昨天\n"
               "南昌乙材料有限公司,-3,是,2025-13-45\n")
    # An invisible control character (U+0001) pasted into a name: XLSX and XML cannot hold it.
    write_text("control_characters.csv", "企业名称,所属产业链\n南昌甲\x01科技有限公司,新能源\n")
    write_text("wrong_types_supplies.csv",
               "供应方,采购方,产品,占比,金额(万元),可信度\n"
               "91360100MA35GWXY5H,91360100MA35GWXY6L,正极材料,150%,一千,听说\n")
    # A valid XLSX cut in half, as an interrupted download leaves it.
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业名录"
    sheet.append(["企业名称", "统一社会信用代码", "主营产品"])
    for index in range(200):
        sheet.append([f"南昌测试{index}科技有限公司", None, "正极材料"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    (HERE / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    # Text that is not a table at all, under a .json name.
    write_text("not_a_table.json", '{"企业": "南昌甲科技有限公司"')
    more_kinds()


def more_kinds() -> None:
    """The kinds issue 16 added: other encodings read exactly (their errors quote the text as
    written), formula cells, renames, NaN/inf and over-100 % shares, a supply cycle of one firm,
    and files that are not what their name says."""
    # Legacy CJK encodings are read, not turned into mojibake: the unknown names are quoted exactly.
    write_text("shift_jis_unknown_product.csv",
               "name,country,products\n株式会社村田製作所,日本,セラミックコンデンサ\nソニーグループ株式会社,日本,イメージセンサー\n",
               "shift_jis")
    write_text("big5_unknown_chain.csv", "name,chains\n台灣甲電子股份有限公司,半導體\n鴻海精密工業股份有限公司,電子代工\n", "big5")
    write_text("utf32_unknown_park.csv", "企业名称,所在园区\n南昌甲科技有限公司,小兰经开区\n", "utf-32")  # with a BOM
    data = "企业名称,所在区县\n南昌甲科技有限公司,南昌县\n".encode("utf-32")
    (HERE / "utf32_truncated.csv").write_bytes(data[:-2])  # a UTF-32 file cut inside its last character
    # Formulas written by a program and never calculated: no result kept in the file.
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业名录"
    sheet.append(["企业名称", "营业收入(亿元)"])
    sheet.append(['="南昌"&"甲科技有限公司"', 1.5])
    sheet.append(["南昌乙材料有限公司", "=B2*2"])
    workbook.save(HERE / "formula_without_result.xlsx")
    # A stored credit code (the tests store it as 南昌甲科技有限公司) under another name, imported with --rename refuse.
    write_text("renamed_credit_code.csv", "企业名称,统一社会信用代码\n南昌新甲新能源有限公司,91360100MA35GWXY5H\n")
    # Shares that are not numbers (JSON's NaN and Infinity), and over 100 % in a 占比(%) column.
    (HERE / "shares_nan_inf.json").write_text(
        '[{"供应方": "91360100MA35GWXY5H", "采购方": "91360100MA35GWXY6L", "产品": "正极材料", "占比": NaN},\n'
        ' {"供应方": "91360100MA35GWXY5H", "采购方": "91360100MA35GWXY6L", "产品": "负极材料", "占比": Infinity}]\n',
        encoding="utf-8")
    write_text("share_over_100.csv", "供应方,采购方,产品,占比(%)\n91360100MA35GWXY5H,91360100MA35GWXY6L,正极材料,120\n")
    # A firm supplying itself: a cycle of one.
    write_text("self_supply.csv", "供应方,采购方,产品\n91360100MA35GWXY5H,91360100MA35GWXY5H,正极材料\n")
    # Files that are not what their name says, or of a kind not read.
    (HERE / "old_excel.xls").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504))  # an OLE2 (Excel 97) header
    (HERE / "zip_named_csv.csv").write_bytes(b"PK\x03\x04" + bytes(60))
    (HERE / "report.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    write_text("json_scalar.json", "42\n")
    # A table that is neither list; a header of 300 columns; a 链主 without its chain.
    write_text("unknown_table.csv", "序号,项目,备注\n1,年度计划,无\n")
    write_text("too_many_columns.csv", "企业名称," + ",".join(f"列{n}" for n in range(299)) + "\n南昌甲科技有限公司" + "," * 299 + "\n")
    write_text("leader_without_chain.csv", "企业名称,企业标签\n南昌甲科技有限公司,链主\n")


if __name__ == "__main__":
    main()

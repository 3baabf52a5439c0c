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


if __name__ == "__main__":
    main()

"""Every text encoding a user's CSV comes in is read exactly, or refused by name: never mojibake.

UTF-8 (with or without BOM), UTF-16 and UTF-32 (with BOM), GB18030, Big5 (台湾、香港) and Shift-JIS
(日本) are read; Korean EUC-KR, Windows-1252 and UTF-16 without a BOM are refused with a message that
says what the file looks like.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.importer import import_files
from loaders.tabular import FileReadError, detect_encoding, read_tables
from stores.embedded import EmbeddedStore

TEXTS = {
    "gb18030": "企业名称,营业收入(亿元),所在区县\n南昌甲有限公司,1.5,南昌县\n江西乙新能源科技股份有限公司,3.2,青山湖区\n",
    "big5": "企業名稱,營業收入(億元),所在區縣\n台灣甲電子股份有限公司,1.5,新竹市\n鴻海精密工業股份有限公司,3.2,新北市\n",
    "shift_jis": "企業名,売上高(億円),所在地\n株式会社村田製作所,1.5,京都府\nソニーグループ株式会社,3.2,東京都\n",
}
UNICODE = {"utf-8-sig": "utf-8", "utf-16": "utf-16", "utf-32": "utf-32"}  # written with a BOM by Python's codecs


@pytest.mark.parametrize("encoding", sorted(TEXTS))
def test_legacy_cjk_encodings_are_read_exactly(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(TEXTS[encoding].encode(encoding))
    assert detect_encoding(path) == encoding
    [table] = read_tables(path)
    header, *rows = TEXTS[encoding].strip().split("\n")
    assert table.header == header.split(",") and [cells for _, cells in table.rows()] == [row.split(",") for row in rows]


@pytest.mark.parametrize(("detected", "codec"), sorted(UNICODE.items()))
def test_unicode_with_a_byte_order_mark_is_read(tmp_path: Path, detected: str, codec: str) -> None:
    text = TEXTS["shift_jis"]  # any text: the mark says which encoding it is
    path = tmp_path / "unicode.csv"
    path.write_bytes(("\ufeff" + text).encode("utf-8") if codec == "utf-8" else text.encode(codec))
    assert detect_encoding(path) == detected
    [table] = read_tables(path)
    assert table.header == ["企業名", "売上高(億円)", "所在地"] and next(table.rows())[1][0] == "株式会社村田製作所"


def test_a_utf32_file_is_not_called_utf16(tmp_path: Path) -> None:
    path = tmp_path / "utf32.csv"
    path.write_bytes("企业名称\n南昌甲有限公司\n".encode("utf-32"))  # starts FF FE 00 00: UTF-16's mark and more
    assert detect_encoding(path) == "utf-32"


def test_an_enterprise_list_in_utf16_imports_with_its_names(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s.sqlite")
    store.ensure_schema()
    path = tmp_path / "企业.csv"
    path.write_bytes("企业名称,所在区县,营业收入(亿元)\n南昌统一编码测试有限公司,南昌县,1.5\n".encode("utf-16"))
    outcome = import_files(store, [path])
    assert outcome.ok, outcome.rows()
    assert [node["name"] for node in store.search("统一编码测试", labels=["Enterprise"])] == ["南昌统一编码测试有限公司"]
    store.close()


@pytest.mark.parametrize(("text", "codec", "said"), [
    ("기업명,매출액\n삼성전자 주식회사,1.5\nLG에너지솔루션,3.2\n", "euc_kr", "EUC-KR"),
    ("name,revenue_yi\nCafé Ÿÿ Trading Ltd,1.0\n", "cp1252", "Windows-1252"),
    ("企业名称\n南昌甲有限公司\n", "utf-16-le", "不带字节顺序标记"),
])
def test_unsupported_encodings_are_refused_by_name(tmp_path: Path, text: str, codec: str, said: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(text.encode(codec))
    with pytest.raises(FileReadError, match=said):
        detect_encoding(path)

"""Canonical country and province names, so that 江西, Jiangxi and 江西省 are one place.

The analyses compare places exactly (``queries.meanings.geography``: 省内 means ``province ==
"江西省"``, 境外 means ``country != "中国"``), so the importer stores these forms:

>>> canonical_country("中国大陆"), canonical_country("China"), canonical_country("韩国")
('中国', '中国', '韩国')
>>> canonical_province("江西"), canonical_province("Guangdong"), canonical_province("广西自治区")
('江西省', '广东省', '广西壮族自治区')
>>> canonical_province("Ontario")
'Ontario'
"""

from __future__ import annotations

import re

from loaders.names import fold

CHINA = "中国"
_CHINA_NAMES = {
    "中国", "中国大陆", "中国内地", "大陆", "中华人民共和国", "china", "mainland china", "prc", "p.r.c.", "p.r.china",
    "p. r. china", "pr china", "people's republic of china", "the people's republic of china", "cn", "chn",
}
# Full name, pinyin (for English spellings) of every provincial-level division.
_PROVINCES = (
    ("北京市", "beijing"), ("天津市", "tianjin"), ("上海市", "shanghai"), ("重庆市", "chongqing"),
    ("河北省", "hebei"), ("山西省", "shanxi"), ("辽宁省", "liaoning"), ("吉林省", "jilin"),
    ("黑龙江省", "heilongjiang"), ("江苏省", "jiangsu"), ("浙江省", "zhejiang"), ("安徽省", "anhui"),
    ("福建省", "fujian"), ("江西省", "jiangxi"), ("山东省", "shandong"), ("河南省", "henan"),
    ("湖北省", "hubei"), ("湖南省", "hunan"), ("广东省", "guangdong"), ("海南省", "hainan"),
    ("四川省", "sichuan"), ("贵州省", "guizhou"), ("云南省", "yunnan"), ("陕西省", "shaanxi"),
    ("甘肃省", "gansu"), ("青海省", "qinghai"), ("台湾省", "taiwan"), ("内蒙古自治区", "inner mongolia"),
    ("广西壮族自治区", "guangxi"), ("西藏自治区", "tibet"), ("宁夏回族自治区", "ningxia"),
    ("新疆维吾尔自治区", "xinjiang"), ("香港特别行政区", "hong kong"), ("澳门特别行政区", "macau"),
)
_SUFFIX = re.compile(r"(?:壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")
_ENGLISH_SUFFIX = re.compile(r"\s+(?:province|municipality|autonomous region|sar|city)$")
_BY_KEY: dict[str, str] = {}
for _full, _pinyin in _PROVINCES:
    _BY_KEY[_SUFFIX.sub("", _full)] = _full
    _BY_KEY[_pinyin] = _full
_BY_KEY.update({"macao": "澳门特别行政区", "xizang": "西藏自治区", "nei mongol": "内蒙古自治区"})


def canonical_country(text: str) -> str:
    """中国 for the usual names of China (中国大陆, 中华人民共和国, China, PRC …); other names as given."""
    return CHINA if fold(text).lower() in _CHINA_NAMES else text


def canonical_province(text: str) -> str:
    """The full name of a Chinese province-level division (江西 → 江西省, Guangdong → 广东省);
    anything else as given."""
    folded = fold(text)
    key = _ENGLISH_SUFFIX.sub("", folded.lower()) if folded.isascii() else _SUFFIX.sub("", folded)
    return _BY_KEY.get(key, text)

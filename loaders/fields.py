"""The columns of the two importable tables, 企业名录 (enterprises) and 供应关系 (supply relations).

Each column has one canonical field name, a Chinese header (the one the templates use) and the
aliases accepted in users' files, Chinese or English. Headers are matched after folding
full-width characters, case, spaces, underscores and a trailing ``*`` (the templates' "required"
mark).

>>> kind, mapping, unknown = map_header(["企业名称*", "统一社会信用代码", "营业收入（亿元）", "备注"])
>>> kind, mapping, unknown
('enterprises', {0: 'name', 1: 'credit_code', 2: 'revenue_yi'}, [3])
>>> map_header(["Supplier", "Buyer", "Product"])[:2]
('supplies', {0: 'supplier', 1: 'customer', 2: 'product'})
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Kind = Literal["enterprises", "supplies"]
KINDS: tuple[Kind, ...] = ("enterprises", "supplies")
KIND_NAMES = {"enterprises": "企业名录", "supplies": "供应关系"}


@dataclass(frozen=True)
class Field:
    """One column of an importable table."""

    name: str
    header: str
    aliases: tuple[str, ...]
    description: str
    example: str | float | None = None
    required: bool = False


ENTERPRISE_FIELDS: tuple[Field, ...] = (
    Field("name", "企业名称", ("企业", "名称", "公司名称", "企业全称", "单位名称", "企业(单位)名称", "name", "enterprise", "enterprise name", "company",
                           "company name"), "企业全称（必填）", "示例：南昌某某新能源科技有限公司", required=True),
    Field("credit_code", "统一社会信用代码", ("信用代码", "社会信用代码", "社会统一信用代码", "统一信用代码", "统一代码",
                                      "credit code", "uscc",
                                      "unified social credit code"), "18位，GB 32100-2015 校验；请把该列设为文本",
          "91360100MA35GWXY5H"),
    Field("aliases", "曾用名/简称", ("曾用名", "简称", "别名", "aliases", "alias", "former names"),
          "多个用顿号、逗号或分号分隔", "某某新能源"),
    Field("country", "国家/地区", ("国家", "国别", "国家地区", "country", "country/region"), "默认 中国", "中国"),
    Field("province", "所在省份", ("省份", "省", "所在省", "province"), "本地企业默认 江西省", "江西省"),
    Field("city", "所在城市", ("城市", "所在市", "市", "city"), "本地企业默认 南昌市", "南昌市"),
    Field("district", "所在区县", ("区县", "县区", "所在区", "所属区县", "所属县区", "所在县区", "区", "县", "district", "county"), "如 南昌县、高新区", "南昌县"),
    Field("park", "所在园区", ("园区", "所属园区", "所在开发区", "所属开发区", "开发区", "平台", "park", "zone"),
          "规划中的区县、开发区、平台或园区名称", "小蓝经开区"),
    Field("chains", "所属产业链", ("产业链", "链", "chain", "chains", "industry chain"),
          "8条重点产业链之一或多个：电子信息、航空、汽车及装备、新能源、新材料、医药健康、绿色食品、轻工纺织", "新能源"),
    Field("products", "主营产品", ("产品", "主要产品", "主导产品", "products", "product", "main products"),
          "产品图谱中的产品名称，多个用顿号分隔", "锂离子电芯、储能电池模组及PACK"),
    Field("clusters", "所属集群", ("产业集群", "集群", "cluster", "clusters"), "规划中的标志性产业集群", "新型储能产业集群"),
    Field("revenue_yi", "营业收入(亿元)", ("营业收入", "营收", "营收(亿元)", "营业收入亿元", "revenue", "revenue yi",
                                      "revenue (100m cny)"), "数字，0–100000", 12.5),
    Field("revenue_wan", "营业收入(万元)", ("营收(万元)", "营业收入万元"),
          "数字，万元；与 营业收入(亿元) 二选一，导入时换算为亿元", None),
    Field("tags", "企业标签", ("标签", "tags", "tag"), "链主、专精特新、小巨人、单项冠军、上市、高新技术企业、规上", "专精特新、规上"),
    Field("local", "是否本地", ("本地企业", "本地", "local"), "是/否；不填时按所在城市、区县或园区判断", "是"),
    Field("synthetic", "示例数据", ("是否示例数据", "虚构", "synthetic"), "是/否：示例数据（虚构）", None),
    Field("source", "数据来源", ("来源", "source", "data source"), "如 工商登记、企业年报", "企业年报"),
    Field("as_of", "数据日期", ("日期", "截至日期", "as of", "as_of", "date"), "YYYY-MM-DD；不填时用 --as-of 或文件修改日期",
          "2025-12-31"),
    Field("seen", "观测日期", ("观测年份", "名单年份", "出现年份", "seen", "observed"),
          "在名单中出现的日期或年份，多个用顿号分隔；再次导入只增不删", None),
    Field("listing", "所属名单", ("名单", "listing"), "观测日期所属的名单（按名单判断某日是否仍在）", None),
)

SUPPLY_FIELDS: tuple[Field, ...] = (
    Field("supplier", "供应方", ("供应商", "供应商名称", "供应企业", "供应企业名称", "供应方名称", "供方", "卖方", "supplier",
                              "from", "seller"),
          "供应方企业名称或统一社会信用代码（必填）", "示例：南昌某某正极材料有限公司", required=True),
    Field("supplier_code", "供应方信用代码", ("供应方统一社会信用代码", "供应商统一社会信用代码", "供应商信用代码",
                                       "supplier code", "supplier credit code"), "可选；填写后优先按代码匹配", None),
    Field("customer", "采购方", ("客户", "客户名称", "采购商", "采购商名称", "采购企业", "采购企业名称", "采购方名称", "需方",
                              "买方", "customer", "buyer", "to"),
          "采购方企业名称或统一社会信用代码（必填）", "南昌某某新能源科技有限公司", required=True),
    Field("customer_code", "采购方信用代码", ("采购方统一社会信用代码", "客户统一社会信用代码", "客户信用代码",
                                       "customer code", "customer credit code", "buyer code"), "可选；填写后优先按代码匹配",
          "91360100MA35GWXY5H"),
    Field("product", "产品", ("供应产品", "采购产品", "product", "item"), "产品图谱中的产品名称", "正极材料"),
    Field("amount_wan", "金额(万元)", ("金额", "采购金额", "采购金额(万元)", "amount", "amount wan", "amount (10k cny)"),
          "数字，万元", 3000),
    Field("share", "占比", ("份额", "采购占比", "供应占比", "share"), "采购方该产品采购中的比例：0–1 或百分数", "60%"),
    Field("amount_or_share", "金额/占比", ("金额或占比", "amount/share"), "带 % 的视为占比，否则为金额(万元)", None),
    Field("confidence", "可信度", ("置信度", "confidence"), "已核实/公开报道/推断（verified/reported/inferred）", "公开报道"),
    Field("source", "数据来源", ("来源", "source", "data source"), "如 企业访谈、招投标公告", "企业访谈"),
    Field("synthetic", "示例数据", ("是否示例数据", "虚构", "synthetic"), "是/否：示例数据（虚构）", None),
    Field("as_of", "日期", ("数据日期", "截至日期", "as of", "as_of", "date"), "YYYY-MM-DD", "2025-06-30"),
    Field("seen", "观测日期", ("观测年份", "名单年份", "出现年份", "seen", "observed"),
          "在名单中出现的日期或年份，多个用顿号分隔；再次导入只增不删", None),
    Field("listing", "所属名单", ("名单", "listing"), "观测日期所属的名单（按名单判断某日是否仍在）", None),
)

FIELDS: dict[Kind, tuple[Field, ...]] = {"enterprises": ENTERPRISE_FIELDS, "supplies": SUPPLY_FIELDS}


def fold_header(text: object) -> str:
    """A header cell reduced for matching: NFKC, lower case, no spaces/underscores/required marks,
    no leading year and no bracketed note such as (必填) or (18位); other brackets (units) stay.

    >>> fold_header("统一社会信用代码（18位）"), fold_header("2024年营业收入（亿元）"), fold_header("企业名称（必填）*")
    ('统一社会信用代码', '营业收入(亿元)', '企业名称')
    >>> fold_header("占比（%）"), fold_header("营业收入（万元）"), fold_header("营业收入（万）")
    ('占比', '营业收入(万元)', '营业收入(万)')
    """
    folded = unicodedata.normalize("NFKC", "" if text is None else str(text)).strip().lower()
    folded = re.sub(r"[\s_*＊]+", "", folded)
    folded = _YEAR_PREFIX.sub("", folded)  # 2024年营业收入(亿元)
    folded = re.sub(r"[(\[【]%[)\]】]$", "", folded)  # 占比(%): a percentage column, as 占比 is
    return _HEADER_NOTE.sub("", folded) or folded


_YEAR_PREFIX = re.compile(r"^((?:19|20)\d{2})年度?")  # 2024年营业收入: the year a column is for
# Bracketed notes that say nothing of a column's meaning or unit: (必填), (选填), (18位), (如…), (注…).
# Anything else in brackets — 万, 百万, 亿, USD m … — stays, so a column in another unit is not read as ours.
_HEADER_NOTE = re.compile(r"[(\[【](?:必填|选填|可选|非必填|必须|\d+位|如[^)\]】]*|例[^)\]】]*|注[^)\]】]*|多个[^)\]】]*)[)\]】]")


def header_year(text: object) -> int | None:
    """The year a header starts with (2024年营业收入 → 2024), else None."""
    match = _YEAR_PREFIX.match(unicodedata.normalize("NFKC", "" if text is None else str(text)).strip())
    return int(match.group(1)) if match else None


def _lookup(fields: tuple[Field, ...]) -> dict[str, str]:
    table: dict[str, str] = {}
    for field in fields:
        for alias in (field.name, field.header, *field.aliases):
            table.setdefault(fold_header(alias), field.name)
    return table


_LOOKUP: dict[Kind, dict[str, str]] = {kind: _lookup(fields) for kind, fields in FIELDS.items()}


def field_of(kind: Kind, name: str) -> Field:
    """The Field called ``name`` in the table of ``kind``."""
    return next(field for field in FIELDS[kind] if field.name == name)


def detect_kind(header: Sequence[object]) -> Kind | None:
    """``supplies`` when the header names both a supplier and a customer, ``enterprises`` when it
    names an enterprise (name or credit code), ``supplies`` when it names one side only, else None.

    >>> detect_kind(["供应方", "采购方", "产品"]), detect_kind(["企业名称", "所在区县"]), detect_kind(["客户"])
    ('supplies', 'enterprises', 'supplies')
    """
    supply = {_LOOKUP["supplies"].get(fold_header(cell)) for cell in header}
    if {"supplier", "supplier_code", "customer", "customer_code"} & supply:
        return "supplies"  # one side only: refused for the missing column, never read as a 名录 by guess
    enterprise = {_LOOKUP["enterprises"].get(fold_header(cell)) for cell in header}
    if {"name", "credit_code"} & enterprise:
        return "enterprises"
    return None


def map_header(header: Sequence[object], kind: Kind | None = None) -> tuple[Kind | None, dict[int, str], list[int]]:
    """(kind, column index → field name, indexes of unrecognised non-empty columns).

    The first column wins when two columns map to the same field.
    """
    kind = kind or detect_kind(header)
    if kind is None:
        return None, {}, [index for index, cell in enumerate(header) if fold_header(cell)]
    lookup = _LOOKUP[kind]
    mapping: dict[int, str] = {}
    unknown: list[int] = []
    for index, cell in enumerate(header):
        folded = fold_header(cell)
        if not folded:
            continue
        field = lookup.get(folded)
        if field is None:
            unknown.append(index)
            continue
        taken = next((other for other, name in mapping.items() if name == field), None)
        if taken is None:
            mapping[index] = field
        elif (header_year(cell) or 0) > (header_year(header[taken]) or 0):  # 2024年营业收入 over 2023年营业收入
            del mapping[taken]
            mapping[index] = field
            unknown.append(taken)
        else:
            unknown.append(index)
    return kind, dict(sorted(mapping.items())), sorted(unknown)


def expected_headers(kind: Kind) -> str:
    """The headers of ``kind`` for messages: ``企业名称* / name, 统一社会信用代码 / credit_code, …``."""
    return "、".join(field.header + ("*" if field.required else "") for field in FIELDS[kind])

"""Adapters that bring the real public data in ``../shared/realdata/`` through the ordinary import.

Each adapter only turns a source format into the two importable tables (企业名录, 供应关系);
validation, identity, provenance and writing are the importer's. The data are read from the
shared folder at run time and never copied into this repository. The folder is found through the
``CHAINATLAS_SHARED_DIR`` environment variable, else ``<repo>/../shared``.

**Willems (2008), 38 multi-echelon supply chains** (``willems2008/NN.csv``). A stage is a
product/process step performed at one site of an anonymised company, and an arc says the upstream
stage supplies the downstream one. In our model the actor that supplies is an Enterprise and the
supply link is SUPPLIES, so each stage becomes an Enterprise named ``Willems链NN·<stageName>``
(``country`` = ``未知（匿名）``: the data carry no location; ``synthetic`` = False) and each arc a
SUPPLIES relationship without a product (the stages are not products of our product maps). The
stage classification (Part/Manuf/Trans/Dist/Retail), cost and time go into the 数据来源 text. Mapping
stages to Products with INPUT_TO instead would mix anonymised foreign process steps into the curated
product maps of the plan's chains, which the analyses read as the definition of what a chain needs.

**Apple supplier list 2012–2022** (``apple-suppliers/apple-supplier-list.csv``). Rows are supplier
facilities per year. Spellings of one supplier across years ("Alps Electric Co., Ltd." / "ALPS
ELECTRIC COMPANY LIMITED", "STMicroelectronics N.V." / "STMicroelectronics NV", "IDEMIA Group
(continued)" / "IDEMIA Group") meet at one normalised name (``loaders.names``: legal forms by cleanco),
which becomes one Enterprise (the latest spelling as name, the others as aliases; ``country`` = the
country of most of its facilities in the latest year it is listed). Apple Inc. is the customer; each
supplier gets one SUPPLIES to Apple whose observations (``seen``: 31 December of every year it is
listed; ``listing`` = ``Apple Supplier List``) say in which lists it stands, so ``as_of`` analyses
and ``diff`` see it join and leave (``queries.observations``). The two tables carry these as the
ordinary 观测日期 / 所属名单 columns. ``import_apple(store, years=[2022])`` imports one yearly list:
its year is added to the stored observations, none is erased, and the same year again changes
nothing. After the tables, each supplier's facilities are written as Facility nodes (one per
supplier, country and address; from 2020 the list gives a province or state as the address) with
their own years and a HAS_SITE link from the supplier — the one step outside the ordinary tables,
as the import format has no facility table. Provenance rows point at the representative row in the CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_schema import Facility, HasSite
from graph_schema.errors import ChainAtlasError
from loaders.enterprise_index import StoreIndex
from loaders.importer import import_files
from loaders.name_decisions import DecisionBook, apply_decisions
from loaders.names import fold, normalise_name
from loaders.report import ImportReport
from loaders.tabular import Table, memory_table
from stores.base import GraphStore, WriteBatch

REPO = Path(__file__).resolve().parents[1]
WILLEMS_CITATION = (
    "S. P. Willems, Data Set — Real-World Multiechelon Supply Chains Used for Inventory Optimization, "
    "MSOM 10(1), 2008"
)
APPLE_CITATION = "Apple Supplier List（天下雜誌整理，cwgrouptw/data）"
APPLE_NAME = "Apple Inc."
ENTERPRISE_HEADER = ["企业名称", "曾用名/简称", "国家/地区", "数据来源", "数据日期"]
SUPPLY_HEADER = ["供应方", "采购方", "可信度", "数据来源", "日期"]
OBSERVATION_HEADER = ["观测日期", "所属名单"]
APPLE_LISTING = "Apple Supplier List"
CHINA_PROVINCES = {
    "beijing": "北京市", "tianjin": "天津市", "shanghai": "上海市", "chongqing": "重庆市", "hebei": "河北省",
    "shanxi": "山西省", "liaoning": "辽宁省", "jilin": "吉林省", "heilongjiang": "黑龙江省", "jiangsu": "江苏省",
    "zhejiang": "浙江省", "anhui": "安徽省", "fujian": "福建省", "jiangxi": "江西省", "shandong": "山东省",
    "henan": "河南省", "hubei": "湖北省", "hunan": "湖南省", "guangdong": "广东省", "hainan": "海南省",
    "sichuan": "四川省", "guizhou": "贵州省", "yunnan": "云南省", "shaanxi": "陕西省", "gansu": "甘肃省",
    "qinghai": "青海省", "inner mongolia": "内蒙古自治区", "guangxi": "广西壮族自治区", "tibet": "西藏自治区",
    "ningxia": "宁夏回族自治区", "xinjiang": "新疆维吾尔自治区",
}
COUNTRIES_ZH = {
    "China": "中国", "Japan": "日本", "USA": "美国", "Taiwan": "中国台湾", "Korea": "韩国", "Malaysia": "马来西亚",
    "Philippines": "菲律宾", "Thailand": "泰国", "Vietnam": "越南", "Singapore": "新加坡", "Germany": "德国",
    "India": "印度", "Mexico": "墨西哥", "Indonesia": "印度尼西亚", "United Kingdom": "英国", "France": "法国",
    "Israel": "以色列", "Brazil": "巴西", "Netherlands": "荷兰", "Austria": "奥地利", "Czech": "捷克",
    "Belgium": "比利时", "Italy": "意大利", "Ireland": "爱尔兰", "Costa Rica": "哥斯达黎加", "Malta": "马耳他",
    "Cambodia": "柬埔寨", "Morocco": "摩洛哥", "Norway": "挪威", "Portugal": "葡萄牙", "Australia": "澳大利亚",
    "Hungary": "匈牙利", "Hong Kong": "中国香港", "Finland": "芬兰", "Canada": "加拿大", "Poland": "波兰",
    "Mauritius": "毛里求斯", "Puerto Rico": "波多黎各", "Spain": "西班牙",
}


class RealDataMissing(ChainAtlasError):
    """The shared real-data folder (or a file in it) is not where it should be."""


def shared_dir() -> Path:
    """``$CHAINATLAS_SHARED_DIR`` or ``<repo>/../shared``."""
    return Path(os.environ.get("CHAINATLAS_SHARED_DIR", REPO.parent / "shared"))


def realdata_path(*parts: str) -> Path:
    path = shared_dir().joinpath("realdata", *parts)
    if not path.exists():
        raise RealDataMissing(f"real data not found at {path} (set CHAINATLAS_SHARED_DIR to the shared/ folder)")
    return path


# -- Willems 2008 ------------------------------------------------------------------------------------


@dataclass
class WillemsChain:
    """One chain of the Willems data set as read from its CSV."""

    number: int
    file: str
    stages: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (CSV line, stage columns)
    arcs: list[tuple[int, str, str]] = field(default_factory=list)  # (CSV line, from, to)

    def stage_name(self, stage: str) -> str:
        return f"Willems链{self.number:02d}·{stage}"


def read_willems(number: int, directory: Path | None = None) -> WillemsChain:
    """Chain ``number`` (1–38): line 1 is a title row, line 2 the column names, then arcs and stages."""
    path = (directory or realdata_path("willems2008")) / f"{number:02d}.csv"
    if not path.is_file():
        raise RealDataMissing(f"Willems chain file not found: {path}")
    chain = WillemsChain(number, f"willems2008/{path.name}")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        columns = next(reader, [])
        position = {name.rsplit("@", 1)[-1]: index for index, name in enumerate(columns) if "@" in name}
        arc_from, arc_to = columns.index("/arcs/arc/@from"), columns.index("/arcs/arc/@to")
        stage_name = columns.index("/stages/stage/@stageName")
        for line, cells in enumerate(reader, start=3):
            if len(cells) <= max(arc_from, arc_to, stage_name):
                continue
            if cells[arc_from] and cells[arc_to]:
                chain.arcs.append((line, cells[arc_from], cells[arc_to]))
            elif cells[stage_name]:
                chain.stages.append((line, {name: cells[index] for name, index in position.items() if index < len(cells)}))
    return chain


def willems_tables(numbers: Iterable[int] | None = None, directory: Path | None = None) -> list[Table]:
    """Two tables per chain (stages as enterprises, arcs as supply relations), rows numbered as the CSV's lines."""
    tables = []
    for number in sorted(set(numbers or range(1, 39))):
        chain = read_willems(number, directory)
        stages = []
        for line, stage in chain.stages:
            note = "；".join(
                f"{label} {stage[key]}" for key, label in (("stageClassification", "阶段类型"), ("stageCost", "阶段成本"),
                                                            ("stageTime", "阶段时间")) if stage.get(key)
            )
            stages.append((line, [chain.stage_name(stage["stageName"]), None, "未知（匿名）",
                                  f"{WILLEMS_CITATION}；{note}", "2008"]))
        arcs = [(line, [chain.stage_name(src), chain.stage_name(dst), "reported", WILLEMS_CITATION, "2008"])
                for line, src, dst in chain.arcs]
        tables.append(_lines_table(chain.file, None, ENTERPRISE_HEADER, stages, "enterprises"))
        tables.append(_lines_table(chain.file, None, SUPPLY_HEADER, arcs, "supplies"))
    return tables


def _lines_table(file: str, sheet: str | None, header: list[str], rows: list[tuple[int, list[Any]]],
                 kind: str) -> Table:
    def iterate() -> Any:
        return iter(rows)

    table = memory_table(file, sheet, header, iterate, kind_hint=kind)
    table.total = len(rows)
    return table


def import_willems(store: GraphStore, numbers: Iterable[int] | None = None, *, dry_run: bool = False,
                   progress: bool = False, directory: Path | None = None) -> ImportReport:
    """Import Willems chains (all 38 by default) through the ordinary pipeline."""
    return import_files(store, willems_tables(numbers, directory), dry_run=dry_run, progress=progress)


# -- Apple supplier list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AppleRow:
    """One row of the list: a facility of a supplier in one year."""

    line: int
    name: str
    country: str
    address: str


@dataclass
class AppleSupplier:
    """One supplier after matching its spellings: the rows that name it, per year."""

    key: str
    spellings: Counter[str] = field(default_factory=Counter)
    rows: dict[int, list[AppleRow]] = field(default_factory=lambda: defaultdict(list))

    @property
    def years(self) -> list[int]:
        return sorted(self.rows)

    @property
    def latest(self) -> int:
        return max(self.rows)

    @property
    def name(self) -> str:
        latest = Counter(row.name for row in self.rows[self.latest])
        return max(latest, key=lambda name: (latest[name], name))

    @property
    def aliases(self) -> list[str]:
        return sorted(spelling for spelling in self.spellings if spelling != self.name)

    @property
    def country(self) -> str:
        counts = Counter(row.country for row in self.rows[self.latest])
        top = max(counts, key=lambda country: (counts[country], country))
        return COUNTRIES_ZH.get(top, top)

    @property
    def line(self) -> int:
        return min(row.line for row in self.rows[self.latest])

    def facilities(self) -> dict[tuple[str, str], list[AppleRow]]:
        """The supplier's facilities, each (country, folded address) once, with the rows (years) that list it."""
        found: dict[tuple[str, str], list[AppleRow]] = defaultdict(list)
        for year in self.years:
            for row in self.rows[year]:
                found[(row.country, facility_address_key(row.address))].append(row)
        return found

    def restricted(self, years: Iterable[int] | None) -> AppleSupplier:
        """The same supplier with only the rows of ``years`` (all when None)."""
        if years is None:
            return self
        wanted = set(years)
        kept = AppleSupplier(self.key, Counter(self.spellings))
        kept.rows.update({year: rows for year, rows in self.rows.items() if year in wanted})
        return kept


@dataclass
class AppleList:
    file: str
    rows: int
    suppliers: dict[str, AppleSupplier]
    row_years: dict[int, int] = field(default_factory=dict)  # CSV line → year

    def suppliers_by_year(self) -> dict[int, int]:
        counts: Counter[int] = Counter()
        for supplier in self.suppliers.values():
            counts.update(supplier.rows.keys())
        return dict(sorted(counts.items()))

    def years(self) -> list[int]:
        return sorted({year for supplier in self.suppliers.values() for year in supplier.rows})


def facility_address_key(address: str) -> str:
    """An address folded for telling facilities apart: case, punctuation and spacing ignored.

    >>> facility_address_key("Yanluo Road, Bao’an  District") == facility_address_key("yanluo road bao'an district")
    True
    """
    return "".join(ch for ch in fold(address).casefold() if ch.isalnum())


def apple_year_date(year: int) -> str:
    """The date a yearly list stands for: 31 December of its year."""
    return f"{year}-12-31"


def read_apple(path: Path | None = None, decisions: DecisionBook | None = None) -> AppleList:
    """The supplier list, its spellings matched by normalised name (see the module docstring) and by
    the merge decisions on near-duplicate names (``loaders.name_decisions``)."""
    merged_into = decisions.merged_keys() if decisions is not None else {}
    path = path or realdata_path("apple-suppliers", "apple-supplier-list.csv")
    suppliers: dict[str, AppleSupplier] = {}
    row_years: dict[int, int] = {}
    rows = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for line, row in enumerate(reader, start=2):
            rows += 1
            name = fold(row["supplier_name"])
            key = normalise_name(name)
            key = merged_into.get(key, key)
            supplier = suppliers.setdefault(key, AppleSupplier(key))
            supplier.spellings[name] += 1
            address = fold(row.get("supplier_address") or "")
            supplier.rows[int(row["year"])].append(AppleRow(line, name, fold(row["country"]), address))
            row_years[line] = int(row["year"])
    return AppleList(f"apple-suppliers/{path.name}", rows, suppliers, row_years)


def apple_tables(path: Path | None = None, years: Iterable[int] | None = None,
                 decisions: DecisionBook | None = None) -> list[Table]:
    """The enterprise table (suppliers and Apple) and the supply table (supplier → Apple), each
    supplier and link with the list's years as observations (观测日期, 所属名单); ``years`` limits
    the import to some yearly lists (all by default)."""
    data = read_apple(path, decisions)
    enterprises: list[tuple[int, list[Any]]] = [
        (1, [APPLE_NAME, ["Apple"], "美国", f"{APPLE_CITATION}：名单发布方（采购方）", "2022-12-31", None, None])
    ]
    supplies: list[tuple[int, list[Any]]] = []
    for supplier in _suppliers(data, years):
        seen = "、".join(apple_year_date(year) for year in supplier.years)
        listed = "、".join(map(str, supplier.years))
        facilities = len(supplier.rows[supplier.latest])
        enterprises.append((supplier.line, [
            supplier.name, supplier.aliases, supplier.country,
            f"{APPLE_CITATION}；名单年份 {listed}；{supplier.latest} 年设施 {facilities} 处",
            apple_year_date(supplier.latest), seen, APPLE_LISTING,
        ]))
        supplies.append((supplier.line, [
            supplier.name, APPLE_NAME, "reported", f"{APPLE_CITATION}；名单年份 {listed}",
            apple_year_date(supplier.latest), seen, APPLE_LISTING,
        ]))
    enterprises.sort(key=lambda row: row[0])
    return [
        _lines_table(data.file, None, ENTERPRISE_HEADER + OBSERVATION_HEADER, enterprises, "enterprises"),
        _lines_table(data.file, None, SUPPLY_HEADER + OBSERVATION_HEADER, supplies, "supplies"),
    ]


def _suppliers(data: AppleList, years: Iterable[int] | None) -> list[AppleSupplier]:
    kept = [supplier.restricted(years) for supplier in data.suppliers.values()]
    return sorted((supplier for supplier in kept if supplier.rows), key=lambda s: s.line)


def apple_facilities(store: GraphStore, path: Path | None = None, years: Iterable[int] | None = None,
                     decisions: DecisionBook | None = None) -> WriteBatch:
    """The suppliers' facilities as Facility nodes with their years (``seen``) and HAS_SITE links from
    the suppliers the import wrote (found by normalised name, as the import found them)."""
    data = read_apple(path, decisions)
    index = StoreIndex(store)
    batch = WriteBatch()
    for supplier in _suppliers(data, years):
        ids = index.ensure().ids(supplier.key)
        if len(ids) != 1:
            continue
        firm = ids[0]
        for (country, address_key), rows in supplier.facilities().items():
            first = rows[0]
            country_zh = COUNTRIES_ZH.get(country, country)
            province = _province(first.address, country)
            name = f"{first.address}（{country_zh}）" if first.address else country_zh
            site_id = "site:" + hashlib.sha1(f"{supplier.key}|{country}|{address_key}".encode()).hexdigest()[:16]
            common: dict[str, Any] = {
                "source": f"{data.file}!{first.line}", "as_of": dt.date(max(_row_year(data, r) for r in rows), 12, 31),
            }
            batch.nodes.append(Facility(
                id=site_id, name=name[:200], country=country_zh, province=province, address=first.address or None,
                seen=sorted({dt.date(_row_year(data, row), 12, 31) for row in rows}), listing=APPLE_LISTING, **common,
            ))
            batch.relationships.append(HasSite(src=firm, dst=site_id, **common))
    return batch


def _row_year(data: AppleList, row: AppleRow) -> int:
    """The year of a row (by its CSV line)."""
    return data.row_years[row.line]


def _province(address: str, country: str) -> str | None:
    """The province of a facility: from 2020 the list gives it as the address; before, a Chinese
    address ends with its province's name (pinyin) and "China"."""
    words = fold(address).replace(",", " ").split()
    if country == "China":
        text = " ".join(words).casefold()
        for pinyin, province in CHINA_PROVINCES.items():
            if re.search(rf"\b{pinyin}\b", text):
                return province
        return None
    return address if address and len(words) <= 3 else None


def import_apple(store: GraphStore, *, dry_run: bool = False, progress: bool = False,
                 path: Path | None = None, years: Iterable[int] | None = None,
                 decisions: DecisionBook | None = None) -> ImportReport:
    """Import the Apple supplier list (all years, or the yearly lists of ``years``) through the ordinary
    pipeline, then the suppliers' facilities. A year imported again changes nothing; a new year adds
    its observations (``seen``) and keeps the earlier ones. The merge decisions on near-duplicate names
    (``decisions``) are applied again afterwards."""
    wanted = None if years is None else sorted(set(years))
    report = import_files(store, apple_tables(path, wanted, decisions), dry_run=dry_run, progress=progress)
    if report.ok and not dry_run:
        store.write(apple_facilities(store, path, wanted, decisions))
        if decisions is not None:
            apply_decisions(store, decisions)
    return report


def willems_numbers(text: str | None) -> Sequence[int] | None:
    """``"1,2,5-7"`` → ``[1, 2, 5, 6, 7]``; None or empty → None (all 38)."""
    if not text:
        return None
    numbers: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            low, high = (int(x) for x in part.split("-", 1))
            numbers += range(low, high + 1)
        elif part:
            numbers.append(int(part))
    bad = [n for n in numbers if not 1 <= n <= 38]
    if bad:
        raise ValueError(f"Willems chains are numbered 1–38, got {bad}")
    return numbers

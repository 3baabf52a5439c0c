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
ELECTRIC COMPANY LIMITED") meet at one normalised name, which becomes one Enterprise (the latest
spelling as name, the others as aliases; ``country`` = the country of most of its facilities in the
latest year it is listed). Apple Inc. is the customer; each supplier gets one SUPPLIES to Apple with
``as_of`` = 31 December of the latest year it is listed and the list of years in 数据来源 (the store
keeps one SUPPLIES per supplier, customer and product, so a per-year history is not a set of
parallel relationships). Provenance rows point at the representative row in the CSV.
"""

from __future__ import annotations

import csv
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_schema.errors import ChainAtlasError
from loaders.importer import import_files
from loaders.names import fold, normalise_name
from loaders.report import ImportReport
from loaders.tabular import Table, memory_table
from stores.base import GraphStore

REPO = Path(__file__).resolve().parents[1]
WILLEMS_CITATION = (
    "S. P. Willems, Data Set — Real-World Multiechelon Supply Chains Used for Inventory Optimization, "
    "MSOM 10(1), 2008"
)
APPLE_CITATION = "Apple Supplier List（天下雜誌整理，cwgrouptw/data）"
APPLE_NAME = "Apple Inc."
ENTERPRISE_HEADER = ["企业名称", "曾用名/简称", "国家/地区", "数据来源", "数据日期"]
SUPPLY_HEADER = ["供应方", "采购方", "可信度", "数据来源", "日期"]
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


@dataclass
class AppleSupplier:
    """One supplier after matching its spellings: the rows that name it, per year."""

    key: str
    spellings: Counter[str] = field(default_factory=Counter)
    rows: dict[int, list[tuple[int, str, str]]] = field(default_factory=lambda: defaultdict(list))  # year → (line, name, country)

    @property
    def years(self) -> list[int]:
        return sorted(self.rows)

    @property
    def latest(self) -> int:
        return max(self.rows)

    @property
    def name(self) -> str:
        latest = Counter(name for _, name, _ in self.rows[self.latest])
        return max(latest, key=lambda name: (latest[name], name))

    @property
    def aliases(self) -> list[str]:
        return sorted(spelling for spelling in self.spellings if spelling != self.name)

    @property
    def country(self) -> str:
        counts = Counter(country for _, _, country in self.rows[self.latest])
        top = max(counts, key=lambda country: (counts[country], country))
        return COUNTRIES_ZH.get(top, top)

    @property
    def line(self) -> int:
        return min(line for line, _, _ in self.rows[self.latest])


@dataclass
class AppleList:
    file: str
    rows: int
    suppliers: dict[str, AppleSupplier]

    def suppliers_by_year(self) -> dict[int, int]:
        counts: Counter[int] = Counter()
        for supplier in self.suppliers.values():
            counts.update(supplier.rows.keys())
        return dict(sorted(counts.items()))

    def raw_names_by_year(self) -> dict[int, int]:
        names: dict[int, set[str]] = defaultdict(set)
        for supplier in self.suppliers.values():
            for year, rows in supplier.rows.items():
                names[year].update(name for _, name, _ in rows)
        return {year: len(found) for year, found in sorted(names.items())}


def read_apple(path: Path | None = None) -> AppleList:
    """The supplier list, its spellings matched by normalised name (see the module docstring)."""
    path = path or realdata_path("apple-suppliers", "apple-supplier-list.csv")
    suppliers: dict[str, AppleSupplier] = {}
    rows = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for line, row in enumerate(reader, start=2):
            rows += 1
            name = fold(row["supplier_name"])
            key = normalise_name(name)
            supplier = suppliers.setdefault(key, AppleSupplier(key))
            supplier.spellings[name] += 1
            supplier.rows[int(row["year"])].append((line, name, fold(row["country"])))
    return AppleList(f"apple-suppliers/{path.name}", rows, suppliers)


def apple_tables(path: Path | None = None) -> list[Table]:
    """The enterprise table (suppliers and Apple) and the supply table (supplier → Apple)."""
    data = read_apple(path)
    enterprises: list[tuple[int, list[Any]]] = [
        (1, [APPLE_NAME, ["Apple"], "美国", f"{APPLE_CITATION}：名单发布方（采购方）", "2022-12-31"])
    ]
    supplies: list[tuple[int, list[Any]]] = []
    for supplier in sorted(data.suppliers.values(), key=lambda s: s.line):
        years = "、".join(map(str, supplier.years))
        facilities = len(supplier.rows[supplier.latest])
        enterprises.append((supplier.line, [
            supplier.name, supplier.aliases, supplier.country,
            f"{APPLE_CITATION}；名单年份 {years}；{supplier.latest} 年设施 {facilities} 处", f"{supplier.latest}-12-31",
        ]))
        supplies.append((supplier.line, [
            supplier.name, APPLE_NAME, "reported", f"{APPLE_CITATION}；名单年份 {years}", f"{supplier.latest}-12-31",
        ]))
    enterprises.sort(key=lambda row: row[0])
    return [
        _lines_table(data.file, None, ENTERPRISE_HEADER, enterprises, "enterprises"),
        _lines_table(data.file, None, SUPPLY_HEADER, supplies, "supplies"),
    ]


def import_apple(store: GraphStore, *, dry_run: bool = False, progress: bool = False,
                 path: Path | None = None) -> ImportReport:
    """Import the Apple supplier list through the ordinary pipeline."""
    return import_files(store, apple_tables(path), dry_run=dry_run, progress=progress)


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

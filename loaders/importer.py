"""Import users' enterprise lists and supply relations: validate everything, then write.

Two phases over all the files given to one import (one *batch*):

1. **Validate** every row of every file: required columns and fields, numbers and ranges, the
   统一社会信用代码 check digit, known chains / products / parks / clusters (unknown names come with
   the closest known ones), duplicate rows, and supply relations whose enterprises cannot be
   resolved (by credit code first, then by normalised name; ambiguous and unmatched references are
   all reported). Nothing is written while validating.
2. **Write** — only when no error was found: the validated items (kept compactly while there are
   at most ``KEEP_VALIDATED_ITEMS``; else the files are read again) are written in chunks of
   ``chunk_size`` nodes and relationships, enterprises before supply relations, by a background
   thread (``stores.background``) inside one ``store.bulk_load``.

Atomicity is per validated batch: validation guarantees that no row is rejected half-way through
writing, so a batch with any error writes nothing. A batch larger than one chunk is written as
several store transactions; if the store fails in the middle, the report says so and running the
same import again completes it (writes are idempotent upserts keyed by stable ids).

Every node and relationship written carries ``source`` = ``file#sheet!row`` (``file!row`` for CSV,
plus the file's own 数据来源 when given) and ``as_of`` (the row's date, else ``--as-of``, else the
file's modification date).

Enterprise identity: a valid credit code is the id; without one, an enterprise already in the
store with the same normalised name keeps its id, else the id is ``ent:`` + a hash of the
normalised name — so importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from functools import lru_cache
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rapidfuzz import fuzz, process

from graph_schema import Enterprise, LocatedIn, MemberOf, Node, Produces, Relationship, Leads, Supplies
from graph_schema.credit_code import credit_code_problem
from graph_schema.errors import ChainAtlasError
from graph_schema.models import ENTERPRISE_TAGS
from loaders.catalogue import JIANGXI, NANCHANG, Catalogue
from loaders.fields import FIELDS, KIND_NAMES, Kind, field_of, map_header
from loaders.names import enterprise_id, fold, normalise_name, split_list
from loaders.places import CHINA, canonical_country, canonical_province
from loaders.report import ImportReport, Problem, TableSummary
from loaders.spreadsheet_cells import CONTROL_CHARACTER, strip_control_characters, without_formula_guard
from loaders.tabular import FileReadError, Table, read_tables
from stores.background import write_batches
from stores.base import GraphStore, NeighbourhoodQuery, WriteBatch, batched

Item = Node | Relationship
CHUNK_SIZE = 20000
KEEP_VALIDATED_ITEMS = 1_000_000
MAX_BATCH_ROWS = 2_000_000  # data rows in one import: validation remembers ~1 KB per row, so this bounds memory
"""Imports validating to at most this many items write what was validated (kept compactly, about
300 bytes an item); larger ones read the files a second time to write, so memory stays bounded
(both passes decide alike)."""
INSTRUCTION_SHEETS = ("说明", "填写说明")  # the templates' instruction sheet is not data
MAX_SUGGESTED = 200  # fuzzy suggestions for the first unmatched references only; the rest just say "not found"
_CODE_SHAPE = re.compile(r"^[0-9A-Z]{18}$")
_TRUE = {"是", "true", "yes", "y", "1", "本地", "√", "✓", "t"}
_FALSE = {"否", "false", "no", "n", "0", "外地", "×", "f"}
_CONFIDENCE = {
    "verified": "verified", "已核实": "verified", "核实": "verified", "确认": "verified", "已确认": "verified",
    "reported": "reported", "公开报道": "reported", "报道": "reported", "公开": "reported", "披露": "reported",
    "inferred": "inferred", "推断": "inferred", "推测": "inferred", "估计": "inferred",
}
_EXAMPLE_MARK = re.compile(r"^示例\s*[:：]")
_PYDANTIC_REASONS = {
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
    "greater_than": "应大于 {gt}",
    "string_too_long": "过长（最多 {max_length} 字）",
    "string_too_short": "不能为空",
    "float_parsing": "应为数字",
    "date_from_datetime_parsing": "日期无法识别",
    "literal_error": "应为 {expected} 之一",
}


# -- the enterprise index used to resolve supply references ------------------------------------------


class EnterpriseIndex:
    """Enterprises by credit code and by normalised name (and alias), with display names."""

    def __init__(self) -> None:
        self.by_code: dict[str, str] = {}
        self.by_name: dict[str, str | tuple[str, ...]] = {}
        self.display: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.display)

    def add(self, node_id: str, name: str, aliases: Iterable[str] = (), code: str | None = None) -> None:
        self.display[node_id] = name
        if code:
            self.by_code[code] = node_id
        for text in (name, *aliases):
            key = normalise_name(text)
            current = self.by_name.get(key)
            if current is None:
                self.by_name[key] = node_id
            elif isinstance(current, str):
                if current != node_id:
                    self.by_name[key] = (current, node_id)
            elif node_id not in current:
                self.by_name[key] = (*current, node_id)

    def ids(self, key: str) -> tuple[str, ...]:
        """Ids whose name or an alias normalises to ``key``."""
        found = self.by_name.get(key)
        return () if found is None else (found,) if isinstance(found, str) else found


class StoreIndex(EnterpriseIndex):
    """The store's enterprises, read once on first use (page by page), then frozen for the import."""

    PAGE = 5000

    def __init__(self, store: GraphStore) -> None:
        super().__init__()
        self._store = store
        self._built = False

    def ensure(self) -> "StoreIndex":
        if not self._built:
            self._built = True
            if self._store.counts().get("Enterprise", 0):
                offset = 0
                while page := self._store.list_nodes("Enterprise", limit=self.PAGE, offset=offset):
                    for node in page:
                        self.add(node["id"], node.get("name", node["id"]), node.get("aliases") or (), node.get("credit_code"))
                    offset += len(page)
        return self


# -- one import run ---------------------------------------------------------------------------------


@dataclass
class _TablePlan:
    table: Table
    kind: Kind
    mapping: dict[int, str]
    columns: dict[str, str]  # field → header as written
    summary: TableSummary
    as_of: dt.date


@dataclass
class _State:
    """What one pass over the batch remembers: enterprises seen, duplicates, share sums."""

    index: EnterpriseIndex = field(default_factory=EnterpriseIndex)
    seen_ids: dict[str, tuple[str, int]] = field(default_factory=dict)  # id → (table, row)
    nodes: dict[str, Enterprise] = field(default_factory=dict)  # id → its node, for a row in another sheet to add to
    places: dict[str, str] = field(default_factory=dict)  # id → the park or district it is located in
    seen_in_table: dict[tuple[str, str], int] = field(default_factory=dict)  # (table, id) → row
    seen_names: dict[str, tuple[tuple[str, int], bool]] = field(default_factory=dict)  # norm → ((table, row), coded)
    seen_supplies: dict[tuple[str, str, str], int] = field(default_factory=dict)
    shares: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    missing_product_rows: Counter = field(default_factory=Counter)  # (file, sheet) → rows without 产品
    suggested: int = 0
    needs_reference: bool = False


class _Importer:
    def __init__(self, store: GraphStore, catalogue: Catalogue, report: ImportReport, *, check: bool) -> None:
        self.store = store
        self.catalogue = catalogue
        self.report = report
        self.check = check  # False on the write pass: the batch already validated, problems not re-reported
        self.merged: set[str] = set()  # enterprises whose node a row in another sheet added to
        self.state = _State()
        self.store_index = StoreIndex(store)
        self._row_errors = 0

    # problems ---------------------------------------------------------------------------------

    def problem(self, plan: _TablePlan, row: int | None, field_name: str | None, reason: str, value: Any = None,
                level: str = "错误") -> None:
        if not self.check:
            return
        column = plan.columns.get(field_name, field_of(plan.kind, field_name).header) if field_name else None
        self.report.add(Problem(plan.table.file, plan.table.sheet, row, column, reason, value, level))  # type: ignore[arg-type]
        if level == "错误":
            plan.summary.errors += 1
            self._row_errors += 1

    # rows -------------------------------------------------------------------------------------

    def rows(self, plan: _TablePlan) -> Iterator[tuple[int, dict[str, Any]]]:
        fields = sorted(plan.mapping.items())
        for number, cells in plan.table.rows():
            values = {name: (cells[index] if index < len(cells) else None) for index, name in fields}
            # the row's first filled cell, in any column (a 合计 may stand in a 序号 column); items() reads it
            self._first_cell = next((cell for cell in cells if _text(cell)), None)
            yield number, values

    def items(self, plan: _TablePlan, number: int, values: dict[str, Any]) -> list[Item]:
        """The nodes and relationships of one row (empty when the row has errors)."""
        first = next((value for value in values.values() if _text(value)), None)
        if first is not None and _EXAMPLE_MARK.match(str(first).strip()):
            self.problem(plan, number, None, "模板中的示例行，已跳过", first, "警告")
            return []
        leading = getattr(self, "_first_cell", None)
        for cell in (leading, first):
            if cell is not None and (_TOTAL_ROW.fullmatch(fold(str(cell)).replace(" ", "")) or _NOTE_ROW.match(str(cell).strip())):
                self.problem(plan, number, None, "合计行或注释行，已跳过", cell, "警告")
                return []
        self._row_errors = 0
        self._refuse_control_characters(plan, number, values)
        if self._row_errors:
            return []
        build = self._enterprise if plan.kind == "enterprises" else self._supply
        items = build(plan, number, values)
        return [] if self._row_errors else items

    def _refuse_control_characters(self, plan: _TablePlan, number: int, values: dict[str, Any]) -> None:
        """Invisible control characters (e.g. U+0001 pasted from another system) cannot go into XLSX or XML."""
        for name, value in values.items():
            text = "、".join(map(str, value)) if isinstance(value, (list, tuple)) else value
            if type(text) is str and (found := CONTROL_CHARACTER.search(text)):
                self.problem(plan, number, name, f"含有不可见的控制字符 U+{ord(found.group()):04X}，"
                             "Excel 和导出文件都无法保存，请删除后再导入", strip_control_characters(text))

    def _provenance(self, plan: _TablePlan, number: int, values: dict[str, Any]) -> tuple[str, dt.date | None]:
        source = plan.table.where(number)
        given = _text(values.get("source"))
        if given:
            source += f"；数据来源：{given}"
        as_of, reason = _date(values.get("as_of"))
        if reason:
            self.problem(plan, number, "as_of", reason, values.get("as_of"))
        return source, as_of or plan.as_of

    # enterprises ------------------------------------------------------------------------------

    def _enterprise(self, plan: _TablePlan, number: int, values: dict[str, Any]) -> list[Item]:
        cat = self.catalogue
        name = _name_text(values.get("name"))
        if not name:
            self.problem(plan, number, "name", "企业名称为必填项，不能为空")
            return []
        code = self._credit_code(plan, number, "credit_code", values.get("credit_code"))
        source, as_of = self._provenance(plan, number, values)
        revenue = self._number(plan, number, "revenue_yi", values.get("revenue_yi"), low=0, high=100000, unit="亿元")
        if revenue is None and values.get("revenue_wan") is not None:  # a 营业收入(万元) column
            in_wan = self._number(plan, number, "revenue_wan", values.get("revenue_wan"), low=0, high=1e9, unit="万元")
            revenue = None if in_wan is None else in_wan / 10000
        local_given = self._bool(plan, number, "local", values.get("local"))
        synthetic = bool(self._bool(plan, number, "synthetic", values.get("synthetic")))
        tags = list(dict.fromkeys(tag for written in split_list(values.get("tags")) for tag in canonical_tags(written)))
        for tag in tags:
            if tag not in ENTERPRISE_TAGS:
                close = process.extract(tag, ENTERPRISE_TAGS, scorer=fuzz.WRatio, limit=2, score_cutoff=30)
                hint = f"；最接近：{'、'.join(m[0] for m in close)}" if close else ""
                self.problem(plan, number, "tags", f"未知企业标签“{tag}”{hint}（可用：{'、'.join(ENTERPRISE_TAGS)}）", tag)
        chains = self._references(plan, number, "chains", "chain", values.get("chains"))
        products = self._references(plan, number, "products", "product", values.get("products"))
        clusters = self._references(plan, number, "clusters", "cluster", values.get("clusters"))
        park_text = _text(values.get("park"))
        park = self._references(plan, number, "park", "park", park_text)[:1] if park_text else []

        country = canonical_country(_text(values.get("country")) or CHINA)  # 中国大陆, China … → 中国
        province, city = _text(values.get("province")), _text(values.get("city"))
        province = canonical_province(province) if province else None  # 江西, Jiangxi → 江西省
        district = _text(values.get("district"))
        in_nanchang_city = city is None or "南昌" in city
        district_place = None
        if district and in_nanchang_city and country == CHINA and province in (None, JIANGXI):
            district_place, close = cat.resolve("park", district)
            if district_place is not None:  # the plan's name: 南昌市南昌县 and 红谷滩新区 are stored as 南昌县, 红谷滩区
                district = cat.name("park", district_place)
            if district_place is None and (local_given or city):
                hint = f"；最接近：{'、'.join(close)}" if close else ""
                self.problem(plan, number, "district", f"所在区县“{district}”不在规划的区县/开发区中{hint}", district, "警告")
        local = local_given if local_given is not None else bool(
            park or district_place or (city is not None and "南昌" in city)
        )
        if local:
            province = province or JIANGXI
            city = city or NANCHANG
            if not district and park:
                district = cat.district_of(park[0])
        if chains and products and not any(cat.product_chains[p] & set(chains) for p in products):
            self.problem(plan, number, "products", "主营产品都不属于所填的产业链，请核对", values.get("products"), "警告")
        if chains and not products and not _text(values.get("products")) and not clusters and "链主" not in tags:
            self.problem(
                plan, number, "chains",
                "填写了所属产业链但没有该链的主营产品，也不是链主或集群成员：企业不会出现在该链的图谱中", None, "警告",
            )
        if "链主" in tags and not chains:
            self.problem(plan, number, "chains", "标签为链主的企业须填写所属产业链（链主关系指向产业链）", None)
        node_id = self._enterprise_id(plan, number, name, code)
        if node_id is None or self._row_errors:
            return []
        aliases = list(dict.fromkeys(  # 曾用名/简称: "赣锋锂业/赣锋" are two names
            alias for part in split_list(values.get("aliases"))
            for alias in (re.split(r"\s*[/／]\s*", part) if not part.isascii() else [part])  # not "Novo Nordisk A/S"
            if alias and alias != name
        ))
        try:
            node = Enterprise(
                id=node_id, name=name, credit_code=code, aliases=aliases, country=country, province=province,
                city=city, district=district, local=local, revenue_yi=revenue, tags=tags, synthetic=synthetic,
                source=source, as_of=as_of,
            )
        except ValidationError as exc:
            self._model_errors(plan, number, exc, values)
            return []
        place = park[0] if park else district_place
        if self._continuing is not None:
            merged = self._add_to(plan, number, self.state.nodes[node_id], node, place)
            if merged is None:
                return []
            node, place = merged  # the place only when this row adds a new or more precise one
        else:
            self.state.nodes[node_id] = node
            if place:
                self.state.places[node_id] = place
        common = {"source": source, "as_of": as_of, "synthetic": synthetic}
        # a firm's second row adds relationships; its node, merged into the first row's, is written again
        # only when the first may already be written (the second pass over a batch too large to keep)
        items: list[Item] = [node] if self._continuing is None or not self.check else []
        if place:
            items.append(LocatedIn(src=node_id, dst=place, **common))
        items += [Produces(src=node_id, dst=product, **common) for product in products]
        items += [MemberOf(src=node_id, dst=cluster, **common) for cluster in clusters]
        if "链主" in tags:
            items += [Leads(src=node_id, dst=chain, **common) for chain in chains]
        if any(not isinstance(item, Enterprise) for item in items):
            self.state.needs_reference = True
        self.state.index.add(node_id, name, aliases, code)
        return items

    def _add_to(self, plan: _TablePlan, number: int, first: Enterprise, node: Enterprise,
                place: str | None) -> tuple[Enterprise, str | None] | None:
        """A firm's node with its row in another sheet merged in, and the place this row adds (a new
        or more precise one, else None): lists joined, another name kept as an alias, a value only
        one row gives kept, 本地 if either says so, the more precise of two nested places; a value
        the rows give differently is an error. None after an error."""
        merged = first.model_dump()
        for name in ("credit_code", "country", "province", "city", "district", "revenue_yi"):
            mine, theirs = merged[name], getattr(node, name)
            if theirs is None or mine == theirs or (name == "country" and theirs == CHINA and node.province is None):
                continue
            if mine is None or (name == "country" and mine == CHINA and first.province is None):
                merged[name] = theirs
                continue
            if name == "district" and place and self.state.places.get(first.id) and self.catalogue.nested(place, self.state.places[first.id]):
                continue  # 南昌县 and a park inside it: settled with the place below
            label = field_of("enterprises", name).header
            self.problem(plan, number, name, f"同一企业在其他表中的{label}为“{mine}”，本行为“{theirs}”，两者不一致", theirs)
        before = self.state.places.get(first.id)
        added = None
        if place and before and place != before:
            if self.catalogue.nested(place, before):
                inner = place if any(p.id == before for p in self.catalogue.enclosing(place)) else before
                added = inner if inner != before else None
                merged["district"] = self.catalogue.district_of(inner) or merged["district"]
            else:
                names = (self.catalogue.name("park", before), self.catalogue.name("park", place))
                self.problem(plan, number, "park", f"同一企业在其他表中位于“{names[0]}”，本行为“{names[1]}”，两者不一致", names[1])
        elif place and not before:
            added = place
        if self._row_errors:
            return None
        if added:
            self.state.places[first.id] = added
        merged["local"] = bool(first.local or node.local)
        merged["tags"] = list(dict.fromkeys([*first.tags, *node.tags]))
        merged["aliases"] = list(dict.fromkeys([*first.aliases, *node.aliases, *([node.name] if node.name != first.name else [])]))
        result = Enterprise.model_validate(merged)  # validated again: tags in their canonical order
        self.state.nodes[first.id] = result
        self.merged.add(first.id)
        return result, added

    def _enterprise_id(self, plan: _TablePlan, number: int, name: str, code: str | None) -> str | None:
        state = self.state
        self._continuing: tuple[str, int] | None = None
        key = normalise_name(name)
        if code:
            node_id = code
        else:
            existing = self.store_index.ensure().ids(key)
            if len(existing) > 1:
                listed = "、".join(f"{self.store_index.display[i]}（{i}）" for i in existing[:5])
                self.problem(plan, number, "name", f"库中有多家企业与此名称（规范化后）相同：{listed}；请填写统一社会信用代码", name)
                return None
            node_id = existing[0] if existing else enterprise_id(name)
        previous = state.seen_ids.get(node_id)
        table = plan.table.where()
        if previous is not None and (table, node_id) not in state.seen_in_table:
            # the same firm in another sheet or file (one list per chain): add to it, or — when its
            # first row had errors of its own — take this row as its first
            state.seen_in_table[(table, node_id)] = number
            if node_id in state.nodes:
                self._continuing = previous
            return node_id
        if previous is not None:
            previous = (table, state.seen_in_table[(table, node_id)]) if (table, node_id) in state.seen_in_table else previous
            column = "credit_code" if code else "name"
            what = "统一社会信用代码相同" if code else "规范化后的企业名称相同"
            self.problem(plan, number, column, f"与{_row_ref(previous, plan)}重复（{what}）", code or name)
            return None
        seen = state.seen_names.get(key)
        if seen is not None and not (code and seen[1]):
            hint = "；同一企业出现在多个表中时，请每处都填写统一社会信用代码（或都不填）" if seen[0][0] != table else ""
            self.problem(plan, number, "name", f"与{_row_ref(seen[0], plan)}是同一企业（规范化后的企业名称相同）{hint}", name)
            return None
        here = (table, number)
        state.seen_in_table[(table, node_id)] = number
        state.seen_ids[node_id] = here
        state.seen_names.setdefault(key, (here, bool(code)))
        return node_id

    # supply relations -------------------------------------------------------------------------

    def _supply(self, plan: _TablePlan, number: int, values: dict[str, Any]) -> list[Item]:
        source, as_of = self._provenance(plan, number, values)
        src = self._party(plan, number, "supplier", "supplier_code", values, "供应方")
        dst = self._party(plan, number, "customer", "customer_code", values, "采购方")
        product = None
        product_text = _text(values.get("product"))
        if product_text:
            found = self._references(plan, number, "product", "product", product_text)
            product = found[0] if found else None
        elif self.check:
            self.state.missing_product_rows[(plan.table.file, plan.table.sheet)] += 1
        amount = self._number(plan, number, "amount_wan", values.get("amount_wan"), low=0, unit="万元")
        share = self._share(plan, number, "share", values.get("share"))
        combined = values.get("amount_or_share")
        if _text(combined):
            if "%" in str(combined):
                share = share if share is not None else self._share(plan, number, "amount_or_share", combined)
            else:
                amount = amount if amount is not None else self._number(plan, number, "amount_or_share", combined, low=0)
        confidence = "reported"
        conf_text = _text(values.get("confidence"))
        if conf_text:
            confidence = _CONFIDENCE.get(conf_text.lower(), "")
            if not confidence:
                self.problem(plan, number, "confidence", "可信度应为 已核实/公开报道/推断（verified/reported/inferred）", conf_text)
        synthetic = bool(self._bool(plan, number, "synthetic", values.get("synthetic")))
        if src is None or dst is None or self._row_errors:
            return []
        if src == dst:
            self.problem(plan, number, "customer", "供应方与采购方是同一企业", _text(values.get("customer")))
            return []
        key = (src, dst, product or "")
        previous = self.state.seen_supplies.get(key)
        if previous is not None:
            self.problem(plan, number, "supplier", f"与第{previous}行重复（供应方、采购方、产品都相同）",
                         _text(values.get("supplier")))
            return []
        self.state.seen_supplies[key] = number
        if share is not None and product:
            total = self.state.shares[(dst, product)] = self.state.shares[(dst, product)] + share
            if total > 1.0001:
                self.problem(plan, number, "share", f"采购方该产品的占比合计已达 {total:.0%}，超过 100%", values.get("share"), "警告")
        try:
            rel = Supplies(src=src, dst=dst, product=product, amount_wan=amount, share=share,
                           confidence=confidence or "reported", source=source, as_of=as_of, synthetic=synthetic)
        except ValidationError as exc:
            self._model_errors(plan, number, exc, values)
            return []
        if product:
            self.state.needs_reference = True
        return [rel]

    def _party(self, plan: _TablePlan, number: int, name_field: str, code_field: str, values: dict[str, Any],
               role: str) -> str | None:
        name = _name_text(values.get(name_field))
        code_text = _text(values.get(code_field))
        if code_text is None and name and _CODE_SHAPE.match(name.upper()) and credit_code_problem(name.upper()) is None:
            code_text, name = name.upper(), None
        if not name and not code_text:
            self.problem(plan, number, name_field, f"{role}为必填项（企业名称或统一社会信用代码）")
            return None
        if code_text:
            field_name = code_field if _text(values.get(code_field)) else name_field
            code = self._credit_code(plan, number, field_name, code_text)
            if code is None:
                return None
            found = self.state.index.by_code.get(code) or self.store_index.ensure().by_code.get(code)
            if found is None and self.store.get_node(code) is not None:
                found = code
            if found:
                return found
            if not name:
                self.problem(plan, number, field_name, f"{role}统一社会信用代码 {code} 不在本次导入的企业名录中，库中也没有", code)
                return None
        assert name is not None
        key = normalise_name(name)
        ids = set(self.state.index.ids(key)) | set(self.store_index.ensure().ids(key))
        if len(ids) == 1:
            return ids.pop()
        if ids:
            listed = "、".join(f"{self._display(i)}（{i}）" for i in sorted(ids)[:5])
            self.problem(plan, number, name_field, f"{role}“{name}”对应多家企业：{listed}；请填写{role}信用代码以区分", name)
            return None
        hint = ""
        if self.check and self.state.suggested < MAX_SUGGESTED:
            self.state.suggested += 1
            close = self._closest(key)
            hint = f"；最接近：{'、'.join(close)}" if close else ""
        self.problem(plan, number, name_field, f"{role}“{name}”找不到对应企业（本次导入的企业名录和库中都没有）{hint}", name)
        return None

    def _display(self, node_id: str) -> str:
        return self.state.index.display.get(node_id) or self.store_index.display.get(node_id) or node_id

    def _closest(self, key: str) -> list[str]:
        choices: dict[str, str] = {}
        for index in (self.state.index, self.store_index):
            for name_key, ids in index.by_name.items():
                first = ids if isinstance(ids, str) else ids[0]
                choices.setdefault(name_key, index.display.get(first, first))
        matches = process.extract(key, list(choices), scorer=fuzz.WRatio, limit=6, score_cutoff=50)
        return list(dict.fromkeys(choices[match[0]] for match in matches))[:3]  # a name shown once

    # field parsers ----------------------------------------------------------------------------

    def _credit_code(self, plan: _TablePlan, number: int, field_name: str, raw: Any) -> str | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            self.problem(plan, number, field_name,
                         "统一社会信用代码被存成了数字（可能已丢失位数或变成科学计数法）；请把该列设为文本后重新填写", raw)
            return None
        code = _INVISIBLE.sub("", fold(str(raw))).replace(" ", "").upper()
        if re.fullmatch(r"\d(\.\d+)?E\+\d+", code):
            self.problem(plan, number, field_name,
                         "统一社会信用代码被 Excel 变成了科学计数法，原值已丢失；请把该列设为文本后重新填写", raw)
            return None
        problem = credit_code_problem(code)
        if problem:
            self.problem(plan, number, field_name, problem, raw)
            return None
        return code

    def _number(self, plan: _TablePlan, number: int, field_name: str, raw: Any, *, low: float | None = None,
                high: float | None = None, unit: str | None = None) -> float | None:
        """A number from a cell: placeholders (—, /, 暂无, #N/A …) are blank; with ``unit`` (亿元 or
        万元) a value written with a unit ("12.5亿", "3000万元") is converted, with a warning."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        value: float | None
        if isinstance(raw, bool):
            value = None
        elif isinstance(raw, (int, float)):
            value = float(raw)
        else:
            text = fold(str(raw)).replace(",", "").replace(" ", "")
            if text.lower() in PLACEHOLDERS:
                return None
            written = UNIT_SUFFIX.fullmatch(text) if unit else None
            if written:
                text = written.group(1)
            try:
                value = float(text)
            except ValueError:
                value = None
            if value is not None and written and unit:
                factor = YUAN[written.group(2).removesuffix("元") or "元"] / YUAN[unit.removesuffix("元")]
                if factor != 1:
                    value *= factor
                    self.problem(plan, number, field_name, f"带单位的数值已换算为 {value:g} {unit}", raw, "警告")
        if value is None or value != value or value in (float("inf"), float("-inf")):
            self.problem(plan, number, field_name, "应为数字" + (f"（单位：{unit}）" if unit else ""), raw)
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            span = f"{low:g}–{high:g}" if high is not None else f"≥ {low:g}"
            self.problem(plan, number, field_name, f"超出范围：应为 {span}", raw)
            return None
        return value

    def _share(self, plan: _TablePlan, number: int, field_name: str, raw: Any) -> float | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        text = fold(str(raw)).strip()
        percent = text.endswith("%")
        value = self._number(plan, number, field_name, text.rstrip("%") if percent else raw, low=0)
        if value is None:
            return None
        # a 占比(%) column holds percentages where a cell has no % sign: 30 is 30 %; 0.3 stays 0.3
        # (Excel keeps a cell formatted as 30% as 0.3)
        if percent or (value > 1 and "%" in fold(plan.columns.get(field_name, ""))):
            value /= 100
        if value > 1:
            self.problem(plan, number, field_name, "占比应为 0–1 之间的小数或不超过 100% 的百分数（如 35%）", raw)
            return None
        return value

    def _bool(self, plan: _TablePlan, number: int, field_name: str, raw: Any) -> bool | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if isinstance(raw, bool):
            return raw
        text = fold(str(raw)).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        self.problem(plan, number, field_name, "应为 是 或 否", raw)
        return None

    def _references(self, plan: _TablePlan, number: int, field_name: str, kind: str, raw: Any) -> list[str]:
        found: list[str] = []
        for text in split_list(raw):
            node_id, close = self.catalogue.resolve(kind, text)  # type: ignore[arg-type]
            if node_id is None:
                what = {"chain": "产业链", "product": "产品", "park": "园区", "cluster": "产业集群"}[kind]
                hint = f"；最接近：{'、'.join(close)}" if close else ""
                self.problem(plan, number, field_name, f"未知{what}“{text}”{hint}", text)
            elif node_id not in found:
                found.append(node_id)
        return found

    def _model_errors(self, plan: _TablePlan, number: int, exc: ValidationError, values: dict[str, Any]) -> None:
        for error in exc.errors():
            loc = str(error["loc"][0]) if error["loc"] else None
            field_name = {"src": "supplier", "dst": "customer"}.get(loc or "", loc)
            if field_name not in {f.name for f in FIELDS[plan.kind]}:
                field_name = None
            template = _PYDANTIC_REASONS.get(error["type"])
            reason = template.format(**error.get("ctx", {})) if template else str(error["msg"]).removeprefix("Value error, ")
            self.problem(plan, number, field_name, reason, values.get(field_name) if field_name else None)


class _KeptItems:
    """Validated items kept for the write pass as tuples of their field values — about a third of
    a model's memory — and rebuilt (so validated once more) when iterated; once more than
    ``limit`` arrive, none are kept and ``overflowed`` is set.

    >>> from graph_schema import Chain
    >>> kept = _KeptItems(limit=2)
    >>> kept.append(Chain(id="chain:aviation", name="航空", kind="新兴"))
    >>> [chain.name for chain in kept], kept.overflowed
    (['航空'], False)
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.overflowed = False
        self._rows: list[tuple[type[Item], tuple[Any, ...]]] = []
        self._fields: dict[type[Item], tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def replace(self, position: int, item: Item) -> None:
        """Put ``item`` (of the same kind) where the item at ``position`` was."""
        if not self.overflowed:
            self._rows[position] = (type(item), tuple(item.__dict__.values()))

    def append(self, item: Item) -> None:
        if self.overflowed:
            return
        if len(self._rows) >= self.limit:
            self.overflowed = True
            self._rows.clear()
            return
        kind = type(item)
        if kind not in self._fields:  # pydantic keeps a model's values in field declaration order
            self._fields[kind] = tuple(item.__dict__)
        self._rows.append((kind, tuple(item.__dict__.values())))

    def __iter__(self) -> Iterator[Item]:
        fields = self._fields
        for kind, values in self._rows:
            yield kind(**dict(zip(fields[kind], values)))


def _row_ref(seen: tuple[str, int], plan: _TablePlan) -> str:
    where, row = seen
    return f"第{row}行" if where == plan.table.where() else f"{where} 第{row}行"


# -- helpers ----------------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    """A cell as trimmed text (None when empty); the apostrophe an export puts before ``=`` etc. is dropped.

    >>> _text("  '=1+1企业 "), _text(3.0), _text("  ")
    ('=1+1企业', '3', None)
    """
    if type(value) is str:  # the common case (every CSV cell), first
        text = value.strip()
        if not text.isascii():
            text = _INVISIBLE.sub("", text).strip()  # zero-width spaces pasted from web pages
        return (without_formula_guard(text) if text[:1] == "'" else text) or None
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (list, tuple)):
        value = "、".join(str(item) for item in value)
    text = str(value).strip()
    return text or None


_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_GAP_IN_CHINESE = re.compile(r"(?<=[\u3400-\u9fff（）()])\s+(?=[\u3400-\u9fff（）()])")


def _name_text(value: Any) -> str | None:
    r"""An enterprise name as text: also without the spaces and line breaks a cell may hold between
    Chinese characters ("南昌\u3000寅一科技\n有限公司" → "南昌寅一科技有限公司"); Latin words keep theirs.

    >>> _name_text("南昌\u3000寅一科技\n有限公司"), _name_text("Apple Inc. 苹果")
    ('南昌寅一科技有限公司', 'Apple Inc. 苹果')
    """
    text = _text(value)
    return _GAP_IN_CHINESE.sub("", text) if text and not text.isascii() else text


_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"), "ymd"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "ymd"),
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"), "ym"),
    (re.compile(r"^(\d{4})年?度?(?:末|底)?$"), "y"),                       # 2025, 2025年度, 2025年末
    (re.compile(r"^(\d{4})年?(上|下)半年$"), "half"),                      # 2025年上半年
    (re.compile(r"^(\d{4})年?(?:第?([1-4一二三四])季度|[Qq]([1-4]))$"), "quarter"),  # 2025年第一季度, 2025Q3
)
_QUARTERS = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}


EXCEL_SERIALS = (25569, 73050)  # 1970-01-01 to 2099-12-31 as Excel day numbers; years and yyyymmdd fall outside


def _date(value: Any) -> tuple[dt.date | None, str | None]:
    """(date, None) or (None, reason); a year, half year, quarter or month means its last day.

    >>> [str(_date(v)[0]) for v in (45838, "2025年度", "2025年上半年", "2025年第三季度", "2025Q1", 2025, 20250630)]
    ['2025-06-30', '2025-12-31', '2025-06-30', '2025-09-30', '2025-03-31', '2025-12-31', '2025-06-30']
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        if EXCEL_SERIALS[0] <= value <= EXCEL_SERIALS[1]:  # an Excel date left as a number: 45838 is 2025-06-30
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value)), None
        value = str(int(value))
    return _parse_date(str(value))


@lru_cache(maxsize=4096)
def _parse_date(value: str) -> tuple[dt.date | None, str | None]:
    text = fold(value)
    text = re.sub(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", text)
    for pattern, shape in _DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        if shape in ("half", "quarter"):  # the period's last day
            year, part = int(match.group(1)), next(group for group in match.groups()[1:] if group)
            month = (6 if part == "上" else 12) if shape == "half" else 3 * _QUARTERS[part]
            try:
                following = dt.date(year + month // 12, month % 12 + 1, 1)
                return following - dt.timedelta(days=1), None
            except ValueError:
                return None, "日期无法识别（应为 YYYY-MM-DD，如 2025-06-30）"
        parts = [int(part) for part in match.groups()]
        try:
            if shape == "ymd":
                return dt.date(*parts), None
            if shape == "ym":
                year, month = parts
                following = dt.date(year + month // 12, month % 12 + 1, 1)
                return following - dt.timedelta(days=1), None
            return dt.date(parts[0], 12, 31), None
        except ValueError:
            break
    return None, "日期无法识别（应为 YYYY-MM-DD，如 2025-06-30）"


_TAG_SYNONYMS = {
    "规上企业": ("规上",), "规模以上": ("规上",), "规模以上企业": ("规上",), "规模以上工业企业": ("规上",),
    "上市公司": ("上市",), "上市企业": ("上市",),
    "专精特新小巨人": ("专精特新", "小巨人"), "专精特新小巨人企业": ("专精特新", "小巨人"), "小巨人企业": ("小巨人",),
    "专精特新企业": ("专精特新",), "专精特新中小企业": ("专精特新",),
    "单项冠军企业": ("单项冠军",), "制造业单项冠军": ("单项冠军",), "制造业单项冠军企业": ("单项冠军",),
    "高新企业": ("高新技术企业",), "高企": ("高新技术企业",), "链主企业": ("链主",),
}


def canonical_tags(written: str) -> tuple[str, ...]:
    """The tags a written label stands for, in the tag list's words (a label with no synonym as written).

    >>> canonical_tags("国家级专精特新“小巨人”企业"), canonical_tags("规上企业"), canonical_tags("上市")
    (('专精特新', '小巨人'), ('规上',), ('上市',))
    """
    if written in ENTERPRISE_TAGS:
        return (written,)
    bare = re.sub(r"[“”\"'‘’「」]", "", written)
    bare = re.sub(r"^(?:国家级|国家|省级|市级|江西省|南昌市)", "", bare)
    if bare in ENTERPRISE_TAGS:
        return (bare,)
    return _TAG_SYNONYMS.get(bare, (written,))


# A total under a list (合计 …) or a footnote (注：1. 营业收入为2024年数据 …) in a row's first column.
_TOTAL_ROW = re.compile(r"(?:合计|总计|小计|共计|总数)[:：]?")
_NOTE_ROW = re.compile(r"^(?:注|备注|说明|注释|填表说明|数据来源|资料来源)\s*[:：0-9]")
# Cells meaning "no value" in Chinese spreadsheets: read as blank, not as a bad number.
PLACEHOLDERS = frozenset({"-", "—", "——", "–", "/", "\\", "无", "暂无", "不详", "未知", "空", "n/a", "na", "#n/a", "null", "none"})
UNIT_SUFFIX = re.compile(r"(-?[0-9.]+)(亿元|亿|万元|万|元)")
YUAN = {"亿": 1e8, "万": 1e4, "元": 1.0}


def _plan_tables(tables: Sequence[Table], report: ImportReport, kind: Kind | None, as_of: dt.date | None) -> list[_TablePlan]:
    plans = []
    recognised_files = set()
    pending_unknown: list[tuple[Table, list[str]]] = []
    for table in tables:
        if table.sheet in INSTRUCTION_SHEETS:
            continue
        if table.hidden:  # what the user does not see is not imported behind their back
            report.add(Problem(table.file, table.sheet, None, None,
                               "隐藏的工作表，已跳过（如需导入，请在 Excel 中取消隐藏）", level="警告"))
            continue
        forced = kind or table.kind_hint  # type: ignore[assignment]
        table_kind, mapping, unknown = map_header(table.header, forced)  # type: ignore[arg-type]
        summary = TableSummary(table.file, table.sheet, table_kind, table.encoding, table.total or 0)
        report.tables.append(summary)
        header_row = table.header_row or None
        if table_kind is None:
            pending_unknown.append((table, [c for c in table.header if c]))
            summary.rows = 0
            continue
        recognised_files.add(table.file)
        columns = {name: table.header[index] for index, name in mapping.items()}
        missing = _missing_columns(table_kind, set(mapping.values()))
        for column_name in missing:
            field = field_of(table_kind, column_name)
            aliases = "、".join((field.header, *field.aliases[:4]))
            hint = ""
            if table_kind == "supplies" and "name" in map_header(table.header, "enterprises")[1].values():
                hint = "；若这是企业名录，请删除“供应商”“客户”等列或改为其他列名"
            report.add(Problem(table.file, table.sheet, header_row, field.header,
                               f"缺少必填列“{field.header}”（{KIND_NAMES[table_kind]}；表头可写作 {aliases}）{hint}"))
            summary.errors += 1
        for index in unknown:
            report.add(Problem(table.file, table.sheet, header_row, table.header[index], "未识别的列，已忽略",
                               level="警告"))
        if missing:
            continue
        default_date = as_of or _file_date(table) or dt.date.today()
        plans.append(_TablePlan(table, table_kind, mapping, columns, summary, default_date))
    for table, header in pending_unknown:
        if table.sheet and table.file in recognised_files:
            report.add(Problem(table.file, table.sheet, table.header_row or None, None,
                               "工作表既不是企业名录也不是供应关系，已跳过", level="警告"))
            continue
        hint = ""
        if table.encoding == "gb18030" and not any(h.isascii() for h in header):
            hint = "；若表头显示为乱码，说明文件编码不是 UTF-8 或 GBK"
        report.add(Problem(
            table.file, table.sheet, table.header_row or None, None,
            "无法判断是企业名录还是供应关系：企业名录须有“企业名称”列，供应关系须有“供应方”和“采购方”列；"
            f"实际表头：{'、'.join(header[:12]) or '（空）'}{hint}",
        ))
    # enterprises first, so supply relations can refer to enterprises of the same batch
    return sorted(plans, key=lambda plan: plan.kind != "enterprises")


def _missing_columns(kind: Kind, present: set[str]) -> list[str]:
    if kind == "enterprises":
        return [] if "name" in present else ["name"]
    missing = []
    if not {"supplier", "supplier_code"} & present:
        missing.append("supplier")
    if not {"customer", "customer_code"} & present:
        missing.append("customer")
    return missing


def _file_date(table: Table) -> dt.date | None:
    if table.path is None:
        return None
    return dt.date.fromtimestamp(table.path.stat().st_mtime)


def _progress(plan: _TablePlan, verb: str, enabled: bool) -> Any:
    from tqdm import tqdm

    label = plan.table.file + (f"#{plan.table.sheet}" if plan.table.sheet else "")
    return tqdm(total=plan.table.total, desc=f"{verb} {label}", unit="行", disable=not enabled, leave=False,
                mininterval=0.5)


def _report_header_only(report: ImportReport, plans: list[_TablePlan]) -> None:
    """A table without data rows is an error when the whole batch has none, else a warning.

    An export of a graph without supply relations has a header-only 供应关系 sheet: its workbook
    must still import.
    """
    batch_has_rows = any(plan.summary.rows for plan in plans)
    for plan in plans:
        if plan.summary.rows == 0:
            if batch_has_rows:
                report.add(Problem(plan.table.file, plan.table.sheet, None, None, "只有表头，没有数据行：已跳过", level="警告"))
            else:
                report.add(Problem(plan.table.file, plan.table.sheet, None, None, "只有表头，没有数据行"))
                plan.summary.errors += 1


def _pass(importer: _Importer, plans: list[_TablePlan], verb: str, progress: bool) -> Iterator[Item]:
    """Every item of every table, tables in order; file-read failures become problems."""
    batch_rows = 0
    for plan in plans:
        if batch_rows > MAX_BATCH_ROWS:
            break  # already reported: the batch is too large
        rows = 0
        bar = _progress(plan, verb, progress)
        try:
            for number, values in importer.rows(plan):
                batch_rows += 1
                if batch_rows > MAX_BATCH_ROWS:
                    raise FileReadError(plan.table.file, f"本批导入超过 {MAX_BATCH_ROWS:,} 行数据的上限，请拆分为多个批次导入",
                                        sheet=plan.table.sheet, row=number)
                rows += 1
                bar.update(1)
                yield from importer.items(plan, number, values)
        except FileReadError as exc:
            if importer.check:
                importer.report.add(Problem(exc.file, exc.sheet or plan.table.sheet, exc.row, None, exc.reason))
                plan.summary.errors += 1
            else:
                raise
        finally:
            bar.close()
        if importer.check:
            plan.summary.rows = rows
    if importer.check:
        _report_header_only(importer.report, plans)
        for (file, sheet), count in importer.state.missing_product_rows.items():
            importer.report.add(Problem(file, sheet, None, "产品",
                                        f"{count} 行未填写产品：这些供应关系不参与按投入品的分析（断供、单一来源）",
                                        level="警告"))


# -- public API -------------------------------------------------------------------------------------


def import_files(
    store: GraphStore,
    paths: Sequence[str | Path],
    *,
    kind: Kind | None = None,
    as_of: dt.date | None = None,
    dry_run: bool = False,
    chunk_size: int = CHUNK_SIZE,
    progress: bool = False,
    catalogue: Catalogue | None = None,
) -> ImportReport:
    """Validate ``paths`` as one batch; when clean (and not ``dry_run``), write it to ``store``.

    Returns the report: problems (file, sheet, row, column, reason), what is written or — in a
    dry run — what would be new, updated or unchanged.
    """
    report = ImportReport(dry_run=dry_run)
    tables: list[Table] = []
    for path in paths:
        try:
            tables += read_tables(path)
        except FileReadError as exc:
            report.add(Problem(exc.file, exc.sheet, exc.row, None, exc.reason))
            report.tables.append(TableSummary(exc.file, exc.sheet, None, errors=1))
    return import_tables(store, tables, kind=kind, as_of=as_of, dry_run=dry_run, chunk_size=chunk_size,
                         progress=progress, catalogue=catalogue, report=report)


def import_tables(
    store: GraphStore,
    tables: Sequence[Table],
    *,
    kind: Kind | None = None,
    as_of: dt.date | None = None,
    dry_run: bool = False,
    chunk_size: int = CHUNK_SIZE,
    progress: bool = False,
    catalogue: Catalogue | None = None,
    report: ImportReport | None = None,
) -> ImportReport:
    """Like :func:`import_files` for tables already opened (files or the real-data adapters)."""
    started = time.perf_counter()
    report = report or ImportReport(dry_run=dry_run)
    catalogue = catalogue or Catalogue.from_reference()
    plans = _plan_tables(tables, report, kind, as_of)
    checker = _Importer(store, catalogue, report, check=True)
    kept = _KeptItems(KEEP_VALIDATED_ITEMS)  # the validated items, while few enough to keep (else a second pass)
    positions: dict[str, int] = {}  # enterprise id → where its node is kept
    for item in _pass(checker, plans, "校验", progress):
        report.items[getattr(item, "label", None) or item.type] += 1  # type: ignore[union-attr]
        if isinstance(item, Enterprise):
            positions[item.id] = len(kept)
        kept.append(item)
    for node_id in checker.merged:  # a firm's rows in other sheets, merged after its node was kept
        kept.replace(positions[node_id], checker.state.nodes[node_id])
    if not report.ok or not plans:
        if report.ok:
            report.add(Problem("", None, None, None, "没有可导入的表"))
        report.seconds = time.perf_counter() - started
        return report
    needs_reference = checker.state.needs_reference and _reference_missing(store, catalogue)
    report.reference_loaded = needs_reference
    writer = _Importer(store, catalogue, report, check=False)
    writer.store_index = checker.store_index  # the store as it was before writing: both passes decide alike
    checker.state = _State()  # the first pass's duplicate and share bookkeeping is no longer needed
    def items(verb: str) -> Iterable[Item]:
        return kept if not kept.overflowed else _pass(writer, plans, verb, progress)

    if dry_run:
        report.diff = diff_items(store, items("比对"), chunk_size=min(chunk_size, 5000))
    else:
        def count(batch: WriteBatch) -> None:
            report.written += len(batch)

        try:
            with store.bulk_load(sum(report.items.values())):
                if needs_reference:
                    from loaders.reference import reference_batch

                    store.write(reference_batch())
                write_items(store, items("写入"), chunk_size, on_written=count)
        except ChainAtlasError as exc:
            report.add(Problem("", None, None, None,
                               f"写入数据库时失败（已写入 {report.written} 个；校验已通过，重新运行同一导入即可补全，不会重复）：{exc}"))
    report.seconds = time.perf_counter() - started
    return report


def write_items(store: GraphStore, items: Iterable[Item], chunk_size: int = CHUNK_SIZE, *,
                on_written: Callable[[WriteBatch], None] | None = None) -> int:
    """Write ``items`` in transactions of ``chunk_size`` (in a background thread, so the next
    chunk is produced while one is written); returns how many were written."""
    return write_batches(store, batched(items, chunk_size), on_written=on_written)


def diff_items(store: GraphStore, items: Iterable[Item], chunk_size: int = 5000) -> dict[str, Counter]:
    """Per label / relationship type: how many items would be new, updated or unchanged in ``store``."""
    result: dict[str, Counter] = defaultdict(Counter)
    chunk: list[Item] = []

    def flush() -> None:
        ids = set()
        for item in chunk:
            if isinstance(item, Node):
                ids.add(item.id)
            else:
                ids.update((item.src, item.dst))  # type: ignore[union-attr]
        existing = store.neighbourhood(NeighbourhoodQuery(sorted(ids), depth=0, max_nodes=len(ids) + 1))
        nodes = {node["id"]: node for node in existing.nodes}
        rels = {(rel["type"], rel["src"], rel["dst"], rel["key"]): rel for rel in existing.relationships}
        for item in chunk:
            if isinstance(item, Node):
                name, record, props = item.label, nodes.get(item.id), item.properties() | {"id": item.id}
            else:
                rel: Relationship = item  # type: ignore[assignment]
                name, record, props = rel.type, rels.get((rel.type, rel.src, rel.dst, rel.key)), rel.properties()
            if record is None:
                result[name]["new"] += 1
            elif all(_same(record.get(key), value) for key, value in props.items()):
                result[name]["unchanged"] += 1
            else:
                result[name]["updated"] += 1
        chunk.clear()

    for item in items:
        chunk.append(item)
        if len(chunk) >= chunk_size:
            flush()
    if chunk:
        flush()
    for counts in result.values():
        for key in ("new", "updated", "unchanged"):
            counts.setdefault(key, 0)
    return dict(result)


def _same(stored: Any, value: Any) -> bool:
    if isinstance(value, float) and isinstance(stored, (int, float)):
        return abs(stored - value) <= 1e-9 * max(1.0, abs(value))
    return stored == value


def _reference_missing(store: GraphStore, catalogue: Catalogue) -> bool:
    return any(store.get_node(chain_id) is None for chain_id in catalogue.names["chain"]) or any(
        store.get_node(product_id) is None for product_id in list(catalogue.names["product"])[:3]
    )

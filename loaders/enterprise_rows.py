"""A row of an enterprise list (企业名录) → the enterprise and its relationships to the plan.

The row's names of chains, products, clusters and parks are matched to the plan's (the
catalogue); its place (country, province, city, district) is put in canonical form and decides
whether the firm is local (本地); a 链主 leads its chains. The row yields the Enterprise node,
LOCATED_IN its park or district, PRODUCES, MEMBER_OF and LEADS — or nothing when it has an error.

>>> from loaders.catalogue import Catalogue
>>> from loaders.report import ImportReport
>>> from loaders.table_plans import plan_tables
>>> from loaders.tabular import Table
>>> report = ImportReport()
>>> [plan] = plan_tables([Table("名录.csv", None, ["企业名称", "主营产品", "所在区县"], lambda: iter([]))],
...                      report, None, None)
>>> rows = EnterpriseRows(RowContext(None, Catalogue.from_reference(), report, check=True))
>>> node, *relationships = rows.build(plan, 2, {"name": "南昌甲科技有限公司", "district": "南昌县"})
>>> node.local, node.city, [rel.type for rel in relationships]
(True, '南昌市', ['LOCATED_IN'])
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pydantic import ValidationError

from graph_schema import Enterprise, Leads, LocatedIn, MemberOf, Node, Produces, Relationship
from loaders.batch_merge import BatchEnterprises
from loaders.catalogue import JIANGXI, NANCHANG
from loaders.cells import Complain, cell_aliases, cell_bool, cell_credit_code, cell_dates, cell_number, cell_tags, cell_text, name_text
from loaders.places import CHINA, canonical_country, canonical_province
from loaders.renames import is_rename, kept_names, rename_problem
from loaders.row_context import RowContext
from loaders.table_plans import TablePlan

Item = Node | Relationship


class Location(NamedTuple):
    """Where a firm is, as stored: canonical country and province, and whether it is local."""

    country: str
    province: str | None
    city: str | None
    district: str | None
    district_place: str | None  # the plan's district or zone the 所在区县 names
    local: bool


class EnterpriseRows:
    """Builds the items of enterprise-list rows, in the context of one pass over a batch."""

    def __init__(self, context: RowContext) -> None:
        self.context = context
        self.batch = BatchEnterprises(context.state, context.catalogue, context.store_index)

    def build(self, plan: TablePlan, number: int, values: dict[str, Any]) -> list[Item]:
        """The items of one row; the caller drops them when the row has an error."""
        context, state = self.context, self.context.state
        name = name_text(values.get("name"))
        if not name:
            context.problem(plan, number, "name", "企业名称为必填项，不能为空")
            return []

        def cell(field_name: str) -> Complain:
            return context.on_cell(plan, number, field_name)

        code = cell_credit_code(values.get("credit_code"), cell("credit_code"))
        source, as_of = context.provenance(plan, number, values)
        revenue = cell_number(values.get("revenue_yi"), cell("revenue_yi"), low=0, high=100000, unit="亿元")
        if revenue is None and values.get("revenue_wan") is not None:  # a 营业收入(万元) column
            in_wan = cell_number(values.get("revenue_wan"), cell("revenue_wan"), low=0, high=1e9, unit="万元")
            revenue = None if in_wan is None else in_wan / 10000
        local_given = cell_bool(values.get("local"), cell("local"))
        synthetic = bool(cell_bool(values.get("synthetic"), cell("synthetic")))
        tags = cell_tags(values.get("tags"), cell("tags"))
        chains = context.references(plan, number, "chains", "chain", values.get("chains"))
        products = context.references(plan, number, "products", "product", values.get("products"))
        clusters = context.references(plan, number, "clusters", "cluster", values.get("clusters"))
        park_text = cell_text(values.get("park"))
        park = context.references(plan, number, "park", "park", park_text)[:1] if park_text else []
        where = self._location(plan, number, values, park, local_given)
        self._check_chains(plan, number, values, chains, products, clusters, tags)
        node_id, continuing = self.batch.identify(plan.table.where(), number, name, code, context.on_row(plan, number))
        if node_id is None or context.row_errors:
            return []
        aliases = cell_aliases(values.get("aliases"), name)
        stored = context.store_index.stored(node_id)
        if stored is not None:  # already in the store: its aliases stay, a new name is a rename made visible
            if code and is_rename(stored[0], name) and node_id not in state.renamed:
                state.renamed.add(node_id)
                reason, level = rename_problem(code, stored[0], name, context.rename)
                context.problem(plan, number, "name", reason, name, level)
                if context.row_errors:
                    return []
            aliases = kept_names(name, aliases, stored)
        try:
            node = Enterprise(
                id=node_id, name=name, credit_code=code, aliases=aliases, country=where.country,
                province=where.province, city=where.city, district=where.district, local=where.local,
                revenue_yi=revenue, tags=tags, synthetic=synthetic, source=source, as_of=as_of,
                seen=cell_dates(values.get("seen"), cell("seen")), listing=cell_text(values.get("listing")),
            )
        except ValidationError as exc:
            context.model_errors(plan, number, exc, values)
            return []
        place = park[0] if park else where.district_place
        if continuing:
            merged = self.batch.merged(node, place, context.on_row(plan, number))
            if context.row_errors:
                return []
            node, place = self.batch.keep(merged)  # the place only when this row adds a new or more precise one
        else:
            self.batch.remember(node, place)
        common: dict[str, Any] = {"source": source, "as_of": as_of, "synthetic": synthetic}
        # a firm's second row adds relationships; its node, merged into the first row's, is written again
        # only when the first may already be written (the second pass over a batch too large to keep)
        items: list[Item] = [node] if not continuing or not context.check else []
        if place:
            items.append(LocatedIn(src=node_id, dst=place, **common))
        items += [Produces(src=node_id, dst=product, **common) for product in products]
        items += [MemberOf(src=node_id, dst=cluster, **common) for cluster in clusters]
        if "链主" in tags:
            items += [Leads(src=node_id, dst=chain, **common) for chain in chains]
        if any(not isinstance(item, Enterprise) for item in items):
            state.needs_reference = True
        state.index.add(node_id, name, aliases, code)
        return items

    def _location(self, plan: TablePlan, number: int, values: dict[str, Any], park: list[str],
                  local_given: bool | None) -> Location:
        """Country and province in canonical form (中国大陆 → 中国, 江西 → 江西省); a district in
        Nanchang matched to the plan's; local when the row says so, else when it is in a park, a
        district of the plan or 南昌 (and then in 江西省 南昌市)."""
        catalogue = self.context.catalogue
        country = canonical_country(cell_text(values.get("country")) or CHINA)
        province, city = cell_text(values.get("province")), cell_text(values.get("city"))
        province = canonical_province(province) if province else None
        district = cell_text(values.get("district"))
        in_nanchang_city = city is None or "南昌" in city
        district_place = None
        if district and in_nanchang_city and country == CHINA and province in (None, JIANGXI):
            district_place, close = catalogue.resolve("park", district)
            if district_place is not None:  # the plan's name: 南昌市南昌县 and 红谷滩新区 are stored as 南昌县, 红谷滩区
                district = catalogue.name("park", district_place)
            if district_place is None and (local_given or city):
                hint = f"；最接近：{'、'.join(close)}" if close else ""
                self.context.problem(plan, number, "district", f"所在区县“{district}”不在规划的区县/开发区中{hint}",
                                     district, "警告")
        local = local_given if local_given is not None else bool(
            park or district_place or (city is not None and "南昌" in city)
        )
        if local:
            province = province or JIANGXI
            city = city or NANCHANG
            if not district and park:
                district = catalogue.district_of(park[0])
        return Location(country, province, city, district, district_place, local)

    def _check_chains(self, plan: TablePlan, number: int, values: dict[str, Any], chains: list[str],
                      products: list[str], clusters: list[str], tags: list[str]) -> None:
        """Products of other chains and chains without their products are warned of; a 链主 needs its chain."""
        problem = self.context.problem
        if chains and products and not any(self.context.catalogue.product_chains[p] & set(chains) for p in products):
            problem(plan, number, "products", "主营产品都不属于所填的产业链，请核对", values.get("products"), "警告")
        if chains and not products and not cell_text(values.get("products")) and not clusters and "链主" not in tags:
            problem(
                plan, number, "chains",
                "填写了所属产业链但没有该链的主营产品，也不是链主或集群成员：企业不会出现在该链的图谱中", None, "警告",
            )
        if "链主" in tags and not chains:
            problem(plan, number, "chains", "标签为链主的企业须填写所属产业链（链主关系指向产业链）", None)

"""A row of supply relations (供应关系) → one SUPPLIES relationship between two known enterprises.

供应方 and 采购方 are found by credit code first (in the batch, then in the store), else by
normalised name or alias; a name that fits several firms or none is an error (with the closest
names for the first ``MAX_SUGGESTED`` of them). Shares of one customer's product adding up to more
than 100 % are warned of.

>>> from loaders.catalogue import Catalogue
>>> from loaders.report import ImportReport
>>> from loaders.table_plans import plan_tables
>>> from loaders.tabular import Table
>>> report = ImportReport()
>>> [plan] = plan_tables([Table("供应.csv", None, ["供应方", "采购方", "产品", "占比"], lambda: iter([]))],
...                      report, None, None)
>>> context = RowContext(None, Catalogue.from_reference(), report, check=True)
>>> context.state.index.add("ent:a", "南昌甲有限公司")
>>> context.state.index.add("ent:b", "南昌乙有限公司")
>>> [link] = SupplyRows(context).build(plan, 2, {"supplier": "南昌甲", "customer": "南昌乙有限公司", "share": "30%"})
>>> link.src, link.dst, link.share, link.confidence
('ent:a', 'ent:b', 0.3, 'reported')
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from graph_schema import Supplies
from loaders.cells import cell_bool, cell_confidence, cell_credit_code, cell_dates, cell_number, cell_share, cell_text, looks_like_code, name_text
from loaders.enterprise_index import closest_names
from loaders.names import normalise_name
from loaders.row_context import RowContext
from loaders.table_plans import TablePlan

MAX_SUGGESTED = 200  # fuzzy suggestions for the first unmatched references only; the rest just say "not found"


class SupplyRows:
    """Builds the SUPPLIES relationship of supply-relation rows, in the context of one pass over a batch."""

    def __init__(self, context: RowContext) -> None:
        self.context = context

    def build(self, plan: TablePlan, number: int, values: dict[str, Any]) -> list[Supplies]:
        """The relationship of one row, or nothing; the caller drops it when the row has an error."""
        context, state = self.context, self.context.state
        source, as_of = context.provenance(plan, number, values)
        src = self._party(plan, number, "supplier", "supplier_code", values, "供应方")
        dst = self._party(plan, number, "customer", "customer_code", values, "采购方")
        product = None
        product_text = cell_text(values.get("product"))
        if product_text:
            found = context.references(plan, number, "product", "product", product_text)
            product = found[0] if found else None
        elif context.check:
            state.missing_product_rows[(plan.table.file, plan.table.sheet)] += 1
        amount = cell_number(values.get("amount_wan"), context.on_cell(plan, number, "amount_wan"), low=0, unit="万元")
        share = cell_share(values.get("share"), context.on_cell(plan, number, "share"), plan.columns.get("share", ""))
        combined = values.get("amount_or_share")
        if cell_text(combined):
            complain = context.on_cell(plan, number, "amount_or_share")
            if "%" in str(combined):
                if share is None:
                    share = cell_share(combined, complain, plan.columns.get("amount_or_share", ""))
            elif amount is None:
                amount = cell_number(combined, complain, low=0)
        confidence = cell_confidence(values.get("confidence"), context.on_cell(plan, number, "confidence"))
        synthetic = bool(cell_bool(values.get("synthetic"), context.on_cell(plan, number, "synthetic")))
        seen = cell_dates(values.get("seen"), context.on_cell(plan, number, "seen"))
        if src is None or dst is None or context.row_errors:
            return []
        if src == dst:
            context.problem(plan, number, "customer", "供应方与采购方是同一企业", cell_text(values.get("customer")))
            return []
        key = (src, dst, product or "")
        previous = state.seen_supplies.get(key)
        if previous is not None:
            context.problem(plan, number, "supplier", f"与第{previous}行重复（供应方、采购方、产品都相同）",
                            cell_text(values.get("supplier")))
            return []
        state.seen_supplies[key] = number
        if share is not None and product:
            total = state.shares[(dst, product)] = state.shares[(dst, product)] + share
            if total > 1.0001:
                context.problem(plan, number, "share", f"采购方该产品的占比合计已达 {total:.0%}，超过 100%",
                                values.get("share"), "警告")
        try:
            rel = Supplies(src=src, dst=dst, product=product, amount_wan=amount, share=share,
                           confidence=confidence, source=source, as_of=as_of, synthetic=synthetic,
                           seen=seen, listing=cell_text(values.get("listing")))
        except ValidationError as exc:
            context.model_errors(plan, number, exc, values)
            return []
        if product:
            state.needs_reference = True
        return [rel]

    def _party(self, plan: TablePlan, number: int, name_field: str, code_field: str, values: dict[str, Any],
               role: str) -> str | None:
        """The id of the 供应方 or 采购方 a row names, by credit code, else by name; None after a problem."""
        context, store_index = self.context, self.context.store_index
        name = name_text(values.get(name_field))
        code_text = cell_text(values.get(code_field))
        if code_text is None and name and looks_like_code(name):
            code_text, name = name.upper(), None
        if not name and not code_text:
            context.problem(plan, number, name_field, f"{role}为必填项（企业名称或统一社会信用代码）")
            return None
        if code_text:
            field_name = code_field if cell_text(values.get(code_field)) else name_field
            code = cell_credit_code(code_text, context.on_cell(plan, number, field_name))
            if code is None:
                return None
            found = context.state.index.id_of_code(code) or store_index.ensure().id_of_code(code)
            if found is None and context.store.get_node(code) is not None:
                found = code
            if found:
                return found
            if not name:
                context.problem(plan, number, field_name,
                                f"{role}统一社会信用代码 {code} 不在本次导入的企业名录中，库中也没有", code)
                return None
        assert name is not None
        key = normalise_name(name)
        ids = set(context.state.index.ids(key)) | set(store_index.ensure().ids(key))
        if len(ids) == 1:
            return ids.pop()
        if ids:
            listed = "、".join(f"{self._display(i)}（{i}）" for i in sorted(ids)[:5])
            context.problem(plan, number, name_field, f"{role}“{name}”对应多家企业：{listed}；请填写{role}信用代码以区分",
                            name)
            return None
        hint = ""
        if context.check and context.state.suggested < MAX_SUGGESTED:
            context.state.suggested += 1
            close = closest_names(key, (context.state.index, store_index))
            hint = f"；最接近：{'、'.join(close)}" if close else ""
        context.problem(plan, number, name_field, f"{role}“{name}”找不到对应企业（本次导入的企业名录和库中都没有）{hint}",
                        name)
        return None

    def _display(self, node_id: str) -> str:
        return (self.context.state.index.display.get(node_id) or self.context.store_index.display.get(node_id)
                or node_id)

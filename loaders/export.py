"""Export the graph (or one chain's part of it) as CSV, XLSX, JSON or GraphML.

CSV, XLSX and JSON hold the two importable tables — 企业名录 and 供应关系 — with the same headers
the importer reads, so an export can be edited and imported again. GraphML holds the whole
property graph for Gephi: list properties are joined with ``、``, the node's name is its ``label``
(what Gephi shows) and the node label (Enterprise, Product …) is ``node_type``, so a chain's or
park's own ``kind`` (新兴/特色, 区县/开发区/…) is kept.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from loaders.fields import ENTERPRISE_FIELDS, SUPPLY_FIELDS, Field
from loaders.spreadsheet_cells import csv_cell
from loaders.spreadsheet_layout import write_sheet
from stores.base import GraphStore

ExportFormat = Literal["csv", "xlsx", "graphml", "json"]
_ENTERPRISE_COLUMNS = [f for f in ENTERPRISE_FIELDS]
_SUPPLY_COLUMNS = [f for f in SUPPLY_FIELDS if f.name != "amount_or_share"]
_CONFIDENCE_ZH = {"verified": "已核实", "reported": "公开报道", "inferred": "推断"}


def graph_tables(graph: nx.MultiDiGraph) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(enterprise rows, supply rows) keyed by canonical field names, from a projection."""
    nodes = graph.nodes
    produces: dict[str, list[str]] = defaultdict(list)
    chains: dict[str, set[str]] = defaultdict(set)
    leads: dict[str, set[str]] = defaultdict(set)
    places: dict[str, list[str]] = defaultdict(list)
    clusters: dict[str, list[str]] = defaultdict(list)
    product_chains: dict[str, set[str]] = defaultdict(set)
    supplies = []
    for src, dst, data in graph.edges(data=True):
        kind = data["type"]
        if kind == "IN_CHAIN":
            product_chains[src].add(nodes[dst].get("name", dst))
        elif kind == "PRODUCES":
            produces[src].append(dst)
        elif kind == "LEADS":
            leads[src].add(nodes[dst].get("name", dst))
        elif kind == "LOCATED_IN" and nodes[src].get("label") == "Enterprise":
            places[src].append(dst)
        elif kind == "MEMBER_OF":
            clusters[src].append(nodes[dst].get("name", dst))
        elif kind == "SUPPLIES":
            supplies.append((src, dst, data))
    enterprises = []
    for node_id, data in sorted(graph.nodes(data=True)):
        if data.get("label") != "Enterprise":
            continue
        products = sorted(produces[node_id])
        for product in products:
            chains[node_id] |= product_chains[product]
        park = next((nodes[p].get("name") for p in places[node_id] if nodes[p].get("kind") != "区县"), None)
        enterprises.append({
            "name": data.get("name"), "credit_code": data.get("credit_code"), "aliases": data.get("aliases") or [],
            "country": data.get("country"), "province": data.get("province"), "city": data.get("city"),
            "district": data.get("district"), "park": park,
            "chains": sorted(chains[node_id] | leads[node_id]),
            "products": [nodes[p].get("name", p) for p in products], "clusters": sorted(clusters[node_id]),
            "revenue_yi": data.get("revenue_yi"), "tags": data.get("tags") or [],
            "local": data.get("local"), "synthetic": data.get("synthetic"), "source": data.get("source"),
            "as_of": data.get("as_of"), "seen": data.get("seen") or [], "listing": data.get("listing"),
        })
    supply_rows = []
    for src, dst, data in sorted(supplies, key=lambda s: (s[0], s[1], s[2].get("product") or "")):
        product = data.get("product")
        supply_rows.append({
            "supplier": nodes[src].get("name", src), "supplier_code": nodes[src].get("credit_code"),
            "customer": nodes[dst].get("name", dst), "customer_code": nodes[dst].get("credit_code"),
            "product": nodes[product].get("name", product) if product in nodes else product,
            "amount_wan": data.get("amount_wan"), "share": data.get("share"),
            "confidence": data.get("confidence"), "synthetic": data.get("synthetic"),
            "source": data.get("source"), "as_of": data.get("as_of"),
            "seen": data.get("seen") or [], "listing": data.get("listing"),
        })
    return enterprises, supply_rows


def _cell(field: Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(item) for item in value) or None
    if field.name == "confidence":
        return _CONFIDENCE_ZH.get(value, value)
    return value


def _sheet(rows: list[dict[str, Any]], columns: list[Field]) -> list[list[Any]]:
    return [[field.header for field in columns]] + [[_cell(field, row.get(field.name)) for field in columns] for row in rows]


def export_graph(store: GraphStore, fmt: ExportFormat, output: str | Path, *, chain: str | None = None) -> list[Path]:
    """Write ``store``'s graph (or ``chain``'s part) in ``fmt``; returns the files written.

    CSV writes two files next to ``output``: ``<stem>_企业名录.csv`` and ``<stem>_供应关系.csv``
    (UTF-8 with BOM, for Excel).
    """
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    graph = store.project(chain)
    if fmt == "graphml":
        nx.write_graphml(gephi_graph(graph), output)
        return [output]
    enterprises, supplies = graph_tables(graph)
    if fmt == "json":
        payload = {"enterprises": [_compact(row) for row in enterprises], "supplies": [_compact(row) for row in supplies]}
        output.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        return [output]
    sheets = {"企业名录": _sheet(enterprises, _ENTERPRISE_COLUMNS), "供应关系": _sheet(supplies, _SUPPLY_COLUMNS)}
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        for title, rows in sheets.items():
            write_sheet(workbook, title, rows[0], rows[1:])
        workbook.save(output)
        return [output]
    if fmt == "csv":
        written = []
        for title, rows in sheets.items():
            path = output.with_name(f"{output.stem}_{title}.csv")
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows([csv_cell(value) for value in row] for row in rows)
            path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
            written.append(path)
        return written
    raise ValueError(f"unknown export format {fmt!r}; use csv, xlsx, graphml or json")


def gephi_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with GraphML-safe attributes: lists joined, None dropped, name as ``label``, label as ``node_type``."""
    out = nx.MultiDiGraph()
    for node_id, data in graph.nodes(data=True):
        attrs = {key: _graphml_value(value) for key, value in data.items() if value is not None}
        attrs["node_type"] = attrs.pop("label", "")
        attrs["label"] = str(data.get("name", node_id))
        out.add_node(node_id, **attrs)
    for src, dst, key, data in graph.edges(keys=True, data=True):
        attrs = {name: _graphml_value(value) for name, value in data.items() if value is not None}
        attrs["label"] = str(data.get("type", ""))
        out.add_edge(src, dst, key=key, **attrs)
    return out


def _graphml_value(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # one GraphML type per attribute: 3000 and 3000.5 are both doubles
    if isinstance(value, (list, tuple, set)):
        return "、".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if value not in (None, [], "")}


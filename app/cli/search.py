"""``chainatlas search``: find chains, products, parks, clusters and enterprises by name.

``register(cli)`` adds it to a Typer app::

    chainatlas search 隔膜                     # 类型, 名称, 所在地/环节 — names only
    chainatlas search 小蓝 --kind park
    chainatlas search 9136… --format json      # with each node's id and the page that shows it

Matches a name or an alias containing the text, or a credit code / id equal to it (the stores'
own search); the exact name first. The names found are what any option naming a node accepts.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

import typer

from app.cli.context import configured_store, fail
from app.readmodel.name_resolver import KIND_NAMES
from app.terminal_table import terminal_table
from app.web.graph_view import node_url

commands = typer.Typer()


class Kind(StrEnum):
    chain = "chain"
    product = "product"
    park = "park"
    cluster = "cluster"
    enterprise = "enterprise"


LABELS = {Kind.chain: "Chain", Kind.product: "Product", Kind.park: "Park", Kind.cluster: "Cluster", Kind.enterprise: "Enterprise"}


class SearchFormat(StrEnum):
    table = "table"
    json = "json"


def register(cli: typer.Typer) -> None:
    """Add ``search`` to ``cli``."""
    cli.add_typer(commands)


def place_of(node: dict[str, Any]) -> str:
    """Where a node is, or where in a chain: an enterprise's city and district (country abroad), a
    product's segment and stage, a park's kind.

    >>> place_of({"label": "Enterprise", "country": "韩国", "province": None})
    '韩国'
    >>> place_of({"label": "Enterprise", "country": "中国", "province": "江西省", "city": "南昌市", "district": "南昌县"})
    '江西省南昌市南昌县'
    >>> place_of({"label": "Product", "segment": "锂电", "stage": "中游"})
    '锂电·中游'
    """
    if node.get("label") == "Enterprise":
        if node.get("country") not in (None, "中国"):
            return str(node["country"])
        return "".join(node.get(key) or "" for key in ("province", "city", "district"))
    if node.get("label") == "Product":
        return "·".join(part for part in (node.get("segment"), node.get("stage")) if part)
    return str(node.get("kind") or "")


@commands.command("search")
def search_command(
    text: str = typer.Argument(..., help="名称、简称、部分名称或统一社会信用代码"),
    kind: list[Kind] = typer.Option([], "--kind", "-k", help="只找这类：chain | product | park | cluster | enterprise（可重复）"),
    limit: int = typer.Option(20, min=1, max=200, help="最多列出几个"),
    fmt: SearchFormat = typer.Option(SearchFormat.table, "--format", "-f", help="table | json（json 含 id 与页面链接）"),
) -> None:
    """按名称查找产业链、产品、园区、集群和企业 / find nodes by name, alias or credit code."""
    labels = [LABELS[one] for one in kind] or None
    with configured_store(needs_data=True) as store:
        found = store.search(text, labels=labels, limit=limit)
    if not found:
        raise fail(f"没有名称或简称含「{text.strip()}」的{'、'.join(KIND_NAMES[label] for label in labels or KIND_NAMES)}", 1)
    if fmt is SearchFormat.json:
        rows: list[dict[str, Any]] = [
            {"类型": KIND_NAMES[node["label"]], "名称": node["name"], "所在地/环节/类别": place_of(node),
             "id": node["id"], "label": node["label"], "url": node_url(node["id"], node["label"])}
            for node in found
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    rows = [{"类型": KIND_NAMES[node["label"]], "名称": node["name"], "所在地/环节/类别": place_of(node),
             "别名": "、".join(node.get("aliases") or ()), "统一社会信用代码": node.get("credit_code") or ""} for node in found]
    typer.echo(terminal_table(_without_empty_columns(rows)), nl=False)


def _without_empty_columns(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    empty = [column for column in rows[0] if not any(row[column] for row in rows)]
    return [{column: value for column, value in row.items() if column not in empty} for row in rows]

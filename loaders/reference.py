"""Load the 8810 plan's reference data and the curated product maps into a store.

The files live in ``data/`` and are versioned with the code: ``data/reference/plan_8810.json``
(chains, clusters, places, actions, each fact with the plan sentence it comes from) and
``data/product_maps/<chain>.json`` (products upstream → downstream with INPUT_TO links).

>>> batch = reference_batch()
>>> sum(1 for node in batch.nodes if node.label == "Chain")
8
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graph_schema import BasedIn, Chain, Cluster, ClusterOf, InChain, InputTo, LocatedIn, Node, Park, Product, Relationship
from graph_schema.errors import SchemaError
from graph_schema.models import BaseRole
from stores.base import GraphStore, WriteBatch

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
PLAN_FILE = DATA_DIR / "reference" / "plan_8810.json"
PRODUCT_MAP_DIR = DATA_DIR / "product_maps"
PLAN_SOURCE = "南昌市制造业重点产业链现代化建设“8810”行动计划(2023-2026年)"


def read_plan(path: Path = PLAN_FILE) -> dict[str, Any]:
    """The plan's reference data as stored in the repository."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def read_product_maps(directory: Path = PRODUCT_MAP_DIR) -> list[dict[str, Any]]:
    """Every chain's curated product map, in file-name order."""
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.json"))]


def reference_batch(plan: dict[str, Any] | None = None, product_maps: list[dict[str, Any]] | None = None) -> WriteBatch:
    """Nodes and relationships for the chains, clusters, places and product maps, validated."""
    plan = read_plan() if plan is None else plan
    product_maps = read_product_maps() if product_maps is None else product_maps
    batch = WriteBatch()
    for order, chain in enumerate(plan["chains"], start=1):
        batch.nodes.append(Chain(
            id=chain["id"], name=chain["name"], kind=chain["kind"], target_2026_yi=chain["target_2026_yi"],
            segments=chain["segments"], plan_order=order, source=PLAN_SOURCE, quote=chain["quote"],
        ))
    park_ids = {place["name"]: place["id"] for place in plan["places"]}
    for place in plan["places"]:
        batch.nodes.append(Park(id=place["id"], name=place["name"], kind=place["kind"], source=PLAN_SOURCE, quote=place["quote"]))
        if place.get("parent"):
            batch.relationships.append(LocatedIn(src=place["id"], dst=place["parent"], source=PLAN_SOURCE))
    for cluster in plan["clusters"]:
        batch.nodes.append(Cluster(
            id=cluster["id"], name=cluster["name"], focus_links=cluster.get("focus_links", []),
            source=PLAN_SOURCE, quote=cluster["quote"],
        ))
        batch.relationships.append(ClusterOf(src=cluster["id"], dst=cluster["chain"], source=PLAN_SOURCE))
        roles: list[tuple[BaseRole, list[str]]] = [  # supporting_role: checked by BasedIn
            ("主阵地", cluster.get("main_districts", [])),
            (cluster.get("supporting_role") or "配套", cluster.get("supporting_districts", [])),
            ("平台", cluster.get("platforms", [])),
        ]
        for role, names in roles:
            for name in names:
                if name not in park_ids:
                    raise SchemaError(f"{PLAN_FILE.name}: cluster {cluster['id']} names unknown place {name!r}")
                batch.relationships.append(BasedIn(src=cluster["id"], dst=park_ids[name], role=role, source=PLAN_SOURCE))
    batch.extend(_product_map_items(product_maps))
    return batch


def _product_map_items(product_maps: list[dict[str, Any]]) -> list[Node | Relationship]:
    items: list[Node | Relationship] = []
    seen_products: dict[str, dict[str, Any]] = {}
    for product_map in product_maps:
        chain_id = product_map["chain"]
        source = f"产品图谱（{product_map.get('provenance', 'curated')}）"
        for product in product_map["products"]:
            if product["id"] not in seen_products:
                seen_products[product["id"]] = product
                items.append(Product(
                    id=product["id"], name=product["name"], segment=product.get("segment"),
                    stage=product.get("stage"), source=source,
                ))
            items.append(InChain(src=product["id"], dst=chain_id, segment=product.get("segment"),
                                 stage=product.get("stage"), source=source))
        for link in product_map["links"]:
            items.append(InputTo(src=link["input"], dst=link["output"], provenance=link.get("provenance", "curated"),
                                 source=source))
    return items


def load_reference(store: GraphStore) -> dict[str, int]:
    """Write the reference data into ``store`` in one transaction; returns the store's counts after."""
    store.write(reference_batch())
    return store.counts()

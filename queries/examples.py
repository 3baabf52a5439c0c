"""A tiny hand-built graph for the analyses' docstring examples and tests (示例数据（虚构）).

Chain ``chain:ev`` 新能源汽车 (target 500 亿元) has seven products::

    锂矿 lithium → 正极材料 cathode → 电芯 cell → 电池包 pack → 整车 vehicle
                                       cell → vehicle, cell → 储能系统 storage, 驱动电机 motor → vehicle

and nine enterprises: 链主 ent:lead (local, makes vehicles), local ent:pack, ent:cell, ent:cell2,
ent:local-cathode; in-province ent:jx-mine; ent:sh-cathode in Shanghai; ent:gd-motor in Guangdong
(makes motors, supplies no one); ent:foreign in Korea.
Chain ``chain:food`` has one product and one local firm, ent:rice, which also supplies ent:lead
(a link that lies outside chain:ev's part of the graph).

>>> graph = example_graph()
>>> graph.number_of_nodes(), graph.number_of_edges()
(24, 45)
"""

from __future__ import annotations

import datetime as dt

import networkx as nx

from graph_schema import BasedIn, Chain, Cluster, ClusterOf, Enterprise, InChain, InputTo, Leads, LocatedIn, MemberOf, Park, Produces, Product, Supplies
from stores.base import WriteBatch, build_graph


def graph_from_batch(batch: WriteBatch) -> nx.MultiDiGraph:
    """The MultiDiGraph a store would project after writing ``batch`` into an empty store.

    >>> graph_from_batch(WriteBatch(nodes=[Chain(id="chain:x", name="甲", kind="新兴")])).nodes["chain:x"]["kind"]
    '新兴'
    """
    nodes = [{"label": node.label, **node.properties(), "id": node.id} for node in batch.nodes]
    rels = [
        {"type": rel.type, "src": rel.src, "dst": rel.dst, "key": rel.key, **rel.properties()}
        for rel in batch.relationships
    ]
    return build_graph(nodes, rels)


def example_batch() -> WriteBatch:
    """The example chain as validated nodes and relationships (write it into any store)."""
    batch = WriteBatch()
    batch.extend([
        Chain(id="chain:ev", name="新能源汽车", kind="新兴", target_2026_yi=500, segments=["动力电池", "整车"]),
        Chain(id="chain:food", name="绿色食品", kind="特色", target_2026_yi=50),
        Product(id="product:lithium", name="锂矿", segment="动力电池", stage="上游"),
        Product(id="product:cathode", name="正极材料", segment="动力电池", stage="中游"),
        Product(id="product:cell", name="电芯", segment="动力电池", stage="中游"),
        Product(id="product:pack", name="电池包", segment="动力电池", stage="中游"),
        Product(id="product:vehicle", name="整车", segment="整车", stage="下游"),
        Product(id="product:storage", name="储能系统", segment="动力电池", stage="下游"),
        Product(id="product:motor", name="驱动电机", segment="整车", stage="中游"),
        Product(id="product:rice", name="大米", stage="上游"),
        Cluster(id="cluster:ev", name="新能源汽车产业集群"),
        Park(id="park:xiaolan", name="小蓝经开区", kind="开发区", district="南昌县"),
        Park(id="park:ev", name="小蓝新能源汽车产业园", kind="园区", district="南昌县"),
        Park(id="park:gaoxin", name="南昌高新区", kind="开发区", district="青山湖区"),
        Enterprise(id="ent:lead", name="南昌汽车（示例）", local=True, province="江西省", district="南昌县",
                   revenue_yi=300, tags=["链主", "上市"], synthetic=True),
        Enterprise(id="ent:pack", name="南昌电池包（示例）", local=True, province="江西省", district="南昌县",
                   revenue_yi=20, synthetic=True),
        Enterprise(id="ent:cell", name="南昌电芯（示例）", local=True, province="江西省", district="南昌县",
                   revenue_yi=30, tags=["专精特新"], synthetic=True),
        Enterprise(id="ent:cell2", name="南昌储能电芯（示例）", local=True, province="江西省", district="新建区",
                   revenue_yi=5, synthetic=True),
        Enterprise(id="ent:local-cathode", name="南昌正极（示例）", local=True, province="江西省",
                   district="青山湖区", revenue_yi=12, tags=["专精特新"], synthetic=True),
        Enterprise(id="ent:jx-mine", name="宜春锂业（示例）", province="江西省", city="宜春市", revenue_yi=40,
                   synthetic=True),
        Enterprise(id="ent:sh-cathode", name="上海正极（示例）", province="上海市", revenue_yi=80,
                   tags=["小巨人", "上市"], synthetic=True),
        Enterprise(id="ent:foreign", name="Korea Cell（示例）", country="韩国", revenue_yi=500, synthetic=True),
        Enterprise(id="ent:gd-motor", name="广东电机（示例）", province="广东省", revenue_yi=15,
                   tags=["专精特新", "高新技术企业"], synthetic=True),
        Enterprise(id="ent:rice", name="南昌米业（示例）", local=True, province="江西省", revenue_yi=3, synthetic=True),
    ])
    products = [
        ("product:lithium", "chain:ev"), ("product:cathode", "chain:ev"), ("product:cell", "chain:ev"),
        ("product:pack", "chain:ev"), ("product:vehicle", "chain:ev"), ("product:storage", "chain:ev"),
        ("product:motor", "chain:ev"),
        ("product:rice", "chain:food"),
    ]
    batch.extend(InChain(src=product, dst=chain) for product, chain in products)
    inputs = [
        ("product:lithium", "product:cathode"), ("product:cathode", "product:cell"), ("product:cell", "product:pack"),
        ("product:pack", "product:vehicle"), ("product:cell", "product:vehicle"), ("product:cell", "product:storage"),
        ("product:motor", "product:vehicle"),
    ]
    batch.extend(InputTo(src=src, dst=dst) for src, dst in inputs)
    makes = [
        ("ent:jx-mine", "product:lithium"), ("ent:local-cathode", "product:cathode"),
        ("ent:sh-cathode", "product:cathode"), ("ent:cell", "product:cell"), ("ent:cell2", "product:cell"),
        ("ent:foreign", "product:cell"), ("ent:pack", "product:pack"), ("ent:lead", "product:vehicle"),
        ("ent:gd-motor", "product:motor"), ("ent:rice", "product:rice"),
    ]
    batch.extend(Produces(src=src, dst=dst) for src, dst in makes)
    batch.extend([
        Supplies(src="ent:jx-mine", dst="ent:local-cathode", product="product:lithium", share=1.0),
        Supplies(src="ent:jx-mine", dst="ent:sh-cathode", product="product:lithium", share=1.0),
        Supplies(src="ent:local-cathode", dst="ent:cell", product="product:cathode", share=0.3, as_of=dt.date(2023, 6, 30)),
        Supplies(src="ent:sh-cathode", dst="ent:cell", product="product:cathode", share=0.7, as_of=dt.date(2023, 6, 30)),
        Supplies(src="ent:cell", dst="ent:pack", product="product:cell", share=1.0, amount_wan=8000),
        Supplies(src="ent:cell", dst="ent:lead", product="product:cell", share=0.5),
        Supplies(src="ent:foreign", dst="ent:lead", product="product:cell", share=0.5),
        Supplies(src="ent:pack", dst="ent:lead", product="product:pack", share=1.0, as_of=dt.date(2024, 6, 30)),
        Supplies(src="ent:sh-cathode", dst="ent:cell2", product="product:cathode", as_of=dt.date(2023, 6, 30)),
        Supplies(src="ent:rice", dst="ent:lead", product="product:rice"),
        Leads(src="ent:lead", dst="chain:ev"),
        ClusterOf(src="cluster:ev", dst="chain:ev"),
        MemberOf(src="ent:lead", dst="cluster:ev"),
        MemberOf(src="ent:pack", dst="cluster:ev"),
        BasedIn(src="cluster:ev", dst="park:ev", role="主阵地"),
        LocatedIn(src="park:ev", dst="park:xiaolan"),
        LocatedIn(src="ent:lead", dst="park:ev"),
        LocatedIn(src="ent:pack", dst="park:ev"),
        LocatedIn(src="ent:cell", dst="park:xiaolan"),
        LocatedIn(src="ent:local-cathode", dst="park:gaoxin"),
    ])
    return batch


def example_graph() -> nx.MultiDiGraph:
    """The example chain as the MultiDiGraph ``store.project()`` returns."""
    return graph_from_batch(example_batch())


def example_stage_network() -> nx.MultiDiGraph:
    """A small stage network in the shape of Willems (2008): stages as enterprises of unknown place
    (``未知（匿名）``), arcs as SUPPLIES without a product, no chain, no 链主, no local firm::

        part1 → manuf1 → dist1 → retail1
        part2 → manuf1 ,  part2 → manuf2 → dist1,  manuf2 → retail2

    >>> from queries.risks import chokepoints
    >>> report = chokepoints(example_stage_network())
    >>> report.final_stages, report.targets
    (True, ('ent:stage-retail1', 'ent:stage-retail2'))
    """
    batch = WriteBatch()
    stages = ("part1", "part2", "manuf1", "manuf2", "dist1", "retail1", "retail2")
    batch.extend(
        Enterprise(id=f"ent:stage-{stage}", name=f"示例阶段·{stage}", country="未知（匿名）", synthetic=True) for stage in stages
    )
    arcs = [("part1", "manuf1"), ("part2", "manuf1"), ("part2", "manuf2"), ("manuf1", "dist1"), ("manuf2", "dist1"),
            ("dist1", "retail1"), ("manuf2", "retail2")]
    batch.extend(Supplies(src=f"ent:stage-{src}", dst=f"ent:stage-{dst}") for src, dst in arcs)
    return graph_from_batch(batch)

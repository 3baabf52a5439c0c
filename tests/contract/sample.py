"""A small hand-built graph used by the contract suite."""

from __future__ import annotations

from graph_schema import BasedIn, Chain, Cluster, ClusterOf, Enterprise, InChain, InputTo, Leads, LocatedIn, MemberOf, Park, Produces, Product, Supplies
from stores.base import WriteBatch

LEAD_CODE = "91360100MA35GWXY5H"


def sample_batch() -> WriteBatch:
    """Chain 新能源 with three products, four firms, one cluster and two parks."""
    batch = WriteBatch()
    batch.extend([
        Chain(id="chain:new-energy", name="新能源", kind="新兴", target_2026_yi=1000, segments=["锂电", "光伏"]),
        Chain(id="chain:aviation", name="航空", kind="新兴", target_2026_yi=1600),
        Product(id="product:lithium-carbonate", name="碳酸锂", segment="锂电", stage="上游"),
        Product(id="product:cathode", name="正极材料", segment="锂电", stage="中游"),
        Product(id="product:cell", name="储能电芯", segment="锂电", stage="下游"),
        Product(id="product:airframe", name="机体结构件", stage="中游"),
        Cluster(id="cluster:storage", name="新型储能产业集群"),
        Park(id="park:xiaolan", name="小蓝经开区", kind="开发区"),
        Park(id="park:ev-park", name="小蓝新能源产业园", kind="园区"),
        Enterprise(id="ent:mine", name="宜春锂矿（示例）有限公司", province="江西省", city="宜春市", synthetic=True),
        Enterprise(
            id=LEAD_CODE, name="南昌储能科技股份有限公司", aliases=["南储科技"], province="江西省", city="南昌市",
            district="南昌县", local=True, revenue_yi=120.5, tags=["链主", "上市"], synthetic=True,
        ),
        Enterprise(id="ent:cathode", name="南昌正极材料有限公司", province="江西省", city="南昌市", local=True,
                   revenue_yi=12.0, tags=["专精特新"], synthetic=True),
        Enterprise(id="ent:foreign", name="Foreign Cathode Co.", country="韩国", synthetic=True),
        Enterprise(id="ent:aero", name="南昌航空部件有限公司", local=True, synthetic=True),
    ])
    batch.extend([
        InChain(src="product:lithium-carbonate", dst="chain:new-energy", segment="锂电", stage="上游"),
        InChain(src="product:cathode", dst="chain:new-energy", segment="锂电", stage="中游"),
        InChain(src="product:cell", dst="chain:new-energy", segment="锂电", stage="下游"),
        InChain(src="product:airframe", dst="chain:aviation"),
        InputTo(src="product:lithium-carbonate", dst="product:cathode"),
        InputTo(src="product:cathode", dst="product:cell"),
        Produces(src="ent:mine", dst="product:lithium-carbonate"),
        Produces(src="ent:cathode", dst="product:cathode"),
        Produces(src="ent:foreign", dst="product:cathode"),
        Produces(src=LEAD_CODE, dst="product:cell"),
        Produces(src="ent:aero", dst="product:airframe"),
        Supplies(src="ent:mine", dst="ent:cathode", product="product:lithium-carbonate", share=1.0, confidence="inferred"),
        Supplies(src="ent:cathode", dst=LEAD_CODE, product="product:cathode", share=0.6, amount_wan=3000),
        Supplies(src="ent:foreign", dst=LEAD_CODE, product="product:cathode", share=0.4),
        Leads(src=LEAD_CODE, dst="chain:new-energy"),
        ClusterOf(src="cluster:storage", dst="chain:new-energy"),
        MemberOf(src=LEAD_CODE, dst="cluster:storage"),
        BasedIn(src="cluster:storage", dst="park:xiaolan", role="主阵地"),
        LocatedIn(src=LEAD_CODE, dst="park:ev-park"),
        LocatedIn(src="park:ev-park", dst="park:xiaolan"),
    ])
    return batch

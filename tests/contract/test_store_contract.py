"""ONE contract suite, run against both stores (the ``store`` fixture is parametrized)."""

from __future__ import annotations

import networkx as nx
import pytest

from graph_schema import Chain, Enterprise, Facility, HasSite, Produces, Product, Supplies
from graph_schema.errors import MissingEndpointError, SchemaError
from queries.chains import chain_scope
from queries.view import chain_view
from stores.base import GraphStore, NeighbourhoodQuery, WriteBatch
from tests.contract.sample import LEAD_CODE, sample_batch


def load(store: GraphStore) -> None:
    store.write(sample_batch())


def test_store_satisfies_protocol(store: GraphStore) -> None:
    assert isinstance(store, GraphStore)


def test_ensure_schema_is_idempotent(store: GraphStore) -> None:
    store.ensure_schema()
    store.ensure_schema()
    assert set(store.counts().values()) == {0}


def test_write_then_get_returns_properties(store: GraphStore) -> None:
    load(store)
    lead = store.get_node(LEAD_CODE)
    assert lead["label"] == "Enterprise"
    assert lead["name"] == "南昌储能科技股份有限公司"
    assert lead["credit_code"] == LEAD_CODE
    assert lead["tags"] == ["链主", "上市"]
    assert lead["revenue_yi"] == pytest.approx(120.5)
    assert lead["local"] is True and lead["synthetic"] is True
    assert "district" in lead and "as_of" not in lead  # None is never stored
    assert store.get_node("ent:nobody") is None


def test_get_nodes_reads_a_batch_as_get_node(store: GraphStore) -> None:
    load(store)
    wanted = [LEAD_CODE, "ent:cathode", "ent:nobody", "nobody", "product:cell", LEAD_CODE]
    found = store.get_nodes(wanted)
    assert [node["id"] for node in found] == sorted({LEAD_CODE, "ent:cathode", "product:cell"})
    assert found == [store.get_node(node["id"]) for node in found]
    assert store.get_nodes([]) == []


def test_counts_per_label_and_type(store: GraphStore) -> None:
    load(store)
    counts = store.counts()
    assert counts["Enterprise"] == 5 and counts["Product"] == 4 and counts["Chain"] == 2
    assert counts["SUPPLIES"] == 3 and counts["PRODUCES"] == 5 and counts["LOCATED_IN"] == 2
    assert counts["MEMBER_OF"] == 1 and counts["LEADS"] == 1


def test_writing_twice_changes_nothing(store: GraphStore) -> None:
    load(store)
    before = (store.counts(), nx.to_dict_of_dicts(store.project()))
    load(store)
    assert (store.counts(), nx.to_dict_of_dicts(store.project())) == before


def test_upsert_merges_properties(store: GraphStore) -> None:
    load(store)
    store.write(WriteBatch(nodes=[Enterprise(id="ent:cathode", name="南昌正极材料有限公司", revenue_yi=15.0)]))
    node = store.get_node("ent:cathode")
    assert node["revenue_yi"] == pytest.approx(15.0)
    assert node["tags"] == []  # a list set explicitly replaces the old one
    assert node["province"] == "江西省"  # a property left unset is kept


def test_observations_accumulate_and_rewriting_changes_nothing(store: GraphStore) -> None:
    load(store)
    first = WriteBatch(
        nodes=[Enterprise(id="ent:cathode", name="南昌正极材料有限公司", seen=["2021-12-31"], listing="名单")],
        relationships=[Supplies(src="ent:cathode", dst=LEAD_CODE, product="product:cathode", seen=["2021-12-31"],
                                listing="名单")],
    )
    second = WriteBatch(
        nodes=[Enterprise(id="ent:cathode", name="南昌正极材料有限公司", seen=["2020-12-31", "2022-12-31"], listing="名单")],
        relationships=[Supplies(src="ent:cathode", dst=LEAD_CODE, product="product:cathode",
                                seen=["2022-12-31", "2020-12-31"], listing="名单")],
    )
    store.write(first)
    store.write(second)
    expected = {"seen": ["2020-12-31", "2021-12-31", "2022-12-31"], "first_seen": "2020-12-31",
                "last_seen": "2022-12-31", "listing": "名单"}
    node = store.get_node("ent:cathode")
    assert {name: node[name] for name in expected} == expected and node["province"] == "江西省"
    link = store.project()["ent:cathode"][LEAD_CODE]["SUPPLIES:product:cathode"]
    assert {name: link[name] for name in expected} == expected and link["share"] == pytest.approx(0.6)
    before = (store.counts(), nx.to_dict_of_dicts(store.project()))
    store.write(second)  # the same year imported again
    store.write(WriteBatch(nodes=[Enterprise(id="ent:cathode", name="南昌正极材料有限公司", revenue_yi=3.0)]))
    node = store.get_node("ent:cathode")
    assert node["seen"] == expected["seen"] and node["last_seen"] == "2022-12-31"  # a write without seen keeps them
    assert nx.to_dict_of_dicts(store.project()) == before[1]


def test_facilities_hang_off_their_firm_and_stay_out_of_default_search(store: GraphStore) -> None:
    load(store)
    store.write(WriteBatch(
        nodes=[Facility(id="site:cathode-1", name="正极材料厂区 南昌", country="中国", province="江西省", seen=["2022-12-31"])],
        relationships=[HasSite(src="ent:cathode", dst="site:cathode-1")],
    ))
    store.write(WriteBatch(nodes=[Facility(id="site:cathode-1", name="正极材料厂区 南昌", seen=["2021-12-31"])]))
    site = store.get_node("site:cathode-1")
    assert site["label"] == "Facility" and site["seen"] == ["2021-12-31", "2022-12-31"] and site["province"] == "江西省"
    assert store.counts()["Facility"] == 1 and store.counts()["HAS_SITE"] == 1
    found = store.search("正极材料")
    assert found and all(n["label"] != "Facility" for n in found)
    assert [n["id"] for n in store.search("正极材料厂区", labels=["Facility"])] == ["site:cathode-1"]
    assert store.project().has_edge("ent:cathode", "site:cathode-1")


def test_parallel_supplies_are_told_apart_by_product(store: GraphStore) -> None:
    load(store)
    store.write(WriteBatch(
        nodes=[Product(id="product:anode", name="负极材料")],
        relationships=[Produces(src="ent:cathode", dst="product:anode"),
                       Supplies(src="ent:cathode", dst=LEAD_CODE, product="product:anode")],
    ))
    graph = store.project()
    assert set(graph[ "ent:cathode"][LEAD_CODE]) == {"SUPPLIES:product:cathode", "SUPPLIES:product:anode"}
    store.write(WriteBatch(relationships=[Supplies(src="ent:cathode", dst=LEAD_CODE, product="product:anode", share=0.2)]))
    assert store.counts()["SUPPLIES"] == 4
    edge = store.project()["ent:cathode"][LEAD_CODE]["SUPPLIES:product:anode"]
    assert edge["share"] == pytest.approx(0.2) and edge["confidence"] == "reported"


def test_relationship_to_missing_node_writes_nothing(store: GraphStore) -> None:
    load(store)
    before = store.counts()
    batch = WriteBatch(
        nodes=[Enterprise(id="ent:new", name="新企业")],
        relationships=[Supplies(src="ent:new", dst="ent:ghost", product="product:cell")],
    )
    with pytest.raises(MissingEndpointError, match="ent:ghost"):
        store.write(batch)
    assert store.counts() == before
    assert store.get_node("ent:new") is None


def test_delete_nodes_removes_their_relationships(store: GraphStore) -> None:
    load(store)
    assert store.delete_nodes(["ent:foreign", "ent:absent"]) == 1
    counts = store.counts()
    assert counts["Enterprise"] == 4 and counts["SUPPLIES"] == 2 and counts["PRODUCES"] == 4
    assert store.get_node("ent:foreign") is None


def test_search_finds_chinese_substrings_aliases_and_codes(store: GraphStore) -> None:
    load(store)
    assert [n["id"] for n in store.search("正极")] == ["product:cathode", "ent:cathode"]
    assert [n["id"] for n in store.search("储能")] == ["product:cell", "cluster:storage", LEAD_CODE]
    assert [n["id"] for n in store.search("南储")] == [LEAD_CODE]
    assert [n["id"] for n in store.search(LEAD_CODE)] == [LEAD_CODE]
    assert [n["id"] for n in store.search("南昌", labels=["Enterprise"], limit=2)] == ["ent:cathode", "ent:aero"]
    assert store.search("  ") == [] and store.search("不存在的名字") == []


def test_search_treats_query_text_as_data(store: GraphStore) -> None:
    load(store)
    hostile = "x' OR 1=1 --\"}) MATCH (n) DETACH DELETE n //"
    store.write(WriteBatch(nodes=[Enterprise(id="ent:hostile", name=hostile)]))
    assert [n["id"] for n in store.search(hostile)] == ["ent:hostile"]
    assert store.search("%") == [] and store.search("_") == []
    assert store.counts()["Enterprise"] == 6


def test_unknown_label_is_refused(store: GraphStore) -> None:
    with pytest.raises(SchemaError):
        store.list_nodes("Enterprise) DETACH DELETE (n")
    with pytest.raises(SchemaError):
        store.neighbourhood(NeighbourhoodQuery([LEAD_CODE], rel_types=["SUPPLIES]->() DELETE r//"]))


def test_list_nodes_pages_by_id(store: GraphStore) -> None:
    load(store)
    ids = [n["id"] for n in store.list_nodes("Enterprise")]
    assert ids == sorted(ids) and len(ids) == 5
    assert [n["id"] for n in store.list_nodes("Enterprise", limit=2, offset=1)] == ids[1:3]


def test_neighbourhood_depth_direction_and_filters(store: GraphStore) -> None:
    load(store)
    one = store.neighbourhood(NeighbourhoodQuery([LEAD_CODE], depth=1, rel_types=["SUPPLIES"]))
    assert {n["id"] for n in one.nodes} == {LEAD_CODE, "ent:cathode", "ent:foreign"}
    assert len(one.relationships) == 2 and not one.truncated
    two = store.neighbourhood(NeighbourhoodQuery([LEAD_CODE], depth=2, rel_types=["SUPPLIES"], direction="in"))
    assert {n["id"] for n in two.nodes} == {LEAD_CODE, "ent:cathode", "ent:foreign", "ent:mine"}
    downstream = store.neighbourhood(NeighbourhoodQuery(["ent:mine"], depth=3, rel_types=["SUPPLIES"], direction="out"))
    assert {n["id"] for n in downstream.nodes} == {"ent:mine", "ent:cathode", LEAD_CODE}
    only_firms = store.neighbourhood(NeighbourhoodQuery([LEAD_CODE], depth=2, labels=["Enterprise"]))
    assert {n["label"] for n in only_firms.nodes} == {"Enterprise"}
    assert {n["id"] for n in only_firms.nodes} == {LEAD_CODE, "ent:cathode", "ent:foreign", "ent:mine"}
    capped = store.neighbourhood(NeighbourhoodQuery([LEAD_CODE], depth=3, max_nodes=3))
    assert len(capped.nodes) == 3 and capped.truncated
    assert store.neighbourhood(NeighbourhoodQuery(["ent:absent"], depth=2)).nodes == []


def test_project_whole_graph(store: GraphStore) -> None:
    load(store)
    graph = store.project()
    assert graph.number_of_nodes() == 14 and graph.number_of_edges() == 20
    assert graph.nodes["product:cathode"]["label"] == "Product"
    edge = graph["ent:cathode"][LEAD_CODE]["SUPPLIES:product:cathode"]
    assert edge["type"] == "SUPPLIES" and edge["amount_wan"] == pytest.approx(3000)


def test_project_one_chain(store: GraphStore) -> None:
    load(store)
    graph = store.project("chain:new-energy")
    assert set(graph) == {
        "chain:new-energy", "product:lithium-carbonate", "product:cathode", "product:cell", "cluster:storage",
        "ent:mine", "ent:cathode", "ent:foreign", LEAD_CODE, "park:ev-park", "park:xiaolan",
    }
    assert "ent:aero" not in graph and "product:airframe" not in graph
    assert graph.number_of_edges() == 18
    assert store.project("chain:absent").number_of_nodes() == 0


def test_project_keeps_what_the_in_memory_view_scopes(store: GraphStore) -> None:
    """One chain-membership rule: a store's projection of a chain holds the nodes the analyses scope."""
    load(store)
    whole = store.project()
    for chain in ("chain:new-energy", "chain:aviation"):
        kept = set(store.project(chain))
        view = chain_view(whole, chain)
        assert kept == chain_scope(whole, chain) == view.nodes
        assert set(view.enterprises) == {node for node in kept if whole.nodes[node]["label"] == "Enterprise"}
    assert set(store.project("chain:aviation")) == {"chain:aviation", "product:airframe", "ent:aero"}


def test_both_stores_project_identically(both_stores: dict[str, GraphStore]) -> None:
    graphs = {}
    for kind, store in both_stores.items():
        store.write(sample_batch())
        graphs[kind] = (store.project(), store.project("chain:new-energy"))
    for embedded, neo4j in zip(graphs["embedded"], graphs["neo4j"], strict=True):
        assert dict(embedded.nodes(data=True)) == dict(neo4j.nodes(data=True))
        assert sorted(embedded.edges(keys=True, data=True), key=repr) == sorted(neo4j.edges(keys=True, data=True), key=repr)


def test_revision_grows_with_every_change(store: GraphStore) -> None:
    start = store.revision()
    load(store)
    after_write = store.revision()
    store.delete_nodes(["ent:foreign"])
    after_delete = store.revision()
    store.clear()
    assert start < after_write < after_delete < store.revision()
    assert set(store.counts().values()) == {0}


def test_bulk_load_writes_batches_visibly_and_atomically(store: GraphStore) -> None:
    batch = sample_batch()
    with store.bulk_load(expected_items=1_000_000):
        store.write(WriteBatch(nodes=batch.nodes))
        assert store.get_node(LEAD_CODE)["name"] == "南昌储能科技股份有限公司"  # visible inside the context
        dangling = Supplies(src=LEAD_CODE, dst="ent:nobody", product="product:cell")
        with pytest.raises(MissingEndpointError):
            store.write(WriteBatch(relationships=[*batch.relationships, dangling]))
        assert store.counts()["SUPPLIES"] == 0  # the failed batch wrote nothing
        store.write(WriteBatch(relationships=batch.relationships))
    assert store.counts()["SUPPLIES"] == 3
    around = store.neighbourhood(NeighbourhoodQuery([LEAD_CODE], depth=1, rel_types=["SUPPLIES"]))
    assert {node["id"] for node in around.nodes} >= {LEAD_CODE}
    assert around.relationships  # lookups by relationship end work after the context


def test_bulk_load_restores_indexes_after_an_error(store: GraphStore) -> None:
    with pytest.raises(RuntimeError), store.bulk_load(expected_items=1_000_000):
        load(store)
        raise RuntimeError("stop half-way")
    assert store.counts()["SUPPLIES"] == 3
    assert store.neighbourhood(NeighbourhoodQuery([LEAD_CODE], depth=1, rel_types=["SUPPLIES"])).relationships


def test_later_duplicate_in_one_batch_wins(store: GraphStore) -> None:
    first = Enterprise(id="ent:twice", name="南昌重复企业", revenue_yi=1.0)
    later = Enterprise(id="ent:twice", name="南昌重复企业", revenue_yi=2.0, credit_code=LEAD_CODE, district="红谷滩区")
    store.write(WriteBatch(nodes=[first, later, Chain(id="chain:z", name="链", kind="新兴")]))
    node = store.get_node("ent:twice")
    assert node["revenue_yi"] == pytest.approx(2.0) and node["district"] == "红谷滩区"
    assert node["credit_code"] == LEAD_CODE


@pytest.mark.parametrize("odd_id", ["nobody", "foo:bar", "", "91360100ma35gwxy5h"])
def test_ids_with_no_known_prefix_name_no_node(store: GraphStore, odd_id: str) -> None:
    load(store)
    before = store.counts()
    assert store.get_node(odd_id) is None
    assert store.neighbourhood(NeighbourhoodQuery([odd_id], depth=2)).nodes == []
    assert store.project(odd_id).number_of_nodes() == 0
    assert store.delete_nodes([odd_id, "ent:nobody"]) == 0
    assert store.counts() == before


def test_no_relationship_types_means_only_the_start_nodes(store: GraphStore) -> None:
    load(store)
    sub = store.neighbourhood(NeighbourhoodQuery([LEAD_CODE], depth=2, rel_types=[]))
    assert [n["id"] for n in sub.nodes] == [LEAD_CODE] and sub.relationships == []


def test_a_label_named_twice_finds_each_node_once(store: GraphStore) -> None:
    load(store)
    once = [n["id"] for n in store.search("正极", labels=["Product"])]
    assert once and [n["id"] for n in store.search("正极", labels=["Product", "Product"])] == once


def test_negative_limits_and_offsets_are_refused(store: GraphStore) -> None:
    load(store)
    for call in (lambda: store.list_nodes("Product", limit=-1), lambda: store.list_nodes("Product", offset=-1),
                 lambda: store.search("正极", limit=-1)):
        with pytest.raises(ValueError, match="must not be negative"):
            call()

"""Contract: ``store.analysis_columns`` reads what ``store.project`` holds, restricted to the fields the
analyses use, in both stores — the stores' own readings against the reference over their primitives."""

from __future__ import annotations

from typing import Any

import pytest

from graph_schema import Chain, Enterprise, Facility, HasSite, LocatedIn, Park, Produces, Supplies
from stores.analysis_columns import COLUMNS, AnalysisColumns
from stores.base import GraphStore, WriteBatch
from tests.contract.sample import LEAD_CODE, sample_batch

CHAINS = (None, "chain:new-energy", "chain:aviation", "chain:absent")


def observed_batch() -> WriteBatch:
    """Observations, a facility and a supply without share or product beside the sample."""
    return WriteBatch(
        nodes=[Enterprise(id="ent:cathode", name="南昌正极材料有限公司", seen=["2021-12-31", "2022-12-31"], listing="名单",
                          local=True, province="江西省", revenue_yi=12.0, tags=["专精特新"]),
               Facility(id="site:cathode-1", name="南昌工厂", province="江西省", city="南昌市", seen=["2022-12-31"], listing="名单")],
        relationships=[Supplies(src="ent:foreign", dst="ent:cathode", seen=["2022-12-31"], listing="名单", amount_wan=0),
                       HasSite(src="ent:cathode", dst="site:cathode-1")],
    )


def load(store: GraphStore) -> None:
    store.write(sample_batch())
    store.write(observed_batch())


def normalised(columns: AnalysisColumns) -> tuple[list[Any], list[Any]]:
    """Records in a fixed order, lists as tuples (a store may hand back either)."""
    nodes, rels = columns.records()

    def plain(record: dict[str, Any]) -> dict[str, Any]:
        return {key: tuple(value) if isinstance(value, list) else value for key, value in record.items()}

    return (sorted((plain(node) for node in nodes), key=lambda n: n["id"]),
            sorted((plain(rel) for rel in rels), key=lambda r: (r["type"], r["src"], r["dst"], r["key"])))


def from_projection(store: GraphStore, chain: str | None) -> tuple[list[Any], list[Any]]:
    """The projection's nodes and relationships with only the fields ``COLUMNS`` names (all of the rest)."""
    graph = store.project(chain)
    nodes = []
    for node, attrs in graph.nodes(data=True):
        names = COLUMNS.get(attrs["label"])
        kept = {k: v for k, v in attrs.items() if k != "label" and (names is None or k in names)}
        nodes.append({"id": node, "label": attrs["label"], **kept})
    rels = []
    for src, dst, key, data in graph.edges(keys=True, data=True):
        names = COLUMNS.get(data["type"])
        kept = {k: v for k, v in data.items() if k != "type" and (names is None or k in names)}
        rels.append({"type": data["type"], "src": src, "dst": dst, "key": key.partition(":")[2], **kept})
    columns = AnalysisColumns([], {}, {})
    columns.records = lambda: (nodes, rels)  # type: ignore[method-assign]
    return normalised(columns)


@pytest.mark.parametrize("chain", CHAINS)
def test_columns_hold_what_the_projection_holds(store: GraphStore, chain: str | None) -> None:
    load(store)
    own = normalised(store.analysis_columns(chain))
    assert own == normalised(GraphStore.analysis_columns(store, chain))  # the reference over the primitives
    assert own == from_projection(store, chain)


def test_columns_read_fields_not_the_whole_node(store: GraphStore) -> None:
    load(store)
    columns = store.analysis_columns()
    firms = columns.nodes["Enterprise"]
    lead = firms.ids.index(LEAD_CODE)
    assert set(firms.fields) == set(COLUMNS["Enterprise"])  # no aliases, credit code, source …
    assert (firms.fields["local"][lead], firms.fields["revenue_yi"][lead], tuple(firms.fields["tags"][lead])) == (True, 120.5, ("链主", "上市"))
    assert columns.ids[firms.start + lead] == LEAD_CODE
    supplies = columns.rels["SUPPLIES"]
    ends = [(columns.ids[s], columns.ids[d]) for s, d in zip(supplies.src, supplies.dst, strict=True)]
    observed = ends.index(("ent:foreign", "ent:cathode"))
    assert supplies.keys[observed] == "" and supplies.fields["product"][observed] is None
    assert tuple(supplies.fields["seen"][observed]) == ("2022-12-31",) and supplies.fields["amount_wan"][observed] == 0
    assert columns.nodes["Chain"].fields["props"][0]["name"] in ("航空", "新能源")
    assert store.analysis_columns("chain:absent").ids == []


def test_both_stores_read_the_same_columns(both_stores: dict[str, GraphStore]) -> None:
    found = {}
    for kind, store in both_stores.items():
        load(store)
        found[kind] = [normalised(store.analysis_columns(chain)) for chain in CHAINS]
    assert found["embedded"] == found["neo4j"]


def exact(columns: AnalysisColumns) -> dict[str, Any]:
    """The columns as they are — the nodes' numbering and order, each value with its type (``True`` is
    not ``1``, ``1`` is not ``1.0``, a tuple is not a list) — and each type's relationships as rows of
    ends, key and typed values (in either order: the stores walk them differently)."""

    def typed(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return (type(value).__name__, [typed(item) for item in value])
        if isinstance(value, dict):
            return ("dict", sorted((key, typed(item)) for key, item in value.items()))
        return (type(value).__name__, value)

    def rows(part: Any) -> list[str]:
        return sorted(map(repr, zip(part.src, part.dst, part.keys, *[[typed(v) for v in values] for values in part.fields.values()],
                                    strict=True)))

    return {
        "ids": columns.ids,
        "nodes": {label: (part.start, part.ids, {name: [typed(v) for v in values] for name, values in part.fields.items()})
                  for label, part in columns.nodes.items()},
        "rels": {rel_type: (list(part.fields), rows(part)) for rel_type, part in columns.rels.items()},
    }


def test_both_stores_read_identical_columns(both_stores: dict[str, GraphStore]) -> None:
    """Not only the same records: the same numbering and order of the nodes, the same value types, so
    an analysis cannot tell the stores apart."""
    found = {}
    for kind, store in both_stores.items():
        load(store)
        found[kind] = {chain: exact(store.analysis_columns(chain)) for chain in CHAINS}
    for chain in CHAINS:
        assert found["embedded"][chain] == found["neo4j"][chain], chain
    firms = found["neo4j"][None]["nodes"]["Enterprise"][2]
    assert ("bool", True) in firms["local"] and ("tuple", [("str", "链主"), ("str", "上市")]) in firms["tags"]  # values were compared


def test_a_pending_import_is_not_read_until_published(store: GraphStore) -> None:
    """A chain's scope walked by the store (in SQL, in Cypher) does not follow what an unpublished
    import wrote: a new enterprise producing the chain's product, a new park containing an old one,
    and a new chain."""
    load(store)
    before = {chain: normalised(store.analysis_columns(chain)) for chain in (*CHAINS, "chain:pending")}
    number = store.begin_import("测试导入", "contract", is_live=lambda record: False)
    store.write(WriteBatch(
        nodes=[Enterprise(id="ent:pending", name="待发布企业"), Park(id="park:pending", name="待发布园区", kind="区县"),
               Chain(id="chain:pending", name="待发布链", kind="新兴")],
        relationships=[Produces(src="ent:pending", dst="product:cell"), LocatedIn(src="ent:pending", dst="park:ev-park"),
                       LocatedIn(src="park:xiaolan", dst="park:pending"), Supplies(src="ent:pending", dst=LEAD_CODE, product="product:cell")],
    ), pending=number)
    assert {chain: normalised(store.analysis_columns(chain)) for chain in before} == before
    store.publish_import(number)
    after = store.analysis_columns("chain:new-energy")
    assert {"ent:pending", "park:pending"} <= set(after.ids)
    assert store.analysis_columns("chain:pending").ids == ["chain:pending"]
    assert normalised(after) == normalised(GraphStore.analysis_columns(store, "chain:new-energy"))


def test_a_write_between_the_whole_graphs_statements_is_read_whole(neo4j_store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neo4j reads the whole graph in one statement per label and per relationship type: a write
    (outside an import) landing between them left a relationship whose start was not read (seen in CI:
    KeyError in a background projection). The reading starts again until the revision held still."""
    from stores.neo4j_store import Neo4jStore

    neo4j_store.clear()
    load(neo4j_store)
    read_label = Neo4jStore._add_node_columns
    written: list[str] = []

    def write_after_the_enterprises(builder: Any, label: str, columns: list[list[Any]]) -> None:
        read_label(builder, label, columns)
        if label == "Enterprise" and not written:
            written.append(label)
            neo4j_store.write(WriteBatch(nodes=[Enterprise(id="ent:late", name="后写入企业")],
                                         relationships=[Supplies(src="ent:late", dst=LEAD_CODE, product="product:cell")]))

    monkeypatch.setattr(Neo4jStore, "_add_node_columns", staticmethod(write_after_the_enterprises))
    columns = neo4j_store.analysis_columns()
    assert written and "ent:late" in columns.ids
    assert normalised(columns) == normalised(GraphStore.analysis_columns(neo4j_store, None))

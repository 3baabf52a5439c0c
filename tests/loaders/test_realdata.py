"""The real public data sets in ../shared/realdata import through the ordinary pipeline, counts checked.

The data are read from the shared folder (CHAINATLAS_SHARED_DIR or <repo>/../shared), never copied here.
"""

from __future__ import annotations

import pytest

from loaders.names import enterprise_id
from loaders.realdata import APPLE_NAME, import_apple, import_willems, read_apple, read_willems, realdata_path, willems_numbers, willems_tables
from stores.base import GraphStore, NeighbourhoodQuery
from stores.embedded import EmbeddedStore
from tests.loaders.conftest import snapshot


@pytest.fixture(scope="module", autouse=True)
def shared_data_present() -> None:
    try:
        realdata_path("willems2008", "01.csv")
        realdata_path("apple-suppliers", "apple-supplier-list.csv")
    except Exception as exc:  # the tests need the data; they fail, not skip, without it
        pytest.fail(str(exc), pytrace=False)


@pytest.mark.parametrize("number, stages, arcs", [(1, 8, 10), (2, 13, 13), (10, 58, 176), (38, 2025, 16225)])
def test_willems_chain_sizes(number: int, stages: int, arcs: int) -> None:
    chain = read_willems(number)
    assert (len(chain.stages), len(chain.arcs)) == (stages, arcs)


def test_willems_all_chains_total() -> None:
    chains = [read_willems(n) for n in range(1, 39)]
    assert sum(len(c.stages) for c in chains) == 15872 and sum(len(c.arcs) for c in chains) == 43589


def test_willems_chain_imports_into_both_stores(store: GraphStore) -> None:
    report = import_willems(store, [1, 2])
    assert report.ok, report.summary()
    counts = store.counts()
    assert counts["Enterprise"] == 8 + 13 and counts["SUPPLIES"] == 10 + 13
    assert counts["Chain"] == 0  # no product, no reference data needed
    node = store.get_node(enterprise_id("Willems链01·Part_0001"))
    assert node["name"] == "Willems链01·Part_0001" and node["synthetic"] is False
    assert node["source"].startswith("willems2008/01.csv!15；数据来源：S. P. Willems") and "阶段类型 Part" in node["source"]
    assert node["as_of"] == "2008-12-31"
    rels = store.neighbourhood(NeighbourhoodQuery([node["id"]], 1, rel_types=["SUPPLIES"], direction="out")).relationships
    assert {store.get_node(r["dst"])["name"] for r in rels} == {"Willems链01·Manuf_0001", "Willems链01·Manuf_0002"}
    assert {r["source"].split("；")[0] for r in rels} == {"willems2008/01.csv!7", "willems2008/01.csv!8"}
    before = snapshot(store)
    assert import_willems(store, [1, 2]).ok and snapshot(store) == before


def test_willems_largest_chain_imports(tmp_path) -> None:
    store = EmbeddedStore(tmp_path / "w.sqlite")
    store.ensure_schema()
    report = import_willems(store, [38])
    assert report.ok and report.rows_read == 2025 + 16225
    assert store.counts()["Enterprise"] == 2025 and store.counts()["SUPPLIES"] == 16225
    store.close()


def test_willems_tables_go_through_the_ordinary_tables() -> None:
    enterprises, supplies = willems_tables([1])
    assert (enterprises.kind_hint, supplies.kind_hint) == ("enterprises", "supplies")
    assert enterprises.header[0] == "企业名称" and supplies.header[:2] == ["供应方", "采购方"]
    assert willems_numbers("1,3-5") == [1, 3, 4, 5] and willems_numbers(None) is None
    with pytest.raises(ValueError):
        willems_numbers("39")


def test_apple_list_counts_and_matching() -> None:
    data = read_apple()
    assert data.rows == 7558
    by_year = data.suppliers_by_year()
    assert 2019 not in by_year and sorted(by_year) == [2012, 2013, 2014, 2015, 2016, 2017, 2018, 2020, 2021, 2022]
    assert all(180 <= count <= 205 for count in by_year.values())
    spellings = sum(len(s.spellings) for s in data.suppliers.values())
    # 954 raw names, 940 once line breaks inside names are folded → fewer than 500 suppliers
    assert spellings == 940 and len(data.suppliers) < 500
    # the "(continued)" rows of 2020 join their supplier: no extra supplier that year
    idemia = next(s for s in data.suppliers.values() if "IDEMIA Group (continued)" in s.spellings)
    assert "IDEMIA Group" in idemia.spellings and by_year[2020] == 192
    alps = next(s for s in data.suppliers.values() if "Alps Electric Co., Ltd." in s.spellings)
    assert {"Alps Electric Co Ltd", "Alps Electric Company Limited"} <= set(alps.spellings)
    assert alps.country == "日本"


def test_apple_imports_into_both_stores(store: GraphStore) -> None:
    data = read_apple()
    report = import_apple(store)
    assert report.ok, report.summary()
    counts = store.counts()
    assert counts["Enterprise"] == len(data.suppliers) + 1 and counts["SUPPLIES"] == len(data.suppliers)
    apple = store.get_node(enterprise_id(APPLE_NAME))
    assert apple["country"] == "美国"
    incoming = store.neighbourhood(NeighbourhoodQuery([apple["id"]], 1, rel_types=["SUPPLIES"], direction="in",
                                                      max_nodes=1000)).relationships
    assert len(incoming) == len(data.suppliers)
    latest = {r["as_of"] for r in incoming}
    assert "2022-12-31" in latest and "2019-12-31" not in latest
    assert sum(r["as_of"] == "2022-12-31" for r in incoming) == data.suppliers_by_year()[2022]
    foxconn = [n for n in store.search("Hon Hai", labels=["Enterprise"])]
    assert foxconn and foxconn[0]["source"].startswith("apple-suppliers/apple-supplier-list.csv!")

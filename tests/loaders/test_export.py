"""Exports: CSV/XLSX/JSON are importable tables, GraphML opens as a graph with string attributes."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from loaders.demo import load_demo
from loaders.export import export_graph
from loaders.importer import import_files
from stores.base import GraphStore
from stores.embedded import EmbeddedStore


def test_export_round_trip_into_a_fresh_store(store: GraphStore, tmp_path: Path) -> None:
    load_demo(store, 500, 21)
    original = store.counts()
    files = export_graph(store, "csv", tmp_path / "demo.csv")
    assert [f.name for f in files] == ["demo_企业名录.csv", "demo_供应关系.csv"]
    fresh = EmbeddedStore(tmp_path / "fresh.sqlite")
    fresh.ensure_schema()
    report = import_files(fresh, files)
    assert report.ok, report.summary()
    counts = fresh.counts()
    for name in ("Enterprise", "SUPPLIES", "PRODUCES", "LEADS", "MEMBER_OF", "LOCATED_IN"):
        assert counts[name] == original[name], name
    assert all(node["synthetic"] for node in fresh.list_nodes("Enterprise"))
    fresh.close()


def test_graphml_for_gephi(store: GraphStore, tmp_path: Path) -> None:
    load_demo(store, 500, 22)
    [path] = export_graph(store, "graphml", tmp_path / "g.graphml", chain="chain:new-energy")
    graph = nx.read_graphml(path, force_multigraph=True)
    assert graph.number_of_nodes() == store.project("chain:new-energy").number_of_nodes()
    types = {data["node_type"] for _, data in graph.nodes(data=True)}
    assert types >= {"Chain", "Product", "Enterprise", "Park"}
    # the chain's and the parks' own kind survive the export
    assert graph.nodes["chain:new-energy"]["kind"] == "新兴"
    assert {data["kind"] for _, data in graph.nodes(data=True) if data["node_type"] == "Park"} <= {"区县", "开发区", "平台", "园区"}
    assert all(isinstance(value, (str, float, bool)) for _, data in graph.nodes(data=True) for value in data.values())


def test_export_without_supply_relations_imports_again(store: GraphStore, tmp_path: Path) -> None:
    """The header-only 供应关系 sheet of such an export is skipped with a warning, not an error."""
    from loaders.reference import load_reference
    from tests.loaders.conftest import two_enterprises

    load_reference(store)
    two_enterprises(store)
    [xlsx] = export_graph(store, "xlsx", tmp_path / "no-supplies.xlsx")
    fresh = EmbeddedStore(tmp_path / "fresh.sqlite")
    fresh.ensure_schema()
    report = import_files(fresh, [xlsx])
    assert report.ok, report.summary()
    assert fresh.counts()["Enterprise"] == 2
    [warning] = [row for row in report.rows() if row["级别"] == "警告"]
    assert warning["工作表"] == "供应关系" and warning["问题"] == "只有表头，没有数据行：已跳过"
    fresh.close()

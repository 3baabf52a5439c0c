"""Typed records and the one label table: the labelled rows are today's rows, byte for byte."""

from __future__ import annotations

import dataclasses
import importlib
import json
from typing import Any

import networkx as nx
import pytest

from queries.labels import LABELS, TABLE_TITLES, Record, columns, focus_of, labelled, labelled_tables
from tests.queries.row_cases import FIXTURE, demo_cases, demo_graph, digests, example_cases, snapshot, text

ANALYSES = ("risks", "gaps", "candidates", "disruption", "indices", "chain_map", "changes", "lists", "sites")
EXPECTED = json.loads(FIXTURE.read_text(encoding="utf-8"))


def record_types() -> set[type[Record]]:
    """Every record type the analyses define."""
    for name in ANALYSES:
        importlib.import_module(f"queries.{name}")
    found, stack = set(), [Record]
    while stack:
        for kind in stack.pop().__subclasses__():
            stack.append(kind)
            if kind.__module__ in {f"queries.{name}" for name in ANALYSES}:
                found.add(kind)
    return found


def assert_plain(value: Any) -> None:
    """Rows hold only what JSON holds (no tuples), so equal text means equal rows."""
    assert json.loads(json.dumps(value)) == value


@pytest.mark.parametrize(("name", "run"), list(example_cases()), ids=[name for name, _ in example_cases()])
def test_example_rows_are_todays_rows(name: str, run: Any) -> None:
    found = snapshot(run())
    assert_plain(found)
    assert text(found) == text(EXPECTED["example"][name])


@pytest.fixture(scope="module")
def demo() -> nx.MultiDiGraph:
    return demo_graph()


def test_demo_rows_are_todays_rows(demo: nx.MultiDiGraph) -> None:
    cases = dict(demo_cases(demo))
    assert set(cases) == set(EXPECTED["demo"])
    for name, run in cases.items():
        found = snapshot(run())
        assert_plain(found)
        assert digests(found) == EXPECTED["demo"][name], name


@pytest.mark.parametrize(("name", "run"), list(example_cases()), ids=[name for name, _ in example_cases()])
def test_rows_are_the_records_labelled(name: str, run: Any) -> None:
    report = run()
    tables = report.record_tables()
    assert list(tables)[0] in TABLE_TITLES and report.records() == list(tables.values())[0]
    assert report.rows() == labelled(report.records(), focus=focus_of(report))  # 网络内… when its scope is all
    assert list(report.tables()) == [TABLE_TITLES[table] for table in tables]
    assert list(tables)[0] not in report.headings()  # rows() takes the label table's headings
    assert report.tables() == labelled_tables(tables, report.headings(), focus=focus_of(report))
    for records in tables.values():
        assert all(isinstance(record, Record) and dataclasses.is_dataclass(record) for record in records)


def test_every_field_has_one_label_and_every_label_a_field() -> None:
    fields = {field.name for kind in record_types() for field in dataclasses.fields(kind)}
    assert fields - LABELS.keys() == set(), "fields without a label"
    assert LABELS.keys() - fields == set(), "labels no record uses"


def test_a_record_has_distinct_labels_and_is_frozen() -> None:
    for kind in record_types():
        labels = [label for _, label in columns(kind)]
        assert len(set(labels)) == len(labels), kind
        assert kind.__dataclass_params__.frozen, kind  # type: ignore[attr-defined]


def test_every_table_title_is_used() -> None:
    used = {table for _, run in example_cases() for table in run().record_tables()}
    assert used == TABLE_TITLES.keys()

"""The ``table`` parameter of the analyses and lists: the values the OpenAPI document lists are the
tables each operation's results can hold (no more, no fewer), each answers 200 — a table this result
does not hold empty, with a note — ``all`` answers in every format, and anything else is a 422 in Chinese."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from app.security.tokens import TokenRegistry
from graph_schema import Enterprise, Produces
from queries.examples import example_batch
from stores.base import WriteBatch
from stores.embedded import EmbeddedStore
from tests.app.conftest import make_client

CALLS: list[tuple[str, dict[str, str]]] = [  # each operation with the parameters that change its tables
    ("/api/chains/chain:ev/map", {}),
    ("/api/chains/chain:ev/gaps", {}),
    ("/api/chains/chain:ev/candidates", {"product": "product:cathode"}),
    ("/api/chains/chain:ev/recruit", {"product": "product:cathode", "candidate": "ent:sh-cathode"}),
    ("/api/indices", {}), ("/api/indices", {"chain": "chain:ev"}),
    ("/api/facilities", {}),
    ("/api/changes", {"before": "2020-01-01", "after": "2026-01-01"}),
    ("/api/risks", {}), ("/api/risks", {"chain": "chain:ev"}),
    ("/api/disruption", {"enterprise": "ent:cell"}), ("/api/disruption", {"enterprise": "ent:cell", "partial": "true"}),
    ("/api/lists/key-enterprises", {}), ("/api/lists/gaps", {}), ("/api/lists/targets", {}),
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = EmbeddedStore(tmp_path_factory.mktemp("tables") / "s.sqlite")
    store.ensure_schema()
    store.write(example_batch())
    # a producer of the chain whose place is not known: the one chain's risks then hold 地点未知
    store.write(WriteBatch(nodes=[Enterprise(id="ent:anonymous", name="匿名阶段", country="未知（匿名）")],
                           relationships=[Produces(src="ent:anonymous", dst="product:cathode")]))
    registry = TokenRegistry(":memory:")
    with make_client(store, registry, registry.issue("admin", "测试")) as made:
        yield made
    store.close()


def declared(client: TestClient, path: str) -> list[str]:
    """The ``table`` values the OpenAPI document lists for ``path`` (given concretely)."""
    document = client.app.openapi()  # type: ignore[attr-defined]
    for template, methods in document["paths"].items():
        if template.replace("{chain_id}", "chain:ev") == path:
            [parameter] = [p for p in methods["get"]["parameters"] if p["name"] == "table"]
            values: list[str] = parameter["schema"]["enum"]
            return values
    raise AssertionError(path)


def get(client: TestClient, path: str, params: dict[str, str], **more: str) -> Any:
    return client.get(path, params={**params, **more})


def test_the_documented_tables_are_those_the_results_hold(client: TestClient) -> None:
    produced: dict[str, set[str]] = {}
    for path, params in CALLS:
        body = get(client, path, params).json()
        assert set(body["tables"]) <= set(declared(client, path)), (path, params)
        produced.setdefault(path, set()).update(body["tables"])
    for path, tables in produced.items():
        assert declared(client, path) == [*declared(client, path)[:-1], "all"]
        assert set(declared(client, path)[:-1]) == tables, path  # no table documented that no result holds


@pytest.mark.parametrize(("path", "params"), CALLS, ids=[f"{p}{'?' + '&'.join(q) if q else ''}" for p, q in CALLS])
def test_every_documented_table_answers(client: TestClient, path: str, params: dict[str, str]) -> None:
    holds = get(client, path, params).json()["tables"]
    for table in declared(client, path)[:-1]:
        answer = get(client, path, params, table=table)
        assert answer.status_code == 200, (table, answer.text)
        body = answer.json()
        assert body["table"] == table and body["tables"] == holds
        if table in holds:
            assert "note" not in body
        else:
            assert body["items"] == [] and body["total"] == 0 and f"本次结果没有“{table}”表" in body["note"]
        assert get(client, path, params, table=table, format="csv").status_code == 200
    refused = get(client, path, params, table="不存在的表")
    assert refused.status_code == 422
    assert refused.json()["error"].startswith("参数错误：table 可选 " + "、".join(declared(client, path)[:-1]))


@pytest.mark.parametrize("path", ["/api/chains/chain:ev/gaps", "/api/lists/gaps"])
def test_all_tables_in_every_format(client: TestClient, path: str) -> None:
    whole = get(client, path, {}).json()
    every = get(client, path, {}, table="all", size="1").json()
    assert every["table"] == "all" and list(every["pages"]) == whole["tables"]
    first = whole["tables"][0]
    assert every["pages"][first]["total"] == whole["total"] and len(every["pages"][first]["items"]) == 1
    rows = list(csv.DictReader(io.StringIO(get(client, path, {}, table="all", format="csv").content.decode("utf-8-sig"))))
    assert {row["表"] for row in rows} <= set(whole["tables"]) and sum(row["表"] == first for row in rows) == whole["total"]
    workbook = load_workbook(io.BytesIO(get(client, path, {}, table="all", format="xlsx").content))
    assert workbook.sheetnames == whole["tables"]

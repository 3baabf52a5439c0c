"""Scope (分析范围) at the edges: API ``scope=``, the pages' selector, CLI ``--scope``; an imported
network with no local firm (Willems chains 1–3) defaults to ``all`` and says so, and its chokepoints
target the final stages."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli.main import cli
from app.security.tokens import TokenRegistry
from loaders.realdata import import_willems, read_willems
from queries.examples import example_batch
from stores.base import GraphStore
from stores.embedded import EmbeddedStore
from tests.app.conftest import make_client


@pytest.fixture
def reviewer(store: GraphStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> Iterator[TestClient]:
    store.write(example_batch())
    with make_client(store, tokens, role_tokens["reviewer"]) as client:
        yield client


def test_api_scope_changes_who_counts(reviewer: TestClient) -> None:
    local = reviewer.get("/api/risks", params={"chain": "chain:ev", "table": "独家供应", "size": 200}).json()
    every = reviewer.get("/api/risks", params={"chain": "chain:ev", "table": "独家供应", "size": 200, "scope": "all"}).json()
    assert local["summary"]["scope"] == "local" and every["summary"]["scope"] == "all"
    firms = {row["企业"] for row in every["items"]} - {row["企业"] for row in local["items"]}
    assert "上海正极（示例）" in firms  # not local: counted only for every firm (it buys lithium from one mine)
    gaps = reviewer.get("/api/chains/chain:ev/gaps", params={"scope": "all", "size": 200}).json()
    assert gaps["total"] >= 1
    hit = reviewer.get("/api/disruption", params={"chain": "chain:ev", "enterprise": "ent:jx-mine", "scope": "all"}).json()
    assert hit["summary"]["focus"] == "all"
    assert reviewer.get("/api/risks", params={"scope": "abroad"}).status_code == 422


def test_pages_carry_the_selector(reviewer: TestClient) -> None:
    for path in ("/risks?chain=chain:ev", "/disruption?chain=chain:ev", "/chains/chain:ev", "/lists/key-enterprises",
                 "/lists/gaps?chain=chain:ev"):
        page = reviewer.get(path).text
        assert 'data-testid="scope-choice"' in page and "南昌本地企业" in page and "scope=all" in page, path
        assert 'data-testid="scope-note"' not in page
    chosen = reviewer.get("/risks", params={"chain": "chain:ev", "scope": "all"}).text
    assert '<strong aria-current="true">网络中全部企业</strong>' in chosen and 'name="scope" value="all"' in chosen


@pytest.fixture
def willems(tmp_path: Path, tokens: TokenRegistry, role_tokens: dict[str, str]) -> Iterator[TestClient]:
    store = EmbeddedStore(tmp_path / "store.sqlite")
    store.ensure_schema()
    assert import_willems(store, [1, 2, 3]).ok
    with make_client(store, tokens, role_tokens["reviewer"]) as client:
        yield client
    store.close()


def test_a_network_without_local_firms_defaults_to_all_and_says_so(willems: TestClient) -> None:
    page = willems.get("/risks").text
    assert "该网络中没有南昌本地企业" in page and 'data-testid="target-note"' in page and "最终环节" in page
    assert "全图" in page and "独家供应" in page
    arcs = sum(len(read_willems(number).arcs) for number in (1, 2, 3))
    body = willems.get("/api/risks", params={"kind": "独家供应", "size": 1}).json()
    assert body["total"] == arcs  # every arc: the downstream stage's input "the upstream stage's output"
    listed = willems.get("/api/risks", params={"size": 500}).json()
    assert listed["total"] > arcs and "（境外）" not in json.dumps(listed, ensure_ascii=False)  # 未知, never 境外


def test_lists_of_a_network_without_local_firms_are_of_every_firm(willems: TestClient) -> None:
    gaps = willems.get("/lists/gaps").text
    assert "该网络中没有南昌本地企业" in gaps and '<strong aria-current="true">网络中全部企业</strong>' in gaps
    assert "缺链：无网络内生产企业" in gaps and "scope=all" in re.search(r'href="(/api/lists/gaps[^"]+)" download', gaps).group(1)  # type: ignore[union-attr]
    listed = willems.get("/api/lists/gaps", params={"size": 1}).json()
    assert [row["产业链"] for row in listed["summary"]] == ["全图"]  # no chain: the whole network, as on /risks
    assert listed["total"] == 0  # the stages are firms without products: no product to have a gap
    targets = willems.get("/lists/targets").text
    assert "始终按南昌本地企业计算" in targets and "该网络中没有南昌本地企业" not in targets


def test_cli_scope(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "chainatlas.sqlite")
    store.ensure_schema()
    assert import_willems(store, [1]).ok
    store.close()
    env = {"CHAINATLAS_STORE": "embedded", "CHAINATLAS_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(cli, ["risks", "-f", "json", "--table", "卡点"], env=env)
    assert result.exit_code == 0, result.output
    assert "该网络中没有南昌本地企业" in result.output and "最终环节" in result.output
    bad = CliRunner().invoke(cli, ["risks", "--scope", "abroad"], env=env)
    assert bad.exit_code == 2

"""The app and imports that are seen whole or not at all: a second upload while an import runs is a
409 that writes nothing; a server started on a store with an abandoned import rolls it back and
says so; pages and the API never show a pending import."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.security.tokens import TokenRegistry
from app.settings import Settings
from stores.backup import content_digest
from stores.base import GraphStore
from stores.embedded import EmbeddedStore
from stores.imports import atomic_import
from tests.app.conftest import make_client
from tests.contract.sample import sample_batch
from tests.contract.test_import_atomicity import begin, dead_owner, first_batch

GOOD = "企业名称,所在园区,所属产业链,主营产品\n南昌并发测试科技有限公司,小蓝经开区,新能源,正极材料\n"


def test_an_upload_while_another_import_runs_is_refused_and_writes_nothing(store: GraphStore, tokens: TokenRegistry) -> None:
    store.write(sample_batch())
    with make_client(store, tokens, tokens.issue("admin", "测试")) as client, atomic_import(store, "命令行导入 a.csv") as session:
        session.write(first_batch())
        response = client.post("/api/imports", files=[("files", ("企业名录.csv", GOOD.encode(), "text/csv"))])
        assert response.status_code == 409, response.text
        body = response.json()
        assert body["status"] == "busy" and body["written"] == 0 and not body["ok"]
        assert body["summary"].startswith("另一个导入正在进行（导入 ") and "命令行导入 a.csv" in body["summary"]
        assert client.get("/api/search", params={"q": "新进隔膜"}).json() == []  # the running import's firm: not yet
    assert store.search("并发测试") == []
    assert store.get_node("ent:new") is not None  # the running import was published when it ended


def test_a_server_started_on_an_abandoned_import_rolls_it_back_and_says_so(tmp_path: Path,
                                                                          capfd: pytest.CaptureFixture[str]) -> None:
    settings = Settings(store="embedded", data_dir=tmp_path)
    store = EmbeddedStore(settings.embedded_path)
    store.ensure_schema()
    store.write(sample_batch())
    before = content_digest(store)
    number = begin(store, dead_owner())
    store.write(first_batch(), pending=number)
    store.close()
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").status_code == 200
    err = capfd.readouterr().err
    assert f"发现未完成的导入 {number}（开始于 " in err and "已回滚：6 条" in err
    reopened = EmbeddedStore(settings.embedded_path)
    assert content_digest(reopened) == before and reopened.imports() == []
    reopened.close()

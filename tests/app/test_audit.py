"""The audit log: each action leaves one row with the right actor and details (web, API and CLI);
only admins see it; it downloads; it is append-only."""

from __future__ import annotations

import csv
import getpass
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from app.cli.main import cli
from app.security.tokens import TokenRegistry
from stores.audit import Actor, AuditLog, Entry
from stores.embedded import EmbeddedStore
from tests.app.conftest import make_client

GOOD = (
    "企业名称,统一社会信用代码,所在区县,所在园区,所属产业链,主营产品,营业收入(亿元),企业标签\n"
    "南昌审计测试科技有限公司,,南昌县,小蓝经开区,新能源,正极材料,1.5,专精特新\n"
)


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "store.sqlite")
    store.ensure_schema()
    yield store
    store.close()


def only(client: TestClient, action: str) -> Entry:
    entries = client.app.state.audit.entries(action=action)  # type: ignore[attr-defined]
    assert len(entries) == 1, entries
    return entries[0]


def test_api_actions_are_recorded_with_holder_and_role(embedded: EmbeddedStore, tokens: TokenRegistry,
                                                         role_tokens: dict[str, str]) -> None:
    from loaders.reference import load_reference

    load_reference(embedded)
    with make_client(embedded, tokens, role_tokens["admin"]) as admin:
        issued = admin.post("/api/tokens", json={"role": "viewer", "holder": "招商局 张三"})
        assert issued.status_code == 201
        entry = only(admin, "token.issue")
        assert (entry.actor, entry.role) == ("测试-admin", "admin")
        assert entry.details == {"holder": "招商局 张三", "role": "viewer", "via": "API"}
        token_id = max(info.id for info in tokens.list())
        assert admin.delete(f"/api/tokens/{token_id}").status_code == 204
        entry = only(admin, "token.revoke")
        assert entry.details["holder"] == "招商局 张三" and entry.details["token_id"] == token_id
        done = admin.post("/api/imports", files=[("files", ("企业名录.csv", GOOD.encode(), "text/csv"))])
        assert done.status_code == 200 and done.json()["ok"]
        entry = only(admin, "import")
        assert entry.actor == "测试-admin"
        assert entry.details["files"] == ["企业名录.csv"] and entry.details["written"] == done.json()["written"] > 0
        assert entry.details["items"]["Enterprise"] == 1
        admin.post("/api/imports", params={"dry_run": "true"}, files=[("files", ("企业名录.csv", GOOD.encode(), "text/csv"))])
        only(admin, "import")  # a dry run writes nothing and is not an import
        serialized = str([vars(e) for e in admin.app.state.audit.entries()])  # type: ignore[attr-defined]
        assert all(token not in serialized for token in role_tokens.values())  # never the token


def test_sign_ins_are_recorded_by_role(embedded: EmbeddedStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> None:
    with make_client(embedded, tokens, None) as client:
        assert client.post("/login", data={"token": "nonsense", "next": "/"}).status_code == 401
        failed = only(client, "login.failed")
        assert failed.actor == "（未识别）" and failed.details["by"] == "输入令牌"
        assert client.post("/login", data={"token": role_tokens["reviewer"], "next": "/"}).status_code == 303
        entry = only(client, "login")
        assert (entry.actor, entry.role, entry.details["by"]) == ("测试-reviewer", "reviewer", "输入令牌")
        code = tokens.login_code(role_tokens["viewer"])
        client.cookies.clear()  # signed out (a POST with the cookie would need an Origin: the cross-site guard)
        client.post("/login", data={"code": code, "next": "/"})
        client.cookies.clear()
        assert client.post("/login", data={"code": code, "next": "/"}).status_code == 401  # a used code: a failure, naming whose it was
        logins = client.app.state.audit.entries(action="login")  # type: ignore[attr-defined]
        assert [(e.actor, e.details["by"]) for e in logins] == [("测试-viewer", "一次性链接"), ("测试-reviewer", "输入令牌")]
        failures = client.app.state.audit.entries(action="login.failed")  # type: ignore[attr-defined]
        assert [(e.actor, e.details["by"]) for e in failures] == [("（未识别）", "一次性链接"), ("（未识别）", "输入令牌")]


def test_only_admins_see_the_log(embedded: EmbeddedStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> None:
    for role in ("viewer", "reviewer"):
        with make_client(embedded, tokens, role_tokens[role]) as client:
            assert client.get("/api/audit").status_code == 403
            assert client.get("/admin/audit").status_code == 403
    with make_client(embedded, tokens, None) as client:
        assert client.get("/api/audit").status_code == 401
        assert client.get("/admin/audit").status_code == 303


def test_page_filters_pages_and_downloads(embedded: EmbeddedStore, tokens: TokenRegistry, role_tokens: dict[str, str]) -> None:
    with make_client(embedded, tokens, role_tokens["admin"]) as admin:
        for number in range(60):
            admin.post("/api/tokens", json={"role": "viewer", "holder": f"持有人{number:02d}"})
        client_log: AuditLog = admin.app.state.audit  # type: ignore[attr-defined]
        client_log.add(Actor("李四", "admin"), "backup", {"file": "a.backup"})
        page = admin.get("/admin/audit")
        assert page.status_code == 200 and "审计日志" in page.text and "共 61 条记录" in page.text
        table = page.text[page.text.index('data-testid="audit-table"'):]
        assert table.index("a.backup") < table.index("持有人59") < table.index("持有人11")  # newest first, 50 a page
        assert "持有人10" not in page.text and 'rel="next"' in page.text
        second = admin.get("/admin/audit", params={"page": 2})
        assert "持有人10" in second.text and "持有人00" in second.text and "持有人11" not in second.text
        mine = admin.get("/admin/audit", params={"actor": "李四"})
        assert "共 1 条记录" in mine.text and "a.backup" in mine.text
        issued = admin.get("/api/audit", params={"action": "token.issue", "size": 10}).json()
        assert issued["total"] == 60 and issued["items"][0]["details"]["holder"] == "持有人59"
        assert issued["items"][0]["action"] == "签发令牌" and issued["items"][0]["action_code"] == "token.issue"
        rows = list(csv.DictReader(io.StringIO(admin.get("/api/audit", params={"format": "csv"}).content.decode("utf-8-sig"))))
        assert len(rows) == 61 and rows[0]["操作人"] == "李四" and rows[0]["操作"] == "备份"
        sheet = load_workbook(io.BytesIO(admin.get("/api/audit", params={"format": "xlsx", "actor": "李四"}).content)).active
        assert sheet is not None and [cell.value for cell in sheet[1]][:4] == ["时间（UTC）", "操作人", "角色", "操作"]


def test_the_log_is_append_only(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.sqlite")
    log.add(Actor("张三", "admin"), "backup", {})
    with sqlite3.connect(tmp_path / "audit.sqlite") as db:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("DELETE FROM audit")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE audit SET actor = 'x'")
    assert len(log.entries()) == 1
    log.close()


def test_cli_actions_are_recorded_for_the_os_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINATLAS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CHAINATLAS_STORE", "embedded")
    runner = CliRunner()
    assert runner.invoke(cli, ["load-reference"]).exit_code == 0
    names = tmp_path / "企业名录.csv"
    names.write_text(GOOD, encoding="utf-8")
    assert runner.invoke(cli, ["import", str(names)]).exit_code == 0
    assert runner.invoke(cli, ["token", "issue", "--role", "viewer", "--holder", "招商局 王五"]).exit_code == 0
    assert runner.invoke(cli, ["token", "revoke", "1"]).exit_code == 0
    backed = runner.invoke(cli, ["backup", str(tmp_path / "b.chainatlas")])
    assert backed.exit_code == 0 and "内容校验值" in backed.stdout
    refused = runner.invoke(cli, ["restore", str(tmp_path / "b.chainatlas")])
    assert refused.exit_code == 1 and "--replace" in refused.output
    restored = runner.invoke(cli, ["restore", str(tmp_path / "b.chainatlas"), "--replace"])
    assert restored.exit_code == 0 and "校验值一致" in restored.stdout
    log = AuditLog(tmp_path / "audit.sqlite")
    entries = log.entries()
    log.close()
    assert [entry.action for entry in entries] == ["restore", "backup", "token.revoke", "token.issue", "import"]
    assert {(entry.actor, entry.role) for entry in entries} == {(getpass.getuser(), "命令行")}
    assert entries[-1].details["items"]["Enterprise"] == 1 and entries[-1].details["via"] == "命令行"
    assert entries[0].details["digest"] == entries[1].details["digest"]
    shown = runner.invoke(cli, ["audit", "--action", "backup"])
    assert shown.exit_code == 0 and "备份" in shown.stdout and "恢复" not in shown.stdout
    out = tmp_path / "audit.xlsx"
    assert runner.invoke(cli, ["audit", "--format", "xlsx", "-o", str(out)]).exit_code == 0
    assert load_workbook(out).active.max_row == 6  # type: ignore[union-attr]


def test_demo_and_real_data_imports_are_recorded_like_other_imports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINATLAS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CHAINATLAS_STORE", "embedded")
    runner = CliRunner()
    demo = runner.invoke(cli, ["demo", "--scale", "500", "--seed", "3"])
    assert demo.exit_code == 0, demo.output
    assert runner.invoke(cli, ["import-realdata", "willems", "--chains", "1", "--dry-run"]).exit_code == 0  # writes nothing
    real = runner.invoke(cli, ["import-realdata", "willems", "--chains", "1"])
    assert real.exit_code == 0, real.output
    log = AuditLog(tmp_path / "audit.sqlite")
    entries = log.entries(action="import")
    log.close()
    assert len(entries) == 2 and {(entry.actor, entry.role) for entry in entries} == {(getpass.getuser(), "命令行")}
    willems, demo_entry = entries
    assert demo_entry.details["dataset"] == "示例数据（虚构）" and demo_entry.details["scale"] == 500
    assert demo_entry.details["items"]["Enterprise"] == 500 and demo_entry.details["written"] == sum(demo_entry.details["items"].values())
    assert willems.details["dataset"] == "willems" and willems.details["chains"] == "1" and willems.details["ok"]
    assert willems.details["files"] == ["willems2008/01.csv"] and willems.details["items"] == {"Enterprise": 8, "SUPPLIES": 10}
    assert willems.details["written"] >= 18 and willems.details["via"] == "命令行"
    shown = runner.invoke(cli, ["audit", "--action", "import"])
    assert shown.exit_code == 0 and "数据集=示例数据（虚构）" in shown.stdout and "数据集=willems" in shown.stdout

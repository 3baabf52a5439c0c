"""A store that fails in the middle of an import: what people are told is what happened.

The failure is the database's own: a SQLite trigger in the real store file aborts the first
supply relation written, after the enterprise batches went in as pending (so the import had
written something). Nothing is mocked. Neo4j failing under an import (the server killed) is in
``tests/faults``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from app.cli.data import register
from app.security.tokens import TokenRegistry
from loaders.importer import import_files
from loaders.reference import load_reference
from stores.backup import content_digest
from stores.embedded import EmbeddedStore
from stores.imports import recover_and_tell
from tests.app.conftest import make_client

FAIL_SUPPLIES = ("CREATE TRIGGER fail_supplies BEFORE INSERT ON rels WHEN NEW.type = 'SUPPLIES' "
                 "BEGIN SELECT RAISE(ABORT, 'disk I/O error (test trigger)'); END")
FAIL_PUBLISH = ("CREATE TRIGGER fail_publish BEFORE UPDATE OF state ON imports WHEN NEW.state = 'published' "
                "BEGIN SELECT RAISE(ABORT, 'disk full (test trigger)'); END")
FAIL_ROLLBACK = ("CREATE TRIGGER fail_rollback BEFORE DELETE ON nodes "
                 "BEGIN SELECT RAISE(ABORT, 'database is locked (test trigger)'); END")
ROWS = 40


def write_files(folder: Path) -> list[Path]:
    """企业名录 and 供应关系 CSVs: 40 firms (each with a product and a place) and 40 supply links."""
    firms = [f"南昌故障测试{number:02d}科技有限公司" for number in range(ROWS)]
    enterprises = folder / "企业名录.csv"
    enterprises.write_text("企业名称,所在园区,所属产业链,主营产品\n"
                           + "".join(f"{name},小蓝经开区,新能源,正极材料\n" for name in firms), encoding="utf-8")
    supplies = folder / "供应关系.csv"
    supplies.write_text("供应方,采购方,产品\n"
                        + "".join(f"{firms[n]},{firms[(n + 1) % ROWS]},正极材料\n" for n in range(ROWS)), encoding="utf-8")
    return [enterprises, supplies]


def with_trigger(path: Path, *statements: str) -> None:
    with sqlite3.connect(path) as db:
        for statement in statements:
            db.execute(statement)


@pytest.fixture
def store_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "var" / "chainatlas.sqlite"
    store = EmbeddedStore(path)
    store.ensure_schema()
    load_reference(store)
    store.close()
    yield path


def test_a_failed_write_is_rolled_back_and_said_so(store_file: Path, tmp_path: Path) -> None:
    with_trigger(store_file, FAIL_SUPPLIES)
    store = EmbeddedStore(store_file)
    before = content_digest(store)
    report = import_files(store, write_files(tmp_path), chunk_size=25)
    assert not report.ok and report.status == "rolled_back"
    assert report.written >= 3 * 25 and report.rolled_back == report.written and report.published == 0
    summary = report.summary()
    assert "未写入任何数据" not in summary and "导入被拒绝" not in summary and "1 个错误（）" not in summary
    first = summary.splitlines()[0]
    assert first.startswith("导入未完成：写入数据库时出错（embedded store write failed, nothing written: disk I/O error")
    assert f"已写入的 {report.written:,} 个节点和关系尚未发布，读取时从未可见，已全部回滚（{report.written:,} 条）" in first
    assert [row["文件"] for row in report.rows()] == ["企业名录.csv、供应关系.csv"]  # the batch's files, never blank
    assert content_digest(store) == before
    store.close()


def test_a_rollback_that_fails_too_leaves_it_for_the_next_start(store_file: Path, tmp_path: Path) -> None:
    with_trigger(store_file, FAIL_SUPPLIES, FAIL_ROLLBACK)
    store = EmbeddedStore(store_file)
    before = content_digest(store)
    report = import_files(store, write_files(tmp_path), chunk_size=25)
    assert report.status == "pending" and report.left_pending == report.written > 0 and report.rolled_back == 0
    assert "现在无法回滚，下次启动任何 chainatlas 命令或服务时会自动回滚" in report.summary().splitlines()[0]
    assert content_digest(store) == before  # invisible meanwhile
    with_trigger(store_file, "DROP TRIGGER fail_rollback")
    messages = recover_and_tell(store)  # the import's session has ended: its owner is no longer writing it
    assert len(messages) == 1 and messages[0].startswith(f"发现未完成的导入 {report.outcome.number}（开始于 ")
    assert f"已回滚：{report.written:,} 条" in messages[0]
    assert content_digest(store) == before
    store.close()


def test_the_cli_says_what_was_written_and_rolled_back(store_file: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    with_trigger(store_file, FAIL_SUPPLIES)
    monkeypatch.setenv("CHAINATLAS_STORE", "embedded")
    monkeypatch.setenv("CHAINATLAS_DATA_DIR", str(store_file.parent))
    cli = typer.Typer()
    register(cli)
    cli.command("noop")(lambda: None)
    result = CliRunner().invoke(cli, ["import", *map(str, write_files(tmp_path)), "--batch-size", "25"])
    assert result.exit_code == 1
    assert "导入未完成：写入数据库时出错" in result.output and "已全部回滚" in result.output
    assert "nothing was published; what it had written (" in result.output and "items) was rolled back" in result.output
    assert "未写入任何数据" not in result.output and "import rejected" not in result.output


def test_the_api_reports_written_and_rolled_back(store_file: Path, tmp_path: Path) -> None:
    with_trigger(store_file, FAIL_PUBLISH)  # everything is written, then publishing it fails
    store = EmbeddedStore(store_file)
    tokens = TokenRegistry(":memory:")
    files = write_files(tmp_path)
    try:
        with make_client(store, tokens, tokens.issue("admin", "测试")) as client:
            response = client.post("/api/imports", files=[("files", (path.name, path.read_bytes(), "text/csv")) for path in files])
    finally:
        tokens.close()
    body = response.json()
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert body["status"] == "rolled_back" and not body["ok"]
    assert body["written"] > 0 and body["rolled_back"] == body["written"] and body["published"] == 0 and body["pending"] == 0
    assert body["written"] == 4 * ROWS  # each firm, its place and product link, and one supply link each
    assert "未写入任何数据" not in body["summary"] and "已全部回滚" in body["summary"] and "disk full" in body["summary"]
    assert store.counts()["Enterprise"] == 0 and store.get_node("park:xiaolan-edz") is not None
    store.close()

"""The data commands: import, demo, export, template, import-realdata (embedded store via the settings)."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from app.cli.data import register
from tests.loaders.conftest import MALFORMED

runner = CliRunner()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("CHAINATLAS_STORE", "embedded")
    monkeypatch.setenv("CHAINATLAS_DATA_DIR", str(tmp_path / "var"))
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # two commands, so Typer keeps sub-command names
    return app


def run(cli: typer.Typer, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, [str(arg) for arg in args])
    return result.exit_code, result.output


def test_template_has_header_example_and_notes(cli: typer.Typer, tmp_path: Path) -> None:
    code, out = run(cli, "template", "--kind", "enterprises", "--output", tmp_path / "t.xlsx")
    assert code == 0, out
    workbook = load_workbook(tmp_path / "t.xlsx")
    assert workbook.sheetnames == ["企业名录", "说明"]
    header, example = list(workbook["企业名录"].iter_rows(max_row=2, values_only=True))
    assert header[:2] == ("企业名称*", "统一社会信用代码") and example[0].startswith("示例：")
    code, out = run(cli, "import", tmp_path / "t.xlsx")
    assert code == 0 and "示例行，已跳过" in out


def test_rejected_import_exits_non_zero_with_report(cli: typer.Typer, tmp_path: Path) -> None:
    code, out = run(cli, "import", MALFORMED / "unknown_chains.csv", "--report", tmp_path / "r.xlsx")
    assert code == 1
    assert "导入被拒绝" in out and "未知产业链“新能原”；最接近：新能源" in out
    rows = list(load_workbook(tmp_path / "r.xlsx")["导入问题"].iter_rows(values_only=True))
    assert len(rows) == 1 + 4 and rows[1][0] == "unknown_chains.csv"


def test_import_dry_run_then_import(cli: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("企业名称,主营产品,数据日期\n南昌甲科技有限公司,正极材料,2025-06-30\n", encoding="utf-8")
    code, out = run(cli, "import", path, "--dry-run")
    assert code == 0 and "试运行" in out and "Enterprise: 新增 1" in out
    code, out = run(cli, "import", path, "--as-of", "2025-01-01")
    assert code == 0 and "导入完成" in out
    code, out = run(cli, "import", path, "--dry-run")
    assert "Enterprise: 新增 0，更新 0，不变 1" in out
    assert run(cli, "import", path, "--as-of", "yesterday")[0] == 2


def test_rename_policy_flag(cli: typer.Typer, tmp_path: Path) -> None:
    header = "企业名称,统一社会信用代码\n"
    first, renamed = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(header + "南昌甲科技有限公司,91360100MA35GWXY5H\n", encoding="utf-8")
    renamed.write_text(header + "南昌新甲新能源有限公司,91360100MA35GWXY5H\n", encoding="utf-8")
    assert run(cli, "import", first)[0] == 0
    code, out = run(cli, "import", renamed, "--rename", "refuse")
    assert code == 1 and "导入被拒绝" in out and "按改名策略 refuse 拒绝改名" in out
    code, out = run(cli, "import", renamed)  # default: warn
    assert code == 0 and "在库中的企业名称为“南昌甲科技有限公司”，本次导入为“南昌新甲新能源有限公司”" in out and "保留为曾用名" in out
    assert run(cli, "import", renamed, "--rename", "maybe")[0] == 2


def test_demo_export_reimport(cli: typer.Typer, tmp_path: Path) -> None:
    code, out = run(cli, "demo", "--scale", "600", "--seed", "4")
    assert code == 0 and "示例数据（虚构）" in out and '"Enterprise": 600' in out
    code, out = run(cli, "export", "--format", "graphml", "--output", tmp_path / "g.graphml")
    assert code == 0
    graph = nx.read_graphml(tmp_path / "g.graphml")
    node = graph.nodes["ent:demo-4-0000000"]
    assert node["node_type"] == "Enterprise" and node["label"].endswith("（示例）") and isinstance(node["tags"], str)
    code, out = run(cli, "export", "--format", "csv", "--output", tmp_path / "out.csv", "--chain", "chain:aviation")
    assert code == 0 and "out_企业名录.csv" in out and "out_供应关系.csv" in out
    assert run(cli, "export", "--format", "csv", "--output", tmp_path / "x.csv", "--chain", "chain:nope")[0] == 2
    for fmt in ("xlsx", "json"):
        target = tmp_path / f"out.{fmt}"
        assert run(cli, "export", "--format", fmt, "--output", target)[0] == 0
        code, out = run(cli, "import", target, "--dry-run")
        assert code == 0, out
        assert "Enterprise: 新增 0" in out and "SUPPLIES: 新增 0" in out  # everything resolves to what is stored
    payload = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert len(payload["enterprises"]) == 600 and all(row["synthetic"] for row in payload["supplies"])


def test_import_realdata(cli: typer.Typer) -> None:
    code, out = run(cli, "import-realdata", "willems", "--chains", "1")
    assert code == 0 and "Enterprise 8" in out and "SUPPLIES 10" in out
    assert run(cli, "import-realdata", "willems", "--chains", "40")[0] == 2

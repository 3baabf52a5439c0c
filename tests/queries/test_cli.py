"""The analysis commands, run with CliRunner against an embedded store holding the example chain."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from app.cli.analyses import register
from queries.examples import example_batch
from stores.embedded import EmbeddedStore


@pytest.fixture
def run(tmp_path: Path):
    store = EmbeddedStore(tmp_path / "chainatlas.sqlite")
    store.ensure_schema()
    store.write(example_batch())
    store.close()
    app = typer.Typer()
    register(app)
    env = {"CHAINATLAS_STORE": "embedded", "CHAINATLAS_DATA_DIR": str(tmp_path)}

    def invoke(*args: str):
        return CliRunner().invoke(app, list(args), env=env)

    return invoke


def rows_of(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_gaps_json_and_parameters(run) -> None:
    rows = rows_of(run("gaps", "--chain", "chain:ev", "--format", "json"))
    assert [(r["产品ID"], r["状态"]) for r in rows][:2] == [("product:motor", "缺链"), ("product:pack", "弱链")]
    lenient = rows_of(run("gaps", "--chain", "chain:ev", "-f", "json", "--min-local-producers", "1"))
    assert {r["产品ID"]: r["状态"] for r in lenient}["product:pack"] == "强链"
    summary = rows_of(run("gaps", "--chain", "chain:ev", "-f", "json", "--table", "概要"))
    assert summary[0]["缺链"] == 2


def test_chain_map_table_and_csv(run) -> None:
    table = run("chain-map", "--chain", "chain:ev")
    assert table.exit_code == 0 and "正极材料" in table.stdout and "本地配套率" in table.stdout
    result = run("chain-map", "--chain", "chain:ev", "--format", "csv", "--table", "概要")
    assert result.exit_code == 0
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["本地营收(亿元)"] == "367.0" and row["链主"] == "南昌汽车（示例）"


def test_candidates_and_recruit(run) -> None:
    rows = rows_of(run("candidates", "--chain", "chain:ev", "--product", "product:cell", "-f", "json"))
    assert rows[0]["企业ID"] == "ent:foreign" and rows[0]["总分"] == 65.0 and rows[0]["理由"]
    rows = rows_of(run("recruit", "--chain", "chain:ev", "-p", "product:motor", "--candidate", "ent:gd-motor", "-f", "json"))
    assert {r["指标"]: (r["引进前"], r["引进后"]) for r in rows}["产品状态"] == ("缺链", "弱链")


def test_risks_for_a_chain_and_the_whole_graph(run) -> None:
    chain_rows = rows_of(run("risks", "--chain", "chain:ev", "-f", "json"))
    assert chain_rows[0]["严重程度"] == "高"
    whole = rows_of(run("risks", "-f", "json", "--backend", "networkx", "--table", "独家供应"))
    assert ("ent:lead", "product:rice") in {(r["企业ID"], r["产品ID"]) for r in whole}
    every = json.loads(run("risks", "--chain", "chain:ev", "-f", "json", "--table", "all").stdout)
    assert {"关键依赖", "卡点", "割点", "桥", "集中度"} <= set(every)


def test_simulate(run) -> None:
    [headline] = rows_of(run("simulate", "--chain", "chain:ev", "--enterprise", "ent:cell", "-f", "json"))  # 概要 first
    assert (headline["受影响本地企业(家)"], headline["本地受影响营收(亿元)"], headline["受影响链主"]) == (3, 350.0, ["南昌汽车（示例）"])
    rows = rows_of(run("simulate", "--chain", "chain:ev", "--enterprise", "ent:cell", "-f", "json", "--table", "受影响企业"))
    assert {r["企业ID"]: r["状态"] for r in rows} == {"ent:cell": "移除", "ent:pack": "连锁中断", "ent:lead": "连锁中断"}
    partial = rows_of(run("simulate", "--province", "上海市", "--partial", "-f", "json", "--table", "部分损失"))
    assert [(r["企业ID"], r["损失比例"]) for r in partial] == [("ent:cell", 0.7)]
    assert run("simulate", "--chain", "chain:ev").exit_code == 2


def test_indices_and_diff(run, tmp_path: Path) -> None:
    rows = rows_of(run("indices", "-f", "json"))
    assert [r["ID"] for r in rows if r["层级"] == "产业链"] == ["chain:ev", "chain:food"]
    diff = rows_of(run("diff", "--chain", "chain:ev", "--before", "2024-01-01", "--after", "2024-12-31", "-f", "json"))
    assert [(r["变化"], r["供应方ID"], r["采购方ID"]) for r in diff] == [("新增", "ent:pack", "ent:lead")]
    snapshot = tmp_path / "before.json"
    assert run("diff", "--chain", "chain:ev", "--save-snapshot", str(snapshot)).exit_code == 0
    unchanged = rows_of(run("diff", "--chain", "chain:ev", "--snapshot", str(snapshot), "-f", "json"))
    assert unchanged == []
    assert run("diff", "--before", "2024-01-01").exit_code == 2


def test_xlsx_needs_output_and_writes_every_table(run, tmp_path: Path) -> None:
    assert run("risks", "--chain", "chain:ev", "--format", "xlsx").exit_code == 2
    target = tmp_path / "risks.xlsx"
    result = run("risks", "--chain", "chain:ev", "-f", "xlsx", "-o", str(target), "--table", "all")
    assert result.exit_code == 0, result.output
    book = load_workbook(target, read_only=True)
    assert {"关键依赖", "卡点", "集中度"} <= set(book.sheetnames)
    header = next(book["关键依赖"].iter_rows(values_only=True))
    assert header[:3] == ("产业链", "严重程度", "类型")


def test_errors_are_reported(run) -> None:
    missing = run("gaps", "--chain", "chain:nope")
    assert missing.exit_code == 2 and "图谱中没有名为「chain:nope」的产业链" in missing.output
    bad_table = run("gaps", "--chain", "chain:ev", "--table", "nope")
    assert bad_table.exit_code == 2 and "缺口" in bad_table.output
    assert run("candidates", "--chain", "chain:ev", "--product", "product:nope").exit_code == 2
    assert run("gaps", "--chain", "chain:ev", "--min-local-sourcing", "2").exit_code == 2

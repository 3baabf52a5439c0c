"""The CLI as its users meet it, on the synthetic demo: nodes named by name, alias, part of a name or
credit code; misses and ambiguities answered with close matches; tables with names not ids, the one
number format, no wider than 120 columns; sign-in links; an empty store refused."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner, Result

from app.cli.main import cli
from app.security.tokens import TokenRegistry
from graph_schema import Enterprise, Produces
from loaders.demo import load_demo
from loaders.reference import load_reference
from stores.base import WriteBatch
from stores.embedded import EmbeddedStore

ID = re.compile(r"\b(chain|product|park|cluster|ent):")
CODE = "91360100MA35GWXY5H"  # a valid 统一社会信用代码
NAMED = Enterprise(id=CODE, name="深圳测试隔膜科技有限公司", aliases=["测试隔膜"], credit_code=CODE, province="广东省",
                   city="深圳市", district="宝安区", local=False, revenue_yi=12.5)
CHECKOUT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the reference data, the demo (600 firms) and one firm with a credit code and an alias."""
    folder = tmp_path_factory.mktemp("cli-demo")
    store = EmbeddedStore(folder / "chainatlas.sqlite")
    store.ensure_schema()
    load_demo(store, 600, 8810)
    store.write(WriteBatch(nodes=[NAMED], relationships=[Produces(src=CODE, dst="product:separator")]))
    store.close()
    return folder


def invoke(folder: Path, *args: str, **env: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"CHAINATLAS_STORE": "embedded", "CHAINATLAS_DATA_DIR": str(folder), **env})


def rows(result: Result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- naming nodes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("chain", ["新能源", "新能源产业链", "chain:new-energy"])
def test_a_chain_by_name_suffixed_name_or_id(demo_dir: Path, chain: str) -> None:
    summary = rows(invoke(demo_dir, "chain-map", "--chain", chain, "-f", "json", "--table", "概要"))
    assert summary[0]["产业链ID"] == "chain:new-energy" and summary[0]["名称"] == "新能源"


@pytest.mark.parametrize("park", ["小蓝经开区", "南昌小蓝经济技术开发区", "park:xiaolan-edz"])
def test_a_park_by_name_official_name_or_id(demo_dir: Path, park: str) -> None:
    result = invoke(demo_dir, "simulate", "--park", park, "-f", "json", "--table", "概要")
    assert "小蓝经开区" in rows(result)[0]["范围"] or "park:xiaolan-edz" in rows(result)[0]["范围"]


def test_the_top_candidate_by_name_can_be_recruited(demo_dir: Path) -> None:
    candidates = rows(invoke(demo_dir, "candidates", "--chain", "新能源", "--product", "隔膜", "-f", "json"))
    top = candidates[0]["企业"]
    effects = invoke(demo_dir, "recruit", "--chain", "新能源", "--product", "隔膜", "--candidate", top)
    assert effects.exit_code == 0, effects.output
    assert "引进前" in effects.stdout and "产品状态" in effects.stdout
    assert re.search(r"本地配套率 +\d+\.\d% +\d+\.\d% +[+-]\d+\.\d 个百分点", effects.stdout)


@pytest.mark.parametrize("text", [CODE, "测试隔膜", "深圳测试隔膜科技", "深圳测试隔膜科技股份有限公司"])
def test_an_enterprise_by_credit_code_alias_part_of_its_name_or_another_legal_form(demo_dir: Path, text: str) -> None:
    removed = rows(invoke(demo_dir, "simulate", "--enterprise", text, "-f", "json", "--table", "受影响企业"))
    assert [row["企业ID"] for row in removed if row["状态"] == "移除"] == [CODE]


def test_an_ambiguous_name_lists_the_matches_and_exits_2(demo_dir: Path) -> None:
    result = invoke(demo_dir, "simulate", "--park", "小蓝")
    assert result.exit_code == 2 and result.stdout == ""
    assert "「小蓝」对应 2 个园区/区县" in result.stderr
    assert "小蓝经开区（开发区）" in result.stderr and "小蓝VR产业基地（平台）" in result.stderr
    many = invoke(demo_dir, "risks", "--target", "南昌")
    assert many.exit_code == 2 and "个企业，请写得更具体" in many.stderr and "chainatlas search 南昌" in many.stderr


@pytest.mark.parametrize(("args", "expected"), [
    (["gaps", "--chain", "新能原"], "图谱中没有名为「新能原」的产业链。相近的有：新能源"),
    (["candidates", "--chain", "新能源", "--product", "隔模"], "图谱中没有名为「隔模」的产品。相近的有："),
    (["simulate", "--district", "青山湖"], None),  # part of a district's name: found
    (["simulate", "--district", "小蓝VR产业基地"], "不是区县或开发区"),
])
def test_a_miss_suggests_close_names_and_exits_2(demo_dir: Path, args: list[str], expected: str | None) -> None:
    result = invoke(demo_dir, *args)
    if expected is None:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 2 and expected in result.stderr, result.output
        assert not ID.search(result.stderr.replace("chainatlas", ""))


# -- search ------------------------------------------------------------------------------------------


def test_search_lists_names_and_json_adds_ids_and_links(demo_dir: Path) -> None:
    table = invoke(demo_dir, "search", "小蓝")
    assert table.exit_code == 0 and "小蓝经开区" in table.stdout and "开发区" in table.stdout
    assert not ID.search(table.stdout)
    found = rows(invoke(demo_dir, "search", CODE, "--format", "json"))
    assert found == [{"类型": "企业", "名称": NAMED.name, "所在地/环节/类别": "广东省深圳市宝安区", "id": CODE, "label": "Enterprise",
                      "url": f"/enterprises/{CODE}"}]
    only_products = rows(invoke(demo_dir, "search", "电池", "--kind", "product", "-f", "json"))
    assert only_products and {row["label"] for row in only_products} == {"Product"}
    assert invoke(demo_dir, "search", "没有这个名字").exit_code == 1


# -- sign-in links -----------------------------------------------------------------------------------


def test_token_issue_prints_a_sign_in_link(tmp_path: Path) -> None:
    result = invoke(tmp_path, "token", "issue", "--role", "viewer", "--holder", "招商局 张三")
    assert result.exit_code == 0, result.output
    (link,) = result.stdout.splitlines()
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/login\?code=[\w-]+", link)
    assert "请换成浏览器访问服务器所用的地址" in result.stderr
    token = re.search(r"API 令牌[^：]*：([\w-]+)", result.stderr).group(1)  # the token itself only on stderr
    registry = TokenRegistry(tmp_path / "tokens.sqlite")
    code = link.split("code=", 1)[1]
    assert registry.role_of(token) == "viewer" and registry.code_holder(code) == ("招商局 张三", "viewer")
    assert registry.session_role(registry.open_session(code)) == "viewer" and registry.open_session(code) is None  # one time
    registry.close()
    chosen = invoke(tmp_path, "token", "issue", "--role", "reviewer", "--holder", "李四", "--url", "https://atlas.example.cn/")
    assert chosen.stdout.startswith("https://atlas.example.cn/login?code=") and "请换成" not in chosen.stderr
    configured = invoke(tmp_path, "token", "issue", "--role", "viewer", "--holder", "王五", CHAINATLAS_PUBLIC_URL="http://10.0.0.5:8080")
    assert configured.stdout.startswith("http://10.0.0.5:8080/login?code=")


# -- the data folder ---------------------------------------------------------------------------------


def test_an_empty_store_is_refused_from_any_working_directory(tmp_path: Path) -> None:
    """`chainatlas export` outside the repository: no store created, no workbook written, exit 3."""
    env = {**os.environ, "CHAINATLAS_STORE": "embedded", "CHAINATLAS_DATA_DIR": str(tmp_path / "data"),
           "PYTHONPATH": str(CHECKOUT)}
    done = subprocess.run([sys.executable, "-m", "app.cli", "export", "--format", "xlsx", "-o", "out.xlsx"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 3 and done.stdout == ""
    assert f"数据存储 / store: 嵌入式数据存储 {tmp_path / 'data' / 'chainatlas.sqlite'}" in done.stderr
    assert "chainatlas load-reference" in done.stderr and "chainatlas demo" in done.stderr and "chainatlas import" in done.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_a_store_without_enterprises_is_refused(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "chainatlas.sqlite")
    store.ensure_schema()
    load_reference(store)
    store.close()
    for args in (["gaps", "--chain", "新能源"], ["search", "小蓝"], ["export", "--format", "json", "-o", str(tmp_path / "x.json")]):
        result = invoke(tmp_path, *args)
        assert result.exit_code == 3 and "中没有企业" in result.stderr and "chainatlas demo" in result.stderr, result.output
    assert not (tmp_path / "x.json").exists()


def test_commands_name_their_store_on_stderr_only(demo_dir: Path) -> None:
    result = invoke(demo_dir, "counts")
    assert json.loads(result.stdout)["Enterprise"] == 601
    assert f"数据存储 / store: 嵌入式数据存储 {demo_dir / 'chainatlas.sqlite'}" in result.stderr


# -- tables for people -------------------------------------------------------------------------------

ANALYSES = [
    ["chain-map", "--chain", "新能源"],
    ["gaps", "--chain", "新能源"],
    ["candidates", "--chain", "新能源", "--product", "隔膜"],
    ["recruit", "--chain", "新能源", "--product", "隔膜", "--candidate", NAMED.name],
    ["risks", "--chain", "新能源"],
    ["risks"],
    ["simulate", "--park", "小蓝经开区", "--partial"],
    ["simulate", "--country", "韩国", "--chain", "新能源"],
    ["indices"],
    ["diff", "--before", "2024-01-01", "--after", "2025-12-31"],
]


@pytest.mark.parametrize("args", ANALYSES, ids=lambda args: " ".join(args))
def test_every_table_fits_120_columns_and_shows_no_id(demo_dir: Path, args: list[str]) -> None:
    result = invoke(demo_dir, *args, "--table", "all")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines and max(cell_len(line) for line in lines) <= 120
    assert not ID.search(result.stdout), [line for line in lines if ID.search(line)][:3]


def test_figures_in_the_shared_format_and_files_keep_every_column(demo_dir: Path) -> None:
    table = invoke(demo_dir, "chain-map", "--chain", "新能源", "--table", "概要").stdout
    assert re.search(r"\d+\.\d%", table)  # 完成率 as a percentage
    assert re.search(r"\d{1,3}(,\d{3})*\.\d(?!\d)", table)  # 亿元 to one decimal
    assert not re.search(r"\b0\.\d{3,}", table)  # no fraction printed as 0.1564
    gaps_json = rows(invoke(demo_dir, "gaps", "--chain", "新能源", "-f", "json"))
    gaps_table = invoke(demo_dir, "gaps", "--chain", "新能源").stdout
    assert {"产品ID", "产品名称", "本地生产企业", "依据"} <= set(gaps_json[0])  # ids and every column in the files
    assert gaps_json[0]["产品ID"].startswith("product:") and isinstance(gaps_json[0]["本地配套率"], (float, type(None)))
    assert "另有" in gaps_table and "--format csv、json 或 xlsx" in gaps_table


def test_a_long_table_shows_its_first_rows_and_says_how_many_there_are() -> None:
    from app.terminal_table import ROW_LIMIT, terminal_table

    text = terminal_table([{"产品": f"产品{i}", "本地企业数": i} for i in range(ROW_LIMIT + 50)])
    assert f"（共 {ROW_LIMIT + 50:,} 行，此处显示前 {ROW_LIMIT} 行" in text
    assert f"产品{ROW_LIMIT - 1} " in text and f"产品{ROW_LIMIT} " not in text

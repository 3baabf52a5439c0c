"""Settings come from the environment; a bad setting stops start-up with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli.main import cli
from app.settings import load_settings
from graph_schema.errors import ConfigError


def test_defaults_choose_the_embedded_store_in_the_checkouts_var_whatever_the_working_directory(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("CHAINATLAS_STORE", "CHAINATLAS_DATA_DIR", "NEO4J_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    checkout = Path(__file__).resolve().parents[2]
    assert settings.store == "embedded" and settings.embedded_path == checkout / "var" / "chainatlas.sqlite"


def test_a_relative_data_dir_is_taken_from_the_working_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings(CHAINATLAS_DATA_DIR="data").data_dir == tmp_path / "data"


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CHAINATLAS_STORE", " Neo4j ")
    monkeypatch.setenv("NEO4J_URI", "neo4j://db.example:7687")
    monkeypatch.setenv("CHAINATLAS_DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert (settings.store, settings.neo4j_uri, settings.data_dir) == ("neo4j", "neo4j://db.example:7687", tmp_path)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CHAINATLAS_STORE": "sqlite"}, "CHAINATLAS_STORE='sqlite': Input should be 'embedded' or 'neo4j'"),
        ({"NEO4J_URI": "http://localhost:7474"}, "NEO4J_URI='http://localhost:7474': must look like bolt://"),
        ({"NEO4J_URI": "bolt://"}, "NEO4J_URI='bolt://'"),
    ],
)
def test_bad_settings_name_the_variable(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("?", r"\?")):
        load_settings()


def test_data_dir_that_is_a_file_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("x")
    monkeypatch.setenv("CHAINATLAS_DATA_DIR", str(file))
    with pytest.raises(ConfigError, match="not a directory"):
        load_settings()


def test_cli_reports_bad_setting_and_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["counts"], env={"CHAINATLAS_STORE": "postgres", "CHAINATLAS_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2
    assert "配置错误 / configuration error: CHAINATLAS_STORE='postgres'" in result.output


def test_cli_reports_unreachable_neo4j_and_exits_2(tmp_path: Path) -> None:
    env = {"CHAINATLAS_STORE": "neo4j", "NEO4J_URI": "bolt://127.0.0.1:9", "CHAINATLAS_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(cli, ["counts"], env=env)
    assert result.exit_code == 2
    assert "Neo4j at bolt://127.0.0.1:9 is not reachable" in result.output


def test_cli_loads_reference_into_embedded_store(tmp_path: Path) -> None:
    env = {"CHAINATLAS_STORE": "embedded", "CHAINATLAS_DATA_DIR": str(tmp_path)}
    first = CliRunner().invoke(cli, ["load-reference"], env=env)
    again = CliRunner().invoke(cli, ["load-reference"], env=env)
    assert first.exit_code == 0 and again.exit_code == 0
    assert first.output == again.output and '"Chain": 8' in first.output and '"Cluster": 8' in first.output
    assert (tmp_path / "chainatlas.sqlite").exists()


def _serve_until_url(env: dict[str, str], port: int) -> list[str]:
    """Start `chainatlas serve`, collect its start-up lines, stop it."""
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.3)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    return output.splitlines()


def test_first_start_prints_an_admin_token_once(tmp_path: Path) -> None:
    from app.security.tokens import TokenRegistry

    env = {"CHAINATLAS_STORE": "embedded", "CHAINATLAS_DATA_DIR": str(tmp_path)}
    first = _serve_until_url(env, 18731)
    assert any("running at http://127.0.0.1:18731/" in line for line in first)
    link = next(line for line in first if line.startswith("一次性登录链接 / one-time sign-in link: "))
    token = next(line for line in first if line.startswith("首次启动已生成管理员令牌")).rsplit("：", 1)[1]
    registry = TokenRegistry(tmp_path / "tokens.sqlite")
    assert registry.role_of(token) == "admin"
    assert registry.code_holder(link.split("code=", 1)[1]) == ("首次启动生成的管理员", "admin")
    registry.close()
    second = _serve_until_url(env, 18732)
    assert not any("token" in line.lower() or "令牌" in line for line in second)


def test_cli_kind_choices_are_the_loaders_table_kinds() -> None:
    from app.cli.data import _KINDS, ImportKind, TemplateKind
    from loaders.fields import KINDS

    assert [kind.value for kind in ImportKind] == ["auto", *KINDS]
    assert [kind.value for kind in TemplateKind] == [*KINDS, "all"]
    assert list(_KINDS.values()) == list(KINDS)

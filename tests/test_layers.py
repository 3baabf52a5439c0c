"""Imports go one way only: the import-linter contracts in ``pyproject.toml`` hold, every router is
named in the contract that keeps routers apart, and no module imports itself round a cycle."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"


def _contracts() -> dict[str, dict]:
    settings = tomllib.loads(PYPROJECT.read_text("utf-8"))["tool"]["importlinter"]
    return {contract["id"]: contract for contract in settings["contracts"]}


def test_imports_keep_the_contracts() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--config", str(PYPROJECT), "--no-cache", "--no-logo"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_router_is_kept_apart() -> None:
    routers = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in (ROOT / "app").rglob("*.py") if re.search(r"\bAPIRouter\(", path.read_text("utf-8"))
    }
    assert routers == set(_contracts()["routers"]["modules"])


def test_no_import_cycle() -> None:
    packages = tomllib.loads(PYPROJECT.read_text("utf-8"))["tool"]["importlinter"]["root_packages"]
    graph = grimp.build_graph(*packages, cache_dir=None)
    imports = nx.DiGraph((module, imported) for module in graph.modules for imported in graph.find_modules_directly_imported_by(module))
    cycles = [sorted(component) for component in nx.strongly_connected_components(imports) if len(component) > 1]
    assert cycles == []

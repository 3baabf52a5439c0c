#!/usr/bin/env bash
# The main job on a fresh machine: install, load the plan's reference data into the embedded
# store, and serve the web app (prints its URL). Usage: bash scripts/run.sh [--port 8000] [--host 127.0.0.1]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
export CHAINATLAS_STORE="${CHAINATLAS_STORE:-embedded}"
.venv/bin/chainatlas load-reference >/dev/null
echo "Reference data of the 8810 plan loaded into the ${CHAINATLAS_STORE} store."
exec .venv/bin/chainatlas serve "$@"

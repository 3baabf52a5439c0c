#!/usr/bin/env bash
# The whole test suite on a fresh machine: install, start Neo4j (embedded, Bolt on 127.0.0.1),
# run every test against both stores, stop Neo4j again if this script started it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
bash scripts/setup-browser.sh
started=""
if ! bash scripts/neo4j.sh status >/dev/null 2>&1; then
  bash scripts/neo4j.sh start
  started=1
fi
cleanup() { if [ -n "$started" ]; then bash scripts/neo4j.sh stop; fi; }
trap cleanup EXIT
export NEO4J_URI="${NEO4J_URI:-bolt://127.0.0.1:${NEO4J_BOLT_PORT:-7687}}"
.venv/bin/python -m pytest "$@"

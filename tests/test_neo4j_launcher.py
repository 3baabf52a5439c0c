"""scripts/neo4j.sh starts a second, separate Neo4j with extra settings from NEO4J_CONF_FILE.

Benchmarks use this to compare server settings (e.g. the record format) without editing the launcher.
"""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

from neo4j import GraphDatabase

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _neo4j_sh(command: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(REPO / "scripts" / "neo4j.sh"), command],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=240,
    )


def test_conf_file_settings_reach_the_server(tmp_path: Path) -> None:
    conf = tmp_path / "extra.conf"
    conf.write_text("db.format=standard\ndb.transaction.timeout=17s\n", encoding="utf-8")
    port = _free_port()
    env = {"CHAINATLAS_NEO4J_HOME": str(tmp_path / "home"), "NEO4J_BOLT_PORT": str(port),
           "NEO4J_CONF_FILE": str(conf), "NEO4J_HEAP": "256m"}
    started = _neo4j_sh("start", env)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        with GraphDatabase.driver(f"bolt://127.0.0.1:{port}") as driver:
            records, _, _ = driver.execute_query(
                "CALL dbms.listConfig() YIELD name, value "
                "WHERE name IN ['db.format', 'db.transaction.timeout'] RETURN name, value"
            )
            settings = {record["name"]: record["value"] for record in records}
            stores, _, _ = driver.execute_query("SHOW DATABASES YIELD name, store WHERE name = 'neo4j' RETURN store")
    finally:
        stopped = _neo4j_sh("stop", env)
    assert settings == {"db.format": "standard", "db.transaction.timeout": "17s"}
    assert stores[0]["store"].startswith("record-standard")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr

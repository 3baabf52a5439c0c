"""Two steps of the Neo4j bulk load after the import, measured in variants on a database a bulk load
filled: giving back the empty lists, and building the schema (``stores.neo4j_bulk.InitialLoad.finish``).

Empty lists: the enterprises' ``aliases: []`` / ``tags: []`` are removed again (the state the importer
leaves, ``CsvInputParser.isEmptyArray``), then set back by each variant; after each, the number of
empty lists must be what it was. Schema: every constraint and index of ``cypher.schema_statements``
is dropped, then built again by each variant, waiting until all are online. Variants alternate, the
rounds repeat; each line gives the wall seconds and the server's CPU seconds (``/proc/PID/stat``).

Usage (a Neo4j of its own, filled by ``chainatlas demo --scale 100000 --bulk``)::

    .venv/bin/python bench/neo4j_bulk_steps.py --neo4j-uri bolt://127.0.0.1:7694 \
        --server-pid "$(cat /work/neo4j-n17/neo4j.pid)" --rounds 2
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analysis_read import server_cpu  # noqa: E402

LISTS = ("aliases", "tags")
BATCH = "IN TRANSACTIONS OF {rows} ROWS"


def empty_list_variants() -> dict[str, list[str]]:
    """The statements of each way of setting the enterprises' missing lists to ``[]``."""
    from stores.neo4j_bulk import empty_list_statements

    current = empty_list_statements({("node", "Enterprise"): (set(LISTS), set())})
    return {
        "current (one pass, 50,000 a transaction)": current,
        "one pass, 10,000 a transaction": [s.replace("OF 50000 ROWS", "OF 10000 ROWS") for s in current],
        "one pass, 200,000 a transaction": [s.replace("OF 50000 ROWS", "OF 200000 ROWS") for s in current],
        "a pass per property, 50,000": [f"MATCH (n:Enterprise) WHERE n.{p} IS NULL CALL (n) {{ SET n.{p} = [] }} "
                                        "IN TRANSACTIONS OF 50000 ROWS" for p in LISTS],
    }


def schema_variants() -> dict[str, list[str]]:
    """The statements of each way of building the schema (all waited for at the end)."""
    from stores import cypher

    statements = [s for s in cypher.schema_statements() if not s.startswith("DROP")]
    return {
        "current (indexes, then constraints)": sorted(statements, key=lambda text: "CONSTRAINT" in text),
        "constraints, then indexes": sorted(statements, key=lambda text: "CONSTRAINT" not in text),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neo4j-uri", default="bolt://127.0.0.1:7687")
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--steps", nargs="+", default=["lists", "schema"])
    parser.add_argument("--only", default="", help="only the variants whose name contains this text")
    args = parser.parse_args()
    from neo4j import GraphDatabase

    driver = GraphDatabase.driver(args.neo4j_uri, notifications_min_severity="OFF")

    def run(statement: str, **params: Any) -> list[dict[str, Any]]:
        with driver.session() as session:
            return [record.data() for record in session.run(statement, **params)]

    def empty_counts() -> dict[str, int]:
        return {p: run(f"MATCH (n:Enterprise) WHERE n.{p} = [] RETURN count(n) AS n")[0]["n"] for p in LISTS}

    def timed(name: str, statements: list[str], after: str = "") -> None:
        server, started = server_cpu(args.server_pid), time.perf_counter()
        for statement in statements:
            run(statement)
        if after:
            run(after)
        print(json.dumps({"step": name, "wall_s": round(time.perf_counter() - started, 2),
                          "server_cpu_s": round(server_cpu(args.server_pid) - server, 2), "load": os.getloadavg()[0]},
                         ensure_ascii=False), flush=True)

    if "lists" in args.steps:
        wanted = empty_counts()
        print(json.dumps({"empty lists": wanted}), flush=True)
        for _ in range(args.rounds):
            for name, statements in empty_list_variants().items():
                if args.only not in name:
                    continue
                for p in LISTS:  # as the importer leaves them
                    run(f"MATCH (n:Enterprise) WHERE n.{p} = [] CALL (n) {{ REMOVE n.{p} }} IN TRANSACTIONS OF 50000 ROWS")
                assert empty_counts() == dict.fromkeys(LISTS, 0)
                timed(f"empty lists: {name}", statements)
                if not any(wanted.values()):  # started from the importer's state (removed before a restart)
                    wanted = empty_counts()
                    print(json.dumps({"empty lists": wanted}), flush=True)
                assert empty_counts() == wanted, name
    if "schema" in args.steps:
        for _ in range(args.rounds):
            for name, statements in schema_variants().items():
                if args.only not in name:
                    continue
                for row in run("SHOW CONSTRAINTS YIELD name"):
                    run(f"DROP CONSTRAINT {row['name']}")
                for row in run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'"):
                    run(f"DROP INDEX {row['name']}")
                timed(f"schema: {name}", statements, "CALL db.awaitIndexes(3600)")
    driver.close()


if __name__ == "__main__":
    main()

"""Two steps of the Neo4j bulk load after the import, measured in variants on a database a bulk load
filled: giving back the empty lists (a pass the loader ran until branch neo4j17e: the launcher's
importer now keeps them), and building the schema (``stores.neo4j_bulk.InitialLoad.finish``).

Empty lists: the enterprises' ``aliases: []`` / ``tags: []`` are removed again (the state Neo4j's own
importer leaves, ``CsvInputParser.isEmptyArray``), then set back by each variant; after each, the number of
empty lists must be what it was. Schema: every constraint and index of ``cypher.schema_statements``
is dropped, then built again by each variant, waiting until all are online. Variants alternate, the
rounds repeat; each line gives the wall seconds and the server's CPU seconds (``/proc/PID/stat``).

``--steps both``: the two together, as the loader runs them, against the indexes created first in one
transaction and populated while the lists are set (then the constraints). ``--each`` prints the
seconds of every statement.

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
    # the pass the loader ran after the import until the launcher's importer kept empty lists (neo4j17e)
    current = ["MATCH (n:Enterprise) WHERE n.aliases IS NULL OR n.tags IS NULL CALL (n) "
               "{ SET n.aliases = coalesce(n.aliases, []), n.tags = coalesce(n.tags, []) } IN TRANSACTIONS OF 50000 ROWS"]
    return {
        "current (one pass, 50,000 a transaction)": current,
        "one pass, 10,000 a transaction": [s.replace("OF 50000 ROWS", "OF 10000 ROWS") for s in current],
        "one pass, 200,000 a transaction": [s.replace("OF 50000 ROWS", "OF 200000 ROWS") for s in current],
        "a pass per property, 50,000": [f"MATCH (n:Enterprise) WHERE n.{p} IS NULL CALL (n) {{ SET n.{p} = [] }} "
                                        "IN TRANSACTIONS OF 50000 ROWS" for p in LISTS],
        "one pass, 2 concurrent transactions of 50,000": [s.replace("IN TRANSACTIONS", "IN 2 CONCURRENT TRANSACTIONS") for s in current],
    }


def schema_variants() -> dict[str, list[str]]:
    """The statements of each way of building the schema (all waited for at the end)."""
    from stores import cypher

    statements = [s for s in cypher.schema_statements() if not s.startswith("DROP")]
    indexes = [s for s in statements if "CONSTRAINT" not in s]
    constraints = [s for s in statements if "CONSTRAINT" in s]
    return {
        "current (indexes, then constraints)": sorted(statements, key=lambda text: "CONSTRAINT" in text),
        "constraints, then indexes": sorted(statements, key=lambda text: "CONSTRAINT" not in text),
        "indexes in one transaction, then constraints": [TOGETHER, *indexes, IN_TURN, *constraints],
        "indexes in one transaction, constraints at once (a session each)": [TOGETHER, *indexes, AT_ONCE, *constraints],
    }


def both_variants() -> dict[str, list[str]]:
    """The empty lists and the schema together: as now (lists, then indexes, then constraints), or the
    indexes created first in one transaction, populated while the lists are set, then constraints."""
    lists = empty_list_variants()["current (one pass, 50,000 a transaction)"]
    concurrent = empty_list_variants()["one pass, 2 concurrent transactions of 50,000"]
    schema = schema_variants()
    together = schema["indexes in one transaction, then constraints"]
    return {
        "as now: lists, then indexes, then constraints": [*lists, *schema["current (indexes, then constraints)"]],
        "indexes in one transaction, lists while they populate, then constraints":
            [*together[:together.index(IN_TURN)], IN_TURN, *lists, *together[together.index(IN_TURN) + 1:]],
        "indexes in one transaction, lists in 2 concurrent transactions while they populate, then constraints":
            [*together[:together.index(IN_TURN)], IN_TURN, *concurrent, *together[together.index(IN_TURN) + 1:]],
    }


IN_TURN = "-- the following statements one after another (the default)"
TOGETHER = "-- the following statements in one transaction"
AT_ONCE = "-- the following statements at once, a session each"


def phases(statements: list[str]) -> list[tuple[str, list[str]]]:
    """The statements cut at the markers above: (marker, statements) in order."""
    cut: list[tuple[str, list[str]]] = [(IN_TURN, [])]
    for statement in statements:
        if statement in (IN_TURN, TOGETHER, AT_ONCE):
            cut.append((statement, []))
        else:
            cut[-1][1].append(statement)
    return [(mode, part) for mode, part in cut if part]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neo4j-uri", default="bolt://127.0.0.1:7687")
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--steps", nargs="+", default=["lists", "schema"])
    parser.add_argument("--only", default="", help="only the variants whose name contains this text")
    parser.add_argument("--each", action="store_true", help="print the seconds of each statement too")
    args = parser.parse_args()
    from neo4j import GraphDatabase

    driver = GraphDatabase.driver(args.neo4j_uri, notifications_min_severity="OFF")

    def run(statement: str, **params: Any) -> list[dict[str, Any]]:
        with driver.session() as session:
            return [record.data() for record in session.run(statement, **params)]

    def empty_counts() -> dict[str, int]:
        return {p: run(f"MATCH (n:Enterprise) WHERE n.{p} = [] RETURN count(n) AS n")[0]["n"] for p in LISTS}

    def run_all(statements: list[str]) -> None:
        """The statements phase by phase (``phases``); with --each, the seconds of each step."""
        from concurrent.futures import ThreadPoolExecutor

        for mode, part in phases(statements):
            mark = time.perf_counter()
            if mode == TOGETHER:
                with driver.session() as session, session.begin_transaction() as tx:
                    for statement in part:
                        tx.run(statement).consume()
                    tx.commit()
            elif mode == AT_ONCE:
                with ThreadPoolExecutor(len(part)) as pool:
                    list(pool.map(run, part))
            else:
                for statement in part:
                    step = time.perf_counter()
                    run(statement)
                    if args.each:
                        print(f"  {time.perf_counter() - step:7.2f} s  {statement[:100]}", flush=True)
            if args.each and mode != IN_TURN:
                print(f"  {time.perf_counter() - mark:7.2f} s  {len(part)} statements {mode[3:]}", flush=True)

    def timed(name: str, statements: list[str], after: str = "") -> None:
        server, started = server_cpu(args.server_pid), time.perf_counter()
        run_all(statements)
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
    def drop_schema() -> None:
        for row in run("SHOW CONSTRAINTS YIELD name"):
            run(f"DROP CONSTRAINT {row['name']}")
        for row in run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'"):
            run(f"DROP INDEX {row['name']}")

    if "both" in args.steps:  # the lists and the schema: one after the other, or the lists while indexes populate
        wanted = empty_counts()
        for _ in range(args.rounds):
            for name, statements in both_variants().items():
                if args.only not in name:
                    continue
                drop_schema()
                for p in LISTS:
                    run(f"MATCH (n:Enterprise) WHERE n.{p} = [] CALL (n) {{ REMOVE n.{p} }} IN TRANSACTIONS OF 50000 ROWS")
                timed(f"both: {name}", statements, "CALL db.awaitIndexes(3600)")
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

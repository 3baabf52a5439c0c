"""What the Neo4j write benchmarks share: their common options, an emptied store, loading everything
but the SUPPLIES, writing rows with one bare ``UNWIND`` statement in fixed-size transactions, and
timing a piece of work.

Used by ``neo4j_properties.py``, ``neo4j_parallel_ceiling.py`` and ``neo4j_write_profile.py``.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

TRANSACTION_ROWS = 20_000
STATEMENT_ROWS = 10_000


def neo4j_arguments(doc: str, default_scale: int) -> argparse.ArgumentParser:
    """A parser with ``--scale``, ``--seed`` and ``--neo4j-uri`` (a Neo4j of its own, port 7688)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=default_scale)
    parser.add_argument("--seed", type=int, default=8810)
    parser.add_argument("--neo4j-uri", default=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7688"))
    return parser


@contextmanager
def empty_store(uri: str) -> Iterator[Any]:
    """A Neo4jStore on ``uri``, emptied and its schema ensured; emptied again and closed afterwards."""
    from stores.neo4j_store import Neo4jStore

    store = Neo4jStore.connect(uri)
    store.clear()
    store.ensure_schema()
    try:
        yield store
    finally:
        store.clear()
        store.close()


def timed(what: str, items: int, unit: str, work: Callable[[], object]) -> None:
    """Run ``work`` and print how long it took and how many ``unit`` a second that makes."""
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    print(f"{what}: {seconds:.2f} s, {items / seconds:,.0f} {unit}/s")


def write_all_but_supplies(store: Any, batches: Iterable[Any]) -> None:
    """Write each batch's nodes and its relationships other than SUPPLIES."""
    from stores.base import WriteBatch

    for batch in batches:
        store.write(WriteBatch(nodes=batch.nodes, relationships=[r for r in batch.relationships if r.type != "SUPPLIES"]))


def run_in_transactions(store: Any, query: str, rows: Sequence[dict]) -> None:
    """``query`` over ``rows`` (as ``$rows``), STATEMENT_ROWS per statement, TRANSACTION_ROWS per
    transaction: the bare statement, without the store's bookkeeping."""
    for start in range(0, len(rows), TRANSACTION_ROWS):
        with store.session() as session, session.begin_transaction() as tx:
            for chunk in range(start, min(start + TRANSACTION_ROWS, len(rows)), STATEMENT_ROWS):
                tx.run(query, rows=rows[chunk : chunk + STATEMENT_ROWS]).consume()
            tx.commit()

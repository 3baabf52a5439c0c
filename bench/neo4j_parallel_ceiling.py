"""How much two concurrent write transactions can gain over one on this machine's Neo4j.

Writes the demo's SUPPLIES whose two enterprises fall in the same half of a hash partition (so the
two halves share no node and cannot deadlock or wait on each other's locks), first one half after
the other in one thread, then both halves at once in two threads, with the store's ``UNWIND …
MERGE`` statement in 20,000-row transactions. Enterprises, products and the other relationships are
written first and are not timed; the SUPPLIES are deleted between rounds. This is the best case for
parallel writes: real batches also touch shared product, park and supplier nodes, which ``MERGE``
locks.

Usage (a Neo4j of its own; see bench_import.py)::

    .venv/bin/python bench/neo4j_parallel_ceiling.py --scale 100000 --neo4j-uri bolt://127.0.0.1:7688
"""

from __future__ import annotations

import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def half_of(node_id: str) -> int:
    """0 or 1, stable across runs.

    >>> half_of("ent:demo-1-0000000") in (0, 1)
    True
    """
    return zlib.crc32(node_id.encode()) & 1


def main() -> None:
    from loaders.demo import generate
    from neo4j_bench import empty_store, neo4j_arguments, run_in_transactions, timed, write_all_but_supplies
    from stores import cypher

    parser = neo4j_arguments(__doc__, default_scale=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    with empty_store(args.neo4j_uri) as store:
        halves: tuple[list[dict], list[dict]] = ([], [])
        for batch in generate(args.scale, args.seed):
            write_all_but_supplies(store, [batch])
            for rel in batch.relationships:
                if rel.type == "SUPPLIES" and half_of(rel.src) == half_of(rel.dst):
                    props = rel.properties()
                    del props["product"]  # held by the MERGE key, as Neo4jStore.write does
                    halves[half_of(rel.src)].append({"src": rel.src, "dst": rel.dst, "key": rel.key, "props": props})
        query = cypher.merge_relationships_query("SUPPLIES", "Enterprise", "Enterprise", merge_on="product")
        total = sum(map(len, halves))
        print(f"scale {args.scale:,}: {len(halves[0]):,} + {len(halves[1]):,} SUPPLIES inside the two halves")

        def write(rows: list[dict]) -> None:
            run_in_transactions(store, query, rows)

        def one_after_the_other() -> None:
            write(halves[0])
            write(halves[1])

        def at_once() -> None:
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(write, halves))

        for _ in range(args.rounds):
            for threads, work in ((1, one_after_the_other), (2, at_once)):
                with store.session() as session:  # the SUPPLIES of the round before
                    session.run(cypher.for_type(cypher.DELETE_RELATIONSHIPS, "SUPPLIES")).consume()
                timed(f"{threads} thread(s)", total, "SUPPLIES", work)


if __name__ == "__main__":
    main()

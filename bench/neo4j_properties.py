"""How much of Neo4j's relationship write cost is the relationships' properties.

Writes the demo's SUPPLIES (their enterprises and products already stored) with ``UNWIND … MERGE``
in 20,000-row transactions, four ways: with all properties, without ``source``, with an ASCII
``source`` instead of the Chinese one, and with no properties. The database is emptied first.

Usage (a Neo4j of its own; see bench_import.py)::

    .venv/bin/python bench/neo4j_properties.py --scale 20000 --neo4j-uri bolt://127.0.0.1:7688
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

VARIANTS: dict[str, Callable[[dict], dict]] = {
    "all properties": lambda props: props,
    "without source": lambda props: {k: v for k, v in props.items() if k != "source"},
    "ASCII source": lambda props: {**props, "source": "ChainAtlas demo generator; synthetic"},
    "no properties": lambda props: {},
}


def main() -> None:
    from loaders.demo import generate
    from neo4j_bench import empty_store, neo4j_arguments, run_in_transactions, timed, write_all_but_supplies
    from stores import cypher

    parser = neo4j_arguments(__doc__, default_scale=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    query = cypher.merge_relationships_query("SUPPLIES", "Enterprise", "Enterprise")  # keyed by a copy of the product
    batches = list(generate(args.scale, args.seed))
    supplies = [
        {"src": rel.src, "dst": rel.dst, "key": rel.key, "props": rel.properties()}
        for batch in batches for rel in batch.relationships if rel.type == "SUPPLIES"
    ]
    print(f"{len(supplies):,} SUPPLIES, scale {args.scale:,}")
    with empty_store(args.neo4j_uri) as store:
        for _ in range(args.rounds):
            for name, shape in VARIANTS.items():
                store.clear()
                write_all_but_supplies(store, batches)
                rows = [{**row, "props": shape(row["props"])} for row in supplies]
                timed(name, len(rows), "relationships", partial(run_in_transactions, store, query, rows))


if __name__ == "__main__":
    main()

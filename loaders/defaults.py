"""Defaults the loaders and the CLI share, in a module that imports nothing (the CLI starts without
loading the loaders themselves).

>>> IMPORT_CHUNK_SIZE, DEMO_BATCH_SIZE, DEMO_ROW_BATCH_SIZE
(5000, 20000, 100000)
"""

IMPORT_CHUNK_SIZE = 5000
"""Items a transaction of a file import: Neo4j writes 5,000–50,000 alike (docs/benchmarks.md); two
chunks of models are in flight, so fewer hold less memory."""
DEMO_SCALE = 3000
DEMO_SEED = 8810
DEMO_BATCH_SIZE = 20000
"""Items a transaction of the demo: larger transactions amortise commits (SQLite: ~2× faster SUPPLIES
at 100k than 5000)."""
DEMO_ROW_BATCH_SIZE = 100_000
"""Items a transaction of the demo written as rows into the embedded store (``loaders.demo_rows``): the
SUPPLIES links land all over the relationship key's index, and each transaction writes every index
page it touched to the WAL once, so fewer, larger transactions write far less (1M demo: 26 GB written
at 20,000, docs/benchmarks.md)."""

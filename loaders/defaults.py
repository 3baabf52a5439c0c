"""Defaults the loaders and the CLI share, in a module that imports nothing (the CLI starts without
loading the loaders themselves).

>>> IMPORT_CHUNK_SIZE, DEMO_BATCH_SIZE
(5000, 20000)
"""

IMPORT_CHUNK_SIZE = 5000
"""Items a transaction of a file import: Neo4j writes 5,000–50,000 alike (docs/benchmarks.md); two
chunks of models are in flight, so fewer hold less memory."""
DEMO_SCALE = 3000
DEMO_SEED = 8810
DEMO_BATCH_SIZE = 20000
"""Items a transaction of the demo: larger transactions amortise commits (SQLite: ~2× faster SUPPLIES
at 100k than 5000)."""

"""Named points in an import where the fault suite (``tests/faults``) stops the process to kill it.

Inert unless the environment variable ``CHAINATLAS_FAULT`` names a point; then, when the import
reaches that point, the process writes its pid into the file ``CHAINATLAS_FAULT_FILE`` and waits
while that file exists. The suite kills the waiting process (``kill -9``) or the Neo4j server
under it, or deletes the file to let the import go on and meet the fault. Each point stops a
process once (a retried transaction passes it again without stopping).

Points: ``begun`` (the import is recorded, nothing written), ``batch:N`` (the N-th batch is
committed as pending), ``publish`` (inside the publishing transaction, its statements run, not
committed), ``published`` (committed, before the command reports).

>>> reached("batch:1")  # no CHAINATLAS_FAULT: returns at once
"""

from __future__ import annotations

import os
import time
from pathlib import Path

_passed: set[str] = set()


def reached(point: str) -> None:
    """Stop here while ``CHAINATLAS_FAULT`` names ``point`` (see the module's docstring)."""
    if os.environ.get("CHAINATLAS_FAULT") != point or point in _passed:
        return
    _passed.add(point)
    marker = Path(os.environ["CHAINATLAS_FAULT_FILE"])
    marker.write_text(str(os.getpid()))
    while marker.exists():
        time.sleep(0.02)

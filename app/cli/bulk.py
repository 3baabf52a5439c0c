"""``--bulk`` of ``chainatlas import`` and ``chainatlas demo``: the first load of an empty Neo4j through
``neo4j-admin database import full`` (``stores/neo4j_bulk.py``) instead of the driver's transactions.

::

    CHAINATLAS_STORE=neo4j chainatlas demo --scale 100000 --bulk
    CHAINATLAS_STORE=neo4j chainatlas import 企业名录.xlsx 供应关系.csv --bulk

Refused (exit 2, Chinese reason, nothing changed) on the embedded store, on a Neo4j not started by
``scripts/neo4j.sh`` on this machine, and on a database that holds data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

from app.cli.context import fail, settings
from stores.base import GraphStore

if TYPE_CHECKING:  # the driver is loaded only for a bulk load
    from stores.neo4j_bulk import BulkLoadSummary, InitialLoad


@dataclass(frozen=True)
class LoadTarget:
    """Where a command writes: ``store`` (the bulk load's, with ``--bulk``), and ``finish()``, to call
    once everything is written (the bulk load's offline import; nothing otherwise)."""

    store: GraphStore
    finish: Callable[[], object]


@contextmanager
def load_target(store: GraphStore, bulk: bool) -> Iterator[LoadTarget]:
    """``store`` itself, or with ``bulk`` the bulk initial load into it (refused: exit code 2)."""
    if not bulk:
        yield LoadTarget(store, lambda: None)
        return
    with bulk_load(store) as load:
        yield LoadTarget(load.store, lambda: finish(load))


@contextmanager
def bulk_load(store: GraphStore) -> Iterator[InitialLoad]:
    """The bulk initial load into ``store`` (its ``store`` takes the batches, ``finish`` imports
    them); refused: exit code 2 with the reason."""
    from stores.neo4j_bulk import BulkLoadRefused, initial_load

    with ExitStack() as stack:
        try:
            load = stack.enter_context(initial_load(store, settings().neo4j_uri))
        except BulkLoadRefused as exc:
            raise fail(str(exc), 2) from None
        yield load


def finish(load: InitialLoad) -> BulkLoadSummary:
    """Import what ``load`` took and say so on stderr (stdout keeps the command's own output)."""
    typer.echo("批量导入 / bulk load: 停止 Neo4j，neo4j-admin database import full，重新启动…", err=True)
    summary = load.finish()
    steps = "，".join(f"{name} {seconds:.1f} 秒" for name, seconds in summary.seconds.items())
    typer.echo(f"批量导入完成：离线导入 {summary.imported:,} 个节点和关系，重复项经驱动写入 {summary.repeats:,} 个（{steps}）", err=True)
    return summary

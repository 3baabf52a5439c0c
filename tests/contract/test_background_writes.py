"""stores.background.write_batches: ordered writes in a worker thread, stopping at the first failure."""

from __future__ import annotations

import threading

import pytest

from graph_schema import Chain, Supplies
from graph_schema.errors import MissingEndpointError
from stores.background import write_batches
from stores.base import WriteBatch
from stores.embedded import EmbeddedStore


def chain_batch(number: int) -> WriteBatch:
    return WriteBatch(nodes=[Chain(id=f"chain:c{number}", name=f"链{number}", kind="新兴")])


def open_store() -> EmbeddedStore:
    store = EmbeddedStore(":memory:")
    store.ensure_schema()
    return store


def test_batches_are_written_in_order_by_another_thread() -> None:
    store = open_store()
    seen: list[tuple[str, str]] = []

    def on_written(batch: WriteBatch) -> None:
        seen.append((batch.nodes[0].id, threading.current_thread().name))

    assert write_batches(store, (chain_batch(n) for n in range(5)), on_written=on_written) == 5
    assert [node_id for node_id, _ in seen] == [f"chain:c{n}" for n in range(5)]
    assert {thread for _, thread in seen} == {"chainatlas-writer"}
    assert store.counts()["Chain"] == 5


def test_first_failed_write_stops_the_rest_and_is_raised() -> None:
    store = open_store()
    dangling = WriteBatch(relationships=[Supplies(src="ent:a", dst="ent:b", product="product:x")])
    batches = [chain_batch(0), dangling, chain_batch(2), chain_batch(3)]
    with pytest.raises(MissingEndpointError):
        write_batches(store, batches, ahead=4)
    assert store.get_node("chain:c0") is not None
    assert store.get_node("chain:c2") is None and store.get_node("chain:c3") is None


def test_producer_error_is_raised_after_queued_batches_are_written() -> None:
    store = open_store()

    def produce():
        yield chain_batch(0)
        raise ValueError("bad row")

    with pytest.raises(ValueError, match="bad row"):
        write_batches(store, produce())
    assert store.get_node("chain:c0") is not None


def test_timings_report_seconds_inside_store_write() -> None:
    timings: dict[str, float] = {}
    write_batches(open_store(), [chain_batch(0)], timings=timings)
    assert timings["write"] > 0

"""The per-revision cache: bounded recent results, no stale result kept across an import, the
garbage collector kept off large projections, and cached-only answers that never compute, wait or go stale."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Iterator

import pytest

from app.readmodel import graph_cache
from app.readmodel.cached_answers import answer
from app.readmodel.graph_cache import GraphCache, NotCached
from graph_schema import Chain
from stores.base import WriteBatch
from stores.embedded import EmbeddedStore


@pytest.fixture
def store() -> Iterator[EmbeddedStore]:
    embedded = EmbeddedStore(":memory:")
    embedded.ensure_schema()
    embedded.write(WriteBatch(nodes=[Chain(id="chain:aviation", name="航空", kind="新兴")]))
    yield embedded
    embedded.close()


def add_chain(store: EmbeddedStore, name: str) -> None:
    store.write(WriteBatch(nodes=[Chain(id=f"chain:{name}", name=name, kind="新兴")]))


def test_recent_keeps_only_the_most_recently_used(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graph_cache, "RECENT_LIMIT", 2)
    cache = GraphCache(store)
    calls: list[int] = []

    def compute(n: int):  # type: ignore[no-untyped-def]
        return lambda: calls.append(n) or [n]

    first = cache.recent(("k", 1), compute(1))
    cache.recent(("k", 2), compute(2))
    assert cache.recent(("k", 1), compute(1)) is first  # used again: now the most recent
    cache.recent(("k", 3), compute(3))  # evicts 2, the least recently used
    cache.recent(("k", 1), compute(1))
    cache.recent(("k", 2), compute(2))
    assert calls == [1, 2, 3, 2]


def test_results_follow_the_revision(store: EmbeddedStore) -> None:
    cache = GraphCache(store)
    count = lambda: cache.graph().number_of_nodes()  # noqa: E731
    assert cache.memo(("n",), count) == cache.recent(("n",), count) == 1
    add_chain(store, "cars")
    assert cache.memo(("n",), count) == cache.recent(("n",), count) == 2


def test_a_result_computed_across_an_import_is_not_kept(store: EmbeddedStore) -> None:
    cache = GraphCache(store)

    def compute_while_importing() -> int:
        before = cache.graph().number_of_nodes()
        add_chain(store, "cars")
        cache.graph()  # another request notices the import meanwhile
        return before

    assert cache.memo(("n",), compute_while_importing) == 1  # the caller gets what it computed ...
    assert cache.memo(("n",), lambda: cache.graph().number_of_nodes()) == 2  # ... but it was not kept
    assert cache.recent(("r",), compute_while_importing) == 2
    assert cache.recent(("r",), lambda: -1) == -1


def test_large_projections_are_frozen_out_of_full_collections(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    unfrozen: list[bool] = []
    real_unfreeze = gc.unfreeze
    monkeypatch.setattr(gc, "unfreeze", lambda: unfrozen.append(True) or real_unfreeze())
    real_unfreeze()
    try:
        small = GraphCache(store)  # the default threshold is far above one node
        small.graph()
        assert gc.get_freeze_count() == 0
        cache = GraphCache(store, freeze_gc_above=1)
        graph = cache.graph()
        assert gc.get_freeze_count() > 0
        add_chain(store, "cars")
        assert cache.graph() is not graph and unfrozen == [True]  # handed back, then the new one frozen
        assert gc.get_freeze_count() > 0
    finally:
        real_unfreeze()


def test_cached_only_answers_only_what_is_cached_for_the_current_revision(store: EmbeddedStore) -> None:
    cache = GraphCache(store)
    with pytest.raises(NotCached), cache.cached_only():
        cache.graph()
    graph = cache.graph()
    assert cache.memo(("n",), lambda: 1) == 1 and cache.recent(("r",), lambda: 2) == 2
    with cache.cached_only():
        assert cache.graph() is graph and cache.memo(("n",), lambda: 0) == 1 and cache.recent(("r",), lambda: 0) == 2
        with pytest.raises(NotCached):
            cache.graph("chain:aviation")  # not projected yet
    add_chain(store, "cars")  # an import: nothing cached is current any more
    for read in (cache.graph, lambda: cache.memo(("n",), lambda: 0), lambda: cache.recent(("r",), lambda: 0)):
        with pytest.raises(NotCached), cache.cached_only():
            read()
    assert cache.graph().number_of_nodes() == 2


def test_cached_only_never_waits(store: EmbeddedStore) -> None:
    class SlowStore(EmbeddedStore):
        def analysis_columns(self, chain_id=None):  # type: ignore[no-untyped-def]
            started.set()
            release.wait(10)
            return super().analysis_columns(chain_id)

    started, release = threading.Event(), threading.Event()
    slow = SlowStore(":memory:")
    slow.ensure_schema()
    cache = GraphCache(slow)
    projecting = threading.Thread(target=cache.graph)
    projecting.start()
    try:
        assert started.wait(10)
        began = time.perf_counter()
        with pytest.raises(NotCached), cache.cached_only():
            cache.graph()
        assert time.perf_counter() - began < 1
    finally:
        release.set()
        projecting.join()
    with cache.cached_only():
        cache.graph()
        with pytest.raises(NotCached), cache.writing():  # the store may be locked by a write
            cache.graph()
    remote = GraphCache(slow, local_revision=False)  # a revision read would be a round trip (Neo4j)
    remote.graph()
    with pytest.raises(NotCached), remote.cached_only():
        remote.graph()
    slow.close()


def test_answer_runs_the_slow_way_until_cached(store: EmbeddedStore) -> None:
    cache = GraphCache(store)
    ways: list[str] = []

    def fast() -> int:
        ways.append("fast")
        return cache.memo(("n",), lambda: 7)

    def slow() -> int:
        ways.append("slow")
        return cache.memo(("n",), lambda: 7)

    assert asyncio.run(answer(cache, fast, slow)) == 7
    assert asyncio.run(answer(cache, fast, slow)) == 7
    assert ways == ["fast", "slow", "fast"]


def test_encoded_answers_are_kept_per_revision_within_a_byte_budget(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graph_cache, "ENCODED_LIMIT_BYTES", 10)
    cache = GraphCache(store)
    encodings: list[str] = []

    def encode(text: str):  # type: ignore[no-untyped-def]
        return lambda: encodings.append(text) or text.encode()

    assert cache.encoded(("a",), encode("aaaa")) == b"aaaa"
    with cache.cached_only():  # served from the bytes, nothing encoded again
        assert cache.encoded(("a",), encode("x")) == b"aaaa"
    cache.encoded(("b",), encode("bbbb"))
    cache.encoded(("a",), encode("x"))  # used again: now the most recent
    cache.encoded(("c",), encode("cccc"))  # 12 bytes: the least recently used (b) goes
    assert cache.encoded_size == (2, 8)
    with pytest.raises(NotCached), cache.cached_only():
        cache.encoded(("b",), encode("x"))
    with graph_cache.dated("2024-12-31"):  # another date is another answer
        assert cache.encoded(("a",), encode("dated")) == b"dated"
    add_chain(store, "cars")  # an import: no answer of the old data is served
    with pytest.raises(NotCached), cache.cached_only():
        cache.encoded(("a",), encode("x"))
    assert cache.encoded(("a",), encode("new")) == b"new"
    assert encodings == ["aaaa", "bbbb", "cccc", "dated", "new"]


def test_prepared_only_does_small_work_but_refuses_long_computations(store: EmbeddedStore) -> None:
    cache = GraphCache(store)
    with pytest.raises(graph_cache.NotPrepared), cache.prepared_only():
        cache.graph()  # no projection yet
    cache.graph()
    with cache.prepared_only():
        assert cache.recent(("page",), lambda: [1]) == [1] and cache.encoded(("answer",), lambda: b"1") == b"1"
        for long in (lambda: cache.memo(("n",), lambda: 1), lambda: cache.view("chain:aviation"), lambda: cache.graph("chain:aviation")):
            with pytest.raises(graph_cache.NotPrepared):
                long()
    assert cache.memo(("n",), lambda: 1) == 1
    with cache.prepared_only():
        assert cache.memo(("n",), lambda: 2) == 1


def test_a_memo_result_is_computed_once_while_others_wait_for_it(store: EmbeddedStore) -> None:
    cache = GraphCache(store)
    cache.graph()
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def compute() -> int:
        calls.append(threading.current_thread().name)
        started.set()
        release.wait(10)
        return 42

    found: list[int] = []
    first = threading.Thread(target=lambda: found.append(cache.memo(("slow",), compute)), name="first")
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=lambda: found.append(cache.memo(("slow",), compute)), name="second")
    second.start()
    second.join(0.3)
    assert second.is_alive()  # waiting for the first (had it computed, calls would name it)
    with pytest.raises(graph_cache.NotPrepared), cache.prepared_only():
        cache.memo(("slow",), compute)  # under way: a prepared-only request does not wait for it
    release.set()
    first.join(10)
    second.join(10)
    assert found == [42, 42] and calls == ["first"]


def test_close_waits_for_the_background_build_and_starts_no_more(store: EmbeddedStore) -> None:
    cache = GraphCache(store)
    release, builds = threading.Event(), []

    def slow_build() -> None:
        release.wait(5)
        builds.append("slow")

    cache.build_soon(slow_build)
    threading.Timer(0.3, release.set).start()
    started = time.monotonic()
    cache.close(timeout=5)
    assert builds == ["slow"] and time.monotonic() - started >= 0.2  # it waited for the build under way
    cache.build_soon(lambda: builds.append("after close"))
    time.sleep(0.1)
    assert builds == ["slow"]


def test_a_build_that_outlives_close_fails_quietly_once_the_store_is_gone(store: EmbeddedStore) -> None:
    """Seen in CI: a background projection read a store the test had closed after the app shut down
    (sqlite3.ProgrammingError in thread chainatlas-cache)."""
    cache = GraphCache(store)
    reading, failures = threading.Event(), []
    original_hook = threading.excepthook
    threading.excepthook = lambda args: failures.append(args.exc_value)
    try:
        def build_on_a_closed_store() -> None:
            reading.wait(5)
            cache.graph()  # the store is closed by now

        cache.build_soon(build_on_a_closed_store)
        builder = cache._builder
        cache.close(timeout=0.05)  # gives up waiting: the build is still under way
        store.close()
        reading.set()
        assert builder is not None
        builder.join(5)
    finally:
        threading.excepthook = original_hook
    assert failures == []


def test_a_build_that_fails_while_open_is_not_hidden(store: EmbeddedStore) -> None:
    cache = GraphCache(store)
    failures = []
    original_hook = threading.excepthook
    threading.excepthook = lambda args: failures.append(args.exc_value)
    try:
        cache.build_soon(lambda: 1 / 0)
        assert cache._builder is not None
        cache._builder.join(5)
    finally:
        threading.excepthook = original_hook
    assert [type(failure) for failure in failures] == [ZeroDivisionError]

"""Projections cached per store revision: analyses run on the compact analysis graph
(``queries.compact.CompactGraph``: the fields the analyses read, in numpy columns) that is rebuilt only
when the store has changed since it was projected. What a page or an answer shows beyond those
fields (an enterprise's credit code, aliases, source …) is read from the store for the rows shown:
``GraphCache.records``.

Once the projections are large (``freeze_gc_above`` nodes), what the cache keeps is moved out of the
garbage collector's sight with ``gc.freeze()``: a full collection would otherwise walk the
millions of objects of the projection, pausing every request for a second or two. A change of
revision hands them back (``gc.unfreeze()``) so the old projection can be collected.

Inside ``cached_only()`` the cache answers only from what it holds for the store's current
revision and raises ``NotCached`` instead of projecting, computing or waiting for its lock: a
request may then be answered on the event loop and is handed to a worker thread otherwise.
Inside ``prepared_only()`` it may do the small work (a filter, a page, encoding an answer) but
raises ``NotPrepared`` instead of projecting, building a view or computing a ``memo`` result: the
request is then answered 正在准备 while that is done in the background (``app.readmodel.preparing``).

A ``memo`` result or a view is computed by one thread at a time: another thread that needs it
meanwhile waits for it instead of computing it again. ``encoded`` keeps encoded answers (bytes) of
the current revision, the most recently used first, within ``ENCODED_LIMIT_BYTES``.

>>> from stores.embedded import EmbeddedStore
>>> store = EmbeddedStore(":memory:"); store.ensure_schema()
>>> cache = GraphCache(store)
>>> cache.graph() is cache.graph()
True
>>> cache.recent(("page", 1), lambda: [1, 2]) is cache.recent(("page", 1), lambda: [3])
True
>>> with cache.cached_only():
...     cache.memo(("never computed",), lambda: 1)
Traceback (most recent call last):
app.readmodel.graph_cache.NotCached
>>> with cache.prepared_only():
...     cache.recent(("page", 2), lambda: [3, 4]), cache.encoded(("answer",), lambda: b"[3,4]")
([3, 4], b'[3,4]')
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from app.readmodel.store_health import StoreHealth
from graph_schema.errors import ChainAtlasError, StoreUnavailable
from queries.compact import CompactGraph, project_compact
from stores.analysis_columns import COLUMNS
from stores.base import GraphStore, NodeRecord

RECENT_LIMIT = 128
RECORD_LIMIT = 4096  # store records (every property) kept for the rows pages and answers show
ENCODED_LIMIT_BYTES = 64 * 1024 * 1024  # encoded answers kept, at most; the least recently used go first
ENCODED_ENTRY_LIMIT_BYTES = 8 * 1024 * 1024  # a larger answer is not kept
WAIT_SLICE_SECONDS = 0.25  # how often a request waiting for the lock or a result looks at the store's health
PREPARED_LOCK_WAIT = 0.25  # seconds prepared_only() waits for the lock (held long only by a projection)
Key = tuple[object, ...]  # what a result is kept under: the analysis' name and its parameters
T = TypeVar("T")
_CACHED_ONLY: ContextVar[bool] = ContextVar("chainatlas_cached_only", default=False)
_PREPARED_ONLY: ContextVar[bool] = ContextVar("chainatlas_prepared_only", default=False)
_AS_OF: ContextVar[str | None] = ContextVar("chainatlas_as_of", default=None)


@contextmanager
def dated(as_of: str | None) -> Iterator[None]:
    """Inside it, ``GraphCache.view`` and ``memo`` answer as of the ISO date ``as_of`` (None: the
    latest data): views are built with ``chain_view(..., as_of=...)`` and results kept under the date.

    >>> from stores.embedded import EmbeddedStore
    >>> store = EmbeddedStore(":memory:"); store.ensure_schema()
    >>> cache = GraphCache(store)
    >>> with dated("2021-12-31"):
    ...     cache.view().as_of
    '2021-12-31'
    >>> cache.view().as_of is None
    True
    """
    token = _AS_OF.set(as_of)
    try:
        yield
    finally:
        _AS_OF.reset(token)


def current_as_of() -> str | None:
    """The date ``dated`` set for this request, None for the latest data."""
    return _AS_OF.get()


class NotCached(Exception):
    """Raised inside ``GraphCache.cached_only()`` where an answer would have to be computed or waited for."""


class NotPrepared(Exception):
    """Raised inside ``GraphCache.prepared_only()`` where a projection, a view or a ``memo`` result
    would have to be computed (or a projection under way waited for)."""


class GraphCache:
    """Whole-graph and per-chain projections of one store, reused until its revision changes.

    ``local_revision``: reading the store's revision is a quick local read (the embedded store's
    file; a Neo4j round trip is not), so ``cached_only()`` may do it; by default what the store
    says of itself (``GraphStore.revision_is_in_process``).
    """

    def __init__(self, store: GraphStore, *, freeze_gc_above: int = 20_000, local_revision: bool | None = None,
                 health: StoreHealth | None = None) -> None:
        self._store = store
        self._health = health
        self._freeze_gc_above = freeze_gc_above
        self._local_revision = store.revision_is_in_process if local_revision is None else local_revision
        self._lock = threading.Lock()
        self._revision: int | None = None
        self._graphs: dict[str | None, CompactGraph] = {}
        self._views: dict[tuple[str | None, str | None], object] = {}
        self._results: dict[Key, object] = {}
        self._recent: OrderedDict[Key, object] = OrderedDict()
        self._encoded: OrderedDict[Key, bytes] = OrderedDict()
        self._encoded_bytes = 0
        self._records: OrderedDict[str, NodeRecord] = OrderedDict()
        self._computing: dict[tuple[int | None, object], threading.Event] = {}  # memo results and views under way
        self._froze = False
        self._writes = 0
        self._writes_lock = threading.Lock()
        self._building = False
        self._builder: threading.Thread | None = None
        self._closed = False

    def graph(self, chain_id: str | None = None) -> CompactGraph:
        """The projection of the whole graph (``None``) or of one chain; treat it as read-only.

        While the store is down (``StoreHealth``) a projection already held is returned as it is (the
        last known revision's); anything else raises StoreUnavailable.
        """
        if _CACHED_ONLY.get():
            return self._cached_graph(chain_id)
        try:
            revision = self._read_revision()
        except StoreUnavailable:
            with self._holding():
                if self._revision is not None and chain_id in self._graphs:
                    return self._graphs[chain_id]
            raise
        with self._holding():
            if revision != self._revision:
                self._drop_all(revision)
            if chain_id not in self._graphs:
                _refuse_unprepared()
                with _collector_paused():  # millions of new objects that all live on: a collection would find nothing
                    self._graphs[chain_id] = project_compact(self._store, chain_id)
                self._settle()
            return self._graphs[chain_id]

    @property
    def store(self) -> GraphStore:
        return self._store

    def records(self, node_ids: Iterable[str]) -> dict[str, NodeRecord]:
        """The records of the nodes ``node_ids`` with every property, as the store gives them (``get_node``),
        for those the whole projection holds. The compact graph holds only the analyses' fields of the
        labels read as columns (``stores.analysis_columns.COLUMNS``: an enterprise's credit code, aliases,
        source … are not there): those are read from the store in one batch and kept for the current
        revision (the ``RECORD_LIMIT`` most recently used); the other labels' come from the graph.
        Under ``cached_only()`` a record not kept is ``NotCached``; while the store is down, those kept
        are still given.

        >>> from stores.embedded import EmbeddedStore
        >>> from graph_schema import Enterprise
        >>> from stores.base import WriteBatch
        >>> store = EmbeddedStore(":memory:"); store.ensure_schema()
        >>> store.write(WriteBatch(nodes=[Enterprise(id="ent:a", name="甲", credit_code="91360100MA35GWXY5H")]))
        >>> cache = GraphCache(store)
        >>> "credit_code" in cache.graph().nodes["ent:a"], cache.records(["ent:a", "ent:none"])["ent:a"]["credit_code"]
        (False, '91360100MA35GWXY5H')
        """
        graph = self.graph()
        found: dict[str, NodeRecord] = {}
        wanted: list[str] = []
        for node_id in dict.fromkeys(node_ids):
            label = graph.label_of(node_id)
            if label is None:
                continue
            if label not in COLUMNS:
                found[node_id] = {"id": node_id, **graph.nodes[node_id]}
            else:
                wanted.append(node_id)
        with self._holding():
            revision = self._revision
            for node_id in wanted:
                if node_id in self._records:
                    self._records.move_to_end(node_id)
                    found[node_id] = self._records[node_id]
        missing = [node_id for node_id in wanted if node_id not in found]
        if missing:
            _refuse_when_cached_only()
            read = {record["id"]: {"id": record["id"], **record} for record in self._store.get_nodes(missing)}
            with self._lock:
                for node_id in missing:
                    record = read.get(node_id)
                    if record is None:  # gone since the projection: what the projection holds
                        record = {"id": node_id, **graph.nodes[node_id]}
                    elif self._revision == revision:
                        self._records[node_id] = record
                    found[node_id] = record
                while len(self._records) > RECORD_LIMIT:
                    self._records.popitem(last=False)
        return {node_id: found[node_id] for node_id in dict.fromkeys(node_ids) if node_id in found}

    def record(self, node_id: str) -> NodeRecord | None:
        """``records([node_id])``'s one record (None: not in the whole projection)."""
        return self.records([node_id]).get(node_id)

    def view(self, chain_id: str | None = None):  # type: ignore[no-untyped-def]
        """The analyses' ``ChainView`` of one chain (or of the whole graph), built once per revision."""
        from queries.view import chain_view

        as_of = _AS_OF.get()
        return self._once(self._views, (chain_id, as_of), lambda: chain_view(self.graph(chain_id), chain_id, as_of=as_of),
                          chain_id=chain_id)

    def memo(self, key: Key, compute: Callable[[], T]) -> T:
        """``compute()`` once per store revision for ``key`` (an analysis and its parameters, and the
        date ``dated`` set)."""
        return self._once(self._results, _dated_key(key), compute)

    def encoded(self, key: Key, encode: Callable[[], bytes]) -> bytes:
        """``encode()`` (an answer's bytes) kept for ``key`` and the date ``dated`` set until the revision
        changes; the least recently used are dropped beyond ``ENCODED_LIMIT_BYTES``. Refused under
        ``cached_only()`` when not held (encoding is work), done under ``prepared_only()``."""
        key = _dated_key(key)
        revision = self._current()
        with self._holding():
            if key in self._encoded:
                self._encoded.move_to_end(key)
                return self._encoded[key]
        _refuse_when_cached_only()
        body = encode()
        with self._lock:
            if self._revision == revision and key not in self._encoded and len(body) <= ENCODED_ENTRY_LIMIT_BYTES:
                self._encoded[key] = body
                self._encoded_bytes += len(body)
                while self._encoded_bytes > ENCODED_LIMIT_BYTES:
                    self._encoded_bytes -= len(self._encoded.popitem(last=False)[1])
        return body

    @property
    def encoded_size(self) -> tuple[int, int]:
        """How many encoded answers are kept, and their bytes."""
        with self._lock:
            return len(self._encoded), self._encoded_bytes

    def _once(self, kept: dict[Any, Any], key: Any, compute: Callable[[], T], *, chain_id: str | None = None) -> T:
        """``kept[key]``, computed by ``compute()`` if missing, by one thread at a time: another thread
        waits for the one computing it (under ``cached_only()``/``prepared_only()`` it refuses instead).
        ``chain_id``: the projection the result is built from (the revision is checked through it)."""
        while True:
            revision = self._current(chain_id)
            with self._holding():
                if key in kept:
                    return cast(T, kept[key])
                _refuse_when_cached_only()
                _refuse_unprepared()
                under_way = self._computing.get((revision, key))
                if under_way is None:
                    done = self._computing[revision, key] = threading.Event()
                    break
            self._wait_while_up(under_way.wait)  # then look again: it is kept now, unless that computation failed or an import landed
        try:
            result = compute()
            with self._lock:
                if self._revision == revision:  # not kept when an import landed meanwhile
                    kept[key] = result
                    self._settle()
            return result
        finally:
            with self._lock:
                del self._computing[revision, key]
            done.set()

    def recent(self, key: Key, compute: Callable[[], T]) -> T:
        """Like ``memo`` for results with open-ended keys (a filter, a page): only the
        ``RECENT_LIMIT`` most recently used are kept."""
        key = _dated_key(key)
        revision = self._current()
        with self._holding():
            if key in self._recent:
                self._recent.move_to_end(key)
                return cast(T, self._recent[key])
        _refuse_when_cached_only()
        result = compute()
        with self._lock:
            if self._revision == revision:
                self._recent[key] = result
                if len(self._recent) > RECENT_LIMIT:
                    self._recent.popitem(last=False)
        return result

    def ready(self, key: Key | None = None) -> bool:
        """Whether the whole graph (and the ``memo`` result ``key``) is held for the store's current
        revision; never waits for a projection under way."""
        try:
            revision = self._read_revision()
        except StoreUnavailable:
            return False
        if not self._lock.acquire(blocking=False):
            return False
        try:
            return revision == self._revision and None in self._graphs and (key is None or key in self._results)
        finally:
            self._lock.release()

    def build_soon(self, build: Callable[[], object]) -> None:
        """Run ``build`` (which fills the cache) in a background thread, unless one is running already."""
        with self._writes_lock:
            if self._building or self._closed:
                return
            self._building = True

        def run() -> None:
            try:
                build()
            except ChainAtlasError:
                pass  # the store failed: the next request that needs it tries again and reports it
            except Exception:
                if not self._closed:
                    raise
                # closed under it: the app has shut down and its store may be closed; nobody waits for this
            finally:
                self._building = False

        self._builder = threading.Thread(target=run, name="chainatlas-cache", daemon=True)
        self._builder.start()

    def close(self, timeout: float = 5.0) -> None:
        """At the app's shutdown, before its store closes: no background build starts any more, and the
        one under way is given ``timeout`` seconds to end (a read cannot be interrupted; one that
        outlives it fails quietly once the store is closed).

        >>> from stores.embedded import EmbeddedStore
        >>> cache = GraphCache(EmbeddedStore(":memory:"))
        >>> cache.close()
        >>> cache.build_soon(lambda: 1 / 0)  # refused quietly: the cache is closed
        """
        with self._writes_lock:
            self._closed = True
            builder = self._builder
        if builder is not None:
            builder.join(timeout)

    @contextmanager
    def cached_only(self) -> Iterator[None]:
        """Inside: answer from what is cached for the current revision, or raise ``NotCached``."""
        token = _CACHED_ONLY.set(True)
        try:
            yield
        finally:
            _CACHED_ONLY.reset(token)

    @contextmanager
    def prepared_only(self) -> Iterator[None]:
        """Inside: do small work, but raise ``NotPrepared`` instead of projecting, building a view,
        computing a ``memo`` result or waiting for a projection under way."""
        token = _PREPARED_ONLY.set(True)
        try:
            yield
        finally:
            _PREPARED_ONLY.reset(token)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Around a write by this process: meanwhile ``cached_only()`` reads nothing from the store
        (the embedded store holds its lock for a whole batch, which the event loop must not wait for)."""
        with self._writes_lock:
            self._writes += 1
        try:
            yield
        finally:
            with self._writes_lock:
                self._writes -= 1

    def _cached_graph(self, chain_id: str | None) -> CompactGraph:
        if not self._local_revision or self._writes:
            raise NotCached
        with self._holding():  # held while reading the revision: a projection under way holds it too
            if chain_id not in self._graphs:
                raise NotCached
            try:
                current = self._read_revision()
            except StoreUnavailable:
                return self._graphs[chain_id]  # the last known revision's, while the store is down
            if current != self._revision:
                raise NotCached
            return self._graphs[chain_id]

    def _read_revision(self) -> int:
        """The store's revision, read now; through the health probe when there is one, so that a store
        that is down or frozen costs at most its timeout (StoreUnavailable)."""
        return self._health.fresh_revision() if self._health is not None else self._store.revision()

    @contextmanager
    def _holding(self) -> Iterator[None]:
        """The lock; under ``cached_only()`` only if it is free at once, under ``prepared_only()`` if it
        is free within ``PREPARED_LOCK_WAIT`` (only a projection holds it longer)."""
        if _CACHED_ONLY.get():
            if not self._lock.acquire(blocking=False):
                raise NotCached
        elif _PREPARED_ONLY.get():
            if not self._lock.acquire(timeout=PREPARED_LOCK_WAIT):
                raise NotPrepared
        else:
            self._wait_while_up(lambda seconds: self._lock.acquire(timeout=seconds))
        try:
            yield
        finally:
            self._lock.release()

    def _wait_while_up(self, wait: Callable[[float], bool]) -> None:
        """Call ``wait(seconds)`` (the lock's ``acquire``, an event's ``wait``) until it gives True; while the
        health probe says the store is down, StoreUnavailable instead: whoever holds the lock or computes
        the result may be stuck on a read from the frozen store, and a request is told within seconds."""
        while not wait(WAIT_SLICE_SECONDS):
            if self._health is not None and not self._health.up:
                self._health.revision()  # raises StoreUnavailable with the probe's reason

    def _current(self, chain_id: str | None = None) -> int | None:
        """The revision the caches are for, after dropping them if the store has changed (while the
        store is down: the last known one, if the projection of ``chain_id`` is held)."""
        self.graph(chain_id)
        with self._holding():
            return self._revision

    def _drop_all(self, revision: int) -> None:
        self._graphs.clear()
        self._views.clear()
        self._results.clear()
        self._recent.clear()
        self._encoded.clear()
        self._encoded_bytes = 0
        self._records.clear()
        self._revision = revision
        if self._froze:  # the old projection may now be collected
            gc.unfreeze()
            self._froze = False

    def _settle(self) -> None:
        """Freeze what is alive now out of full collections, once the projections are large."""
        if sum(graph.number_of_nodes() for graph in self._graphs.values()) >= self._freeze_gc_above:
            gc.freeze()
            self._froze = True


def _refuse_when_cached_only() -> None:
    if _CACHED_ONLY.get():
        raise NotCached


def _dated_key(key: Key) -> Key:
    """``key`` with the date ``dated`` set, if any: what a result is kept under."""
    as_of = _AS_OF.get()
    return key if as_of is None else (*key, ("as_of", as_of))


def _refuse_unprepared() -> None:
    if _PREPARED_ONLY.get():
        raise NotPrepared


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (reference counting goes on)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

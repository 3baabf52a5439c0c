"""Whether the store answers, kept by a background probe, so no request waits on a store that is down.

Every ``interval`` seconds a probe thread reads the store's revision on a worker of its own and
waits at most ``timeout`` for it. The store is **up** while the last probe answered within the last
``stale_after`` seconds; a refused connection, an error or a store that does not answer at all (a
frozen server) makes it **down** within ``timeout`` + ``interval``. A request's own revision read
(``fresh_revision``) waits at most ``timeout`` too. While down, requests get the last known
revision's cached answers (marked 可能不是最新: ``StaleMarker``, the pages' banner) and a 503 for
anything that would need the store. When the store answers again the next probe sees it: no
restart needed.

>>> from stores.embedded import EmbeddedStore
>>> store = EmbeddedStore(":memory:"); store.ensure_schema()
>>> health = StoreHealth(store)
>>> _ = health.check()
>>> health.up, health.revision()
(True, 0)
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph_schema.errors import ChainAtlasError, StoreUnavailable
from stores.base import GraphStore

UNAVAILABLE = "数据库暂不可用，请稍后重试"


@dataclass(frozen=True)
class HealthState:
    """What the last probes found."""

    up: bool
    revision: int | None  # the last revision read (kept while down)
    checked_at: float  # time.monotonic() of the last probe that finished or gave up
    down_since: float | None
    error: str  # why it is down, for people (Chinese)
    detail: str = ""  # the store's or driver's own text, for operators (the server's stderr)


class StoreHealth:
    """A background probe of one store (``start()``; ``check()`` probes once, now)."""

    def __init__(self, store: GraphStore, *, interval: float = 1.0, timeout: float = 2.0, stale_after: float = 3.5) -> None:
        self._store = store
        self.interval, self.timeout, self.stale_after = interval, timeout, stale_after
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chainatlas-probe-read")
        self._readers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="chainatlas-revision-read")
        self._pending: Future[int] | None = None
        self._lock = threading.Lock()
        self._state = HealthState(False, None, 0.0, None, "尚未检查")
        self._last_ok = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listeners: list[Callable[[int], object]] = []

    # -- probing ---------------------------------------------------------------------------------

    def check(self) -> HealthState:
        """Probe once: read the revision, waiting at most ``timeout``."""
        now = time.monotonic()
        with self._lock:
            if self._pending is None or self._pending.done():  # a read stuck on a frozen server is not doubled
                self._pending = self._executor.submit(self._store.revision)
            pending = self._pending
        try:
            revision, error, detail = pending.result(timeout=self.timeout), "", ""
        except FutureTimeout:
            revision, error, detail = None, f"数据库在 {self.timeout:g} 秒内没有应答", ""
        except StoreUnavailable as exc:  # people get the reason; the driver's text stays in the detail
            revision, error, detail = None, exc.reason or "数据库没有应答", str(exc)
        except ChainAtlasError as exc:
            revision, error, detail = None, "数据库出错", str(exc)
        except Exception as exc:  # noqa: BLE001 - whatever the driver raises, the store is not answering
            revision, error, detail = None, "数据库出错", f"{type(exc).__name__}: {exc}"
        with self._lock:
            old = self._state
            if revision is not None:
                self._last_ok = time.monotonic()
                self._state = HealthState(True, revision, self._last_ok, None, "")
            else:
                self._state = HealthState(False, old.revision, time.monotonic(), old.down_since or now, error, detail)
            state, listeners = self._state, list(self._listeners)
        _tell_operator(old, state)
        if revision is not None and old.revision is not None and revision != old.revision:
            for listener in listeners:
                listener(revision)
        return state

    def on_change(self, listener: Callable[[int], object]) -> None:
        """Call ``listener(revision)`` (in the probe's thread) whenever a probe reads a revision other
        than the one before: the store was written to, by this process or another (an import).

        >>> from stores.embedded import EmbeddedStore
        >>> store = EmbeddedStore(":memory:"); store.ensure_schema()
        >>> health, seen = StoreHealth(store), []
        >>> health.on_change(seen.append)
        >>> _ = health.check(); store.clear(); _ = health.check(); _ = health.check()
        >>> seen
        [1]
        """
        with self._lock:
            self._listeners.append(listener)

    def start(self) -> StoreHealth:
        """Probe now, then every ``interval`` seconds in a daemon thread."""
        self.check()
        self._thread = threading.Thread(target=self._run, name="chainatlas-store-probe", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._readers.shutdown(wait=False, cancel_futures=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.check()

    # -- reading ---------------------------------------------------------------------------------

    @property
    def state(self) -> HealthState:
        with self._lock:
            return self._state

    @property
    def up(self) -> bool:
        """Up: the last probe answered, recently enough."""
        with self._lock:
            return self._state.up and time.monotonic() - self._last_ok <= self.stale_after

    def revision(self) -> int:
        """The store's revision as last read; StoreUnavailable (in Chinese) while it is down."""
        with self._lock:
            state, fresh = self._state, time.monotonic() - self._last_ok <= self.stale_after
        if state.up and fresh and state.revision is not None:
            return state.revision
        raise StoreUnavailable(f"{UNAVAILABLE}（{state.error or '探测超时'}）")

    def fresh_revision(self) -> int:
        """The store's revision read now (a request sees every write at once), waiting at most
        ``timeout``: StoreUnavailable at once while the probe says the store is down, or when this read
        does not answer in time (which also marks it down until the next probe answers)."""
        if self._stop.is_set():  # the app is shutting down: no more probing, read directly
            return self._store.revision()
        if not self.up:
            return self.revision()  # raises, with the probe's reason
        try:
            return self._readers.submit(self._store.revision).result(timeout=self.timeout)
        except FutureTimeout:
            with self._lock:
                old = self._state
                self._state = state = HealthState(False, old.revision, time.monotonic(),
                                                  old.down_since or time.monotonic(), f"数据库在 {self.timeout:g} 秒内没有应答")
            _tell_operator(old, state)
            raise StoreUnavailable(f"{UNAVAILABLE}（数据库在 {self.timeout:g} 秒内没有应答）") from None

    def last_revision(self) -> int | None:
        """The last revision the store answered with, up or down."""
        return self.state.revision


def _tell_operator(old: HealthState, new: HealthState) -> None:
    """One line on stderr (the server's log) when the store goes down or answers again: the
    reason with the store's own text, which pages and /health do not show."""
    if old.up and not new.up:
        detail = f"（{new.detail}）" if new.detail else ""
        print(f"数据库暂不可用 / store down: {new.error}{detail}", file=sys.stderr, flush=True)
    elif not old.up and new.up and old.down_since is not None:
        print(f"数据库已恢复 / store answers again after {new.checked_at - old.down_since:.1f} s", file=sys.stderr, flush=True)


STALE_HEADER = "X-ChainAtlas-Stale"


class StaleMarker:
    """ASGI middleware: while the app's store is down, every answer carries ``X-ChainAtlas-Stale: 1``
    (it can only come from what was cached for the last known revision: 可能不是最新)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        health = getattr(scope["app"].state, "health", None) if "app" in scope else None

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start" and health is not None and not health.up:
                MutableHeaders(scope=message)[STALE_HEADER] = "1"
            await send(message)

        await self.app(scope, receive, marked)

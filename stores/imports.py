"""Imports that readers see whole or not at all, in either store.

An import is recorded in the store as *pending* (``GraphStore.begin_import``); its batches are
written under its number (``write(batch, pending=number)``), which no reader sees; at the end it is
*published* in one transaction (``publish_import``). When it fails, what it wrote is rolled back;
when its process dies (``kill -9``, a power cut) or the store dies under it, the import stays
pending — still invisible — and the next command or server that opens the store rolls it back
(``recover_abandoned``) and says so in Chinese.

Who owns a pending import: ``current_owner()`` records host, pid, the process's start time and a
token of the import. On the same host an import is live while that process runs (and, in this
very process, while its ``atomic_import`` is open); an import of another host is live while its
heartbeat (renewed with every batch) is younger than ``LEASE_SECONDS``.

>>> from stores.embedded import EmbeddedStore
>>> from graph_schema import Chain
>>> store = EmbeddedStore(":memory:"); store.ensure_schema()
>>> with atomic_import(store, "示例") as session:
...     session.write(WriteBatch(nodes=[Chain(id="chain:aviation", name="航空", kind="新兴")]))
...     store.get_node("chain:aviation") is None  # pending: nobody sees it yet
True
>>> store.get_node("chain:aviation")["name"], session.outcome.state
('航空', 'published')
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from graph_schema.errors import ChainAtlasError, ImportInProgress, ImportNotPublished, StoreUnavailable
from stores import faults
from stores.base import GraphStore, ImportRecord, RollbackCounts, WriteBatch, shown_time

if TYPE_CHECKING:
    from stores.embedded_rows import RowBatch

LEASE_SECONDS = 600
"""An import of another host whose heartbeat is older than this is taken for dead."""

_active_tokens: set[str] = set()
"""Tokens of the imports this process is writing now (``atomic_import`` open)."""

State = Literal["published", "rolled_back", "pending", "unknown", "not_started", "busy"]


def _process_start(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot, from /proc), '' where /proc is not
    readable but the process exists, None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        stat = ""
    if stat:
        return stat.rsplit(")", 1)[1].split()[19]  # field 22, counted after the command name
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return ""


def current_owner(token: str) -> str:
    """``host|pid|process start|token`` of this process and one of its imports."""
    return f"{socket.gethostname()}|{os.getpid()}|{_process_start(os.getpid()) or ''}|{token}"


def is_live(record: ImportRecord) -> bool:
    """Whether the process that owns the pending import may still be writing it."""
    try:
        host, pid_text, started, token = record.owner.split("|")
        pid = int(pid_text)
    except ValueError:
        return False  # an owner this version cannot read: taken for dead
    if host != socket.gethostname():
        try:
            age = dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(record.heartbeat)
        except ValueError:
            return False
        return age.total_seconds() < LEASE_SECONDS
    found = _process_start(pid)
    if found is None or (found and started and found != started):  # gone, or its pid now another process's
        return False
    return token in _active_tokens if pid == os.getpid() else True


@dataclass
class ImportOutcome:
    """What became of an import: ``published``; ``rolled_back`` (it failed and what it wrote was
    removed); ``pending`` (it failed and could not be rolled back now: invisible, and rolled back
    at the next start); ``unknown`` (the store went away while publishing: the next start rolls it
    back unless the publication went through); ``busy`` (another import was running) and
    ``not_started`` (the store failed before anything was written): nothing written."""

    state: State
    number: int | None = None
    written: int = 0
    rolled_back: int = 0
    reason: str = ""

    def message(self) -> str:
        """One Chinese sentence for people (empty when published)."""
        wrote = f"已写入的 {self.written:,} 个节点和关系尚未发布，读取时从未可见"
        if self.state == "rolled_back":
            return f"导入未完成：{self.reason}。{wrote}，已全部回滚（{self.rolled_back:,} 条）：数据库与导入前相同。"
        if self.state == "pending":
            return (f"导入未完成：{self.reason}。{wrote}；现在无法回滚，下次启动任何 chainatlas 命令或服务时会自动回滚"
                    f"（导入编号 {self.number}）。数据库中可见的数据与导入前相同。")
        if self.state == "busy":
            return self.reason
        if self.state == "not_started":
            return f"导入未开始写入：{self.reason}。未写入任何数据。"
        if self.state == "unknown":
            return (f"导入结果未能确认：发布时与数据库的连接中断（{self.reason}）。若发布已生效，{self.written:,} 个节点和关系"
                    f"已全部可见；否则下次启动任何 chainatlas 命令或服务时会回滚（导入编号 {self.number}）。不会出现只发布一部分的情况。")
        return ""


@dataclass
class ImportSession:
    """An open import: ``write`` writes a batch under it (pending)."""

    store: GraphStore
    number: int
    written: int = 0
    batches: int = 0
    outcome: ImportOutcome | None = None
    recovered: list[str] = field(default_factory=list)

    def write(self, batch: WriteBatch) -> None:
        """Write ``batch`` as part of this import (nobody sees it before the import is published)."""
        self.store.write(batch, pending=self.number)
        self._wrote(len(batch))

    def write_rows(self, batch: RowBatch) -> None:
        """Write ``batch``, plain rows of a trusted generator (``stores.embedded_rows``), as part of this
        import; a store that ``takes_rows`` only (TypeError for another)."""
        from stores.embedded_rows import RowStore, write_rows

        store = self.store
        if not (store.takes_rows and isinstance(store, RowStore)):
            raise TypeError(f"{type(store).__name__} takes WriteBatches, not rows")
        write_rows(store, batch, pending=self.number)
        self._wrote(len(batch))

    def _wrote(self, items: int) -> None:
        self.written += items
        self.batches += 1
        faults.reached(f"batch:{self.batches}")


@contextmanager
def atomic_import(store: GraphStore, description: str) -> Iterator[ImportSession]:
    """An import readers see whole or not at all: batches written through the session stay
    invisible until the block ends, then everything is published in one transaction.

    Abandoned imports are rolled back first (``session.recovered`` tells them). When the import
    cannot begin (another is running, the store fails), or the block or the publication fails,
    ImportNotPublished is raised from the error, its ``outcome`` saying what became of the data
    (what was written is rolled back); ``session.outcome`` says the same.
    """
    token = uuid.uuid4().hex[:12]
    _active_tokens.add(token)
    try:
        try:
            recovered = recover_and_tell(store)
            number = store.begin_import(description, current_owner(token), is_live=is_live)
        except ImportInProgress as exc:
            outcome = ImportOutcome("busy", reason=str(exc))
            raise ImportNotPublished(outcome.message(), outcome) from exc
        except ChainAtlasError as exc:
            outcome = ImportOutcome("not_started", reason=_reason(exc))
            raise ImportNotPublished(outcome.message(), outcome) from exc
        session = ImportSession(store, number, recovered=recovered)
        faults.reached("begun")
        try:
            yield session
        except BaseException as exc:
            session.outcome = _roll_back_after(store, session, exc)
            if isinstance(exc, Exception):
                raise ImportNotPublished(session.outcome.message(), session.outcome) from exc
            raise
        try:
            store.publish_import(number)
        except Exception as exc:
            session.outcome = _after_failed_publication(store, session, exc)
            if session.outcome.state != "published":
                raise ImportNotPublished(session.outcome.message(), session.outcome) from exc
        else:
            session.outcome = ImportOutcome("published", number, session.written)
        faults.reached("published")
    finally:
        _active_tokens.discard(token)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, StoreUnavailable) and exc.reason:  # Chinese, without the driver's text
        return f"写入数据库时出错（{exc.reason}）"
    if isinstance(exc, ChainAtlasError):
        return f"写入数据库时出错（{exc}）"
    if isinstance(exc, KeyboardInterrupt):
        return "导入被中断（Ctrl+C）"
    return f"写入时出错（{type(exc).__name__}: {exc}）"


def _roll_back_after(store: GraphStore, session: ImportSession, exc: BaseException) -> ImportOutcome:
    try:
        counts = store.rollback_import(session.number)
    except Exception as failure:
        return ImportOutcome("pending", session.number, session.written, reason=f"{_reason(exc)}；回滚也未成功（{failure}）")
    return ImportOutcome("rolled_back", session.number, session.written, counts.total, _reason(exc))


def _after_failed_publication(store: GraphStore, session: ImportSession, exc: Exception) -> ImportOutcome:
    """The publication raised: it may have been committed all the same (a lost acknowledgement)."""
    try:
        states = {record.number: record.state for record in store.imports(None)}
    except Exception:
        return ImportOutcome("unknown", session.number, session.written, reason=str(exc))
    if states.get(session.number) == "published":
        return ImportOutcome("published", session.number, session.written)
    return _roll_back_after(store, session, exc)


def recover_abandoned(store: GraphStore) -> list[tuple[ImportRecord, RollbackCounts]]:
    """Roll back every pending import whose owner is gone; returns each with what it removed."""
    found = []
    for record in store.imports("pending"):
        if not is_live(record):
            found.append((record, store.rollback_import(record.number)))
    return found


def message(record: ImportRecord, counts: RollbackCounts) -> str:
    """What a rollback at start-up tells people, in Chinese.

    >>> record = ImportRecord(7, "rolled_back", "2025-06-30T10:12:03+08:00", "", "", "chainatlas import 企业.csv", 120)
    >>> message(record, RollbackCounts(nodes=20, relationships=95, updates=5))
    '发现未完成的导入 7（开始于 2025-06-30 10:12:03，chainatlas import 企业.csv），已回滚：120 条（新节点 20、新关系 95、待更新 5）；读取时从未可见，数据与该导入之前相同。'
    """
    return (f"发现未完成的导入 {record.number}（开始于 {shown_time(record.started)}，{record.description}），已回滚："
            f"{counts.total:,} 条（新节点 {counts.nodes:,}、新关系 {counts.relationships:,}、待更新 {counts.updates:,}）；"
            "读取时从未可见，数据与该导入之前相同。")


def recover_and_tell(store: GraphStore) -> list[str]:
    """``recover_abandoned`` as messages for people (none when nothing was pending)."""
    return [message(record, counts) for record, counts in recover_abandoned(store)]

"""The audit log: who did what, when — imports with their counts, merges, token issue and revoke,
sign-ins (success and failure), backups and restores.

It is its own SQLite file (``audit.sqlite`` in the data directory), beside the token registry and
never in the graph store, so a restore does not rewrite history. Append-only: triggers refuse any
UPDATE or DELETE of its rows.

The actor is a person, never a token: the token holder and role for the web and the API, the
operating-system user for the command line. Code anywhere (a loader deciding merges, say) records
through the log the running program opened::

    from stores import audit
    audit.record(None, "merge", {"kept": "…", "merged": ["…"], "rule": "…"})   # None: whoever runs the import

The CLI (``chainatlas import``) and the upload API make their log and actor active around an import.

>>> log = AuditLog(":memory:")
>>> log.add(Actor("招商局 张三", "admin"), "token.issue", {"holder": "李四", "role": "viewer"})
1
>>> [(entry.actor, entry.action, entry.details["holder"]) for entry in log.entries()]
[('招商局 张三', 'token.issue', '李四')]
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ACTIONS: dict[str, str] = {
    "import": "导入数据",
    "merge": "合并企业",
    "token.issue": "签发令牌",
    "token.revoke": "撤销令牌",
    "login": "登录成功",
    "login.failed": "登录失败",
    "backup": "备份",
    "restore": "恢复",
}
"""The actions recorded and their Chinese names (other names are kept as they are)."""
DETAIL_NAMES: dict[str, str] = {
    "files": "文件", "file": "文件", "via": "途径", "ok": "通过校验", "written": "写入条数", "rows_read": "读取行数",
    "items": "各类条数", "errors": "错误", "warnings": "警告", "holder": "持有人", "role": "角色", "token_id": "令牌编号",
    "expires_days": "有效天数", "by": "方式", "client": "来源地址", "digest": "内容校验值", "nodes": "节点",
    "relationships": "关系", "schema_version": "数据结构版本", "store": "数据存储", "replace": "替换原有数据",
    "backup_created": "备份时间", "kept": "保留", "merged": "并入", "rule": "依据",
    "dataset": "数据集", "scale": "企业数", "seed": "随机种子", "chains": "链", "years": "年份",
    "status": "结果", "published": "发布条数", "rolled_back": "回滚条数", "pending": "待回滚条数", "import": "导入编号",
}
"""Chinese names of the detail keys the program records (others are shown as they are)."""
CLI_ROLE = "命令行"
ANONYMOUS = "（未识别）"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    role    TEXT NOT NULL,
    action  TEXT NOT NULL,
    details TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_action ON audit(action, id);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
"""


@dataclass(frozen=True)
class Actor:
    """Who acted: a name (token holder, or OS user) and a role (viewer/reviewer/admin, or 命令行)."""

    name: str
    role: str


def cli_actor() -> Actor:
    """The operating-system user running the command line."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):
        name = "unknown"
    return Actor(name, CLI_ROLE)


@dataclass(frozen=True)
class Entry:
    """One row of the log."""

    id: int
    at: str
    actor: str
    role: str
    action: str
    details: dict[str, Any]

    @property
    def action_name(self) -> str:
        return ACTIONS.get(self.action, self.action)


class AuditLog:
    """The append-only log in one SQLite file (or ``":memory:"``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=5)
        self._db.executescript(_SCHEMA)

    def add(self, actor: Actor, action: str, details: dict[str, Any] | None = None) -> int:
        """Append one entry; returns its id."""
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        text = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)
        with self._lock:
            cursor = self._db.execute("INSERT INTO audit(at, actor, role, action, details) VALUES (?, ?, ?, ?, ?)",
                                      (at, actor.name, actor.role, action, text))
        return int(cursor.lastrowid or 0)

    def entries(self, *, action: str | None = None, actor: str | None = None) -> list[Entry]:
        """Every entry, newest first; ``action`` equal, ``actor`` contained in the name when given."""
        sql = "SELECT id, at, actor, role, action, details FROM audit WHERE 1 = 1"
        params: list[str] = []
        if action:
            sql += " AND action = ?"
            params.append(action)
        if actor:
            sql += " AND instr(actor, ?) > 0"
            params.append(actor)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY id DESC", params).fetchall()
        return [Entry(id, at, name, role, act, json.loads(details)) for id, at, name, role, act, details in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()


_active: tuple[AuditLog, Actor] | None = None


@contextmanager
def active(log: AuditLog, actor: Actor) -> Iterator[AuditLog]:
    """Make ``log`` the one ``record`` writes to, and ``actor`` who acts, while the block runs."""
    global _active
    previous, _active = _active, (log, actor)
    try:
        yield log
    finally:
        _active = previous


def record(actor: Actor | None, action: str, details: dict[str, Any] | None = None) -> bool:
    """Append to the active log (``actor`` None: the active actor); False, nothing recorded, when no
    program made a log active (a bare script, a unit test).

    >>> record(None, "merge", {"kept": "ent:a"})
    False
    >>> log = AuditLog(":memory:")
    >>> with active(log, Actor("王五", "admin")):
    ...     record(None, "merge", {"kept": "ent:a"})
    True
    >>> log.entries()[0].actor
    '王五'
    """
    if _active is None:
        return False
    log, current = _active
    log.add(actor or current, action, details)
    return True


def rows(entries: list[Entry]) -> list[dict[str, Any]]:
    """Entries as flat rows for listings and downloads (details as compact text)."""
    return [
        {"at": entry.at, "actor": entry.actor, "role": entry.role, "action": entry.action_name,
         "details": describe(entry.details)}
        for entry in entries
    ]


COLUMNS = {"at": "时间（UTC）", "actor": "操作人", "role": "角色", "action": "操作", "details": "详情"}
"""Chinese column names of the downloads (CSV / XLSX)."""


def table_rows(entries: list[Entry]) -> list[dict[str, Any]]:
    """``rows`` with Chinese column names, for CSV and XLSX downloads."""
    return [{COLUMNS[name]: value for name, value in row.items()} for row in rows(entries)]


def describe(details: dict[str, Any]) -> str:
    """Details as ``key=value`` pairs, for a table cell.

    >>> describe({"rows": 3, "file": "a.csv"})
    '文件=a.csv；rows=3'
    """
    return "；".join(f"{DETAIL_NAMES.get(key, key)}={json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value}"
                    for key, value in sorted(details.items()))


IMPORT_STATUS = {
    "published": "已发布", "dry_run": "试运行", "rejected": "被拒绝（未写入）", "rolled_back": "写入失败，已回滚",
    "pending": "写入失败，待下次启动回滚", "unknown": "发布时中断，未确认", "busy": "另一导入进行中，未开始",
    "not_started": "数据库出错，未开始",
}
"""An import's outcome (``ImportReport.status``) as the audit log shows it."""


def import_details(files: list[str], report: Any, *, via: str) -> dict[str, Any]:
    """What an import's audit entry keeps: the files, the verdict and the counts of its report
    (a ``loaders.report.ImportReport``: ``ok``, ``status``, ``written``, ``published``, ``rolled_back``,
    ``left_pending``, ``rows_read``, ``items``, ``error_count``, ``warning_count``)."""
    return {
        "files": files, "via": via, "ok": report.ok, "status": IMPORT_STATUS.get(report.status, report.status), "written": report.written,
        "published": report.published, "rolled_back": report.rolled_back, "pending": report.left_pending,
        "import": report.outcome.number if report.outcome is not None else None,
        "rows_read": report.rows_read, "items": dict(report.items), "errors": report.error_count,
        "warnings": report.warning_count,
    }

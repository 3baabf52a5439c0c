"""What the fault suite shares: the two imports of a trial, the CLI run in a process of its own,
an import stopped at a named point (``stores.faults``) to be killed there, and a Neo4j server of a
test's own (``OwnNeo4j``: ``scripts/neo4j.sh`` with its own state folder and a free port).

Data (seeded, a few thousand items): the *old* import — 500 firms with a place and a product and
500 supply links — and the *new* one, which changes 150 of the old firms and 150 of the old links
(staged updates) and adds 600 firms and 550 links (about 2,950 items, 15 batches of 200).
"""

from __future__ import annotations

import math
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from stores.backup import content_digest
from stores.neo4j_store import Neo4jStore

REPO = Path(__file__).resolve().parents[2]
SEED = int(os.environ.get("CHAINATLAS_FAULT_SEED", "8810"))
"""The seed of the data and of the kill points (the same seed, the same trials)."""
BATCH = 200
"""Items per transaction of the killed imports (``chainatlas import --batch-size``)."""
OLD_FIRMS, CHANGED_FIRMS, NEW_FIRMS = 500, 150, 600
OLD_LINKS, CHANGED_LINKS, NEW_LINKS = 500, 150, 550
PARKS = ["小蓝经开区", "南昌县", "新建区", "高新区", "经开区"]
PRODUCTS = ["车身", "底盘", "轮胎", "发动机", "变速器", "内外饰件"]
ROLLED_BACK = re.compile(r"发现未完成的导入 (\d+)（开始于 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d，chainatlas import 企业名录-新\.csv 供应关系-新\.csv）"
                         r"，已回滚：([\d,]+) 条")
"""What the next command says after rolling back a killed ``chainatlas import`` of the new files."""
DEADLINE = 90.0  # seconds a stopped import or a command may take before the trial fails


def firm(number: int) -> str:
    return f"南昌故障测试{number:04d}汽车零部件有限公司"


def write_imports(folder: Path) -> tuple[list[Path], list[Path]]:
    """The old and the new import's 企业名录 and 供应关系 CSV files."""
    rng = random.Random(SEED)
    product = {n: rng.choice(PRODUCTS) for n in range(OLD_FIRMS + NEW_FIRMS)}

    def firms(numbers: range | list[int], date: str, tags: str = "") -> str:
        return "企业名称,所在园区,所属产业链,主营产品,营业收入(亿元),企业标签,数据日期\n" + "".join(
            f"{firm(n)},{rng.choice(PARKS)},汽车及装备,{product[n]},{rng.randint(1, 5000) / 100},{tags},{date}\n" for n in numbers)

    def links(pairs: list[tuple[int, int]], date: str) -> str:
        return "供应方,采购方,产品,金额(万元),日期\n" + "".join(
            f"{firm(a)},{firm(b)},{product[a]},{rng.randint(10, 90000)},{date}\n" for a, b in pairs)

    old_pairs = [(n, (n + 1) % OLD_FIRMS) for n in range(OLD_LINKS)]
    new_pairs = old_pairs[:CHANGED_LINKS] + [(OLD_FIRMS + n, (OLD_FIRMS + n * 7 + 3) % (OLD_FIRMS + NEW_FIRMS))
                                             for n in range(NEW_LINKS)]
    files = {
        "企业名录-旧.csv": firms(range(OLD_FIRMS), "2024-12-31"),
        "供应关系-旧.csv": links(old_pairs, "2024-12-31"),
        "企业名录-新.csv": firms([*range(CHANGED_FIRMS), *range(OLD_FIRMS, OLD_FIRMS + NEW_FIRMS)], "2025-06-30", "专精特新"),
        "供应关系-新.csv": links(new_pairs, "2025-06-30"),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    paths = [folder / name for name in files]
    return paths[:2], paths[2:]


def kill_points(batches: int, count: int, *extra: str) -> list[str]:
    """``count`` batch points drawn with the suite's seed, with ``extra`` points around them."""
    drawn = sorted(random.Random(SEED).sample(range(1, batches + 1), min(count, batches)))
    return [f"batch:{number}" for number in drawn] + list(extra)


def batches_of(items: int) -> int:
    return math.ceil(items / BATCH)


def chainatlas(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the ``chainatlas`` command (``python -m app.cli``) to its end."""
    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=DEADLINE)


@dataclass
class Stopped:
    """An import stopped at a fault point: its process, and the file that holds it there."""

    process: subprocess.Popen[str]
    marker: Path

    def kill(self) -> None:
        """``kill -9`` the importing process."""
        self.process.kill()
        self.process.wait(timeout=DEADLINE)

    def release(self) -> tuple[int, str, str]:
        """Let the import go on (to meet whatever happened meanwhile); its exit code and output."""
        self.marker.unlink()
        out, err = self.process.communicate(timeout=DEADLINE)
        return self.process.returncode, out, err


def stop_import_at(env: dict[str, str], files: list[Path], point: str, folder: Path) -> Stopped:
    """Start ``chainatlas import`` with ``--batch-size BATCH`` and wait until it stops at ``point``."""
    marker = folder / f"stopped-{point.replace(':', '-')}-{time.monotonic_ns()}"
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "import", *map(str, files), "--batch-size", str(BATCH)], cwd=REPO,
        env={**env, "CHAINATLAS_FAULT": point, "CHAINATLAS_FAULT_FILE": str(marker)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    started = time.monotonic()
    while not marker.exists():
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the import ended (code {process.returncode}) before reaching {point}:\n{out}\n{err}")
        if time.monotonic() - started > DEADLINE:
            process.kill()
            pytest.fail(f"the import did not reach {point} within {DEADLINE} s")
        time.sleep(0.02)
    return Stopped(process, marker)


def command_env(data_dir: Path, **store: str) -> dict[str, str]:
    """The environment of a command: the caller's, a data folder of the trial's, and the store settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CHAINATLAS_", "NEO4J_"))}
    return {**env, "CHAINATLAS_DATA_DIR": str(data_dir), **store}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (never the shared test server's)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class OwnNeo4j:
    """A Neo4j server of a test's own: started, stopped (``script("stop")``) or killed with SIGKILL
    (``kill()``), and started again on the same port (``script("start")``)."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = free_port()
        self.uri = f"bolt://127.0.0.1:{self.port}"
        self.env = {**os.environ, "NEO4J_BOLT_PORT": str(self.port), "CHAINATLAS_NEO4J_HOME": str(home), "NEO4J_HEAP": "512m"}

    def script(self, action: str) -> None:
        done = subprocess.run(["bash", str(REPO / "scripts" / "neo4j.sh"), action], env=self.env, capture_output=True,
                              text=True, timeout=180)
        assert done.returncode == 0, done.stderr

    def kill(self) -> None:
        pid = int((self.home / "neo4j.pid").read_text().strip())
        os.kill(pid, signal.SIGKILL)
        while Path(f"/proc/{pid}").exists() and "Z" not in _state(pid):
            time.sleep(0.05)

    def digest(self) -> str:
        store = Neo4jStore.connect(self.uri)
        try:
            return content_digest(store)
        finally:
            store.close()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"

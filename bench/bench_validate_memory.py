"""Peak memory of validating (and importing) a 200,000-row CSV: the goal is 200 MB RSS (issue 16).

Each measurement runs in a fresh Python process, so its peak RSS (``resource.getrusage``,
``ru_maxrss``) is that run's alone:

- ``baseline``: the interpreter with the importer's modules and the plan's catalogue loaded;
- ``validate``: ``import_files(..., dry_run=True)`` — read, validate every row, compare with the store;
- ``import``: the same file written into a fresh embedded store.

Two files are generated (fictitious data, about 15 MB each), each 200,000 data rows:

- ``enterprises``: 企业名称, 统一社会信用代码 (valid check characters), 所在区县, 所属产业链, 主营产品, 营业收入(亿元);
- ``supplies``: 供应方, 采购方, 产品, 占比 between 20,000 enterprises already in the store (imported
  by a process of its own beforehand, so its memory is not counted).

Usage (from the repository root)::

    .venv/bin/python bench/bench_validate_memory.py                       # both files, every mode
    .venv/bin/python bench/bench_validate_memory.py --rows 50000 --files enterprises --modes validate
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DISTRICTS = ("南昌县", "新建区", "青山湖区", "高新区", "经开区", "进贤县", "安义县", "红谷滩区")
PRODUCTS = (("新能源", "正极材料"), ("新能源", "隔膜"), ("电子信息", "印制电路板"), ("航空", "航空结构零部件"), ("新能源", "锂电铜箔"))
SUPPLIER_POOL = 20_000  # enterprises in the store for the supply file


def credit_code(number: int) -> str:
    """A valid 统一社会信用代码 made from ``number`` (fictitious)."""
    from graph_schema.credit_code import credit_code_check_char

    first17 = f"913601{number:011d}"
    return first17 + credit_code_check_char(first17)


def firm_name(number: int) -> str:
    return f"南昌测{number:06d}科技有限公司"


def write_enterprises(path: Path, rows: int) -> Path:
    random_ = random.Random(16)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["企业名称", "统一社会信用代码", "所在区县", "所属产业链", "主营产品", "营业收入(亿元)"])
        for number in range(rows):
            chain, product = random_.choice(PRODUCTS)
            writer.writerow([firm_name(number), credit_code(number), random_.choice(DISTRICTS), chain, product,
                             round(random_.lognormvariate(0, 1), 2)])
    return path


def write_supplies(path: Path, rows: int) -> Path:
    random_ = random.Random(17)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["供应方", "采购方", "产品", "占比"])
        seen: set[tuple[int, int, str]] = set()
        while len(seen) < rows:
            supplier, customer = random_.randrange(SUPPLIER_POOL), random_.randrange(SUPPLIER_POOL)
            product = random_.choice(PRODUCTS)[1]
            if supplier == customer or (supplier, customer, product) in seen:
                continue
            seen.add((supplier, customer, product))
            writer.writerow([firm_name(supplier), firm_name(customer), product, "0.01"])
    return path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def worker(mode: str, file: str, workdir: Path) -> dict:
    """One measurement, in this (fresh) process."""
    from loaders.catalogue import Catalogue
    from loaders.importer import import_files
    from loaders.reference import load_reference
    from stores.embedded import EmbeddedStore

    Catalogue.from_reference()
    path = workdir / f"{file}.csv"
    store_path = workdir / f"{mode}-{file}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store_path}{suffix}").unlink(missing_ok=True)
    if file == "supplies":  # the enterprises the supply rows name, already stored (by ``prepare``)
        shutil.copyfile(workdir / "pool.sqlite", store_path)
    store = EmbeddedStore(store_path)
    store.ensure_schema()
    load_reference(store)
    result: dict = {"mode": mode, "file": file, "before_mb": round(peak_rss_mb(), 1)}
    if mode != "baseline":
        started = time.perf_counter()
        report = import_files(store, [path], dry_run=mode == "validate")
        result |= {"seconds": round(time.perf_counter() - started, 1), "rows": report.rows_read, "ok": report.ok,
                   "errors": report.error_count, "written": report.written}
    store.close()
    result |= {"peak_rss_mb": round(peak_rss_mb(), 1), "file_mb": round(path.stat().st_size / 2**20, 1)}
    return result


def prepare(workdir: Path) -> None:
    """The store the supply file is validated against: the reference data and SUPPLIER_POOL enterprises."""
    from loaders.importer import import_files
    from loaders.reference import load_reference
    from stores.embedded import EmbeddedStore

    path = workdir / "pool.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = EmbeddedStore(path)
    store.ensure_schema()
    load_reference(store)
    assert import_files(store, [write_enterprises(workdir / "pool.csv", SUPPLIER_POOL)]).ok
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--files", nargs="+", default=["enterprises", "supplies"], choices=["enterprises", "supplies"])
    parser.add_argument("--modes", nargs="+", default=["baseline", "validate", "import"],
                        choices=["baseline", "validate", "import"])
    parser.add_argument("--workdir", default=None, help="where the CSV files and stores go (default: a temporary folder)")
    parser.add_argument("--worker", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        mode, file = args.worker
        if mode == "prepare":
            prepare(Path(args.workdir))
        else:
            print(json.dumps(worker(mode, file, Path(args.workdir))))
        return
    with tempfile.TemporaryDirectory(prefix="chainatlas-bench-") as folder:
        workdir = Path(args.workdir or folder)
        workdir.mkdir(parents=True, exist_ok=True)
        for file in args.files:
            path = workdir / f"{file}.csv"
            (write_enterprises if file == "enterprises" else write_supplies)(path, args.rows)
            for mode in ["prepare"] * (file == "supplies") + args.modes:
                done = subprocess.run([sys.executable, __file__, "--workdir", str(workdir), "--worker", mode, file],
                                      check=True, capture_output=True, text=True)
                if mode != "prepare":
                    print(done.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()

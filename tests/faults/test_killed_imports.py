"""``kill -9`` of the importing process at ten seeded points in the embedded store (Neo4j, and the
Neo4j server killed, in ``test_neo4j_killed.py``): a reader sees the old content or the new, never a mix
(content digests), before and after the kill, and the next command rolls the import back and says
so in Chinese.

Points (``stores.faults``): ``begun`` (recorded, nothing written), seven batches drawn with the
seed among the import's 15, ``publish`` (inside the publishing transaction) and ``published``
(committed, before the command reported).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from stores.backup import content_digest
from stores.embedded import EmbeddedStore
from tests.faults.harness import ROLLED_BACK, batches_of, chainatlas, command_env, kill_points, stop_import_at


def digest_of(path: Path) -> str:
    """What a reader sees now (a connection of its own; no schema change, so it never waits on a writer)."""
    reader = EmbeddedStore(path)
    try:
        return content_digest(reader)
    finally:
        reader.close()


def test_an_import_killed_at_ten_points_is_seen_whole_or_not_at_all(trial_data: dict[str, object], tmp_path: Path) -> None:
    points = ["begun", *kill_points(batches_of(int(trial_data["items"])), 7), "publish", "published"]  # type: ignore[arg-type]
    assert len(points) == 10
    outcomes = []
    for point in points:
        folder = tmp_path / point.replace(":", "-")
        folder.mkdir()
        store_file = folder / "chainatlas.sqlite"
        shutil.copy(trial_data["base"], store_file)  # type: ignore[arg-type]
        env = command_env(folder, CHAINATLAS_STORE="embedded")
        expected = trial_data["new_digest"] if point == "published" else trial_data["old_digest"]
        stopped = stop_import_at(env, trial_data["new"], point, folder)  # type: ignore[arg-type]
        assert digest_of(store_file) == expected, f"{point}: a reader saw part of the import"
        stopped.kill()
        assert digest_of(store_file) == expected, f"{point}: after kill -9 a reader saw part of the import"
        after = chainatlas(env, "counts")
        assert after.returncode == 0, after.stderr
        told = ROLLED_BACK.findall(after.stderr)
        if point == "published":
            assert told == [], after.stderr
        else:
            assert len(told) == 1, f"{point}: the next command did not report the rollback:\n{after.stderr}"
        assert digest_of(store_file) == expected, f"{point}: after the next command"
        if point == points[0]:
            assert chainatlas(env, "counts").stderr.count("发现未完成的导入") == 0  # told once, then gone
        outcomes.append((point, told[0][1] if told else "published"))
    print("\nkilled embedded import:", "; ".join(f"{point} → {what}" for point, what in outcomes))

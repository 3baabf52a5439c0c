"""Neo4j under an import: ``kill -9`` of the importing process inside the publication (the batch
points are the embedded trials' and the server kills'), and of the Neo4j server itself at three
points (a seeded batch, inside the publication, after it), on a Neo4j of the test's own
(``scripts/neo4j.sh`` with its own state folder and port): the shared test server is never touched.

Held for each point: a reader sees the old content or the new, never a mix (content digests equal
to the embedded store's for the same imports); the killed import says what became of its data;
after the server is back, the next command rolls the import back and says so in Chinese. The
first import into the empty server prints no English notification (driver notifications off).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.faults.harness import ROLLED_BACK, OwnNeo4j, batches_of, chainatlas, command_env, kill_points, stop_import_at


def test_imports_killed_under_neo4j_are_seen_whole_or_not_at_all(neo4j: OwnNeo4j, trial_data: dict[str, object],
                                                                 tmp_path: Path) -> None:
    env = command_env(tmp_path, CHAINATLAS_STORE="neo4j", NEO4J_URI=neo4j.uri)
    started = time.monotonic()

    def mark(what: str) -> None:
        print(f"[{time.monotonic() - started:6.1f}s] {what}", flush=True)

    first = chainatlas(env, "import", *map(str, trial_data["old"]))  # type: ignore[call-overload]
    assert first.returncode == 0 and "导入完成" in first.stdout, first.stdout + first.stderr
    english = re.compile(r"warn|notification|gql|deprecat", re.IGNORECASE)
    assert not english.search(first.stderr), f"English server notifications on an empty Neo4j:\n{first.stderr}"
    old, new = trial_data["old_digest"], trial_data["new_digest"]
    mark("first import")
    assert neo4j.digest() == old  # the same content as the embedded store holds

    told: list[str] = []
    batches = batches_of(int(trial_data["items"]))  # type: ignore[arg-type]
    for point in ["publish"]:  # the importing process killed while its publishing transaction is open
        stopped = stop_import_at(env, trial_data["new"], point, tmp_path)  # type: ignore[arg-type]
        mark(f"stopped at {point}")
        assert neo4j.digest() == old, f"{point}: a reader saw part of the import"
        stopped.kill()
        mark("killed")
        assert neo4j.digest() == old, f"{point}: after kill -9 a reader saw part of the import"
        after = chainatlas(env, "counts")
        mark("counted")
        found = ROLLED_BACK.findall(after.stderr)
        assert after.returncode == 0 and len(found) == 1, after.stderr
        assert neo4j.digest() == old
        told.append(f"process at {point} → {found[0][1]}")

    # the server killed: at a batch (written pending), inside the publication, after it
    for point, expected, says in [(kill_points(batches, 1)[0], old, "现在无法回滚"),
                                  ("publish", old, "导入结果未能确认"), ("published", new, "导入完成")]:
        stopped = stop_import_at(env, trial_data["new"], point, tmp_path)  # type: ignore[arg-type]
        assert neo4j.digest() == expected, f"{point}: a reader saw part of the import"
        mark(f"stopped at {point}")
        neo4j.kill()
        mark("Neo4j killed")
        code, out, err = stopped.release()
        mark("import ended")
        assert says in out, f"{point}: the import did not say what became of its data:\n{out}\n{err}"
        assert (code == 0) == (point == "published"), (code, out, err)
        neo4j.script("start")
        mark("Neo4j started")
        assert neo4j.digest() == expected, f"{point}: after the restart a reader saw part of the import"
        after = chainatlas(env, "counts")
        mark("counted")
        found = ROLLED_BACK.findall(after.stderr)
        assert after.returncode == 0 and len(found) == (0 if point == "published" else 1), after.stderr
        assert neo4j.digest() == expected, f"{point}: after the next command"
        told.append(f"Neo4j at {point} → {found[0][1] if found else 'published'}")
    print("\nNeo4j faults:", "; ".join(told))

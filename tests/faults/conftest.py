"""The fault suite's data (the store after the old import, the digests of the old and new content)
and, for each test module that asks, a Neo4j server of its own (``neo4j``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from loaders.importer import import_files
from stores.backup import content_digest
from stores.embedded import EmbeddedStore
from tests.faults.harness import BATCH, OwnNeo4j, write_imports


@pytest.fixture(scope="session")
def trial_data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The store after the old import (a file to copy), and the digests of the old and the new content."""
    folder = tmp_path_factory.mktemp("fault-data")
    old, new = write_imports(folder / "files")
    base = folder / "base" / "chainatlas.sqlite"
    store = EmbeddedStore(base)
    store.ensure_schema()
    assert import_files(store, old).ok
    old_digest = content_digest(store)
    store.close()
    twin_path = folder / "twin" / "chainatlas.sqlite"
    twin_path.parent.mkdir()
    shutil.copy(base, twin_path)
    twin = EmbeddedStore(twin_path)
    report = import_files(twin, new, chunk_size=BATCH)
    assert report.ok and report.written > 10 * BATCH, report.summary()
    new_digest = content_digest(twin)
    twin.close()
    assert new_digest != old_digest
    return {"old": old, "new": new, "base": base, "old_digest": old_digest, "new_digest": new_digest,
            "items": report.written}


@pytest.fixture(scope="module")
def neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnNeo4j]:
    """A Neo4j server of the test module's own, on a free port; stopped at the module's end."""
    server = OwnNeo4j(tmp_path_factory.mktemp("neo4j-faults"))
    server.script("start")
    try:
        yield server
    finally:
        server.script("stop")

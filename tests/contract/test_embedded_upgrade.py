"""An embedded store file written before the search columns existed is upgraded by ensure_schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from stores.embedded import EmbeddedStore
from tests.contract.sample import LEAD_CODE, sample_batch


def test_old_store_file_gains_search_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    current = EmbeddedStore(path)
    current.ensure_schema()
    current.write(sample_batch())
    current.close()
    with sqlite3.connect(path) as db:  # make it look like a file of the first release
        db.execute("ALTER TABLE nodes DROP COLUMN search")
        db.execute("ALTER TABLE nodes DROP COLUMN code")
    upgraded = EmbeddedStore(path)
    upgraded.ensure_schema()
    assert [node["id"] for node in upgraded.search("南储")] == [LEAD_CODE]  # an alias
    assert [node["id"] for node in upgraded.search(LEAD_CODE)] == [LEAD_CODE]
    assert [node["id"] for node in upgraded.search("正极")] == ["product:cathode", "ent:cathode"]
    upgraded.close()

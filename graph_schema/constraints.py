"""Constraints and indexes generated from the registry, for each store.

>>> neo4j_schema_statements()[0]
'CREATE CONSTRAINT enterprise_id_unique IF NOT EXISTS FOR (n:Enterprise) REQUIRE n.id IS UNIQUE'
"""

from __future__ import annotations

from graph_schema.registry import NODE_LABELS, check_identifier

FULLTEXT_INDEX = "node_name_fulltext"
META_LABEL = "ChainAtlasMeta"
"""An internal label outside the schema: one node holding the store's revision counter."""


def neo4j_schema_statements() -> list[str]:
    """Cypher that creates one uniqueness constraint per label, text indexes and a CJK full-text index.

    Text indexes (trigram based in Neo4j 5) serve ``name CONTAINS $q`` for Chinese substrings; the
    full-text index uses Lucene's CJK analyzer (bigrams) for ranked name search.
    """
    statements = []
    for label in NODE_LABELS.values():
        name = check_identifier(label.name)
        statements.append(
            f"CREATE CONSTRAINT {name.lower()}_id_unique IF NOT EXISTS "
            f"FOR (n:{name}) REQUIRE n.{label.key} IS UNIQUE"
        )
        statements.append(f"CREATE TEXT INDEX {name.lower()}_name_text IF NOT EXISTS FOR (n:{name}) ON (n.name)")
    statements.append("CREATE INDEX enterprise_credit_code IF NOT EXISTS FOR (n:Enterprise) ON (n.credit_code)")
    statements.append(f"CREATE CONSTRAINT meta_id_unique IF NOT EXISTS FOR (n:{META_LABEL}) REQUIRE n.id IS UNIQUE")
    labels = "|".join(check_identifier(name) for name in NODE_LABELS)
    statements.append(
        f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{labels}) ON EACH [n.name] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}"
    )
    return statements


SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS nodes (
    id     TEXT PRIMARY KEY,
    label  TEXT NOT NULL,
    name   TEXT NOT NULL,
    search TEXT NOT NULL DEFAULT '',
    code   TEXT,
    props  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS nodes_label ON nodes(label, id);
CREATE TABLE IF NOT EXISTS rels (
    type   TEXT NOT NULL,
    src    TEXT NOT NULL,
    dst    TEXT NOT NULL,
    key    TEXT NOT NULL,
    props  TEXT NOT NULL,
    PRIMARY KEY (type, src, dst, key)
);
CREATE INDEX IF NOT EXISTS rels_src ON rels(src, type);
CREATE INDEX IF NOT EXISTS rels_dst ON rels(dst, type);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES ('revision', 0);
"""
"""SQLite tables of the embedded store: ids are globally unique (the label is in the id's prefix).

Plain rowid tables: their rows (JSON properties, a few hundred bytes) are too wide for ``WITHOUT
ROWID`` tables to pay off; bulk inserts run 25–45 % faster this way. Files made by earlier
versions (``WITHOUT ROWID``) work unchanged.

``search`` holds the name and aliases joined by U+001F and ``code`` the 统一社会信用代码, copies of
what is in ``props`` kept in columns so that name search scans text, not JSON.
"""

SQLITE_DEFERRABLE_INDEXES = {
    "rels_src": "CREATE INDEX IF NOT EXISTS rels_src ON rels(src, type)",
    "rels_dst": "CREATE INDEX IF NOT EXISTS rels_dst ON rels(dst, type)",
}
"""Lookup indexes a bulk load drops and builds again at its end (their statements are in the schema)."""

SQLITE_ADDED_COLUMNS = {"search": "TEXT NOT NULL DEFAULT ''", "code": "TEXT"}
"""Columns added after the first release: ``ensure_schema`` adds them to older files and fills them."""

"""The SQLite schema: every table the published database holds, declared here and only here.

One schema serves every source; docs/schema.md documents each table and column. The database
is rebuilt from scratch on every build and never edited in place, so it is served immutable.
The core tables are created first; the build's post-import steps create the tables they fill
(`LINK_SCHEMA` by linking, `HISTORY_SCHEMA` by change history).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# 2: source_files.records and .share, entity_files (which file a record came
# from); a database of another version cannot lend sources to a partial build
SCHEMA_VERSION = 2

SCHEMA = """
CREATE TABLE sources (
    key TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    publisher TEXT NOT NULL,
    url TEXT,
    format TEXT,
    licence TEXT,
    kind TEXT NOT NULL,
    as_of TEXT,
    entity_count INTEGER NOT NULL,
    counts TEXT NOT NULL,
    notes TEXT NOT NULL,
    description TEXT,
    imported_at TEXT NOT NULL
);
CREATE TABLE source_files (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL REFERENCES sources(key),
    role TEXT NOT NULL,
    path TEXT NOT NULL,
    as_of TEXT,
    kind TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    rows INTEGER,
    note TEXT,
    records INTEGER,
    share REAL
);
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL REFERENCES sources(key),
    source_id TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('person', 'organization', 'vessel', 'aircraft')),
    name TEXT NOT NULL,
    listed_on TEXT,
    programs TEXT NOT NULL,
    countries TEXT NOT NULL,
    gender TEXT,
    title TEXT,
    remarks TEXT,
    url TEXT,
    raw TEXT NOT NULL,
    UNIQUE (source, source_id)
);
CREATE TABLE entity_files (
    entity_id TEXT PRIMARY KEY REFERENCES entities(id),
    role TEXT NOT NULL
);
CREATE TABLE names (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    kind TEXT NOT NULL CHECK (kind IN ('primary', 'aka', 'fka', 'nka', 'weak')),
    name TEXT NOT NULL,
    normalized TEXT NOT NULL,
    quality TEXT
);
CREATE TABLE identifiers (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    scheme TEXT NOT NULL,
    value TEXT NOT NULL,
    country TEXT,
    valid INTEGER,
    note TEXT
);
CREATE TABLE addresses (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    address TEXT,
    city TEXT,
    state TEXT,
    postal_code TEXT,
    country TEXT,
    remarks TEXT
);
CREATE TABLE birth_dates (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    raw TEXT NOT NULL,
    date TEXT,
    date_from TEXT,
    date_to TEXT,
    circa INTEGER NOT NULL
);
CREATE TABLE birth_places (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    place TEXT NOT NULL
);
CREATE TABLE nationalities (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    country TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('nationality', 'citizenship'))
);
CREATE TABLE vessels (
    entity_id TEXT PRIMARY KEY REFERENCES entities(id),
    imo TEXT,
    imo_valid INTEGER,
    mmsi TEXT,
    call_sign TEXT,
    vessel_type TEXT,
    tonnage TEXT,
    grt TEXT,
    flag TEXT,
    owner TEXT
);
CREATE TABLE designations (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    source TEXT NOT NULL REFERENCES sources(key),
    authority TEXT NOT NULL,
    list TEXT NOT NULL,
    program TEXT,
    listed_on TEXT,
    delisted_on TEXT,
    status TEXT NOT NULL,
    reference TEXT
);
CREATE TABLE relations (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    kind TEXT NOT NULL,
    target_name TEXT NOT NULL,
    target_id TEXT
);
CREATE TABLE properties (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    key TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE TABLE rewards (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    program TEXT NOT NULL,
    amount_usd INTEGER,
    announced TEXT,
    status TEXT,
    organization TEXT,
    url TEXT,
    text TEXT
);
CREATE TABLE build_info (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# Written by the build's linking step (sanctions.ingest.link).
LINK_SCHEMA = """
CREATE TABLE links (
    id INTEGER PRIMARY KEY,
    entity_a TEXT NOT NULL REFERENCES entities(id),
    entity_b TEXT NOT NULL REFERENCES entities(id),
    reason TEXT NOT NULL,
    confidence REAL NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX idx_links_a ON links(entity_a);
CREATE INDEX idx_links_b ON links(entity_b);
CREATE TABLE clusters (
    entity_id TEXT PRIMARY KEY REFERENCES entities(id),
    cluster_id TEXT NOT NULL REFERENCES entities(id),
    size INTEGER NOT NULL
);
CREATE INDEX idx_clusters_cluster ON clusters(cluster_id);
CREATE TABLE link_refusals (
    id INTEGER PRIMARY KEY,
    entity_a TEXT NOT NULL REFERENCES entities(id),
    entity_b TEXT NOT NULL REFERENCES entities(id),
    reason TEXT NOT NULL,
    detail TEXT NOT NULL
);
"""

# Written by the build's change-history step (sanctions.ingest.history).
HISTORY_SCHEMA = """
CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    source TEXT NOT NULL,
    source_as_of TEXT,
    entity_id TEXT,
    change TEXT NOT NULL CHECK (change IN ('added', 'removed', 'changed', 'baseline')),
    name TEXT,
    fields TEXT
);
CREATE INDEX idx_changes_at ON changes(at);
CREATE INDEX idx_changes_entity ON changes(entity_id);
CREATE INDEX idx_changes_source ON changes(source, at);
CREATE TABLE entity_history (
    entity_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    name TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    removed_at TEXT
);
CREATE INDEX idx_entity_history_source ON entity_history(source);
"""

INDEXES = """
CREATE INDEX idx_entities_source ON entities(source);
CREATE INDEX idx_entities_type ON entities(type);
CREATE INDEX idx_names_entity ON names(entity_id);
CREATE INDEX idx_names_normalized ON names(normalized);
CREATE INDEX idx_identifiers_entity ON identifiers(entity_id);
CREATE INDEX idx_identifiers_value ON identifiers(scheme, value);
CREATE INDEX idx_addresses_entity ON addresses(entity_id);
CREATE INDEX idx_birth_dates_entity ON birth_dates(entity_id);
CREATE INDEX idx_birth_places_entity ON birth_places(entity_id);
CREATE INDEX idx_nationalities_entity ON nationalities(entity_id);
CREATE INDEX idx_vessels_imo ON vessels(imo);
CREATE INDEX idx_designations_entity ON designations(entity_id);
CREATE INDEX idx_designations_program ON designations(program);
CREATE INDEX idx_relations_entity ON relations(entity_id);
CREATE INDEX idx_properties_entity ON properties(entity_id);
CREATE INDEX idx_rewards_entity ON rewards(entity_id);
"""

# Child tables written from one list field of Record each: table -> (record field, columns).
CHILD_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "identifiers": ("identifiers", ("scheme", "value", "country", "valid", "note")),
    "addresses": (
        "addresses",
        ("address", "city", "state", "postal_code", "country", "remarks"),
    ),
    "birth_dates": ("birth_dates", ("raw", "date", "date_from", "date_to", "circa")),
    "nationalities": ("nationalities", ("country", "kind")),
    "relations": ("relations", ("kind", "target_name", "target_id")),
    "properties": ("properties", ("key", "value")),
    "rewards": (
        "rewards",
        ("program", "amount_usd", "announced", "status", "organization", "url", "text"),
    ),
}


def connect(path: Path | str, *, threads: bool = False) -> sqlite3.Connection:
    """`threads`: the connection may be used from another thread than its creator's, one
    thread at a time (the build writes on a thread of its own while it parses)."""
    conn = sqlite3.connect(str(path), check_same_thread=not threads)
    conn.row_factory = sqlite3.Row
    return conn


def create_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def create_indexes(conn: sqlite3.Connection) -> None:
    conn.executescript(INDEXES)


def all_schemas() -> str:
    """Every table, core and post-import, for checks against metadata and docs."""
    return SCHEMA + LINK_SCHEMA + HISTORY_SCHEMA

"""The SQLite schema and the writer that stores records in it.

One schema serves every source; docs/schema.md documents each table and column. The database
is rebuilt from scratch on every build and never edited in place, so it is served immutable.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .models import Record
from .normalize import normalize_name

SCHEMA_VERSION = 1

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
    note TEXT
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


def connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path))
    conn.row_factory = sqlite3.Row
    return conn


def create_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def create_indexes(conn: sqlite3.Connection) -> None:
    conn.executescript(INDEXES)


def _countries(record: Record) -> list[str]:
    found = [n.country for n in record.nationalities]
    found += [a.country for a in record.addresses if a.country]
    if record.vessel and record.vessel.flag:
        found.append(record.vessel.flag)
    return list(dict.fromkeys(found))


def _names(record: Record) -> list[tuple[str, str, str, str | None]]:
    """The primary name first, then every other name once (same text and kind deduplicated)."""
    rows: dict[tuple[str, str], tuple[str, str, str, str | None]] = {}
    rows[("primary", record.name)] = (record.name, "primary", normalize_name(record.name), None)
    for n in record.names:
        if n.name and (n.kind, n.name) not in rows and ("primary", n.name) not in rows:
            rows[(n.kind, n.name)] = (n.name, n.kind, normalize_name(n.name), n.quality)
    return list(rows.values())


def write_records(conn: sqlite3.Connection, records: Iterable[Record]) -> dict[str, int]:
    """Insert records with all their children; returns counts per entity type."""
    counts: dict[str, int] = {}
    entities: list[tuple[Any, ...]] = []
    names: list[tuple[Any, ...]] = []
    places: list[tuple[Any, ...]] = []
    vessels: list[tuple[Any, ...]] = []
    designations: list[tuple[Any, ...]] = []
    children: dict[str, list[tuple[Any, ...]]] = {t: [] for t in CHILD_TABLES}
    for r in records:
        eid = r.id
        counts[r.type] = counts.get(r.type, 0) + 1
        entities.append(
            (
                eid, r.source, r.source_id, r.type, r.name, r.listed_on,
                json.dumps(r.programs), json.dumps(_countries(r)), r.gender, r.title,
                r.remarks, r.url, json.dumps(r.raw, ensure_ascii=False, default=str),
            )
        )
        names.extend((eid, *n) for n in _names(r))
        places.extend((eid, p) for p in dict.fromkeys(r.birth_places))
        if r.vessel is not None:
            vessels.append((eid, *asdict(r.vessel).values()))
        designations.extend(
            (eid, r.source, d.authority, d.list, d.program, d.listed_on, d.delisted_on,
             d.status, d.reference)
            for d in r.designations
        )
        for table, (attr, cols) in CHILD_TABLES.items():
            children[table].extend(
                (eid, *(getattr(item, c) for c in cols)) for item in getattr(r, attr)
            )
    try:
        conn.executemany(f"INSERT INTO entities VALUES ({','.join('?' * 13)})", entities)
    except sqlite3.IntegrityError as exc:
        raise ValueError(f"duplicate entity id in source: {exc}") from exc
    conn.executemany(
        "INSERT INTO names (entity_id, name, kind, normalized, quality) VALUES (?,?,?,?,?)", names
    )
    conn.executemany("INSERT INTO birth_places (entity_id, place) VALUES (?,?)", places)
    conn.executemany(
        "INSERT INTO vessels (entity_id, imo, imo_valid, mmsi, call_sign, vessel_type, tonnage,"
        " grt, flag, owner) VALUES (?,?,?,?,?,?,?,?,?,?)",
        vessels,
    )
    conn.executemany(
        "INSERT INTO designations (entity_id, source, authority, list, program, listed_on,"
        " delisted_on, status, reference) VALUES (?,?,?,?,?,?,?,?,?)",
        designations,
    )
    for table, (_, cols) in CHILD_TABLES.items():
        conn.executemany(
            f"INSERT INTO {table} (entity_id, {', '.join(cols)})"
            f" VALUES ({', '.join('?' * (len(cols) + 1))})",
            children[table],
        )
    return counts

"""The writer: stores parsed records in the schema (sanctions.store.schema)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict
from operator import attrgetter
from typing import Any

from ..countries import country_code
from ..models import Record
from ..normalize import normalize_name
from .schema import CHILD_TABLES


def _countries(record: Record) -> list[str]:
    """ISO 3166-1 codes, so that one country is one value whatever the list calls it ("Korea,
    North" and "Democratic People's Republic of Korea" are both KP); a name with no code is
    kept as written rather than dropped."""
    found = [n.country for n in record.nationalities]
    found += [a.country for a in record.addresses if a.country]
    if record.vessel and record.vessel.flag:
        found.append(record.vessel.flag)
    return list(dict.fromkeys(country_code(c) or c for c in found))


def _names(record: Record) -> list[tuple[str, str, str, str | None]]:
    """The primary name first, then every other name once (same text and kind deduplicated)."""
    rows: dict[tuple[str, str], tuple[str, str, str, str | None]] = {}
    rows[("primary", record.name)] = (record.name, "primary", normalize_name(record.name), None)
    for n in record.names:
        if n.name and (n.kind, n.name) not in rows and ("primary", n.name) not in rows:
            rows[(n.kind, n.name)] = (n.name, n.kind, normalize_name(n.name), n.quality)
    return list(rows.values())


# (table, record field, the item's columns as a tuple) for each child table
_CHILD_ROWS = [(table, attr, attrgetter(*cols) if len(cols) > 1 else (lambda i, c=cols[0]: (
    getattr(i, c),))) for table, (attr, cols) in CHILD_TABLES.items()]


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
        for table, attr, row in _CHILD_ROWS:
            items = getattr(r, attr)
            if items:  # most records have none of most children: the common case costs least
                children[table].extend((eid, *row(item)) for item in items)
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


# Full-text search over names, for Datasette's `?_search=`: unicode61 with diacritics removed,
# not porter (names are not English words; stemming would make "Aragua" match "Aragu").
FTS_TOKENIZER = "unicode61 remove_diacritics 2"
FTS_TABLES: dict[str, tuple[str, ...]] = {"names": ("name", "normalized")}
# The entities' search covers every name and alias, as screening does: a standalone FTS table
# keyed by the entity's rowid (metadata.yml names it as the entities table's fts_table).
ENTITIES_FTS = (
    f"CREATE VIRTUAL TABLE entities_fts USING fts5(name, aliases, tokenize='{FTS_TOKENIZER}')",
    "INSERT INTO entities_fts (rowid, name, aliases)"
    " SELECT e.rowid, e.name, (SELECT group_concat(n.name, ' | ') FROM names n"
    "                          WHERE n.entity_id = e.id AND n.name != e.name)"
    " FROM entities e",
)


def enable_fts(conn: sqlite3.Connection) -> None:
    import sqlite_utils  # only the build needs it

    db = sqlite_utils.Database(conn)
    for table, columns in FTS_TABLES.items():
        db[table].enable_fts(list(columns), tokenize=FTS_TOKENIZER)  # type: ignore[union-attr]
    for statement in ENTITIES_FTS:  # not executescript: it would commit the build's work
        conn.execute(statement)

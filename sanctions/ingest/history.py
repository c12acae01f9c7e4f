"""Change history: what each build added, removed or changed, entity by entity.

A post-import step of the build. It reads the database the new one will replace, carries its
`changes` and `entity_history` tables forward, and compares every source in the new build with
the same source in the previous one:

- `added` / `removed`: the entity id appears / disappears;
- `changed`: a stable digest of one of its fields differs; `fields` lists which
  (`name`, `names`, `identifiers`, `designations`, `remarks`, ...).

The first build that holds a source (no previous database, or one without history for that
source) records its entities in `entity_history` as first seen and writes one `baseline` row to
`changes` instead of one `added` row per entity, so the feed starts with real changes. Only the
sources this build imported are compared (their `imported_at` is the build's time): a source
kept from the previous database by `sanctions build --source X` has its history carried forward
untouched, so nothing is recorded for it. A previous database that cannot be read restarts the
history: every source gets a baseline, and the step says so.

    >>> list_changes("db/sanctions.db", since="2026-01-01", source="ofac_sdn")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import blake2b
from pathlib import Path
from typing import Any

from ..store import has_tables, schema

# The fields compared, besides the child tables below: one digest each.
ENTITY_FIELDS = ("type", "name", "listed_on", "programs", "countries", "gender", "title",
                 "remarks", "url")
# table -> the columns that describe the entity. relations.target_id is left out: it is
# derived by resolving names, so removing one entity must not "change" those linked to it.
CHILD_FIELDS: dict[str, tuple[str, ...]] = {
    "names": ("kind", "name"),
    "identifiers": ("scheme", "value", "country"),
    "addresses": ("address", "city", "state", "postal_code", "country", "remarks"),
    "birth_dates": ("raw",),
    "birth_places": ("place",),
    "nationalities": ("country", "kind"),
    "vessels": ("imo", "mmsi", "call_sign", "vessel_type", "tonnage", "grt", "flag", "owner"),
    "designations": ("authority", "list", "program", "listed_on", "delisted_on", "status",
                     "reference"),
    "relations": ("kind", "target_name"),
    "properties": ("key", "value"),
    "rewards": ("program", "amount_usd", "announced", "status", "organization", "url", "text"),
}


@dataclass
class Seen:
    """One entity as a build holds it: its name and a digest per field."""

    source: str
    name: str
    digests: dict[str, str]


def _digest(values: Iterable[Any]) -> str:
    return blake2b("\x1f".join(sorted(repr(v) for v in values)).encode(), digest_size=8).hexdigest()


def entity_digests(conn: sqlite3.Connection, sources: Iterable[str]) -> dict[str, Seen]:
    """Every entity of `sources` in a database, with a digest per field."""
    seen: dict[str, Seen] = {}
    wanted = sorted(sources)
    if not wanted:
        return seen
    cols = ", ".join(ENTITY_FIELDS)
    marks = ", ".join("?" * len(wanted))
    sql = f"SELECT id, source, {cols} FROM entities WHERE source IN ({marks})"
    for row in conn.execute(sql, wanted):
        values = zip(ENTITY_FIELDS, row[2:], strict=True)
        seen[row[0]] = Seen(row[1], row[3], {f: _digest([v]) for f, v in values})
    for table, columns in CHILD_FIELDS.items():
        grouped: dict[str, list[tuple[Any, ...]]] = {}
        # One scan of the whole table beats a join per source; rows of other sources are skipped.
        for row in conn.execute(f"SELECT entity_id, {', '.join(columns)} FROM {table}"):
            if row[0] in seen:
                grouped.setdefault(row[0], []).append(tuple(row[1:]))
        for eid, rows in grouped.items():
            seen[eid].digests[table] = _digest(rows)
    return seen


def compare(old: dict[str, Seen], new: dict[str, Seen]) -> list[tuple[str, str, str, list[str]]]:
    """(entity_id, change, name, changed fields) for every entity added, removed or changed."""
    out: list[tuple[str, str, str, list[str]]] = []
    for eid in sorted(new.keys() - old.keys()):
        out.append((eid, "added", new[eid].name, []))
    for eid in sorted(old.keys() - new.keys()):
        out.append((eid, "removed", old[eid].name, []))
    for eid in sorted(new.keys() & old.keys()):
        a, b = old[eid].digests, new[eid].digests
        fields = sorted(f for f in a.keys() | b.keys() if a.get(f) != b.get(f))
        if fields:
            out.append((eid, "changed", new[eid].name, fields))
    return out


def _open_previous(path: Path | None) -> sqlite3.Connection | None:
    """The database being replaced, read-only, if it exists and has history tables."""
    if path is None or not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError:
        return None  # not a database we can read: start the history afresh
    if "entities" not in tables:
        conn.close()
        return None
    return conn


def record_changes(conn: sqlite3.Connection, previous_path: Path | None) -> str | None:
    """Post-import step: carry history forward and record this build's changes. Returns a line
    when the previous database's history could not be read and restarts with a baseline."""
    conn.executescript(schema.HISTORY_SCHEMA)
    at = conn.execute("SELECT max(imported_at) FROM sources").fetchone()[0]
    # Only what this build imported: a source kept from the previous database is not compared.
    as_of = dict(conn.execute("SELECT key, as_of FROM sources WHERE imported_at = ?", (at,)))
    prev = _open_previous(previous_path)
    try:
        _record(conn, prev, at, as_of)
    except sqlite3.DatabaseError as exc:
        if prev is None:
            raise  # the new database itself failed: not something a baseline can fix
        # The previous file is damaged past its first pages: what could be carried is lost.
        _record(conn, None, at, as_of)
        return (f"the change history of {previous_path} cannot be read ({exc}): it restarts "
                "with a baseline")
    finally:
        if prev is not None:
            prev.close()
    return None


def _record(conn: sqlite3.Connection, prev: sqlite3.Connection | None, at: str,
            as_of: dict[str, str | None]) -> None:
    with conn:  # one transaction: a failure reading `prev` leaves nothing half-copied
        known: set[str] = set()
        if prev is not None and has_tables(prev, "changes", "entity_history"):
            conn.executemany("INSERT INTO changes VALUES (?,?,?,?,?,?,?,?)",
                             prev.execute("SELECT * FROM changes ORDER BY id"))
            conn.executemany("INSERT INTO entity_history VALUES (?,?,?,?,?,?)",
                             prev.execute("SELECT * FROM entity_history"))
            known = {r[0] for r in prev.execute("SELECT DISTINCT source FROM entity_history")}
        compared = sorted(k for k in as_of if k in known)
        new = entity_digests(conn, compared)
        old = entity_digests(prev, compared) if prev is not None else {}
        for source in sorted(as_of):
            if source in known:
                _record_source(conn, source, as_of[source], at,
                               _of(old, source), _of(new, source))
            else:
                _baseline(conn, source, as_of[source], at)


def _of(seen: dict[str, Seen], source: str) -> dict[str, Seen]:
    return {eid: s for eid, s in seen.items() if s.source == source}


def _baseline(conn: sqlite3.Connection, source: str, as_of: str | None, at: str) -> None:
    n = conn.execute(
        "INSERT OR REPLACE INTO entity_history SELECT id, source, name, ?, ?, NULL"
        " FROM entities WHERE source = ?", (at, at, source),
    ).rowcount
    conn.execute(
        "INSERT INTO changes (at, source, source_as_of, entity_id, change, name, fields)"
        " VALUES (?,?,?,NULL,'baseline',?,NULL)",
        (at, source, as_of, f"{n} entities first recorded"),
    )


def _record_source(
    conn: sqlite3.Connection, source: str, as_of: str | None, at: str,
    old: dict[str, Seen], new: dict[str, Seen],
) -> None:
    found = compare(old, new)
    conn.executemany(
        "INSERT INTO changes (at, source, source_as_of, entity_id, change, name, fields)"
        " VALUES (?,?,?,?,?,?,?)",
        ((at, source, as_of, eid, change, name, json.dumps(fields) if fields else None)
         for eid, change, name, fields in found),
    )
    # Present now: seen at this build (re-listed entities lose their removal date).
    conn.executemany(
        "INSERT INTO entity_history VALUES (?,?,?,?,?,NULL) ON CONFLICT(entity_id) DO UPDATE"
        " SET name = excluded.name, last_seen = excluded.last_seen, removed_at = NULL",
        ((eid, source, s.name, at, at) for eid, s in new.items()),
    )
    conn.executemany(
        "UPDATE entity_history SET removed_at = ? WHERE entity_id = ?",
        ((at, eid) for eid, change, _, _ in found if change == "removed"),
    )

"""What is in the database: each source with its as-of date, age, kind and counts; and the
entity-level changes each build recorded."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from ..dates import age_days
from ..errors import SanctionsError
from ..sources import all_sources
from . import has_tables, reading

# How the dates line names a file's kind ("the 2026-06-02 excerpt").
KIND_WORDS = {"official": "official file", "partial": "partial file", "excerpt": "excerpt",
              "compiled": "compiled file"}
FILE_FIELDS = ("role", "path", "as_of", "kind", "sha256", "size", "rows", "records", "share")


def dates_line(as_of: str | None, files: list[dict[str, Any]]) -> str:
    """A source's date in one line: its main file's, and what files of other dates supplied.

    >>> dates_line("2024-05-03", [
    ...     {"as_of": "2024-05-03", "kind": "official", "records": 14951, "share": 0.9916},
    ...     {"as_of": "2026-06-02", "kind": "excerpt", "records": 126, "share": 0.0084}])
    '2024-05-03, with 126 records (0.8%) from the 2026-06-02 excerpt'
    """
    head = as_of or "undated"
    used = [f for f in files if f.get("records")]
    if not used:
        return head
    main = max(used, key=lambda f: f["records"])
    more = [f"{f['records']:,} record{'s' if f['records'] != 1 else ''} ({f['share']:.1%}) from "
            f"the {f['as_of'] or 'undated'} {KIND_WORDS.get(f['kind'], f['kind'] + ' file')}"
            for f in sorted(used, key=lambda f: f["as_of"] or "") if f is not main]
    if not more:
        return head
    return f"{head}, with " + (", ".join(more[:-1]) + " and " if len(more) > 1 else "") + more[-1]


def source_files(conn: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
    """Each source's input files, in the order they were recorded (a connection whose rows
    are sqlite3.Row); none from a database without the table."""
    files: dict[str, list[dict[str, Any]]] = {}
    if has_tables(conn, "source_files"):
        for r in conn.execute("SELECT * FROM source_files ORDER BY id"):
            files.setdefault(r["source"], []).append(dict(r))
    return files


def source_status(db_path: Path, today: date) -> list[dict[str, Any]]:
    """Every registered source, with what the database at `db_path` holds of it (if built),
    then every source the database holds that no module declares (an FtM file imported with
    `sanctions build --ftm KEY=PATH`): the database's catalog is the truth of what it holds."""
    built: dict[str, dict[str, Any]] = {}
    files: dict[str, list[dict[str, Any]]] = {}
    if Path(db_path).exists():
        with reading(db_path) as conn:
            built = {r["key"]: dict(r) for r in conn.execute("SELECT * FROM sources")}
            files = source_files(conn)
    rows = []
    registered = all_sources()
    for s in registered:
        b = built.get(s.key)
        as_of = b["as_of"] if b else s.as_of
        rows.append(_row(s.key, b, files.get(s.key, []), today, {
            "title": s.title, "publisher": s.publisher, "url": s.urls[0] if s.urls else None,
            "as_of": as_of, "kind": b["kind"] if b else s.main_file.kind,
            "dates": dates_line(as_of, files.get(s.key, [])) if b else as_of,
            "newest_file": None if b else s.newest}))
    keys = {s.key for s in registered}
    for key, b in built.items():
        if key not in keys:
            rows.append(_row(key, b, files.get(key, []), today, {
                "title": b["title"], "publisher": b["publisher"], "url": b["url"],
                "as_of": b["as_of"], "kind": b["kind"],
                "dates": _given_line(b["as_of"], files.get(key, []))}))
    return rows


def _row(key: str, b: dict[str, Any] | None, files: list[dict[str, Any]], today: date,
         described: dict[str, Any]) -> dict[str, Any]:
    """One source's row: `described` (title, publisher, url, as_of, kind, dates) and what the
    database holds of it (`b`, its `sources` row, None when not built)."""
    as_of = described["as_of"]
    return {
        "key": key,
        "title": described["title"],
        "publisher": described["publisher"],
        "url": described["url"],
        # the date and kind of the file that supplied most records (ingest/provenance.py)
        "as_of": as_of,
        "age_days": age_days(as_of, today),
        "kind": described["kind"],
        "dates": described["dates"],
        "newest_file": max((f["as_of"] for f in files if f["as_of"]), default=None) if b
        else described.get("newest_file"),
        "entity_count": b["entity_count"] if b else None,
        "counts": json.loads(b["counts"]) if b else None,
        "notes": json.loads(b["notes"]) if b else None,
        "imported_at": b["imported_at"] if b else None,
        "files": [{k: f.get(k) for k in FILE_FIELDS} for f in files],
    }


def _given_line(as_of: str | None, files: list[dict[str, Any]]) -> str:
    """The dates line of a source the user gave as a file: its date and the file, which no
    declaration names (the sources table's title cell shows it).

    >>> _given_line("2026-11-29", [{"path": "entities.ftm.json"}])
    '2026-11-29, from entities.ftm.json'
    """
    names = ", ".join(f["path"] for f in files if f.get("path"))
    return f"{as_of or 'undated'}" + (f", from {names}" if names else "")


def list_changes(
    db_path: Path | str,
    *,
    since: str | None = None,
    source: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Recorded changes, newest first; `since` is an ISO date or timestamp (inclusive)."""
    with reading(db_path) as conn:
        if not has_tables(conn, "changes", "entity_history"):
            raise SanctionsError(f"{db_path} has no change history; rebuild it with this version")
        where, params = [], []
        if since:
            where.append("at >= ?")
            params.append(since)
        if source:
            where.append("source = ?")
            params.append(source)
        sql = ("SELECT id, at, source, source_as_of, entity_id, change, name, fields FROM changes"
               + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY at DESC, id")
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows = [dict(r) for r in conn.execute(sql, params)]
    for r in rows:
        r["fields"] = json.loads(r["fields"]) if r["fields"] else []
    return rows

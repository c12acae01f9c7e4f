"""What is in the database: each source with its as-of date, age, kind and counts; and the
entity-level changes each build recorded."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from ..dates import age_days
from ..errors import SanctionsError
from ..sources import all_sources
from . import has_tables, reading

FILE_FIELDS = ("role", "path", "as_of", "kind", "sha256", "size", "rows")


def source_status(db_path: Path, today: date) -> list[dict[str, Any]]:
    """Every registered source, with what the database at `db_path` holds of it (if built)."""
    built: dict[str, dict[str, Any]] = {}
    files: dict[str, list[dict[str, Any]]] = {}
    if Path(db_path).exists():
        with reading(db_path) as conn:
            built = {r["key"]: dict(r) for r in conn.execute("SELECT * FROM sources")}
            for r in conn.execute("SELECT * FROM source_files ORDER BY id"):
                files.setdefault(r["source"], []).append(dict(r))
    rows = []
    for s in all_sources():
        b = built.get(s.key)
        as_of = b["as_of"] if b else s.as_of
        rows.append({
            "key": s.key,
            "title": s.title,
            "publisher": s.publisher,
            "url": s.urls[0] if s.urls else None,
            "as_of": as_of,
            "age_days": age_days(as_of, today),
            "kind": s.kind,
            "entity_count": b["entity_count"] if b else None,
            "counts": json.loads(b["counts"]) if b else None,
            "notes": json.loads(b["notes"]) if b else None,
            "imported_at": b["imported_at"] if b else None,
            "files": [{k: f[k] for k in FILE_FIELDS} for f in files.get(s.key, [])],
        })
    return rows


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

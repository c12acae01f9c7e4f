"""What is in the database: each source with its as-of date, age, kind and counts."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from .errors import SanctionsError
from .sources import all_sources


def _age(as_of: str | None, today: date) -> int | None:
    if not as_of:
        return None
    parts = [int(p) for p in as_of.split("-")] + [1, 1]
    return (today - date(parts[0], parts[1], parts[2])).days


def source_status(db_path: Path, today: date) -> list[dict[str, Any]]:
    """Every registered source, with what the database at `db_path` holds of it (if built)."""
    built: dict[str, dict[str, Any]] = {}
    files: dict[str, list[dict[str, Any]]] = {}
    if db_path.exists():
        try:
            conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
            conn.row_factory = sqlite3.Row
            built = {r["key"]: dict(r) for r in conn.execute("SELECT * FROM sources")}
            for r in conn.execute("SELECT * FROM source_files ORDER BY id"):
                files.setdefault(r["source"], []).append(dict(r))
            conn.close()
        except sqlite3.DatabaseError as exc:
            raise SanctionsError(f"{db_path}: not a sanctions database ({exc})") from exc
    rows = []
    for s in all_sources():
        b = built.get(s.key)
        as_of = b["as_of"] if b else s.as_of
        rows.append(
            {
                "key": s.key,
                "title": s.title,
                "publisher": s.publisher,
                "url": s.urls[0] if s.urls else None,
                "as_of": as_of,
                "age_days": _age(as_of, today),
                "kind": s.kind,
                "entity_count": b["entity_count"] if b else None,
                "counts": json.loads(b["counts"]) if b else None,
                "notes": json.loads(b["notes"]) if b else None,
                "imported_at": b["imported_at"] if b else None,
                "files": [
                    {k: f[k] for k in ("role", "path", "as_of", "kind", "sha256", "size", "rows")}
                    for f in files.get(s.key, [])
                ],
            }
        )
    return rows

"""The data version of a built database: which build answered, and what each list said.

`{"build": built_at, "version": package version, "sources": {key: {"as_of", "sha256"}}}`.
The build id is build_info's `built_at` (every build and update writes a new one); a source's
`sha256` is a digest of its input files' own sha256 (source_files), so two builds that read the
same files give the same value, and any changed file changes it. Computed once per loaded
database by sanctions.screening and attached to every result.

    >>> read_data_version("db/sanctions.db")["build"]  # doctest: +SKIP
    '2026-11-30T09:00:55+00:00'
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

from . import has_tables, reading


def data_version(conn: sqlite3.Connection) -> dict[str, Any]:
    """The data version of the database behind `conn` (read only)."""
    info: dict[str, str] = {}
    if has_tables(conn, "build_info"):
        info = {r[0]: r[1] for r in conn.execute("SELECT key, value FROM build_info")}
    files: dict[str, list[str]] = {}
    if has_tables(conn, "source_files"):
        for source, role, sha in conn.execute(
                "SELECT source, role, sha256 FROM source_files ORDER BY source, role, sha256"):
            files.setdefault(source, []).append(f"{role}:{sha}")
    sources: dict[str, dict[str, Any]] = {}
    if has_tables(conn, "sources"):
        for key, as_of in conn.execute("SELECT key, as_of FROM sources ORDER BY key"):
            # One digest over the file digests: stable whatever order the files were read in.
            # No recorded files (a test fixture): no digest, rather than the digest of nothing.
            joined = "\n".join(files.get(key, []))
            sources[key] = {"as_of": as_of, "sha256": hashlib.sha256(
                joined.encode()).hexdigest() if joined else None}
    return {"build": info.get("built_at"), "version": info.get("version"), "sources": sources}


def read_data_version(db_path: Path | str) -> dict[str, Any]:
    """The data version of the database file at `db_path`."""
    with reading(db_path) as conn:
        return data_version(conn)

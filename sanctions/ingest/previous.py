"""The published database a build replaces: what it holds, the drop check against it, and the
sources a partial build carries over from it.

A build compares each source's entity count with the last good build's (this database): a
source that shrank more than it declares possible (`Source.shrink_limit`) is refused unless the
operator accepts that drop for it. A database that cannot be read (corrupt, truncated, not a
database) does not block a rebuild: there is nothing to compare with, and the change history
restarts with a baseline; `Previous.reason` says so in one line.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DropRefused, SanctionsError
from ..sources.base import Source
from ..store import schema


@dataclass
class Previous:
    path: Path
    exists: bool = False
    counts: dict[str, int] = field(default_factory=dict)  # source -> entity count
    keys: set[str] | None = None  # the sources it holds; None when even that cannot be read
    schema_version: int | None = None
    reason: str = ""  # why it cannot be read; empty when it can (or does not exist)

    @property
    def readable(self) -> bool:
        return self.exists and not self.reason

    def note(self) -> str:
        return (f"the previous database at {self.path} cannot be read ({self.reason}): no drop "
                "check against it, and the change history restarts with a baseline")


def inspect(db_path: Path) -> Previous:
    prev = Previous(db_path, exists=db_path.exists())
    if not prev.exists:
        return prev
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            prev.schema_version = conn.execute("PRAGMA user_version").fetchone()[0]
            prev.counts = dict(conn.execute("SELECT key, entity_count FROM sources"))
            prev.keys = set(prev.counts)
            # quick_check reads every page: a database that passes is one history can read.
            if conn.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok":
                prev.reason = "it fails SQLite's quick_check"
        finally:
            conn.close()
    except sqlite3.Error as exc:
        prev.reason = str(exc)
    if prev.reason:
        prev.counts = {}  # numbers read from a damaged file are no basis for a refusal
    return prev


def kept_sources(previous: Previous, building: set[str]) -> list[str]:
    """The sources a partial build keeps from the previous database; refuses when they cannot
    be read, rather than publish a database silently without them."""
    if not previous.exists:
        return []
    if previous.readable:
        return sorted(set(previous.counts) - building)
    others = None if previous.keys is None else sorted(previous.keys - building)
    if others == []:
        return []
    what = "its other sources" if others is None else ", ".join(others)
    raise SanctionsError(f"the previous database at {previous.path} cannot be read "
                         f"({previous.reason}), so {what} cannot be kept: build every source "
                         "(no --source)")


def check_drop(source: Source, total: int, previous: Previous, accept: Collection[str]) -> None:
    """Refuse a source that lost more entities than it may since the last good build."""
    before = previous.counts.get(source.key)
    if not before or source.key in accept:
        return
    if (before - total) / before > source.shrink_limit:
        raise DropRefused(source.key, total, before)


def core_tables() -> list[str]:
    """The core tables, in the order the schema declares them (parents first)."""
    return re.findall(r"CREATE TABLE (\w+)", schema.SCHEMA)


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """Columns to copy: all but an INTEGER PRIMARY KEY row id, which the new file assigns."""
    info = conn.execute(f"PRAGMA table_info({table})").fetchall()
    return [r[1] for r in info if not (r[5] and r[2].upper() == "INTEGER")]


def carry(conn: sqlite3.Connection, previous: Previous, keys: Collection[str]) -> int:
    """Copy every row of sources `keys` from the previous database into the new one (the core
    tables; links and history are redone by the post-import steps). Returns entities copied."""
    if not keys:
        return 0
    if previous.schema_version != schema.SCHEMA_VERSION:
        raise SanctionsError(
            f"cannot keep {', '.join(sorted(keys))} from {previous.path}: it was built with "
            f"schema version {previous.schema_version}, this is {schema.SCHEMA_VERSION}; "
            "build every source")
    wanted = sorted(keys)
    marks = ",".join("?" * len(wanted))
    old = sqlite3.connect(f"{previous.path.resolve().as_uri()}?mode=ro", uri=True)
    copied = 0
    try:
        ids = f"SELECT id FROM entities WHERE source IN ({marks})"
        for table in core_tables():
            cols = _columns(conn, table)
            if table == "build_info" or not cols:
                continue
            if table == "sources":
                where = f"key IN ({marks})"
            elif table in ("entities", "source_files"):
                where = f"source IN ({marks})"
            elif "entity_id" in cols:
                where = f"entity_id IN ({ids})"
            else:
                continue
            names = ", ".join(cols)
            rows = old.execute(f"SELECT {names} FROM {table} WHERE {where}", wanted).fetchall()
            conn.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(cols))})", rows)
            if table == "entities":
                copied = len(rows)
    finally:
        old.close()
    return copied

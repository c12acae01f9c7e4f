"""The audit trail (opt-in): what every screening asked, which data answered, what it found.

Rows go to the `audit` table of the writable decisions file (sanctions.store.decisions), never
to the published database. One row per query: when, the surface (cli, library, web), the query
as given, the build and the whole data version, the results (entity id, score, band and any
decision applied) and whether it alarmed. A batch is written with one transaction per
`FLUSH_ROWS` rows, so auditing 20,000 rows costs a few commits, not 20,000. Each data version
is stored once (`audit_versions`, keyed by a digest of it) and the rows point at it; the export
puts it back in every row.

    >>> list(export_audit(since="2026-11-30"))[0]["build"]  # doctest: +SKIP
    '2026-11-30T09:00:55+00:00'
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import SanctionsError
from . import DEFAULT_DB
from .decisions import (
    Decisions,
    _read_rows,
    alarms,
    customer_key,
    decisions_path,
    now,
    open_writable,
)
from .entities import StaleNotes

AUDIT_ENV = "SANCTIONS_AUDIT"
FLUSH_ROWS = 5000
EXPORT_COLUMNS = ("id", "at", "surface", "build", "customer_key", "query", "options", "results",
                  "alarm", "error", "data_version")
_SINCE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]*)?$")


def audit_enabled(flag: bool | None = None) -> bool:
    """`flag` if given, else env SANCTIONS_AUDIT (1, true, yes, on)."""
    if flag is not None:
        return flag
    return os.environ.get(AUDIT_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def version_key(data_version: Mapping[str, Any]) -> tuple[str, str]:
    """A data version's digest (its id in `audit_versions`) and its JSON text."""
    text = json.dumps(data_version, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32], text


def audit_row(result: Mapping[str, Any], build: str | None, version_id: str | None,
              surface: str, at: str, options: Mapping[str, Any] | None = None
              ) -> tuple[Any, ...]:
    """One result as an audit row (the columns of the `audit` table after `id`)."""
    query = result.get("query") or {}
    found = [{"entity_id": m["entity_id"], "score": m["score"], "band": m["band"],
              **({"decision": m["decision"]} if "decision" in m else {})}
             for m in result.get("matches", ())]
    return (at, surface, build, customer_key(query),
            json.dumps(query, ensure_ascii=False, sort_keys=True, default=str),
            json.dumps(found, ensure_ascii=False), int(alarms(result)), result.get("error"),
            version_id, json.dumps(options or {}, ensure_ascii=False, sort_keys=True, default=str))


class AuditWriter:
    """Collects audit rows and writes them in a few transactions (one per FLUSH_ROWS rows and
    one at `close`); `write` takes results as they stream past."""

    def __init__(self, db: Path | str = DEFAULT_DB, decisions: Path | str | None = None,
                 surface: str = "library", options: Mapping[str, Any] | None = None) -> None:
        self.db, self.path, self.surface = db, decisions_path(db, decisions), surface
        self.options = options  # the search options of the whole batch, if one set applies
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0
        # data versions seen: a batch shares one object, so it is serialised once
        self.versions: dict[int, tuple[Mapping[str, Any], str, str]] = {}

    def write(self, result: Mapping[str, Any], data_version: Mapping[str, Any] | None,
              options: Mapping[str, Any] | None = None) -> None:
        """One result; `options`: the search options it ran with (default: the batch's)."""
        build = version_id = None
        if data_version is not None:
            seen = self.versions.get(id(data_version))
            if seen is None or seen[0] is not data_version:
                seen = (data_version, *version_key(data_version))
                self.versions[id(data_version)] = seen
            build, version_id = data_version.get("build"), seen[1]
        self.rows.append(audit_row(result, build, version_id, self.surface, now(),
                                   self.options if options is None else options))
        if len(self.rows) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        conn = open_writable(self.path, self.db)
        try:
            with conn:
                conn.executemany(
                    "INSERT OR IGNORE INTO audit_versions VALUES (?,?,?)",
                    ((vid, dv.get("build"), text) for dv, vid, text in self.versions.values()))
                conn.executemany(
                    "INSERT INTO audit (at, surface, build, customer_key, query, results, alarm,"
                    " error, version_id, options) VALUES (?,?,?,?,?,?,?,?,?,?)", self.rows)
        finally:
            conn.close()
        self.count += len(self.rows)
        self.rows = []

    def close(self) -> None:
        self.flush()


def reviewed(results: Iterator[dict[str, Any]], db: Path | str,
             data_version: Mapping[str, Any] | None, *,
             decisions: Path | str | bool | None = None, audit: bool | None = None,
             surface: str = "library", options: Mapping[str, Any] | None = None
             ) -> Iterator[dict[str, Any]]:
    """Screening results with their records' `stale` notes (entities.StaleNotes), their
    customer keys' decisions applied (`decisions`: the file, default beside `db`; False: none)
    and, when auditing is on, audited as they stream past (sanctions.screening calls this for
    every screen and batch)."""
    path = None if isinstance(decisions, bool) else decisions
    results = StaleNotes(db, data_version).note_all(results)  # from an older file of its list
    if decisions is not False:
        found = Decisions(db, path)
        results = found.apply_all(results) if found else results
    if not audit_enabled(audit):
        yield from results
        return
    writer = AuditWriter(db, path, surface, options)
    try:
        for r in results:
            writer.write(r, data_version)
            yield r
    finally:
        writer.close()  # what was screened is audited, even when the caller stops early


def write_audit(results: Iterable[Mapping[str, Any]], *, db: Path | str = DEFAULT_DB,
                decisions: Path | str | None = None, surface: str = "library") -> int:
    """Audit these results (each with its `data_version`, as screening gives them); returns
    how many rows were written."""
    writer = AuditWriter(db, decisions, surface)
    for r in results:
        writer.write(r, r.get("data_version"))
    writer.close()
    return writer.count


def export_audit(*, db: Path | str = DEFAULT_DB, decisions: Path | str | None = None,
                 since: str | None = None) -> Iterator[dict[str, Any]]:
    """Audit rows, oldest first. `since`: a build id (every screening against that build or a
    later one) or an ISO date or timestamp (every screening at or after it)."""
    path = decisions_path(db, decisions)
    where, params = "", []
    if since:
        since = since.strip()
        if not _SINCE.match(since):
            raise SanctionsError(f"--since must be a build id or a date (YYYY-MM-DD), "
                                 f"not {since!r}")
        builds = _read_rows(path, "SELECT 1 FROM audit WHERE build = ? LIMIT 1", [since])
        where = " WHERE a.build >= ?" if builds else " WHERE a.at >= ?"
        params = [since]
    sql = ("SELECT a.id, a.at, a.surface, a.build, a.customer_key, a.query, a.options,"
           " a.results, a.alarm, a.error, v.data_version FROM audit a LEFT JOIN audit_versions v"
           " ON v.id = a.version_id" + where + " ORDER BY a.id")
    for r in _read_rows(path, sql, params):
        yield {**r, "query": json.loads(r["query"]), "options": json.loads(r["options"] or "{}"),
               "results": json.loads(r["results"]),
               "alarm": bool(r["alarm"]), "data_version": json.loads(r["data_version"] or "null")}


def audit_lines(rows: Iterable[Mapping[str, Any]], fmt: str) -> Iterator[str]:
    """Exported rows as CSV (a header, nested values as JSON) or JSON lines."""
    if fmt == "jsonl":
        for r in rows:
            yield json.dumps(r, ensure_ascii=False) + "\n"
        return
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(EXPORT_COLUMNS)
    for r in rows:
        out.writerow([v if isinstance(v := r.get(c), str) or v is None else
                      json.dumps(v, ensure_ascii=False) for c in EXPORT_COLUMNS])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    if buf.getvalue():
        yield buf.getvalue()

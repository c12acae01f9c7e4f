"""Decisions: an analyst's "not a match" / "confirmed match" for (customer key, entity id).

THE library API for decisions (module `sanctions.store.decisions`; `sanctions.store.audit`
holds the audit trail in the same file). They live in a separate writable SQLite file beside the
published database (`db/sanctions.db` -> `db/sanctions.decisions.db`; `--decisions PATH` or env
`SANCTIONS_DECISIONS` overrides), so the published file stays immutable and rebuildable and
decisions survive every build and update. The published database is only ever read here.

A decision stores the entity's record fingerprint at decision time (`entity_fingerprint`, a
digest of everything the list says about it). A later screening of the same customer key shows a
decided false positive as decided and does not alarm on it, until the entity's fingerprint
differs (its listed record changed): then it alarms again, `status` "changed since decision".
Decisions are appended, never edited: the newest for a (customer key, entity id) is the one
that applies, and the older ones stay as history.

    >>> record_decision("cust-17", "ofac_sdn:22790", "false_positive", by="ana",
    ...                 note="different birth date")["status"]  # doctest: +SKIP
    'current'
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import SanctionsError
from . import DEFAULT_DB, reading
from .entities import entity_record
from .version import data_version

DECISIONS_ENV = "SANCTIONS_DECISIONS"
DECISIONS = ("false_positive", "confirmed")
CURRENT, CHANGED = "current", "changed since decision"
MAX_TEXT = 2000  # a note, a name or a key: one line of review, not a document

WRITABLE_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY,
    customer_key TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('false_positive', 'confirmed')),
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    entity_name TEXT,
    build TEXT
);
CREATE INDEX IF NOT EXISTS idx_decisions_key ON decisions(customer_key, entity_id);
CREATE VIEW IF NOT EXISTS current_decisions AS
    SELECT * FROM decisions WHERE id IN (
        SELECT max(id) FROM decisions GROUP BY customer_key, entity_id);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    surface TEXT NOT NULL,
    build TEXT,
    customer_key TEXT,
    query TEXT NOT NULL,
    results TEXT NOT NULL,
    alarm INTEGER NOT NULL,
    error TEXT,
    version_id TEXT REFERENCES audit_versions(id),
    options TEXT
);
CREATE TABLE IF NOT EXISTS audit_versions (
    id TEXT PRIMARY KEY,
    build TEXT,
    data_version TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_audit_at ON audit(at);
CREATE INDEX IF NOT EXISTS idx_audit_build ON audit(build);
"""


def decisions_path(db: Path | str = DEFAULT_DB, decisions: Path | str | None = None) -> Path:
    """Where the decisions (and audit) file of database `db` is: `decisions` if given, else env
    SANCTIONS_DECISIONS, else beside `db` (`x.db` -> `x.decisions.db`)."""
    if decisions:
        return Path(decisions)
    if os.environ.get(DECISIONS_ENV):
        return Path(os.environ[DECISIONS_ENV])
    db = Path(db)
    return db.with_name(f"{db.stem}.decisions{db.suffix or '.db'}")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def open_writable(path: Path | str, db: Path | str | None = None) -> sqlite3.Connection:
    """The decisions file for writing, created with its tables if missing. Refuses the published
    database itself (same file, or any file with an `entities` table)."""
    path = Path(path)
    if db is not None and Path(db).exists() and path.exists() and os.path.samefile(path, db):
        raise SanctionsError(f"{path} is the published database; decisions go in a file of "
                             "their own (--decisions PATH)")
    if path.is_dir():
        raise SanctionsError(f"{path} is a directory, not a decisions file")
    try:
        conn = sqlite3.connect(str(path), timeout=10)
        conn.row_factory = sqlite3.Row
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'entities'").fetchone():
            conn.close()
            raise SanctionsError(f"{path} is a sanctions database, not a decisions file")
        conn.execute("PRAGMA journal_mode = WAL")  # the server reads while a CLI writes
        conn.executescript(WRITABLE_SCHEMA)
    except sqlite3.DatabaseError as exc:
        raise SanctionsError(f"{path}: cannot open the decisions file ({exc})") from exc
    return conn


def entity_fingerprint(conn: sqlite3.Connection, entity_id: str) -> str | None:
    """A digest of everything the published database says about one entity (None: not in it).
    Relations' resolved target ids are left out, as in the change history
    (sanctions.ingest.history): they are derived, so another entity's removal does not change
    this one."""
    record = entity_record(conn, entity_id)
    if record is None:
        return None
    record["relations"] = [{k: v for k, v in r.items() if k != "target_id"}
                           for r in record["relations"]]
    text = json.dumps(record, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _clean(value: Any, what: str, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise SanctionsError(f"{what} must be text")
    text = str(value).strip()
    if required and not text:
        raise SanctionsError(f"{what} is required")
    if len(text) > MAX_TEXT:
        raise SanctionsError(f"{what} is longer than {MAX_TEXT} characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise SanctionsError(f"{what} is not valid text") from None
    return text


def record_decision(customer_key: str, entity_id: str, decision: str, *, by: str,
                    note: str = "", db: Path | str = DEFAULT_DB,
                    decisions: Path | str | None = None) -> dict[str, Any]:
    """Record a decision ("false_positive" or "confirmed") for one customer key and one entity
    of the database `db`, with who (`by`) and why (`note`); returns it as `list_decisions`
    shows it. Raises SanctionsError for an unknown entity, a bad decision or a missing `by`."""
    key = _clean(customer_key, "customer key")
    eid = _clean(entity_id, "entity id")
    who = _clean(by, "by (who decides)")
    why = _clean(note, "note", required=False)
    if decision not in DECISIONS:
        raise SanctionsError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    with reading(db) as conn:
        fingerprint = entity_fingerprint(conn, eid)
        if fingerprint is None:
            raise SanctionsError(f"no entity {eid!r} in {db} (ids look like ofac_sdn:22790)")
        row = conn.execute("SELECT name FROM entities WHERE id = ?", (eid,)).fetchone()
        build = data_version(conn)["build"]
    conn = open_writable(decisions_path(db, decisions), db)
    try:
        with conn:
            cur = conn.execute(
                "INSERT INTO decisions (customer_key, entity_id, decision, by, at, note,"
                " fingerprint, entity_name, build) VALUES (?,?,?,?,?,?,?,?,?)",
                (key, eid, decision, who, now(), why, fingerprint, row[0], build))
            saved = conn.execute("SELECT * FROM decisions WHERE id = ?",
                                 (cur.lastrowid,)).fetchone()
    finally:
        conn.close()
    return {**_public(dict(saved)), "status": CURRENT}


def _public(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("id", "customer_key", "entity_id", "entity_name", "decision",
                                "by", "at", "note", "fingerprint", "build")}


def _read_rows(path: Path, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    """Rows of the decisions file, read only; none when it does not exist yet."""
    if not path.exists():
        return []
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        conn.row_factory = sqlite3.Row
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if "decisions" not in names:
                return []
            return [dict(r) for r in conn.execute(sql, tuple(params))]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise SanctionsError(f"{path}: cannot read the decisions file ({exc})") from exc


def list_decisions(*, db: Path | str = DEFAULT_DB, decisions: Path | str | None = None,
                   customer_key: str | None = None, entity_id: str | None = None,
                   history: bool = False) -> list[dict[str, Any]]:
    """Decisions, newest first: the one in force per (customer key, entity id), or every one
    ever recorded with `history`. Each has `status`: "current", "changed since decision" (the
    entity's record differs from when it was decided) or "not in database" (it was removed)."""
    where, params = [], []
    if customer_key is not None:
        where.append("customer_key = ?")
        params.append(customer_key)
    if entity_id is not None:
        where.append("entity_id = ?")
        params.append(entity_id)
    table = "decisions" if history else "current_decisions"
    sql = (f"SELECT * FROM {table}" + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY id DESC")
    rows = _read_rows(decisions_path(db, decisions), sql, params)
    prints = Fingerprints(db)
    try:
        return [{**_public(r), "status": prints.status(r)} for r in rows]
    finally:
        prints.close()


class Fingerprints:
    """Current fingerprints of entities of the published database, read once each: from the
    file at `db`, or through `conn` (a server's connection to the version it serves)."""

    def __init__(self, db: Path | str, conn: sqlite3.Connection | None = None) -> None:
        self.db = db
        self.conn = conn
        self.own = conn is None
        self.seen: dict[str, str | None] = {}

    def get(self, entity_id: str) -> str | None:
        if entity_id not in self.seen:
            if self.conn is None:
                path = Path(self.db)
                if not path.exists():
                    raise SanctionsError(f"no database at {path}; run `sanctions build` first")
                self.conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            self.seen[entity_id] = entity_fingerprint(self.conn, entity_id)
        return self.seen[entity_id]

    def status(self, decision: Mapping[str, Any]) -> str:
        now_print = self.get(decision["entity_id"])
        if now_print is None:
            return "not in database"
        return CURRENT if now_print == decision["fingerprint"] else CHANGED

    def close(self) -> None:
        if self.conn is not None and self.own:
            self.conn.close()
            self.conn = None


class Decisions:
    """The decisions in force, loaded once for a screening (a query or a whole batch), applied
    to its results by `apply`."""

    def __init__(self, db: Path | str = DEFAULT_DB, decisions: Path | str | None = None,
                 conn: sqlite3.Connection | None = None,
                 keys: Iterable[str] | None = None) -> None:
        self.path = decisions_path(db, decisions)
        sql, params = "SELECT * FROM current_decisions", []
        if keys is not None:  # only these customers' (a server answering a few queries)
            params = sorted(set(keys))
            sql += f" WHERE customer_key IN ({','.join('?' * len(params))})"
        rows = _read_rows(self.path, sql, params) if keys is None or params else []
        self.by_key: dict[str, dict[str, dict[str, Any]]] = {}
        for r in rows:
            self.by_key.setdefault(r["customer_key"], {})[r["entity_id"]] = r
        self.prints = Fingerprints(db, conn)

    def __bool__(self) -> bool:
        return bool(self.by_key)

    def apply(self, result: dict[str, Any]) -> dict[str, Any]:
        """Mark each match of `result` that a decision of its customer key (the query's `id`)
        covers with `decision`: the match's entity or a record linked to it (`related`)."""
        key = customer_key(result.get("query") or {})
        mine = self.by_key.get(key) if key is not None else None
        if not mine:
            return result
        for m in result.get("matches", ()):
            ids = [m["entity_id"], *(r["entity_id"] for r in m.get("related", ()))]
            found = next((mine[i] for i in ids if i in mine), None)
            if found is not None:
                status = self.prints.status(found)
                m["decision"] = {
                    **{k: found[k] for k in ("decision", "by", "at", "note", "entity_id")},
                    "status": status,
                    "alarm": not (found["decision"] == "false_positive" and status == CURRENT),
                }
        return result

    def apply_all(self, results: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        try:
            for result in results:
                yield self.apply(result)
        finally:
            self.prints.close()

    def close(self) -> None:
        self.prints.close()


def customer_key(query: Mapping[str, Any]) -> str | None:
    """A query's customer key: its `id`, as text (a JSONL id may be a number)."""
    value = query.get("id")
    if value is None or isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value).strip() or None


def alarms(result: Mapping[str, Any]) -> bool:
    """Whether a result raises the alarm ("match found"): any match that is not a decided false
    positive whose entity is unchanged since the decision."""
    return any(m.get("decision", {}).get("alarm", True) for m in result.get("matches", ()))

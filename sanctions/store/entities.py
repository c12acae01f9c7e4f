"""Everything known about one entity: the one reader behind `sanctions show`, the library's
`show` and the web's entity pages.

    >>> show("ofac_sdn:22790")["cluster_id"]  # doctest: +SKIP
    'ofac_sdn:22790'
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import SanctionsError
from . import DEFAULT_DB, FileKey, file_key, has_tables, reading

ENTITY_COLUMNS = ("id", "source", "source_id", "type", "name", "listed_on", "gender", "title",
                  "remarks", "url")
JSON_COLUMNS = ("programs", "countries")
# Child tables shown for every record: the columns shown of each, and their order.
DETAIL_TABLES: dict[str, tuple[tuple[str, ...], str]] = {
    "names": (("kind", "name", "quality"), "id"),
    "designations": (("authority", "list", "program", "listed_on", "delisted_on", "status",
                      "reference"), "id"),
    "rewards": (("program", "amount_usd", "announced", "status", "organization", "url", "text"),
                "amount_usd DESC, announced DESC, id"),
    "identifiers": (("scheme", "value", "country", "valid", "note"), "id"),
    "addresses": (("address", "city", "state", "postal_code", "country", "remarks"), "id"),
    "birth_dates": (("raw", "date", "date_from", "date_to", "circa"), "id"),
    "birth_places": (("place",), "id"),
    "nationalities": (("country", "kind"), "id"),
    "relations": (("kind", "target_name", "target_id"), "id"),
    "properties": (("key", "value"), "id"),
}
VESSEL_COLUMNS = ("imo", "imo_valid", "mmsi", "call_sign", "vessel_type", "tonnage", "grt",
                  "flag", "owner")


def _rows(conn: sqlite3.Connection, sql: str, *params: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(sql, params)]


def entity_record(conn: sqlite3.Connection, entity_id: str) -> dict[str, Any] | None:
    """One record: its columns (JSON lists decoded) and every child table, or None."""
    conn.row_factory = sqlite3.Row
    row = conn.execute(
        f"SELECT {', '.join(ENTITY_COLUMNS + JSON_COLUMNS)} FROM entities WHERE id = ?",
        (entity_id,)).fetchone()
    if row is None:
        return None
    record: dict[str, Any] = {c: row[c] for c in ENTITY_COLUMNS}
    for column in JSON_COLUMNS:
        try:
            record[column] = json.loads(row[column] or "[]")
        except ValueError:
            record[column] = []
    for table, (cols, order) in DETAIL_TABLES.items():
        record[table] = _rows(conn, f"SELECT {', '.join(cols)} FROM {table}"
                                    f" WHERE entity_id = ? ORDER BY {order}", entity_id)
    vessel = _rows(conn, f"SELECT {', '.join(VESSEL_COLUMNS)} FROM vessels WHERE entity_id = ?",
                   entity_id)
    record["vessel"] = vessel[0] if vessel else None
    record["file"] = record_file(conn, entity_id, record["source"])
    record["citations"] = citations(record) if (record["file"] or {}).get("kind") == "compiled" \
        else []
    return record


def record_file(conn: sqlite3.Connection, entity_id: str, source: str) -> dict[str, Any] | None:
    """The file the record came from (role, path, date, kind, note), with `stale`: a sentence
    when the source holds a newer file that supplies records, so this record may have changed
    or been delisted since (OFAC delisted Tornado Cash on 2025-03-21; the bundled 2024 list
    still has it). None for a database built before records named their file."""
    if not has_tables(conn, "entity_files"):
        return None
    found = _rows(conn, "SELECT f.role, f.path, f.as_of, f.kind, f.note FROM entity_files e"
                        " JOIN source_files f ON f.source = ? AND f.role = e.role"
                        " WHERE e.entity_id = ?", source, entity_id)
    if not found:
        return None
    file = found[0]
    newer = conn.execute("SELECT max(as_of) FROM source_files WHERE source = ? AND records > 0",
                         (source,)).fetchone()[0]
    file["stale"] = (_stale(file["as_of"], source, newer)
                     if file["as_of"] and newer and newer > file["as_of"] else None)
    return file


def _stale(as_of: str, source: str, newer: str) -> str:
    return (f"from the {as_of} file; {source} has records from files up to {newer}, so this "
            f"record may have changed or been removed since")


def citations(record: dict[str, Any]) -> list[dict[str, str]]:
    """Where a compiled record's facts were read (the record's and its rewards' URLs, each with
    the site that published it): a reward offer cited from a news site names that site, not the
    State Department that announced the offer."""
    urls = [record.get("url"), *(w.get("url") for w in record.get("rewards", []))]
    out: dict[str, dict[str, str]] = {}
    for field in urls:
        for url in (field or "").split(" ; "):
            url = url.strip()
            if url and url not in out:
                out[url] = {"publisher": _site(url), "url": url}
    return list(out.values())


def _site(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def cluster_of(conn: sqlite3.Connection, entity_id: str) -> tuple[str, list[str]]:
    """The entity's cluster id and its other members (built by sanctions.ingest.link)."""
    if not has_tables(conn, "clusters"):
        return entity_id, []
    found = conn.execute("SELECT cluster_id FROM clusters WHERE entity_id = ?",
                         (entity_id,)).fetchone()
    cluster_id = found[0] if found else entity_id
    others = [r[0] for r in conn.execute(
        "SELECT entity_id FROM clusters WHERE cluster_id = ? AND entity_id != ?"
        " ORDER BY entity_id", (cluster_id, entity_id))]
    return cluster_id, others


def entity_detail(conn: sqlite3.Connection, entity_id: str) -> dict[str, Any] | None:
    """The record with what surrounds it, for its page: its source, the same entity on other
    lists, and the records whose relations point at it."""
    record = entity_record(conn, entity_id)
    if record is None:
        return None
    _, others = cluster_of(conn, entity_id)
    marks = ",".join("?" * len(others))
    return {
        "entity": record,
        "source": next(iter(_rows(conn, "SELECT * FROM sources WHERE key = ?",
                                  record["source"])), None),
        "same_as": _rows(conn, f"SELECT id, name, source FROM entities WHERE id IN ({marks})"
                               " ORDER BY source, id", *others),
        "linked_from": _rows(
            conn, "SELECT r.kind, r.entity_id, e.name FROM relations r JOIN entities e"
            " ON e.id = r.entity_id WHERE r.target_id = ? ORDER BY e.name", entity_id),
    }


def show(entity_id: str, db: Path | str = DEFAULT_DB) -> dict[str, Any]:
    """The entity, every record in its cluster (itself first) and the links that joined them."""
    db_path = db
    with reading(db_path) as conn:
        if conn.execute("SELECT 1 FROM entities WHERE id = ?", (entity_id,)).fetchone() is None:
            raise SanctionsError(f"no entity {entity_id!r} (ids look like ofac_sdn:22790)")
        cluster_id, others = cluster_of(conn, entity_id)
        members = [entity_id, *others]
        marks = ",".join("?" * len(members))
        links = _rows(
            conn, f"SELECT entity_a, entity_b, reason, confidence, detail FROM links"
            f" WHERE entity_a IN ({marks}) OR entity_b IN ({marks}) ORDER BY confidence DESC",
            *members, *members) if has_tables(conn, "links") else []
        records = [r for m in members if (r := entity_record(conn, m)) is not None]
    return {
        "entity_id": entity_id,
        "cluster_id": cluster_id,
        "records": records,
        "links": links,
        "listings": [{"entity_id": r["id"], "source": r["source"], **d}
                     for r in records for d in r["designations"]],
        "rewards": [{"entity_id": r["id"], **w} for r in records for w in r["rewards"]],
    }


def stale_of(db_path: Path | str, ids: Iterable[str]) -> dict[str, str]:
    """Of these records, those that come from an older file than their source's newest that
    supplies records, with the sentence `record_file` gives them as `stale`."""
    with reading(db_path, immutable=True) as conn:
        return _stale_of(conn, ids)


# each source's newest file that supplies records
_NEWEST = ("WITH newest AS (SELECT source, max(as_of) AS newer FROM source_files"
           " WHERE records > 0 GROUP BY source)")


def _stale_of(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(ids))
    if not ids or not has_tables(conn, "entity_files", "source_files"):
        return {}
    return _stale_rows(conn, ids)


def _any_stale(conn: sqlite3.Connection) -> bool:
    """Whether any source keeps records from a file older than its newest: when none does
    (a fresh build), no record can be stale and StaleNotes looks nothing up."""
    return has_tables(conn, "entity_files", "source_files") and conn.execute(
        _NEWEST + " SELECT 1 FROM source_files f JOIN newest n ON n.source = f.source"
        " WHERE f.as_of < n.newer LIMIT 1").fetchone() is not None


def _stale_rows(conn: sqlite3.Connection, ids: list[str] | None) -> dict[str, str]:
    """The stale ones of these records (None: of every record) with their sentences."""
    some = f" AND e.entity_id IN ({','.join('?' * len(ids))})" if ids is not None else ""
    rows = conn.execute(
        _NEWEST + " SELECT e.entity_id, f.as_of, f.source, n.newer FROM entity_files e"
        " JOIN entities r ON r.id = e.entity_id"
        " JOIN source_files f ON f.source = r.source AND f.role = e.role"
        " JOIN newest n ON n.source = r.source"
        " WHERE f.as_of < n.newer" + some, ids or ()).fetchall()
    sentences: dict[tuple[str, str, str], str] = {}  # a few distinct ones, shared
    return {eid: sentences.setdefault((as_of, source, newer), _stale(as_of, source, newer))
            for eid, as_of, source, newer in rows}


# The stale records of database files a long-lived process holds (hold_stale), by the path it
# names them with: (the file's identity when read, its built_at, record id -> sentence).
_HELD: OrderedDict[str, tuple[FileKey, str | None, dict[str, str]]] = (
    OrderedDict())
HOLD = 4  # files held: the served build and the one swapped in, under a name or two


def hold_stale(db: Path | str) -> None:
    """Read once which records of the database file `db` are stale, so that StaleNotes looks
    them up in memory from then on, until the file at `db` is replaced (then it reads the
    file as it always does). For a process that answers many single queries (the server and
    its workers, sanctions.answer): a connection opened per answer to look its matches up
    cost them more CPU than the matching (about 2 ms against 0.3 to 1 ms); reading every stale
    record of the bundled lists once costs about 0.1 s and 2 MB."""
    key = os.fspath(db)
    ident = file_key(key)
    held = _HELD.get(key)
    if ident is None or (held is not None and held[0] == ident):
        return
    try:
        with reading(key, immutable=True) as conn:
            built = _built_at(conn)
            stale = _stale_rows(conn, None) if _any_stale(conn) else {}
    except (SanctionsError, sqlite3.Error):
        return  # looked up per result, as without this
    if file_key(key) != ident:
        return  # replaced while it was read: which version was read is not known
    _HELD[key] = (ident, built, stale)
    _HELD.move_to_end(key)
    while len(_HELD) > HOLD:
        _HELD.popitem(last=False)


def _held(db: Path | str, build: str | None) -> dict[str, str] | None:
    """The stale records held for `db` when it is still the file that was read: none (an
    empty map) when it is not of `build`, as StaleNotes finds by reading it; None when not
    held (read the file)."""
    found = _HELD.get(os.fspath(db))
    if found is None or file_key(os.fspath(db)) != found[0]:
        return None
    return found[2] if found[1] == build else {}


class StaleNotes:
    """Marks each match of screening results whose record comes from an older file than its
    list's newest with `stale` (the sentence the entity pages show): one look-up per result
    with a record not seen before, on one connection for the whole stream. Only when `db` is
    the database the results were screened against (its build is the data version's): never
    a note from another build."""

    def __init__(self, db: Path | str, data_version: Mapping[str, Any] | None) -> None:
        self.db = db
        self.build = (data_version or {}).get("build")
        self.conn: sqlite3.Connection | None = None
        self.same: bool | None = None if self.build else False
        self.known: dict[str, str | None] = {}
        self.held: dict[str, str] | None = None  # held by the process (hold_stale)
        self.stack = ExitStack()

    def note_all(self, results: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        try:
            for result in results:
                yield self.note(result)
        finally:
            self.close()

    def note(self, result: dict[str, Any]) -> dict[str, Any]:
        matches = result.get("matches") or []
        if not matches or self.same is False:
            return result
        if self.held is None and self.same is None:
            self.held = _held(self.db, self.build)
        if self.held is not None:  # what hold_stale read, still the file at `db`
            for m in matches:
                if found := self.held.get(m["entity_id"]):
                    m["stale"] = found
            return result
        todo = {m["entity_id"] for m in matches} - self.known.keys()
        if todo:
            conn = self._open()
            if conn is None:
                return result
            self.known.update(dict.fromkeys(todo))
            self.known.update(_stale_rows(conn, sorted(todo)))
        for m in matches:
            if self.known.get(m["entity_id"]):
                m["stale"] = self.known[m["entity_id"]]
        return result

    def _open(self) -> sqlite3.Connection | None:
        if self.conn is None and self.same is None:
            try:
                conn = self.stack.enter_context(reading(self.db, immutable=True))
                self.same = _built_at(conn) == self.build
                # every file the records come from is its list's newest: nothing to note
                self.conn = conn if self.same and _any_stale(conn) else None
                self.same = self.same and self.conn is not None
            except (SanctionsError, sqlite3.Error):
                self.same = False
            if not self.same:
                self.close()
        return self.conn

    def close(self) -> None:
        self.conn = None
        self.stack.close()


def _built_at(conn: sqlite3.Connection) -> str | None:
    if not has_tables(conn, "build_info"):
        return None
    row = conn.execute("SELECT value FROM build_info WHERE key = 'built_at'").fetchone()
    return row[0] if row else None

"""Every entity of a database, grouped by cluster, for whole-database exports (sanctions.export).

One pass per table instead of `entities.entity_record`'s dozen queries per entity: an export
reads every record, and 23,000 records times twelve queries is most of its time. The records
have the shape `entity_record` gives, so an exporter reads what `sanctions show` shows.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import has_tables
from .entities import DETAIL_TABLES, ENTITY_COLUMNS, JSON_COLUMNS, VESSEL_COLUMNS


@dataclass(frozen=True, slots=True)
class Cluster:
    """Records that are one real-world entity: the representative (`id`) first, then the
    others by id; `first_seen` / `last_seen` from the change history, when the database has it."""

    id: str
    records: list[dict[str, Any]]
    first_seen: str | None = None
    last_seen: str | None = None


def _grouped(conn: sqlite3.Connection, table: str, columns: tuple[str, ...], order: str
             ) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    sql = f"SELECT entity_id, {', '.join(columns)} FROM {table} ORDER BY entity_id, {order}"
    for row in conn.execute(sql):
        found.setdefault(row[0], []).append(dict(zip(columns, row[1:], strict=True)))
    return found


def _records(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    details = {t: _grouped(conn, t, cols, order) for t, (cols, order) in DETAIL_TABLES.items()}
    vessels = {r[0]: dict(zip(VESSEL_COLUMNS, r[1:], strict=True)) for r in conn.execute(
        f"SELECT entity_id, {', '.join(VESSEL_COLUMNS)} FROM vessels")}
    records: dict[str, dict[str, Any]] = {}
    for row in conn.execute(
            f"SELECT {', '.join(ENTITY_COLUMNS + JSON_COLUMNS)} FROM entities ORDER BY id"):
        record = dict(zip(ENTITY_COLUMNS, row, strict=False))
        for i, column in enumerate(JSON_COLUMNS, len(ENTITY_COLUMNS)):
            try:
                record[column] = json.loads(row[i] or "[]")
            except ValueError:
                record[column] = []
        for table in DETAIL_TABLES:
            record[table] = details[table].get(record["id"], [])
        record["vessel"] = vessels.get(record["id"])
        records[record["id"]] = record
    return records


def iter_clusters(conn: sqlite3.Connection) -> Iterator[Cluster]:
    """Every cluster, by representative id; an entity the linking step did not reach (an old
    database without `clusters`) is a cluster of its own."""
    records = _records(conn)
    members: dict[str, list[str]] = {}
    if has_tables(conn, "clusters"):
        for entity_id, cluster_id in conn.execute(
                "SELECT entity_id, cluster_id FROM clusters ORDER BY cluster_id, entity_id"):
            if entity_id in records:
                members.setdefault(cluster_id, []).append(entity_id)
    clustered = {m for ms in members.values() for m in ms}
    for entity_id in records:
        if entity_id not in clustered:
            members[entity_id] = [entity_id]
    seen: dict[str, tuple[str, str]] = {}
    if has_tables(conn, "entity_history"):
        seen = {r[0]: (r[1], r[2]) for r in conn.execute(
            "SELECT entity_id, first_seen, last_seen FROM entity_history")}
    for cluster_id in sorted(members):
        ids = sorted(members[cluster_id], key=lambda m: (m != cluster_id, m))
        dates = [seen[m] for m in ids if m in seen]
        yield Cluster(cluster_id, [records[m] for m in ids],
                      min(d[0] for d in dates) if dates else None,
                      max(d[1] for d in dates) if dates else None)


def source_rows(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """The `sources` table by key: publisher and url of each source, for provenance."""
    return {r["key"]: dict(r) for r in conn.execute("SELECT * FROM sources")}


def cluster_ids(conn: sqlite3.Connection) -> dict[str, str]:
    """Every entity's cluster (itself when it was linked to nothing)."""
    found = {r[0]: r[0] for r in conn.execute("SELECT id FROM entities")}
    if has_tables(conn, "clusters"):
        found.update((r[0], r[1]) for r in conn.execute(
            "SELECT entity_id, cluster_id FROM clusters"))
    return found

"""Load the matcher's index from a built database (the only matcher code that knows SQLite)."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from pathlib import Path

from ..countries import country_code
from ..dates import birth_bounds
from ..identifiers import identifier_key
from ..matching import Entity, Index, NameRow
from . import has_tables, reading


def load_index(db_path: Path | str) -> Index:
    with reading(db_path, immutable=True) as conn:
        return _load(conn)


def _load(conn: sqlite3.Connection) -> Index:
    has_clusters = has_tables(conn, "clusters")
    births: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for eid, date, dfrom, dto, circa in conn.execute(
        "SELECT entity_id, date, date_from, date_to, circa FROM birth_dates"
    ):
        if bounds := birth_bounds(date, dfrom, dto, bool(circa)):
            births[eid].append(bounds)
    idents: dict[str, set[str]] = defaultdict(set)
    for eid, value in conn.execute(
        "SELECT entity_id, value FROM identifiers UNION ALL"
        " SELECT entity_id, imo FROM vessels WHERE imo IS NOT NULL UNION ALL"
        " SELECT entity_id, mmsi FROM vessels WHERE mmsi IS NOT NULL"
    ):
        if len(key := identifier_key(value)) >= 5:
            idents[eid].add(key)
    rewards = dict(conn.execute(
        "SELECT entity_id, max(amount_usd) FROM rewards GROUP BY entity_id"))
    cluster_sql = "LEFT JOIN clusters c ON c.entity_id = e.id" if has_clusters else ""
    cluster_col = "c.cluster_id" if has_clusters else "NULL"
    entities: list[Entity] = []
    position: dict[str, int] = {}
    rows = conn.execute(
        f"SELECT e.id, e.source, e.source_id, e.type, e.name, e.programs, e.listed_on,"
        f" e.countries, {cluster_col} FROM entities e {cluster_sql} ORDER BY e.rowid"
    )
    for eid, source, source_id, etype, name, programs, listed_on, countries, cluster in rows:
        codes = frozenset(c for c in map(country_code, json.loads(countries)) if c)
        position[eid] = len(entities)
        entities.append(Entity(
            eid, source, source_id, etype, name, tuple(json.loads(programs)), listed_on,
            cluster or eid, codes, tuple(births.get(eid, ())), frozenset(idents.get(eid, ())),
            rewards.get(eid),
        ))
    names = [
        NameRow(position[eid], name, kind)
        for eid, name, kind in conn.execute("SELECT entity_id, name, kind FROM names ORDER BY id")
    ]
    return Index.build(entities, names)

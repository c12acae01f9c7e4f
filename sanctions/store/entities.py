"""Everything known about one entity and the records linked to it across lists.

    >>> show(Path("db/sanctions.db"), "ofac_sdn:22790")["cluster"]  # doctest: +SKIP
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from .errors import SanctionsError

# Child tables shown for every record, and the columns shown of each.
DETAIL_TABLES: dict[str, tuple[str, ...]] = {
    "names": ("kind", "name", "quality"),
    "designations": ("authority", "list", "program", "listed_on", "delisted_on", "status",
                     "reference"),
    "rewards": ("program", "amount_usd", "announced", "status", "organization", "url"),
    "identifiers": ("scheme", "value", "country", "valid", "note"),
    "addresses": ("address", "city", "state", "postal_code", "country"),
    "birth_dates": ("raw", "date", "date_from", "date_to", "circa"),
    "birth_places": ("place",),
    "nationalities": ("country", "kind"),
    "relations": ("kind", "target_name", "target_id"),
    "properties": ("key", "value"),
}
ENTITY_COLUMNS = ("id", "source", "source_id", "type", "name", "listed_on", "gender", "title",
                  "remarks", "url")


def _record(conn: sqlite3.Connection, eid: str) -> dict[str, Any]:
    row = conn.execute(
        f"SELECT {', '.join(ENTITY_COLUMNS)}, programs FROM entities WHERE id = ?", (eid,)
    ).fetchone()
    record: dict[str, Any] = {c: row[c] for c in ENTITY_COLUMNS}
    record["programs"] = json.loads(row["programs"])
    for table, cols in DETAIL_TABLES.items():
        order = "amount_usd DESC, announced DESC" if table == "rewards" else "id"
        record[table] = [
            dict(r) for r in conn.execute(
                f"SELECT {', '.join(cols)} FROM {table} WHERE entity_id = ? ORDER BY {order}",
                (eid,),
            )
        ]
    vessel = conn.execute("SELECT * FROM vessels WHERE entity_id = ?", (eid,)).fetchone()
    # sqlite3.Row iterates over values, so .keys() is needed here
    fields = vessel.keys() if vessel else []  # noqa: SIM118
    record["vessel"] = {k: vessel[k] for k in fields if k != "entity_id"} if vessel else None
    return record


def show(db_path: Path, entity_id: str) -> dict[str, Any]:
    """The entity, every record in its cluster (itself first) and the links that joined them."""
    if not db_path.exists():
        raise SanctionsError(f"no database at {db_path}; run `sanctions build` first")
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        if conn.execute("SELECT 1 FROM entities WHERE id = ?", (entity_id,)).fetchone() is None:
            raise SanctionsError(f"no entity {entity_id!r} (ids look like ofac_sdn:22790)")
        cluster = conn.execute(
            "SELECT cluster_id FROM clusters WHERE entity_id = ?", (entity_id,)
        ).fetchone()
        cluster_id = cluster["cluster_id"] if cluster else entity_id
        members = [entity_id] + [
            r["entity_id"] for r in conn.execute(
                "SELECT entity_id FROM clusters WHERE cluster_id = ? AND entity_id != ?"
                " ORDER BY entity_id", (cluster_id, entity_id),
            )
        ]
        marks = ",".join("?" * len(members))
        links = [
            dict(r) for r in conn.execute(
                f"SELECT entity_a, entity_b, reason, confidence, detail FROM links"
                f" WHERE entity_a IN ({marks}) OR entity_b IN ({marks}) ORDER BY confidence DESC",
                members + members,
            )
        ]
        records = [_record(conn, m) for m in members]
    finally:
        conn.close()
    return {
        "entity_id": entity_id,
        "cluster_id": cluster_id,
        "records": records,
        "links": links,
        "listings": [
            {"entity_id": r["id"], "source": r["source"], **d}
            for r in records for d in r["designations"]
        ],
        "rewards": [{"entity_id": r["id"], **w} for r in records for w in r["rewards"]],
    }

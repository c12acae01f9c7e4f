"""One real-world entity: every record of its cluster (sanctions.ingest.link) read as one profile,
for the web's `/-/profile/<entity_id>` page.

A profile gathers what the cluster's records say (names, listings, rewards, identifiers,
addresses, relations, vessel particulars), each item with the record it came from, and says in
words why the records are one cluster. It reads through `entity_record`, so a field shown here
is the field `sanctions show` prints.

    >>> profile(conn, "ofac_sdn:22790")["rewards"][0]["amount_usd"]  # doctest: +SKIP
    50000000
"""

from __future__ import annotations

import sqlite3
import unicodedata
from typing import Any

from . import has_tables
from .entities import cluster_of, entity_record, record_file

# The linker's reasons (sanctions.ingest.link_evidence), as a reader would say them.
REASONS = {
    "same_name_unique": "the same name, held by no other record of either list",
    "same_name_sole_vessel": "the same ship's name; one record has no IMO number and the other"
                             " is the only vessel of that name on the other lists",
    "same_name_and_birth_date": "the same name and the same date of birth",
    "same_name_and_other_evidence": "the same name, with further evidence in agreement",
    "close_name_corroborated": "nearly the same name, corroborated by other shared facts",
    "shared_identifier": "a shared identification number",
    "shared_imo": "the same IMO ship number",
    "same_ofac_entry": "one OFAC entry number on both OFAC lists",
    "fto_listing": "the State Department's FTO listing and OFAC's FTO tag on the same name",
    "judgement": "a reviewer's judgement",
}
# Vessel facts the lists keep as free-form properties.
VESSEL_PROPERTIES = {"former_vessel_flag": "former_flags", "vessel_year_of_build": "year_built"}


def script_of(text: str) -> str:
    """The writing system of a name, from its first letter: 'Latin', 'Arabic', 'Cyrillic', ..."""
    for char in text:
        if char.isalpha():
            word = unicodedata.name(char, "").split(" ")[0]
            return {"CJK": "Chinese"}.get(word, word.capitalize() or "Other")
    return "Other"


def _sources(conn: sqlite3.Connection, keys: set[str]) -> dict[str, dict[str, Any]]:
    marks = ",".join("?" * len(keys))
    rows = conn.execute(f"SELECT key, title, publisher, kind, as_of FROM sources"
                        f" WHERE key IN ({marks})", sorted(keys))
    return {r[0]: {"key": r[0], "title": r[1], "publisher": r[2], "kind": r[3], "as_of": r[4]}
            for r in rows}


def _names(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every distinct name once, primary names first, with the records that hold it."""
    found: dict[str, dict[str, Any]] = {}
    rank = {"primary": 0, "aka": 1, "nka": 2, "fka": 3, "weak": 4}
    for r in records:
        for n in r["names"]:
            entry = found.setdefault(n["name"], {"name": n["name"], "kind": n["kind"],
                                                 "script": script_of(n["name"]), "sources": []})
            if rank.get(n["kind"], 9) < rank.get(entry["kind"], 9):
                entry["kind"] = n["kind"]
            if r["source"] not in entry["sources"]:
                entry["sources"].append(r["source"])
    return sorted(found.values(), key=lambda n: rank.get(n["kind"], 9))


def _each(records: list[dict[str, Any]], table: str) -> list[dict[str, Any]]:
    """A child table's rows across the records, each with its record's id and source; rows
    that say the same thing on two records are shown once, with the first record."""
    seen: set[tuple[Any, ...]] = set()
    rows = []
    for r in records:
        for row in r[table]:
            key = tuple(row.values())
            if key not in seen:
                seen.add(key)
                rows.append({**row, "entity_id": r["id"], "source": r["source"]})
    return rows


def _vessel(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The vessel particulars across records: each field's values, first record first."""
    vessels = [r["vessel"] for r in records if r["vessel"]]
    if not vessels:
        return None
    merged: dict[str, list[Any]] = {}
    for v in vessels:
        for k, value in v.items():
            if value is not None and value not in merged.setdefault(k, []):
                merged[k].append(value)
    for r in records:
        for p in r["properties"]:
            if p["key"] in VESSEL_PROPERTIES:
                values = merged.setdefault(VESSEL_PROPERTIES[p["key"]], [])
                if p["value"] not in values:
                    values.append(p["value"])
        for n in r["names"]:
            if n["kind"] == "fka" and n["name"] not in merged.setdefault("former_names", []):
                merged["former_names"].append(n["name"])
    return {k: v for k, v in merged.items() if v}


def _links(conn: sqlite3.Connection, members: list[str]) -> list[dict[str, Any]]:
    if not has_tables(conn, "links") or len(members) < 2:
        return []
    marks = ",".join("?" * len(members))
    rows = conn.execute(
        f"SELECT entity_a, entity_b, reason, confidence, detail FROM links"
        f" WHERE entity_a IN ({marks}) AND entity_b IN ({marks}) ORDER BY confidence DESC, id",
        (*members, *members))
    return [{"entity_a": a, "entity_b": b, "reason": reason, "confidence": confidence,
             "detail": detail, "because": REASONS.get(reason, reason.replace("_", " "))}
            for a, b, reason, confidence, detail in rows]


def _linked_from(conn: sqlite3.Connection, members: list[str]) -> list[dict[str, Any]]:
    marks = ",".join("?" * len(members))
    rows = conn.execute(
        f"SELECT r.kind, r.entity_id, e.name, e.source FROM relations r JOIN entities e"
        f" ON e.id = r.entity_id WHERE r.target_id IN ({marks}) AND r.entity_id NOT IN ({marks})"
        " ORDER BY e.name, r.entity_id", (*members, *members))
    return [{"kind": k, "entity_id": i, "name": n, "source": s} for k, i, n, s in rows]


def _designation_days(conn: sqlite3.Connection, members: list[str]) -> dict[str, str]:
    """Each record's earliest designation date, where the list states one."""
    marks = ",".join("?" * len(members))
    rows = conn.execute(f"SELECT entity_id, min(listed_on) FROM designations WHERE entity_id"
                        f" IN ({marks}) AND listed_on IS NOT NULL GROUP BY entity_id", members)
    return {eid: day for eid, day in rows if day}


def profile(conn: sqlite3.Connection, entity_id: str) -> dict[str, Any] | None:
    """The cluster of `entity_id` as one profile, the asked-for record first; None if there
    is no such record."""
    conn.row_factory = sqlite3.Row
    first = entity_record(conn, entity_id)
    if first is None:
        return None
    cluster_id, others = cluster_of(conn, entity_id)
    records = [first, *(r for o in others if (r := entity_record(conn, o)) is not None)]
    members = [r["id"] for r in records]
    sources = _sources(conn, {r["source"] for r in records})
    days = _designation_days(conn, members)
    for r in records:
        r["source_info"] = sources.get(r["source"], {"key": r["source"], "title": r["source"]})
        r["listed_on"] = r["listed_on"] or days.get(r["id"])
    listings = [{**d, "entity_id": r["id"], "source": r["source"],
                 "source_title": r["source_info"]["title"]}
                for r in records for d in r["designations"]]
    rewards = sorted(_each(records, "rewards"),
                     key=lambda w: (w["amount_usd"] is None, -(w["amount_usd"] or 0)))
    return {
        "entity_id": entity_id,
        "cluster_id": cluster_id,
        "name": first["name"],
        "type": first["type"],
        "records": records,
        "sources": sources,
        "names": _names(records),
        "listings": listings,
        "rewards": rewards,
        "links": _links(conn, members),
        "identifiers": _each(records, "identifiers"),
        "addresses": _each(records, "addresses"),
        "birth_dates": _each(records, "birth_dates"),
        "birth_places": _each(records, "birth_places"),
        "nationalities": _each(records, "nationalities"),
        "relations": _each(records, "relations"),
        "linked_from": _linked_from(conn, members),
        "vessel": _vessel(records),
    }


def match_facts(conn: sqlite3.Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    """What a screening result shows beside each matched record: the earliest designation date
    its list states (`designated_on`, None when the list states none: OFAC's files carry no
    listing date), for a vessel its IMO number and flag, and `stale`: a sentence when the record
    comes from an older file than its list's newest (sanctions.store.entities.record_file)."""
    if not ids:
        return {}
    conn.row_factory = sqlite3.Row  # as entity_record reads
    marks = ",".join("?" * len(ids))
    facts: dict[str, dict[str, Any]] = {i: {"designated_on": None} for i in ids}
    for eid, day in _designation_days(conn, ids).items():
        facts[eid]["designated_on"] = day
    for eid, imo, flag, mmsi in conn.execute(
            f"SELECT entity_id, imo, flag, mmsi FROM vessels WHERE entity_id IN ({marks})", ids):
        facts[eid].update(imo=imo, flag=flag, mmsi=mmsi)
    for eid, source in conn.execute(f"SELECT id, source FROM entities WHERE id IN ({marks})",
                                    ids):
        # a record from an older file than its list's newest: it may have been delisted since
        file = record_file(conn, eid, source)
        facts[eid]["stale"] = file["stale"] if file else None
    return facts

"""`sanctions export --format ftm`: the database as FollowTheMoney entities, one JSON a line.

The mapping is documented in docs/ftm.md. In short: records linked across lists (one cluster)
become one entity, with the other records' ids in `referents`, the way nomenklatura and yente
merge; each listing a `Sanction` (or, for reward and wanted lists, a `Risk`); each reward offer
a `Risk` carrying its amount; addresses, identity documents and stated links their own entities.

    >>> export_ftm("db/sanctions.db", sys.stdout)  # doctest: +SKIP
    {'Address': 9771, 'Airplane': 376, ...}
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from ..errors import SanctionsError
from ..store import reading
from ..store.export import Cluster, cluster_ids, iter_clusters, source_rows
from .ftm_entity import Entity, country, email, ftm_id, gender, iso_date, url
from .ftm_parts import PartsContext, address_parts, identifier_parts, listing_parts, relation_parts

SCHEMATA = {"person": "Person", "organization": "Organization", "vessel": "Vessel",
            "aircraft": "Airplane"}
NAME_PROPS = {"primary": "name", "aka": "alias", "nka": "alias", "fka": "previousName",
              "weak": "weakAlias"}
# properties rows (key -> FtM property, value kind); a value that does not fit its kind, and
# every key not here, is kept in `notes`.
PROPERTY_MAP: dict[str, tuple[str, str]] = {
    "website": ("website", "url"),
    "source_page": ("sourceUrl", "url"),
    "email": ("email", "email"),
    "organization_type": ("legalForm", "string"),
    "organization_established_date": ("incorporationDate", "date"),
    "aircraft_model": ("model", "string"),
    "aircraft_manufacture_date": ("buildDate", "date"),
    "vessel_year_of_build": ("buildDate", "date"),
    "former_vessel_flag": ("pastFlags", "country"),
    "honorific": ("title", "string"),
}
# Which schemata have which of those properties (the rest of the map is on every LegalEntity).
ONLY_ON = {"model": ("Airplane",), "buildDate": ("Vessel", "Airplane"),
           "pastFlags": ("Vessel",), "title": ("Person",),
           "legalForm": ("Person", "Organization"), "incorporationDate": ("Person", "Organization"),
           "website": ("Person", "Organization"), "email": ("Person", "Organization")}
# Said of the listing rather than the entity: written on the record's sanctions (ftm_parts).
LISTING_KEYS = ("sanction_imposed", "reason")


def export_ftm(db_path: Path | str, out: TextIO) -> dict[str, int]:
    """Write every entity of the database to `out`; returns how many of each schema."""
    counts: Counter[str] = Counter()
    written: set[str] = set()
    with reading(db_path) as conn:
        sources, clusters = source_rows(conn), cluster_ids(conn)
        for cluster in iter_clusters(conn):
            for entity in cluster_entities(cluster, sources, clusters):
                if entity["id"] in written:
                    if entity["schema"] == "Address":  # one address shared by many entities
                        continue
                    raise SanctionsError(f"two exported entities have the id {entity['id']!r}")
                written.add(entity["id"])
                out.write(json.dumps(entity, ensure_ascii=False) + "\n")
                counts[entity["schema"]] += 1
    return dict(sorted(counts.items()))


def cluster_entities(cluster: Cluster, sources: dict[str, dict[str, Any]],
                     clusters: dict[str, str]) -> Iterator[dict[str, Any]]:
    """The cluster's entity first, then the entities that hang off it."""
    first = cluster.records[0]
    schema = SCHEMATA[first["type"]]
    subject = Entity(ftm_id(cluster.id), schema)
    ctx = PartsContext(subject, sources, clusters)
    parts: list[Entity] = []
    for n, record in enumerate(cluster.records):
        _names(subject, record, representative=n == 0)
        _facts(subject, record)
        parts += listing_parts(ctx, record)
        parts += identifier_parts(ctx, record)
        parts += address_parts(ctx, record)
        parts += relation_parts(ctx, record)
    topics = []
    if any(p.schema == "Sanction" and p.properties.get("status") == ["active"] for p in parts):
        topics.append("sanction")
    if any(p.schema == "Risk" for p in parts):
        topics.append("wanted")
    for topic in topics:
        subject.add("topics", topic)
    subject.context.update({
        "referents": [ftm_id(r["id"]) for r in cluster.records[1:]],
        "datasets": sorted({r["source"] for r in cluster.records}),
        "first_seen": cluster.first_seen,
        "last_seen": cluster.last_seen,
        "target": "sanction" in topics,
    })
    yield subject.to_dict()
    for part in parts:
        yield part.to_dict()


def _names(subject: Entity, record: dict[str, Any], representative: bool) -> None:
    taken = {v for p in NAME_PROPS.values() for v in subject.properties.get(p, [])}
    for n in record["names"]:
        prop = NAME_PROPS[n["kind"]]
        if prop == "name" and not representative:  # one entity, one name; the others alias it
            prop = "alias"
        if n["name"] not in taken:
            subject.add(prop, n["name"], "name")
            taken.add(n["name"])


def _facts(subject: Entity, record: dict[str, Any]) -> None:
    person = subject.schema == "Person"
    for text in record["countries"]:
        subject.add("country", country(text), "country")
    for program in record["programs"]:
        subject.add("program", program)
    subject.add("sourceUrl", url(record["url"]), "url")
    subject.note("Remarks", record["remarks"])
    if record["title"]:
        if person:
            subject.add("position", record["title"])
        else:
            subject.note("Title", record["title"])
    if person:
        subject.add("gender", gender(record["gender"]))
        for b in record["birth_dates"]:
            dates = [b["date"]] if b["date"] else [b["date_from"], b["date_to"]]
            if not any(subject.add("birthDate", iso_date(d), "date") for d in dates):
                subject.note("Born", b["raw"])
        for p in record["birth_places"]:
            subject.add("birthPlace", p["place"])
        for nat in record["nationalities"]:
            code = country(nat["country"])
            if not subject.add(nat["kind"], code, "country"):
                subject.note(nat["kind"].capitalize(), nat["country"])
    if record["vessel"]:
        _vessel(subject, record["vessel"])
    for prop in record["properties"]:
        _property(subject, prop["key"], prop["value"])


def _vessel(subject: Entity, v: dict[str, Any]) -> None:
    if subject.schema != "Vessel":  # an aircraft or organisation row of the vessels table
        return
    if v["imo"] and v["imo_valid"]:
        subject.add("imoNumber", f"IMO{v['imo']}", "identifier")
    elif v["imo"]:
        subject.note("IMO (check digit fails)", v["imo"])
    subject.add("mmsi", v["mmsi"], "identifier")
    subject.add("callSign", v["call_sign"], "identifier")
    subject.add("type", v["vessel_type"])
    if not subject.add("flag", country(v["flag"]), "country"):
        subject.note("Flag", v["flag"])
    for prop, value in (("tonnage", v["tonnage"]), ("grossRegisteredTonnage", v["grt"])):
        if value and str(value).replace(",", "").replace(".", "").isdigit():
            subject.add(prop, value)
        else:
            subject.note(prop, value)
    subject.note("Owner", v["owner"])


def _property(subject: Entity, key: str, value: str) -> None:
    if key in LISTING_KEYS:
        return
    mapped = PROPERTY_MAP.get(key)
    if mapped and subject.schema in ONLY_ON.get(mapped[0], (subject.schema,)):
        prop, kind = mapped
        clean = {"url": url, "email": email, "date": iso_date, "country": country}.get(
            kind, lambda v: v)(value)
        if subject.add(prop, clean, {"email": "string"}.get(kind, kind)):
            return
    subject.note(key.replace("_", " ").capitalize(), value)


if __name__ == "__main__":  # python -m sanctions.export.ftm DB > out.jsonl
    print(export_ftm(sys.argv[1], sys.stdout), file=sys.stderr)

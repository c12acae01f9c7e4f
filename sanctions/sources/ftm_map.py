"""One FollowTheMoney entity (a plain dict) as a `Record`: names, identifiers, dates, countries.

The mapping is the inverse of our export's (docs/ftm.md), so an exported file imports back with
the same names and identifiers. What a property means comes from the followthemoney model
(Thing, LegalEntity, Person, Vessel, Airplane); the library itself is not needed to read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from sys import intern
from typing import Any

from ..countries import country_code
from ..identifiers import clean_imo, imo_is_valid
from ..models import (
    Address,
    BirthDate,
    Designation,
    EntityType,
    Identifier,
    Name,
    NameKind,
    Nationality,
    Property,
    Record,
    Vessel,
)

# The schemata imported as listed entities, and our entity type for each.
SCHEMATA: dict[str, EntityType] = {
    "Person": "person", "Organization": "organization", "Company": "organization",
    "LegalEntity": "organization", "PublicBody": "organization", "Vessel": "vessel",
    "Airplane": "aircraft",
}
# Schemata that say something about a listed entity through a reference to it.
ATTACHED = ("Sanction", "Identification", "Passport")
NAME_KINDS: dict[str, NameKind] = {"alias": "aka", "previousName": "fka", "weakAlias": "weak"}
# FtM identifier properties -> our identifier schemes (the export's ID_PROPS, reversed).
ID_SCHEMES = {
    "passportNumber": "passport", "idNumber": "national_id", "taxNumber": "tax_id",
    "innCode": "inn", "ogrnCode": "ogrn", "okpoCode": "okpo", "kppCode": "kpp",
    "bikCode": "bik", "vatCode": "vat", "leiCode": "lei", "swiftBic": "swift_bic",
    "dunsCode": "duns", "registrationNumber": "registration_number",
    "uniqueEntityId": "unique_entity_id", "ricCode": "ric", "npiCode": "npi",
    "permId": "perm_id", "icijId": "icij_id",
}
# The same properties on an aircraft name its tail and serial numbers.
AIRCRAFT_IDS = {"registrationNumber": "aircraft_tail_number", "serialNumber": "aircraft_msn"}
# Properties kept as `properties` rows (shown by `sanctions show`), by our key.
KEPT = {"website": "website", "email": "email", "legalForm": "organization_type",
        "incorporationDate": "organization_established_date", "model": "aircraft_model",
        "buildDate": "vessel_year_of_build", "pastFlags": "former_vessel_flag",
        "title": "honorific", "phone": "phone"}
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


def values(entity: dict[str, Any], prop: str) -> list[str]:
    """The property's values as text, blanks and nested entities left out."""
    raw = entity["properties"].get(prop)
    if not raw:  # most properties are absent: the common case first
        return []
    if isinstance(raw, str):
        raw = [raw]
    return [t for v in raw if isinstance(v, str) and (t := v.strip())]


def _present(entity: dict[str, Any], props: dict[str, str]) -> list[str]:
    """The properties of `props` the entity has, in `props`' order: a record is the same
    whatever order the file lists them in, and most are absent, so only these are read."""
    order = list(props)
    return sorted(entity["properties"].keys() & props.keys(), key=order.index)


def _country(text: str) -> str | None:
    return country_code(text)


def _date(text: str) -> str | None:
    m = _ISO_DATE.match(text)
    return m.group(0) if m else None


def _names(entity: dict[str, Any]) -> tuple[str | None, list[Name]]:
    """The primary name and every other name with its kind."""
    names = values(entity, "name")
    parts = [" ".join(p for p in (first, *values(entity, "middleName"), last) if p)
             for first in values(entity, "firstName") or [""]
             for last in values(entity, "lastName") or [""]]
    built = [p for p in parts if p and p not in names]
    primary = names[0] if names else (built[0] if built else None)
    others = [Name(n, "aka") for n in names[1:]]
    others += [Name(n, "aka") for n in built if n != primary]
    for prop, kind in NAME_KINDS.items():
        others += [Name(n, kind) for n in values(entity, prop)]
    return primary, others


def _vessel(entity: dict[str, Any]) -> Vessel:
    imo = next((clean_imo(v) for v in values(entity, "imoNumber") if clean_imo(v)), None)
    flags = [c for c in map(_country, values(entity, "flag")) if c]

    def first(prop: str) -> str | None:
        return next(iter(values(entity, prop)), None)

    return Vessel(imo=imo, imo_valid=imo_is_valid(imo) if imo else None, mmsi=first("mmsi"),
                  call_sign=first("callSign"), vessel_type=first("type"),
                  tonnage=first("tonnage"), grt=first("grossRegisteredTonnage"),
                  flag=flags[0] if flags else None)


def _identifiers(entity: dict[str, Any], etype: EntityType) -> list[Identifier]:
    schemes = {**ID_SCHEMES, **(AIRCRAFT_IDS if etype == "aircraft" else {})}
    if etype != "vessel":
        schemes["imoNumber"] = "imo_company"
    out = []
    for prop in _present(entity, schemes):
        out += [Identifier(schemes[prop], v) for v in values(entity, prop)]
    return out


def to_record(source: str, entity: dict[str, Any]) -> Record | None:
    """The record of a listed entity; None when it has no name to screen."""
    etype = SCHEMATA[entity["schema"]]
    primary, names = _names(entity)
    if primary is None:
        return None
    record = Record(source=source, source_id=str(entity["id"]), type=etype, name=primary,
                    names=names, identifiers=_identifiers(entity, etype),
                    raw={"schema": entity["schema"]})
    urls = values(entity, "sourceUrl")
    record.url = urls[0] if urls else None
    notes = values(entity, "notes") + values(entity, "summary")
    record.remarks = "\n".join(notes) or None
    record.gender = next(iter(values(entity, "gender")), None)
    record.title = next(iter(values(entity, "position")), None)
    record.birth_dates = [BirthDate(raw=v, date=_date(v)) for v in values(entity, "birthDate")]
    record.birth_places = values(entity, "birthPlace")
    for prop, kind in (("nationality", "nationality"), ("citizenship", "citizenship")):
        for code in filter(None, map(_country, values(entity, prop))):
            record.nationalities.append(Nationality(code, kind))  # type: ignore[arg-type]
    record.addresses = [Address(address=a) for a in values(entity, "address")]
    record.addresses += [Address(country=c)
                         for c in dict.fromkeys(filter(None, map(_country,
                                                                 values(entity, "country"))))]
    if etype == "vessel":
        record.vessel = _vessel(entity)
    for prop in _present(entity, KEPT):
        record.properties += [Property(KEPT[prop], v) for v in values(entity, prop)]
    # What the publisher says the entity is and where it is listed: kept and shown.
    record.properties += [Property("topic", t) for t in values(entity, "topics")]
    record.properties += [Property("dataset", d) for d in _strings(entity.get("datasets"))]
    record.properties += [Property("ftm_referent", r) for r in _strings(entity.get("referents"))]
    record.raw["programs"] = values(entity, "program")
    return record


def _strings(raw: Any) -> list[str]:
    return [v for v in raw if isinstance(v, str) and v] if isinstance(raw, list) else []


# What a part says, read once when it is found: the file's parts are not decoded a second
# time when their entity is reached. A Sanction's listings, as Designation fields; a document's
# (scheme, country code, numbers).
Listing = tuple[str, str, str | None, str | None, str | None, str, str | None]
Document = tuple[str, str | None, tuple[str, ...]]
Part = tuple[Listing, ...] | Document


def read_part(part: dict[str, Any]) -> Part:
    """What a Sanction, Identification or Passport entity says about the entity it names."""
    if part["schema"] == "Sanction":
        dates = [d for d in map(_date, values(part, "listingDate") + values(part, "startDate"))
                 if d]
        ends = [d for d in map(_date, values(part, "endDate")) if d]
        status = next(iter(values(part, "status")), None) or ("ended" if ends else "active")
        ref = next(iter(values(part, "unscId") + values(part, "authorityId")), None)
        authority = ", ".join(values(part, "authority")) or "unknown authority"
        programs = values(part, "program") or [None]  # type: ignore[list-item]
        summary = next(iter(values(part, "summary")), None)
        # a few hundred distinct values among a million listings: one copy of each
        return tuple((intern(authority), intern(summary or program or authority),
                      program and intern(program), min(dates) if dates else None,
                      ends[0] if ends else None, intern(status), ref)
                     for program in programs)
    scheme = "passport" if part["schema"] == "Passport" else (
        next(iter(values(part, "type")), None) or "identification")
    country = next(iter(values(part, "country")), None)
    return scheme, _country(country) if country else None, tuple(values(part, "number"))


def attach(record: Record, part: dict[str, Any] | Part) -> None:
    """Add what a Sanction, Identification or Passport entity (or its `read_part`) says to its
    entity's record."""
    said = read_part(part) if isinstance(part, dict) else part
    if not said or isinstance(said[0], tuple):  # a Sanction's listings
        record.designations += [Designation(*listing) for listing in said]  # type: ignore[misc]
        return
    scheme, code, numbers = said  # type: ignore[misc]
    for number in numbers:
        # The document names the scheme the entity's `idNumber` left generic (cedula, rfc...)
        same = [i for i in record.identifiers if i.value == number]
        for ident in same:
            ident.scheme, ident.country = scheme, code or ident.country
        if not same:
            record.identifiers.append(Identifier(scheme, number, code))


def finish(record: Record, authority: str) -> None:
    """The record's listing dates and programs once every part is attached; identifiers once."""
    covered = {d.program for d in record.designations}
    for program in record.raw.pop("programs", []):
        if program not in covered:  # a program the file names without a Sanction entity
            record.designations.append(Designation(authority=authority, list=program,
                                                   program=program))
    dates = [d.listed_on for d in record.designations if d.listed_on]
    record.listed_on = min(dates) if dates else None
    seen: set[tuple[str, str]] = set()
    unique = []
    for ident in record.identifiers:
        if (ident.scheme, ident.value) not in seen:
            seen.add((ident.scheme, ident.value))
            unique.append(ident)
    record.identifiers = unique


def referenced(part: dict[str, Any]) -> Iterable[str]:
    """The entity ids a Sanction (`entity`) or document (`holder`) points at."""
    prop = "entity" if part["schema"] == "Sanction" else "holder"
    return values(part, prop)

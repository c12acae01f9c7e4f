"""The entities that hang off a listed entity in the FollowTheMoney export: its listings
(`Sanction`, or `Risk` for reward and wanted lists), its reward offers (`Risk`), identity
documents (`Identification`, `Passport`), addresses (`Address`) and stated links (`UnknownLink`).
docs/ftm.md is the mapping, field by field."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..identifiers import imo_is_valid
from .ftm_entity import Entity, child_id, country, ftm_id, iso_date, url

# Sources whose listings are not sanctions: reward offers and wanted notices. Their listings
# become `Risk` entities with the topic `wanted`; every other source's listings are `Sanction`s.
NOT_SANCTIONS = frozenset({"state_rewards", "fbi_wanted"})
LEGAL_ENTITIES = ("Person", "Organization")
UNSC = "United Nations Security Council"
PASSPORTS = ("passport", "diplomatic_passport")
# identifier scheme -> (FtM property, schemata that have it); values are checked first where
# followthemoney checks them (IMO, LEI, BIC), and kept as an Identification in any case.
ID_PROPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "passport": ("passportNumber", ("Person",)),
    "national_id": ("idNumber", LEGAL_ENTITIES),
    "cedula": ("idNumber", LEGAL_ENTITIES),
    "tax_id": ("taxNumber", LEGAL_ENTITIES),
    "registration_number": ("registrationNumber", LEGAL_ENTITIES + ("Vessel", "Airplane")),
    "business_registration_number": ("registrationNumber", LEGAL_ENTITIES),
    "company_number": ("registrationNumber", LEGAL_ENTITIES),
    "uk_company_number": ("registrationNumber", LEGAL_ENTITIES),
    "vat": ("vatCode", LEGAL_ENTITIES),
    "duns": ("dunsCode", LEGAL_ENTITIES),
    "lei": ("leiCode", LEGAL_ENTITIES),
    "swift_bic": ("swiftBic", LEGAL_ENTITIES),
    "imo_company": ("imoNumber", ("Organization",)),
    "imo": ("imoNumber", ("Vessel",)),
    "mmsi": ("mmsi", ("Vessel",)),
    "call_sign": ("callSign", ("Vessel",)),
    "aircraft_tail_number": ("registrationNumber", ("Airplane",)),
    "aircraft_msn": ("serialNumber", ("Airplane",)),
}
_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_LEI = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")


@dataclass
class PartsContext:
    """What the parts of one cluster share: its entity, the sources, and every entity's cluster
    (a stated link points at the target's cluster entity)."""

    subject: Entity
    sources: dict[str, dict[str, Any]]
    clusters: dict[str, str] = field(default_factory=dict)
    seen: Counter[str] = field(default_factory=Counter)

    def unique(self, id: str) -> str:
        """Two identical rows (a listing repeated by the source) get `-2`, `-3`, ..."""
        self.seen[id] += 1
        return id if self.seen[id] == 1 else f"{id}-{self.seen[id]}"

    def part(self, kind: str, schema: str, record: dict[str, Any], *key: Any) -> Entity:
        return Entity(self.unique(child_id(kind, record["id"], *key)), schema,
                      datasets=[record["source"]])


def _provenance(ctx: PartsContext, entity: Entity, record: dict[str, Any],
                page: str | None = None) -> None:
    source = ctx.sources.get(record["source"], {})
    entity.add("recordId", record["id"])
    entity.add("sourceUrl", url(page or record["url"]), "url")
    entity.add("publisher", source.get("publisher"))
    entity.add("publisherUrl", source.get("url"), "url")


def listing_parts(ctx: PartsContext, record: dict[str, Any]) -> list[Entity]:
    """A `Sanction` per listing (a `Risk` on reward and wanted lists), a `Risk` per reward."""
    props = record["properties"]
    provisions = [p["value"] for p in props if p["key"] == "sanction_imposed"]
    reasons = [p["value"] for p in props if p["key"] == "reason"]
    rewarded = {w["program"] for w in record["rewards"]}
    authority_of: dict[str, str] = {}
    parts = []
    for d in record["designations"]:
        not_sanction = record["source"] in NOT_SANCTIONS
        if not_sanction and ({d["list"], d["program"]} & rewarded):
            authority_of[d["program"] or d["list"]] = d["authority"]
            authority_of[d["list"]] = d["authority"]
            continue  # the reward offers below say it, with their amounts
        schema = "Risk" if not_sanction else "Sanction"
        e = ctx.part(schema.lower(), schema, record, d["authority"], d["list"], d["program"],
                     d["reference"], d["listed_on"])
        e.add("entity", ctx.subject.id, "entity")
        e.add("authority", d["authority"])
        e.add("program", d["program"] or d["list"])
        if d["program"] and d["list"] != d["program"]:
            e.add("summary", d["list"], "text")
        e.add("listingDate", iso_date(d["listed_on"]), "date")
        e.add("startDate", iso_date(d["listed_on"]), "date")
        e.add("endDate", iso_date(d["delisted_on"]), "date")
        e.add("status", d["status"])
        _reference(e, d["authority"], d["reference"])
        if schema == "Sanction":
            for value in provisions:
                e.add("provisions", value)
            for value in reasons:
                e.add("reason", value, "text")
        else:
            e.add("topics", "wanted")
        _provenance(ctx, e, record)
        parts.append(e)
    for w in record["rewards"]:
        parts.append(_reward(ctx, record, w, authority_of.get(w["program"])))
    return parts


def _reference(e: Entity, authority: str, reference: str | None) -> None:
    """The source's reference: a UN one as `unscId` (16 characters at most), any other as
    `authorityId`; one too long for an identifier (an EU annex with its heading) as text."""
    if not reference:
        return
    if e.schema == "Sanction" and authority == UNSC and len(reference) <= 16:
        e.add("unscId", reference, "identifier")
    elif not e.add("authorityId" if e.schema == "Sanction" else "programId", reference,
                   "identifier"):
        e.add("description", reference, "text")


def _reward(ctx: PartsContext, record: dict[str, Any], w: dict[str, Any],
            authority: str | None) -> Entity:
    amount = w["amount_usd"]
    e = ctx.part("reward", "Risk", record, w["program"], amount, w["announced"])
    e.add("entity", ctx.subject.id, "entity")
    e.add("authority", authority)
    e.add("program", w["program"])
    e.add("summary", f"Reward of up to US${amount:,}" if amount else "Reward offer", "text")
    e.add("startDate", iso_date(w["announced"]), "date")
    e.add("status", w["status"])
    e.add("topics", "wanted")
    if w["organization"]:
        e.add("description", f"Associated organization: {w['organization']}", "text")
    e.add("description", w["text"], "text")
    _provenance(ctx, e, record, page=w["url"])  # the offer's own page, where it has one
    return e


def _lei_ok(value: str) -> bool:
    if not _LEI.match(value):
        return False
    return int("".join(str(int(c, 36)) for c in value)) % 97 == 1


def _checked(scheme: str, value: str) -> str | None:
    """The value as followthemoney's format for the property writes it, or None when that
    format would refuse it."""
    if scheme in ("imo", "imo_company"):
        digits = re.sub(r"\D", "", value)
        return f"IMO{digits}" if imo_is_valid(digits) else None
    if scheme == "lei":
        return value if _lei_ok(value) else None
    if scheme == "swift_bic":
        bic = value.replace(" ", "").upper()
        return bic[:8] if _BIC.match(bic) else None  # followthemoney keeps the first 8
    return value


def identifier_parts(ctx: PartsContext, record: dict[str, Any]) -> list[Entity]:
    """Known schemes as properties of the entity; every number of a person or organisation as
    an `Identification` (`Passport`) too, with its scheme, country and note."""
    subject = ctx.subject
    parts = []
    for i in record["identifiers"]:
        scheme, value = i["scheme"], i["value"]
        prop, schemata = ID_PROPS.get(scheme, ("", ()))
        mapped = subject.schema in schemata and (checked := _checked(scheme, value)) is not None \
            and subject.add(prop, checked, "identifier")
        if subject.schema not in ("Person", "Organization"):
            if not mapped:
                subject.note(scheme.replace("_", " "), value)
            continue
        schema = "Passport" if scheme in PASSPORTS and subject.schema == "Person" \
            else "Identification"
        e = ctx.part("id", schema, record, scheme, value, i["country"])
        e.add("holder", subject.id, "entity")
        if not e.add("number", value, "identifier"):
            subject.note(scheme.replace("_", " "), value)
            continue
        e.add("type", scheme)
        e.add("country", country(i["country"]), "country")
        e.add("summary", i["note"], "text")
        if i["valid"] == 0:
            e.add("summary", "check digit fails", "text")
        parts.append(e)
    return parts


def address_parts(ctx: PartsContext, record: dict[str, Any]) -> list[Entity]:
    """An `Address` entity per address that says more than a country (shared by id when two
    entities have the same one); the country alone goes on the entity."""
    parts = []
    for a in record["addresses"]:
        code = country(a["country"])
        ctx.subject.add("country", code, "country")
        lines = [a["address"], a["city"], a["state"], a["postal_code"]]
        if not any(lines):
            continue
        full = ", ".join(x for x in [*lines, a["country"]] if x)
        e = Entity(child_id("addr", full, a["remarks"]), "Address", datasets=[record["source"]])
        e.add("full", full, "address")
        e.add("street", a["address"])
        e.add("city", a["city"])
        e.add("state", a["state"])
        if not e.add("postalCode", a["postal_code"]):
            e.add("remarks", a["postal_code"])  # a place name in the postal code column
        e.add("country", code, "country")
        e.add("remarks", a["remarks"])
        ctx.subject.add("addressEntity", e.id, "entity")
        ctx.subject.add("address", full, "address")
        parts.append(e)
    return parts


def relation_parts(ctx: PartsContext, record: dict[str, Any]) -> list[Entity]:
    """A stated link to a listed entity is an `UnknownLink` to its cluster's entity (the
    relation's kind as the role); a link to a name only stays a note."""
    parts = []
    for r in record["relations"]:
        target = ctx.clusters.get(r["target_id"] or "")
        if target is None:
            ctx.subject.note(r["kind"].replace("_", " ").capitalize(), r["target_name"])
            continue
        if ftm_id(target) == ctx.subject.id:
            continue  # both ends are this entity: the link merged them
        e = ctx.part("link", "UnknownLink", record, r["kind"], r["target_id"])
        e.add("subject", ctx.subject.id, "entity")
        e.add("object", ftm_id(target), "entity")
        e.add("role", r["kind"].replace("_", " "))
        e.add("recordId", record["id"])
        parts.append(e)
    return parts

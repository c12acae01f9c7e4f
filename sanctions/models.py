"""The common record every source parser produces, and the database stores.

A parser reads a source in its own shape, then maps each entry to one `Record`. A record is one
listed entity (person, organization, vessel, aircraft) with everything the source says about it.
Fields mirror the database tables one to one (see docs/schema.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

EntityType = Literal["person", "organization", "vessel", "aircraft"]
ENTITY_TYPES: tuple[EntityType, ...] = ("person", "organization", "vessel", "aircraft")

# primary: the listed name; aka/fka/nka: as the source qualifies them; weak: low-quality aliases
# (OFAC inline "a.k.a. 'X'", UN "Low quality") that should alarm less than a strong alias.
NameKind = Literal["primary", "aka", "fka", "nka", "weak"]
NAME_KINDS: tuple[NameKind, ...] = ("primary", "aka", "fka", "nka", "weak")

SourceKind = Literal["official", "compiled", "partial"]


@dataclass(slots=True)
class Name:
    name: str
    kind: NameKind = "aka"
    # e.g. OFAC ALT.CSV "strong"/"weak" quality or UN alias quality, kept verbatim.
    quality: str | None = None


@dataclass(slots=True)
class Identifier:
    """An identifying number: passport, national ID, cedula, tax ID, registration, IMO, MMSI..."""

    scheme: str
    value: str
    country: str | None = None
    # None: no check exists for this scheme; True/False: the check (e.g. IMO check digit) result.
    valid: bool | None = None
    note: str | None = None


@dataclass(slots=True)
class Address:
    address: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    remarks: str | None = None


@dataclass(slots=True)
class BirthDate:
    """A birth date as precise as the source gives it.

    `date` is a reduced ISO date ("1962-11-23", "1962-11", "1962"); a range ("1960 to 1965")
    has date_from/date_to; circa ("circa 1962") sets circa=True. `raw` keeps the source text.
    """

    raw: str
    date: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    circa: bool = False


@dataclass(slots=True)
class Nationality:
    country: str
    kind: Literal["nationality", "citizenship"] = "nationality"


@dataclass(slots=True)
class Vessel:
    imo: str | None = None
    imo_valid: bool | None = None
    mmsi: str | None = None
    call_sign: str | None = None
    vessel_type: str | None = None
    tonnage: str | None = None
    grt: str | None = None
    flag: str | None = None
    owner: str | None = None


@dataclass(slots=True)
class Designation:
    """One listing: who listed the entity, on which list and program, since when."""

    authority: str
    list: str
    program: str | None = None
    listed_on: str | None = None
    delisted_on: str | None = None
    status: str = "active"
    reference: str | None = None


@dataclass(slots=True)
class Relation:
    """A link the source states, e.g. OFAC "Linked To: NAME" or a UK "Group ID"."""

    kind: str
    target_name: str
    target_id: str | None = None


@dataclass(slots=True)
class Property:
    """Anything else the source states that has no column of its own (website, email, title...)."""

    key: str
    value: str


@dataclass(slots=True)
class Reward:
    """A reward offer for information on the record's subject. One row per announced amount,
    so a raised offer keeps its history (Maduro: $15M in 2020, $25M, $50M in 2025)."""

    program: str
    amount_usd: int | None
    announced: str | None = None
    status: str | None = None
    organization: str | None = None
    url: str | None = None
    text: str | None = None


@dataclass(slots=True)
class Record:
    source: str
    source_id: str
    type: EntityType
    name: str
    listed_on: str | None = None
    remarks: str | None = None
    url: str | None = None
    gender: str | None = None
    title: str | None = None
    names: list[Name] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    birth_dates: list[BirthDate] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[Nationality] = field(default_factory=list)
    vessel: Vessel | None = None
    designations: list[Designation] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    properties: list[Property] = field(default_factory=list)
    rewards: list[Reward] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.source}:{self.source_id}"

    @property
    def programs(self) -> list[str]:
        seen: dict[str, None] = {}
        for d in self.designations:
            if d.program:
                seen.setdefault(d.program, None)
        return list(seen)

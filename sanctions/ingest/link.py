"""Link records that are the same real-world entity, within and across sources.

Each rule is a small function that proposes links with a reason and a confidence. Links are
applied strongest first; a link is refused when it would put two records with conflicting
evidence (different birth dates, disjoint nationalities, different IMO numbers, different
types) into one cluster, so two different people who share a name stay apart.

The result is two tables (see docs/schema.md): `links` (every accepted link with its evidence)
and `clusters` (every entity with the id of its cluster's representative).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..countries import country_code
from ..dates import birth_bounds
from ..identifiers import identifier_key
from ..sources import source_priority
from ..store import schema

# Identifier schemes specific enough that a shared value means the same entity.
STRONG_ID_SCHEMES = frozenset({
    "passport", "national_id", "cedula", "tax_id", "registration_number", "lei", "swift_bic",
    "duns", "curp", "rfc", "nit", "ruc", "rif", "ssn", "imo_company", "uscc", "isin", "bik",
})
# A value shared by more entities than this is a placeholder, not an identifier.
MAX_GROUP = 6

CONFIDENCE = {
    "shared_imo": 0.99,
    "fto_listing": 0.98,
    "shared_identifier": 0.95,
    "same_name_and_birth_date": 0.9,
    "shared_mmsi": 0.9,
    "same_name_unique": 0.75,
}



@dataclass(slots=True)
class Ent:
    id: str
    source: str
    type: str
    programs: list[str]
    name_keys: set[str] = field(default_factory=set)
    births: list[tuple[str, str]] = field(default_factory=list)  # (from, to) ISO bounds
    countries: set[str] = field(default_factory=set)
    imos: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Link:
    a: str
    b: str
    reason: str
    detail: str

    @property
    def confidence(self) -> float:
        return CONFIDENCE[self.reason]


_TOKEN = re.compile(r"[a-z0-9]+")


def name_key(normalized: str) -> str:
    """Order-free key: 'maduro moros nicolas' and 'nicolas maduro moros' are one name."""
    return " ".join(sorted(_TOKEN.findall(normalized)))


def births_compatible(a: list[tuple[str, str]], b: list[tuple[str, str]]) -> bool:
    """Unknown on either side is compatible; otherwise some pair of ranges must overlap."""
    if not a or not b:
        return True
    return any(lo1 <= hi2 and lo2 <= hi1 for lo1, hi1 in a for lo2, hi2 in b)


def shared_exact_birth(a: list[tuple[str, str]], b: list[tuple[str, str]]) -> str | None:
    """A full birth date (day precision) both records give, if any."""
    exact = {x for x, y in a if x == y} & {x for x, y in b if x == y}
    return min(exact) if exact else None


def conflict(x: Ent, y: Ent) -> str | None:
    """Why two records cannot be the same entity, or None."""
    if x.type != y.type:
        return "different types"
    if not births_compatible(x.births, y.births):
        return "different birth dates"
    if x.countries and y.countries and not x.countries & y.countries and x.type == "person":
        return "different nationalities"
    if x.imos and y.imos and not x.imos & y.imos:
        return "different IMO numbers"
    return None


def load(conn: sqlite3.Connection) -> dict[str, Ent]:
    ents = {
        r[0]: Ent(r[0], r[1], r[2], json.loads(r[3]))
        for r in conn.execute("SELECT id, source, type, programs FROM entities")
    }
    for eid, normalized in conn.execute(
        "SELECT entity_id, normalized FROM names WHERE kind != 'weak'"
    ):
        if key := name_key(normalized):
            ents[eid].name_keys.add(key)
    for eid, date, dfrom, dto, circa in conn.execute(
        "SELECT entity_id, date, date_from, date_to, circa FROM birth_dates"
    ):
        if bounds := birth_bounds(date, dfrom, dto, bool(circa)):
            ents[eid].births.append(bounds)
    for eid, country in conn.execute("SELECT entity_id, country FROM nationalities"):
        if code := country_code(country):
            ents[eid].countries.add(code)
    for eid, imo in conn.execute(
        "SELECT entity_id, imo FROM vessels WHERE imo IS NOT NULL AND imo_valid = 1"
    ):
        ents[eid].imos.add(imo)
    return ents


def _pairs(group: list[str]) -> Iterator[tuple[str, str]]:
    """Link each member to the first: enough for clustering, and short to read."""
    for other in group[1:]:
        yield group[0], other


def rule_shared_imo(ents: dict[str, Ent], conn: sqlite3.Connection) -> Iterator[Link]:
    """Vessels with the same valid IMO number."""
    groups: dict[str, list[str]] = defaultdict(list)
    for e in ents.values():
        for imo in e.imos:
            groups[imo].append(e.id)
    for imo, ids in groups.items():
        for a, b in _pairs(sorted(ids)):
            yield Link(a, b, "shared_imo", f"IMO {imo}")


def rule_shared_mmsi(ents: dict[str, Ent], conn: sqlite3.Connection) -> Iterator[Link]:
    """Vessels with the same 9-digit MMSI."""
    groups: dict[str, list[str]] = defaultdict(list)
    for eid, mmsi in conn.execute("SELECT entity_id, mmsi FROM vessels WHERE mmsi IS NOT NULL"):
        if re.fullmatch(r"\d{9}", mmsi):
            groups[mmsi].append(eid)
    for mmsi, ids in groups.items():
        if len(ids) <= MAX_GROUP:
            for a, b in _pairs(sorted(ids)):
                yield Link(a, b, "shared_mmsi", f"MMSI {mmsi}")


def rule_shared_identifier(ents: dict[str, Ent], conn: sqlite3.Connection) -> Iterator[Link]:
    """The same passport, national ID, tax or registration number (and compatible country)."""
    groups: dict[tuple[str, str, str | None], list[str]] = defaultdict(list)
    for eid, scheme, value, country in conn.execute(
        "SELECT entity_id, scheme, value, country FROM identifiers"
    ):
        if scheme not in STRONG_ID_SCHEMES:
            continue
        clean = identifier_key(value).upper()
        if len(clean) >= 6 and any(c.isdigit() for c in clean):
            groups[(scheme, clean, country_code(country) if country else None)].append(eid)
    for (scheme, value, _), ids in groups.items():
        ids = sorted(set(ids))
        if 1 < len(ids) <= MAX_GROUP:
            for a, b in _pairs(ids):
                yield Link(a, b, "shared_identifier", f"{scheme} {value}")


def rule_fto_listing(ents: dict[str, Ent], conn: sqlite3.Connection) -> Iterator[Link]:
    """A State Department FTO listing and the OFAC entry tagged FTO with the same name."""
    tagged: dict[str, list[str]] = defaultdict(list)
    for e in ents.values():
        if e.source.startswith("ofac_") and "FTO" in e.programs:
            for key in e.name_keys:
                tagged[key].append(e.id)
    for e in ents.values():
        if e.source == "state_fto":
            hits = sorted({o for key in e.name_keys for o in tagged.get(key, [])})
            for other in hits:
                yield Link(other, e.id, "fto_listing", "FTO listing and OFAC FTO-tagged entry")


def rule_same_name(ents: dict[str, Ent], conn: sqlite3.Connection) -> Iterator[Link]:
    """The same name and type, with an exact shared birth date, or a name unique in each list."""
    by_key: dict[tuple[str, str], list[Ent]] = defaultdict(list)
    for e in ents.values():
        for key in e.name_keys:
            by_key[(e.type, key)].append(e)
    for (etype, key), group in by_key.items():
        if len(group) < 2 or len(group) > MAX_GROUP:
            continue
        per_source: dict[str, int] = defaultdict(int)
        for e in group:
            per_source[e.source] += 1
        group = sorted(group, key=lambda e: e.id)
        for i, x in enumerate(group):
            for y in group[i + 1:]:
                if born := shared_exact_birth(x.births, y.births):
                    yield Link(x.id, y.id, "same_name_and_birth_date", f"{key!r}, born {born}")
                elif (
                    x.source != y.source
                    and per_source[x.source] == per_source[y.source] == 1
                    and len(key.split()) >= (3 if etype == "person" else 2)
                ):
                    yield Link(x.id, y.id, "same_name_unique", f"{key!r}, unique in each list")


RULES = (rule_shared_imo, rule_fto_listing, rule_shared_identifier, rule_shared_mmsi,
         rule_same_name)


class Clusters:
    """Union-find that refuses a union when any two members would conflict."""

    def __init__(self, ents: dict[str, Ent]) -> None:
        self.ents = ents
        self.parent = {eid: eid for eid in ents}
        self.members = {eid: [eid] for eid in ents}

    def find(self, eid: str) -> str:
        while self.parent[eid] != eid:
            self.parent[eid] = self.parent[self.parent[eid]]
            eid = self.parent[eid]
        return eid

    def union(self, a: str, b: str) -> str | None:
        """Merge the clusters of a and b; return the reason if refused, else None."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        for x in self.members[ra]:
            for y in self.members[rb]:
                if why := conflict(self.ents[x], self.ents[y]):
                    return why
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] += self.members.pop(rb)
        return None


def propose(ents: dict[str, Ent], conn: sqlite3.Connection) -> list[Link]:
    links = [link for rule in RULES for link in rule(ents, conn)]
    return sorted(links, key=lambda lk: (-lk.confidence, lk.a, lk.b))


def _representative(members: Iterable[str], ents: dict[str, Ent]) -> str:
    return min(members, key=lambda m: (source_priority(ents[m].source), m))


def link_entities(conn: sqlite3.Connection, previous: Path | None = None) -> None:
    """Post-import step: compute links and clusters into the new database."""
    link_and_count(conn)


def link_and_count(conn: sqlite3.Connection) -> dict[str, int]:
    """Compute links and clusters; return accepted links by reason and refusals by conflict."""
    ents = load(conn)
    clusters = Clusters(ents)
    accepted: list[Link] = []
    refused: dict[str, int] = defaultdict(int)
    for link in propose(ents, conn):
        why = clusters.union(link.a, link.b)
        if why is None:
            accepted.append(link)
        else:
            refused[why] += 1
    conn.executescript(schema.LINK_SCHEMA)
    with conn:
        conn.executemany(
            "INSERT INTO links (entity_a, entity_b, reason, confidence, detail) VALUES (?,?,?,?,?)",
            [(lk.a, lk.b, lk.reason, lk.confidence, lk.detail) for lk in accepted],
        )
        rows: list[tuple[str, str, int]] = []
        for members in clusters.members.values():
            rep = _representative(members, ents)
            rows.extend((m, rep, len(members)) for m in members)
        conn.executemany("INSERT INTO clusters VALUES (?,?,?)", rows)
    counts: dict[str, int] = defaultdict(int)
    for lk in accepted:
        counts[lk.reason] += 1
    counts.update({f"refused: {k}": v for k, v in refused.items()})
    return dict(counts)

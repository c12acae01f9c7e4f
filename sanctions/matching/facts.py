"""Features of a record's facts besides its names: identifiers (IMO, MMSI, ID numbers), birth
dates and countries, each `(score, detail)` as in `features` (None: nothing to say).
`sanctions.matching.score` declares how each counts."""

from __future__ import annotations

from collections.abc import Collection

from ..dates import bounds
from .types import Entity, Prepared


def imos_of(e: Entity) -> set[str]:
    """The IMO numbers among an entity's identifiers."""
    return {i for i in e.identifiers if len(i) == 7 and i.isdigit()}


def feature_identifier(p: Prepared, e: Entity, linked: Collection[str] = ()
                       ) -> tuple[float | None, str]:
    """An IMO, MMSI or ID number in the query that the entity carries (or contradicts).
    `linked`: the IMOs of the records linked to a vessel that carries none itself (the same
    ship on another list): they contradict the query's IMO as its own would ('XIN GUANG HAI
    IMO 9453028' is not the UK's XIN GUANG HAI, listed without an IMO, whose OFAC record
    gives 9004700), and never settle a match (the link, not the list, says they are one)."""
    shared = p.identifiers & e.identifiers
    if shared:
        return 1.0, f"{', '.join(sorted(shared))} listed for this entity"
    listed_imos = imos_of(e)
    if p.imos and e.type == "vessel" and listed_imos:
        asked, listed = ", ".join(sorted(p.imos)), ", ".join(sorted(listed_imos))
        return 0.0, f"query IMO {asked}, listed {listed}"
    if p.imos and e.type == "vessel" and linked and p.imos.isdisjoint(linked):
        asked, listed = ", ".join(sorted(p.imos)), ", ".join(sorted(linked))
        return 0.0, f"query IMO {asked}; none listed here, a linked record gives {listed}"
    return None, ""


def feature_birth_date(query_date: str | None, e: Entity) -> tuple[float | None, str]:
    """The query's birth date against the listed ones: agree, unknown, or conflict."""
    if not query_date or not e.births:
        return None, ""
    lo, hi = bounds(query_date)
    for a, b in e.births:
        if a <= hi and lo <= b:
            return 1.0, f"{query_date} within listed {a[:10]}..{b[:10]}"
    return 0.0, f"{query_date} vs listed " + ", ".join(a if a == b else f"{a}..{b}"
                                                       for a, b in e.births)


def feature_country(country: str | None, e: Entity) -> tuple[float | None, str]:
    """The query's country among the entity's nationalities, addresses or flag."""
    if not country or not e.countries:
        return None, ""
    if country in e.countries:
        return 1.0, f"{country} listed"
    return 0.0, f"{country} not among {', '.join(sorted(e.countries))}"

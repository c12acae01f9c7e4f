"""What the matcher works on: listed entities and names, queries, prepared queries, matches.

The screening service (`sanctions.screening`) validates a query into a `Query`; the store loads
`Entity` and `NameRow` rows into an `Index`; the matcher returns `Match`es.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Entity:
    id: str
    source: str
    source_id: str
    type: str
    name: str
    programs: tuple[str, ...] = ()
    listed_on: str | None = None
    cluster: str | None = None
    countries: frozenset[str] = frozenset()
    births: tuple[tuple[str, str], ...] = ()  # (from, to) ISO-day bounds
    identifiers: frozenset[str] = frozenset()  # normalised values: "9323596", "5892464", ...
    reward_usd: int | None = None  # the largest reward offered, if any


@dataclass(slots=True)
class NameRow:
    entity: int  # index into Index.entities
    name: str
    kind: str  # primary | aka | fka | nka | weak


@dataclass(slots=True)
class Query:
    name: str
    type: str | None = None
    country: str | None = None  # ISO alpha-2
    birth_date: str | None = None  # YYYY[-MM[-DD]]
    imo: str | None = None
    sources: tuple[str, ...] = ()
    program: str | None = None
    identifier: str | None = None  # any listed ID number (MMSI, passport, national ID...)


@dataclass(slots=True)
class Match:
    entity: Entity
    score: float
    band: str
    matched_name: str
    explanation: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(slots=True)
class Prepared:
    """A query after normalisation: its tokens, identifiers and implied type."""

    tokens: list[str]
    vessel_tokens: list[str]
    identifiers: set[str]
    imos: set[str]
    type: str | None
    alternatives: list[list[str]] = field(default_factory=list)  # tokens, then re-joined forms
    vessel_alternatives: list[list[str]] = field(default_factory=list)
    reading: str = ""  # how a query in another script was read ("" for Latin text)
    read_from: int = 0  # alternatives from here on are consonant readings (`consonants`)
    written_at: int = 0  # ...from here (to read_from) the words as written, not respelled
    aside_at: int = 0  # the alternative without the words in quotes or brackets (`asides`)
    read_factors: list[float] = field(default_factory=list)  # each reading's factor



def filters(query: Query) -> bool:
    """Whether the query has a filter `admits` applies (without one, every entity is let
    through: callers skip reading the entities)."""
    return bool(query.sources or query.program)


def admits(e: Entity, query: Query) -> bool:
    """Whether the query's source and program filters let this entity through."""
    if query.sources and e.source not in query.sources:
        return False
    return not (query.program and query.program not in e.programs)

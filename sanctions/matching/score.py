"""Scoring: a name score, then a declared list of qualifiers, into [0, 1] with a band.

The name score is the best token alignment over the query's forms (`name_score`). Each
qualifier in `QUALIFIERS` then looks at one kind of evidence (numbers, alias quality, legal
form, identifiers, type, birth date, country) and may adjust the score; whatever it saw goes
into the explanation under its name. `combine` walks that list in order, and nothing else.

    >>> from .index import Index
    >>> from .types import Entity, NameRow
    >>> idx = Index.build([Entity("x:1", "x", "1", "organization", "TREN DE ARAGUA")],
    ...                   [NameRow(0, "TREN DE ARAGUA", "primary")])
    >>> [(m.entity.id, m.score, m.band) for m in match(idx, Query("tren de aragua"))]
    [('x:1', 1.0, 'exact')]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..normalize import LEGAL_CLASSES
from .config import DEFAULT_CONFIG, MatchConfig
from .features import (
    Alignment,
    align,
    feature_birth_date,
    feature_common,
    feature_country,
    feature_distinctive,
    feature_extra_words,
    feature_identifier,
    feature_joined,
    feature_name,
    feature_numbers,
    feature_one_word,
    feature_surname,
    feature_syllables,
)
from .index import Index
from .query import prepare
from .types import Entity, Match, NameRow, Prepared, Query, admits

Explained = dict[str, Any] | None


NameCheck = Callable[[Alignment, Index, int, MatchConfig], tuple[float | None, str]]
ALL_TYPES = ("person", "organization", "vessel", "aircraft")
# What the query says and the listed name does not (or the reverse): each a factor on the name
# score when it applies, by entity type, with the MatchConfig field that holds the factor.
NAME_CHECKS: tuple[tuple[str, tuple[str, ...], NameCheck, str], ...] = (
    ("distinctive", ALL_TYPES, feature_distinctive, "distinctive_factor"),
    ("surname", ("person",), lambda a, idx, n_i, cfg: feature_surname(a, idx, n_i),
     "no_surname_factor"),
    ("common_names", ("person",), lambda a, *_: feature_common(a), "common_name_factor"),
    ("one_word", ("organization",), lambda a, *_: feature_one_word(a), "one_common_word_factor"),
    ("syllables", ("person",), lambda a, *_: feature_syllables(a), "missing_syllable_factor"),
)


def name_score(p: Prepared, idx: Index, n_i: int, etype: str, cfg: MatchConfig,
               ex: dict[str, dict[str, Any]]) -> tuple[float, Alignment]:
    """The best name score over the query's tokens and its re-joined forms, explained."""
    q = p.vessel_tokens if etype == "vessel" else p.tokens
    syllabic = "(Chinese characters" in p.reading or "(Hangul" in p.reading
    syllables = frozenset(p.tokens if syllabic else ())
    best: tuple[float, str, Alignment] | None = None
    for k, tokens in enumerate(p.vessel_alternatives if etype == "vessel" else p.alternatives):
        if not tokens:
            continue
        if k and best is not None and (best[0] >= cfg.joined_factor or not any(
                b in idx.sims(t, cfg) for t in tokens if t not in q for b in idx.tokens[n_i])):
            continue  # a re-joined form that cannot win: no listed word like its new word
        a = align(idx, tokens, n_i, etype, cfg, syllables)
        s, detail = feature_name(a)
        read = 0 < p.read_from <= k
        s *= p.read_factors[k - p.read_from] if read else cfg.joined_factor if k else 1.0
        if best is None or s > best[0]:
            how = ("" if not k else f" (read by its consonants as {' '.join(tokens)!r})"
                   if read else " (split words joined)" if len(tokens) < len(q)
                   else " (joined words split)")
            best = (s, detail + how, a)
    if best is None:  # an identifier-only query ("IMO 9323596") has no name to explain
        return 0.0, align(idx, q, n_i, etype, cfg)
    score, detail, a = best
    ex["name"] = {"score": round(score, 3), "detail": detail}
    joined_s, jdetail = feature_joined(a, cfg)
    if joined_s is not None and joined_s > score:
        ex["joined_tokens"] = {"score": round(joined_s, 3), "detail": jdetail}
        return joined_s, a
    for key, types, feature, factor in NAME_CHECKS:
        if etype in types:
            seen, detail = feature(a, idx, n_i, cfg)
            if seen is not None:
                score *= getattr(cfg, factor)
                ex[key] = {"score": seen, "detail": detail}
    extra, edetail = feature_extra_words(a, idx, etype, cfg)
    if extra is not None:
        score *= extra
        ex["extra_words"] = {"score": extra, "detail": edetail}
    return score, a


@dataclass(slots=True)
class Candidate:
    """One listed name being scored against a prepared query: what every qualifier sees."""

    p: Prepared
    query: Query
    idx: Index
    n_i: int
    row: NameRow
    entity: Entity
    alignment: Alignment
    cfg: MatchConfig


def numbers(c: Candidate, score: float) -> tuple[float, Explained]:
    """Numbers in both names disagree ('JI SONG 6' vs 'JI SONG 8'): another ship or company."""
    s, detail = feature_numbers(c.alignment.q, c.alignment.c)
    if s < 1:
        return score * c.cfg.number_mismatch_factor, {"score": 0.0, "detail": detail}
    return score, None


def alias_quality(c: Candidate, score: float) -> tuple[float, Explained]:
    """A match on a low-quality alias alarms less."""
    if c.row.kind == "weak":
        factor = c.cfg.weak_alias_factor
        return score * factor, {"score": factor, "detail": "low-quality alias"}
    return score, None


def legal_form(c: Candidate, score: float) -> tuple[float, Explained]:
    """Legal forms ('ltd', 'llc') weigh little in the name score: say so, change nothing."""
    legal = [t for t in c.idx.tokens[c.n_i] if t in LEGAL_CLASSES]
    if legal:
        return score, {"score": c.cfg.legal_form_weight,
                       "detail": f"{' '.join(legal)} weighted low"}
    return score, None


def identifier(c: Candidate, score: float) -> tuple[float, Explained]:
    """An identifier the entity carries settles it; a vessel's other IMO counts against."""
    s, detail = feature_identifier(c.p, c.entity)
    if s is None:
        return score, None
    score = 1.0 if s == 1.0 else score * c.cfg.identifier_mismatch_factor
    return score, {"score": s, "detail": detail}


def entity_type(c: Candidate, score: float) -> tuple[float, Explained]:
    """The query's type (given or implied by a vessel prefix or IMO) against the listed one."""
    if c.p.type and c.p.type != c.entity.type:
        return (score * c.cfg.type_mismatch_factor,
                {"score": 0.0, "detail": f"query {c.p.type}, listed {c.entity.type}"})
    return score, None


def birth_date(c: Candidate, score: float) -> tuple[float, Explained]:
    """A birth date that agrees adds a little; one that conflicts takes away."""
    s, detail = feature_birth_date(c.query.birth_date, c.entity)
    if s is None:
        return score, None
    score = score + c.cfg.birth_date_bonus if s else score * c.cfg.birth_date_conflict_factor
    return score, {"score": s, "detail": detail}


def country(c: Candidate, score: float) -> tuple[float, Explained]:
    """A country that agrees adds a little; one that conflicts takes away."""
    s, detail = feature_country(c.query.country, c.entity)
    if s is None:
        return score, None
    score = score + c.cfg.country_bonus if s else score * c.cfg.country_conflict_factor
    return score, {"score": s, "detail": detail}


Qualifier = Callable[[Candidate, float], tuple[float, Explained]]
# In order: each sees the score the ones before it left.
QUALIFIERS: tuple[tuple[str, Qualifier], ...] = (
    ("numbers", numbers),
    ("alias_quality", alias_quality),
    ("legal_form", legal_form),
    ("identifier", identifier),
    ("type", entity_type),
    ("birth_date", birth_date),
    ("country", country),
)


def combine(p: Prepared, query: Query, idx: Index, n_i: int, cfg: MatchConfig) -> Match:
    """Score one candidate name: the name score, then every qualifier, into [0, 1]."""
    row = idx.names[n_i]
    e = idx.entities[row.entity]
    ex: dict[str, dict[str, Any]] = {}
    if p.reading:  # a query in another script: say how it was read
        ex["reading"] = {"score": 1.0, "detail": p.reading}
    score, a = name_score(p, idx, n_i, e.type, cfg, ex)
    candidate = Candidate(p, query, idx, n_i, row, e, a, cfg)
    for name, qualifier in QUALIFIERS:
        score, seen = qualifier(candidate, score)
        if seen is not None:
            ex[name] = seen
    score = round(min(max(score, 0.0), 1.0), 4)
    return Match(e, score, band(score, cfg), row.name, ex)


def band(score: float, cfg: MatchConfig = DEFAULT_CONFIG) -> str:
    """exact, strong, review (at or above the threshold) or weak."""
    if score >= cfg.exact_band:
        return "exact"
    if score >= cfg.strong_band:
        return "strong"
    return "review" if score >= cfg.threshold else "weak"


def match(idx: Index, query: Query, cfg: MatchConfig = DEFAULT_CONFIG,
          limit: int = 10) -> list[Match]:
    """Best match per entity, highest score first, at most `limit` (threshold applied later).

    Which names are scored depends on the query alone: `limit` only cuts the ranked list and a
    source or program filter only removes entities from it, so the best match and its score
    are the same for every limit and every filter that lets it through."""
    p = prepare(query, idx, cfg)
    mask = idx.allowed(query)
    found: set[int] = set()
    for alts in (p.alternatives, p.vessel_alternatives):
        if alts is p.vessel_alternatives and alts is p.alternatives and found:
            break  # no vessel prefix: the same tokens
        found |= set(idx.retrieve(alts, cfg, mask).tolist())
        found |= idx.joined_names(alts[0])
    for ident in p.identifiers:
        for e_i in idx.by_identifier.get(ident, ()):
            found.update(idx.names_of.get(e_i, ()))
    best: dict[int, Match] = {}
    for n_i in found:
        e_i = idx.names[n_i].entity
        if not admits(idx.entities[e_i], query):
            continue
        m = combine(p, query, idx, n_i, cfg)
        if e_i not in best or m.score > best[e_i].score:
            best[e_i] = m
    ranked = sorted(best.values(), key=lambda m: (-m.score, m.entity.id))
    return ranked[:limit]

"""Scoring: a name score, then a declared list of qualifiers, into [0, 1] with a band.

The name score is the best token alignment over the query's forms (`names.NameScorer`). Each
qualifier in `QUALIFIERS` then looks at one kind of evidence (numbers, alias quality, legal
form, identifiers, type, birth date, country) and may adjust the score; whatever it saw goes
into the explanation under its name. `Scorer.score` walks that list in order, and nothing
else (`combine` scores one name with it).

Every qualifier but the identifier only lowers a score or adds a small bonus, so a name score
plus the bonuses the query can earn bounds the final score. With the caller's threshold as a
`floor`, `match` scores every candidate without its explanation, stops at that bound for a
name that cannot reach the floor, and explains only the matches it returns: the same matches
and scores as explaining all (`tests/test_score_fast.py`).

    >>> from .index import Index
    >>> from .types import Entity, NameRow
    >>> idx = Index.build([Entity("x:1", "x", "1", "organization", "TREN DE ARAGUA")],
    ...                   [NameRow(0, "TREN DE ARAGUA", "primary")])
    >>> [(m.entity.id, m.score, m.band) for m in match(idx, Query("tren de aragua"))]
    [('x:1', 1.0, 'exact')]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from ..normalize import LEGAL_CLASSES
from . import bare
from .bound import below
from .config import DEFAULT_CONFIG, MatchConfig, per_config
from .facts import feature_birth_date, feature_country, feature_identifier, imos_of
from .features import Alignment, feature_numbers
from .index import Index
from .listed import listed
from .names import (  # noqa: F401 (NAME_CHECKS: it was here)
    CUT_BELOW,
    NAME_CHECKS,
    UNALIGNED,
    NameScorer,
    Said,
)
from .nearest import nearest_names
from .query import prepare
from .types import Entity, Match, NameRow, Prepared, Query, admits, filters

Explained = dict[str, Any] | None


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


def bare_word(c: Candidate, score: float) -> tuple[float, Explained]:
    """A query of one word says less than it seems (`bare`: 'Vargas' for 'VARGAS, Jorge',
    'Moura' for the ship OURA), unless a birth date or identifier corroborates it."""
    factor, seen = bare.qualify(c.alignment, c.entity, c.query, c.p, c.cfg)
    return score * factor, seen


def identifier(c: Candidate, score: float) -> tuple[float, Explained]:
    """An identifier the entity carries settles it; a vessel's other IMO counts against."""
    e = c.entity
    linked: set[str] = set()
    if c.p.imos and e.type == "vessel" and not imos_of(e):  # the same ship's other records
        for k in c.idx.cluster_members.get(e.cluster or e.id, ()):
            linked |= imos_of(c.idx.entities[k])
    s, detail = feature_identifier(c.p, e, linked)
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
    ("bare_word", bare_word),
    ("identifier", identifier),
    ("type", entity_type),
    ("birth_date", birth_date),
    ("country", country),
)


class Scorer(NameScorer):
    """One prepared query scored against the names retrieval found (`NameScorer`: its name
    scores), each name's score then every qualifier's. With a `floor`, a name whose score
    provably stays below it is not scored to the end (`score` says so)."""

    def __init__(self, p: Prepared, query: Query, idx: Index, cfg: MatchConfig,
                 floor: float | None = None) -> None:
        super().__init__(p, idx, cfg)
        self.query = query
        # the most the qualifiers add to a name score: their bonuses (an identifier the entity
        # carries makes it 1, so such a name is never cut short); every other one is a factor
        self.bonus = ((cfg.birth_date_bonus if query.birth_date else 0.0)
                      + (cfg.country_bonus if query.country else 0.0))
        self.cut = (None if floor is None or not lowers_only(cfg)
                    else floor - self.bonus - CUT_MARGIN)

    def score(self, n_i: int, ex: Said | None) -> tuple[float, NameRow, Entity]:
        """One candidate name's score: the name score, then every qualifier, into [0, 1];
        explained in `ex` unless it is None. Unexplained, with a floor: a name that cannot
        reach the floor gets a bound below it instead (the scorer stops there)."""
        p, idx = self.p, self.idx
        row = idx.names[n_i]
        e = idx.entities[row.entity]
        if ex is not None and p.reading:  # a query in another script: say how it was read
            ex["reading"] = {"score": 1.0, "detail": p.reading}
        cut = self.cut if ex is None and p.identifiers.isdisjoint(e.identifiers) else None
        score, a, short = self.name_score(n_i, e.type, ex, cut)
        if short:
            return score + self.bonus, row, e
        candidate = Candidate(p, self.query, idx, n_i, row, e, a, self.cfg)
        for name, qualifier in QUALIFIERS:
            score, seen = qualifier(candidate, score)
            if seen is not None and ex is not None:
                ex[name] = seen
        return round(min(max(score, 0.0), 1.0), 4), row, e

    def unexplained(self, n_i: int) -> tuple[float, int, str]:
        """`score(n_i, None)`, the name's entity number and the entity's id: one call for
        a name the bound cuts short (most of a query's candidates), where `score` ->
        `name_score` -> `_name_score` made three and read the name's row in four. The same
        steps in their order, leaving the same entries in `named` and `bests`; any other
        name goes through `score` (`tests/test_score_fast.py`: the same scores)."""
        idx = self.idx
        row, c, surnames = idx.name_parts(n_i)
        e = idx.entities[row.entity]
        cut = self.cut
        if cut is not None and self.bounded is not None and self.p.identifiers.isdisjoint(
                e.identifiers):
            etype = e.type
            key = (tuple(c), surnames, etype)
            hit = self.named.get(key)
            if hit is not None:
                if hit[3]:  # cut short before (by the bound or by its name score)
                    return hit[0] + self.bonus, row.entity, e.id
            elif key not in self.bests:
                ln = self.kept.get(n_i) or listed(idx, n_i, self.cfg)
                vessel = etype == "vessel"
                if below(self.bounded.get(vessel) or self.forms_of(vessel), c, ln,
                         etype == "person", self.cfg, cut):
                    score = cut - CUT_BELOW
                    self.named[key] = (score, UNALIGNED, None, True)
                    return score + self.bonus, row.entity, e.id
                # aligned here once: `_name_score` finds it in `bests`, as after its bound
                self.bests[key] = self.best_form(c, surnames, etype, ln)
        return self.score(n_i, None)[0], row.entity, e.id

    def match(self, n_i: int) -> Match:
        """One candidate name scored and explained."""
        ex: Said = {}
        score, row, e = self.score(n_i, ex)
        return Match(e, score, band(score, self.cfg), row.name, ex)


CUT_MARGIN = 1e-3  # a bound this far below the floor stays below it after rounding


@per_config
def lowers_only(cfg: MatchConfig) -> bool:
    """Whether every factor and penalty of the config only lowers a score and every bonus
    only raises it (so that a name score plus the bonuses bounds the final score); a config
    that breaks this is scored to the end."""
    factors = [v for k, v in vars_of(cfg).items() if k.endswith(("_factor", "_penalty"))]
    bonuses = [v for k, v in vars_of(cfg).items() if k.endswith("_bonus")]
    return all(0 <= f <= 1 for f in factors) and all(b >= 0 for b in bonuses)


def vars_of(cfg: MatchConfig) -> dict[str, float]:
    return {f.name: getattr(cfg, f.name) for f in fields(cfg)}


def combine(p: Prepared, query: Query, idx: Index, n_i: int, cfg: MatchConfig) -> Match:
    """Score one candidate name: the name score, then every qualifier, into [0, 1]."""
    return Scorer(p, query, idx, cfg).match(n_i)


def band(score: float, cfg: MatchConfig = DEFAULT_CONFIG) -> str:
    """exact, strong, review (at or above the threshold) or weak."""
    if score >= cfg.exact_band:
        return "exact"
    if score >= cfg.strong_band:
        return "strong"
    return "review" if score >= cfg.threshold else "weak"


def match(idx: Index, query: Query, cfg: MatchConfig = DEFAULT_CONFIG,
          limit: int = 10, floor: float | None = None) -> list[Match]:
    """Best match per entity, highest score first, at most `limit`; with a `floor` (the
    caller's threshold), only those scoring at least that.

    Which names are scored depends on the query alone: `limit` only cuts the ranked list and a
    source or program filter only removes entities from it, so the best match and its score
    are the same for every limit and every filter that lets it through. With a `floor`, every
    candidate is scored first without its explanation, and only the matches returned are
    explained (the same scores: one code path, `Scorer.score`)."""
    p = prepare(query, idx, cfg)
    return rank(p, query, idx, cfg, candidates(p, query, idx, cfg), limit, floor)


def candidates(p: Prepared, query: Query, idx: Index, cfg: MatchConfig) -> set[int]:
    """The names a prepared query reaches: retrieval over its forms, names that write a query
    word as several or hold its words with its initials', and the names of entities carrying
    its identifiers; then every name of the entities those names belong to (`entity_names`)."""
    mask = idx.allowed(query)
    found: set[int] = set()
    for alts in (p.alternatives, p.vessel_alternatives):
        if alts is p.vessel_alternatives and alts is p.alternatives and found:
            break  # no vessel prefix: the same tokens
        found |= set(idx.retrieve(alts, cfg, mask).tolist())
        found |= idx.joined_names(alts[0])
        found |= idx.initialled_names(alts[0])
        found |= nearest_names(idx, alts[0], cfg)
    for ident in p.identifiers:
        for e_i in idx.by_identifier.get(ident, ()):
            found.update(idx.names_of.get(e_i, ()))
    return entity_names(idx, p, found)


def entity_names(idx: Index, p: Prepared, found: set[int]) -> set[int]:
    """The names found, and every other name of their entities that a query word reaches
    (holds a word retrieval pairs it with): retrieval ranks names, but an entity's score is
    its best name's, and the alias the scorer credits most may rank below its siblings
    ('CHAGHAZARDY, MohammadKazem' for 'Mohammad Iris CHAGHAZARDY', where the primary name
    'CHAGHAZARDY, Mohammad Kazem' took the pool's place): an index of that entity alone
    would score it, so the whole one does (`scripts/check_retrieval.py`)."""
    order, start = idx.by_entity()
    others: list[int] = []  # (a few names and entities: plain lists cost less than arrays)
    for e_i in set(np.asarray(idx.tables.name_entity)[list(found)].tolist()):
        a, b = int(start[e_i]), int(start[e_i + 1])
        if b - a > 1:
            others += [n for n in order[a:b].tolist() if n not in found]
    if not others:
        return found
    todo = np.array(sorted(others), dtype=np.intp)
    added: list[int] = []
    for t in {t for alts in (p.alternatives, p.vessel_alternatives) for a in alts for t in a}:
        rows = idx.postings(t)[0]  # ascending
        if not len(rows):
            continue
        at = np.searchsorted(rows, todo)
        at[at == len(rows)] = 0
        held = rows[at] == todo
        if held.any():
            added += todo[held].tolist()
            todo = todo[~held]
            if not len(todo):
                break
    idx.tables.prefetch(added)  # a stored index reads their rows at once, as the pool's
    return found.union(added)


def rank(p: Prepared, query: Query, idx: Index, cfg: MatchConfig, found: Iterable[int],
         limit: int, floor: float | None = None) -> list[Match]:
    """`match`'s scoring: the best of each entity's names among `found`, best first (of an
    entity's names with the same score, the one `shown_first` picks)."""
    scorer = Scorer(p, query, idx, cfg, floor)
    explain = floor is None
    filtered = filters(query)  # else every entity is admitted
    best: dict[int, tuple[float, int, Match | None, str]] = {}
    names = idx.names
    m: Match | None = None
    for n_i in found:
        if filtered and not admits(idx.entities[names[n_i].entity], query):
            continue
        if explain:
            m = scorer.match(n_i)
            score, e_i, eid = m.score, names[n_i].entity, m.entity.id
        else:
            score, e_i, eid = scorer.unexplained(n_i)
        held = best.get(e_i)
        if held is None or score > held[0] or (
                score == held[0] and shown_first(query, idx, n_i, held[1])):
            best[e_i] = (score, n_i, m, eid)
    # by score, then entity id (ids are distinct: the tuples never compare past them)
    ranked = sorted([(-score, eid, n_i, m) for score, n_i, m, eid in best.values()])
    out = []
    for neg, _, n_i, m in ranked[:limit]:
        if floor is not None and -neg < floor:
            break  # best first: the rest score less
        out.append(m if m is not None else scorer.match(n_i))
    return out


def shown_first(query: Query, idx: Index, n_i: int, other: int) -> bool:
    """The tie rule: of two names of one entity with the same score, whether `n_i` is shown
    rather than `other`. The one written more like the query as typed (rapidfuzz ratio, case
    and punctuation aside: 'KOREA ANSAN SHPG CO' for that query, where both names read as
    'korea ansan shipping co'), then the one the list gives first (the lower name row: the
    primary name, then aliases in the publisher's order). Never the order retrieval hands
    the names over, so a pool found another way (`topk`) shows the same name."""
    mine = fuzz.ratio(query.name, idx.names[n_i].name, processor=default_process)
    theirs = fuzz.ratio(query.name, idx.names[other].name, processor=default_process)
    return mine > theirs or (mine == theirs and n_i < other)

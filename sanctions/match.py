"""The matcher: pure functions over an in-memory index. Knows nothing of SQLite, CLI or web.

Two steps:
1. Retrieval. Each query token is compared with every distinct listed token (rapidfuzz
   `cdist`, all cores), so a typo in any token still reaches the names that contain its
   neighbours. A coarse IDF-weighted score over an inverted index ranks names, and the best
   `MatchConfig.candidates` are kept. Identifiers (IMO, MMSI, ID numbers) found in the query
   add their entities directly. `scripts/eval_matching.py --recall` checks this loses nothing
   against scoring every name.
2. Scoring. Each candidate name is scored by small named features (below) and one combiner,
   `combine`, into a score in [0, 1] with a band and an explanation per feature.

    >>> idx = Index.build([Entity("x:1", "x", "1", "organization", "TREN DE ARAGUA")],
    ...                   [NameRow(0, "TREN DE ARAGUA", "primary")])
    >>> [(m.entity.id, m.score, m.band) for m in match(idx, Query("tren de aragua"))]
    [('x:1', 1.0, 'exact')]
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from .identifiers import imo_is_valid
from .normalize import LEGAL_CLASSES, clean_text, name_tokens, strip_vessel_prefix


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """Weights and thresholds. Defaults were set on the dev set (eval/dev_set.csv)."""

    threshold: float = 0.80  # default alarm threshold: see README "Choosing the threshold"
    exact_band: float = 0.99  # score at or above: "exact"
    strong_band: float = 0.90  # at or above: "strong"; from threshold: "review"; below: "weak"
    token_cutoff: float = 75.0  # fuzz.ratio a listed token needs to be retrieved for a query token
    token_floor: float = 0.70  # per-token similarity below this counts as no match
    candidates: int = 25  # names rescored per query, at most
    min_coverage: float = 0.35  # below this coarse query coverage a name cannot reach threshold
    min_candidates: int = 5  # ...but the best few are always rescored (for --threshold 0)
    initial_similarity: float = 0.85  # "N" against "Nicolas"
    dropped_token_weight: float = 0.3  # weight of a listed token the query leaves out
    legal_form_weight: float = 0.15  # weight of "ltd", "llc", ... relative to a name token
    family_name_weight: float = 1.3  # listed surname tokens (before the comma) count more
    joined_factor: float = 0.97  # "alqaida" vs "al qaida": compact-string similarity, discounted
    distinctive_factor: float = 0.85  # the listed name's most telling word replaced by another
    weak_alias_factor: float = 0.92  # a match on a low-quality alias
    type_mismatch_factor: float = 0.7
    number_mismatch_factor: float = 0.6  # "JI SONG 6" is not "JI SONG 8"
    identifier_mismatch_factor: float = 0.5  # the query's IMO differs from the vessel's
    birth_date_bonus: float = 0.03
    birth_date_conflict_factor: float = 0.85
    country_bonus: float = 0.02
    country_conflict_factor: float = 0.95


DEFAULT_CONFIG = MatchConfig()
_DIGITS = re.compile(r"\d")
# Name particles often written joined to the next word: "Abdel Halim" / "Abdelhalim".
JOINABLE = frozenset({"abdul", "abd", "abu", "al", "el", "bin", "ibn", "bint", "ul", "ud"})
_IMO_TEXT = re.compile(r"\bimo\s*(?:no\.?|number|#)?\s*:?\s*(\d{7})\b", re.I)
_MMSI_TEXT = re.compile(r"\bmmsi\s*:?\s*(\d{9})\b", re.I)


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


def prepare(query: Query) -> Prepared:
    text = clean_text(query.name or "")
    imos = set(_IMO_TEXT.findall(text))
    if query.imo:
        imos.add(re.sub(r"\D", "", query.imo))
    identifiers = imos | set(_MMSI_TEXT.findall(text))
    text = _IMO_TEXT.sub(" ", _MMSI_TEXT.sub(" ", text))
    tokens = name_tokens(text)
    for t in tokens:  # a bare number long enough to be an ID: look it up as one
        if len(t) >= 6 and _DIGITS.search(t):
            identifiers.add(t)
            if len(t) == 7 and t.isdigit() and imo_is_valid(t):
                imos.add(t)
    vessel_tokens = strip_vessel_prefix(tokens)
    implied = query.type or ("vessel" if (vessel_tokens != tokens or imos) else None)
    if identifiers and all(t in identifiers for t in tokens):
        tokens, vessel_tokens = [], []  # "IMO 9323596": an identifier query, no name
    return Prepared(tokens, vessel_tokens, identifiers, imos, implied)


class Index:
    """Names and entities in arrays: a token vocabulary with postings, IDF weights."""

    def __init__(self, entities: list[Entity], names: list[NameRow],
                 name_tokens_: list[list[str]], surname_tokens: list[frozenset[str]]) -> None:
        self.entities = entities
        self.names = names
        self.tokens = name_tokens_
        self.surnames = surname_tokens
        self.compact = ["".join(t) for t in name_tokens_]
        by_token: dict[str, list[int]] = {}
        for i, toks in enumerate(name_tokens_):
            for t in set(toks):
                by_token.setdefault(t, []).append(i)
        # the vocabulary in length order: a token is only compared with the slice of lengths
        # that could reach the similarity cutoff
        self.vocab_list = sorted(by_token, key=lambda t: (len(t), t))
        self.vocab = {t: j for j, t in enumerate(self.vocab_list)}
        postings = [by_token[t] for t in self.vocab_list]
        lengths = np.array([len(t) for t in self.vocab_list])
        self.len_start = np.searchsorted(lengths, np.arange(lengths.max(initial=0) + 2))
        self.indptr = np.zeros(len(postings) + 1, dtype=np.int64)
        self.indptr[1:] = np.cumsum([len(p) for p in postings])
        self.indices = np.fromiter((i for p in postings for i in p), dtype=np.int32,
                                   count=int(self.indptr[-1]))
        n = max(len(names), 1)
        self.idf = {t: math.log(1 + n / len(postings[j])) for t, j in self.vocab.items()}
        self.max_idf = math.log(1 + n)
        self.name_len = np.array([len(t) for t in name_tokens_], dtype=np.float32)
        # adjacent tokens joined ("hu po" -> "hupo") and whole compact names, for queries that
        # write a listed name as one word
        self.joined: dict[str, list[int]] = {}
        for i, toks in enumerate(name_tokens_):
            forms = {a + b for a, b in zip(toks, toks[1:], strict=False)}
            if 2 < len(toks) <= 5:
                forms.add(self.compact[i])
            for form in forms:
                self.joined.setdefault(form, []).append(i)
        self.by_identifier: dict[str, list[int]] = {}
        for e_i, e in enumerate(entities):
            for ident in e.identifiers:
                self.by_identifier.setdefault(ident, []).append(e_i)
        self.names_of: dict[int, list[int]] = {}
        for n_i, row in enumerate(names):
            self.names_of.setdefault(row.entity, []).append(n_i)
        self.cluster_members: dict[str, list[int]] = {}
        for e_i, e in enumerate(entities):
            self.cluster_members.setdefault(e.cluster or e.id, []).append(e_i)
        self._similar: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._masks: dict[tuple[tuple[str, ...], str | None], np.ndarray] = {}

    @classmethod
    def build(cls, entities: list[Entity], names: list[NameRow]) -> Index:
        toks: list[list[str]] = []
        surnames: list[frozenset[str]] = []
        for row in names:
            ent = entities[row.entity]
            t = name_tokens(row.name)
            if ent.type == "vessel":
                t = strip_vessel_prefix(t)
            toks.append(t)
            # OFAC and UN write persons "SURNAME, Given": the part before the comma
            head, comma, _ = row.name.partition(",")
            surnames.append(frozenset(name_tokens(head)) if comma and ent.type == "person"
                            else frozenset())
        return cls(entities, names, toks, surnames)

    def weight(self, token: str, cfg: MatchConfig) -> float:
        w = self.idf.get(token, self.max_idf)
        return w * cfg.legal_form_weight if token in LEGAL_CLASSES else w

    def similar(self, tokens: Iterable[str], cfg: MatchConfig, workers: int = 1) -> None:
        """Find listed tokens similar to each query token (cached across queries)."""
        todo = [t for t in dict.fromkeys(tokens) if t not in self._similar]
        if not todo or not self.vocab_list:
            return
        by_len: dict[int, list[str]] = {}
        for t in todo:
            by_len.setdefault(len(t), []).append(t)
        c = cfg.token_cutoff / 100
        top = len(self.len_start) - 1
        for n, group in by_len.items():
            # fuzz.ratio <= 2 * min(len) / (len1 + len2): outside this range it cannot reach c
            lo = self.len_start[min(math.ceil(n * c / (2 - c)), top)]
            hi = self.len_start[min(math.floor(n * (2 - c) / c) + 1, top)]
            scores = process.cdist(group, self.vocab_list[lo:hi], scorer=fuzz.ratio,
                                   dtype=np.uint8, score_cutoff=cfg.token_cutoff,
                                   workers=workers)
            for t, row in zip(group, scores, strict=True):
                ids = np.flatnonzero(row)
                sims = row[ids].astype(np.float32) / 100
                ids = ids + lo
                if not t.isalpha():  # numbers only ever match themselves
                    keep = [self.vocab_list[i] == t for i in ids]
                    ids, sims = ids[keep], sims[keep]
                self._similar[t] = (ids, sims)
        if len(self._similar) > 200_000:  # bound the cache for endless batches
            self._similar.clear()

    def clear_cache(self) -> None:
        self._similar.clear()

    def warm(self, queries: Iterable[Query], cfg: MatchConfig = DEFAULT_CONFIG,
             workers: int = 1) -> None:
        """Look up the tokens of many queries in one `cdist` call (batch mode)."""
        tokens: list[str] = []
        for q in queries:
            p = prepare(q)
            for toks in (p.tokens, p.vessel_tokens):
                tokens += toks
                tokens += self.split_and_joined(toks)[0]
        self.similar(tokens, cfg, workers=workers)

    def split_and_joined(self, tokens: Sequence[str]) -> tuple[list[str], set[int]]:
        """Query tokens re-joined where a fragment is not a listed token ("isla miya" ->
        "islamiya"), and names whose joined tokens equal a query token ("thievesinlaw")."""
        rejoined = [a + b for a, b in zip(tokens, tokens[1:], strict=False)
                    if self.joinable(a, b)]
        names = {n for t in tokens if len(t) >= 4 and t not in self.vocab
                 for n in self.joined.get(t, ())}
        return rejoined, names

    def joinable(self, a: str, b: str) -> bool:
        """Two query words that may be one listed word split: a fragment or a particle."""
        return a.isalpha() and b.isalpha() and (
            a in JOINABLE or a not in self.vocab or b not in self.vocab)

    def is_listed_like(self, token: str) -> bool:
        """Whether retrieval found listed tokens similar to this one (after `similar`)."""
        found = self._similar.get(token)
        return found is not None and len(found[0]) > 0

    def allowed(self, query: Query) -> np.ndarray | None:
        """Boolean mask of the names a query's source/program filter lets through (cached)."""
        if not query.sources and not query.program:
            return None
        key = (query.sources, query.program)
        if key not in self._masks:
            ok = np.array([_allowed(self.entities[row.entity], query) for row in self.names],
                          dtype=bool)
            self._masks[key] = ok
        return self._masks[key]

    def retrieve(self, tokens: Sequence[str], cfg: MatchConfig,
                 mask: np.ndarray | None = None) -> np.ndarray:
        """Indices of the names with the best coarse scores for these tokens."""
        if not tokens:
            return np.zeros(0, dtype=np.int64)
        self.similar(tokens, cfg)
        acc = np.zeros(len(self.names), dtype=np.float32)
        total = 0.0
        for t in dict.fromkeys(tokens):
            ids, sims = self._similar[t]
            w = self.weight(t, cfg)
            total += w
            if not len(ids):
                continue
            best = np.zeros(len(self.names), dtype=np.float32)
            for j, s in zip(ids, sims, strict=True):
                rows = self.indices[self.indptr[j]:self.indptr[j + 1]]
                np.maximum.at(best, rows, s)
            acc += w * best
        # ties broken towards names of the query's length
        if mask is not None:  # filter before ranking, so --source never empties the result
            acc[~mask] = 0
        coverage = acc / total
        coarse = coverage - 0.01 * np.abs(self.name_len - len(tokens))
        hits = np.flatnonzero(acc > 0)
        if len(hits) > cfg.min_candidates:
            keep = min(cfg.candidates, max(cfg.min_candidates,
                                           int((coverage[hits] >= cfg.min_coverage).sum())))
            if len(hits) > keep:
                hits = hits[np.argpartition(-coarse[hits], keep)[:keep]]
        return hits


# --- features: each takes the prepared query and one candidate, returns (score, detail) ---


_SIM_CACHE: dict[tuple[str, str, bool], float] = {}


def _token_sim(q: str, c: str, cfg: MatchConfig, initials: bool = True) -> float:
    """Similarity of two tokens in [0, 1], memoised: the same pairs recur across candidates."""
    key = (q, c, initials)
    s = _SIM_CACHE.get(key)
    if s is None:
        if len(_SIM_CACHE) > 500_000:
            _SIM_CACHE.clear()
        s = _SIM_CACHE[key] = _token_sim_uncached(q, c, cfg, initials)
    return s


def _token_sim_uncached(q: str, c: str, cfg: MatchConfig, initials: bool) -> float:
    if q == c:
        return 1.0
    if not (q.isalpha() and c.isalpha()):  # tokens are [a-z0-9]+: numbers match only exactly
        return 0.0
    if len(q) == 1 or len(c) == 1:  # initials stand for names of people, not of companies
        return cfg.initial_similarity if initials and (c.startswith(q) or q.startswith(c)) else 0.0
    s = fuzz.ratio(q, c) / 100
    return s if s >= cfg.token_floor else 0.0


def feature_name(idx: Index, q: list[str], n_i: int, etype: str,
                 cfg: MatchConfig) -> tuple[float, str]:
    """Token alignment: each query token paired with its most similar listed token, IDF-weighted
    on both sides; listed tokens the query leaves out (a middle name, a second surname) weigh
    less when every query token found its pair; surnames weigh more."""
    c = idx.tokens[n_i]
    if not q or not c:
        return 0.0, "no name tokens"
    person = etype == "person"
    pairs = sorted(((_token_sim(a, b, cfg, person), i, j) for i, a in enumerate(q)
                    for j, b in enumerate(c)), reverse=True)
    used_q: dict[int, tuple[int, float]] = {}
    used_c: set[int] = set()
    for s, i, j in pairs:
        if s > 0 and i not in used_q and j not in used_c:
            used_q[i] = (j, s)
            used_c.add(j)
    wq = [idx.weight(t, cfg) for t in q]
    surnames = idx.surnames[n_i]
    # a matched surname counts more; a left-out one (second surname) no more than a name
    wc = [idx.weight(t, cfg) * (cfg.family_name_weight if t in surnames and j in used_c else 1.0)
          for j, t in enumerate(c)]
    all_found = len(used_q) == len(q) and all(s >= 0.8 for _, s in used_q.values())
    drop = cfg.dropped_token_weight if all_found and etype == "person" else 1.0
    got_q = sum(wq[i] * s for i, (_, s) in used_q.items())
    got_c = sum(wc[j] * s for j, s in used_q.values())
    den_c = sum(w if j in used_c else w * drop for j, w in enumerate(wc))
    score = 0.5 * got_q / sum(wq) + 0.5 * got_c / den_c
    parts = [f"{q[i]}={c[j]} {s:.2f}" for i, (j, s) in sorted(used_q.items())]
    parts += [f"{q[i]}: no match" for i in range(len(q)) if i not in used_q]
    missing = [c[j] for j in range(len(c)) if j not in used_c]
    if missing:
        parts.append(f"not in query: {' '.join(missing)}" + (" (dropped, low weight)"
                                                            if drop < 1 else ""))
    return score, "; ".join(parts)


def feature_distinctive(idx: Index, q: list[str], n_i: int, etype: str,
                        cfg: MatchConfig) -> tuple[float | None, str]:
    """The listed name's most telling word (its surname for a person, else its rarest word)
    replaced by another word in the query: 'BRIGHT CONSTRUCTION' is not 'FURAHA CONSTRUCTION'."""
    c = idx.tokens[n_i]
    words = [t for t in c if not t.isdigit() and t not in LEGAL_CLASSES]
    if len(words) < 2 or not q:
        return None, ""
    surnames = [t for t in words if t in idx.surnames[n_i]]
    key = surnames or [max(words, key=lambda t: idx.idf.get(t, 0.0))]
    best = {t: max(_token_sim(a, t, cfg) for a in q) for t in key}
    missing = [t for t, s in best.items() if s < 0.8]
    if not missing:
        return None, ""
    listed = set(c)
    others = [a for a in q if a not in LEGAL_CLASSES and max(
        (_token_sim(a, t, cfg) for t in listed), default=0.0) < 0.8]
    if not others:  # left out, not replaced: the name feature already weighs that
        return None, ""
    return 0.0, f"listed {' '.join(missing)!r}, query has {' '.join(others)!r} instead"


def feature_joined(idx: Index, q: list[str], n_i: int, cfg: MatchConfig) -> tuple[float, str]:
    """Joined or split tokens: 'alqaida' against 'al qaida', compared as one string."""
    a, b = "".join(q), idx.compact[n_i]
    if not a or not b:
        return 0.0, ""
    s = fuzz.ratio(a, b) / 100 * cfg.joined_factor
    return s, f"{a!r} vs {b!r}"


def feature_numbers(q: list[str], c: list[str]) -> tuple[float, str]:
    """Numbers in both names must agree: 'JI SONG 6' is another ship than 'JI SONG 8'."""
    qn = {t for t in q if _DIGITS.search(t)}
    cn = {t for t in c if _DIGITS.search(t)}
    if qn and cn and not qn & cn:
        return 0.0, f"query {sorted(qn)} vs listed {sorted(cn)}"
    if qn and cn:
        return 1.0, f"{sorted(qn & cn)} agree"
    return 1.0, ""


def feature_identifier(p: Prepared, e: Entity) -> tuple[float | None, str]:
    """An IMO, MMSI or ID number in the query that the entity carries (or contradicts)."""
    shared = p.identifiers & e.identifiers
    if shared:
        return 1.0, f"{', '.join(sorted(shared))} listed for this entity"
    listed_imos = {i for i in e.identifiers if len(i) == 7 and i.isdigit()}
    if p.imos and e.type == "vessel" and listed_imos:
        asked, listed = ", ".join(sorted(p.imos)), ", ".join(sorted(listed_imos))
        return 0.0, f"query IMO {asked}, listed {listed}"
    return None, ""


def feature_birth_date(query_date: str | None, e: Entity) -> tuple[float | None, str]:
    """The query's birth date against the listed ones: agree, unknown, or conflict."""
    if not query_date or not e.births:
        return None, ""
    lo = query_date + "-00-00"[: 10 - len(query_date)] if len(query_date) < 10 else query_date
    hi = query_date + "-99-99"[: 10 - len(query_date)] if len(query_date) < 10 else query_date
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


def rejoined_variants(idx: Index, q: list[str]) -> Iterator[list[str]]:
    """The query with one pair of adjacent words joined, where one is a fragment or particle."""
    for i in range(len(q) - 1):
        if idx.joinable(q[i], q[i + 1]) and idx.is_listed_like(q[i] + q[i + 1]):
            yield [*q[:i], q[i] + q[i + 1], *q[i + 2:]]


def combine(p: Prepared, query: Query, idx: Index, n_i: int, cfg: MatchConfig) -> Match:
    """Score one candidate name: name similarity, then qualifiers, into [0, 1] with a band."""
    row = idx.names[n_i]
    e = idx.entities[row.entity]
    q = p.vessel_tokens if e.type == "vessel" else p.tokens
    ex: dict[str, dict[str, Any]] = {}
    name_s, detail = feature_name(idx, q, n_i, e.type, cfg)
    for variant in rejoined_variants(idx, q):  # "Gonc alves" may be "Goncalves"
        v_s, v_detail = feature_name(idx, variant, n_i, e.type, cfg)
        if v_s > name_s:
            name_s, detail = v_s, v_detail + " (split words joined)"
    if q:  # an identifier-only query ("IMO 9323596") has no name to explain
        ex["name"] = {"score": round(name_s, 3), "detail": detail}
    joined_s, jdetail = feature_joined(idx, q, n_i, cfg)
    if joined_s > name_s:
        ex["joined_tokens"] = {"score": round(joined_s, 3), "detail": jdetail}
        name_s = joined_s
    score = name_s
    dist_s, ddetail_ = feature_distinctive(idx, q, n_i, e.type, cfg)
    if dist_s is not None:
        score *= cfg.distinctive_factor
        ex["distinctive"] = {"score": dist_s, "detail": ddetail_}
    num_s, ndetail = feature_numbers(q, idx.tokens[n_i])
    if num_s < 1:
        score *= cfg.number_mismatch_factor
        ex["numbers"] = {"score": 0.0, "detail": ndetail}
    if row.kind == "weak":
        score *= cfg.weak_alias_factor
        ex["alias_quality"] = {"score": cfg.weak_alias_factor, "detail": "low-quality alias"}
    legal = [t for t in idx.tokens[n_i] if t in LEGAL_CLASSES]
    if legal:
        ex["legal_form"] = {"score": cfg.legal_form_weight,
                            "detail": f"{' '.join(legal)} weighted low"}
    id_s, idetail = feature_identifier(p, e)
    if id_s == 1.0:
        score = 1.0
    elif id_s == 0.0:
        score *= cfg.identifier_mismatch_factor
    if id_s is not None:
        ex["identifier"] = {"score": id_s, "detail": idetail}
    if p.type and p.type != e.type:
        score *= cfg.type_mismatch_factor
        ex["type"] = {"score": 0.0, "detail": f"query {p.type}, listed {e.type}"}
    dob_s, ddetail = feature_birth_date(query.birth_date, e)
    if dob_s is not None:
        score = score + cfg.birth_date_bonus if dob_s else score * cfg.birth_date_conflict_factor
        ex["birth_date"] = {"score": dob_s, "detail": ddetail}
    c_s, cdetail = feature_country(query.country, e)
    if c_s is not None:
        score = score + cfg.country_bonus if c_s else score * cfg.country_conflict_factor
        ex["country"] = {"score": c_s, "detail": cdetail}
    score = round(min(max(score, 0.0), 1.0), 4)
    return Match(e, score, band(score, cfg), row.name, ex)


def band(score: float, cfg: MatchConfig = DEFAULT_CONFIG) -> str:
    if score >= cfg.exact_band:
        return "exact"
    if score >= cfg.strong_band:
        return "strong"
    return "review" if score >= cfg.threshold else "weak"


def _allowed(e: Entity, query: Query) -> bool:
    if query.sources and e.source not in query.sources:
        return False
    return not (query.program and query.program not in e.programs)


def match(idx: Index, query: Query, cfg: MatchConfig = DEFAULT_CONFIG,
          limit: int = 10) -> list[Match]:
    """Best match per entity, highest score first, at most `limit` (threshold applied later)."""
    p = prepare(query)
    mask = idx.allowed(query)
    candidates: set[int] = set()
    for tokens in {tuple(p.tokens), tuple(p.vessel_tokens)}:
        rejoined, joined_names = idx.split_and_joined(tokens)
        candidates |= set(idx.retrieve([*tokens, *rejoined], cfg, mask).tolist())
        candidates |= joined_names
    for ident in p.identifiers:
        for e_i in idx.by_identifier.get(ident, ()):
            candidates.update(idx.names_of.get(e_i, ()))
    best: dict[int, Match] = {}
    for n_i in candidates:
        e_i = idx.names[n_i].entity
        if not _allowed(idx.entities[e_i], query):
            continue
        m = combine(p, query, idx, n_i, cfg)
        if e_i not in best or m.score > best[e_i].score:
            best[e_i] = m
    ranked = sorted(best.values(), key=lambda m: (-m.score, m.entity.id))
    return ranked[:limit]

"""The matcher: pure functions over an in-memory index. Knows nothing of SQLite, CLI or web.

Two steps:
1. Retrieval. Each query token is compared with every distinct listed token (rapidfuzz
   `cdist` over the vocabulary slice of compatible lengths; batches look up all their tokens
   at once), with the same similarity the scorer uses, so every listed token the scorer would
   pair with a query token is found. An inverted index turns those into names; a coarse
   IDF-weighted score (the share of the query a name covers, and of the name the query
   covers) keeps the best `MatchConfig.candidates`. The query is also tried with split words
   re-joined, and names that write a query word as several are added. Identifiers (IMO,
   MMSI, ID numbers) found in the query add their entities directly.
   `scripts/eval_matching.py --recall` checks retrieval against scoring every name.
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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .identifiers import identifier_key, imo_is_valid
from .normalize import (
    LEGAL_CLASSES,
    VARIANTS,
    clean_text,
    fold_legal_forms,
    name_tokens,
    strip_vessel_prefix,
    variant,
)


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """Weights and thresholds. Defaults were set on the dev set (eval/dev_set.csv)."""

    threshold: float = 0.80  # default alarm threshold: see README "Choosing the threshold"
    exact_band: float = 0.99  # score at or above: "exact"
    strong_band: float = 0.90  # at or above: "strong"; from threshold: "review"; below: "weak"
    token_floor: float = 0.70  # per-token OSA similarity below this is no match (nor retrieved)
    candidates: int = 15  # names rescored per query, at most (more when asked for more)
    min_coverage: float = 0.5  # a name covering less of the query scores < 0.75 on names
    min_candidates: int = 5  # ...but the best few are always rescored (for --threshold 0)
    initial_similarity: float = 0.85  # "N" against "Nicolas"
    dropped_token_weight: float = 0.3  # weight of a listed token the query leaves out
    legal_form_weight: float = 0.15  # weight of "ltd", "llc", ... relative to a name token
    family_name_weight: float = 1.3  # listed surname tokens (before the comma) count more
    joined_factor: float = 0.97  # "alqaida" vs "al qaida": the re-joined score, discounted
    joined_min_similarity: float = 0.85  # unpaired words, joined, must spell the same this well
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
_NUMBER = re.compile(r"\d+")
# Every spelling of the names with variants, and for each canonical form its spellings.
SPELLINGS: dict[str, tuple[str, ...]] = {
    canon: tuple(v for v in VARIANTS if VARIANTS[v] == canon and v != canon)
    for canon in set(VARIANTS.values())}
_SPELLINGS = sorted(v for v in VARIANTS if v.isalpha())
_ID_TEXT = re.compile(r"[A-Za-z0-9]*\d[A-Za-z0-9./-]*[A-Za-z0-9]|\d")
MAX_JOIN_TOKENS = 12  # longer queries are not tried with split words re-joined
MAX_JOINED_NAMES = 50  # names added per query word that they write as several
CACHE_TOKENS = 10_000  # query tokens whose lookups are kept (memory: ~10 MB)
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
    alternatives: list[list[str]] = field(default_factory=list)  # tokens, then re-joined forms
    vessel_alternatives: list[list[str]] = field(default_factory=list)


def prepare(query: Query, idx: Index | None = None, cfg: MatchConfig = DEFAULT_CONFIG
            ) -> Prepared:
    """Normalise a query; with an index, also its re-joined forms ("isla miya" -> "islamiya")."""
    text = clean_text(query.name or "")
    imos = set(_IMO_TEXT.findall(text))
    if query.imo:
        imos.add(re.sub(r"\D", "", query.imo))
    identifiers = imos | set(_MMSI_TEXT.findall(text))
    text = _IMO_TEXT.sub(" ", _MMSI_TEXT.sub(" ", text))
    for chunk in _ID_TEXT.findall(text):  # "MSN 45-390", "A-1234567": as identifiers store them
        if len(key := identifier_key(chunk)) >= 5:
            identifiers.add(key)
    tokens = name_tokens(text)
    for t in tokens:  # a bare number long enough to be an ID: look it up as one
        if len(t) >= 6 and _DIGITS.search(t):
            identifiers.add(t)
            if len(t) == 7 and t.isdigit() and imo_is_valid(t):
                imos.add(t)
    vessel_tokens = strip_vessel_prefix(tokens)
    implied = query.type or ("vessel" if (vessel_tokens != tokens or imos) else None)
    listed = identifiers if idx is None else {i for i in identifiers if i in idx.by_identifier}
    if listed and all(t in identifiers for t in tokens):
        tokens, vessel_tokens = [], []  # "IMO 9323596": an identifier query, no name
    p = Prepared(tokens, vessel_tokens, identifiers, imos, implied)
    p.alternatives = idx.alternatives(tokens, cfg) if idx else [tokens]
    p.vessel_alternatives = (p.alternatives if vessel_tokens == tokens
                             else idx.alternatives(vessel_tokens, cfg) if idx
                             else [vessel_tokens])
    return p


class Index:
    """Names and entities in arrays: a token vocabulary with postings, IDF weights."""

    def __init__(self, entities: list[Entity], names: list[NameRow],
                 name_tokens_: list[list[str]], surname_tokens: list[frozenset[str]],
                 cfg: MatchConfig = DEFAULT_CONFIG) -> None:
        self.entities = entities
        self.names = names
        self.tokens = name_tokens_
        self.surnames = surname_tokens
        by_token: dict[str, list[int]] = {}
        for i, toks in enumerate(name_tokens_):
            for t in set(toks):
                by_token.setdefault(t, []).append(i)
        # the vocabulary in length order: a token is only compared with the slice of lengths
        # that could reach the similarity floor
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
        # each name's total token weight: the share of it a query covers ranks candidates
        vocab_weight = np.array([self.weight(t, cfg) for t in self.vocab_list])
        self.name_weight = np.maximum(np.bincount(
            self.indices, weights=np.repeat(vocab_weight, np.diff(self.indptr)),
            minlength=len(names)), 1e-6).astype(np.float32)
        # adjacent tokens joined ("hu po" -> "hupo") and whole compact names, for queries that
        # write a listed name as one word
        self.joined: dict[str, list[int]] = {}
        for i, toks in enumerate(name_tokens_):
            forms = {a + b for a, b in zip(toks, toks[1:], strict=False)}
            if 2 < len(toks) <= 5:
                forms.add("".join(toks))
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
        self._sim_maps: dict[str, dict[str, float]] = {}
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._masks: dict[tuple[tuple[str, ...], str | None], np.ndarray] = {}

    @classmethod
    def build(cls, entities: list[Entity], names: list[NameRow],
              cfg: MatchConfig = DEFAULT_CONFIG) -> Index:
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
        return cls(entities, names, toks, surnames, cfg)

    def weight(self, token: str, cfg: MatchConfig) -> float:
        w = self.idf.get(token, self.max_idf)
        return w * cfg.legal_form_weight if token in LEGAL_CLASSES else w

    def similar(self, tokens: Iterable[str], cfg: MatchConfig, workers: int = 1) -> None:
        """Find the listed tokens each query token would pair with in scoring (cached)."""
        todo = [t for t in dict.fromkeys(tokens) if t not in self._similar]
        if not todo or not self.vocab_list:
            return
        by_len: dict[int, list[str]] = {}
        for t in todo:
            by_len.setdefault(len(t), []).append(t)
        c = cfg.token_floor
        # OSA similarity s implies fuzz.ratio >= 1 - 2(1 - s)/(1 + s): the cheaper ratio
        # (bit-parallel, uint8) finds every candidate, OSA then gives the scorer's value
        prefilter = math.floor(100 * (1 - 2 * (1 - c) / (1 + c)))
        top = len(self.len_start) - 1
        for n, group in by_len.items():
            # OSA similarity <= min(len) / max(len): outside these lengths it cannot reach c
            lo = self.len_start[min(math.ceil(n * c - 1e-9), top)]
            hi = self.len_start[min(math.floor(n / c + 1e-9) + 1, top)]
            scores = process.cdist(group, self.vocab_list[lo:hi], scorer=fuzz.ratio,
                                   dtype=np.uint8, score_cutoff=prefilter, workers=workers)
            found = []
            for t, row in zip(group, scores, strict=True):
                ids = np.flatnonzero(row) + lo
                if not t.isalpha():  # numbers only ever match themselves
                    ids = ids[[self.vocab_list[i] == t for i in ids]]
                found.append(ids)
            pairs = [(t, self.vocab_list[i]) for t, ids in zip(group, found, strict=True)
                     for i in ids.tolist()]
            # the scorer's own similarity (token_similarity without initials), in one call
            sims = np.round(process.cpdist([a for a, _ in pairs], [b for _, b in pairs],
                                           scorer=OSA.normalized_similarity, dtype=np.float32,
                                           workers=workers), 4) if pairs else np.zeros(0)
            spellings = [v for v in _SPELLINGS if c * n - 1e-9 <= len(v) <= n / c + 1e-9]
            spelled = process.cdist(group, spellings, scorer=OSA.normalized_similarity,
                                    dtype=np.float32, score_cutoff=c - 1e-6, workers=workers)
            start = 0
            for g, (t, ids) in enumerate(zip(group, found, strict=True)):
                s = sims[start:start + len(ids)]
                start += len(ids)
                near = {j: (1.0 if self.vocab_list[j] == t else float(x))
                        for j, x in zip(ids.tolist(), s.tolist(), strict=True)
                        if x >= c - 1e-6 or self.vocab_list[j] == t}
                for k in np.flatnonzero(spelled[g]) if t.isalpha() else ():
                    # 'ahemd' is a typo of 'ahmed', which is listed as 'ahmad'
                    if (j := self.vocab.get(VARIANTS[spellings[k]])) is not None:
                        near[j] = max(near.get(j, 0.0), round(float(spelled[g, k]), 4))
                order = sorted(near)
                self._similar[t] = (np.array(order, dtype=np.int64),
                                    np.array([near[j] for j in order], dtype=np.float32))
        if len(self._similar) > CACHE_TOKENS:  # bound the caches for endless batches
            self.clear_cache()

    def clear_cache(self) -> None:
        self._similar.clear()
        self._sim_maps.clear()
        self._postings.clear()

    def sims(self, token: str, cfg: MatchConfig) -> dict[str, float]:
        """Listed tokens similar to a query token, with their similarity (from `similar`)."""
        found = self._sim_maps.get(token)
        if found is None:
            if token not in self._similar:
                self.similar([token], cfg)
            ids, sims = self._similar[token]
            found = self._sim_maps[token] = {self.vocab_list[i]: round(s, 4)  # float32 off
                                             for i, s in zip(ids.tolist(), sims.tolist(),
                                                             strict=True)}
        return found

    def warm(self, queries: Iterable[Query], cfg: MatchConfig = DEFAULT_CONFIG,
             workers: int = 1) -> None:
        """Look up the tokens of many queries in one `cdist` call (batch mode)."""
        tokens: list[str] = []
        for q in queries:
            p = prepare(q)
            for toks in (p.tokens, p.vessel_tokens):  # and every word `alternatives` may try
                tokens += toks
                tokens += [a + b for a, b in zip(toks, toks[1:], strict=False)
                           if a + b in self.vocab or self.joinable(a, b)]
                tokens += [part for t in toks for part in self.split(t) or ()]
        self.similar(tokens, cfg, workers=workers)

    def joinable(self, a: str, b: str) -> bool:
        """Two query words that may be one listed word split: a fragment or a particle."""
        return a.isalpha() and b.isalpha() and (
            a in JOINABLE or a not in self.vocab or b not in self.vocab)

    def is_listed_like(self, token: str) -> bool:
        """Whether retrieval found listed tokens similar to this one (after `similar`)."""
        found = self._similar.get(token)
        return found is not None and len(found[0]) > 0

    def alternatives(self, tokens: Sequence[str], cfg: MatchConfig) -> list[list[str]]:
        """The query's tokens, and the same with a split word re-joined where the joined word
        is a listed one ("black sea" -> "blacksea"), or like one when a part is a fragment or
        a particle ("isla miya" -> "islamiya")."""
        alts = [list(tokens)]
        if len(tokens) > MAX_JOIN_TOKENS:
            return alts
        fuzzy = [i for i in range(len(tokens) - 1) if self.joinable(tokens[i], tokens[i + 1])]
        self.similar([tokens[i] + tokens[i + 1] for i in fuzzy], cfg)
        for i in range(len(tokens) - 1):
            joined = tokens[i] + tokens[i + 1]
            if joined in self.vocab or (i in fuzzy and self.is_listed_like(joined)):
                alts.append(fold_legal_forms(
                    [*tokens[:i], tokens[i] + tokens[i + 1], *tokens[i + 2:]]))
        for i, t in enumerate(tokens):
            if parts := self.split(t):
                alts.append([*tokens[:i], *parts, *tokens[i + 1:]])
        return alts

    def split(self, token: str) -> list[str] | None:
        """An unlisted word that is two listed ones of 4+ letters written together, the longer
        the parts the better: 'borisovichkibis' -> ['borisovich', 'kibis']. (Shorter parts
        written together are found by `joined_names`, when they stand next to each other.)"""
        if token in self.vocab or not token.isalpha() or not 8 <= len(token) <= 40:
            return None
        cuts = [k for k in range(4, len(token) - 3)
                if variant(token[:k]) in self.vocab and variant(token[k:]) in self.vocab]
        if not cuts:
            return None
        k = max(cuts, key=lambda k: min(k, len(token) - k))
        return [variant(token[:k]), variant(token[k:])]

    def joined_names(self, tokens: Sequence[str]) -> set[int]:
        """Names that write a query word as two or more ("thievesinlaw": THIEVES-IN-LAW)."""
        out: set[int] = set()
        for t in tokens:
            if len(t) >= 4:
                out.update(self.joined.get(t, ())[:MAX_JOINED_NAMES])
        return out

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

    def postings(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """The names holding a token similar to this query token, each with the best such
        similarity (sparse, cached with `similar`)."""
        found = self._postings.get(token)
        if found is None:
            ids, sims = self._similar[token]
            order = np.argsort(-sims, kind="stable")
            rows = [self.indices[self.indptr[j]:self.indptr[j + 1]] for j in ids[order]]
            if rows:
                flat = np.concatenate(rows)
                vals = np.repeat(sims[order], [len(r) for r in rows])
                # most similar first: np.unique keeps each name's first, best, occurrence
                names, first = np.unique(flat, return_index=True)
                found = (names, vals[first])
            else:
                found = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))
            self._postings[token] = found
        return found

    def retrieve(self, alternatives: Sequence[Sequence[str]], cfg: MatchConfig,
                 mask: np.ndarray | None = None, want: int = 0) -> np.ndarray:
        """Indices of the names with the best coarse scores for these token lists.

        The coarse score mirrors the name feature cheaply: the IDF-weighted share of the
        query's tokens a name covers, and of the name's tokens the query covers.
        """
        alts = [a for a in alternatives if a]
        if not alts:
            return np.zeros(0, dtype=np.int64)
        self.similar([t for a in alts for t in a], cfg)
        acc = np.zeros(len(self.names), dtype=np.float32)
        scores: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for a in alts:
            total = 0.0
            touched = []
            for t in dict.fromkeys(a):
                w = self.weight(t, cfg)
                total += w
                rows, vals = self.postings(t)
                if len(rows):
                    acc[rows] += w * vals  # rows are unique per token
                    touched.append(rows)
            if not touched:
                continue
            hit = np.unique(np.concatenate(touched)) if len(touched) > 1 else touched[0]
            got = acc[hit]
            acc[hit] = 0  # reset for the next alternative, without touching the rest
            cov = got / total
            # ties broken towards names of the query's length
            coarse = (0.5 * cov + 0.5 * np.minimum(got / self.name_weight[hit], 1.0)
                      - 0.01 * np.abs(self.name_len[hit] - len(a)))
            scores.append((hit, cov, coarse))
        if not scores:
            return np.zeros(0, dtype=np.int64)
        hits = np.concatenate([h for h, _, _ in scores])
        cov = np.concatenate([c for _, c, _ in scores])
        coarse = np.concatenate([c for _, _, c in scores])
        if len(scores) > 1:  # a name reached by several alternatives: its best of each
            order = np.lexsort((-coarse, hits))
            hits, cov, coarse = hits[order], cov[order], coarse[order]
            first = np.flatnonzero(np.r_[True, hits[1:] != hits[:-1]])
            cov = np.maximum.reduceat(cov, first)
            hits, coarse = hits[first], coarse[first]
        if mask is not None:  # filter before ranking, so --source never empties the result
            ok = mask[hits]
            hits, cov, coarse = hits[ok], cov[ok], coarse[ok]
        floor = max(cfg.min_candidates, want)
        if len(hits) > floor:
            keep = max(floor, min(cfg.candidates, int((cov >= cfg.min_coverage).sum())))
            if len(hits) > keep:
                hits = hits[np.argpartition(-coarse, keep)[:keep]]
        return hits


# --- features: each takes the prepared query and one candidate, returns (score, detail) ---


def token_similarity(q: str, c: str, cfg: MatchConfig, initials: bool) -> float:
    """Two tokens: 1 when equal, an initial's fixed score, OSA similarity above the floor."""
    if q == c:
        return 1.0
    if not (q.isalpha() and c.isalpha()):  # tokens are [a-z0-9]+: numbers match only exactly
        return 0.0
    if len(q) == 1 or len(c) == 1:  # initials stand for names of people, not of companies
        return cfg.initial_similarity if initials and (c.startswith(q) or q.startswith(c)) else 0.0
    # OSA: a typo or a swapped pair of letters is one edit; unlike fuzz.ratio, letters added
    # to a short name cost their full share ('carter' is not 'carretero'). A name with
    # spelling variants is as near as its nearest spelling ('ahemd' to 'ahmad' via 'ahmed').
    s = max(OSA.normalized_similarity(q, v) for v in (c, *SPELLINGS.get(c, ())))
    s = round(s, 4)
    return s if s >= cfg.token_floor else 0.0


@dataclass(slots=True)
class Alignment:
    """Query tokens paired with listed tokens, with the weights the name feature used."""

    q: list[str]
    c: list[str]
    pairs: dict[int, tuple[int, float]]  # query index -> (listed index, similarity)
    wq: list[float]
    wc: list[float]
    drop: float  # weight factor of listed tokens the query leaves out

    @property
    def unmatched_q(self) -> list[int]:
        return [i for i in range(len(self.q)) if i not in self.pairs]

    @property
    def unmatched_c(self) -> list[int]:
        used = {j for j, _ in self.pairs.values()}
        return [j for j in range(len(self.c)) if j not in used]


def align(idx: Index, q: list[str], n_i: int, etype: str, cfg: MatchConfig) -> Alignment:
    """Pair each query token with its most similar listed token, best pairs first."""
    c = idx.tokens[n_i]
    person = etype == "person"
    found = []
    for i, a in enumerate(q):
        near = idx.sims(a, cfg)
        for j, b in enumerate(c):
            s = near.get(b, 0.0)
            if not s and person and (len(a) == 1 or len(b) == 1):
                s = token_similarity(a, b, cfg, True)
            if s:
                found.append((s, i, j))
    pairs = sorted(found, reverse=True)
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
    drop = cfg.dropped_token_weight if all_found and person else 1.0
    return Alignment(q, c, used_q, wq, wc, drop)


def feature_name(a: Alignment) -> tuple[float, str]:
    """Token alignment: each query token paired with its most similar listed token, IDF-weighted
    on both sides; listed tokens the query leaves out (a middle name, a second surname) weigh
    less when every query token found its pair; surnames weigh more."""
    if not a.q or not a.c:
        return 0.0, "no name tokens"
    got_q = sum(a.wq[i] * s for i, (_, s) in a.pairs.items())
    got_c = sum(a.wc[j] * s for j, s in a.pairs.values())
    missing = a.unmatched_c
    den_c = sum(a.wc) - (1 - a.drop) * sum(a.wc[j] for j in missing)
    score = 0.5 * got_q / sum(a.wq) + 0.5 * got_c / den_c
    parts = [f"{a.q[i]}={a.c[j]} {s:.2f}" for i, (j, s) in sorted(a.pairs.items())]
    parts += [f"{a.q[i]}: no match" for i in a.unmatched_q]
    if missing:
        parts.append(f"not in query: {' '.join(a.c[j] for j in missing)}"
                     + (" (dropped, low weight)" if a.drop < 1 else ""))
    return score, "; ".join(parts)


def feature_joined(a: Alignment, cfg: MatchConfig) -> tuple[float | None, str]:
    """Joined or split words: the query words left unpaired, written as one string, against
    the listed words left unpaired ('thievesinlaw' against 'thieves in law')."""
    # words paired exactly stay; the rest ('alfurqan' paired with 'furqan') are compared joined
    exact = {i: j for i, (j, p) in a.pairs.items() if p == 1.0}
    rq = [i for i in range(len(a.q)) if i not in exact and a.q[i] not in LEGAL_CLASSES]
    rc = [j for j in range(len(a.c)) if j not in exact.values() and a.c[j] not in LEGAL_CLASSES]
    if not rq or not rc or len(rq) + len(rc) < 3:  # one word each is a typo, not a join
        return None, ""
    left, right = "".join(a.q[i] for i in rq), "".join(a.c[j] for j in rc)
    s = round(OSA.normalized_similarity(left, right), 4)
    if s < cfg.joined_min_similarity:
        return None, ""
    got_q = sum(a.wq[i] for i in exact) + s * sum(a.wq[i] for i in rq)
    got_c = sum(a.wc[j] for j in exact.values()) + s * sum(a.wc[j] for j in rc)
    score = (0.5 * got_q / sum(a.wq) + 0.5 * got_c / sum(a.wc)) * cfg.joined_factor
    return score, f"{left!r} = {' '.join(a.c[j] for j in rc)!r} {s:.2f}"


def feature_distinctive(a: Alignment, idx: Index, n_i: int,
                        cfg: MatchConfig) -> tuple[float | None, str]:
    """The listed name's most telling word (its surname for a person, else its rarest word)
    replaced by another word in the query: 'BRIGHT CONSTRUCTION' is not 'FURAHA CONSTRUCTION'."""
    words = [t for t in a.c if not t.isdigit() and t not in LEGAL_CLASSES]
    if len(words) < 2 or not a.q:
        return None, ""
    surnames = [t for t in words if t in idx.surnames[n_i]]
    key = surnames or [max(words, key=lambda t: idx.idf.get(t, 0.0))]
    near = [idx.sims(q, cfg) for q in a.q]
    missing = [t for t in key if max(m.get(t, 0.0) for m in near) < 0.8]
    if not missing:
        return None, ""
    others = [q for q, m in zip(a.q, near, strict=True)
              if q not in LEGAL_CLASSES and max((m.get(t, 0.0) for t in a.c), default=0.0) < 0.8]
    if not others:  # left out, not replaced: the name feature already weighs that
        return None, ""
    return 0.0, f"listed {' '.join(missing)!r}, query has {' '.join(others)!r} instead"


def feature_numbers(q: list[str], c: list[str]) -> tuple[float, str]:
    """Numbers in both names must agree: 'JI SONG 6' is another ship than 'JI SONG 8'."""
    qn = {d for t in q for d in _NUMBER.findall(t)}  # '77th' -> '77', 't7oky' -> '7'
    cn = {d for t in c for d in _NUMBER.findall(t)}
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


def name_score(p: Prepared, idx: Index, n_i: int, etype: str, cfg: MatchConfig,
               ex: dict[str, dict[str, Any]]) -> tuple[float, Alignment]:
    """The best name score over the query's tokens and its re-joined forms, explained."""
    q = p.vessel_tokens if etype == "vessel" else p.tokens
    best: tuple[float, str, Alignment] | None = None
    for k, tokens in enumerate(p.vessel_alternatives if etype == "vessel" else p.alternatives):
        if not tokens:
            continue
        if k and best is not None and (best[0] >= cfg.joined_factor or not any(
                b in idx.sims(t, cfg) for t in tokens if t not in q for b in idx.tokens[n_i])):
            continue  # a re-joined form that cannot win: no listed word like its new word
        a = align(idx, tokens, n_i, etype, cfg)
        s, detail = feature_name(a)
        s *= cfg.joined_factor if k else 1.0
        if best is None or s > best[0]:
            how = "" if not k else (" (split words joined)" if len(tokens) < len(q)
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
    dist_s, ddetail = feature_distinctive(a, idx, n_i, cfg)
    if dist_s is not None:
        score *= cfg.distinctive_factor
        ex["distinctive"] = {"score": dist_s, "detail": ddetail}
    return score, a


def combine(p: Prepared, query: Query, idx: Index, n_i: int, cfg: MatchConfig) -> Match:
    """Score one candidate name: name similarity, then qualifiers, into [0, 1] with a band."""
    row = idx.names[n_i]
    e = idx.entities[row.entity]
    ex: dict[str, dict[str, Any]] = {}
    score, a = name_score(p, idx, n_i, e.type, cfg, ex)
    num_s, ndetail = feature_numbers(a.q, a.c)
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
          limit: int = 10, candidates: int = 0) -> list[Match]:
    """Best match per entity, highest score first, at most `limit` (threshold applied later).
    At least `candidates` names are rescored (the best N whatever their score)."""
    p = prepare(query, idx, cfg)
    mask = idx.allowed(query)
    found: set[int] = set()
    for alts in (p.alternatives, p.vessel_alternatives):
        if alts is p.vessel_alternatives and alts is p.alternatives and found:
            break  # no vessel prefix: the same tokens
        found |= set(idx.retrieve(alts, cfg, mask, candidates).tolist())
        found |= idx.joined_names(alts[0])
    for ident in p.identifiers:
        for e_i in idx.by_identifier.get(ident, ()):
            found.update(idx.names_of.get(e_i, ()))
    best: dict[int, Match] = {}
    for n_i in found:
        e_i = idx.names[n_i].entity
        if not _allowed(idx.entities[e_i], query):
            continue
        m = combine(p, query, idx, n_i, cfg)
        if e_i not in best or m.score > best[e_i].score:
            best[e_i] = m
    ranked = sorted(best.values(), key=lambda m: (-m.score, m.entity.id))
    return ranked[:limit]

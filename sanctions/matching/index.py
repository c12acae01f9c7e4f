"""Retrieval: the listed names in arrays, and the candidates a query can reach.

Each query token is compared with every distinct listed token (rapidfuzz `cdist` over the
vocabulary slice of compatible lengths; batches look up all their tokens at once), with the
same similarity the scorer uses, so every listed token the scorer would pair with a query token
is found. An inverted index turns those into names; a coarse IDF-weighted score (the share of
the query a name covers, and of the name the query covers) keeps the best
`MatchConfig.candidates`. The query is also tried with split words re-joined, and names that
write a query word as several are added. `scripts/eval_matching.py --recall` checks retrieval
against scoring every name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from ..normalize import (
    LEGAL_CLASSES,
    VARIANTS,
    equivalents,
    fold_legal_forms,
    name_tokens,
    phonetic_key,
    strip_vessel_prefix,
    vowel_fold,
)
from .config import DEFAULT_CONFIG, MatchConfig
from .grams import Idf, bigram_near
from .query import prepare
from .tables import Tables, build_tables
from .tokens import token_equivalence
from .types import Entity, NameRow, Query, admits
from .words import segment, starts

_SPELLINGS = sorted(v for v in VARIANTS if v.isalpha())
MAX_JOIN_TOKENS = 12  # longer queries are not tried with split words re-joined
MAX_JOINED_NAMES = 50  # names added per query word that they write as several
SCAN_MAX = 5_000  # vocabulary slices longer than this are narrowed by bigrams first
BATCH_SCAN_MAX = 40_000  # ...or than this, for a batch's many tokens of one length
CACHE_TOKENS = 10_000  # query tokens whose lookups are kept (memory: ~10 MB)
PREFIX_RETRIEVAL = 0.8  # the coarse similarity of a word to the listed words it starts
# Name particles often written joined to the next word: "Abdel Halim" / "Abdelhalim".
_NOTHING = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))  # an empty index
JOINABLE = frozenset({"abdul", "abd", "abu", "al", "el", "bin", "ibn", "bint", "ul", "ud"})


class Index:
    """Names and entities in arrays: a token vocabulary with postings, IDF weights. Built in
    memory (`build`) or opened from a file written at build time (`sanctions.store.index_file`),
    with the same `Tables` either way."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.entities = tables.entities
        self.names = tables.names
        self.tokens = tables.tokens
        self.surnames = tables.surnames
        self.vocab_list = tables.vocab_list
        self.vocab = {t: j for j, t in enumerate(self.vocab_list)}
        lengths = np.fromiter((len(t) for t in self.vocab_list), dtype=np.int64,
                              count=len(self.vocab_list))
        self.len_start = np.searchsorted(lengths, np.arange(lengths.max(initial=0) + 2))
        self.idf = Idf(self.vocab, tables.df, tables.n)
        self.max_idf = math.log(1 + tables.n)
        self.name_len = tables.name_len
        self.name_weight = tables.name_weight
        self.joined = tables.joined
        self.by_identifier = tables.by_identifier
        self.names_of = tables.names_of
        self.cluster_members = tables.cluster_members
        self.by_group = tables.by_group
        self.by_key = tables.by_key
        self._similar: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._sim_maps: dict[str, dict[str, float]] = {}
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._masks: dict[tuple[tuple[str, ...], str | None], np.ndarray] = {}
        self.cache_tokens = CACHE_TOKENS
        self.alpha_order = tables.alpha_order
        self.alpha_words = [self.vocab_list[j] for j in self.alpha_order]

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
        return cls(build_tables(entities, names, toks, surnames, cfg))

    def weight(self, token: str, cfg: MatchConfig) -> float:
        w = self.idf.get(token, self.max_idf)
        return w * cfg.legal_form_weight if token in LEGAL_CLASSES else w

    def similar(self, tokens: Iterable[str], cfg: MatchConfig, workers: int = 1) -> None:
        """Find the listed tokens each query token would pair with in scoring (cached)."""
        wanted = list(dict.fromkeys(tokens))
        todo = [t for t in wanted if t not in self._similar]
        if not todo or not self.vocab_list:
            return
        if len(self._similar) + len(todo) > self.cache_tokens:
            # Bound the caches for endless batches, before this call's lookups and never after:
            # every token asked for here must still be there when the caller reads it.
            self.clear_cache()
            todo = wanted
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
            # a long slice: only the tokens sharing enough bigrams (one cdist for many tokens
            # of a batch costs less per token, so batches switch later)
            if hi - lo > (SCAN_MAX if len(group) < 8 else BATCH_SCAN_MAX):
                found = [bigram_near(self, t, lo, hi, c, prefilter) for t in group]
            else:
                scores = process.cdist(group, self.vocab_list[lo:hi], scorer=fuzz.ratio,
                                       dtype=np.uint8, score_cutoff=prefilter, workers=workers)
                found = [np.flatnonzero(row) + lo for row in scores]
            for pos, t in enumerate(group):
                if not t.isalpha():  # numbers only ever match themselves
                    found[pos] = found[pos][[self.vocab_list[i] == t for i in found[pos]]]
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
                for j in self.equivalent_ids(t):  # 'youssef' for 'yusuf', 'hezbollah'...
                    if e := token_equivalence(t, self.vocab_list[j], cfg):
                        near[j] = max(near.get(j, 0.0), e)
                order = sorted(near)
                self._similar[t] = (np.array(order, dtype=np.int64),
                                    np.array([near[j] for j in order], dtype=np.float32))

    def equivalent_ids(self, t: str) -> set[int]:
        """Vocabulary ids of the spellings of the same name, and of the same romanisation key
        (candidates for `token_equivalence`)."""
        ids = {j for g in (equivalents().get(t, ()) if len(t) >= 5 else ())
               for j in self.by_group.get(g, ())}
        if len(t) >= 5 and t.isalpha():
            ids.update(self.by_key.get(phonetic_key(t), ()))
        if len(t) >= 4 and t.isalpha():
            ids.update(self.by_key.get("=" + vowel_fold(t), ()))
        ids.discard(self.vocab.get(t, -1))
        return ids

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
            ids, sims = self._similar.get(token, _NOTHING)
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
        if len(alts) > 2:  # several words split: all of them re-joined at once
            merged: list[str] = []
            i = 0
            while i < len(tokens):
                if i + 1 < len(tokens) and [*tokens[:i], tokens[i] + tokens[i + 1],
                                            *tokens[i + 2:]] in alts[1:]:
                    merged.append(tokens[i] + tokens[i + 1])
                    i += 2
                else:
                    merged.append(tokens[i])
                    i += 1
            if merged not in alts:
                alts.append(fold_legal_forms(merged))
        for i, t in enumerate(tokens):
            if parts := self.split(t):
                alts.append([*tokens[:i], *parts, *tokens[i + 1:]])
        return alts

    def split(self, token: str) -> list[str] | None:
        """An unlisted word that is listed words written together (`words.segment`)."""
        if token in self.vocab or not token.isalpha() or not 5 <= len(token) <= 40:
            return None
        return segment(token, self.vocab)

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
            # per entity, then spread to its names: one pass over the (fewer) entities
            ok = np.fromiter((admits(e, query) for e in self.entities), dtype=bool,
                             count=len(self.entities))
            self._masks[key] = ok[self.tables.name_entity]
        return self._masks[key]

    def prefixed(self, token: str) -> list[int]:
        """Vocabulary ids of the listed words a query word may be the cut start of."""
        return starts(token, self.alpha_words, self.alpha_order)

    def postings(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """The names holding a token similar to this query token, each with the best such
        similarity (sparse, cached with `similar`)."""
        found = self._postings.get(token)
        if found is None:
            ids, sims = self._similar.get(token, _NOTHING)
            if cut := [j for j in self.prefixed(token) if j not in set(ids.tolist())]:
                # a word cut short: retrieved at the credit the scorer may give it
                ids = np.concatenate([ids, np.array(cut, dtype=np.int64)])
                sims = np.concatenate([sims, np.full(len(cut), PREFIX_RETRIEVAL,
                                                     dtype=np.float32)])
            order = np.argsort(-sims, kind="stable")
            rows = [self.tables.postings(j) for j in ids[order].tolist()]
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
                 mask: np.ndarray | None = None) -> np.ndarray:
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
            # the names touched, ascending: every one got a positive weight (np.unique of the
            # postings gives the same, sorting millions of ids at a large list's scale)
            hit = np.flatnonzero(acc) if len(touched) > 1 else touched[0]
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
        # The pool depends on the query alone: never on `limit`, nor on a source filter (which
        # only removes names from it), so the best match is the same for any of them.
        floor = cfg.min_candidates
        keep = np.arange(len(hits))
        if len(hits) > floor:
            k = max(floor, min(cfg.candidates, int((cov >= cfg.min_coverage).sum())))
            if len(hits) > k:
                keep = np.argpartition(-coarse, k)[:k]
        pool = hits[keep]
        if mask is not None:
            pool = pool[mask[pool]]
            if not len(pool):  # nothing of the filtered lists in the pool: their best few
                ok = mask[hits]
                hits, coarse = hits[ok], coarse[ok]
                pool = hits[np.argpartition(-coarse, floor)[:floor]] if len(hits) > floor else hits
        self.tables.prefetch(pool.tolist())  # a stored index reads the pool's rows at once
        return pool

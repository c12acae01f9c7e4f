"""Retrieval: the listed names in arrays, and the candidates a query can reach.

Each query token is paired with every listed token the scorer would pair it with: the listed
tokens of compatible lengths that share enough letter-sorted bigrams with it to be within the
similarity floor (`grams.gram_near`, a bound: the same tokens as comparing the whole vocabulary;
a short slice is compared whole with rapidfuzz `cdist`), then the scorer's own OSA similarity.
An inverted index turns those into names; a coarse IDF-weighted score (the share of the query a
name covers, and of the name the query covers) keeps the best `MatchConfig.candidates`
(`coarse`: work in proportion to the names reached, not to all names). The query is also tried
with split words re-joined, and names that write a query word as several are added.
`scripts/eval_matching.py --recall` checks retrieval against scoring every name.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from ..normalize import (
    LEGAL_CLASSES,
    fold_legal_forms,
    name_tokens,
    strip_vessel_prefix,
)
from .chunk import equivalent_keys, warm
from .coarse import LengthGaps, Scratch, best_per_name, coarse_scores, merge, pool_of
from .config import DEFAULT_CONFIG, MatchConfig
from .grams import GramRows, Idf
from .neighbours import Stored, config_key, look_up
from .slips import TITLES, is_title
from .tables import Tables, build_tables
from .topk import pruned_pool
from .types import Entity, NameRow, Query, admits, filters
from .words import segment, starts, written_joins

MAX_JOIN_TOKENS = 12  # longer queries are not tried with split words re-joined
MAX_JOINED_NAMES = 50  # names added per query word that they write as several
MAX_INITIALLED_NAMES = 20  # names added that hold every word of a query with initials
CACHE_TOKENS = 10_000  # query tokens whose lookups are kept (memory: ~10 MB)
CACHE_WEIGHTS = 200_000  # token weights kept (memory: ~20 MB)
PREFIX_RETRIEVAL = 0.8  # the coarse similarity of a word to the listed words it starts
# Name particles often written joined to the next word: "Abdel Halim" / "Abdelhalim".
_NOTHING = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))  # an empty index
JOINABLE = frozenset({"abdul", "abd", "abu", "al", "el", "bin", "ibn", "bint", "ul", "ud"})
_ROUNDED: dict[float, float] = {}  # similarity -> round(it, 4) (`Index.sims`)


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
        # name n's row, tokens and surnames at once (scoring reads all three per candidate):
        # a stored index sets its row cache's own reader (`store.index_file`), one look-up
        names, tokens, surnames = self.names, self.tokens, self.surnames  # (not self: no cycle)
        self.name_parts: Callable[[int], tuple[NameRow, list[str], frozenset[str]]] = (
            lambda n: (names[n], tokens[n], surnames[n]))
        self.vocab_list = tables.vocab_list
        self.vocab = {t: j for j, t in enumerate(self.vocab_list)}
        # the same strings, to pick many at once by id (3x a list comprehension)
        self.vocab_array = np.array(self.vocab_list, dtype=object)
        lengths = np.fromiter((len(t) for t in self.vocab_list), dtype=np.int64,
                              count=len(self.vocab_list))
        self.len_start = np.searchsorted(lengths, np.arange(lengths.max(initial=0) + 2))
        self.len_starts: list[int] = self.len_start.tolist()
        self.idf = Idf(self.vocab, tables.df, tables.n)
        self.max_idf = math.log(1 + tables.n)
        self.name_len = tables.name_len
        self.gaps = LengthGaps(self.name_len)  # coarse scores' length term, by lookup
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
        self._weights: dict[str, float] = {}
        self._splits: dict[str, list[str] | None] = {}
        self._weights_cfg: MatchConfig | None = None
        self._scratch = Scratch(len(self.names))  # arrays over all names, kept zeroed
        self._by_entity: tuple[np.ndarray, np.ndarray] | None = None  # (`by_entity`)
        self.cache_tokens = CACHE_TOKENS
        self.alpha_order = tables.alpha_order
        self.alpha_words = [self.vocab_list[j] for j in self.alpha_order]
        # listed words by consonant key (`consonants._by_key`), when the index file has them
        self.consonant_words: Mapping[str, Sequence[str]] | None = None
        self._gram_rows: GramRows | None = None
        # every listed word's `similar` entry, made at build time (`neighbours.table`), when
        # the index file has one
        self.neighbours: Stored | None = None

    def gram_rows(self) -> GramRows:
        """The gram index's rows cut by word length (`grams.gram_near` reads them)."""
        if self._gram_rows is None:
            self._gram_rows = GramRows(self.tables, self.len_starts)
        return self._gram_rows

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
        if cfg is not self._weights_cfg or len(self._weights) > CACHE_WEIGHTS:
            self._weights = {}  # scoring asks for the same few words' weights again and again
            self._weights_cfg = cfg
        w = self._weights.get(token)
        if w is None:
            w = self.idf.get(token, self.max_idf)
            # a legal form, and a title in a query ('Prof.', 'Colonl': `slips`), weigh little
            w = self._weights[token] = (w * cfg.legal_form_weight if token in LEGAL_CLASSES
                                        or is_title(token, self.vocab) else w)
        return w

    def full_weight(self, token: str, cfg: MatchConfig) -> float:
        """`weight`, but a title keeps its own: in retrieval's coverage of a query (`retrieve`:
        'Mr. Oleg' must reach the alias 'Mr. O', OFAC's YU, Pu Ung, which the scorer pairs by
        the initial, as it did before titles weighed little) and in a listed name
        (`listed.listed_of`: 'HAJI SHAHBAZ' says more than 'Shahbaz'). Only a query's title
        weighs little in scoring (`slips`)."""
        if token in TITLES:
            return self.idf.get(token, self.max_idf)
        return self.weight(token, cfg)

    def similar(self, tokens: Iterable[str], cfg: MatchConfig, workers: int = 1) -> None:
        """Find the listed tokens each query token would pair with in scoring (cached): a
        listed word's from the build's neighbour table when there is one made with this
        config's fields, the others computed (`neighbours.look_up`)."""
        wanted = list(dict.fromkeys(tokens))
        todo = [t for t in wanted if t not in self._similar]
        if not todo or not self.vocab_list:
            return
        if len(self._similar) + len(todo) > self.cache_tokens:
            # Bound the caches for endless batches, before this call's lookups and never after:
            # every token asked for here must still be there when the caller reads it.
            self.clear_cache()
            todo = wanted
        stored = self.neighbours
        if stored is not None and stored.config == config_key(cfg):
            listed = {j: t for t in todo if (j := self.vocab.get(t)) is not None}
            if listed:
                for j, entry in stored.read(list(listed)).items():
                    self._similar[listed[j]] = entry
                todo = [t for t in todo if t not in self._similar]
                if not todo:
                    return
        self._similar.update(look_up(self, todo, cfg, workers))

    def equivalent_ids(self, t: str) -> set[int]:
        """Vocabulary ids of the spellings of the same name, and of the same romanisation key
        (candidates for `token_equivalence`)."""
        groups, keys = equivalent_keys(t)
        ids = {j for g in groups for j in self.by_group.get(g, ())}
        for k in keys:
            ids.update(self.by_key.get(k, ()))
        ids.discard(self.vocab.get(t, -1))
        return ids

    def clear_cache(self) -> None:
        self._similar.clear()
        self._sim_maps.clear()
        self._postings.clear()
        self._weights = {}
        self._splits.clear()

    def sims(self, token: str, cfg: MatchConfig) -> dict[str, float]:
        """Listed tokens similar to a query token, with their similarity (from `similar`)."""
        found = self._sim_maps.get(token)
        if found is None:
            if token not in self._similar:
                self.similar([token], cfg)
            ids, sims = self._similar.get(token, _NOTHING)
            values = sims.tolist()
            if len(_ROUNDED) > 100_000:  # (never seen: similarities are ratios of lengths)
                _ROUNDED.clear()
            for s in set(values).difference(_ROUNDED):  # the float32 noise off, as round(s, 4)
                _ROUNDED[s] = round(s, 4)  # (a few hundred values: a look-up costs less)
            found = self._sim_maps[token] = dict(zip(
                map(self.vocab_list.__getitem__, ids.tolist()), map(_ROUNDED.__getitem__, values),
                strict=True))
        return found

    def warm(self, queries: Iterable[Query], cfg: MatchConfig = DEFAULT_CONFIG,
             workers: int = 1) -> None:
        """Look up the words of many queries at once (batch mode: `chunk.warm`)."""
        warm(self, queries, cfg, workers)

    def joinable(self, a: str, b: str) -> bool:
        """Two query words that may be one listed word split: a fragment or a particle."""
        return a.isalpha() and b.isalpha() and (
            a in JOINABLE or a not in self.vocab or b not in self.vocab)

    def glues_initial(self, a: str, b: str) -> bool:
        """Whether joining a and b would glue an initial to a neighbour: two initials ("D. V.
        Manturov" is no "DV") or an initial beside a listed word ("Andrei H." is no "andreih").
        An initial stays an initial; a word split one letter from its end ("manturo v") is
        still re-joined, its longer part being no listed word."""
        return (len(a) == 1 and (len(b) == 1 or b in self.vocab)) or (
            len(b) == 1 and a in self.vocab)

    def is_listed_like(self, token: str) -> bool:
        """Whether retrieval found listed tokens similar to this one (after `similar`)."""
        found = self._similar.get(token)
        return found is not None and len(found[0]) > 0

    def alternatives(self, tokens: Sequence[str], cfg: MatchConfig,
                     written: Sequence[str] | None = None) -> list[list[str]]:
        """The query's tokens, and the same with a split word re-joined where the joined word
        is a listed one ("black sea" -> "blacksea"), or like one when a part is a fragment or
        a particle ("isla miya" -> "islamiya"), or the words as `written` are ("dev rez")."""
        alts = [list(tokens)]
        if len(tokens) > MAX_JOIN_TOKENS:
            return alts
        fuzzy = [i for i in range(len(tokens) - 1) if self.joinable(tokens[i], tokens[i + 1])]
        self.similar([tokens[i] + tokens[i + 1] for i in fuzzy], cfg)
        for i in range(len(tokens) - 1):
            joined = tokens[i] + tokens[i + 1]
            if self.glues_initial(tokens[i], tokens[i + 1]):
                continue
            if joined in self.vocab or (i in fuzzy and self.is_listed_like(joined)):
                alts.append(fold_legal_forms(
                    [*tokens[:i], tokens[i] + tokens[i + 1], *tokens[i + 2:]]))
            for w in written_joins(tokens[i], tokens[i + 1], self.vocab,  # 'dev rez'
                                   written[i:i + 2] if written else None):
                alts.append(fold_legal_forms([*tokens[:i], w, *tokens[i + 2:]]))
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
        """An unlisted word that is listed words written together (`words.segment`; kept
        with the token cache: a batch asks for each word's split twice)."""
        if token in self.vocab or not token.isalpha() or not 5 <= len(token) <= 40:
            return None
        if token not in self._splits:
            if len(self._splits) >= self.cache_tokens:
                self._splits.clear()
            self._splits[token] = segment(token, self.vocab)
        found = self._splits[token]
        return None if found is None else list(found)

    def joined_names(self, tokens: Sequence[str]) -> set[int]:
        """Names that write a query word as two or more ("thievesinlaw": THIEVES-IN-LAW)."""
        out: set[int] = set()
        for t in tokens:
            if len(t) >= 4:
                out.update(self.joined.get(t, ())[:MAX_JOINED_NAMES])
        return out

    def initialled_names(self, tokens: Sequence[str]) -> set[int]:
        """Names holding every longer word of a query that gives names as initials, each
        initial the start of another of their words ('F. Hasar': HASAR, Fatih). Retrieval's
        coarse score sees no initial, so the listed given names count against such a name
        and names of one word like its surname ('HASAN') rank above it: scored 0.93, it
        was not in the pool. The first `MAX_INITIALLED_NAMES` by number (the query alone
        decides which, never a limit or a filter)."""
        initials = [t for t in tokens if len(t) == 1 and t.isalpha()]
        words = [t for t in dict.fromkeys(tokens) if len(t) > 1]
        if not initials or not words:
            return set()
        ids = [self.vocab.get(t) for t in words]
        if any(j is None for j in ids):
            return set()
        rows = sorted(self.rows(np.array(ids, dtype=np.int64)), key=len)
        held = rows[0]
        for r in rows[1:]:
            held = np.intersect1d(held, r, assume_unique=True)
        out: set[int] = set()
        for n in held.tolist():
            left = [b for b in self.tokens[n] if b not in words and len(b) > 1]
            if all(any(b[0] == a for b in left) for a in initials):
                out.add(n)
                if len(out) >= MAX_INITIALLED_NAMES:
                    break
        return out

    def allowed(self, query: Query) -> np.ndarray | None:
        """Boolean mask of the names a query's source/program filter lets through (cached)."""
        if not filters(query):
            return None
        key = (query.sources, query.program)
        if key not in self._masks:
            # per entity, then spread to its names: one pass over the (fewer) entities
            ok = np.fromiter((admits(e, query) for e in self.entities), dtype=bool,
                             count=len(self.entities))
            self._masks[key] = ok[self.tables.name_entity]
        return self._masks[key]

    def by_entity(self) -> tuple[np.ndarray, np.ndarray]:
        """The names in entity order, and where each entity's begin there (made at first use:
        `names_of` reads a stored index's row by row, this is two arrays)."""
        if self._by_entity is None:
            ne = np.asarray(self.tables.name_entity)
            order = np.argsort(ne, kind="stable")
            self._by_entity = order, np.searchsorted(ne[order], np.arange(len(self.entities) + 1))
        return self._by_entity

    def prefixed(self, token: str) -> list[int]:
        """Vocabulary ids of the listed words a query word may be the cut start of."""
        return starts(token, self.alpha_words, self.alpha_order)

    def postings(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """The names holding a token similar to this query token, each with the best such
        similarity (sparse, cached with `similar`)."""
        found = self._postings.get(token)
        if found is None:
            ids, sims = self._similar.get(token, _NOTHING)
            if started := self.prefixed(token):
                have = set(ids.tolist())
                if cut := [j for j in started if j not in have]:
                    # a word cut short: retrieved at the credit the scorer may give it
                    ids = np.concatenate([ids, np.array(cut, dtype=np.int64)])
                    sims = np.concatenate([sims, np.full(len(cut), PREFIX_RETRIEVAL,
                                                         dtype=np.float32)])
            best = self._scratch.take()
            found = best_per_name(self.rows(ids), sims.tolist(), best)
            self._scratch.give(best)
            self._postings[token] = found
        return found

    def rows(self, ids: np.ndarray) -> list[np.ndarray]:
        """The postings of these vocabulary ids: from the CSR pair in two array steps when the
        tables have it (a call per id cost more than the rows' own work)."""
        indptr, indices = self.tables.indptr, self.tables.indices
        if indptr is None or indices is None:
            return [self.tables.postings(j) for j in ids.tolist()]
        return [indices[a:b] for a, b in zip(indptr[ids].tolist(), indptr[ids + 1].tolist(),
                                             strict=True)]

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
        if mask is None and (pool := pruned_pool(alts, cfg, self.full_weight, self.postings,
                                                 self.name_weight, self.gaps,
                                                 self._scratch)) is not None:
            self.tables.prefetch(pool.tolist())  # the same pool, without the common words' names
            return pool
        acc = self._scratch.take()
        scores = coarse_scores(alts, cfg, self.full_weight, self.postings, self.name_weight,
                               self.gaps, acc)
        self._scratch.give(acc)
        if not scores:
            return np.zeros(0, dtype=np.int64)
        if len(scores) > 1:  # a name reached by several alternatives: its best of each
            best_cov, best_coarse = self._scratch.take(), self._scratch.take()
            scores = [merge(scores, best_cov, best_coarse)]
            self._scratch.give(best_cov, best_coarse)
        pool = pool_of(*scores[0], cfg, mask)
        self.tables.prefetch(pool.tolist())  # a stored index reads the pool's rows at once
        return pool

"""Vocabulary look-ups that scale: IDF weights read on demand, and the listed words near a query
word found through a gram index instead of a scan of the vocabulary.

The bound: two words within optimal string alignment (OSA) distance d share at least
max(len) + 1 - 2d of their padded, letter-sorted bigrams (`tables.pair_grams`): an alignment
of cost d damages at most two of a word's grams per edit (a substitution or deletion the two
spanning the letter, an insertion the one spanning the gap, a transposition the two beside the
swapped pair, whose own gram keeps its letters), and every undamaged gram of one word is a
gram of the other. Counting distinct grams, a word's repeated grams are counted off. With
ordered bigrams a transposition damages three, and a 7-letter word would need only 2 shared
grams of 8 to stay a candidate; with sorted pairs it needs 4.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .tables import Tables, idf_of, pair_grams

if TYPE_CHECKING:
    from .index import Index

_NONE = np.zeros(0, dtype=np.int64)
_NONE.flags.writeable = False
_NO_SIMS = np.zeros(0, dtype=np.float32)
PLANS_KEPT = 10_000  # `GramRows.plan`s kept (a few per word length in practice)


def gram_near(index: Index, t: str, lo: int, hi: int, c: float) -> np.ndarray:
    """Ids in the vocabulary slice [lo, hi) (tokens in length order) that may be within OSA
    similarity `c` of `t`: a superset of those that are (the caller computes the similarity),
    found by reading the postings of t's grams. A length for which the bound says nothing (a
    word of a few letters) has its whole part of the slice returned."""
    grams = pair_grams(t)
    distinct = set(grams)
    table = index.gram_rows()
    plan = table.plan(len(t), len(grams) - len(distinct), lo, hi, c)
    if plan.needs is None:
        return plan.whole
    rows = table.runs(distinct, plan.m, plan.end, plan.lo, plan.hi)
    if len(rows) < plan.least:  # t's grams no word of these lengths holds count as 0
        return plan.whole
    # counted as intp, as bincount counts (one conversion, in the concatenation)
    flat = np.concatenate(rows, dtype=np.intp) if len(rows) > 1 else rows[0].astype(np.intp)
    flat -= plan.lo
    counts = np.bincount(flat, minlength=plan.hi - plan.lo)
    near = np.flatnonzero(counts >= plan.least)  # then each length's own need, on the few
    if len(plan.needs) > 1:  # (and a length with no bound between two with one: not counted)
        run = np.searchsorted(plan.last, near, side="right")
        near = near[(counts[near] >= plan.needs[run]) & (near >= plan.first[run])]
    near += plan.lo
    return np.concatenate((plan.whole, near)) if len(plan.whole) else near


def osa_of(vocab: np.ndarray, looked: Sequence[tuple[str, np.ndarray]], workers: int = 1
           ) -> list[np.ndarray]:
    """Each word's OSA similarity to its candidate ids in `vocab` (the scorer's own
    similarity, token_similarity without initials, float32 rounded as the scorer rounds; none
    for a word that is not all letters), all pairs of all the words in one call: one `cdist`
    a word cost more in its overhead than in its pairs."""
    alpha = [(t, ids) for t, ids in looked if t.isalpha() and len(ids)]
    if not alpha:
        return [_NO_SIMS] * len(looked)
    counts = [len(ids) for _, ids in alpha]
    words = np.repeat(np.array([t for t, _ in alpha], dtype=object), counts).tolist()
    listed = vocab[np.concatenate([ids for _, ids in alpha])].tolist()
    flat = np.round(process.cpdist(words, listed, scorer=OSA.normalized_similarity,
                                   dtype=np.float32, workers=workers), 4)
    parts = iter(np.split(flat, np.cumsum(counts[:-1])))
    return [next(parts) if t.isalpha() and len(ids) else _NO_SIMS for t, ids in looked]


class Lengths(NamedTuple):
    """What `gram_near` needs of a word's length and repeated grams, the same for every word
    alike in both: the lengths with a bound, [m, end) (their part of the vocabulary [lo, hi),
    each one's part from `first` to `last` and the grams it `needs`, as offsets from lo),
    the fewest any needs, and the ids of the lengths with no bound (`whole`, read-only)."""

    whole: np.ndarray
    needs: np.ndarray | None = None
    first: np.ndarray = _NONE
    last: np.ndarray = _NONE
    least: int = 0
    m: int = 0
    end: int = 0
    lo: int = 0
    hi: int = 0


def lengths_of(starts: list[int], n: int, dup: int, lo: int, hi: int, c: float) -> Lengths:
    """The listed lengths a word of n letters (dup repeated grams) may be within similarity
    c of, in [lo, hi): each one's least number of shared grams, or none (the whole length)."""
    first, last, needs, whole, lengths = [], [], [], [], []  # per listed length in the slice
    for m in range(max(math.ceil(n * c - 1e-9) - 1, 0),
                   min(math.floor(n / c + 1e-9) + 2, len(starts) - 1)):
        a, b = max(starts[m], lo), min(starts[m + 1], hi)
        if a >= b:
            continue
        big = max(n, m)
        d = math.floor((1 - c) * big + 1e-6) + (big > 100)  # + slack for float rounding
        need = big + 1 - 2 * d - dup
        if need < 1:
            whole.append(np.arange(a, b, dtype=np.int64))
        else:
            first.append(a)
            last.append(b)
            needs.append(need)
            lengths.append(m)
    ids = np.concatenate(whole) if whole else _NONE
    ids.flags.writeable = False  # shared by every word of this length
    if not needs:
        return Lengths(ids)
    lo, hi = first[0], last[-1]  # the lengths with a bound
    return Lengths(ids, np.array(needs), np.array(first) - lo, np.array(last) - lo,
                   min(needs), lengths[0], lengths[-1] + 1, lo, hi)


class GramRows:
    """The gram index's rows cut by listed word length: the vocabulary is in length order, so
    the words of lengths [m, m') holding a gram are one run of its row, and where each
    length begins in a row is found once per gram (on first use: a query reads few of the
    grams) instead of by a search per query. Two threads racing at a gram's first use at
    worst both find the same cuts."""

    def __init__(self, tables: Tables, len_starts: list[int]) -> None:
        self.gram_ids = tables.gram_ids  # a gram's row (tables.csr_lookup), read once per gram
        self.len_start = np.asarray(len_starts)
        self.len_starts = len_starts
        self.cuts: dict[str, tuple[np.ndarray, list[int]]] = {}
        self.plans: dict[tuple[int, int, int, int, float], Lengths] = {}

    def plan(self, n: int, dup: int, lo: int, hi: int, c: float) -> Lengths:
        """`lengths_of`, kept: a batch looks up many words of each length."""
        key = (n, dup, lo, hi, c)
        found = self.plans.get(key)
        if found is None:
            if len(self.plans) >= PLANS_KEPT:  # bounded, whatever words an endless batch has
                self.plans.clear()
            found = self.plans[key] = lengths_of(self.len_starts, n, dup, lo, hi, c)
        return found

    def cut(self, g: str) -> tuple[np.ndarray, list[int]]:
        """The gram's row, and where each length begins in it."""
        found = self.cuts.get(g)
        if found is None:
            ids = self.gram_ids(g)
            found = (ids, ids.searchsorted(self.len_start).tolist())
            if len(ids):  # a gram no listed word holds is not kept: queries' are unbounded
                self.cuts[g] = found
        return found

    def runs(self, grams: Iterable[str], m: int, end: int, lo: int, hi: int
             ) -> list[np.ndarray]:
        """Of each gram's row, the ids in [lo, hi), words of lengths [m, end) (nonempty runs
        only): [lo, hi) is those lengths' part of the vocabulary, or inside it."""
        whole = lo == self.len_starts[m] and hi == self.len_starts[end]
        out = []
        for g in grams:
            ids, at = self.cut(g)
            if whole:
                i, j = at[m], at[end]
            else:
                i, j = ids.searchsorted(np.array([lo, hi], dtype=np.int32)).tolist()
            if i < j:
                out.append(ids[i:j])
        return out


class Idf(Mapping[str, float]):
    """IDF weights of the vocabulary, computed when read (the same value `build` computes)."""

    def __init__(self, vocab: dict[str, int], df: np.ndarray, n: int) -> None:
        self.vocab, self.df, self.n = vocab, df, n

    def __getitem__(self, token: str) -> float:
        return idf_of(self.n, int(self.df[self.vocab[token]]))

    def get(self, token: str, default: float = 0.0) -> float:  # type: ignore[override]
        j = self.vocab.get(token)
        return default if j is None else idf_of(self.n, int(self.df[j]))

    def __iter__(self) -> Iterator[str]:
        return iter(self.vocab)

    def __len__(self) -> int:
        return len(self.vocab)

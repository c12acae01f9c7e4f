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
PLAN_BYTES = 64 << 20  # ...and their `need_at` arrays' bytes (a slice each: ~0.3 MB at 30x)


def gram_near(index: Index, t: str, lo: int, hi: int, c: float) -> np.ndarray:
    """Ids in the vocabulary slice [lo, hi) (tokens in length order) that may be within OSA
    similarity `c` of `t`: a superset of those that are (the caller computes the similarity),
    found by reading the postings of t's grams. A length for which the bound says nothing (a
    word of a few letters) has its whole part of the slice returned."""
    grams = pair_grams(t)
    distinct = set(grams)
    table = index.gram_rows()
    plan = table.plan(len(t), len(grams) - len(distinct), lo, hi, c)
    if plan.need_at is None:
        return plan.whole
    rows = table.runs(distinct, plan.m, plan.end, plan.lo, plan.hi)
    if len(rows) < plan.least:  # t's grams no word of these lengths holds count as 0
        return plan.whole
    # counted as intp, as bincount counts (one conversion, in the concatenation)
    flat = np.concatenate(rows, dtype=np.intp) if len(rows) > 1 else rows[0].astype(np.intp)
    flat -= plan.lo
    counts = np.bincount(flat, minlength=plan.hi - plan.lo)
    near = np.flatnonzero(counts >= plan.least)  # then each length's own need, on the few
    if plan.uneven:  # (and a length with no bound between two with one: never counted)
        near = near[counts[near] >= plan.need_at[near]]
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
    words: list[str] = []
    for t, ids in alpha:  # each word once per candidate (a list repeated at C speed)
        words += [t] * len(ids)
    listed = vocab[np.concatenate([ids for _, ids in alpha]) if len(alpha) > 1
                   else alpha[0][1]].tolist()
    flat = np.round(process.cpdist(words, listed, scorer=OSA.normalized_similarity,
                                   dtype=np.float32, workers=workers), 4)
    out, at = [], 0
    for t, ids in looked:  # each word's part: views, in order
        if t.isalpha() and len(ids):
            out.append(flat[at:at + len(ids)])
            at += len(ids)
        else:
            out.append(_NO_SIMS)
    return out


class Lengths(NamedTuple):
    """What `gram_near` needs of a word's length and repeated grams, the same for every word
    alike in both: the lengths with a bound, [m, end) (their part of the vocabulary [lo, hi)),
    the grams each id there needs (`need_at`, by offset from lo: its length's need, or more
    than any count for a length with no bound between two with one), whether they differ
    (`uneven`), the fewest any needs, and the ids of the lengths with no bound (`whole`,
    read-only)."""

    whole: np.ndarray
    need_at: np.ndarray | None = None
    uneven: bool = False
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
    # a word shares at most its n + 1 grams: more is never reached (a byte when it fits)
    never = n + 2
    need_at = np.full(hi - lo, never, dtype=np.uint8 if never <= 255 else np.int64)
    for a, b, need in zip(first, last, needs, strict=True):
        need_at[a - lo:b - lo] = min(need, never)
    need_at.flags.writeable = False
    uneven = len(set(needs)) > 1 or sum(b - a for a, b in zip(first, last, strict=True)) < hi - lo
    return Lengths(ids, need_at, uneven, min(needs), lengths[0], lengths[-1] + 1, lo, hi)


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
        self.plan_bytes = 0

    def plan(self, n: int, dup: int, lo: int, hi: int, c: float) -> Lengths:
        """`lengths_of`, kept: a batch looks up many words of each length."""
        key = (n, dup, lo, hi, c)
        found = self.plans.get(key)
        if found is None:
            if len(self.plans) >= PLANS_KEPT or self.plan_bytes > PLAN_BYTES:
                self.plans.clear()  # bounded, whatever words an endless batch has
                self.plan_bytes = 0
            found = self.plans[key] = lengths_of(self.len_starts, n, dup, lo, hi, c)
            self.plan_bytes += 0 if found.need_at is None else found.need_at.nbytes
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
        cuts = self.cuts
        for g in grams:
            ids, at = cuts.get(g) or self.cut(g)
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

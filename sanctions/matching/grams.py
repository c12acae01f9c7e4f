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
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import numpy as np

from .tables import idf_of, pair_grams

if TYPE_CHECKING:
    from .index import Index

_NONE = np.zeros(0, dtype=np.int64)


def gram_near(index: Index, t: str, lo: int, hi: int, c: float) -> np.ndarray:
    """Ids in the vocabulary slice [lo, hi) (tokens in length order) that may be within OSA
    similarity `c` of `t`: a superset of those that are (the caller computes the similarity),
    found by reading the postings of t's grams. A length for which the bound says nothing (a
    word of a few letters) has its whole part of the slice returned."""
    grams = pair_grams(t)
    distinct = sorted(set(grams))
    dup = len(grams) - len(distinct)
    n = len(t)
    starts = index.len_starts
    first, last, needs, whole = [], [], [], []  # per listed length in the slice
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
    if not needs:
        return np.concatenate(whole) if whole else _NONE
    lo, hi = first[0], last[-1]  # the lengths with a bound
    rows = []
    span = np.array([lo, hi], dtype=np.int32)
    for g in distinct:
        ids = index.tables.gram_ids(g)  # ascending: the part in the slice is one run of it
        if len(ids):
            i, j = ids.searchsorted(span).tolist()  # one call for both ends
            if i < j:
                rows.append(ids[i:j])
    if len(rows) < min(needs):  # t's grams no word of these lengths holds count as 0
        return np.concatenate(whole) if whole else _NONE
    flat = np.concatenate(rows) if len(rows) > 1 else rows[0]
    counts = np.bincount(flat - lo, minlength=hi - lo)
    near = np.flatnonzero(counts >= min(needs))  # then each length's own need, on the few
    if len(needs) > 1:  # (and a length with no bound between two with one: not counted)
        run = np.searchsorted(np.asarray(last) - lo, near, side="right")
        near = near[(counts[near] >= np.asarray(needs)[run])
                    & (near >= np.asarray(first)[run] - lo)]
    return np.concatenate([*whole, near + lo]).astype(np.int64, copy=False)


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

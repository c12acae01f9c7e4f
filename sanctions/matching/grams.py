"""Vocabulary look-ups that scale: IDF weights read on demand, and the vocabulary narrowed by
padded bigrams before the ratio prefilter when a length slice is long."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

from .tables import bigrams, idf_of

if TYPE_CHECKING:
    from .index import Index


def bigram_near(index: Index, t: str, lo: int, hi: int, c: float, prefilter: int) -> np.ndarray:
    """`Index.similar`'s ratio prefilter on the vocabulary slice [lo, hi), run on only the
    tokens sharing enough padded bigrams with `t` to be within OSA similarity `c` of it: d
    edits change at most 3d of a word's bigrams (a transposition three), so two words at
    distance d share at least max(len) + 1 - 3d of them (t's repeated bigrams counted off, as
    the postings hold each once). The same ids as the ratio over the whole slice, found by
    reading the postings of t's few bigrams instead of comparing every token of the slice."""
    grams = bigrams(t)
    distinct = set(grams)
    dup = len(grams) - len(distinct)
    n = len(t)
    starts = index.len_start
    runs = []  # (first id, end, bigrams needed) per listed length in the slice
    for m in range(len(starts) - 1):
        a, b = max(int(starts[m]), lo), min(int(starts[m + 1]), hi)
        if a < b:
            big = max(n, m)
            d = math.floor((1 - c) * big + 1e-6) + (big > 100)  # + slack for float rounding
            need = big + 1 - 3 * d - dup
            if need < 1:  # the bound says nothing for this length: scan the slice whole
                return _ratio(index, t, np.arange(lo, hi), prefilter)
            runs.append((a, b, need))
    rows = [r for g in distinct if len(r := index.tables.bigram_ids(g))]
    if not rows:
        return np.zeros(0, dtype=np.int64)
    flat = np.concatenate(rows)
    flat = flat[(flat >= lo) & (flat < hi)] - lo
    counts = np.bincount(flat, minlength=hi - lo)
    near = [np.flatnonzero(counts[a - lo:b - lo] >= need) + a for a, b, need in runs]
    return _ratio(index, t, np.concatenate(near) if near else np.zeros(0, np.int64), prefilter)


def _ratio(index: Index, t: str, ids: np.ndarray, prefilter: int) -> np.ndarray:
    if not len(ids):
        return np.zeros(0, dtype=np.int64)
    picked = ids.tolist()
    words = list(itemgetter(*picked)(index.vocab_list)) if len(picked) > 1 else [
        index.vocab_list[picked[0]]]  # itemgetter: the words in one C call
    row = process.cdist([t], words, scorer=fuzz.ratio, dtype=np.uint8,
                        score_cutoff=prefilter)[0]
    return ids[np.flatnonzero(row)].astype(np.int64)


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

"""A cheap bound that drops most of a word's gram candidates before their OSA is computed.

Each edit of the optimal string alignment (OSA) distance changes a word's letter counts by at
most two in all (a substitution one letter fewer and one more, an insertion or a deletion one,
a transposition none), so two words whose counts differ by L in all are at least L / 2 edits
apart. The neighbour table (`neighbours.Table`) keeps a candidate only when that bound allows
the similarity floor: the same words as the OSA itself keeps, for less work (at 300,000 names,
1,500 of the table's words: ~180 gram candidates a word, ~45 after this bound).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_BINS = 37  # a-z, 0-9, and one for anything else (several letters in one bin: a lower L)
_BIN = np.full(128, _BINS - 1, dtype=np.intp)  # by code point; 127 and past: the last
_BIN[np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)] = np.arange(26)
_BIN[np.frombuffer(b"0123456789", dtype=np.uint8)] = np.arange(26, 36)
_BLOCK = 50_000  # words counted per bincount (its array: _BLOCK x _BINS int64)


def letter_counts(words: Sequence[str]) -> np.ndarray:
    """Each word's letters counted, by column (`_BINS` rows of uint8, a count over 255 held as
    255: the bound only ever gets lower)."""
    out = np.zeros((_BINS, len(words)), dtype=np.uint8)
    for start in range(0, len(words), _BLOCK):
        part = words[start:start + _BLOCK]
        points = np.frombuffer("".join(part).encode("utf-32-le"), dtype=np.uint32)
        # a character past ASCII counts in the last bin (one edit still moves at most two)
        sizes = np.fromiter(map(len, part), dtype=np.intp, count=len(part))
        row = np.repeat(np.arange(len(part)), sizes)
        counts = np.bincount(row * _BINS + _BIN[np.minimum(points, 127)],
                             minlength=len(part) * _BINS)
        out[:, start:start + len(part)] = np.minimum(counts, 255).reshape(len(part), _BINS).T
    return out


class Letters:
    """The vocabulary's letter counts and lengths, to drop candidates (`prune`)."""

    def __init__(self, vocab: Sequence[str]) -> None:
        self.counts = letter_counts(vocab)
        self.lengths = np.fromiter(map(len, vocab), dtype=np.int64, count=len(vocab))

    def prune(self, looked: Sequence[tuple[str, np.ndarray]], c: float) -> list[np.ndarray]:
        """Of each word's candidate ids, those its letter counts allow within OSA similarity c
        (the floor as `grams.lengths_of` takes it: d edits at most for a longer word of M
        letters, d = floor((1 - c) M)); a word that is not all letters keeps them all (only
        its own counts: `neighbours._near`)."""
        alpha = [k for k, (t, ids) in enumerate(looked) if t.isalpha() and len(ids)]
        if not alpha:
            return [ids for _, ids in looked]
        words = [looked[k][0] for k in alpha]
        sizes = np.array([len(looked[k][1]) for k in alpha], dtype=np.intp)
        flat = np.concatenate([looked[k][1] for k in alpha])
        of = np.repeat(np.arange(len(alpha)), sizes)
        own = letter_counts(words)
        apart = np.zeros(len(flat), dtype=np.int32)
        for b in range(_BINS):
            apart += np.abs(self.counts[b][flat].astype(np.int16) - own[b][of])
        longer = np.maximum(self.lengths[flat],
                            np.array([len(w) for w in words], dtype=np.int64)[of])
        # the edits the floor allows, + 1 for a word over 100 letters (float rounding slack)
        edits = np.floor((1 - c) * longer + 1e-6).astype(np.int64) + (longer > 100)
        keep = apart <= 2 * edits
        out = [ids for _, ids in looked]
        ends = np.cumsum(sizes).tolist()
        for k, a, b in zip(alpha, [0, *ends[:-1]], ends, strict=True):
            out[k] = looked[k][1][keep[a:b]]
        return out


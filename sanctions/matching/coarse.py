"""Retrieval's array work: the names a query word reaches, their coarse scores, the pool.

Each step visits only the names the query's words reach, never every name: sums and maxima go
into arrays over all names that are kept zeroed between queries (`Scratch`: each use resets
what it touched), and the names touched are found as a union of postings (sorted) unless they
are so many that scanning the whole array is cheaper. Every result is the same, in the same
order, as summing into a fresh array and scanning it, so the candidates do not change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .config import MatchConfig

# names touched are found by sorting their postings below a sixth of all names: sorting n
# ids costs less than scanning 6n entries for nonzero ones (as a bool array: numpy finds the
# nonzero entries of a float32 array 4-14x slower; measured at 50k and 1.5M names)
UNION_SHARE = 6
_NO_NAMES = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))
Scores = list[tuple[np.ndarray, np.ndarray, np.ndarray]]  # per alternative: hit, cov, coarse


class Scratch:
    """Zeroed float32 arrays over all names, lent one at a time (list.pop and append are
    atomic, so two threads never share one). A borrower that fails does not give its array
    back: it may not be all zeros."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.free: list[np.ndarray] = []

    def take(self) -> np.ndarray:
        try:
            return self.free.pop()
        except IndexError:
            return np.zeros(self.size, dtype=np.float32)

    def give(self, *arrays: np.ndarray) -> None:
        self.free.extend(arrays)


def union(rows: Sequence[np.ndarray], touched: np.ndarray) -> np.ndarray:
    """The distinct ids of `rows` (each ascending and distinct), ascending: sorted when they
    are few, else the nonzero entries of `touched` (every id of `rows` is nonzero there)."""
    if len(rows) == 1:
        return rows[0]
    if sum(len(r) for r in rows) * UNION_SHARE < len(touched):
        flat = np.sort(np.concatenate(rows))
        return flat[np.concatenate(([True], flat[1:] != flat[:-1]))]
    return np.flatnonzero(touched != 0).astype(np.int32)  # the same entries, found faster


def best_per_name(rows: Sequence[np.ndarray], sims: Sequence[float], best: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The names of the postings `rows` (one per listed word), each with the highest
    similarity among the words it holds; `best` is a zeroed scratch array, left zeroed."""
    if not rows:
        return _NO_NAMES
    if len(rows) == 1:
        return rows[0], np.full(len(rows[0]), sims[0], dtype=np.float32)
    if len(rows) <= 8:
        for r, s in zip(rows, sims, strict=True):
            best[r] = np.maximum(best[r], np.float32(s))  # ids are distinct within a row
    else:  # many words (a common name's spellings): one call
        np.maximum.at(best, np.concatenate(rows),
                      np.repeat(np.asarray(sims, dtype=np.float32), [len(r) for r in rows]))
    names = union(rows, best)
    vals = best[names]
    best[names] = 0
    return names, vals


def coarse_scores(alts: Sequence[Sequence[str]], cfg: MatchConfig,
                  weight: Callable[[str, MatchConfig], float],
                  postings: Callable[[str], tuple[np.ndarray, np.ndarray]],
                  name_weight: np.ndarray, name_len: np.ndarray, acc: np.ndarray) -> Scores:
    """Per alternative token list: the names it touches (ascending), the IDF-weighted share
    of the query each covers, and the coarse score (that share, and the share of the name the
    query covers, ties broken towards names of the query's length)."""
    scores: Scores = []
    for a in alts:
        total = 0.0
        touched = []
        for t in dict.fromkeys(a):
            w = weight(t, cfg)
            total += w
            rows, vals = postings(t)
            if len(rows):
                touched.append((rows, w, vals))
        if not touched:
            continue
        if len(touched) == 1:  # no sum: 0 + x is x in float32
            hit, w, vals = touched[0]
            got = w * vals
        else:
            for rows, w, vals in touched:
                acc[rows] += w * vals  # rows are distinct per token
            hit = union([r for r, _, _ in touched], acc)
            got = acc[hit]
            acc[hit] = 0
        cov = got / total
        # 0.5 cov + 0.5 min(got / name weight, 1) - 0.01 |name length - query length|, in
        # float32 step by step as that expression computes it, in place (fewer temporaries)
        share = name_weight[hit]
        np.divide(got, share, out=share)
        np.minimum(share, 1.0, out=share)
        share *= 0.5
        coarse = cov * 0.5
        coarse += share
        off = name_len[hit]
        off -= len(a)
        np.abs(off, out=off)
        off *= 0.01
        coarse -= off
        scores.append((hit, cov, coarse))
    return scores


def merge(scores: Scores, best_cov: np.ndarray, best_coarse: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The names any alternative reached (ascending), each with its best coverage and coarse
    score of them all. `best_cov` and `best_coarse` are zeroed scratch arrays, left zeroed."""
    if len(scores) == 1:
        return scores[0]
    for hit, cov, _ in scores:  # every coverage is > 0: best_cov marks the names reached
        best_cov[hit] = np.maximum(best_cov[hit], cov)
    hits = union([h for h, _, _ in scores], best_cov)
    cov = best_cov[hits]
    best_cov[hits] = 0
    best_coarse[hits] = -np.inf  # a coarse score may be negative
    for hit, _, coarse in scores:
        best_coarse[hit] = np.maximum(best_coarse[hit], coarse)
    coarse = best_coarse[hits]
    best_coarse[hits] = 0
    return hits, cov, coarse


def pool_of(hits: np.ndarray, cov: np.ndarray, coarse: np.ndarray, cfg: MatchConfig,
            mask: np.ndarray | None) -> np.ndarray:
    """The names scoring rescores: the best `cfg.candidates` coarse scores (fewer when few
    cover enough of the query, never fewer than `cfg.min_candidates`). The pool depends on
    the query alone: never on `limit`, nor on a source filter (which only removes names from
    it), so the best match is the same for any of them."""
    floor = cfg.min_candidates
    pool = hits
    if len(hits) > floor:
        k = max(floor, min(cfg.candidates, int(np.count_nonzero(cov >= cfg.min_coverage))))
        if len(hits) > k:
            pool = hits[np.argpartition(-coarse, k)[:k]]
    if mask is not None:
        pool = pool[mask[pool]]
        if not len(pool):  # nothing of the filtered lists in the pool: their best few
            ok = mask[hits]
            hits, coarse = hits[ok], coarse[ok]
            pool = hits[np.argpartition(-coarse, floor)[:floor]] if len(hits) > floor else hits
    return pool

"""Retrieval's array work: the names a query word reaches, their coarse scores, the pool.

Each step visits only the names the query's words reach, never every name: sums and maxima go
into arrays over all names that are kept zeroed between queries (`Scratch`: each use resets
what it touched), and the names touched are found as a union of postings (sorted) unless they
are so many that scanning the whole array is cheaper. Every result is the same, in the same
order, as summing into a fresh array and scanning it, so the candidates do not change.

Name ids are numpy's index type (intp) from a word's postings on (`best_per_name` converts
the index's int32 rows once per word): numpy reads and writes an array at int32 positions
2-3x slower than at intp ones, since it converts the positions on every such step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .config import MatchConfig

# names touched are found by sorting their postings below a sixth of all names: sorting n
# ids costs less than scanning 6n entries for nonzero ones (as a bool array: numpy finds the
# nonzero entries of a float32 array 4-14x slower; measured at 50k and 1.5M names)
UNION_SHARE = 6
_NO_NAMES = (np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float32))
Scores = list[tuple[np.ndarray, np.ndarray, np.ndarray]]  # per alternative: hit, cov, coarse
Word = tuple[np.ndarray, float, np.ndarray]  # a query word's names, weight, similarities


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


class LengthGaps:
    """0.01 |name length - query length| per name, float32 as `coarse_scores` computed it
    from `name_len` (subtract, abs, scale): one byte per name and a 256-entry table per query
    length, so a query reads two small arrays instead of four passes over its names. Token
    counts are whole numbers below 256; if a list's are not, the four passes as before. Two
    threads racing at first use at worst both build the same codes."""

    def __init__(self, name_len: np.ndarray) -> None:
        self.name_len = name_len
        self.codes: np.ndarray | None = None
        self.checked = False
        self.tables: dict[int, np.ndarray] = {}

    def of(self, hit: np.ndarray, n: int) -> np.ndarray:
        if not self.checked:  # at first use: a stored index maps name_len lazily
            lens = np.asarray(self.name_len)
            if not len(lens) or (lens.min() >= 0 and lens.max() < 256
                                 and bool(np.all(lens == np.floor(lens)))):
                self.codes = lens.astype(np.uint8)
            self.checked = True  # after the codes: another thread sees both or neither
        if self.codes is None:
            return _gap(self.name_len[hit], n)
        table = self.tables.get(n)
        if table is None:
            table = self.tables[n] = _gap(np.arange(256, dtype=np.float32), n)
        return table.take(self.codes[hit])  # `take`: 1.5-2x faster at uint8 positions


def _gap(lens: np.ndarray, n: int) -> np.ndarray:
    """0.01 |lens - n| in float32, in place: the same steps per entry wherever it runs."""
    lens -= n
    np.abs(lens, out=lens)
    lens *= 0.01
    return lens


def union(rows: Sequence[np.ndarray], touched: np.ndarray) -> np.ndarray:
    """The distinct ids of `rows` (each ascending and distinct), ascending: sorted when they
    are few, else the nonzero entries of `touched` (every id of `rows` is nonzero there)."""
    if len(rows) == 1:
        return rows[0]
    if sum(len(r) for r in rows) * UNION_SHARE < len(touched):
        return distinct(rows)
    return np.flatnonzero(touched != 0)  # the same entries, found faster


def distinct(rows: Sequence[np.ndarray]) -> np.ndarray:
    """The distinct ids of `rows` (each ascending), ascending, by sorting them together."""
    # each row is a sorted run: a stable sort (timsort) merges the runs, 1.5-2x faster than
    # quicksort on them (the same result: the ids are the same numbers either way)
    return sorted_ids(np.concatenate(rows))


def sorted_ids(flat: np.ndarray) -> np.ndarray:
    """The distinct ids of `flat` (sorted runs one after the other), ascending."""
    flat = np.sort(flat, kind="stable")
    return flat[np.concatenate(([True], flat[1:] != flat[:-1]))]


def best_per_name(rows: Sequence[np.ndarray], sims: Sequence[float], best: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The names of the postings `rows` (one per listed word), each with the highest
    similarity among the words it holds; `best` is a zeroed scratch array, left zeroed. The
    names come back as intp, whatever the rows' type (see the module's docstring)."""
    if not rows:
        return _NO_NAMES
    if len(rows) == 1:
        names = rows[0].astype(np.intp, copy=False)
        return names, np.full(len(names), sims[0], dtype=np.float32)
    if len(rows) <= 8:
        rows = [r.astype(np.intp, copy=False) for r in rows]  # one copy each: faster after
        # written lowest similarity first, each over the last: a name ends at the highest of
        # its words' (the float32 of the highest similarity is the highest float32), with no
        # read of `best` (the max of 0 and a similarity, > 0, is the similarity)
        for i in sorted(range(len(rows)), key=sims.__getitem__):
            best[rows[i]] = sims[i]
        names = union(rows, best)
    else:  # many words (a common name's spellings): one call, one copy
        flat = np.concatenate(rows, dtype=np.intp)
        np.maximum.at(best, flat,
                      np.repeat(np.asarray(sims, dtype=np.float32), [len(r) for r in rows]))
        # `union` of the rows
        names = (sorted_ids(flat) if len(flat) * UNION_SHARE < len(best)
                 else np.flatnonzero(best != 0))
    vals = best[names]
    best[names] = 0
    return names, vals


def coarse_scores(alts: Sequence[Sequence[str]], cfg: MatchConfig,
                  weight: Callable[[str, MatchConfig], float],
                  postings: Callable[[str], tuple[np.ndarray, np.ndarray]],
                  name_weight: np.ndarray, gaps: LengthGaps, acc: np.ndarray) -> Scores:
    """Per alternative token list: the names it touches (ascending), the IDF-weighted share
    of the query each covers, and the coarse score (that share, and the share of the name the
    query covers, ties broken towards names of the query's length)."""
    scores: Scores = []
    for a in alts:
        total, touched = words_of(a, cfg, weight, postings)
        if not touched:
            continue
        if len(touched) == 1:  # no sum: 0 + x is x in float32
            hit, w, vals = touched[0]
            got = w * vals
        else:
            rows, w, vals = touched[0]
            acc[rows] = w * vals  # acc is zeros and 0 + x is x in float32: no read needed
            for rows, w, vals in touched[1:]:
                acc[rows] += w * vals  # rows are distinct per token
            hit = union([r for r, _, _ in touched], acc)
            got = acc[hit]
            acc[hit] = 0
        scores.append((hit, *coarse_of(got, total, hit, len(a), name_weight, gaps)))
    return scores


def words_of(a: Sequence[str], cfg: MatchConfig, weight: Callable[[str, MatchConfig], float],
             postings: Callable[[str], tuple[np.ndarray, np.ndarray]]
             ) -> tuple[float, list[Word]]:
    """An alternative's total weight, and its words that reach names (their names, weight,
    similarities) in the order their scores are added: each float32 sum of `coarse_scores`,
    and of `topk`'s names, follows this one order."""
    total = 0.0
    touched: list[Word] = []
    for t in dict.fromkeys(a):
        w = weight(t, cfg)
        total += w
        rows, vals = postings(t)
        if len(rows):
            touched.append((rows, w, vals))
    if len(touched) > 1 and len(touched[1][0]) > len(touched[0][0]):
        # the larger first: a + b is b + a in float32 (only sums of three depend on the order)
        touched[0], touched[1] = touched[1], touched[0]
    return total, touched


def coarse_of(got: np.ndarray, total: float, hit: np.ndarray, n_tokens: int,
              name_weight: np.ndarray, gaps: LengthGaps) -> tuple[np.ndarray, np.ndarray]:
    """Coverage and coarse score of the names `hit`, whose query words' weights sum to `got`
    (of `total`): 0.5 cov + 0.5 min(got / name weight, 1) - 0.01 |name length - query
    length|, in float32 step by step as that expression computes it, in place (fewer
    temporaries); per name, so any subset of names gets the same numbers."""
    cov = got / total
    share = name_weight[hit]
    np.divide(got, share, out=share)
    np.minimum(share, 1.0, out=share)
    share *= 0.5
    coarse = cov * 0.5
    coarse += share
    coarse -= gaps.of(hit, n_tokens)
    return cov, coarse


def merge(scores: Scores, best_cov: np.ndarray, best_coarse: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The names any alternative reached (ascending), each with its best coverage and coarse
    score of them all. `best_cov` and `best_coarse` are zeroed scratch arrays, left zeroed."""
    if len(scores) == 1:
        return scores[0]
    # maxima in any order are the same numbers: the alternative reaching most names is written
    # first, not read (the max of 0 and a coverage, > 0, is that coverage)
    top = max(range(len(scores)), key=lambda i: len(scores[i][0]))
    first, rest = scores[top], scores[:top] + scores[top + 1:]
    best_cov[first[0]] = first[1]
    for hit, cov, _ in rest:  # every coverage is > 0: best_cov marks the names reached
        best_cov[hit] = np.maximum(best_cov[hit], cov)
    hits = union([h for h, _, _ in scores], best_cov)
    cov = best_cov[hits]
    best_cov[hits] = 0
    best_coarse[hits] = -np.inf  # a coarse score may be negative
    best_coarse[first[0]] = first[2]  # the max of -inf and x is x
    for hit, _, coarse in rest:
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
            pool = best_k(hits, coarse, k)
    if mask is not None:
        pool = pool[mask[pool]]
        if not len(pool):  # nothing of the filtered lists in the pool: their best few
            ok = mask[hits]
            hits, coarse = hits[ok], coarse[ok]
            pool = best_k(hits, coarse, floor) if len(hits) > floor else hits
    return pool


def best_k(hits: np.ndarray, coarse: np.ndarray, k: int) -> np.ndarray:
    """The k names of `hits` (ascending) with the best coarse scores, ascending. Of names tied
    at the cut, the lowest ids: the pool is a function of the scores alone, the same names
    whatever else was scored (which lets `topk` skip names that cannot reach the cut)."""
    cut = np.partition(coarse, len(coarse) - k)[len(coarse) - k]
    at_least = coarse >= cut
    if np.count_nonzero(at_least) == k:  # no tie past the cut (most pools): those, in order
        return hits[at_least]
    above = np.flatnonzero(coarse > cut)
    tied = np.flatnonzero(coarse == cut)[:k - len(above)]
    return hits[np.sort(np.concatenate((above, tied)))]

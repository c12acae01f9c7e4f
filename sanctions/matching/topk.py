"""The pool without the names only a query's commonest words reach (MaxScore-style pruning).

A query like "al furqan al khariya" or "... trading co ltd" reaches hundreds of thousands of
names through its commonest words, and `coarse.coarse_scores` sums a score for every one of
them only for `coarse.pool_of` to keep the best 15. Here an alternative's lowest-weight words,
whose weights add up to less than `PRUNE_SHARE` of its total, are set aside ("common"): a name
holding none of its other words covers at most that share of the query, so its coarse score is
at most 0.5 share + 0.5 (the name term is at most 0.5; the length term only takes away).

The names holding another word are scored exactly: the common words' contributions are added
for those of them that hold one, in the order `coarse_scores` adds them, so every float32 sum
is the same number. When the pool's cut among them lies strictly above every alternative's
bound, every name at or above the cut was scored, with its true score, and no name set aside
can reach it; `coarse.best_k` picks the same names from them as from all (ties at the cut go
to the lowest ids, a function of the scores alone). Otherwise `None`: the caller scores every
name. The pool's size is the same too: a name set aside covers less than `PRUNE_SHARE`, below
`min_coverage`, so the count of names covering `min_coverage` does not change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .coarse import LengthGaps, Scores, Scratch, Word, best_k, coarse_of, distinct, merge, words_of
from .config import MatchConfig

PRUNE_SHARE = 0.45  # of an alternative's weight set aside at most (< min_coverage, checked)
PRUNE_MIN = 20_000  # postings set aside, at least, for pruning to be worth trying
EPS = 1e-4  # float32 rounding of the scores against the bound, with room to spare
Postings = Callable[[str], tuple[np.ndarray, np.ndarray]]


class Plan:
    """One alternative's words with postings, in the order `coarse_scores` adds them, its
    total weight, and which of them are set aside (common) with their share of the total."""

    def __init__(self, a: Sequence[str], cfg: MatchConfig,
                 weight: Callable[[str, MatchConfig], float], postings: Postings) -> None:
        self.n_tokens = len(a)
        self.total, words = words_of(a, cfg, weight, postings)  # coarse_scores' sums and order
        self.words: list[Word] = words
        self.lightest = sorted(range(len(words)), key=lambda i: words[i][1])
        self.common: set[int] = set()
        self.share = 0.0

    def set_aside(self, most: float) -> None:
        """Set aside the lightest words whose weights add up to less than `most` of the
        total (none, unless their postings reach `PRUNE_MIN` names)."""
        common: set[int] = set()
        share = 0.0
        for i in self.lightest:
            if not self.total or (share + self.words[i][1]) / self.total + EPS >= most:
                break
            share += self.words[i][1]
            common.add(i)
        if sum(len(self.words[i][0]) for i in common) < PRUNE_MIN:
            common, share = set(), 0.0
        self.common, self.share = common, share / self.total if self.total else 0.0

    def bound(self) -> float:
        """The highest coarse score a name holding only words set aside may have."""
        return 0.5 * self.share + 0.5 + EPS

    def kept(self) -> int:
        """Postings of the words not set aside."""
        return sum(len(r) for i, (r, _, _) in enumerate(self.words) if i not in self.common)

    def scores(self, name_weight: np.ndarray, gaps: LengthGaps, acc: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """The names holding a word not set aside, ascending, with their coverage and coarse
        score as `coarse_scores` computes them (None: no such name); `acc` is left zeroed."""
        kept = [r for i, (r, _, _) in enumerate(self.words) if i not in self.common]
        if not kept:
            return None
        hit = kept[0] if len(kept) == 1 else distinct(kept)
        for i, (rows, w, vals) in enumerate(self.words):
            if i not in self.common:
                acc[rows] += w * vals  # rows are distinct; 0 + x is x, as written there
                continue
            at = np.searchsorted(rows, hit)  # the names of `hit` holding this common word
            at[at == len(rows)] = 0
            held = rows[at] == hit
            acc[hit[held]] += w * vals[at[held]]  # per name the same product and sum order
        got = acc[hit]
        acc[hit] = 0
        return (hit, *coarse_of(got, self.total, hit, self.n_tokens, name_weight, gaps))


def pruned_pool(alts: Sequence[Sequence[str]], cfg: MatchConfig,
                weight: Callable[[str, MatchConfig], float], postings: Postings,
                name_weight: np.ndarray, gaps: LengthGaps, scratch: Scratch
                ) -> np.ndarray | None:
    """The pool `coarse.pool_of` picks with no source filter, or None when pruning does not
    pay or cannot show that it is the same pool.

    First with as much set aside as `PRUNE_SHARE` allows. If the cut it finds (never above
    the true cut: names set aside only lower it) is not above that bound, once more with as
    much set aside as keeps the bound below that cut, which then holds: the cut only rises
    as fewer names are set aside."""
    if cfg.min_coverage <= PRUNE_SHARE or sum(
            len(postings(t)[0]) for a in alts for t in dict.fromkeys(a)) < PRUNE_MIN:
        return None  # (at once: a small list's queries never reach PRUNE_MIN)
    plans = [Plan(a, cfg, weight, postings) for a in alts]
    most = PRUNE_SHARE
    for _ in range(2):
        for p in plans:
            p.set_aside(most)
        if not any(p.common for p in plans) or sum(p.kept() for p in plans) * 2 > len(name_weight):
            return None  # nothing set aside, or the other words reach about as many names
        pool, cut = _pool(plans, cfg, name_weight, gaps, scratch)
        if pool is None:
            return None
        if cut > max(p.bound() for p in plans if p.common):
            return pool
        # the share whose bound lies below this cut (below PRUNE_SHARE: this cut is not
        # above the bound of a share below it)
        most = min(2 * (cut - 0.5 - EPS) - EPS, PRUNE_SHARE)
        if most <= 0:
            return None
    return None


def _pool(plans: Sequence[Plan], cfg: MatchConfig, name_weight: np.ndarray, gaps: LengthGaps,
          scratch: Scratch) -> tuple[np.ndarray | None, float]:
    """The pool among the names not set aside, and the coarse score at its cut."""
    acc = scratch.take()
    scores: Scores = [s for p in plans if (s := p.scores(name_weight, gaps, acc)) is not None]
    scratch.give(acc)
    if not scores:
        return None, 0.0
    if len(scores) > 1:
        best_cov, best_coarse = scratch.take(), scratch.take()
        hits, cov, coarse = merge(scores, best_cov, best_coarse)
        scratch.give(best_cov, best_coarse)
    else:
        hits, cov, coarse = scores[0]
    k = max(cfg.min_candidates,
            min(cfg.candidates, int(np.count_nonzero(cov >= cfg.min_coverage))))
    if len(hits) <= k:
        return None, 0.0
    pool = best_k(hits, coarse, k)
    return pool, float(coarse[np.searchsorted(hits, pool)].min())

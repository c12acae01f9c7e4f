"""Coarse scores bit for bit: the shortcuts in `matching.coarse` (the first token written, not
added; the length term by table lookup; runs merged by a stable sort; the first alternative
written, not maxed) give the same float32 bits, in the same order, as the plain computation
they replace, so retrieval's pool cannot change."""

from __future__ import annotations

from typing import Any

import numpy as np

from sanctions.matching import DEFAULT_CONFIG
from sanctions.matching.coarse import LengthGaps, best_per_name, coarse_scores, merge


def plain(alts: list[list[str]], weights: dict[str, float], post: dict[str, Any],
          name_weight: np.ndarray, name_len: np.ndarray) -> list[Any]:
    """The computation as written before the shortcuts: a fresh array summed into, scanned."""
    out = []
    for a in alts:
        acc = np.zeros(len(name_weight), dtype=np.float32)
        total = 0.0
        for t in dict.fromkeys(a):
            total += weights[t]
            rows, vals = post[t]
            acc[rows] += weights[t] * vals
        hit = np.flatnonzero(acc)  # intp, as a word's postings are (`best_per_name`)
        if not len(hit):
            continue
        got = acc[hit]
        cov = got / total
        share = np.minimum(got / name_weight[hit], 1.0) * 0.5
        off = np.abs(name_len[hit] - len(a)) * 0.01
        out.append((hit, cov, cov * 0.5 + share - off))
    if len(out) < 2:
        return out
    hits = np.unique(np.concatenate([h for h, _, _ in out]))
    cov = np.zeros(len(name_weight), dtype=np.float32)
    coarse = np.full(len(name_weight), -np.inf, dtype=np.float32)
    for h, c, k in out:
        cov[h] = np.maximum(cov[h], c)
        coarse[h] = np.maximum(coarse[h], k)
    return [(hits, cov[hits], coarse[hits])]


def case(n_names: int, lengths: np.ndarray, seed: int) -> tuple[Any, ...]:
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(6)]
    post = {}
    for i, w in enumerate(words):  # from a few names to most of them, ascending ids
        size = max(1, n_names // (2 + 7 * i))
        rows = np.sort(rng.choice(n_names, size, replace=False)).astype(np.intp)
        post[w] = (rows, rng.choice(np.array([0.8, 0.85, 0.9, 1.0], dtype=np.float32), size))
    weights = {w: float(rng.uniform(0.5, 9.0)) for w in words}
    alts = [words[:4], [words[0], words[1] + "x", words[3]], words[2:], words[::-1]]
    post[words[1] + "x"] = post[words[5]]
    weights[words[1] + "x"] = 3.25
    name_weight = rng.uniform(0.5, 30.0, n_names).astype(np.float32)
    return alts, weights, post, name_weight, lengths


def check(alts: list[list[str]], weights: dict[str, float], post: dict[str, Any],
          name_weight: np.ndarray, name_len: np.ndarray) -> None:
    acc = np.zeros(len(name_weight), dtype=np.float32)
    scores = coarse_scores(alts, DEFAULT_CONFIG, lambda t, _cfg: weights[t], post.__getitem__,
                           name_weight, LengthGaps(name_len), acc)
    if len(scores) > 1:
        best_cov = np.zeros(len(name_weight), dtype=np.float32)
        best_coarse = np.zeros(len(name_weight), dtype=np.float32)
        scores = [merge(scores, best_cov, best_coarse)]
        assert not best_cov.any() and not best_coarse.any()  # scratch left zeroed
    assert not acc.any()
    want = plain(alts, weights, post, name_weight, name_len)
    assert len(scores) == len(want) == 1
    for got, exp in zip(scores[0], want[0], strict=True):
        assert got.dtype == exp.dtype
        assert got.tobytes() == exp.tobytes()


def test_coarse_scores_equal_the_plain_computation_bit_for_bit() -> None:
    for n_names, seed in ((500, 1), (40_000, 2)):  # sorted unions, and whole-array scans
        lengths = np.random.default_rng(seed).integers(1, 40, n_names).astype(np.float32)
        check(*case(n_names, lengths, seed))


def test_length_gaps_fall_back_when_lengths_do_not_fit_a_byte() -> None:
    for lengths in (np.array([1, 2, 300, 4] * 250, dtype=np.float32),
                    np.array([1.5, 2, 3, 4] * 250, dtype=np.float32)):
        gaps = LengthGaps(lengths)
        hit = np.arange(0, 1000, 3, dtype=np.int32)
        want = np.abs(lengths[hit] - 3) * 0.01
        assert gaps.of(hit, 3).tobytes() == want.tobytes()
        assert gaps.codes is None
        check(*case(1000, lengths, 3))


def test_best_per_name_equals_the_plain_maximum() -> None:
    rng = np.random.default_rng(4)
    for n_rows, n_names in ((3, 300), (8, 20_000), (12, 20_000)):  # by rows, and in one call
        rows = [np.sort(rng.choice(n_names, int(rng.integers(1, n_names // 3)), replace=False))
                .astype(np.int32) for _ in range(n_rows)]
        sims = [float(s) for s in rng.choice([0.75, 0.8, 0.8333, 0.9, 1.0], n_rows)]
        best = np.zeros(n_names, dtype=np.float32)
        names, vals = best_per_name(rows, sims, best)
        assert not best.any() and names.dtype == np.intp  # int32 rows read as intp
        want = np.zeros(n_names, dtype=np.float32)
        for r, s in zip(rows, sims, strict=True):
            want[r] = np.maximum(want[r], np.float32(s))
        assert names.tolist() == np.flatnonzero(want).tolist()
        assert vals.tobytes() == want[want != 0].tobytes()

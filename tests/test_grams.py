"""Retrieval's shortcuts against what they stand for: the gram bound against the real OSA
distance, the union of postings against a scan of all names, and the scratch arrays left
zeroed between queries."""

from __future__ import annotations

import csv
import math
import random
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

import sanctions.matching.coarse as coarse
import sanctions.matching.grams as grams
from sanctions.matching import DEFAULT_CONFIG, Index, prepare
from sanctions.matching.tables import pair_grams
from sanctions.screening import make_query
from sanctions.store.index_file import open_index_file
from sanctions.store.index_write import index_path

DEV = Path(__file__).parent.parent / "eval" / "dev_2.csv"


def shared(a: str, b: str) -> int:
    return len(set(pair_grams(a)) & set(pair_grams(b)))


def edited(word: str, edits: list[tuple[int, int, str]]) -> str:
    for kind, at, letter in edits:
        i = at % (len(word) + 1)
        if kind == 0 and i < len(word):
            word = word[:i] + letter + word[i + 1:]  # substitution
        elif kind == 1:
            word = word[:i] + letter + word[i:]  # insertion
        elif kind == 2 and i < len(word):
            word = word[:i] + word[i + 1:]  # deletion
        elif kind == 3 and i + 1 < len(word):
            word = word[:i] + word[i + 1] + word[i] + word[i + 2:]  # transposition
    return word


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="abnrst", min_size=1, max_size=14),
       st.lists(st.tuples(st.integers(0, 3), st.integers(0, 20), st.sampled_from("abnrsx")),
                max_size=4))
def test_words_within_d_edits_share_the_grams_the_bound_says(word: str,
                                                             edits: list[tuple[int, int, str]]
                                                             ) -> None:
    """max(len) + 1 - 2d distinct sorted-pair grams, less the word's repeated ones, with d
    the OSA distance (a transposition counts one): the bound `gram_near` reads postings by."""
    other = edited(word, edits)
    d = OSA.distance(word, other)
    dup = len(pair_grams(word)) - len(set(pair_grams(word)))
    assert shared(word, other) >= max(len(word), len(other)) + 1 - 2 * d - dup


def test_a_swap_keeps_its_pair() -> None:
    # ordered bigrams: 'madruo' shares 4 of 'maduro's 7; sorted pairs: 5
    assert shared("maduro", "madruo") == 5
    assert sorted(pair_grams("ab")) == ["$b", "^a", "ab"]


@pytest.fixture(scope="module")
def stored(full_db: Path) -> Index:
    with sqlite3.connect(full_db) as conn:
        build = conn.execute("SELECT value FROM build_info WHERE key = 'build_id'").fetchone()[0]
    return open_index_file(index_path(full_db, build))


def pools(index: Index, names: list[str]) -> list[list[int]]:
    out = []
    for name in names:
        p = prepare(make_query({"name": name}), index, DEFAULT_CONFIG)
        for alts in (p.alternatives, p.vessel_alternatives):
            out.append(index.retrieve(alts, DEFAULT_CONFIG).tolist())
    return out


def test_union_of_postings_and_scan_of_all_names_give_the_same_pools(
        stored: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    with open(DEV, encoding="utf-8") as fh:
        names = [row["query"] for row in csv.DictReader(fh)][::4]
    monkeypatch.setattr(coarse, "UNION_SHARE", 0)  # always the union
    unions = pools(stored, names)
    stored.clear_cache()
    monkeypatch.setattr(coarse, "UNION_SHARE", 10**9)  # always the scan
    assert pools(stored, names) == unions
    assert sum(len(p) for p in unions) > 1000


def test_scratch_arrays_are_zero_after_queries(stored: Index) -> None:
    pools(stored, ["Tren de Aragua", "Al Qaida", "Abu Bakr al Baghdadi", "Nord Star",
                   "Ali Mohammed Hassan", "Bank Melli Iran", "Jemaah Isla miya"])
    arrays = stored._scratch.free
    assert len(arrays) >= 2
    assert all(not a.any() for a in arrays)
    assert all(len(a) == len(stored.names) for a in arrays)



@pytest.mark.parametrize("words", [3, 12])
def test_best_similarity_per_name(words: int) -> None:
    """Each name once, ascending, at the best similarity of the words it holds, whether the
    words are few (one array step each) or many (one call); the scratch array left zeroed."""
    rng = random.Random(words)
    rows = [np.array(sorted(rng.sample(range(50), 10)), dtype=np.int32) for _ in range(words)]
    sims = [round(rng.uniform(0.7, 1.0), 4) for _ in range(words)]
    best = np.zeros(50, dtype=np.float32)
    names, vals = coarse.best_per_name(rows, sims, best)
    want: dict[int, float] = {}
    for r, s in zip(rows, sims, strict=True):
        for i in r.tolist():
            want[i] = max(want.get(i, 0.0), float(np.float32(s)))
    assert names.tolist() == sorted(want)
    assert vals.tolist() == [want[i] for i in sorted(want)]
    assert not best.any()


def test_gram_near_keeps_every_word_sharing_the_grams_its_length_needs(stored: Index) -> None:
    """`gram_near` against a scan of its slice: exactly the words of each bounded length
    sharing at least that length's need of the word's distinct grams (counted from the
    words themselves, not from the postings), and every word of a length with no bound. A
    faster candidate generator must give the same ids (or a superset: `look_up` keeps what
    the OSA similarity then accepts); this pins what the count over postings stands for."""
    c = DEFAULT_CONFIG.token_floor
    vocab = stored.vocab_list
    held = [set(pair_grams(v)) for v in vocab]
    rng = random.Random(14)
    listed = [v for v in vocab if v.isalpha() and len(v) >= 3]
    words = rng.sample(listed, 150)  # listed words, and the same with 1 to 3 edits
    words += [edited(w, [(rng.randrange(4), rng.randrange(20), rng.choice("aeiknrsy"))
                         for _ in range(rng.randrange(1, 4))]) for w in rng.sample(listed, 250)]
    top = len(stored.len_start) - 1
    checked = 0
    for t in dict.fromkeys(w for w in words if len(w) >= 3):
        n = len(t)
        lo = stored.len_start[min(math.ceil(n * c - 1e-9), top)]
        hi = stored.len_start[min(math.floor(n / c + 1e-9) + 1, top)]
        got = np.sort(grams.gram_near(stored, t, lo, hi, c))
        distinct = set(pair_grams(t))
        plan = grams.lengths_of(stored.len_starts, n, len(pair_grams(t)) - len(distinct),
                                lo, hi, c)
        want = set(plan.whole.tolist())
        if plan.need_at is not None:
            want.update(j for j in range(plan.lo, plan.hi)
                        if len(held[j] & distinct) >= plan.need_at[j - plan.lo])
        assert got.tolist() == sorted(want), t
        checked += 1
    assert checked > 350

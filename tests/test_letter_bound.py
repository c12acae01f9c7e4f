"""The letter-count bound the neighbour table drops candidates by: it never drops a word
within the similarity floor (checked against the OSA itself), and drops most of the others."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
from rapidfuzz.distance import OSA

from sanctions.matching import DEFAULT_CONFIG
from sanctions.matching.letter_bound import Letters, letter_counts
from sanctions.store.index_file import open_index_file
from sanctions.store.index_write import index_path

C = DEFAULT_CONFIG.token_floor


def within(a: str, b: str) -> bool:
    return round(OSA.normalized_similarity(a, b), 4) >= C - 1e-6


def test_letter_counts_count_characters_not_bytes() -> None:
    counts = letter_counts(["aab", "z9", "josé", ""])
    assert counts[:, 0].tolist()[:2] == [2, 1] and counts[:, 0].sum() == 3
    assert counts[25, 1] == 1 and counts[35, 1] == 1
    assert counts[36, 2] == 1 and counts[:, 2].sum() == 4  # é: one character, the last bin
    assert counts[:, 3].sum() == 0


def test_no_word_within_the_floor_is_dropped() -> None:
    vocab = ["ahmad", "ahmed", "ahemd", "hamad", "mahmud", "akhmed", "josé", "jose", "joes",
             "yershov", "ershov", "yershova", "sergey", "sergei", "serge", "gesrey", "aaaaaaa",
             "maduro", "madruo", "oudram", "nicolas", "nikolai", "nicolás", "x9x9", "qqqqqqq"]
    letters = Letters(vocab)
    ids = np.arange(len(vocab), dtype=np.int64)
    looked = [(t, ids) for t in vocab] + [("12", ids)]
    kept = letters.prune(looked, C)
    assert kept[-1] is ids  # a number's candidates are left as they are
    dropped = 0
    for (t, _), k in zip(looked[:-1], kept[:-1], strict=True):
        keep = set(k.tolist())
        for j, w in enumerate(vocab):
            if within(t, w):
                assert j in keep, (t, w)
            dropped += j not in keep
        assert vocab.index(t) in keep
    assert dropped > len(vocab) ** 2 // 2  # 'oudram' is maduro's letters, 'madruo' a swap


def test_the_bound_on_every_pair_of_a_vocabulary_slice(full_db: Path) -> None:
    """Words of 6 to 8 letters of the bundled lists, each against every other: the kept
    are a superset of the within."""
    with sqlite3.connect(full_db) as conn:
        build_id = conn.execute("SELECT value FROM build_info WHERE key = 'build_id'").fetchone()
    vocab = open_index_file(index_path(full_db, build_id[0])).vocab_list
    words = [w for w in vocab if 6 <= len(w) <= 8 and w.isalpha()][::25][:400]
    letters = Letters(words)
    ids = np.arange(len(words), dtype=np.int64)
    kept = letters.prune([(t, ids) for t in words], C)
    for t, k in zip(words, kept, strict=True):
        keep = set(k.tolist())
        assert all(j in keep for j, w in enumerate(words) if within(t, w))
    assert sum(map(len, kept)) < len(words) ** 2 / 4

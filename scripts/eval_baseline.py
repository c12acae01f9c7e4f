"""A naive rapidfuzz baseline for scripts/eval_matching.py: token_sort_ratio of the query
against every listed name, the best name's entity first. No retrieval, no identifiers, no
types: what a screening tool built in an afternoon would do. Names and queries go through
the project's `normalize_name` (casefold, anyascii, punctuation dropped) first, so a query in
another script is compared in its ASCII transliteration, as token_sort_ratio's own
preprocessing would not. Ties count in the baseline's favour (the expected entity is "first"
when no other entity scores higher).
"""

from __future__ import annotations

import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from sanctions.normalize import normalize_name

THRESHOLD = 0.85  # a common default for token_sort_ratio screening (85 of 100)
CHUNK = 256  # queries per cdist call: 256 x 48,000 bytes stays small


def _key(text: str) -> str:
    return " ".join(sorted(normalize_name(text).split()))  # token_sort_ratio's sorting


class Baseline:
    def __init__(self, db: Path, cluster: Callable[[str], str]) -> None:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        rows = conn.execute("SELECT entity_id, name FROM names ORDER BY id").fetchall()
        conn.close()
        self.entity = [eid for eid, _ in rows]
        self.cluster = np.array([cluster(eid) for eid, _ in rows], dtype=object)
        self.keys = [_key(n) for _, n in rows]
        self.members: dict[str, np.ndarray] = {}
        by: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(self.cluster):
            by[c].append(i)
        self.members = {c: np.array(ix) for c, ix in by.items()}

    def scores(self, queries: Sequence[str]) -> Any:
        """Yield (query index, scores over all names as uint8 0-100), chunk by chunk."""
        keys = [_key(q) for q in queries]
        for start in range(0, len(keys), CHUNK):
            block = process.cdist(keys[start:start + CHUNK], self.keys, scorer=fuzz.ratio,
                                  dtype=np.uint8, workers=-1)
            for k, row in enumerate(block):
                yield start + k, row

    def run(self, queries: Sequence[str], expected: Sequence[str],
            ) -> tuple[list[tuple[bool, float, str, float]], float]:
        """Per query (top1, score, got, got score), as eval_matching's Outcome; queries/s.
        For a positive the score is the expected cluster's best; else the top score."""
        out: list[tuple[bool, float, str, float]] = []
        start = time.perf_counter()
        for i, row in self.scores(queries):
            best = int(np.argmax(row))
            got, got_score = self.entity[best], row[best] / 100
            want = expected[i]
            if not want:
                out.append((False, got_score, got, got_score))
                continue
            ix = self.members.get(want)
            mine = float(row[ix].max()) / 100 if ix is not None else 0.0
            out.append((mine >= got_score and mine > 0, mine, got, got_score))
        return out, len(queries) / (time.perf_counter() - start)

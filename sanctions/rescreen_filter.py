"""Which customers a re-screen must screen, and their screening: the rows of a customer file
that could match one of a few changed entities (sanctions.rescreen) are found in bulk over the
file's distinct words (sanctions.matching.reach: a cheap superset, following the matcher), and
only those go through the service; the others cost a share of one pass over the file's text.
tests/test_rescreen.py and scripts/check_reach.py check that a re-screen reports every hit a
full screen reports.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Mapping, Sequence
from typing import Any

from .matching import DEFAULT_CONFIG, Index
from .matching.reach import reaching

# Files of fewer rows are filtered in this process alone: forking a helper costs more than it
# saves on them (scripts/bench_rescreen.py).
FORK_ROWS = 4000
_PART: tuple[Any, ...] | None = None  # what the forked helpers filter and screen


def screen_reaching(index: Index, view: Sequence[Mapping[str, Any]],
                    rows: Sequence[Mapping[str, Any]], threshold: float,
                    defaults: Mapping[str, Any], workers: int = 2
                    ) -> list[dict[str, Any] | None]:
    """Each row's result against `index` when the row could reach `threshold` against one of
    its entities (`view`: the rows as the bound sees them), else None. The rows that could are
    found in one pass over the distinct words of a share of the file
    (sanctions.matching.reach), then screened by the service; each core takes every
    `workers`-th row (a file sorted by country is shared evenly)."""
    global _PART
    # The rows and the index live through the whole pass: keep the collector off them (its full
    # passes over every row cost up to a quarter of the time) and the helpers' copies of their
    # pages untouched.
    gc.freeze()
    try:
        if (workers <= 1 or len(rows) < FORK_ROWS
                or "fork" not in multiprocessing.get_all_start_methods()):
            return _share(index, view, rows, threshold, defaults)
        _PART = (index, view, rows, threshold, defaults, workers)
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            later = [pool.apply_async(_part, (k,)) for k in range(1, workers)]
            parts = [_part(0), *(p.get() for p in later)]
        out: list[dict[str, Any] | None] = [None] * len(rows)
        for k, part in enumerate(parts):
            out[k::workers] = part
        return out
    finally:
        _PART = None
        gc.unfreeze()


def _part(k: int) -> list[dict[str, Any] | None]:
    assert _PART is not None
    index, view, rows, threshold, defaults, workers = _PART
    return _share(index, view[k::workers], rows[k::workers], threshold, defaults)


def _share(index: Index, view: Sequence[Mapping[str, Any]], rows: Sequence[Mapping[str, Any]],
           threshold: float, defaults: Mapping[str, Any]) -> list[dict[str, Any] | None]:
    from .batch import screen_rows

    ok = _reaching(index, view, threshold)
    todo = [r for r, hit in zip(rows, ok, strict=True) if hit]
    done = iter(screen_rows(index, todo, defaults) if todo else ())
    return [next(done) if hit else None for hit in ok]


def _reaching(index: Index, rows: Sequence[Mapping[str, Any]], threshold: float
              ) -> list[bool]:
    """Which rows could score `threshold` against an entity of a small index: a superset
    (sanctions.matching.reach), so that a re-screen screens only them. A row with an
    identifier or an error is always screened; a birth date or country may add its bonus."""
    cfg = DEFAULT_CONFIG
    names = [None if "_error" in row or row.get("imo") or row.get("identifier")
             or not isinstance(row.get("name"), str) else row["name"] for row in rows]
    # a bonus only comes with the field it rewards (sanctions.matching.score)
    bonuses = [(cfg.birth_date_bonus if row.get("birth_date") else 0.0)
               + (cfg.country_bonus if row.get("country") else 0.0) for row in rows]
    return reaching(index, names, bonuses, threshold, cfg)

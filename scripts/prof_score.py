#!/usr/bin/env python
"""Scoring's share of a query's CPU: per-query CPU of whole queries and of scoring alone.

    python scripts/prof_score.py [--db db/sanctions.db] [--queries 3000] [--runs 3]
                                 [--profile N]

The queries are `scripts/bench_screen.py`'s sample (listed names, half with a typo, and as
many made-up names). Each run times, in CPU seconds of this one process (`process_time`, so
the figures hold on a loaded machine better than wall time):
- whole queries through `screening.screen_query` (limit 10), token cache cold (cleared
  first) and then warm (the same queries again);
- scoring alone: every candidate that retrieval found for each query scored and ranked as
  `screen_query` has it done (`matching.score.rank`, 40 ranked; the candidates are found
  first, outside the timing), every match explained (`match` without a floor) and only those
  at or above the default threshold (`floor`). A matcher older than `rank` is timed with
  one `combine` a candidate (what its `match` did), so old and new code can be compared:
  `PYTHONPATH=<other tree> python scripts/prof_score.py`.
`--profile N` also runs cProfile over one cold pass and prints the N costliest functions by
their own time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_screen, when run by path
from bench_screen import sample_queries  # noqa: E402

from sanctions.matching import (  # noqa: E402
    DEFAULT_CONFIG,
    Index,
    Prepared,
    Query,
    admits,
    combine,
    prepare,
    score,  # noqa: E402
)
from sanctions.screening import get_index, make_query, screen_query  # noqa: E402

rank = getattr(score, "rank", None)  # None: a matcher older than `score.rank`


def candidates(index: Index, name: str) -> tuple[Prepared, Query, set[int]]:
    """The prepared query and the names `match` would score for it (as `match` finds them)."""
    query = make_query({"name": name})
    p = prepare(query, index, DEFAULT_CONFIG)
    if rank is not None:
        return p, query, score.candidates(p, query, index, DEFAULT_CONFIG)
    found: set[int] = set()  # an older matcher: `match` found them so
    for alts in (p.alternatives, p.vessel_alternatives):
        found |= set(index.retrieve(alts, DEFAULT_CONFIG).tolist())
        found |= index.joined_names(alts[0])
    for ident in p.identifiers:
        for e_i in index.by_identifier.get(ident, ()):
            found.update(index.names_of.get(e_i, ()))
    return p, query, found


def whole(index: Index, queries: list[str]) -> float:
    c = time.process_time()
    for q in queries:
        screen_query(index, make_query({"name": q}), limit=10)
    return time.process_time() - c


def scoring(index: Index, work: list[tuple[Prepared, Query, set[int]]],
            floor: float | None) -> tuple[float, int]:
    """CPU seconds to score (and rank) every query's candidates as `screen_query` has them
    scored (limit 10, so 40 ranked), and how many candidates there were."""
    cfg = DEFAULT_CONFIG
    n = 0
    c = time.process_time()
    for p, query, names in work:
        if rank is not None:
            rank(p, query, index, cfg, names, 40, floor)
        else:  # an older matcher: one `combine` a name, every one explained
            for n_i in names:
                if admits(index.entities[index.names[n_i].entity], query):
                    combine(p, query, index, n_i, cfg)
        n += len(names)
    return time.process_time() - c, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=Path("db/sanctions.db"))
    ap.add_argument("--queries", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", type=int, default=0, metavar="N")
    args = ap.parse_args()

    index = get_index(args.db)
    queries = sample_queries(args.db, args.queries)
    work = [candidates(index, q) for q in queries]
    threshold = DEFAULT_CONFIG.threshold
    cold: list[float] = []
    warm: list[float] = []
    full: list[float] = []
    floored: list[float] = []
    for run in range(1, args.runs + 1):
        index.clear_cache()
        cold.append(whole(index, queries) / len(queries) * 1000)
        warm.append(whole(index, queries) / len(queries) * 1000)
        s, n = scoring(index, work, None)
        full.append(s / len(queries) * 1000)
        s, n = scoring(index, work, threshold)
        floored.append(s / len(queries) * 1000)
        print(f"run {run}: CPU per query: whole {cold[-1]:.3f} ms cold, {warm[-1]:.3f} ms "
              f"warm; scoring alone {full[-1]:.3f} ms every match explained, "
              f"{floored[-1]:.3f} ms only those at or above {threshold} ("
              f"{n / len(queries):.1f} candidates a query)", flush=True)
    if args.runs > 1:
        def span(v: list[float]) -> str:
            return f"{min(v):.3f}-{max(v):.3f} ms (median {statistics.median(v):.3f})"
        print(f"{args.runs} runs, {len(queries)} queries: whole cold {span(cold)}, warm "
              f"{span(warm)}; scoring alone {span(full)} every match explained, "
              f"{span(floored)} with the floor")
    if args.profile:
        index.clear_cache()
        prof = cProfile.Profile()
        prof.enable()
        whole(index, queries)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()

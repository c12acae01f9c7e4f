#!/usr/bin/env python
"""CPU per query of a batch, and where it goes: the stages of `screen_many` in one process.

    python scripts/prof_query.py [--db db/sanctions.db] [--queries 3000] [--runs 3]
                                 [--profile N] [--lines MODULE:FUNC ...]

The queries are `scripts/bench_screen.py`'s sample (listed names, half with a typo, and as many
made-up names), screened as `sanctions screen --input` screens them but in this one process
(`screen_many(workers=1)`), so the figures are CPU seconds of one process (`process_time`): they
hold on a loaded machine better than wall time. Each run screens the whole sample twice: cold
(the token cache cleared first, as a batch starts) and warm (the same queries again), and then
once more cold with a CPU timer around each stage:
- `make_query` (the batch's row validation, and the one inside `parse`),
- `warm` (every token of a chunk looked up at once: retrieval's `similar`),
- `prepare` (the query's forms), `candidates` (retrieval), `rank` (scoring),
- assembly (what `screen_query` does besides `match`: clusters, related entities, JSON),
- `notes` (the stale notes and the rest of `screen_many` around the batch),
so that the figures of the stages add up to the whole (the rest is the timers' own cost and
the batch's bookkeeping). `--profile N` runs cProfile over one cold pass and prints the N
costliest functions by own time; `--lines` runs line_profiler over the named functions
(e.g. `sanctions.matching.features:align_form`).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_screen, when run by path
from bench_screen import sample_queries  # noqa: E402

STAGES = (  # (label, module, attribute): the attribute is wrapped where it is looked up
    ("make_query", "sanctions.batch", "make_query"),
    ("make_query", "sanctions.queries", "make_query"),
    ("warm", "sanctions.matching.index", "Index.warm"),
    ("prepare", "sanctions.matching.score", "prepare"),
    ("candidates", "sanctions.matching.score", "candidates"),
    ("rank", "sanctions.matching.score", "rank"),
    ("match", "sanctions.screening", "match"),
    ("screen_query", "sanctions.screening", "screen_query"),
)


def run(db: Path, rows: list[dict[str, Any]]) -> float:
    """CPU seconds to screen the rows in this process, as a batch does."""
    from sanctions.screening import screen_many

    c = time.process_time()
    for _ in screen_many(rows, db=db, workers=1, decisions=False, audit=False):
        pass
    return time.process_time() - c


def _wrap(totals: dict[str, float], label: str, func: Callable[..., Any]) -> Callable[..., Any]:
    clock = time.process_time

    def timed(*args: Any, **kwargs: Any) -> Any:
        c = clock()
        try:
            return func(*args, **kwargs)
        finally:
            totals[label] = totals.get(label, 0.0) + clock() - c
    return timed


def stages(db: Path, rows: list[dict[str, Any]]) -> dict[str, float]:
    """CPU seconds of each stage over one cold pass (inclusive: `match` holds `prepare`...)."""
    from sanctions.screening import get_index

    totals: dict[str, float] = {}
    saved = []
    for label, module, attr in STAGES:
        owner: Any = importlib.import_module(module)
        *path, name = attr.split(".")
        for part in path:
            owner = getattr(owner, part)
        if not hasattr(owner, name):
            continue  # a stage another version of the code does not have
        saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, _wrap(totals, label, getattr(owner, name)))
    try:
        get_index(db).clear_cache()
        totals["whole"] = run(db, rows)
    finally:
        for owner, name, func in reversed(saved):
            setattr(owner, name, func)
    return totals


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, default=Path("db/sanctions.db"))
    ap.add_argument("--queries", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--profile", type=int, default=0)
    ap.add_argument("--lines", nargs="*", default=[])
    args = ap.parse_args()

    from sanctions.screening import get_index

    index = get_index(args.db)
    rows = [{"id": str(i), "name": q} for i, q in enumerate(sample_queries(args.db,
                                                                             args.queries))]
    n = len(rows)
    run(args.db, rows)  # lazily loaded tables, name rows, first-use imports: not timed
    cold: list[float] = []
    warm: list[float] = []
    split: list[dict[str, float]] = []
    for k in range(1, args.runs + 1):
        index.clear_cache()
        cold.append(run(args.db, rows) / n * 1000)
        warm.append(run(args.db, rows) / n * 1000)
        split.append({key: v / n * 1000 for key, v in stages(args.db, rows).items()})
        s = split[-1]
        assembly = s.get("screen_query", 0) - s.get("match", 0)
        outside = s.get("match", 0) - s.get("prepare", 0) - s.get("candidates", 0) \
            - s.get("rank", 0)
        rest = s["whole"] - s.get("screen_query", 0) - s.get("make_query", 0) \
            - s.get("warm", 0)
        print(f"run {k}: CPU per query {cold[-1]:.3f} ms cold, {warm[-1]:.3f} ms warm; "
              f"stages (cold, timers on: {s['whole']:.3f} ms): make_query "
              f"{s.get('make_query', 0):.3f}, warm {s.get('warm', 0):.3f}, prepare "
              f"{s.get('prepare', 0):.3f}, candidates {s.get('candidates', 0):.3f}, rank "
              f"{s.get('rank', 0):.3f}, rest of match {outside:.3f}, assembly "
              f"{assembly:.3f}, notes and batch {rest:.3f}",
              flush=True)
    if args.runs > 1:
        def span(v: list[float]) -> str:
            return f"{min(v):.3f}-{max(v):.3f} ms (median {statistics.median(v):.3f})"
        print(f"{args.runs} runs, {n} queries, CPU per query: cold {span(cold)}, warm "
              f"{span(warm)}; {1000 / statistics.median(cold):,.0f} queries/s of one core's "
              "CPU, cold")
    if args.profile:
        index.clear_cache()
        prof = cProfile.Profile()
        prof.enable()
        run(args.db, rows)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)
    if args.lines:
        from line_profiler import LineProfiler

        lp = LineProfiler()
        for spec in args.lines:
            module, _, attr = spec.partition(":")
            owner: Any = importlib.import_module(module)
            for part in attr.split("."):
                owner = getattr(owner, part)
            lp.add_function(owner)
        index.clear_cache()
        lp.runcall(run, args.db, rows)
        lp.print_stats(stripzeros=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Screening speed: index load time, single-query latency, batch throughput, peak memory.

    python scripts/bench_screen.py [--db db/sanctions.db] [--queries 3000] [--workers 2]
                                   [--runs 3]

Queries are listed names (primary and aliases, sampled with a fixed seed) with one typo in
every other one, plus as many made-up names, so both hits and misses are timed. Single-query
latency is measured with a cold token cache (each query's tokens first seen then), batch
throughput through `screen_many` as `sanctions screen --input` runs it (this process and
`--workers` - 1 forked helpers), with the peak memory of all of them. `--runs N` repeats the
single queries (token cache cleared first) and the batch N times and prints the range; the CPU
time of the single queries is printed too (on a loaded machine wall time is mostly waiting).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import statistics
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sanctions.matching import Index

FIRST = ["james", "maria", "wei", "li", "ahmed", "olga", "pedro", "anna", "john", "fatima",
         "ivan", "sofia", "carlos", "yuki", "omar"]
LAST = ["smith", "garcia", "chen", "novak", "brown", "silva", "kowalski", "tanaka", "muller",
        "rossi", "dubois", "jensen"]


def sample_queries(db: Path, n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    conn = sqlite3.connect(db)
    names = [r[0] for r in conn.execute("SELECT name FROM names WHERE kind != 'weak'")]
    conn.close()
    queries = []
    for i, name in enumerate(rng.sample(names, n // 2)):
        if i % 2 and len(name) > 6:  # one typo
            j = rng.randrange(1, len(name) - 1)
            name = name[:j] + name[j + 1] + name[j] + name[j + 2:]
        queries.append(name)
    queries += [f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"
                for _ in range(n - len(queries))]
    rng.shuffle(queries)
    return queries


class MemorySampler(threading.Thread):
    """Peak proportional set size (PSS) of this process and its children, from /proc (Linux):
    forked workers share pages with the parent, so adding their RSS would count those twice."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            try:
                pids = [os.getpid(), *self.children(os.getpid())]
                self.peak_kb = max(self.peak_kb, sum(self.pss(p) for p in pids))
            except OSError:  # a worker exited between listing and reading
                pass
            time.sleep(0.1)

    @staticmethod
    def children(pid: int) -> list[int]:
        out: list[int] = []
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(c) for c in f.read().split()]
        return out

    @staticmethod
    def pss(pid: int) -> int:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("Pss:"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", type=Path, default=Path("db/sanctions.db"))
    ap.add_argument("--queries", type=int, default=3000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()

    from sanctions.screening import get_index

    start = time.perf_counter()
    index = get_index(args.db)
    load = time.perf_counter() - start
    print(f"index load: {load:.2f} s ({len(index.entities):,} entities, {len(index.names):,} "
          f"names, {len(index.vocab):,} distinct tokens)")

    queries = sample_queries(args.db, args.queries)
    singles, batches = [], []
    for run in range(1, args.runs + 1):
        index.clear_cache()
        times, cpu = single_queries(index, queries[:500])
        singles.append((statistics.median(times), times[int(len(times) * 0.95)],
                        statistics.median(cpu)))
        print(f"run {run}: single query (500, cold token cache): p50 {singles[-1][0]:.2f} ms, "
              f"p95 {singles[-1][1]:.2f} ms, max {times[-1]:.1f} ms; CPU p50 "
              f"{singles[-1][2]:.2f} ms", flush=True)
        index.clear_cache()
        batches.append(batch(args, queries))
    if args.runs > 1:
        print(f"{args.runs} runs: single p50 {_span([s[0] for s in singles], 'ms')}, p95 "
              f"{_span([s[1] for s in singles], 'ms')}; batch "
              f"{_span(batches, 'queries/s', 0)}")


def single_queries(index: Index, queries: list[str]) -> tuple[list[float], list[float]]:
    from sanctions.screening import make_query, screen_query

    times, cpu = [], []
    for q in queries:
        t, c = time.perf_counter(), time.process_time()
        screen_query(index, make_query({"name": q}), limit=10)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    times.sort()
    cpu.sort()
    return times, cpu


def batch(args: argparse.Namespace, queries: list[str]) -> float:
    from sanctions.screening import screen_many

    rows = [{"id": str(i), "name": q} for i, q in enumerate(queries)]
    sampler = MemorySampler()
    if os.path.exists("/proc/self/smaps_rollup"):
        sampler.start()
    t = time.perf_counter()
    hits = sum(1 for r in screen_many(rows, db=args.db, workers=args.workers) if r["matches"])
    dt = time.perf_counter() - t
    sampler.running = False
    print(f"batch: {len(rows):,} queries in {dt:.2f} s = {len(rows) / dt:,.0f} queries/s "
          f"({args.workers} workers; {hits:,} with a match at the default threshold)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: {rss:.0f} MB this process, {kids:.0f} MB its largest worker; "
          f"peak PSS of all processes during the batch: {sampler.peak_kb / 1024:.0f} MB",
          flush=True)
    return len(rows) / dt


def _span(values: list[float], unit: str, digits: int = 2) -> str:
    return (f"{min(values):,.{digits}f}-{max(values):,.{digits}f} {unit} "
            f"(median {statistics.median(values):,.{digits}f})")


if __name__ == "__main__":
    main()

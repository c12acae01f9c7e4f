#!/usr/bin/env python
"""Time the full offline build from the bundled snapshots.

    python scripts/bench_build.py [--runs 3] [--source ofac_sdn ...]

Prints per-source parse+write times and the whole build's wall time (best and median of runs).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sanctions.ingest.build import build
from sanctions.sources import all_sources, get_source


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--source", action="append", default=[])
    args = ap.parse_args()
    sources = [get_source(k) for k in args.source] if args.source else all_sources()
    walls: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            start = time.perf_counter()
            result = build(Path(tmp) / "bench.db", sources=sources)
            walls.append(time.perf_counter() - start)
            per = "  ".join(f"{s.key}={s.seconds:.2f}s" for s in result.sources)
            total = sum(s.total for s in result.sources)
            print(f"run {i + 1}: {walls[-1]:.2f} s wall, {total:,} entities  [{per}]")
    print(f"build: best {min(walls):.2f} s, median {statistics.median(walls):.2f} s "
          f"over {args.runs} runs ({', '.join(s.key for s in sources)})")


if __name__ == "__main__":
    main()

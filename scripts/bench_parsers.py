#!/usr/bin/env python
"""Time each source's parser on its bundled snapshot.

    python scripts/bench_parsers.py [--runs 5] [--source ofac_sdn ...]

Prints min / median / max seconds per source over the runs. A measurement, not a test: the
parser tests used to assert "under 5 s", which failed on a loaded 2-core CI machine.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sanctions.sources import all_sources, get_source
from sanctions.sources.base import Report, Source


def time_parse(source: Source, runs: int) -> tuple[list[float], int]:
    """Seconds of each full parse (records consumed) and the number of records."""
    seconds: list[float] = []
    count = 0
    paths = source.snapshot_paths()
    for _ in range(runs):
        start = time.perf_counter()
        count = sum(1 for _ in source.parse(paths, Report()))
        seconds.append(time.perf_counter() - start)
    return seconds, count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--source", action="append", default=[], help="source key (repeatable)")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    sources = [get_source(k) for k in args.source] if args.source else all_sources()
    print(f"{'source':<15} {'records':>8} {'min s':>8} {'median s':>9} {'max s':>8}"
          f"   ({args.runs} runs)")
    for source in sources:
        seconds, count = time_parse(source, args.runs)
        print(f"{source.key:<15} {count:>8,} {min(seconds):>8.3f} "
              f"{statistics.median(seconds):>9.3f} {max(seconds):>8.3f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Time the build, phase by phase, with the memory each phase reached.

    python scripts/bench_build.py [--runs 3] [--source ofac_sdn ...]
    python scripts/bench_build.py --ftm scale=/tmp/scale.ftm.json [--runs 1] [--keep DIR]
        [--over-previous]

The first form builds the bundled snapshots; `--ftm KEY=PATH` (repeatable) adds an FtM file as
`sanctions build --ftm` does, e.g. the synthetic 1.5M-name file of scripts/make_ftm_scale.py,
with every bundled source unless `--source` names some. Each run builds a fresh database in a
temporary directory (or DIR) and prints every phase's wall time and the peak resident memory of
the process during it (sampled every 0.1 s, plus the kernel's peak over the whole run); the
summary gives the range and median over runs. The index-file phase is the index writer's.
`--over-previous`: every run after the first builds over the last run's database, as a nightly
rebuild does (the change history then compares every entity instead of writing a baseline).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from sanctions.ingest.build import build
from sanctions.ingest.ftm import ftm_inputs
from sanctions.sources import all_sources, get_source


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Sampler(threading.Thread):
    """Resident memory every 0.1 s, as (seconds since start, MB)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, float]] = []
        self.stop = threading.Event()
        self.start_at = time.perf_counter()

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append((time.perf_counter() - self.start_at, rss_mb()))
            self.stop.wait(0.1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--source", action="append", default=[])
    ap.add_argument("--ftm", action="append", default=[], metavar="KEY=PATH")
    ap.add_argument("--keep", type=Path, help="build into this directory and keep the database")
    ap.add_argument("--over-previous", action="store_true",
                    help="runs after the first build over the last run's database")
    args = ap.parse_args()
    sources = [get_source(k) for k in args.source] if args.source else all_sources()
    extra, inputs = ftm_inputs({k: Path(p) for k, _, p in (s.partition("=") for s in args.ftm)})
    sources = [*sources, *extra]
    walls: list[float] = []
    phases: dict[str, list[float]] = {}
    peaks: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(args.runs):
            if not (args.over_previous and i):
                (folder / "bench.db").unlink(missing_ok=True)
            sampler = Sampler()
            sampler.start()
            start = time.perf_counter()
            cpu = os.times()
            offset = start - sampler.start_at
            result = build(folder / "bench.db", sources=sources, inputs=inputs)
            walls.append(time.perf_counter() - start)
            used = os.times()  # this process and its waited-for children (the index writer's)
            cpu_s = sum(used[:4]) - sum(cpu[:4])
            sampler.stop.set()
            sampler.join()
            total = sum(s.total for s in result.sources)
            print(f"run {i + 1}: {walls[-1]:.1f} s wall, {cpu_s:.1f} s CPU, {total:,} entities")
            for name, (a, b) in result.phases.items():
                during = [mb for t, mb in sampler.samples if a + offset <= t <= b + offset]
                phases.setdefault(name, []).append(b - a)
                rss = f"{max(during):7,.0f} MB" if during else "      - (too short to sample)"
                cpu_phase = result.cpu.get(name, 0.0)
                print(f"  {name:<24} {b - a:8.1f} s  (CPU {cpu_phase:7.1f} s)   RSS up to {rss}")
            for src in result.sources:
                if src.seconds >= 1:
                    print(f"    {src.key}: parse {src.parse_seconds:.1f} s, write "
                          f"{src.write_seconds:.1f} s")
            other = walls[-1] - sum(b - a for a, b in result.phases.values())
            print(f"  {'(between phases)':<24} {other:8.1f} s")
            peaks.append(peak_mb())
            print(f"  peak RSS of the process so far: {peaks[-1]:,.0f} MB")
    print(f"\nbuild over {args.runs} run(s) of {', '.join(s.key for s in sources)}:")
    print(f"  wall: {min(walls):.1f}-{max(walls):.1f} s, median {statistics.median(walls):.1f}")
    for name, secs in phases.items():
        print(f"  {name:<24} {min(secs):.1f}-{max(secs):.1f} s, "
              f"median {statistics.median(secs):.1f}")
    print(f"  peak RSS: {max(peaks):,.0f} MB")


if __name__ == "__main__":
    main()

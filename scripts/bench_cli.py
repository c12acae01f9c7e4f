#!/usr/bin/env python
"""Start-up time of the `sanctions` command: wall time of `sanctions --help` (and of the
modules `import sanctions.cli` loads), over several runs in fresh processes.

    python scripts/bench_cli.py [--runs 10]

Prints min / median / max seconds. The target is 0.3 s for --help on a 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "sanctions --help": [sys.executable, "-m", "sanctions", "--help"],
        "sanctions screen --help": [sys.executable, "-m", "sanctions", "screen", "--help"],
    }
    for label, cmd in commands.items():
        timed(cmd)  # warm the file cache
        times = sorted(timed(cmd) for _ in range(args.runs))
        print(f"{label:26s} min {times[0]:.3f} s  median {statistics.median(times):.3f} s  "
              f"max {times[-1]:.3f} s  ({args.runs} runs)")
    heavy = subprocess.run(
        [sys.executable, "-c", "import sys, sanctions.cli; print(' '.join(sorted(m for m in "
         "('sqlite_utils', 'numpy', 'rapidfuzz', 'datasette', 'requests', 'yaml') "
         "if m in sys.modules)))"], capture_output=True, text=True, check=True).stdout.strip()
    print(f"heavy modules loaded by `import sanctions.cli`: {heavy or 'none'}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Start-up and one-off times of the `sanctions` command, each in fresh processes.

    python scripts/bench_cli.py [--runs 10] [--db db/sanctions.db]

Prints min / median / max seconds of: `python -c pass` (the interpreter alone); `sanctions
--help` (target 0.3 s on a 2-core machine); the imports a one-off screening needs (`import
sanctions.cli`, then `sanctions.screening` and the index modules); and the whole one-off
`sanctions screen "Nicolas Maduro" --db DB` (target: median of 5 <= 0.5 s on the bundled
database; it opens the index file the build wrote instead of building the index; a plain
one-off is read without typer, sanctions/cli/oneoff.py). A loaded machine inflates every
figure: compare with `python -c pass` in the same run, and the CPU medians.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], cpus: list[float] | None = None) -> float:
    """Wall seconds of one run (its CPU seconds appended to `cpus`: on a loaded machine the
    wall time is mostly waiting for a core, the CPU time much less so)."""
    before = cpu()
    start = time.perf_counter()
    # `screen` exits 1 when it finds a match: any status but a crash (2 and up) is a run
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode > 1:
        sys.exit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-500:]}")
    wall = time.perf_counter() - start
    if cpus is not None:
        cpus.append(cpu() - before)
    return wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--db", default="db/sanctions.db")
    args = ap.parse_args()
    imports = ("import sanctions.cli, sanctions.screening, sanctions.store.index, "
               "sanctions.store.index_file")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "sanctions --help": [sys.executable, "-m", "sanctions", "--help"],
        "sanctions screen --help": [sys.executable, "-m", "sanctions", "screen", "--help"],
        "import cli + screening": [sys.executable, "-c", imports],
        "screen 'Nicolas Maduro'": [sys.executable, "-m", "sanctions", "screen",
                                    "Nicolas Maduro", "--db", args.db],
    }
    for label, cmd in commands.items():
        timed(cmd)  # warm the file cache (and, for screen, write the index file if missing)
        cpus: list[float] = []
        times = sorted(timed(cmd, cpus) for _ in range(args.runs))
        print(f"{label:26s} min {times[0]:.3f} s  median {statistics.median(times):.3f} s  "
              f"max {times[-1]:.3f} s  (CPU median {statistics.median(cpus):.3f} s; "
              f"{args.runs} runs)")
    heavy = subprocess.run(
        [sys.executable, "-c", "import sys, sanctions.cli; print(' '.join(sorted(m for m in "
         "('sqlite_utils', 'numpy', 'rapidfuzz', 'datasette', 'requests', 'yaml') "
         "if m in sys.modules)))"], capture_output=True, text=True, check=True).stdout.strip()
    print(f"heavy modules loaded by `import sanctions.cli`: {heavy or 'none'}")
    # the one-off query skips typer's parsing (sanctions/cli/oneoff.py)
    oneoff = subprocess.run(
        [sys.executable, "-c", "import sys; from sanctions.cli import main\n"
         f"sys.argv = ['sanctions', 'screen', 'Nicolas Maduro', '--db', {args.db!r}]\n"
         "try:\n    main()\nexcept SystemExit:\n    print('loaded:', *(m for m in ('typer', "
         "'pydantic', 'rich.progress', 'sqlite_utils', 'datasette', 'requests', 'openpyxl') "
         "if m in sys.modules), file=sys.stderr)"],
        capture_output=True, text=True, check=False).stderr.splitlines()
    found = (oneoff or ["loaded: ?"])[-1].removeprefix("loaded:").strip()
    print(f"heavy modules loaded by the one-off screen: {found or 'none'}")


if __name__ == "__main__":
    main()

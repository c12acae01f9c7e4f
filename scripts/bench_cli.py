#!/usr/bin/env python
"""Start-up and one-off times of the `sanctions` command, each in fresh processes.

    python scripts/bench_cli.py [--runs 10] [--db db/sanctions.db] [--batch-rows 20000]

Prints min / median / max seconds of: `python -c pass` (the interpreter alone); `sanctions
--help` (target 0.3 s on a 2-core machine); the imports a one-off screening needs (`import
sanctions.cli`, then `sanctions.screening` and the index modules); and the whole one-off
`sanctions screen "Nicolas Maduro" --db DB` (target: median of 5 <= 0.5 s on the bundled
database; it opens the index file the build wrote instead of building the index; a plain
one-off is read without typer, sanctions/cli/oneoff.py). A loaded machine inflates every
figure: compare with `python -c pass` in the same run, and the CPU medians.

The package's bytecode is compiled first (compileall, as an install does): a checkout run with
PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module in every run, about a quarter
of a second of each start, which no installed copy pays.

--batch-rows N: also a batch of the first N rows of eval/customers.csv, timed two ways.
1. The whole `sanctions screen --input FILE --format csv --output OUT` process (--runs times):
   wall, CPU (with its helper process) and rows/s.
2. In one process, without the pool: the CPU per row of matching alone (sanctions.batch's
   screen_rows over the same chunks) and of everything a batch does (reading the file,
   screen_many with its data version and notes, the CSV writer); the difference is the batch's
   cost outside matching.
"""

from __future__ import annotations

import argparse
import compileall
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path


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


def compiled() -> None:
    """Compile the package's bytecode where it is imported from, and say so."""
    import sanctions

    where = Path(sanctions.__file__).resolve().parent
    ok = compileall.compile_dir(str(where), quiet=1)
    print(f"bytecode: {where} compiled first (as an install does){'' if ok else ', with errors'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--db", default="db/sanctions.db")
    ap.add_argument("--batch-rows", type=int, default=0, help="also time a batch of N rows")
    args = ap.parse_args()
    compiled()
    if args.batch_rows:
        batch(args.db, args.batch_rows, args.runs)
        return
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


def batch(db: str, rows: int, runs: int) -> None:
    import csv
    import tempfile

    root = Path(__file__).resolve().parent.parent
    with open(root / "eval" / "customers.csv", encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    head, body = table[0], table[1:]
    body = (body * (rows // len(body) + 1))[:rows]
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "customers.csv", Path(tmp) / "hits.csv"
        with open(src, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([head, *body])
        cmd = [sys.executable, "-m", "sanctions", "screen", "--input", str(src), "--format",
               "csv", "--output", str(out), "--db", db]
        cpus: list[float] = []
        times = sorted(timed(cmd, cpus) for _ in range(runs))
        print(f"sanctions screen --input ({rows:,} rows): wall min {times[0]:.2f} s, median "
              f"{statistics.median(times):.2f} s, max {times[-1]:.2f} s; "
              f"{rows / times[-1]:,.0f}-{rows / times[0]:,.0f} rows/s; CPU median "
              f"{statistics.median(cpus):.2f} s with its helper ({runs} runs)")
        # each in a fresh process: the second pass over the same names in one process would
        # find every token cached
        splits: dict[str, list[float]] = {"matching": [], "batch": []}
        for _ in range(runs):
            for mode, found in splits.items():
                code = SPLIT.format(db=db, src=str(src), out=str(out), mode=mode)
                found.append(float(subprocess.run(
                    [sys.executable, "-c", code], capture_output=True, text=True,
                    check=True).stdout))
        pure, whole = (statistics.median(v) for v in splits.values())
        print(f"  one process, CPU per row (median of {runs}): matching alone {pure:.3f} ms "
              f"({min(splits['matching']):.3f}-{max(splits['matching']):.3f}); the whole "
              f"batch path {whole:.3f} ms ({min(splits['batch']):.3f}-"
              f"{max(splits['batch']):.3f}); outside matching {whole - pure:.3f} ms")


# one process, its index warmed on other names: the CPU per row of matching alone (mode
# "matching") or of the whole batch path (mode "batch"), printed in ms
SPLIT = """
import csv, time
from pathlib import Path
from sanctions import screening
from sanctions.batch import CHUNK, screen_rows
from sanctions.cli.batch_input import BatchFile
from sanctions.cli.batch_output import Output, writing
index = screening.get_index({db!r})
screen_rows(index, [{{"name": f"Warm Up Name {{i}}"}} for i in range(CHUNK)], {{}})
with BatchFile(Path({src!r})) as bf:
    every = [{{**r.fields, "_row": r.line}} for r in bf.rows()]
t = time.process_time()
if {mode!r} == "matching":
    for i in range(0, len(every), CHUNK):
        screen_rows(index, every[i:i + CHUNK], {{}})
else:
    with BatchFile(Path({src!r})) as bf:
        fields = ({{**r.fields, "_row": r.line}} for r in bf.rows())
        with writing(Output(Path({out!r}), data=True), "csv", False, bf.columns or []) as w:
            for r in screening.screen_many(fields, db={db!r}, workers=1, decisions=False):
                w.write(r)
print((time.process_time() - t) * 1000 / len(every))
"""


if __name__ == "__main__":
    main()

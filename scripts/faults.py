#!/usr/bin/env python
"""Fault cases, run for real: bad files, bad servers, hostile clients, crashes mid-build.

    python scripts/faults.py [--only WORD] [--timeout 120]

Each module in scripts/fault_cases/ defines `CASES`, a list of `Case`s. A case gets a scratch
directory and returns what it observed in one line; the verdict compares it with what was
expected. Servers are local (127.0.0.1) and every case is bounded in time. Prints a table
case | expected | observed | verdict and exits 1 when any case fails. The tests cover the same
cases (tests/test_faults_*.py).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


@dataclass(frozen=True)
class Case:
    name: str
    expected: str
    run: Callable[[Path], str]  # scratch dir -> what was observed
    ok: Callable[[str], bool] | None = None  # default: observed == expected


def load_cases() -> list[Case]:
    import fault_cases

    cases: list[Case] = []
    for info in sorted(pkgutil.iter_modules(fault_cases.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"fault_cases.{info.name}")
        cases.extend(module.CASES)
    return cases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    rows = []
    for case in load_cases():
        if args.only and args.only not in case.name:
            continue
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            try:
                observed = case.run(Path(tmp))
            except Exception as exc:  # a case that crashes is a failed case, not a crashed run
                observed = f"case crashed: {exc.__class__.__name__}: {exc}"
                traceback.print_exc(limit=3)
        ok = case.ok(observed) if case.ok else observed == case.expected
        rows.append((case.name, case.expected, observed, "ok" if ok else "FAIL",
                     time.perf_counter() - start))
    width = [max(len(r[i]) for r in rows) if rows else 4 for i in range(3)]
    width = [min(w, 60) for w in width]
    print(f"{'case':{width[0]}} | {'expected':{width[1]}} | {'observed':{width[2]}} | verdict")
    for name, expected, observed, verdict, seconds in rows:
        print(f"{name:{width[0]}} | {expected[:60]:{width[1]}} | {observed[:60]:{width[2]}} | "
              f"{verdict} ({seconds:.1f} s)")
    failed = sum(r[3] == "FAIL" for r in rows)
    print(f"{len(rows) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

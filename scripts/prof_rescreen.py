"""Where a re-screen's CPU goes, part by part: the figures to read before changing its cost.

    python scripts/prof_rescreen.py [--db PATH] [--customers eval/customers.csv] [--n 20000]
                                    [--changed 10] [--seed 13] [--plant 10] [--runs 3]

The same file and change as scripts/bench_rescreen.py (a seeded sample of the database's
entities as the change, `--plant` customers renamed as one of them). One process
(workers=1: a forked helper's CPU is not this process's to time), after one re-screen that
stores the file's preparation and reads the index's statistics, as a warm `sanctions rescreen`
finds them. Each part's CPU (time.process_time, wrapped around the functions named; a part
inside another is counted in both) is the mean of `--runs` re-screens; the whole's too, and
what is left outside the parts. The wrappers cost some 0.1 us a call: the parts called once a
name (clean_text) read a little high.
"""

from __future__ import annotations

import argparse
import collections
import functools
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_rescreen import scenario  # noqa: E402

import sanctions.batch  # noqa: E402
import sanctions.matching.reach as reach  # noqa: E402
import sanctions.rescreen_filter  # noqa: E402
import sanctions.store.decisions  # noqa: E402
import sanctions.store.entities  # noqa: E402
import sanctions.store.index_part  # noqa: E402
import sanctions.store.prepared  # noqa: E402
import sanctions.store.version  # noqa: E402
from sanctions.matching.index import Index  # noqa: E402
from sanctions.matching.reach_prepared import Prepared  # noqa: E402
from sanctions.rescreen import rescreen  # noqa: E402
from sanctions.store import DEFAULT_DB  # noqa: E402

# (owner, attribute): the parts timed, in the order a re-screen meets them
PARTS: list[tuple[Any, str]] = [
    (sanctions.store.version, "read_data_version"), (sanctions.store.entities, "StaleNotes"),
    (sanctions.store.prepared, "load"), (sanctions.store.index_part, "load_entities_index"),
    (sanctions.rescreen_filter, "_reaching"), (reach, "file_work"), (Prepared, "tokens"),
    (reach, "_Sets"), (reach, "respellings"), (Prepared, "spellings"), (reach, "shared"),
    (reach, "other_forms"), (reach, "class_forms"), (reach, "_Words"), (reach, "complete"),
    (reach._Words, "_may_reach"), (Index, "similar"), (reach._Words, "_bound"),
    (sanctions.batch, "screen_rows"), (sanctions.rescreen_filter, "keep_prepared"),
    (sanctions.store.decisions, "Decisions")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=DEFAULT_DB)
    ap.add_argument("--customers", type=Path, default=ROOT / "eval" / "customers.csv")
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--changed", type=int, default=10)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--plant", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    rows, change, _, _ = scenario(args.db, args.customers, args.n, args.changed, args.seed,
                                  args.plant)  # as scripts/bench_rescreen.py draws them
    changed = change.changed

    spent: collections.defaultdict[str, float] = collections.defaultdict(float)
    calls: collections.defaultdict[str, int] = collections.defaultdict(int)
    for owner, name in PARTS:
        setattr(owner, name, _timed(getattr(owner, name), f"{owner.__name__}.{name}", spent,
                                    calls))
    list(rescreen(rows, since=change, db=args.db, workers=1, audit=False))  # warm
    spent.clear()
    calls.clear()
    started = time.process_time()
    for _ in range(args.runs):
        reported = list(rescreen(rows, since=change, db=args.db, workers=1, audit=False))
    whole = (time.process_time() - started) / args.runs
    print(f"{len(rows):,} customers, {len(changed)} changed entities, {len(reported)} "
          f"reported; a re-screen's CPU, mean of {args.runs}: {whole * 1000:.0f} ms")
    outer = sum(spent.get(f"{o.__name__}.{n}", 0.0) for o, n in PARTS
                if n not in ("file_work", "tokens", "_Sets", "respellings", "spellings",
                             "shared", "other_forms", "class_forms", "_Words", "complete",
                             "_may_reach", "similar", "_bound")) / args.runs
    for label, cpu in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"{cpu / args.runs * 1000:8.1f} ms {cpu / args.runs / whole:6.1%} "
              f"{calls[label] // args.runs:7,d} calls  {label.removeprefix('sanctions.')}")
    print(f"{(whole - outer) * 1000:8.1f} ms {(whole - outer) / whole:6.1%}"
          f"          outside the parts (rescreen's own steps, the rows' results)")


def _timed(func: Any, label: str, spent: collections.defaultdict[str, float],
           calls: collections.defaultdict[str, int]) -> Any:
    @functools.wraps(func)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - started
            calls[label] += 1
    return timed


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""CPU per query of each phase of batch screening, in one process, as a batch worker runs it.

    python scripts/prof_phases.py [--db db/sanctions.db] [--queries 1000] [--runs 1]

Queries are `bench_screen.sample_queries` (listed names, half with a typo, and made-up names),
screened in chunks of 256 rows (`batch.screen_rows`, token cache cold at the start of each run,
a fresh process per run). Phases, in CPU milliseconds per query (this thread's CPU time, so
a loaded machine inflates them less than wall time, though it still does):
- look-ups: `Index.warm`, every token of a chunk paired with its listed words (gram index,
  OSA similarity, spellings, romanisation keys);
- retrieve: the candidate pools (`Index.retrieve`: postings per token, coarse scores, the pool,
  the pool's rows read from the index file; a look-up the batch one missed);
- prepare: `query.prepare` (tokens, forms, alternatives);
- scoring: `score.rank`;
- rest: result assembly and the rest of `screen_record`.
With `--db` a scale copy (`scripts/bench_scale.py --out DIR`: DIR/x30/sanctions.db) this gives
retrieval's share at 1.5M names.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
PHASES = ("look-ups", "retrieve", "prepare", "scoring")


def measure(db: Path, queries: int) -> dict[str, float]:
    from bench_screen import sample_queries

    import sanctions.matching.index as index_module
    import sanctions.matching.score as score_module
    from sanctions.batch import screen_rows
    from sanctions.store.index import load_index

    index = load_index(db)
    rows: list[Mapping[str, Any]] = [{"id": str(i), "name": q}
                                     for i, q in enumerate(sample_queries(db, queries))]
    spent = dict.fromkeys(PHASES, 0.0)
    inside = [False]  # a phase called within another counts to the outer one

    def timed(owner: Any, name: str, phase: str) -> None:
        inner: Callable[..., Any] = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if inside[0]:
                return inner(*args, **kwargs)
            inside[0] = True
            start = time.thread_time()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[phase] += time.thread_time() - start
                inside[0] = False

        setattr(owner, name, wrapper)

    timed(index_module.Index, "warm", "look-ups")
    timed(index_module.Index, "retrieve", "retrieve")
    timed(score_module, "prepare", "prepare")
    timed(score_module, "rank", "scoring")
    start = time.thread_time()
    for i in range(0, len(rows), 256):
        screen_rows(index, rows[i:i + 256], {})
    total = time.thread_time() - start
    out = {k: v * 1000 / queries for k, v in spent.items()}
    out["rest"] = total * 1000 / queries - sum(out.values())
    out["total"] = total * 1000 / queries
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, default=ROOT / "db" / "sanctions.db")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.db, args.queries)))
        return
    runs = [json.loads(subprocess.run(
        [sys.executable, __file__, "--measure", "--db", str(args.db), "--queries",
         str(args.queries)], check=True, capture_output=True, text=True).stdout.splitlines()[-1])
        for _ in range(args.runs)]
    print(f"{args.db}: {args.queries} queries, {args.runs} run(s), CPU ms per query"
          " (min-max over runs)")
    for phase in (*PHASES, "rest", "total"):
        values = [r[phase] for r in runs]
        share = sum(values) / max(sum(r["total"] for r in runs), 1e-9)
        print(f"  {phase:<9} {min(values):6.2f}-{max(values):6.2f}  ({share:4.0%})")


if __name__ == "__main__":
    main()

"""What decisions and the audit trail cost a batch: screen_many over N customer rows plain, with
decisions recorded for some of them, and with auditing on; each REPEAT times, min-max printed.

    python scripts/bench_decisions.py --db /tmp/copy/sanctions.db --rows 2000 --repeat 3

Works on a copy: decisions and audit rows go to a temporary file, never beside --db.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from sanctions.screening import get_index, screen_many
from sanctions.store.decisions import record_decision


def customers(db: Path, n: int) -> list[dict[str, str]]:
    """Listed names (every 20th row) among made-up ones, keyed c0, c1, ..."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    listed = [r[0] for r in conn.execute("SELECT name FROM entities ORDER BY id LIMIT 2000")]
    conn.close()
    rnd = random.Random(13)
    first = ["Anna", "Jonas", "Maria", "Wei", "Olu", "Sara", "Ivan", "Lena", "Omar", "Kai"]
    last = ["Berg", "Costa", "Nguyen", "Okafor", "Rossi", "Schmidt", "Tanaka", "Haddad"]
    return [{"id": f"c{i}", "name": rnd.choice(listed) if i % 20 == 0
             else f"{rnd.choice(first)} {rnd.choice(last)}"} for i in range(n)]


def timed(rows: list[dict[str, str]], db: Path, **kw: Any) -> tuple[float, int]:
    start = time.perf_counter()
    hits = sum(bool(r["matches"]) for r in screen_many(rows, db=db, workers=2, **kw))
    return time.perf_counter() - start, hits


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = customers(args.db, args.rows)
    get_index(args.db)  # loaded once, outside the timings
    with tempfile.TemporaryDirectory() as tmp:
        decisions = Path(tmp) / "decisions.db"
        plain = [timed(rows, args.db, decisions=False) for _ in range(args.repeat)]
        hits = [r for r in screen_many(rows[:400], db=args.db, workers=1) if r["matches"]]
        for r in hits[:50]:
            record_decision(r["query"]["id"], r["matches"][0]["entity_id"], "false_positive",
                            by="bench", db=args.db, decisions=decisions)
        decided = [timed(rows, args.db, decisions=decisions) for _ in range(args.repeat)]
        audited = [timed(rows, args.db, decisions=decisions, audit=True)
                   for _ in range(args.repeat)]
        for label, runs in (("plain", plain), (f"{min(50, len(hits))} decisions", decided),
                            ("decisions + audit", audited)):
            secs = [s for s, _ in runs]
            print(f"{label:>20}: {args.rows} rows in {min(secs):.2f}-{max(secs):.2f} s "
                  f"({args.rows / max(secs):,.0f}-{args.rows / min(secs):,.0f} rows/s), "
                  f"{runs[0][1]} with matches")


if __name__ == "__main__":
    main()

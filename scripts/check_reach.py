"""Does a re-screen miss any hit a full screen finds? Many random changes against one screen.

    python scripts/check_reach.py [--db PATH] [--sets 30] [--changed 10] [--customers 5000]

The queries: every name of the entities of `--sets` random changes of `--changed` entities,
each as written, lower case, words reversed, a letter left out and two letters swapped, plus
the first `--customers` rows of eval/customers.csv (14 locales, Arabic and Greek among them).
They are screened in full once; then each change is re-screened
(sanctions.rescreen, its pre-filter sanctions.matching.reach) and every full-screen hit on one
of its entities must be among the re-screen's (with the same score, or the figures say how
many differ). Prints each change's figures and exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sanctions.rescreen import ChangeSet, rescreen  # noqa: E402
from sanctions.screening import screen_many  # noqa: E402
from sanctions.store import DEFAULT_DB  # noqa: E402


def variants(name: str, rng: random.Random) -> list[str]:
    out = [name, name.lower(), " ".join(reversed(name.split()))]
    if len(name) > 6:
        i = rng.randrange(1, len(name) - 2)
        out += [name[:i] + name[i + 1:], name[:i] + name[i + 1] + name[i] + name[i + 2:]]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=DEFAULT_DB)
    ap.add_argument("--sets", type=int, default=30)
    ap.add_argument("--changed", type=int, default=10)
    ap.add_argument("--customers", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    conn = sqlite3.connect(f"{args.db.resolve().as_uri()}?mode=ro", uri=True)
    ids = sorted(r[0] for r in conn.execute("SELECT id FROM entities"))
    changes = [set(rng.sample(ids, args.changed)) for _ in range(args.sets)]
    every = sorted(set().union(*changes))
    names = [r[0] for r in conn.execute(
        f"SELECT name FROM names WHERE entity_id IN ({','.join('?' * len(every))})", every)]
    conn.close()
    queries = [{"id": f"v{i}", "name": v}
               for i, v in enumerate(v for n in names for v in variants(n, rng))]
    with (ROOT / "eval" / "customers.csv").open(encoding="utf-8", newline="") as fh:
        queries += [{"id": r["id"], "name": r["name"]} for _, r in
                    zip(range(args.customers), csv.DictReader(fh), strict=False)]
    started = time.perf_counter()
    full = [(r["query"]["id"], m["entity_id"], m["score"])
            for r in screen_many(queries, db=args.db, workers=args.workers, decisions=False)
            for m in r["matches"]]
    print(f"{len(queries):,} queries screened in full in {time.perf_counter() - started:.1f} s, "
          f"{len(full):,} hits")
    missed = 0
    for k, changed in enumerate(changes):
        started = time.perf_counter()
        got = {(r["query"]["id"], m["entity_id"], m["score"]) for r in rescreen(
            queries, since=ChangeSet("check", changed=changed), db=args.db,
            workers=args.workers, audit=False) for m in r["matches"]}
        want = {h for h in full if h[1] in changed}
        lost = want - got
        # the same hit at another score: the small index's candidate pool held another alias
        other = {h for h in lost if any(g[:2] == h[:2] for g in got)}
        missed += len(lost - other)
        print(f"change {k + 1}: {len(want)} hits in full, {len(got)} re-screened, "
              f"{len(lost - other)} missed, {len(other)} at another score, "
              f"{time.perf_counter() - started:.2f} s")
        for h in sorted(lost):
            print(f"  {'other score' if h in other else 'missed'}: {h} "
                  f"{[g[2] for g in got if g[:2] == h[:2]]}")
    print(f"missed {missed} in all")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

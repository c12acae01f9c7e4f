#!/usr/bin/env python
"""Add more `missing_middle` cases to eval/dev_2.csv: a listed person queried by the first
given name and the surname, the other given names and patronymics left out ("Ahmad Khalid"
for KHALID, Ahmad Abdul Rahman), made the way `make_dev_set.person_variant` makes them.

    python scripts/devset_middle.py --db <a built database> [--n 48]

Only people of the dev split (`devset_v2.part_of` == 0) whose primary name no other cluster
carries, nor a name within a letter or two, not already expected by a row of the file, and
whose shortened name is no other cluster's; a fixed seed. Made from the bundled lists only.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its siblings, when loaded by path
import make_dev_set as base  # noqa: E402
from devset_v2 import part_of  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261202


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "dev_2.csv")
    ap.add_argument("--n", type=int, default=48)
    args = ap.parse_args()
    with args.out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    have = {r["query"] for r in rows}
    expected = {r["expected"] for r in rows}
    data = base.load(args.db)
    rng = random.Random(SEED)
    pool = [e for e in base.candidates(data, "person")
            if part_of(e.cluster) == 0 and e.id not in expected]
    rng.shuffle(pool)
    added = 0
    with args.out.open("a", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        for e in pool:
            if added >= args.n:
                break
            made = base.person_variant(e, "missing_middle", rng)
            if made is None or made[0] in have or data.near_duplicate(e) or (
                    data.clusters_for(made[0]) - {e.cluster}):
                continue
            w.writerow(base.row(made[0], "person", rng, e.id, "person", "missing_middle",
                                f"{made[1]}; listed {e.name!r}"))
            added += 1
    print(f"added {added} cases to {args.out}")


if __name__ == "__main__":
    main()

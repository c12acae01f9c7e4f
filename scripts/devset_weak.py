#!/usr/bin/env python
"""Add cases of the classes the held-out set found weak to eval/dev_2.csv, made the way
`devset_v2` makes them, so the dev set has enough of them to study (issue 11, session 7):
people's `romanisation_arabic`, `cyrillic`, `romanisation_slavic` and `missing_middle`,
organisations' `romanisation_arabic` and `joined`.

    python scripts/devset_weak.py --db <a built database> [--n 40] [--out eval/dev_2.csv]

Only entities of the dev split (`devset_v2.part_of` == 0) whose primary name no other cluster
carries, nor a name within a letter or two, not already expected by a row of the file, and
whose variant is no other cluster's name; a fixed seed. Made from the bundled lists and the
tables of `devset_tables.py` only.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its siblings, when loaded by path
import make_dev_set as base  # noqa: E402
from devset_v2 import org_variant, part_of, person_variant  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261207
WEAK = (("person", "romanisation_arabic"), ("person", "cyrillic"),
        ("person", "romanisation_slavic"), ("person", "missing_middle"),
        ("organization", "romanisation_arabic"), ("organization", "joined"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "dev_2.csv")
    ap.add_argument("--n", type=int, default=40, help="rows per class")
    args = ap.parse_args()
    with args.out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    have = {r["query"] for r in rows}
    expected = {r["expected"] for r in rows}
    data = base.load(args.db)
    rng = random.Random(SEED)
    new: list[dict[str, str]] = []
    for etype, variant in WEAK:
        make = person_variant if etype == "person" else org_variant
        pool = [e for e in base.candidates(data, etype)
                if part_of(e.cluster) == 0 and e.id not in expected]
        rng.shuffle(pool)
        added = 0
        for e in pool:
            if added >= args.n:
                break
            made = make(e, variant, rng)
            if made is None or made[0] in have or data.near_duplicate(e) or (
                    data.clusters_for(made[0]) - {e.cluster}):
                continue
            have.add(made[0])
            expected.add(e.id)
            new.append(base.row(made[0], etype, rng, e.id, etype, variant,
                                f"{made[1]}; listed {e.name!r}"))
            added += 1
        print(f"{etype}/{variant}: {added}")
    with args.out.open("a", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writerows(new)
    print(f"added {len(new)} cases to {args.out}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Add `joined_legal_form` cases to eval/dev_2.csv: a listed company's name written as one
word with its legal form glued to the end ("GOLDENDRAGONSHIPPINGLTD"), as customer files and
payment messages that drop spaces write it.

    python scripts/devset_glued.py --db <a built database> [--n 12]

Only entities of the dev split (`devset_v2.part_of` == 0) whose normalised name no other
cluster carries, with two to four words before a trailing legal form; a fixed seed. Rows
already in the file are not added twice. Made from the bundled lists only.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its siblings, when loaded by path
from devset_v2 import part_of  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261130
FORMS = ("LTD", "LIMITED", "LLC", "OOO", "JSC", "INC", "CORP", "GMBH", "PLC")


def candidates(db: Path) -> list[tuple[str, str]]:
    """(entity id, listed primary name) of dev-split companies ending in a legal form."""
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT e.id, e.name, n.normalized, COALESCE(c.cluster_id, e.id) "
                        "FROM entities e JOIN names n ON n.entity_id = e.id "
                        "LEFT JOIN clusters c ON c.entity_id = e.id "
                        "WHERE e.type = 'organization' AND n.kind = 'primary'").fetchall()
    holders: dict[str, set[str]] = defaultdict(set)
    for _, _, normalized, cluster in rows:
        holders[normalized].add(cluster)
    out = []
    for eid, name, normalized, cluster in rows:
        words = name.replace(",", " ").replace(".", " ").split()
        if (part_of(cluster) == 0 and len(holders[normalized]) == 1 and words
                and words[-1].upper() in FORMS and 2 <= len(words) - 1 <= 4
                and all(w.isascii() and w.isalpha() for w in words)):
            out.append((eid, name))
    return sorted(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "dev_2.csv")
    ap.add_argument("--n", type=int, default=12)
    args = ap.parse_args()
    with args.out.open(encoding="utf-8", newline="") as f:
        have = {(r["query"], r["expected"]) for r in csv.DictReader(f)}
    picked = random.Random(SEED).sample(candidates(args.db), args.n)
    added = 0
    with args.out.open("a", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        for eid, name in picked:
            query = "".join(name.replace(",", " ").replace(".", " ").split()).upper()
            if (query, eid) not in have:
                w.writerow([query, "", eid, "organization", "joined_legal_form",
                            f"the name as one word, legal form glued on; listed {name!r}"])
                added += 1
    print(f"added {added} cases to {args.out}")


if __name__ == "__main__":
    main()

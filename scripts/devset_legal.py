#!/usr/bin/env python
"""Add `legal_form_glued` cases to eval/dev_2.csv: a listed company's legal form glued to the
word beside it while the other words keep their spaces ("KRIOGEN MASH OAO" written
"KRIOGENMASHOAO", "OOOSTROY INVEST"), as payment messages that squeeze a name write it. The
forms are those the lists use around a name, Russian ones (OOO, OAO, ZAO, PAO, CJSC) among
them, two-word ones ("CO LTD") glued whole.

    python scripts/devset_legal.py --db <a built database> [--n 24]

Only entities of the dev split (`devset_v2.part_of` == 0) whose normalised name no other
cluster carries, with one to four words besides the form; a fixed seed, at most two rows
of one form (at the end or the start). Rows already in the file are not added twice. Made
from the bundled lists only.
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
SEED = 20261201
AFTER = ("LIMITED LIABILITY COMPANY", "CO LTD", "CO LIMITED", "COMPANY LIMITED", "OAO", "ZAO",
         "PAO", "OOO", "OJSC", "CJSC", "PJSC", "COMPANY", "SARL", "LLC", "LTD", "LIMITED", "JSC",
         "GMBH")
BEFORE = ("OOO", "OAO", "ZAO", "PAO", "TOO", "AO")


def glued(name: str) -> tuple[str, str] | None:
    """(query, form) with the legal form glued to its neighbour, or None if the name has no
    form of these at its end or start."""
    words = name.replace(",", " ").replace(".", " ").upper().split()
    if not all(w.isascii() and w.isalpha() for w in words):
        return None
    for form in AFTER:  # longest first where one form ends another ('CO LTD', 'LTD')
        n = len(form.split())
        if 1 <= len(words) - n <= 4 and " ".join(words[-n:]) == form and len(words[-n - 1]) >= 4:
            return " ".join([*words[:-n - 1], words[-n - 1] + form.replace(" ", "")]), form
    if words and words[0] in BEFORE and 1 <= len(words) - 1 <= 4 and len(words[1]) >= 4:
        return " ".join([words[0] + words[1], *words[2:]]), words[0] + " (first)"
    return None


def candidates(db: Path) -> list[tuple[str, str, str, str]]:
    """(entity id, listed primary name, query, form) of dev-split companies with a form."""
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
        if part_of(cluster) == 0 and len(holders[normalized]) == 1 and (g := glued(name)):
            out.append((eid, name, *g))
    return sorted(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "dev_2.csv")
    ap.add_argument("--n", type=int, default=24)
    args = ap.parse_args()
    with args.out.open(encoding="utf-8", newline="") as f:
        have = {(r["query"], r["expected"]) for r in csv.DictReader(f)}
    pool = candidates(args.db)
    random.Random(SEED).shuffle(pool)
    picked: list[tuple[str, str, str, str]] = []
    per_form: dict[str, int] = defaultdict(int)
    for row in pool:  # many forms, not a dozen LIMITEDs
        if len(picked) < args.n and per_form[row[3]] < 2:
            picked.append(row)
            per_form[row[3]] += 1
    added = 0
    with args.out.open("a", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        for eid, name, query, form in picked:
            if (query, eid) not in have:
                w.writerow([query, "", eid, "organization", "legal_form_glued",
                            f"legal form {form} glued to the word beside it; listed {name!r}"])
                added += 1
    print(f"added {added} cases to {args.out}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Add East Slavic romanisation cases to eval/dev_2.csv: a listed person's given name and
patronymic written in the other language's form ("Serhiy Oleksandrovych Yershov" for
YERSHOV, Sergey Aleksandrovich: Ukrainian for Russian, or back), and hard negatives with the
listed surname and another East Slavic given name ("Mykola Yershov").

    python scripts/devset_slavic.py --db <a built database> [--n 24] [--hard 15]

Only entities of the dev split (`devset_v2.part_of` == 0) whose normalised primary name no
other cluster carries. The other form is taken from sanctions/data/names/east_slavic.tsv, one
that plain fuzzy matching would not pair with the listed one (similarity under 0.7); a fixed
seed. Rows already in the file are not added twice. Made from the bundled lists only.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

from rapidfuzz.distance import OSA

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its siblings, when loaded by path
from devset_v2 import part_of  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "sanctions" / "data" / "names" / "east_slavic.tsv"
SEED = 20261130
PATRONYMIC = re.compile(r"\w(?:ov|ev|iev|yev|av)?(?:ich|ych|na)\b")


def groups() -> tuple[dict[str, list[str]], list[tuple[bool, list[str]]]]:
    """Each spelling's other spellings, and the given-name groups with whether they are
    women's names (for hard negatives of the same sex)."""
    other: dict[str, list[str]] = {}
    given: list[tuple[bool, list[str]]] = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line:
            continue
        gid, words = line.split("\t")
        spellings = words.split()
        for s in spellings:
            other[s] = [t for t in spellings if OSA.normalized_similarity(s, t) < 0.7]
        if int(gid[2:]) < 100:
            given.append((int(gid[2:]) >= 50, spellings))
    return other, given


def people(db: Path) -> list[tuple[str, str, list[str]]]:
    """(entity id, listed name, its words) of dev-split people listed 'SURNAME, Given ...'."""
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT e.id, e.name, n.normalized, COALESCE(c.cluster_id, e.id) "
                        "FROM entities e JOIN names n ON n.entity_id = e.id "
                        "LEFT JOIN clusters c ON c.entity_id = e.id "
                        "WHERE e.type = 'person' AND n.kind = 'primary'").fetchall()
    holders: dict[str, set[str]] = defaultdict(set)
    for _, _, normalized, cluster in rows:
        holders[normalized].add(cluster)
    out = []
    for eid, name, normalized, cluster in rows:
        # a patronymic says the name is East Slavic ('GAXIOLA GARCIA, Maria Elena' is not)
        if (part_of(cluster) == 0 and len(holders[normalized]) == 1 and name.count(",") == 1
                and name.isascii() and PATRONYMIC.search(normalized)):
            out.append((eid, name, normalized.split()))
    return sorted(out)


def listed_pairs(db: Path) -> set[tuple[str, str]]:
    """(token, token) pairs within any listed person name: a hard negative must not be one."""
    conn = sqlite3.connect(db)
    pairs: set[tuple[str, str]] = set()
    for (normalized,) in conn.execute("SELECT n.normalized FROM names n JOIN entities e "
                                      "ON e.id = n.entity_id WHERE e.type = 'person'"):
        toks = normalized.split()
        pairs.update((a, b) for a in toks for b in toks)
    return pairs


def append_new(out: Path, rows: list[list[str]]) -> None:
    """Append to the set at `out` the rows whose query and expected entity it lacks (a rerun
    adds none), and say how many."""
    with out.open(encoding="utf-8", newline="") as f:
        have = {(r["query"], r["expected"]) for r in csv.DictReader(f)}
    added = 0
    with out.open("a", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        for row in rows:
            if (row[0], row[2]) not in have:
                w.writerow(row)
                added += 1
    print(f"added {added} cases to {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "dev_2.csv")
    ap.add_argument("--n", type=int, default=24)
    ap.add_argument("--hard", type=int, default=15)
    args = ap.parse_args()
    other, given = groups()
    rng = random.Random(SEED)
    rows: list[list[str]] = []
    found = [(eid, name) for eid, name, toks in people(args.db)
             if any(other.get(t) for t in toks[1:])]
    for eid, name in rng.sample(found, min(args.n, len(found))):
        surname, rest = (p.strip() for p in name.split(","))
        words = [rng.choice(other[w.lower()]).capitalize() if other.get(w.lower()) else w
                 for w in rest.split()]
        query = " ".join([*words, surname.title()])
        rows.append([query, "person" if rng.random() < 0.5 else "", eid, "person",
                     "romanisation_ua_ru", f"Ukrainian/Russian forms swapped; listed {name!r}"])
    pairs = listed_pairs(args.db)
    hard = [(name, toks) for _, name, toks in people(args.db)
            if len(toks) >= 2 and any(other.get(t) for t in toks[1:])]
    for name, toks in rng.sample(hard, len(hard)):
        if len(rows) >= args.n + args.hard:
            break
        surname = name.split(",")[0].strip()
        sex = [w for w, g in given if set(g) & set(toks)]
        if len(sex) != 1:
            continue  # the listed given name is not in the table, or says no one sex
        pool = [(s, g) for w, g in given if w == sex[0] and not set(g) & set(toks)
                for s in g if len(s) >= 5]
        pick, spellings = rng.choice(pool)
        if any((t, s) in pairs for t in toks for s in spellings):
            continue  # someone listed carries both, in some spelling: not a negative
        rows.append([f"{pick.capitalize()} {surname.title()}", "", "", "hard_negative",
                     "slavic_other_given",
                     f"the listed surname with another East Slavic given name; listed {name!r}"])
    append_new(args.out, rows)


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Draw the reviewed sample of clusters and print each record of each, for a person to judge.

    python scripts/cluster_sample.py --db db/sanctions.db [--out sample.txt] [--json]

The sample (tests/fixtures/clusters_reviewed.json keeps the verdicts): SAMPLE clusters of two
or three records drawn at random with a fixed seed, plus every cluster of four or more. A
one-record cluster cannot merge two parties, so none is drawn. For each record: type, names,
birth dates, nationalities, identifiers, programs, listing date, remarks; then the links that
joined the cluster, with their evidence. Pairs already judged in eval/links_reviewed.csv are
marked with that judgement.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sqlite3
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REVIEWED = ROOT / "eval" / "links_reviewed.csv"
SEED = 16
SAMPLE = 200


def draw(conn: sqlite3.Connection) -> list[tuple[str, list[str], str]]:
    """(cluster id, members, how drawn), random ones first, then every one of 4+ records."""
    members: dict[str, list[str]] = defaultdict(list)
    for eid, cid in conn.execute("SELECT entity_id, cluster_id FROM clusters ORDER BY entity_id"):
        members[cid].append(eid)
    small = sorted(c for c, m in members.items() if 2 <= len(m) <= 3)
    big = sorted(c for c, m in members.items() if len(m) >= 4)
    picked = random.Random(SEED).sample(small, min(SAMPLE, len(small)))
    return ([(c, members[c], "random") for c in sorted(picked)]
            + [(c, members[c], "size4+") for c in big])


def describe(conn: sqlite3.Connection, eid: str) -> str:
    e = conn.execute("SELECT type, name, programs, listed_on, remarks FROM entities WHERE id=?",
                     (eid,)).fetchone()
    names = [r[0] for r in conn.execute(
        "SELECT name FROM names WHERE entity_id=? AND kind!='primary' ORDER BY id", (eid,))]
    births = [r[0] for r in conn.execute("SELECT raw FROM birth_dates WHERE entity_id=?", (eid,))]
    nats = [r[0] for r in conn.execute("SELECT country FROM nationalities WHERE entity_id=?",
                                       (eid,))]
    ids = [f"{r[0]} {r[1]}" for r in conn.execute(
        "SELECT scheme, value FROM identifiers WHERE entity_id=?", (eid,))]
    out = [f"  {eid} [{e[0]}] {e[1]!r}  programs {','.join(json.loads(e[2]))}"
           f"  listed {e[3] or '-'}"]
    if names:
        out.append(f"      aka: {'; '.join(names[:8])}" + (" ..." if len(names) > 8 else ""))
    extra = [("born", births), ("nat", nats), ("ids", ids[:6])]
    line = "  ".join(f"{k} {', '.join(v)}" for k, v in extra if v)
    if line:
        out.append(f"      {line}")
    if e[4]:
        out.append(f"      remarks: {e[4][:220]}")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", default=str(ROOT / "db" / "sanctions.db"))
    ap.add_argument("--json", action="store_true", help="print the sample's members as JSON")
    args = ap.parse_args()
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    sample = draw(conn)
    if args.json:
        print(json.dumps([{"cluster": c, "members": m, "drawn_as": how}
                          for c, m, how in sample], indent=1))
        return
    judged: dict[tuple[str, str], str] = {}
    with REVIEWED.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            a, b = sorted((row["entity_a"], row["entity_b"]))
            judged[(a, b)] = row["judgement"]
    for n, (cid, members, how) in enumerate(sample, 1):
        print(f"#{n} {cid} ({len(members)} records, {how})")
        for m in members:
            print(describe(conn, m))
        marks = ",".join("?" * len(members))
        for a, b, reason, detail in conn.execute(
                f"SELECT entity_a, entity_b, reason, detail FROM links WHERE entity_a IN ({marks})"
                " ORDER BY entity_a, entity_b", members):
            seen = judged.get((min(a, b), max(a, b)))
            print(f"    link {a} ~ {b}: {reason}" + (f" [reviewed: {seen}]" if seen else "")
                  + f"  {detail[:200]}")
        print()


if __name__ == "__main__":
    main()

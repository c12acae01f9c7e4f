#!/usr/bin/env python
"""Report on cross-list linking in a built database, against the hand-reviewed pairs.

    python scripts/link_report.py [--db db/sanctions.db] [--eval eval/links_reviewed.csv]
                                  [--explain A B ...] [--sample 10]

Links the database's records again on a copy (timed, wall clock and CPU), twice: as the build
does (with the reviewers' judgements in sanctions/data/link_judgements.csv) and without them,
so the figures say what the evidence alone achieves. Then prints:

- links by reason, refusals by kind, cluster sizes;
- against eval/links_reviewed.csv (pairs judged 'same' or 'different' by reading both records;
  'unsure' pairs are left out): cluster precision (of reviewed pairs the linker put in one
  cluster, the share judged the same) and recall (of pairs judged the same, the share put in
  one cluster), overall, per rule (the reason of the link joining the pair, 'via cluster' when
  they are joined through others, 'not linked' for misses) and per way the pair was drawn;
- the reviewed pairs it gets wrong, and for each --explain pair the decision and its reasons.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sqlite3
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from sanctions.ingest.link import Result, compute, read_judgements, write
from sanctions.sources import source_priority

MUST_HOLD = [
    ("ofac_sdn:4697", "state_fto:ansarallah"),  # HIZBALLAH vs the Houthis
    ("ofac_sdn:4697", "un_sc:6908876"),
    ("ofac_sdn:6366", "un_sc:113236"),  # al-Qaida vs Egyptian Islamic Jihad
    ("ofac_sdn:6366", "state_fto:al-jihad-egyptian-islamic-jihad"),
    ("ofac_cons:17015", "ofac_cons:18291"),  # VEB and its subsidiary Belveb, one tax number
    ("ofac_sdn:31673", "uk_sanctions:RUS0701"),  # PRIGOZHINA Valentinovna / Valentinova
]


def timed_link(db: Path, judgements: dict | None) -> tuple[Result, float, float]:
    """Link a copy of the database without its links; (result, wall s, CPU s)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.db"
        shutil.copy(db, copy)
        conn = sqlite3.connect(copy)
        conn.executescript("DROP TABLE IF EXISTS links; DROP TABLE IF EXISTS clusters;"
                           " DROP TABLE IF EXISTS link_refusals;")
        wall, cpu = time.perf_counter(), time.process_time()
        result = compute(conn, judgements)
        write(conn, result)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        conn.close()
    return result, wall, cpu


def rule_of(result: Result, a: str, b: str) -> str:
    if result.clusters.find(a) != result.clusters.find(b):
        return "not linked"
    for d in result.accepted:
        if {d.a, d.b} == {a, b}:
            return d.reason
    return "via cluster"


def evaluate(result: Result, reviewed: list[dict[str, str]]) -> None:
    ents = result.linker.ents
    rows = [r for r in reviewed if r["judgement"] in ("same", "different")
            and r["entity_a"] in ents and r["entity_b"] in ents]
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    by_draw: dict[str, Counter[str]] = defaultdict(Counter)
    wrong: list[str] = []
    for r in rows:
        a, b, same = r["entity_a"], r["entity_b"], r["judgement"] == "same"
        rule = rule_of(result, a, b)
        linked = rule != "not linked"
        cell = ("tp" if same else "fp") if linked else ("fn" if same else "tn")
        for table, key in ((by_rule, rule), (by_draw, r["drawn_as"]), (by_rule, "ALL")):
            table[key][cell] += 1
        if cell in ("fp", "fn"):
            wrong.append(f"  {cell} {a} ~ {b} [{rule}] {r['reason']}")
    unsure = sum(1 for r in reviewed if r["judgement"] == "unsure")
    print(f"  {len(rows)} reviewed pairs judged same/different ({unsure} unsure, left out)")
    for title, table in (("per rule", by_rule), ("per way drawn", by_draw)):
        print(f"  {title}:{'':22} pairs  linked  precision  same  recall")
        for key in sorted(table, key=lambda k: (k != "ALL", k)):
            c = table[key]
            linked, same = c["tp"] + c["fp"], c["tp"] + c["fn"]
            prec = f"{c['tp'] / linked:7.1%}" if linked else "      -"
            rec = f"{c['tp'] / same:7.1%}" if same else "      -"
            print(f"    {key:32} {sum(c.values()):5} {linked:7} {prec:>10} {same:5} {rec:>7}")
    print("  reviewed pairs it gets wrong (fp: linked but judged different; fn: missed):")
    print("\n".join(wrong) or "  none")


def explain(result: Result, pairs: list[tuple[str, str]]) -> None:
    refused = {(d.a, d.b): why for d, why in result.refused}
    for a, b in pairs:
        if a not in result.linker.ents or b not in result.linker.ents:
            print(f"  {a} ~ {b}: not in this database")
            continue
        d = result.linker.decide(a, b)
        together = result.clusters.find(a) == result.clusters.find(b)
        why = refused.get((min(a, b), max(a, b)))
        verdict = ("linked" if together else "apart") + (f" (refused: {why})" if why else "")
        print(f"  {a} ~ {b}: {verdict}; score {d.score:.2f}, {d.reason}\n      {d.detail}")


def clusters_reviewed(result: Result, path: Path) -> None:
    """The reviewed sample of clusters (tests/fixtures/clusters_reviewed.json): the review's
    precision, and whether this linking reproduces every cluster (and every split) in it."""
    review = json.loads(path.read_text(encoding="utf-8"))
    found = review["clusters"]
    right = [c for c in found if c["verdict"] == "correct"]
    records, right_records = (sum(len(c["members"]) for c in cs) for cs in (found, right))
    print(f"  {len(found)} clusters ({records} records) reviewed: {len(right)} correct "
          f"({len(right) / len(found):.1%}), {right_records} records in correct clusters "
          f"({right_records / records:.1%})")
    members: dict[str, set[str]] = {}
    for m in result.clusters.clusters():
        for e in m:
            members[e] = set(m)
    differ = [part for c in found for part in (c["split"] if c["verdict"] == "wrong"
                                               else [c["members"]])
              if members.get(part[0]) != set(part)]
    print(f"  reproduced by this linking: {len(found) - len(differ)} of {len(found)}")
    for part in differ:
        print(f"    differs: {sorted(part)} is now {sorted(members.get(part[0], set()))}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", type=Path, default=Path("db/sanctions.db"))
    ap.add_argument("--eval", type=Path, default=Path("eval/links_reviewed.csv"))
    ap.add_argument("--clusters", type=Path, default=Path("tests/fixtures/clusters_reviewed.json"))
    ap.add_argument("--explain", nargs="*", default=[])
    ap.add_argument("--sample", type=int, default=10)
    args = ap.parse_args()
    source_priority("ofac_sdn")  # load the source registry first: a build has it loaded
    judgements = read_judgements()
    result, wall, cpu = timed_link(args.db, judgements)
    bare, wall0, cpu0 = timed_link(args.db, {})
    print(f"linking time: {wall:.2f} s wall, {cpu:.2f} s CPU ({len(result.linker.ents):,} "
          f"records, {len(result.linker.decisions):,} pairs judged); without judgements "
          f"{wall0:.2f} s wall, {cpu0:.2f} s CPU")
    print("links by reason:", dict(Counter(d.reason for d in result.accepted).most_common()))
    print("refused merges:", len(result.refused))
    for d, why in result.refused[: args.sample]:
        print(f"  {d.a} ~ {d.b}: {why}")
    sizes = Counter(len(m) for m in result.clusters.clusters())
    print("cluster sizes (records: clusters):", dict(sorted(sizes.items())))
    with args.eval.open(newline="", encoding="utf-8") as f:
        reviewed = list(csv.DictReader(f))
    print(f"\nagainst {args.eval}, as built (with {len(judgements)} reviewer judgements):")
    evaluate(result, reviewed)
    print(f"\nagainst {args.eval}, the evidence alone (no judgements):")
    evaluate(bare, reviewed)
    print(f"\nagainst {args.clusters}:")
    clusters_reviewed(result, args.clusters)
    extra = list(zip(args.explain[::2], args.explain[1::2], strict=False))
    print("\nmust-hold pairs and --explain pairs, as built:")
    explain(result, MUST_HOLD + extra)


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Dump what retrieval hands to scoring, and what screening answers, for a fixed query set: run
it before and after a change to retrieval and diff the two files (they must be equal).

    python scripts/retrieval_diff.py --db db/sanctions.db --out /tmp/before.jsonl
    ... change retrieval ...
    python scripts/retrieval_diff.py --db db/sanctions.db --out /tmp/after.jsonl
    cmp /tmp/before.jsonl /tmp/after.jsonl

On a large list (scripts/bench_scale.py's 30x copy) a smaller set is enough:
`--sets dev_2 --customers 300`.

A change meant to move only ties (which of equal scores is shown or rescored) is checked by
`--compare BEFORE AFTER`: per result list, whether its scores and the entities of each score
stayed the same (the lowest score of a list cut by its limit may hold others of that score),
and every row whose shown name changed, listed.

Queries: every query of eval/dev_2.csv and eval/holdout_2.csv, and the first --customers names
of eval/customers.csv.
Per query one line: the candidate names retrieval reaches (per alternative list, sorted), the
listed words (with their similarity) each query word pairs with, and `screen_many`'s answer at
the default threshold and at threshold 0 (limit 5), scores and explanations included.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def queries(customers: int, sets: str = "dev_2,holdout_2") -> list[dict[str, str]]:
    out = []
    for split in filter(None, sets.split(",")):
        with (ROOT / "eval" / f"{split}.csv").open(encoding="utf-8", newline="") as f:
            out += [{"name": r["query"], "type": r["type"]} for r in csv.DictReader(f)]
    with (ROOT / "eval" / "customers.csv").open(encoding="utf-8", newline="") as f:
        for i, r in enumerate(csv.DictReader(f)):
            if i >= customers:
                break
            out.append({"name": r["name"], "type": r["type"]})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, default=ROOT / "db" / "sanctions.db")
    ap.add_argument("--customers", type=int, default=3000)
    ap.add_argument("--sets", default="dev_2,holdout_2",
                    help="eval sets to take every query of (comma-separated; '' for none)")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"),
                    help="compare two dumps as above instead of writing one")
    args = ap.parse_args()
    if args.compare:
        compare(*args.compare)
        return
    if args.out is None:
        ap.error("--out or --compare is required")

    from sanctions.matching import DEFAULT_CONFIG as CFG
    from sanctions.matching import prepare
    from sanctions.screening import get_index, make_query, screen_many

    index = get_index(args.db)
    qs = queries(args.customers, args.sets)
    rows = [{"id": str(i), **{k: v for k, v in q.items() if v}} for i, q in enumerate(qs)]
    default = list(screen_many(rows, db=args.db, workers=1, decisions=False, audit=False))
    low = list(screen_many(rows, db=args.db, workers=1, decisions=False, audit=False,
                           threshold=0, limit=5))
    with args.out.open("w", encoding="utf-8") as out:
        for q, r0, r1 in zip(qs, default, low, strict=True):
            query = make_query({k: v for k, v in q.items() if v})
            p = prepare(query, index, CFG)
            pools = []
            for alts in (p.alternatives, p.vessel_alternatives):
                pools.append(sorted(index.retrieve(alts, CFG).tolist()))
            words = sorted({t for alts in (p.alternatives, p.vessel_alternatives)
                            for a in alts for t in a})
            sims = {t: sorted(index.sims(t, CFG).items()) for t in words}
            for r in (r0, r1):
                r.pop("data_version", None)
            out.write(json.dumps({"q": q, "alts": p.alternatives, "pools": pools, "sims": sims,
                                  "default": r0, "low": r1}, ensure_ascii=False,
                                 sort_keys=True) + "\n")
    print(f"{len(qs)} queries -> {args.out}")


def compare(before: Path, after: Path) -> None:
    """Print how two dumps differ: pools, result lists, and which changes are not ties."""
    limits = {"default": 10, "low": 5}
    counts = dict.fromkeys(("queries", "pools", "lists", "not ties", "top score"), 0)
    names: list[str] = []
    with before.open(encoding="utf-8") as fa, after.open(encoding="utf-8") as fb:
        for la, lb in zip(fa, fb, strict=True):
            counts["queries"] += 1
            if la == lb:
                continue
            a, b = json.loads(la), json.loads(lb)
            counts["pools"] += a["pools"] != b["pools"]
            for key, limit in limits.items():
                ma, mb = a[key]["matches"], b[key]["matches"]
                if ma == mb:
                    continue
                counts["lists"] += 1
                sa, sb = [m["score"] for m in ma], [m["score"] for m in mb]
                counts["top score"] += sa[:1] != sb[:1]
                cut = min(sa) if len(ma) >= limit else None  # equal scores may swap there
                if sa != sb or any({m["entity_id"] for m in ma if m["score"] == s}
                                   != {m["entity_id"] for m in mb if m["score"] == s}
                                   for s in set(sa) - {cut}):
                    counts["not ties"] += 1
                    print(f"not a tie ({key}): {a['q']['name']!r}: "
                          f"{[(m['entity_id'], m['score']) for m in ma]} -> "
                          f"{[(m['entity_id'], m['score']) for m in mb]}")
                    continue
                was = {m["entity_id"]: m["matched_name"] for m in ma}
                names += [f"{key}: {a['q']['name']!r} {m['entity_id']} {m['score']}: "
                          f"{was[m['entity_id']]!r} -> {m['matched_name']!r}"
                          for m in mb if was.get(m["entity_id"], m["matched_name"])
                          != m["matched_name"]]
    print("\n".join(f"shown name: {n}" for n in names))
    print(f"{counts['queries']} queries: pools differing {counts['pools']}, result lists "
          f"differing {counts['lists']} (top score {counts['top score']}), of them not only "
          f"ties {counts['not ties']}; shown names changed {len(names)}")


if __name__ == "__main__":
    main()

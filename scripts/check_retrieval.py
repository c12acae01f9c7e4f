#!/usr/bin/env python
"""Retrieval losses: entities a full screen scores lower than an index holding only them does.

For each query (the positives of the dev sets, and the first --customers names of
eval/customers.csv) the full screen scores every entity it retrieves; each entity of its
first --limit results, and a positive's expected entity, is screened again against an index
of that entity alone (`store.index_part.load_entities_index`, weighted as the whole database,
as a re-screen's is). Where the small index scores it higher (by more than 1e-9), retrieval
lost a name the scorer would have credited: counted, and the first few printed with the
pair of names each index scored best. The holdout sets are measured elsewhere, never here.

    python scripts/check_retrieval.py --db db/sanctions.db --customers 3000
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

from sanctions.matching import DEFAULT_CONFIG, Index, match, prepare
from sanctions.matching.score import rank
from sanctions.screening import get_index, make_query
from sanctions.store.index_part import load_entities_index

ROOT = Path(__file__).resolve().parent.parent
SETS = ("dev_2", "blind_dev", "press_dev")
POSITIVE = ("person", "organization", "vessel", "aircraft")
EVERY = 10**6  # a limit past every retrieved candidate


def queries(sets: list[str], customers: int) -> list[tuple[str, str, str]]:
    """(name, type, expected entity or '') per query."""
    out = []
    for s in sets:
        with (ROOT / "eval" / f"{s}.csv").open(encoding="utf-8", newline="") as f:
            out += [(r["query"], r["type"], r["expected"]) for r in csv.DictReader(f)
                    if r["class"] in POSITIVE]
    with (ROOT / "eval" / "customers.csv").open(encoding="utf-8", newline="") as f:
        for i, r in enumerate(csv.DictReader(f)):
            if i >= customers:
                break
            out.append((r["name"], r["type"], ""))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=ROOT / "db" / "sanctions.db")
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--customers", type=int, default=3000)
    ap.add_argument("--limit", type=int, default=5, help="results per query checked")
    ap.add_argument("--show", type=int, default=30, help="losses printed")
    args = ap.parse_args()
    full = get_index(args.db)
    parts: dict[str, Index] = {}
    losses: list[tuple[float, str, str, float, float, str, str, str]] = []
    checked = readings = 0
    start = time.perf_counter()
    todo = queries([s for s in args.sets.split(",") if s], args.customers)
    n = len(todo)
    for name, etype, expected in todo:
        q = make_query({"name": name, "type": etype or None})
        ranked = match(full, q, limit=EVERY)
        got = {m.entity.id: m for m in ranked}
        p = prepare(q, full)
        top = ranked[0].score if ranked else 0.0
        ids = [m.entity.id for m in ranked[:args.limit]]
        if expected and expected not in ids:
            ids.append(expected)
        for eid in ids:
            part = parts.get(eid)
            if part is None:
                if len(parts) > 20_000:
                    parts.clear()
                part = parts[eid] = load_entities_index(args.db, {eid})
            small = match(part, q, limit=1)
            checked += 1
            if not small:
                continue
            have = got.get(eid)
            f_s, s_s = (have.score if have else 0.0), small[0].score
            if s_s > f_s + 1e-9:
                # every name of the entity scored in the full index: if that is lower than
                # alone, the query was read otherwise (a reading picked among one entity's
                # words), not a name retrieval lost
                e_i = next(i for i, e in enumerate(full.entities) if e.id == eid)
                every = rank(p, q, full, DEFAULT_CONFIG, full.names_of.get(e_i, ()), 1)
                if not every or every[0].score < s_s - 1e-9:
                    readings += 1
                    continue
                # would it have come first, alarmed, or only ranked higher in the list
                kind = ("first" if s_s > top else "alarm" if s_s >= DEFAULT_CONFIG.threshold
                        else "missed" if have is None else "lower")
                losses.append((s_s - f_s, name, eid, f_s, s_s,
                               have.matched_name if have else "-", small[0].matched_name, kind))
    took = time.perf_counter() - start
    kinds = Counter(loss[-1] for loss in losses)
    print(f"{checked} entity checks over {n} queries in {took:.0f} s: {len(losses)} retrieval "
          f"losses: {kinds['first']} that alone would come first, {kinds['alarm']} more that "
          f"would alarm, {kinds['missed']} more not retrieved, {kinds['lower']} more scored "
          f"lower; and {readings} where the whole index reads the query otherwise")
    order = {"first": 0, "alarm": 1, "missed": 2, "lower": 3}
    for gap, name, eid, f_s, s_s, f_n, s_n, kind in sorted(
            losses, key=lambda x: (order[x[-1]], -x[0]))[:args.show]:
        print(f"  {kind:<6} {gap:+.4f} {name!r} {eid}: full {f_s:.4f} on {f_n!r}, alone "
              f"{s_s:.4f} on {s_n!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

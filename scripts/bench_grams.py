#!/usr/bin/env python
"""CPU of looking up the words a list does not hold, on one index, and what a prefix filter
could save of it at best.

    python scripts/bench_grams.py [--db db/sanctions.db] [--words 2000] [--rounds 3]

The words are the tokens of `eval/customers.csv` (mostly words no list holds, as customers'
are) and of `bench_screen.sample_queries` that the vocabulary does not hold (a listed word's
look-up is read from the build's neighbour table) and whose length's slice is narrowed by
grams (`neighbours.SCAN_MAX`). Each round times, in this thread's CPU time, `grams.gram_near`
over every word and then `neighbours.look_up` of every word alone (the gram count, OSA
similarity, spellings and equivalents: what a batch pays for such a word), in an order shuffled
per round. It prints microseconds a word per round and their range, and the postings a word's
count reads (median), the slice it clears, and the share of those postings in the rarest k =
rows - need + 1 grams: the union a prefix filter must still read (and then check every id of
against the other rows), so the most such a filter could save. With `--db` a 30x copy
(`scripts/bench_scale.py --out DIR`: DIR/x30/sanctions.db, or a `sanctions build --ftm` of
`scripts/make_ftm_scale.py`'s file) it gives the 1.5M figure.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=ROOT / "db" / "sanctions.db")
    ap.add_argument("--words", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    from bench_screen import sample_queries

    import sanctions.matching.grams as grams
    import sanctions.matching.neighbours as neighbours
    from sanctions.matching import DEFAULT_CONFIG
    from sanctions.normalize import name_tokens
    from sanctions.store.index import load_index

    t0 = time.process_time()
    index = load_index(args.db)
    print(f"opened in {time.process_time() - t0:.2f} s of CPU; "
          f"{len(index.vocab_list):,} listed words")
    with open(ROOT / "eval" / "customers.csv", encoding="utf-8") as f:
        names = [r["name"] for r in csv.DictReader(f)]
    names += sample_queries(args.db, 2000)
    c = DEFAULT_CONFIG.token_floor
    top = len(index.len_start) - 1
    words: dict[str, tuple[int, int]] = {}
    for name in names:
        for t in name_tokens(name):
            if t in words or t in index.vocab or not t.isalpha():
                continue
            n = len(t)
            lo = index.len_start[min(math.ceil(n * c - 1e-9), top)]
            hi = index.len_start[min(math.floor(n / c + 1e-9) + 1, top)]
            if hi - lo > 300:  # `neighbours.SCAN_MAX`: a shorter slice is scanned whole
                words[t] = (lo, hi)
    todo = random.Random(14).sample(sorted(words), min(args.words, len(words)))
    print(f"{len(todo):,} unlisted words of {len(words):,}")
    table = index.gram_rows()
    read, slots, shares = [], [], []
    for t in todo:
        lo, hi = words[t]
        g = set(grams.pair_grams(t))
        plan = table.plan(len(t), len(grams.pair_grams(t)) - len(g), lo, hi, c)
        rows = ([] if plan.need_at is None
                else table.runs(g, plan.m, plan.end, plan.lo, plan.hi))
        if not rows or len(rows) < plan.least:
            continue
        sizes = sorted(len(r) for r in rows)
        read.append(sum(sizes))
        slots.append(plan.hi - plan.lo)
        shares.append(sum(sizes[:len(rows) - plan.least + 1]) / sum(sizes))
    spent: dict[str, list[float]] = {"gram_near": [], "look_up": []}
    rng = random.Random(15)
    for r in range(args.rounds):
        order = list(spent)
        rng.shuffle(order)
        for way in order:
            start = time.thread_time()
            for t in todo:
                if way == "gram_near":
                    lo, hi = words[t]
                    grams.gram_near(index, t, lo, hi, c)
                else:
                    neighbours.look_up(index, [t], DEFAULT_CONFIG)
            spent[way].append((time.thread_time() - start) / len(todo) * 1e6)
        print(f"round {r + 1}: " + ", ".join(f"{w} {v[-1]:.0f} us" for w, v in spent.items()))
    for w, v in spent.items():
        print(f"{w}: {min(v):.0f}-{max(v):.0f} us a word over {args.rounds} rounds")
    print(f"a counted word reads {statistics.median(read):,.0f} postings (median) and clears a "
          f"slice of {statistics.median(slots):,.0f}; the rarest k grams hold "
          f"{statistics.median(shares):.0%} of its postings (median; "
          f"{min(shares):.0%}-{max(shares):.0%})")

if __name__ == "__main__":
    main()

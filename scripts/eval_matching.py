"""Measure the matcher on the dev set (eval/dev_set.csv); optionally against nomenklatura.

    python scripts/eval_matching.py [--db db/sanctions.db] [--set eval/dev_set.csv]
                                    [--recall] [--compare] [--failures N]
                                    [--baseline] [--customers eval/customers.csv] [--detail]

Per class and overall: top-1 accuracy (the first match is the expected entity or a record
linked to it), recall at the threshold where 2% of negatives alarm, and recall / false alarms
at the default threshold (`MatchConfig().threshold`). `--recall` checks that candidate
retrieval loses nothing against scoring every name of the expected entity. `--compare` runs
nomenklatura's logic-v2 and logic-v1 on the same set, in a separate environment
(`--bench-python`, default /tmp/bench-venv/bin/python; see eval/README.md). `--baseline`
adds a naive rapidfuzz token_sort_ratio baseline (scripts/eval_baseline.py); `--customers`
screens a customer file (eval/customers.csv, every row a non-listed customer) and reports
alarms per 10,000 customers at the default threshold; `--detail` (on by default for sets
other than the first two) reports every variant class in percent with recall at t2.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from sanctions.matching import DEFAULT_CONFIG, Index, combine, match, prepare
from sanctions.normalize import normalize_name
from sanctions.screening import get_index, make_query, screen_query

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its siblings, when loaded by path
import eval_report as er  # noqa: E402
from eval_baseline import THRESHOLD as BASELINE_THRESHOLD  # noqa: E402
from eval_baseline import Baseline  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POSITIVE = ("person", "organization", "vessel", "aircraft")
NEGATIVE = ("negative", "hard_negative")
FALSE_ALARM_RATE = 0.02
OLD_SETS = ("dev_set.csv", "holdout_set.csv")  # their report stays as it was
NOMENKLATURA_THRESHOLD = 0.7  # yente's default match threshold for logic-v1/v2
PREFILTER = 50  # names kept per query by the cheap prefilter before nomenklatura scores them


@dataclass(frozen=True)
class Case:
    query: str
    type: str
    expected: str
    cls: str
    variant: str
    why: str


@dataclass
class Outcome:
    top1: bool  # positives: first match in the expected cluster
    score: float  # positives: the expected cluster's score (0 if absent); negatives: top score
    got: str  # the first match, for failure reports
    got_score: float


def load_set(path: Path) -> list[Case]:
    with path.open(encoding="utf-8", newline="") as f:
        return [Case(r["query"], r["type"], r["expected"], r["class"], r["variant"], r["why"])
                for r in csv.DictReader(f)]


def load_clusters(db: Path) -> dict[str, str]:
    """entity_id -> cluster_id; entities in no cluster are their own."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT entity_id, cluster_id FROM clusters"))
    finally:
        conn.close()


def outcome(case: Case, ranked: Sequence[tuple[set[str], str, float]],
            cluster: Callable[[str], str]) -> Outcome:
    """ranked: (entity ids of the match incl. linked records, shown id, score), best first."""
    got, got_score = (ranked[0][1], ranked[0][2]) if ranked else ("", 0.0)
    if case.cls in NEGATIVE:
        return Outcome(False, got_score, got, got_score)
    want = cluster(case.expected)
    hits = [i for i, (ids, _, _) in enumerate(ranked) if any(cluster(x) == want for x in ids)]
    return Outcome(bool(hits) and hits[0] == 0, ranked[hits[0]][2] if hits else 0.0,
                   got, got_score)


def run_ours(index: Index, cases: list[Case],
             cluster: Callable[[str], str]) -> tuple[list[Outcome], float]:
    out = []
    start = time.perf_counter()
    for c in cases:
        matches = screen_query(index, make_query({"name": c.query, "type": c.type or None}),
                               threshold=0, limit=10)
        out.append(outcome(c, [({m["entity_id"], *(r["entity_id"] for r in m["related"])},
                                 m["entity_id"], m["score"]) for m in matches], cluster))
    return out, len(cases) / (time.perf_counter() - start)


def alarm_threshold(neg_scores: list[float], rate: float = FALSE_ALARM_RATE) -> float:
    """The lowest threshold at which at most `rate` of these negatives score at or above it."""
    s = sorted(neg_scores, reverse=True)
    k = int(rate * len(s))
    return float(np.nextafter(s[k], 2.0)) if k < len(s) else 0.0


def table(label: str, cases: list[Case], results: list[Outcome], default: float,
          qps: float) -> str:
    t2 = alarm_threshold([r.score for c, r in zip(cases, results, strict=True)
                          if c.cls == "negative"])
    rows: dict[str, list[Outcome]] = defaultdict(list)
    for c, r in zip(cases, results, strict=True):
        rows[c.cls].append(r)
        if c.cls in POSITIVE:
            rows["all positives"].append(r)

    def pct(x: float) -> str:
        return f"{100 * x:6.1f}%"

    lines = [f"{label}: threshold at {FALSE_ALARM_RATE:.0%} negative alarms t2={t2:.3f}, "
             f"default threshold {default:.2f}, {qps:.0f} queries/s",
             f"{'class':<15}{'n':>5}{'top-1':>9}{'recall@t2':>11}{'recall@def':>12}"
             f"{'alarms@t2':>11}{'alarms@def':>12}"]
    for name in (*POSITIVE, "all positives", *NEGATIVE):
        rs = rows.get(name, [])
        if not rs:
            continue
        n = len(rs)
        if name in NEGATIVE:
            lines.append(f"{name:<15}{n:>5}{'':>9}{'':>11}{'':>12}"
                         f"{pct(sum(r.score >= t2 for r in rs) / n):>11}"
                         f"{pct(sum(r.score >= default for r in rs) / n):>12}")
        else:
            lines.append(f"{name:<15}{n:>5}{pct(sum(r.top1 for r in rs) / n):>9}"
                         f"{pct(sum(r.score >= t2 for r in rs) / n):>11}"
                         f"{pct(sum(r.score >= default for r in rs) / n):>12}")
    return "\n".join(lines)


def by_variant(cases: list[Case], results: list[Outcome], default: float) -> str:
    groups: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for c, r in zip(cases, results, strict=True):
        groups[(c.cls, c.variant)].append(r)
    lines = [f"{'class/variant':<40}{'n':>4}{'top-1':>8}{'found@def':>11}{'alarms@def':>12}"]
    for (cls, variant), rs in sorted(groups.items(), key=lambda kv: CLASS_ORDER(kv[0])):
        n = len(rs)
        if cls in NEGATIVE:
            lines.append(f"{cls + '/' + variant:<40}{n:>4}{'':>8}{'':>11}"
                         f"{sum(r.score >= default for r in rs):>12}")
        else:
            lines.append(f"{cls + '/' + variant:<40}{n:>4}{sum(r.top1 for r in rs):>8}"
                         f"{sum(r.score >= default for r in rs):>11}")
    return "\n".join(lines)


def CLASS_ORDER(key: tuple[str, str]) -> tuple[int, str]:  # noqa: N802
    return ((*POSITIVE, *NEGATIVE).index(key[0]), key[1])


def failures(cases: list[Case], results: list[Outcome], default: float, n: int) -> str:
    lines = []
    for c, r in zip(cases, results, strict=True):
        if c.cls in NEGATIVE and r.score >= default:
            why = "alarm"
        elif c.cls in POSITIVE and not r.top1:
            why = "not top-1"
        elif c.cls in POSITIVE and r.score < default:
            why = "below default threshold"
        else:
            continue
        lines.append(f"  {why:<24} {c.cls}/{c.variant} {c.query!r} type={c.type or '-'} "
                     f"expected={c.expected or '-'} ({r.score:.3f}) got={r.got or '-'} "
                     f"({r.got_score:.3f})  [{c.why}]")
    return f"{len(lines)} failures" + (":\n" + "\n".join(lines[:n]) if lines and n else "")


def retrieval_recall(index: Index, cases: list[Case], cluster: Callable[[str], str]) -> str:
    """For each positive: does retrieval find the expected cluster that exhaustive scoring of
    the expected entity's names would put first (or above the default threshold)?"""
    cfg = DEFAULT_CONFIG
    members: dict[str, list[int]] = defaultdict(list)
    for e_i, e in enumerate(index.entities):
        members[cluster(e.id)].append(e_i)
    missed_first = missed_found = total = 0
    examples = []
    for c in cases:
        if c.cls not in POSITIVE:
            continue
        total += 1
        q = make_query({"name": c.query, "type": c.type or None})
        p = prepare(q, index)
        want = cluster(c.expected)
        exhaustive = max((combine(p, q, index, n_i, cfg).score for e_i in members[want]
                          for n_i in index.names_of.get(e_i, ())), default=0.0)
        ranked = match(index, q, cfg, limit=10**6)  # every retrieved candidate
        found = [m.score for m in ranked if cluster(m.entity.id) == want]
        best_other = max((m.score for m in ranked if cluster(m.entity.id) != want),
                         default=0.0)
        if found:
            continue
        # not retrieved: would scoring its names have put it first / over the threshold?
        if exhaustive > best_other:
            missed_first += 1
            examples.append(f"  {c.query!r} -> {c.expected}: exhaustive {exhaustive:.3f}, "
                            f"best retrieved {best_other:.3f}")
        if exhaustive >= cfg.threshold:
            missed_found += 1
    return (f"retrieval recall: {total} positives; retrieval missed {missed_first} that "
            f"exhaustive scoring of the expected entity would rank above every retrieved "
            f"candidate, {missed_found} that it would score at or above the default "
            f"threshold {cfg.threshold:.2f}" + ("\n" + "\n".join(examples[:20]) if examples
                                                else ""))


# --- nomenklatura comparison (runs in its own environment) ---

SCHEMA = {"person": "Person", "organization": "Organization", "vessel": "Vessel",
          "aircraft": "Airplane"}
_IMO = re.compile(r"\bimo\s*:?\s*(\d{7})\b", re.I)

NOMENKLATURA_RUNNER = r'''
import json, sys, time
from followthemoney import model
from nomenklatura.matching import LogicV1, LogicV2

data = json.load(open(sys.argv[1]))

def make(schema, eid, props):
    e = model.make_entity(schema)
    e.id = eid
    for prop, values in props.items():
        for v in values:
            e.add(prop, v, quiet=True)
    return e

listed = {eid: make(d["schema"], eid, d["props"]) for eid, d in data["entities"].items()}
out = {}
for alg in (LogicV2, LogicV1):
    cfg = alg.default_config()
    res = []
    start = time.perf_counter()
    for qi, q in enumerate(data["queries"]):
        scored = []
        for eid in q["candidates"]:
            cand = listed[eid]
            # an untyped query takes each candidate's schema, as our matcher ignores type
            schema = q["schema"] or cand.schema.name
            # a unique id per query: logic-v2 caches name comparisons by entity id
            qe = make(schema, f"query-{qi}-{schema}", q["props"])
            scored.append((alg.compare(qe, cand, cfg).score, eid))
        scored.sort(key=lambda s: (-s[0], s[1]))
        res.append(scored[:10])
    out[alg.NAME] = {"results": res, "seconds": time.perf_counter() - start}
json.dump(out, sys.stdout)
'''


def export_entities(db: Path) -> dict[str, dict[str, object]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    schema = {}
    for eid, etype, countries in conn.execute("SELECT id, type, countries FROM entities"):
        schema[eid] = SCHEMA[etype]
        props[eid]["country"] += json.loads(countries)
    for eid, name in conn.execute("SELECT entity_id, name FROM names ORDER BY id"):
        props[eid]["name"].append(name)
    for eid, date in conn.execute("SELECT entity_id, date FROM birth_dates WHERE date IS NOT "
                                  "NULL"):
        if schema[eid] == "Person":
            props[eid]["birthDate"].append(date)
    for eid, imo in conn.execute("SELECT entity_id, imo FROM vessels WHERE imo IS NOT NULL"):
        props[eid]["imoNumber"].append(imo)
    conn.close()
    return {eid: {"schema": schema[eid], "props": props[eid]} for eid in schema}


def prefilter(db: Path, cases: list[Case]) -> list[list[str]]:
    """Top PREFILTER names by token_set_ratio over all names, plus IMO hits -> entity ids."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = conn.execute("SELECT entity_id, name FROM names ORDER BY id").fetchall()
    by_imo: dict[str, list[str]] = defaultdict(list)
    for eid, imo in conn.execute("SELECT entity_id, imo FROM vessels WHERE imo IS NOT NULL"):
        by_imo[imo].append(eid)
    conn.close()
    names = [normalize_name(n) for _, n in rows]
    queries = [normalize_name(_IMO.sub(" ", c.query)) for c in cases]
    scores = process.cdist(queries, names, scorer=fuzz.token_set_ratio, dtype=np.uint8,
                           workers=-1)
    out = []
    for c, row in zip(cases, scores, strict=True):
        top = np.argpartition(-row.astype(np.int16), PREFILTER)[:PREFILTER]
        top = top[np.argsort(-row[top], kind="stable")]
        ids = [eid for imo in _IMO.findall(c.query) for eid in by_imo.get(imo, ())]
        ids += [rows[i][0] for i in top if row[i] > 0]
        out.append(list(dict.fromkeys(ids)))
    return out


def run_nomenklatura(db: Path, cases: list[Case], python: str,
                     cluster: Callable[[str], str]) -> dict[str, tuple[list[Outcome], float]]:
    start = time.perf_counter()
    cands = prefilter(db, cases)
    prefilter_s = time.perf_counter() - start
    entities = export_entities(db)
    needed = {eid for ids in cands for eid in ids}
    queries = []
    for c, ids in zip(cases, cands, strict=True):
        props: dict[str, list[str]] = {}
        name = _IMO.sub(" ", c.query).strip()
        if name:
            props["name"] = [name]
        imos = _IMO.findall(c.query)
        if imos:
            props["imoNumber"] = imos
        schema = SCHEMA.get(c.type, "") or ("Vessel" if imos else "")
        queries.append({"schema": schema, "props": props, "candidates": ids})
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"entities": {e: entities[e] for e in needed}, "queries": queries}, f)
    proc = subprocess.run([python, "-I", "-c", NOMENKLATURA_RUNNER, f.name],
                          capture_output=True, text=True, check=False)
    Path(f.name).unlink()
    if proc.returncode:
        raise SystemExit(f"nomenklatura run failed:\n{proc.stderr[-2000:]}")
    out = {}
    for alg, d in json.loads(proc.stdout).items():
        results = [outcome(c, [({eid}, eid, s) for s, eid in res], cluster)
                   for c, res in zip(cases, d["results"], strict=True)]
        out[alg] = (results, len(cases) / (d["seconds"] + prefilter_s))
    return out


def run_customers(index: Index, customers: list[er.Customer],
                  ) -> tuple[list[float], list[str], float]:
    scores, got = [], []
    start = time.perf_counter()
    for c in customers:
        matches = screen_query(index, make_query({"name": c.name, "type": c.type or None}),
                               threshold=0, limit=1)
        scores.append(matches[0]["score"] if matches else 0.0)
        got.append(f"{matches[0]['entity_id']} {matches[0]['name']!r}" if matches else "-")
    return scores, got, len(customers) / (time.perf_counter() - start)


def baseline_outcomes(bl: Baseline, cases: list[Case], cluster: Callable[[str], str],
                      ) -> tuple[list[Outcome], float]:
    res, qps = bl.run([c.query for c in cases],
                      [cluster(c.expected) if c.cls in POSITIVE else "" for c in cases])
    return [Outcome(*r) for r in res], qps


def t2_of(cases: list[Case], results: list[Outcome]) -> float:
    return alarm_threshold([r.score for c, r in zip(cases, results, strict=True)
                            if c.cls == "negative"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=ROOT / "db" / "sanctions.db", type=Path)
    ap.add_argument("--set", default=ROOT / "eval" / "dev_set.csv", type=Path)
    ap.add_argument("--recall", action="store_true", help="check retrieval against scoring "
                    "every name of the expected entity")
    ap.add_argument("--compare", action="store_true", help="also run nomenklatura logic-v2/v1")
    ap.add_argument("--bench-python", default="/tmp/bench-venv/bin/python",
                    help="a Python with nomenklatura and followthemoney installed")
    ap.add_argument("--failures", type=int, default=30, help="failures to list (0: none)")
    ap.add_argument("--baseline", action="store_true",
                    help="also a naive rapidfuzz token_sort_ratio baseline")
    ap.add_argument("--customers", type=Path, help="a customer file to screen "
                    "(eval/customers.csv): alarms per 10,000 at the default threshold")
    ap.add_argument("--compare-customers", type=int, default=2000, metavar="N",
                    help="with --compare and --customers: nomenklatura on about N customers, "
                    "every k-th (it scores ~50 candidates a query; 0: all)")
    ap.add_argument("--detail", action="store_true", help="every variant class in percent "
                    "(default for sets other than eval/dev_set.csv and eval/holdout_set.csv)")
    ap.add_argument("--no-set", action="store_true", help="only the customer file")
    args = ap.parse_args()
    detail = args.detail or args.set.name not in OLD_SETS
    cases = [] if args.no_set else load_set(args.set)
    clusters = load_clusters(args.db)

    def cluster(eid: str) -> str:
        return clusters.get(eid, eid)

    index = get_index(args.db)
    default = DEFAULT_CONFIG.threshold
    bl = Baseline(args.db, cluster) if args.baseline else None
    if cases:
        results, qps = run_ours(index, cases, cluster)
        print(table("sanctions", cases, results, default, qps))
        print()
        print(er.detail(cases, results, t2_of(cases, results), default) if detail
              else by_variant(cases, results, default))
        print()
        print(failures(cases, results, default, args.failures))
    if cases and args.recall:
        print()
        print(retrieval_recall(index, cases, cluster))
    if cases and bl is not None:
        res, bqps = baseline_outcomes(bl, cases, cluster)
        print()
        print(table("rapidfuzz token_sort_ratio baseline (every name)", cases, res,
                    BASELINE_THRESHOLD, bqps))
        if detail:
            print(er.detail(cases, res, t2_of(cases, res), BASELINE_THRESHOLD))
    if cases and args.compare:
        for alg, (res, nqps) in run_nomenklatura(args.db, cases, args.bench_python,
                                                 cluster).items():
            print()
            print(table(f"nomenklatura {alg} (candidates: top {PREFILTER} names by "
                        f"token_set_ratio)", cases, res, NOMENKLATURA_THRESHOLD, nqps))
            if detail:
                print(er.detail(cases, res, t2_of(cases, res), NOMENKLATURA_THRESHOLD))
            elif args.failures:
                print(by_variant(cases, res, NOMENKLATURA_THRESHOLD))
    if args.customers:
        customers = er.load_customers(args.customers)
        scores, got, cqps = run_customers(index, customers)
        print()
        print(er.customers_report("sanctions on customers", customers, scores, got, default,
                                  args.failures, cqps))
        as_cases = [Case(c.name, c.type, "", "negative", "customer", c.locale)
                    for c in customers]
        if bl is not None:
            res, bqps = baseline_outcomes(bl, as_cases, cluster)
            print(er.customers_report("rapidfuzz baseline on customers", customers,
                                      [r.score for r in res], [r.got for r in res],
                                      BASELINE_THRESHOLD, min(args.failures, 10), bqps))
        if args.compare:
            # every k-th customer: the file is ordered by locale, the first N would be en_US
            step = max(1, len(customers) // (args.compare_customers or len(customers)))
            sample, sample_cases = customers[::step], as_cases[::step]
            for alg, (res, nqps) in run_nomenklatura(args.db, sample_cases, args.bench_python,
                                                     cluster).items():
                print(er.customers_report(f"nomenklatura {alg} on 1 customer in {step}",
                                          sample, [r.score for r in res],
                                          [r.got for r in res], NOMENKLATURA_THRESHOLD,
                                          min(args.failures, 10), nqps))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

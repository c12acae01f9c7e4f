"""Reports of scripts/eval_matching.py for the second sets and the customer file: every
variant class in percent, and alarms per 10,000 customers. Works on any outcome with `top1`,
`score`, `got` and `got_score` (ours, the rapidfuzz baseline, nomenklatura alike).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

POSITIVE = ("person", "organization", "vessel", "aircraft")
NEGATIVE = ("negative", "hard_negative")


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    type: str
    locale: str


def load_customers(path: Path) -> list[Customer]:
    with path.open(encoding="utf-8", newline="") as f:
        return [Customer(r["id"], r["name"], r["type"], r["locale"])
                for r in csv.DictReader(f)]


def pct(x: float) -> str:
    return f"{100 * x:6.1f}%"


def detail(cases: Sequence[Any], results: Sequence[Any], t2: float, default: float) -> str:
    """Per class/variant: top-1, recall at t2 and at the default (positives); alarms at t2
    and at the default (negatives). The figures the issue's targets are stated in."""
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for c, r in zip(cases, results, strict=True):
        groups[(c.cls, c.variant)].append(r)
    order = (*POSITIVE, *NEGATIVE)
    lines = [f"{'class/variant':<40}{'n':>5}{'top-1':>9}{'recall@t2':>11}{'recall@def':>12}"
             f"{'alarms@t2':>11}{'alarms@def':>12}"]
    for (cls, variant), rs in sorted(groups.items(), key=lambda kv: (order.index(kv[0][0]),
                                                                      kv[0][1])):
        n = len(rs)
        at_t2 = pct(sum(r.score >= t2 for r in rs) / n)
        at_def = pct(sum(r.score >= default for r in rs) / n)
        if cls in NEGATIVE:
            lines.append(f"{cls + '/' + variant:<40}{n:>5}{'':>9}{'':>11}{'':>12}"
                         f"{at_t2:>11}{at_def:>12}")
        else:
            lines.append(f"{cls + '/' + variant:<40}{n:>5}"
                         f"{pct(sum(r.top1 for r in rs) / n):>9}{at_t2:>11}{at_def:>12}")
    worst = min(((sum(r.top1 for r in rs) / len(rs), f"{c}/{v}") for (c, v), rs in
                 groups.items() if c in POSITIVE), default=None)
    if worst:
        lines.append(f"weakest variant class by top-1: {worst[1]} {pct(worst[0]).strip()}")
    return "\n".join(lines)


def customers_report(label: str, customers: Sequence[Customer], scores: Sequence[float],
                     got: Sequence[str], threshold: float, n_list: int, qps: float) -> str:
    alarms = [i for i, s in enumerate(scores) if s >= threshold]
    per_10k = 10000 * len(alarms) / len(customers)
    by_locale = Counter(customers[i].locale for i in alarms)
    by_type = Counter(customers[i].type for i in alarms)
    lines = [f"{label}: {len(customers)} customers, {len(alarms)} alarms at {threshold:.2f} "
             f"= {per_10k:.1f} per 10,000 ({qps:.0f} queries/s)"]
    if alarms:
        lines.append("  by type: " + ", ".join(f"{k} {v}" for k, v in by_type.most_common()))
        lines.append("  by locale: " + ", ".join(f"{k} {v}" for k, v in
                                                   by_locale.most_common()))
    top = sorted(alarms, key=lambda i: -scores[i])[:n_list]
    lines += [f"  {scores[i]:.3f} {customers[i].name!r} ({customers[i].type}, "
              f"{customers[i].locale}) -> {got[i]}" for i in top]
    return "\n".join(lines)

"""The bound before aligning (`matching/bound.py`) is a bound: every listed name it says stays
under the cut scores under it on names, joined words included, on real queries of the
evaluation sets; and matching with it gives what matching without it gives."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sanctions.matching import DEFAULT_CONFIG, Index, Query, match, prepare
from sanctions.matching import names as names_module
from sanctions.matching.bound import below
from sanctions.matching.features import feature_joined
from sanctions.matching.listed import listed
from sanctions.matching.score import Scorer, candidates
from sanctions.screening import get_index, make_query

ROOT = Path(__file__).resolve().parent.parent


def _queries() -> list[Query]:
    """Every twelfth case of the second dev and held-out sets, and 60 customers."""
    rows: list[dict[str, str]] = []
    for name in ("dev_2.csv", "holdout_2.csv"):
        with open(ROOT / "eval" / name, encoding="utf-8") as f:
            rows += [{"name": r["query"], "type": r["type"]} for r in csv.DictReader(f)][::12]
    with open(ROOT / "eval" / "customers.csv", encoding="utf-8") as f:
        rows += [{"name": r["name"], "type": r["type"]} for r in csv.DictReader(f)][:60]
    return [make_query({"name": r["name"], "type": r["type"] or None}) for r in rows]


@pytest.fixture(scope="module")
def index(full_db: Path) -> Index:
    return get_index(full_db)


def test_a_name_under_the_bound_scores_under_it(index: Index) -> None:
    cfg = DEFAULT_CONFIG
    cut = cfg.threshold - 1e-3
    under = over = 0
    for q in _queries():
        p = prepare(q, index, cfg)
        scorer = Scorer(p, q, index, cfg, floor=cfg.threshold)
        for n_i in sorted(candidates(p, q, index, cfg)):
            c, surnames = index.tokens[n_i], index.surnames[n_i]
            etype = index.entities[index.names[n_i].entity].type
            forms = scorer.forms_of(etype == "vessel")
            if not below(forms, c, listed(index, n_i, cfg), etype == "person", cfg, cut):
                over += 1
                continue
            under += 1
            best = scorer.best_form(c, surnames, etype)
            assert best is not None, (q, n_i)
            joined = feature_joined(best[1], cfg)[0] or 0.0
            assert max(best[0], joined) < cut, (q, n_i, best[0], joined)
    assert under > 800 and over > 400, (under, over)  # both sides are tried


def test_matches_are_the_same_without_the_bound(index: Index,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    queries = _queries()[::2]
    with_bound = [[(m.entity.id, m.score, m.matched_name, m.explanation)
                   for m in match(index, q, limit=40, floor=floor)]
                  for q in queries for floor in (0.5, 0.8)]
    monkeypatch.setattr(names_module, "below", lambda *args: False)
    without = [[(m.entity.id, m.score, m.matched_name, m.explanation)
                for m in match(index, q, limit=40, floor=floor)]
               for q in queries for floor in (0.5, 0.8)]
    assert with_bound == without

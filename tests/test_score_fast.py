"""Scoring made cheaper, same answers: the query's forms (`matching/forms.py`), name scores
without their explanation, and names cut short under a floor (`score.Scorer`) give exactly
what scoring every name to the end gives, on real queries of the evaluation sets."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from sanctions.matching import DEFAULT_CONFIG, Index, Query, match, prepare
from sanctions.matching.features import (
    Alignment,
    _abbreviations,
    align,
    token_similarity,
)
from sanctions.matching.middle import middle_names
from sanctions.matching.score import Scorer, candidates, lowers_only, rank
from sanctions.matching.slips import ARTICLES, TITLES
from sanctions.normalize import HONORIFICS
from sanctions.screening import get_index, make_query

ROOT = Path(__file__).resolve().parent.parent


def _queries() -> list[Query]:
    """Every fourth case of the second dev and held-out sets, some with a country or birth
    date (their bonuses bound a name cut short), and 150 customers."""
    rows: list[dict[str, str]] = []
    for name in ("dev_2.csv", "holdout_2.csv"):
        with open(ROOT / "eval" / name, encoding="utf-8") as f:
            rows += [{"name": r["query"], "type": r["type"]} for r in csv.DictReader(f)][::4]
    with open(ROOT / "eval" / "customers.csv", encoding="utf-8") as f:
        rows += [{"name": r["name"], "type": r["type"]} for r in csv.DictReader(f)][:150]
    out = []
    for k, r in enumerate(rows):
        extra = {"country": "VE"} if k % 7 == 3 else {"birth_date": "1962"} if k % 7 == 5 else {}
        out.append(make_query({"name": r["name"], "type": r["type"] or None, **extra}))
    return out


@pytest.fixture(scope="module")
def index(full_db: Path) -> Index:
    return get_index(full_db)


@pytest.fixture(scope="module")
def queries() -> list[Query]:
    return _queries()


def _whole(ms: list) -> list[tuple]:  # type: ignore[type-arg]
    return [(m.entity.id, m.score, m.band, m.matched_name, m.explanation) for m in ms]


def test_a_floor_leaves_out_only_what_scores_below_it(index: Index,
                                                      queries: list[Query]) -> None:
    for q in queries[::2]:
        every = _whole(match(index, q, limit=10**6))
        for floor in (0.5, 0.8, 0.9):
            assert _whole(match(index, q, limit=40, floor=floor)) == [
                m for m in every if m[1] >= floor][:40], (q, floor)


def test_unexplained_scores_are_the_explained_ones(index: Index, queries: list[Query]) -> None:
    cfg = DEFAULT_CONFIG
    for q in queries[::3]:
        p = prepare(q, index, cfg)
        found = candidates(p, q, index, cfg)
        quiet, loud = Scorer(p, q, index, cfg), Scorer(p, q, index, cfg)
        for n_i in sorted(found):
            assert quiet.score(n_i, None)[0] == loud.match(n_i).score, (q, n_i)


def _align_pairwise(idx: Index, q: list[str], n_i: int, etype: str,
                    syllables: frozenset[str] = frozenset()) -> Alignment:
    """`features.align` as it was before `forms`: every query word against every listed word."""
    cfg = DEFAULT_CONFIG
    c = idx.tokens[n_i]
    person = etype == "person"
    found = []
    for i, a in enumerate(q):
        near = idx.sims(a, cfg)
        for j, b in enumerate(c):
            s = near.get(b, 0.0)
            if s < cfg.equivalent_similarity and a in syllables:
                continue
            if not s and person and (len(a) == 1 or len(b) == 1):
                s = token_similarity(a, b, cfg, True)
            if s:
                found.append((s, i, j))
    used_q: dict[int, tuple[int, float]] = {}
    used_c: set[int] = set()
    for s, i, j in sorted(found, reverse=True):
        if s > 0 and i not in used_q and j not in used_c:
            used_q[i] = (j, s)
            used_c.add(j)
    surnames = idx.surnames[n_i]
    if person:
        left = [j for j in range(len(c)) if j not in used_c and len(c[j]) > 1
                and c[j] not in surnames and c[j].isalpha()]
        for i, (j, _) in list(used_q.items()):
            if left and len(c[j]) == 1 and len(q[i]) > 1:
                del used_q[i]
                used_c.discard(j)
    _abbreviations(q, c, used_q, used_c, cfg, person, syllables)
    wq = [idx.weight(t, cfg) for t in q]
    # a listed title keeps its weight; a query's weighs little (`slips`); a listed article the
    # query leaves out weighs as a legal form in an organisation's name
    wc = [(idx.idf.get(t, idx.max_idf) if t in TITLES else idx.weight(t, cfg))
          * (cfg.family_name_weight if t in surnames and j in used_c else 1.0)
          * (cfg.legal_form_weight if not person and t in ARTICLES and j not in used_c
             and len(rest := [k for k, u in enumerate(c) if u not in ARTICLES]) >= 2
             and all(k in used_c for k in rest) else 1.0)
          for j, t in enumerate(c)]
    all_found = len(used_q) == len(q) and all(s >= 0.8 for _, s in used_q.values())
    drop = cfg.dropped_token_weight if all_found and person else 1.0
    first = next((j for j, t in enumerate(c) if t in surnames and t not in HONORIFICS), None)
    keep = {first} if first is not None and first not in used_c else set()
    if syllables:
        spelled = {"".join(q[i:k]) for i in range(len(q)) for k in range(i + 1, len(q) + 1)}
        keep |= {j for j in range(len(c)) if j not in used_c and c[j] not in spelled}
    # middle names the list lacks (`middle`): read off the pairs, as align_form does
    sur = [j for j, t in enumerate(c) if t in surnames]
    mid = middle_names(q, c, used_q, sur) if person and not syllables else frozenset()
    less = (1 - cfg.middle_name_weight) * sum([wq[i] for i in mid if len(q[i]) > 1]
                                              ) if mid else 0.0
    return Alignment(q, c, used_q, wq, wc, drop, frozenset(keep), bool(syllables),
                     middle=mid, less=less)


def test_alignment_by_forms_is_the_pairwise_one(index: Index, queries: list[Query]) -> None:
    cfg = DEFAULT_CONFIG
    seen = 0
    for q in queries[::2]:
        p = prepare(q, index, cfg)
        syllabic = "(Chinese characters" in p.reading or "(Hangul" in p.reading
        syllables = frozenset(p.tokens if syllabic else ())
        for n_i in sorted(candidates(p, q, index, cfg)):
            etype = index.entities[index.names[n_i].entity].type
            for tokens in p.alternatives:
                assert align(index, tokens, n_i, etype, cfg, syllables) == _align_pairwise(
                    index, tokens, n_i, etype, syllables), (q, tokens, n_i)
                seen += 1
    assert seen > 1000


def test_a_config_that_can_raise_a_score_is_never_cut_short(index: Index) -> None:
    assert lowers_only(DEFAULT_CONFIG)
    raising = replace(DEFAULT_CONFIG, country_conflict_factor=1.2)
    assert not lowers_only(raising)
    assert not lowers_only(replace(DEFAULT_CONFIG, country_bonus=-0.1))
    q = Query("Maduro", country="US")
    p = prepare(q, index, raising)
    assert Scorer(p, q, index, raising, floor=0.8).cut is None
    every = _whole(match(index, q, raising, limit=10**6))
    assert _whole(rank(p, q, index, raising, candidates(p, q, index, raising), 40, 0.8)) == [
        m for m in every if m[1] >= 0.8][:40]

"""Which customers a re-screen must screen: a cheap superset of those that could match one of
a few changed entities (sanctions.rescreen), so the others cost a tokenisation, not a screening.

The checks follow the matcher (sanctions.matching): its retrieval finds a name only through a
word like a listed one, words joined or split, or a word cut short; its name score is bounded by
the share of the query's word weight that pairs with listed words. tests/test_rescreen.py checks
on misspelt names and the eval sets that a re-screen reports every hit a full screen reports.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .matching import DEFAULT_CONFIG, Index

_DIGIT = re.compile(r"\d")
_KEY_STARTS = {**dict.fromkeys("aeiouy", "a"), "c": "sk", "q": "k", "x": "k", "z": "s", "w": "v",
               "p": "pf", "k": "kh", "d": "dj"}
_PART: tuple[Any, ...] | None = None  # what the forked helpers screen


def _part(span: tuple[int, int]) -> list[dict[str, Any] | None]:
    assert _PART is not None
    index, view, rows, threshold, defaults = _PART
    return _screen_part(index, view, rows, threshold, defaults, span)


def _screen_part(index: Index, view: Sequence[Mapping[str, Any]],
                 rows: Sequence[Mapping[str, Any]], threshold: float,
                 defaults: Mapping[str, Any], span: tuple[int, int]
                 ) -> list[dict[str, Any] | None]:
    from .batch import screen_rows

    ok = _reaching(index, view[span[0]:span[1]], threshold)
    todo = [r for r, hit in zip(rows[span[0]:span[1]], ok, strict=True) if hit]
    done = iter(screen_rows(index, todo, defaults) if todo else [])
    return [next(done) if hit else None for hit in ok]


def screen_reaching(index: Index, view: Sequence[Mapping[str, Any]],
                    rows: Sequence[Mapping[str, Any]], threshold: float,
                    defaults: Mapping[str, Any], workers: int = 2
                    ) -> list[dict[str, Any] | None]:
    """Each row's result against `index` when the row could reach `threshold` against one of
    its entities (`view`: the rows as the bound sees them), else None; on every core: helpers
    are forked with the index and the rows, and each finds and screens its share of them, so
    one pool does both steps."""
    global _PART
    # The rows and the index live through the whole pass: keep the collector off them (its full
    # passes over every row cost up to a quarter of the time) and the forked helpers' copies
    # of their pages untouched.
    gc.freeze()
    try:
        if (workers <= 1 or len(rows) < 4000
                or "fork" not in multiprocessing.get_all_start_methods()):
            return _screen_part(index, view, rows, threshold, defaults, (0, len(rows)))
        _PART = (index, view, rows, threshold, defaults)
        step = -(-len(rows) // workers)
        spans = [(i, min(i + step, len(rows))) for i in range(0, len(rows), step)]
        with multiprocessing.get_context("fork").Pool(len(spans) - 1) as pool:
            later = [pool.apply_async(_part, (span,)) for span in spans[1:]]
            out = _part(spans[0])
            for part in later:
                out += part.get()
        return out
    finally:
        _PART = None
        gc.unfreeze()


def _reaching(index: Index, rows: Sequence[Mapping[str, Any]], threshold: float
              ) -> list[bool]:
    """Which rows could score `threshold` against an entity of a small index: a superset (a
    tokenisation, and one look-up of every distinct word), so that a re-screen screens only
    them, and the others cost no screening.

    A row is retrieved only when one of its words, or two adjacent ones joined, is like a
    listed word (the matcher's own similarity, spellings and equivalents), is listed words
    written as one, or starts one. Its name score is at most half the share of its word weight
    that pairs with listed words, plus one half (sanctions.matching.features.feature_name), and
    the qualifiers add at most their bonuses: a row whose words like a listed one (or inside
    one: joined words) weigh too little cannot reach the threshold. A row with an identifier,
    a digit in its name or an error is always screened."""
    CFG = DEFAULT_CONFIG
    from .normalize import clean_text, name_tokens, strip_vessel_prefix

    words: list[list[str] | None] = []
    wanted: set[str] = set()
    for row in rows:
        name = row.get("name")
        if "_error" in row or row.get("imo") or not isinstance(name, str) or _DIGIT.search(name):
            words.append(None)
            continue
        toks = name_tokens(clean_text(name))
        words.append(toks)
        wanted.update(toks)
        # two words are tried joined as the matcher tries them (Index.alternatives)
        wanted.update(a + b for a, b in zip(toks, toks[1:], strict=False)
                      if a + b in index.vocab or index.joinable(a, b))
    maybe = _maybe_like(index, wanted)
    index.similar(maybe, CFG)
    near = {t for t in maybe if index.is_listed_like(t)} | {t for t in wanted if index.prefixed(t)}
    loose = {t for t in wanted if t in index.joined} | _split_near(index, wanted)
    listed = "\x00".join(index.vocab_list)
    inside = {t for t in wanted if t in listed}  # parts of listed words (joined, initials)
    out = []
    for row, found in zip(rows, words, strict=True):
        # a bonus only comes with the field it rewards (sanctions.matching.score)
        floor = 2 * (threshold - 0.5 - (CFG.birth_date_bonus if row.get("birth_date") else 0.0)
                     - (CFG.country_bonus if row.get("country") else 0.0))
        if found is None:
            out.append(True)
            continue
        pairs = [a + b in near or a + b in loose or a + b in index.joined
                 for a, b in zip(found, found[1:], strict=False)]
        if any(pairs) or any(t in loose for t in found):  # words joined or split: no bound
            out.append(True)
            continue
        if floor <= 0:
            out.append(any(t in near for t in found))
            continue
        if not any(t in near for t in found):
            out.append(False)
            continue
        share = 0.0
        for form in (found, strip_vessel_prefix(found)):  # a vessel's name is scored without it
            total = sum(index.weight(t, CFG) for t in form)
            got = sum(index.weight(t, CFG) for t in form if t in near or t in inside)
            share = max(share, got / total if total else 1.0)
        out.append(share >= floor - 1e-6)
    return out


def _maybe_like(index: Index, words: set[str]) -> set[str]:
    """The words `Index.similar` may find listed words like (a superset, found in bulk): a
    fuzz.ratio at the matcher's pre-filter (a point lower) to one of the index's words or to a
    spelling of one, or a spelling group, romanisation or vowel-fold key of one. Only these are
    looked up one by one."""
    import numpy as np
    from rapidfuzz import fuzz, process

    from .normalize import VARIANTS, equivalents, phonetic_key, vowel_fold

    c = DEFAULT_CONFIG.token_floor
    cut = math.floor(100 * (1 - 2 * (1 - c) / (1 + c))) - 1
    listed = set(index.vocab_list)
    targets = [*index.vocab_list, *(k for k, v in VARIANTS.items() if v in listed)]
    todo = sorted(words)
    out: set[str] = set()
    if targets and todo:
        scores = process.cdist(todo, targets, scorer=fuzz.ratio, score_cutoff=cut,
                               dtype=np.uint8)
        out.update(todo[i] for i in np.flatnonzero(np.asarray(scores).max(axis=1)).tolist())
    groups, keys, eq = index.by_group, index.by_key, equivalents()
    # what a romanisation key can start with, by a word's first letter (normalize._PHONETIC):
    # most words' keys cannot be one of the index's, and are not worked out
    starts = {k[0] for k in keys if k and not k.startswith("=")}
    for t in todo:
        if t in out or len(t) < 4:
            continue
        if (len(t) >= 5 and any(g in groups for g in eq.get(t, ()))) or (t.isalpha() and (
                (len(t) >= 5 and not starts.isdisjoint(_KEY_STARTS.get(t[0], t[0]))
                 and phonetic_key(t) in keys) or "=" + vowel_fold(t) in keys)):
            out.add(t)
    return out


def _split_near(index: Index, words: Iterable[str]) -> set[str]:
    """The words that split into listed words, one of them this index's (Index.split). Only
    words holding one of its words (or a spelling of one) of 3+ letters are tried."""
    from .normalize import VARIANTS

    mine = set(index.vocab_list)  # its `vocab` may answer `in` for a whole database's words
    parts = {w for w in mine if len(w) >= 3} | {
        k for k, v in VARIANTS.items() if v in mine and len(k) >= 3}
    if not parts:
        return set()
    holds = re.compile("|".join(re.escape(w) for w in sorted(parts, key=len, reverse=True)))
    return {t for t in words if 5 <= len(t) <= 40 and t.isalpha() and holds.search(t)
            and any(p in mine for p in index.split(t) or ())}

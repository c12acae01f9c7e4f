"""The re-screen filter's per-word answers (sanctions.matching.reach._Words) read the index's
words by first letter and length for speed: they must be the answers their definitions give,
every listed word looked at."""

from __future__ import annotations

import itertools

from sanctions.matching import DEFAULT_CONFIG, Entity, Index, NameRow
from sanctions.matching.features import in_order
from sanctions.matching.reach import _Sets, _Words
from sanctions.matching.reach_forms import query_tokens
from sanctions.matching.reach_prepared import word_sets

LISTED = [("person", "SOKOLOVSKY, N."), ("person", "AHMED S. TRADING"),
          ("person", "NIKOLAI PETROVICH IVANOV"),
          ("organization", "SPI INTERNATIONAL PROPRIETARY LTD"),
          ("organization", "TRANSNEFTEPRODUKT HOLDINGS"), ("vessel", "MV OCEAN PRIDE")]
QUERIES = ["Nikolai Sokolov", "Intl Trdg Pty Ltd", "S. Ahmed", "Transneft Holding Co", "pride",
           "Ocean", "N Ivanov", "prop", "hold", "trad", "snk", "a b c", "Sokolovskyy",
           "Internationale Proprietary", "Ahmedov Trading and Sons", "iv", "ppr"]


def test_paired_and_by_initials_are_their_definitions() -> None:
    index = Index.build([Entity(f"x:{i}", "x", str(i), kind, name)
                         for i, (kind, name) in enumerate(LISTED)],
                        [NameRow(i, name, "primary") for i, (_, name) in enumerate(LISTED)])
    tokens = query_tokens(QUERIES)
    words = _Words(index, tokens, _Sets(*word_sets(tokens)), DEFAULT_CONFIG)
    assert words.initialled  # persons with an initial: the by-initials answers are asked
    every = sorted({t for toks in tokens for t in toks}
                   | {t[:k] for toks in tokens for t in toks for k in range(1, len(t))}
                   | {"".join(p) for p in itertools.product("nsiptao", repeat=3)})
    for t in every:
        abbreviates = len(t) >= 3 and t.isalpha() and any(
            len(b) >= len(t) + 2 and in_order(t, b) for b in index.vocab_list if b[:1] == t[:1])
        assert words._paired(t) == (t in words.near or t in words.inside or abbreviates), t
        by_initials = (t in words.near and (not index.sims(t, DEFAULT_CONFIG)
                                            or not words.initialled.isdisjoint(
                                                index.sims(t, DEFAULT_CONFIG)))
                       ) or t in words._initialled_text or (len(t) >= 3 and t.isalpha() and any(
                           len(b) >= len(t) + 2 and in_order(t, b)
                           for b in words.initialled if b[:1] == t[0]))
        assert words._by_initials(t) == by_initials, t


def test_inside_and_like_are_their_definitions(monkeypatch) -> None:
    """`_inside` (a set of the index's words' pieces, or a search through them when there are
    too many) and `_maybe_like`'s comparison by length lose no word their definitions find."""
    from rapidfuzz.distance import OSA

    from sanctions.matching import reach_words

    def build() -> Index:
        return Index.build([Entity(f"x:{i}", "x", str(i), kind, name)
                            for i, (kind, name) in enumerate(LISTED)],
                           [NameRow(i, name, "primary") for i, (_, name) in enumerate(LISTED)])

    words = {t for toks in query_tokens(QUERIES) for t in toks}
    words |= {t[i:j] for t in list(words) for i in range(len(t)) for j in range(i + 1, len(t))}
    words |= {"sokolovskiy", "sokolovskyyy", "transneftprodukt", "internationalle", "propretary",
              "okolovsk", "ivanovich", "petrovitch", "oceanprid", "nikolay", "ahmad", ""}
    for pieces in (reach_words.MAX_PIECES, 0):
        monkeypatch.setattr(reach_words, "MAX_PIECES", pieces)
        index = build()
        inside = reach_words._inside(reach_words._index_words(index), words)
        assert inside == {t for t in words if any(t in w for w in index.vocab_list)}
        assert (reach_words._index_words(index).pieces is None) == (pieces == 0)
    floor = DEFAULT_CONFIG.token_floor - 1e-3
    like = {t for t in words if any(OSA.normalized_similarity(t, x) >= floor
                                    for x in reach_words._index_words(index).targets)}
    assert like and like <= reach_words._maybe_like(index, words)

"""The re-screen filter's per-word answers (sanctions.matching.reach._Words) read the index's
words by first letter and length for speed: they must be the answers their definitions give,
every listed word looked at."""

from __future__ import annotations

import itertools

from sanctions.matching import DEFAULT_CONFIG, Entity, Index, NameRow
from sanctions.matching.features import in_order
from sanctions.matching.reach import _Sets, _Words
from sanctions.matching.reach_forms import query_tokens

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
    words = _Words(index, tokens, _Sets(tokens), DEFAULT_CONFIG)
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

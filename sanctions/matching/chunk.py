"""A batch's chunk looked up at once: every word its queries may ask the index about, before
any of them is screened (`Index.warm`).

Screening one query asks the index about each of its words: the listed words like it (one
`neighbours.look_up` for all the chunk's words at once), and, in an index file, a few tables a
key at a time: the words with the same romanisation key (`Index.equivalent_ids`), the names
writing a word as several (`Index.joined_names`), a word's class form (`classed`). Most of those
keys are absent, and each was a statement of its own; here they are read for the whole chunk
in one statement per 500 keys (`Lists.many`) and kept where the single look-ups read them, so
the answers are the same ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from ..normalize import equivalents, phonetic_key, vowel_fold
from . import classed
from .config import MatchConfig
from .query import prepare
from .types import Query

if TYPE_CHECKING:
    from .index import Index


@lru_cache(maxsize=20_000)  # a chunk's words: asked here first, then by `equivalent_ids`
def equivalent_keys(t: str) -> tuple[frozenset[int], tuple[str, ...]]:
    """The name groups (`Index.by_group`) and romanisation keys (`Index.by_key`) whose words
    `Index.equivalent_ids` gives for t."""
    groups = equivalents().get(t, frozenset()) if len(t) >= 5 else frozenset()
    keys = []
    if len(t) >= 5 and t.isalpha():
        keys.append(phonetic_key(t))
    if len(t) >= 4 and t.isalpha():
        keys.append("=" + vowel_fold(t))
    return groups, tuple(keys)


def warm(idx: Index, queries: Iterable[Query], cfg: MatchConfig, workers: int = 1) -> None:
    """Look up the words of many queries at once (see the module's docstring)."""
    tokens: list[str] = []
    words: list[str] = []  # the queries' own words (`Index.joined_names` reads theirs)
    for q in queries:
        p = prepare(q)
        for toks in (p.tokens, p.vessel_tokens):  # and every word `alternatives` may try
            tokens += toks
            words += toks
            tokens += [a + b for a, b in zip(toks, toks[1:], strict=False)
                       if a + b in idx.vocab or idx.joinable(a, b)]
            tokens += [part for t in toks for part in idx.split(t) or ()]
    hold(idx, tokens, words)
    idx.similar(tokens, cfg, workers=workers)


def hold(idx: Index, tokens: list[str], own: list[str]) -> None:
    """Read the keys the look-ups of these words (`own`: the queries' own) will ask the index
    file's tables for at once (an index built in memory has its tables in dicts: nothing to
    read)."""
    words = dict.fromkeys(tokens)
    by_key, by_group, joined = (getattr(m, "many", None)
                                for m in (idx.by_key, idx.by_group, idx.joined))
    unlisted = [t for t in words if t not in idx.vocab]  # a listed word's entry is stored
    if by_key is not None and by_group is not None:
        found = [equivalent_keys(t) for t in unlisted]
        by_key([k for _, keys in found for k in keys])
        by_group([g for groups, _ in found for g in groups])
    if joined is not None:
        joined([t for t in dict.fromkeys(own) if len(t) >= 4])
    classed.hold(dict.fromkeys(own), idx)

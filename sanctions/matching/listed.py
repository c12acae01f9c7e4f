"""What scoring reads of one listed name that no query changes, found once per process.

An alignment (`features.align_form`) and the name checks read the same facts of a listed name
for every query that reaches it: its words' weights, which words are surnames, its first
surname, its one-letter words, the words that are no legal form, its most telling words. A
batch reaches the same few thousand names again and again, so they are kept per index (by
name number) instead of worked out per candidate. Values are exactly what the per-candidate
code computed (the same calls on the same words), so scores do not change.

    >>> from .config import DEFAULT_CONFIG as C
    >>> from .index import Index
    >>> from .types import Entity, NameRow
    >>> idx = Index.build([Entity("x:1", "x", "1", "person", "MADURO MOROS, Nicolas")],
    ...                   [NameRow(0, "MADURO MOROS, Nicolas", "primary")])
    >>> ln = listed(idx, 0, C)
    >>> ln.sur, ln.first, ln.key
    ([0, 1], 0, ['maduro', 'moros'])
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from ..normalize import HONORIFICS, LEGAL_CLASSES
from .config import MatchConfig
from .index import Index
from .slips import ARTICLES
from .tokens import SPELLINGS

CACHE_NAMES = 200_000  # names kept per index (cleared past it), as the index file keeps rows


@dataclass(slots=True)
class Listed:
    """One listed name's facts (see the module's docstring)."""

    w: list[float]  # each word's weight (`Index.weight`)
    sur: list[int]  # positions of its surname words
    first: int | None  # its first surname that is no honorific (may not be left out)
    singles: list[int]  # positions of its one-letter words (initials)
    words: list[int]  # positions of its words that are no legal form
    key: list[str] | None  # its most telling words (`feature_distinctive`); None: < 2 words
    longest: dict[str, int]  # by first letter, the length of its longest word (`bound`)
    letters: int  # the letters of its words that are no legal form (`bound`)
    articles: list[int]  # positions of its articles (`slips.ARTICLES`)


_CACHES: weakref.WeakKeyDictionary[Index, tuple[MatchConfig, dict[int, Listed]]] = (
    weakref.WeakKeyDictionary())


def kept(idx: Index, cfg: MatchConfig) -> dict[int, Listed]:
    """The names' facts kept for this index and config, by name number (a scorer reads them
    here first: one look-up, not two)."""
    cache = _CACHES.get(idx)
    if cache is None or cache[0] is not cfg:
        cache = _CACHES[idx] = (cfg, {})
    return cache[1]


def listed(idx: Index, n_i: int, cfg: MatchConfig) -> Listed:
    """Name n_i's facts, kept per index and config."""
    names = kept(idx, cfg)
    found = names.get(n_i)
    if found is None:
        if len(names) >= CACHE_NAMES:
            names.clear()
        found = names[n_i] = listed_of(idx, idx.tokens[n_i], idx.surnames[n_i], cfg)
    return found


def listed_of(idx: Index, c: list[str], surnames: frozenset[str], cfg: MatchConfig) -> Listed:
    """The facts of listed words `c` with their `surnames` (not kept)."""
    w: list[float] = []
    sur: list[int] = []
    singles: list[int] = []
    words: list[int] = []
    articles: list[int] = []
    plain: list[str] = []
    first: int | None = None
    longest: dict[str, int] = {}
    letters = 0
    for j, t in enumerate(c):  # one pass: a batch meets thousands of names for the first time
        w.append(idx.full_weight(t, cfg))  # a listed title keeps its weight
        if t in surnames:
            sur.append(j)
            if first is None and t not in HONORIFICS:
                first = j
        if len(t) == 1:
            singles.append(j)
        if t in ARTICLES:
            articles.append(j)
        if t not in LEGAL_CLASSES:
            words.append(j)
            letters += len(t)
            if not t.isdigit():
                plain.append(t)
        longest[t[:1]] = max(longest.get(t[:1], 0), len(t))
        if t in SPELLINGS:  # a word cut short may start another spelling of it (`spelled`)
            for x in SPELLINGS[t]:
                longest[x[:1]] = max(longest.get(x[:1], 0), len(x))
    key = None
    if len(plain) >= 2:
        key = ([t for t in plain if t in surnames and t not in HONORIFICS]  # not its "al"
               or [max(plain, key=lambda t: idx.idf.get(t, 0.0))])
    return Listed(w, sur, first, singles, words, key, longest, letters, articles)

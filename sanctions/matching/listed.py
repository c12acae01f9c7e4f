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


_CACHES: weakref.WeakKeyDictionary[Index, tuple[MatchConfig, dict[int, Listed]]] = (
    weakref.WeakKeyDictionary())


def listed(idx: Index, n_i: int, cfg: MatchConfig) -> Listed:
    """Name n_i's facts, kept per index and config."""
    cache = _CACHES.get(idx)
    if cache is None or cache[0] is not cfg:
        cache = _CACHES[idx] = (cfg, {})
    names = cache[1]
    found = names.get(n_i)
    if found is None:
        if len(names) >= CACHE_NAMES:
            names.clear()
        found = names[n_i] = listed_of(idx, idx.tokens[n_i], idx.surnames[n_i], cfg)
    return found


def listed_of(idx: Index, c: list[str], surnames: frozenset[str], cfg: MatchConfig) -> Listed:
    """The facts of listed words `c` with their `surnames` (not kept)."""
    first = next((j for j, t in enumerate(c) if t in surnames and t not in HONORIFICS), None)
    plain = [t for t in c if not t.isdigit() and t not in LEGAL_CLASSES]
    key = None
    if len(plain) >= 2:
        key = ([t for t in plain if t in surnames]
               or [max(plain, key=lambda t: idx.idf.get(t, 0.0))])
    words = [j for j, t in enumerate(c) if t not in LEGAL_CLASSES]
    longest: dict[str, int] = {}
    for t in c:
        longest[t[:1]] = max(longest.get(t[:1], 0), len(t))
    return Listed([idx.weight(t, cfg) for t in c], [j for j, t in enumerate(c) if t in surnames],
                  first, [j for j, t in enumerate(c) if len(t) == 1], words, key, longest,
                  sum(len(c[j]) for j in words))

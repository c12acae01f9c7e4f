"""Words written together: a glued query word cut into listed words.

    >>> segment("goldendragonshipping", {"golden": 0, "dragon": 1, "shipping": 2, "go": 3})
    ['golden', 'dragon', 'shipping']
    >>> segment("trendearagua", {"tren": 0, "trend": 1, "de": 2, "aragua": 3})
    ['tren', 'de', 'aragua']
    >>> segment("lumbermarinesa", {"lumber", "marine", "mari", "nesa", "sa"})
    ['lumber', 'marine', 'sa']
"""

from __future__ import annotations

import bisect
from collections.abc import Container, Sequence

from ..normalize import LEGAL_CLASSES, variant
from .tokens import SPELLINGS

# Short words a glued query may hide ("TrendeAragua"): found in a split only when listed.
PARTICLES = frozenset({"al", "el", "ul", "ud", "de", "da", "do", "di", "du", "la", "le", "of",
                       "bin", "ibn", "abu", "van", "von", "der", "den", "del", "los", "las",
                       "the", "and", "y", "e", "i", "o"})
MAX_PART = 25  # letters of one listed word, at most, in a glued query word
MAX_PREFIXED = 30  # listed words a query word may be the cut start of, at most


def written_joins(a: str, b: str, vocab: Container[str], written: Sequence[str] | None
                  ) -> list[str]:
    """The listed word two adjacent query words make joined as they were `written`, where
    normalisation folded one to another spelling before the re-join saw them ('DEV REZ' reads
    'development rez': DEVREZ); a + b itself is the caller's. None written: none. The
    re-screen's bound (`reach`) asks with every spelling of the words for written: a superset.

    >>> written_joins("development", "rez", {"devrez"}, ["dev", "rez"])
    ['devrez']
    >>> written_joins("development", "rez", {"devrez"}, ["development", "rez"])
    []
    """
    if written is None or (a not in SPELLINGS and b not in SPELLINGS):
        return []
    return [x + y for x in written[:1] for y in written[1:2]
            if (x, y) != (a, b) and x + y in vocab]


def may_join_as_written(a: str, b: str, vocab: Container[str]) -> bool:
    """Whether `written_joins` finds a listed word for a and b written in some spelling of
    theirs (the re-screen's bound does not know how a customer's words were written)."""
    return (a in SPELLINGS or b in SPELLINGS) and any(
        written_joins(a, b, vocab, [x, y]) for x in (a, *SPELLINGS.get(a, ()))
        for y in (b, *SPELLINGS.get(b, ())))


def starts(token: str, words: Sequence[str], ids: Sequence[int]) -> list[int]:
    """The ids of the alphabetically sorted `words` that a word of 4+ letters is the start of,
    two letters short at least ('jupi' of 'jupiter'); none when there are more than
    MAX_PREFIXED (a short start of many words says little).

    >>> starts("jupi", ["jupi", "jupiter", "jupiters", "jury"], [7, 8, 9, 10])
    [8, 9]
    """
    if len(token) < 4 or not token.isalpha():
        return []
    lo = bisect.bisect_left(words, token)
    hi = bisect.bisect_left(words, token + "{")  # '{' sorts after 'z'
    if hi - lo > MAX_PREFIXED:
        return []
    return [ids[k] for k in range(lo, hi) if len(words[k]) >= len(token) + 2]


def segment(token: str, vocab: Container[str], shortest: int = 3) -> list[str] | None:
    """The token as listed words written together, in as few parts as can be, the longer the
    shortest part the better ('borisovichkibis' -> ['borisovich', 'kibis']); parts shorter
    than `shortest` letters only where they are particles ('de', 'al'). None if it cannot be
    cut so. A legal form's class word ('sa', 'llc') may end it after two listed words at least
    ('lumbermarinesa': LUMBER MARINE SA), short as it is, without counting as the shortest
    part: a company's whole name written as one word keeps its legal form at the end."""
    n = len(token)
    # best[i]: (parts, -shortest part, start of the last part) for token[:i]
    best: list[tuple[int, int, int] | None] = [None] * (n + 1)
    best[0] = (0, -99, 0)
    for i in range(1, n + 1):
        for k in range(max(0, i - MAX_PART), i):
            prev = best[k]
            part = token[k:i]
            if prev is None or variant(part) not in vocab or (
                    len(part) < shortest and part not in PARTICLES):
                continue
            cand = (prev[0] + 1, max(prev[1], -len(part)), k)
            cur = best[i]
            if cur is None or cand[:2] < cur[:2]:
                best[i] = cand
    for k in range(max(0, n - 5), n - 1):  # the last part a legal form, after 2+ words
        prev = best[k]
        if prev is not None and prev[0] >= 2 and token[k:] in LEGAL_CLASSES and (
                token[k:] in vocab):
            cand = (prev[0] + 1, prev[1], k)
            cur = best[n]
            if cur is None or cand[:2] < cur[:2]:
                best[n] = cand
    last = best[n]
    if last is None or last[0] < 2:
        return None
    parts, i = [], n
    while i:
        step = best[i]
        assert step is not None  # every start on the chosen path was reached
        parts.append(variant(token[step[2]:i]))
        i = step[2]
    return parts[::-1]

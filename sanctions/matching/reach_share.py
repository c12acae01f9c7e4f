"""The re-screen filter's word work shared between two processes (sanctions.rescreen_filter
forks a helper for a long file; sanctions.matching.reach calls `shared`): each takes every
other row, and of the distinct words of its rows works out only those it owns (by their hash,
the same in a forked process), then the two swap their answers once through a pipe. Each
word's answer is its own (a respelling, what the word is to the index, its letter-class
reading), so a process that has the other's answers has its own words' and looks only at those
of its words the other does not hold: the same answers as one process finds for all of them.

What is swapped is kept small: the words each looked at go as one string a word a line (a
copy, where a pickled set costs a string each), and of the answers only the words that are
something (a respelling that changes a word, a word like or inside a listed one...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from .classed import class_respellable
from .config import MatchConfig
from .index import Index
from .reach_forms import respellings
from .reach_prepared import Prepared
from .reach_words import Found, complete


class Answers(NamedTuple):
    """What one process found of its share of a file's words, for the other."""

    raw: str | set[str]  # the names' words as written it looked at (`_packed`)
    respelled: dict[str, str]  # those of them a list spells otherwise, as `respellings` says
    wanted: str | set[str]  # the names' tokens it looked at (`_packed`), and of them those
    near: set[str]  # like a listed word
    inside: set[str]  # inside one
    joined: set[str]  # written as several by a listed name
    splits: dict[str, list[str]]  # split into listed words
    classes: dict[str, str]  # read as a listed word by its letter classes (class_respellable)


# The other process's answers for one's own (None if it has none: it failed, or the caller
# shares with none): sanctions.rescreen_filter passes them through a pipe.
Swap = Callable[[Answers], Answers | None]


def shared(index: Index, raw: set[str], wanted: set[str], cfg: MatchConfig,
           share: tuple[int, int, Swap], prep: Prepared | None = None
           ) -> tuple[Found, dict[str, str], dict[str, str]]:
    """The answers for the words of this share of a file (`raw`: its names' words as written;
    `wanted`: their tokens), each looked at in one process only: the words this one owns, and
    what the other sends; the respellings, what each token is to the index (`Found`), and its
    letter-class reading (`class_forms`: found.wanted says which tokens it holds). The tokens
    the other does not hold, and the joined pairs, are left for `_Words`; of the names' words,
    every respelling is found here. `prep`: the file's preparation, if any (`reach_prepared`)."""
    k, n, swap = share
    own_raw = _owned(raw, k, n)
    respell = respellings(own_raw, index, prep.spellings(own_raw) if prep is not None else None)
    # Of the joined pairs, each process looks at all of its own, after the swap (`_Words`):
    # few are in both shares (20,000 customers: 813 of 14,000 a share), so sending them
    # costs more than looking at those twice.
    own = _owned(wanted, k, n)
    found = complete(index, None, own, set(), cfg)
    classes = class_respellable(own, index)
    # (of the respellings, only those that change a word: the others read as no respelling)
    got = swap(Answers(_packed(own_raw), {w: r for w, r in respell.items() if r != w},
                       _packed(own), found.near, found.inside, found.joined, found.splits,
                       classes))
    if got is not None:
        own_raw |= _unpacked(got.raw)
        respell.update(got.respelled)
        found = found.merge(Found(_unpacked(got.wanted), set(), got.near, got.inside,
                                  got.joined, got.splits))
        classes.update(got.classes)
    rest = raw - own_raw
    respell.update(respellings(rest, index, prep.spellings(rest) if prep is not None else None))
    return found, respell, classes


def _owned(words: set[str], k: int, n: int) -> set[str]:
    """The words process k of n looks at, by their hash (the same in a forked process; a
    comprehension costs less than mapping bound methods over them)."""
    return {w for w in words if hash(w) % n == k}


def _packed(words: set[str]) -> str | set[str]:
    """A set of words as one string, a word a line: pickled as one copy, where a set costs a
    string each (a tenth of the time). A file's words never hold a line break (names are split
    at white space) nor are empty; a set that did would go as it is."""
    text = "\n".join(words)
    return text if words and "" not in words and text.count("\n") == len(words) - 1 else words


def _unpacked(words: str | set[str]) -> set[str]:
    return words if isinstance(words, set) else set(words.split("\n"))

"""What the distinct words of a customer file are to a small index, found in bulk
(sanctions.matching.reach bounds each name with it): like a listed word (`near`: the matcher's
similarity, spellings, equivalents, romanisation and vowel-fold keys, a word cut short), inside
one (`inside`), written as several by a name (`joined`), split into listed words one of which is
the index's (`splits`). Each word's answer is its own, so a file's words may be shared between
processes and the answers merged (`Found.merge`): the same sets as one process finds.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
import re
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from ..normalize import _PHONETIC, VARIANTS, equivalents, phonetic_key, vowel_fold
from .config import DEFAULT_CONFIG, MatchConfig
from .features import in_order
from .index import Index
from .query import FORM_WORDS
from .spelled import spelled

# normalize.phonetic_key's rules, each word a line: '^' and '$' at each line's start and end
_PHONETIC_LINES = [(re.compile(rx.pattern, re.M), rep) for rx, rep in _PHONETIC]
# What of a word its romanisation key always keeps (normalize._PHONETIC): letters its rules
# may drop are dropped ('kh' is 'h', 'ph' 'f', 'dj' 'j', 'c' and 'q' become others, vowels
# go), 'w' is 'v', 'z' is 's', 'x' is 'ks' (of which the 'k' is kept here: 'xx' is one 'x')
_FIRM = str.maketrans({**dict.fromkeys("aeiouyhkdpcq"), "w": "v", "z": "s", "x": "k"})
_RUNS = re.compile(r"(.)\1+")
# a run's one letter, as `_RUNS.sub` writes it: a C call a run, where the template r"\1" is
# expanded in Python at each (a file's words hold some 4,000 runs a process)
_RUN_LETTER = operator.itemgetter(1)
_NO_VOWELS = str.maketrans(dict.fromkeys("aeiou"))
# What a romanisation key (normalize._PHONETIC) can start with, by a word's first letter.
_KEY_STARTS = {**dict.fromkeys("aeiouy", "a"), "c": "sk", "q": "k", "x": "k", "z": "s", "w": "v",
               "p": "pf", "k": "kh", "d": "dj"}
MAX_PIECES = 200_000  # pieces of an index's words kept as a set, at most (`_inside`)


@dataclass
class Found:
    """The answers for some words: `wanted` were looked at in every way, `tried` (two query
    words joined) only for likeness; the sets hold those of them that are so."""

    wanted: set[str] = field(default_factory=set)
    tried: set[str] = field(default_factory=set)
    near: set[str] = field(default_factory=set)
    inside: set[str] = field(default_factory=set)
    joined: set[str] = field(default_factory=set)
    splits: dict[str, list[str]] = field(default_factory=dict)

    def merge(self, other: Found) -> Found:
        return Found(self.wanted | other.wanted, self.tried | other.tried,
                     self.near | other.near, self.inside | other.inside,
                     self.joined | other.joined, {**self.splits, **other.splits})


class _IndexWords:
    """What a file's words are compared with, for one index: its words, their spellings, their
    romanisation and vowel-fold keys, their starts, their pieces, the words a split may yield.
    Worked out once per index (`_index_words`): a pass calls `analyse` two or three times a
    process, and the keys' subsequences alone cost 3-6 ms each time."""

    def __init__(self, index: Index) -> None:
        words = index.vocab_list
        self.mine = set(words)  # its `vocab` may answer `in` for a whole database's words
        self.text = "\x00".join(words)  # a word inside one of them is in this
        self.targets = [*words, *(k for k, v in VARIANTS.items() if v in self.mine)]
        self.by_len = sorted(self.targets, key=len)  # and by length (`_maybe_like`)
        self.target_lens = [len(t) for t in self.by_len]
        # every piece of its words, unless too many (a large change): a word is inside one
        # iff it is one of these (one set intersection, where a search through `text` a word
        # costs 0.3 us, 10-14 ms for 20,000 customers)
        self.pieces: set[str] | None = None
        if sum(len(w) * (len(w) + 1) // 2 for w in words) <= MAX_PIECES:
            self.pieces = {w[i:j] for w in words for i in range(len(w))
                           for j in range(i + 1, len(w) + 1)} | {""}
        keys = [k for k in index.by_key if k and not k.startswith("=")]
        self.key_starts = {k[0] for k in keys}
        # the first letters of the words whose romanisation key may start with one of those
        # (`_KEY_STARTS`): only the words starting so are keyed (`_maybe_like`)
        self.key_firsts = {c for c in self.key_starts if c not in _KEY_STARTS} | {
            c for c, may in _KEY_STARTS.items() if not self.key_starts.isdisjoint(may)}
        self.seqs = _subsequences(keys)
        self.folds = {k[1:] for k in index.by_key if k.startswith("=")}
        self.bare = {f.translate(_NO_VOWELS) for f in self.folds}
        self.starts = {w[:k] for w in words for k in range(4, len(w) - 1)}
        # A legal form's words count as the index's: the matcher folds a split that yields them
        # ('jointstock': JOINT STOCK, then PJSC, `query.folded`), though the index holds only
        # the folded form. `_Words._may_reach` sets no bound on a name with such a split.
        parts = {w for w in self.mine | FORM_WORDS if len(w) >= 3} | {
            k for k, v in VARIANTS.items() if v in self.mine and len(k) >= 3}
        self.parts = _any_of(parts) if parts else None


_INDEX_WORDS: weakref.WeakKeyDictionary[Index, _IndexWords] = weakref.WeakKeyDictionary()


def _index_words(index: Index) -> _IndexWords:
    found = _INDEX_WORDS.get(index)
    if found is None:
        found = _INDEX_WORDS[index] = _IndexWords(index)
    return found


def analyse(index: Index, wanted: set[str], tried: set[str], cfg: MatchConfig,
            split: bool = True) -> Found:
    """The answers for these words (`split`: also which split into listed words)."""
    every = wanted | tried  # (made once: a file's are some 40,000 words)
    maybe = _maybe_like(index, every)
    index.similar(maybe, cfg)
    listed = _index_words(index)
    return Found(wanted, tried,
                 {t for t in maybe if index.is_listed_like(t)} | _prefixed(index, every),
                 _inside(listed, wanted),  # parts of listed words (joined)
                 wanted.intersection(index.joined),
                 _splits(index, wanted) if split else {})


def _inside(listed: _IndexWords, words: set[str]) -> set[str]:
    """The words inside one of the index's."""
    if listed.pieces is not None:
        return words & listed.pieces
    return {t for t in words if t in listed.text}


def complete(index: Index, found: Found | None, wanted: set[str], tried: set[str],
             cfg: MatchConfig, split: bool = True) -> Found:
    """`found` with the answers for the words it lacks."""
    if found is None:
        return analyse(index, wanted, tried, cfg, split)
    more = analyse(index, wanted - found.wanted, tried - found.tried - found.wanted, cfg, split)
    return found.merge(more)


def _prefixed(index: Index, words: set[str]) -> set[str]:
    """The words that start a listed word (a word cut short: Index.prefixed); only a start of
    one of this index's words is looked up (those of the words found by one intersection)."""
    return {t for t in _index_words(index).starts.intersection(words) if index.prefixed(t)}


def _maybe_like(index: Index, words: set[str]) -> set[str]:
    """The words `Index.similar` may find listed words like (a superset, found in bulk): a
    fuzz.ratio at the matcher's pre-filter (a point lower) and the OSA similarity it keeps to one
    of the index's words or to a spelling of one, or a spelling group, romanisation or
    vowel-fold key of one. Only these are looked up one by one."""
    c = DEFAULT_CONFIG.token_floor
    cut = math.floor(100 * (1 - 2 * (1 - c) / (1 + c))) - 1
    listed = _index_words(index)
    targets = listed.targets
    todo = list(words)  # in any order: each word's answer is its own
    out: set[str] = set()
    if targets and todo:
        # OSA similarity is at most the shorter length over the longer: a word is compared
        # only with the targets of the lengths that can reach the floor (the ratio's looser
        # cut lets lengths through that the OSA below never keeps; 20,000 customers against
        # 10 changed entities: 29% of the pairs)
        by_len: dict[int, list[str]] = {}
        for t in todo:
            by_len.setdefault(len(t), []).append(t)
        some = []
        for n, group in by_len.items():
            lo = bisect.bisect_left(listed.target_lens, math.ceil(n * (c - 1e-3) - 1e-9))
            hi = bisect.bisect_right(listed.target_lens, math.floor(n / (c - 1e-3) + 1e-9))
            if lo < hi:
                scores = process.cdist(group, listed.by_len[lo:hi], scorer=fuzz.ratio,
                                       score_cutoff=cut, dtype=np.uint8)
                some += [group[i] for i in np.flatnonzero(np.asarray(scores).max(axis=1))
                         .tolist()]
        # then the scorer's own similarity, which `similar` keeps a word at (a hair lower: it
        # rounds), for the few the ratio lets through
        if some:
            sims = process.cdist(some, targets, scorer=OSA.normalized_similarity,
                                 score_cutoff=c - 1e-3, dtype=np.float32)
            out.update(some[i] for i in np.flatnonzero(np.asarray(sims).max(axis=1)).tolist())
    groups, keys, eq = index.by_group, index.by_key, equivalents()
    # a spelling group of one of its words
    out.update(t for t in words & eq.keys() if len(t) >= 5 and any(g in groups for g in eq[t]))
    # a romanisation key of one: most words' keys cannot be one of the index's, by their first
    # letter, and are not worked out
    lines = "\n".join(todo)  # the words a line, looked through at once where it can be
    # (the index's possible first letters, whether or not a word starts with one: a letter no
    # word starts with matches nothing, and the file's first letters cost a pass over it)
    firsts = listed.key_firsts
    some = [m.group() for m in _any_first(firsts).finditer(lines)] if firsts else []
    some = _may_key([t for t in some if t.isalpha()], listed.seqs)
    out.update(t for t, k in zip(some, _phonetic_keys(some), strict=True) if k in keys)
    # a vowel-fold key of one: vowel_fold changes only long vowels, so a word has one of these
    # keys only if its consonants are one's (all worked out at once)
    folds, bare = listed.folds, listed.bare
    if not todo or not folds:
        return out
    some = [t for t in itertools.compress(todo, map(bare.__contains__, lines.translate(
        _NO_VOWELS).split("\n"))) if len(t) >= 4 and t.isalpha()]
    if some:
        out.update(t for t, f in zip(some, vowel_fold("\n".join(some)).split("\n"),
                                     strict=True) if f in folds)
    return out


def _any_first(firsts: set[str]) -> re.Pattern[str]:
    """A pattern matching the lines (words) of 5 characters or more that start with one of
    these."""
    return re.compile(f"^[{''.join(re.escape(c) for c in sorted(firsts))}][^\\n]{{4,}}$",
                      re.M)


def _may_key(words: list[str], seqs: set[str] | None) -> list[str]:
    """The words whose romanisation key may be one of some keys (`seqs`: their
    `_subsequences`): `phonetic_key` keeps the letters no rule of its drops, in order ('w' as
    'v', 'z' as 's', 'x' as 'ks'), so those of a word must be a subsequence of its key (runs
    read as one, as its first rule reads them)."""
    if not words or seqs is None:
        return words
    firm = _RUNS.sub(_RUN_LETTER, "\n".join(words).translate(_FIRM)).split("\n")
    return [t for t, f in zip(words, firm, strict=True) if f in seqs]


def _subsequences(keys: Sequence[str]) -> set[str] | None:
    """Every subsequence of these keys, runs of a letter read as one; None when a key is too
    long to list them (no word is then left out)."""
    seqs: set[str] = set()
    for key in keys:
        if len(key) > 12:
            return None
        seqs.update(_RUNS.sub(_RUN_LETTER, "".join(c for c, keep in zip(key, mask, strict=True)
                                                   if keep))
                    for mask in itertools.product((0, 1), repeat=len(key)))
    return seqs


def _phonetic_keys(words: list[str]) -> list[str]:
    """phonetic_key of each word, all at once: its rules hold within a word (a line each)."""
    text = "\n".join(words)
    for rx, rep in _PHONETIC_LINES:
        text = rx.sub(rep, text)
    keys = text.split("\n")
    return keys if len(keys) == len(words) else [phonetic_key(t) for t in words]


def _splits(index: Index, words: Iterable[str]) -> dict[str, list[str]]:
    """The words that split into listed words, one of them this index's (Index.split), with
    their parts. Only words holding one of its words (or a spelling of one) of 3+ letters are
    tried: found in one search over them all, a word a line."""
    listed = _index_words(index)
    mine, parts = listed.mine, listed.parts  # the words it may yield: see `_IndexWords`
    some = [t for t in words if 5 <= len(t) <= 40 and t.isalpha()]
    if parts is None or not some:
        return {}
    # A word holds a part iff the search over all of them finds a match on its line: a match
    # never crosses a line break (the parts are letters), and the search tries every position
    # of a line a match before it did not pass.
    starts = [0, *itertools.accumulate(len(t) + 1 for t in some)]
    holding = {bisect.bisect_right(starts, m.start()) - 1
               for m in parts.finditer("\n".join(some))}
    out = {}
    for t in (some[i] for i in holding):
        split = index.split(t)
        if split and any(p in mine or p in FORM_WORDS for p in split):
            out[t] = split
    return out


def _any_of(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern matching where one of these words starts, as a trie: the same positions as
    their alternation, for a fraction of its cost. A word whose start is another word needs no
    branch of its own: the shorter matches wherever it does."""
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        if "" in node:
            return ""
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items())]
        return alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"

    return re.compile(emit(trie))


def abbreviates(t: str, by_first: dict[str, list[str]], longest: dict[str, int]) -> bool:
    """Whether a spelling of word t (each its fold stands for, `spelled`), of 3+ letters,
    is the start of or has its letters in order in one of the words `by_first` holds under
    its first letter, 2+ letters longer (`longest`: the longest word of each first letter, so
    most words need not go through the list)."""
    return any(len(x) >= 3 and x.isalpha() and longest.get(x[0], 0) >= len(x) + 2
               and any(len(b) >= len(x) + 2 and in_order(x, b) for b in by_first[x[0]])
               for x in spelled(t))

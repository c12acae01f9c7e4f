"""Which queries could reach a few listed entities: a cheap superset, worked out in bulk over
the distinct words of a whole customer file (sanctions.rescreen screens only these).

The checks follow the matcher: its retrieval finds a name only through a word like a listed
one (`Index.similar`: the same similarity, spellings and equivalents), words joined
(`Index.alternatives`), a word split into listed words (`Index.split`), a word a name writes as
several (`Index.joined_names`) or a word cut short (`Index.prefixed`), in each form `prepare`
tries the query in (respelled as a list spells it, Chinese characters read as one word, an
abjad or a Hangul foreign name read by its consonants, Hangul words read as a foreign name's,
katakana and Chinese transliterations: `reach_forms.other_forms` asks the matcher's own
functions); its name score
is at most half the share of the query's word weight that pairs with listed words, plus one
half (`features.feature_name`), and the qualifiers add at most their bonuses. A word inside a
listed one (`features.feature_joined` compares unpaired words joined) or abbreviating one
(`features._abbreviations`: 'pty' for 'proprietary') counts as paired; so does a word a
person's listed initial starts ('nikolai' for the 'N.' of 'SOKOLOVSKY, N.'), against the names
holding an initial only, as many of them as the name has initials.
scripts/check_reach.py checks it against a full screen for many random changes.
tests/test_rescreen.py checks on misspelt names and the eval sets that a re-screen reports
every hit a full screen reports.

    >>> from .types import Entity, NameRow
    >>> idx = Index.build([Entity("x:1", "x", "1", "organization", "TREN DE ARAGUA")],
    ...                   [NameRow(0, "TREN DE ARAGUA", "primary")])
    >>> reaching(idx, ["Tren de Aragua", "Aragwa", "John Smith", None], [0.0] * 4, 0.8)
    [True, True, False, True]
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

# name_tokens' own steps (its reading of a character, its apostrophes), applied to a whole file
from ..normalize import (
    _APOSTROPHES,
    _PHONETIC,
    LEGAL_FORMS,
    VARIANTS,
    VESSEL_PREFIXES,
    _read,
    clean_text,
    equivalents,
    fold_legal_forms,
    legal_word,
    name_tokens,
    phonetic_key,
    strip_vessel_prefix,
    vowel_fold,
)
from .config import DEFAULT_CONFIG, MatchConfig
from .index import Index
from .reach_forms import other_forms

_DIGIT = re.compile(r"\d")
_NON_ALNUM_LINES = re.compile(r"[^0-9a-z\n]+")
_GREEK = re.compile("[\u0370-\u03ff]")
_SPELLED = frozenset(VARIANTS)
# normalize.phonetic_key's rules, each word a line: '^' and '$' at each line's start and end
_PHONETIC_LINES = [(re.compile(rx.pattern, re.M), rep) for rx, rep in _PHONETIC]
_FORM_STARTS = frozenset(form[0] for form in LEGAL_FORMS)
# What of a word its romanisation key always keeps (normalize._PHONETIC): letters its rules
# may drop are dropped ('kh' is 'h', 'ph' 'f', 'dj' 'j', 'c' and 'q' become others, vowels
# go), 'w' is 'v', 'z' is 's', 'x' is 'ks' (of which the 'k' is kept here: 'xx' is one 'x')
_FIRM = str.maketrans({**dict.fromkeys("aeiouyhkdpcq"), "w": "v", "z": "s", "x": "k"})
_RUNS = re.compile(r"(.)\1+")
_NO_VOWELS = str.maketrans(dict.fromkeys("aeiou"))
_VESSEL_STARTS = frozenset(prefix[0] for prefix in VESSEL_PREFIXES)
# What a romanisation key (normalize._PHONETIC) can start with, by a word's first letter.
_KEY_STARTS = {**dict.fromkeys("aeiouy", "a"), "c": "sk", "q": "k", "x": "k", "z": "s", "w": "v",
               "p": "pf", "k": "kh", "d": "dj"}


def query_tokens(names: Sequence[str]) -> list[list[str]]:
    """`name_tokens` of each name, the names of a file read at once: outside Greek (whose
    letter pairs are read together), each character is read on its own, so each distinct one
    is read once and a line break between names keeps them apart. Equal to name_tokens
    (tests/test_rescreen.py), for a fraction of its cost."""
    texts = [clean_text(n) for n in names]  # no control character, so no line break, is left
    out: list[list[str] | None] = [None] * len(texts)
    plain = [i for i, t in enumerate(texts) if t.isascii()]
    other = {i: unicodedata.normalize("NFKC", texts[i]) for i, t in enumerate(texts)
             if not t.isascii()}
    for group in (plain, [i for i, t in other.items() if not _GREEK.search(t)]):
        text = "\n".join(other.get(i, texts[i]) for i in group)
        if not text.isascii():
            text = text.translate({ord(ch): _read(ch) for ch in set(text) if not ch.isascii()})
        lines = _NON_ALNUM_LINES.sub(" ", _APOSTROPHES.sub("", text.casefold())).split("\n")
        if len(lines) == len(group):  # else a character was read as a line break
            for i, line in zip(group, lines, strict=True):
                out[i] = line.split()
    words = {t for toks in out if toks for t in toks}
    spelled = words & _SPELLED
    # fold_legal_forms changes a name only where a word is, or misspells, a form's first word
    forms = {VARIANTS.get(t, t) for t in words}
    forms = {t for t in forms if t in _FORM_STARTS or legal_word(t) in _FORM_STARTS}
    done = []
    for t, toks in zip(texts, out, strict=True):
        if toks is None:
            done.append(name_tokens(t))  # Greek: read the matcher's own way
            continue
        if not spelled.isdisjoint(toks):
            toks = [VARIANTS.get(w, w) for w in toks]
        done.append(toks if forms.isdisjoint(toks) else fold_legal_forms(toks))
    return done


def reaching(index: Index, names: Sequence[str | None], bonuses: Sequence[float],
             threshold: float, cfg: MatchConfig = DEFAULT_CONFIG) -> list[bool]:
    """Whether each query name could score `threshold` against an entity of a small index,
    with at most `bonuses[i]` from its qualifiers (birth date, country): a superset. A name
    of None (an identifier to compare, a row in error) or with a digit is always screened."""
    plain = [i for i, n in enumerate(names) if n is not None and not _DIGIT.search(n)]
    tokens = query_tokens([names[i] or "" for i in plain])
    read = other_forms([names[i] or "" for i in plain], index)
    words = _Words(index, [*tokens, *(r for forms in read.values() for r in forms)], cfg)
    out = [True] * len(names)
    hot = words.hot
    for k, (i, toks) in enumerate(zip(plain, tokens, strict=True)):
        if k not in read and hot.isdisjoint(toks):
            out[i] = False  # most names (`reaches` says so first, for a call less a name)
        else:
            out[i] = words.reaches(toks, 2 * (threshold - 0.5 - bonuses[i]), read.get(k, []))
    return out


class _Words:
    """What each distinct word of a file is to a small index, found in bulk: like a listed word
    (`near`), inside one (`inside`), written as several by a name (`joined`), split into
    listed words, one of them this index's (`splits`); and the adjacent pairs that, joined,
    are like a listed word or written as several by a name (`loose`)."""

    def __init__(self, index: Index, tokens: Sequence[Sequence[str]], cfg: MatchConfig) -> None:
        self.index, self.cfg = index, cfg
        wanted = {t for toks in tokens for t in toks}
        # whether a word is listed is the whole database's answer (store.index._Listed)
        listed_words = getattr(index.vocab, "whole", index.vocab)
        self.splits = _splits(index, wanted)
        pairs = {p for toks in tokens for p in zip(toks, toks[1:], strict=False)}
        pairs.update(p for toks in tokens if any(t in self.splits for t in toks)
                     for form in self._split(toks) for p in zip(form, form[1:], strict=False))
        # Every pair joined is looked at: whether the matcher tries it so (Index.alternatives:
        # listed, or `joinable`) is asked below only of the few like a listed word, for less
        # than asking it of every pair. A word looked at needlessly changes nothing: whether a
        # word is like a listed one is the word's own answer.
        tried = {a + b for a, b in pairs}
        wanted |= {p for parts in self.splits.values() for p in parts}
        # a pair joined counts only as like a listed word (`loose`); the words of the forms
        # count in every way
        maybe = _maybe_like(index, wanted | tried)
        index.similar(maybe, cfg)
        self.near = ({t for t in maybe if index.is_listed_like(t)}
                     | _prefixed(index, wanted | tried))
        listed = "\x00".join(index.vocab_list)
        self.inside = {t for t in wanted if t in listed}  # parts of listed words (joined)
        self.joined = {t for t in wanted if t in index.joined}
        # two words count joined as the matcher tries them (Index.alternatives)
        self.loose = {(a, b) for a, b in pairs if (a + b in self.near and (
            a + b in listed_words or index.joinable(a, b))) or a + b in index.joined}
        # a name holding none of these reaches nothing
        self.hot = self.near | self.joined | set(self.splits) | {a for a, _ in self.loose}
        self.by_first: dict[str, list[str]] = {}
        for w in index.vocab_list:
            self.by_first.setdefault(w[:1], []).append(w)
        # A person's listed initial pairs with a query word it starts ('n' of 'SOKOLOVSKY, N.'
        # with 'nikolai': features.align_form, tokens.token_similarity), like or not. Only in
        # a name holding one: such a word counts only with the words of those names
        # (`_initialled`), or every 'Smith and Sons' would reach an 'AHMED S.' and some 'AND'.
        with_initial = [n for n, row in enumerate(index.names)
                        if index.entities[row.entity].type == "person"
                        and any(len(t) == 1 and t.isalpha() for t in index.tokens[n])]
        self.initials = {t for n in with_initial for t in index.tokens[n] if len(t) == 1}
        # each listed word pairs with one query word: at most this many pair with initials
        self.most_initials = max((sum(1 for t in index.tokens[n] if len(t) == 1)
                                  for n in with_initial), default=0)
        self.initialled = {t for n in with_initial for t in index.tokens[n]}
        self._initialled_text = "\x00".join(self.initialled)
        self.short: dict[str, bool] = {}

    def _split(self, toks: Sequence[str]) -> list[list[str]]:
        return [[*toks[:i], *self.splits[t], *toks[i + 1:]] for i, t in enumerate(toks)
                if t in self.splits]

    def reaches(self, toks: Sequence[str], floor: float, read: Sequence[list[str]] = ()
                ) -> bool:
        """Whether a name of these tokens could reach the floor on the share of its weight
        paired with listed words (2 (threshold - bonuses - 0.5)), in any form the matcher
        tries it in: as written, without a vessel prefix, a word split, `read` otherwise."""
        if not read and self.hot.isdisjoint(toks):
            return False  # most names: no word that could lead to a listed one
        if any(t in self.joined for t in toks):
            return True  # a word a listed name writes as several: no bound
        forms = [list(toks)]
        if toks and toks[0] in _VESSEL_STARTS and (bare := strip_vessel_prefix(forms[0])
                                                   ) != forms[0]:
            forms.append(bare)  # a vessel's name is scored without it
        if any(t in self.splits for t in toks):
            forms += [s for f in list(forms) for s in self._split(f)]
        forms += read
        for form in forms:
            if any(p in self.loose for p in zip(form, form[1:], strict=False)):
                return True  # words joined: no bound
            if not any(t in self.near for t in form):
                continue
            if floor <= 0:
                return True
            weight = [self.index.weight(t, self.cfg) for t in form]
            total = sum(weight)
            got = sum(w for t, w in zip(form, weight, strict=True) if self._paired(t))
            if (got / total if total else 1.0) >= floor - 1e-6:
                return True
            if self.initials and any(t[:1] in self.initials for t in form):
                # against a name with an initial: its words paired as above, or the heaviest
                # few by its initials
                got = sum(w for t, w in zip(form, weight, strict=True) if self._initialled(t))
                by_initial = sorted((w for t, w in zip(form, weight, strict=True)
                                     if not self._initialled(t) and t[:1] in self.initials
                                     and t.isalpha()), reverse=True)
                got += sum(by_initial[:self.most_initials])
                if (got / total if total else 1.0) >= floor - 1e-6:
                    return True
        return False


    def _initialled(self, t: str) -> bool:
        """Whether the scorer may pair a query word with a word of a person's name that holds an
        initial (`initialled`) other than by the initial: like one of its words (or like a word
        cut short: `Index.prefixed` says not which), inside one, abbreviating one."""
        if t in self.near:
            like = self.index.sims(t, self.cfg)
            if not like or not self.initialled.isdisjoint(like):
                return True  # else it may still be inside one, or abbreviate one
        if t in self._initialled_text:
            return True
        return len(t) >= 3 and t.isalpha() and any(
            len(b) >= len(t) + 2 and _in_order(t, b) for b in self.initialled if b[:1] == t[0])

    def _paired(self, t: str) -> bool:
        """Whether the scorer may pair a query word with a listed one other than an initial:
        like it, inside it, or an abbreviation of it (its start or its letters in order, from 3
        letters: features._abbreviations)."""
        if t in self.near or t in self.inside:
            return True
        found = self.short.get(t)
        if found is None:
            found = self.short[t] = len(t) >= 3 and t.isalpha() and any(
                len(b) >= len(t) + 2 and _in_order(t, b) for b in self.by_first.get(t[0], ()))
        return found


def _in_order(a: str, b: str) -> bool:
    it = iter(b)
    return all(ch in it for ch in a)


def _prefixed(index: Index, words: Iterable[str]) -> set[str]:
    """The words that start a listed word (a word cut short: Index.prefixed); only a start of
    one of this index's words is looked up."""
    starts = {w[:k] for w in index.vocab_list for k in range(4, len(w) - 1)}
    return {t for t in words if t in starts and index.prefixed(t)}


def _maybe_like(index: Index, words: set[str]) -> set[str]:
    """The words `Index.similar` may find listed words like (a superset, found in bulk): a
    fuzz.ratio at the matcher's pre-filter (a point lower) and the OSA similarity it keeps to one
    of the index's words or to a spelling of one, or a spelling group, romanisation or
    vowel-fold key of one. Only these are looked up one by one."""
    c = DEFAULT_CONFIG.token_floor
    cut = math.floor(100 * (1 - 2 * (1 - c) / (1 + c))) - 1
    listed = set(index.vocab_list)
    targets = [*index.vocab_list, *(k for k, v in VARIANTS.items() if v in listed)]
    todo = list(words)  # in any order: each word's answer is its own
    out: set[str] = set()
    if targets and todo:
        scores = process.cdist(todo, targets, scorer=fuzz.ratio, score_cutoff=cut,
                               dtype=np.uint8)
        some = [todo[i] for i in np.flatnonzero(np.asarray(scores).max(axis=1)).tolist()]
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
    starts = {k[0] for k in keys if k and not k.startswith("=")}
    firsts = {c for c in {t[0] for t in todo if t}
              if not starts.isdisjoint(_KEY_STARTS.get(c, c))}
    some = [t for t in todo if len(t) >= 5 and t[0] in firsts and t.isalpha()]
    some = _may_key(some, [k for k in keys if k and not k.startswith("=")])
    out.update(t for t, k in zip(some, _phonetic_keys(some), strict=True) if k in keys)
    # a vowel-fold key of one: vowel_fold changes only long vowels, so a word has one of these
    # keys only if its consonants are one's (all worked out at once)
    folds = {k[1:] for k in keys if k.startswith("=")}
    bare = {f.translate(_NO_VOWELS) for f in folds}
    if not todo:
        return out
    some = [t for t, b in zip(todo, "\n".join(todo).translate(_NO_VOWELS).split("\n"),
                              strict=True) if b in bare and len(t) >= 4 and t.isalpha()]
    if some:
        out.update(t for t, f in zip(some, vowel_fold("\n".join(some)).split("\n"),
                                     strict=True) if f in folds)
    return out


def _may_key(words: list[str], keys: list[str]) -> list[str]:
    """The words whose romanisation key may be one of these keys: `phonetic_key` keeps the
    letters no rule of its drops, in order ('w' as 'v', 'z' as 's', 'x' as 'ks'), so those of a
    word must be a subsequence of its key (runs read as one, as its first rule reads them)."""
    if not words:
        return []
    seqs: set[str] = set()
    for key in keys:
        if len(key) > 12:  # too many subsequences to list: no word is left out
            return words
        seqs.update(_RUNS.sub(r"\1", "".join(c for c, keep in zip(key, mask, strict=True)
                                               if keep))
                    for mask in itertools.product((0, 1), repeat=len(key)))
    firm = _RUNS.sub(r"\1", "\n".join(words).translate(_FIRM)).split("\n")
    return [t for t, f in zip(words, firm, strict=True) if f in seqs]


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
    tried."""
    mine = set(index.vocab_list)  # its `vocab` may answer `in` for a whole database's words
    parts = {w for w in mine if len(w) >= 3} | {
        k for k, v in VARIANTS.items() if v in mine and len(k) >= 3}
    if not parts:
        return {}
    holds = re.compile("|".join(re.escape(w) for w in sorted(parts, key=len, reverse=True)))
    out = {}
    for t in words:
        if 5 <= len(t) <= 40 and t.isalpha() and holds.search(t):
            split = index.split(t)
            if split and any(p in mine for p in split):
                out[t] = split
    return out

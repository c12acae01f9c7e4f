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
holding an initial only, as many of them as the name has initials. The few names that pass
are then bounded form by form against each listed name, its listed side counted too
(`reach_names`: a name that pairs one word of a long listed name scores far under the
threshold), with two words joined and a split's legal form folded as `prepare` writes them.
scripts/check_reach.py checks it against a full screen for many random changes.
tests/test_rescreen.py checks on misspelt names and the eval sets that a re-screen reports
every hit a full screen reports.

    >>> from .types import Entity, NameRow
    >>> idx = Index.build([Entity("x:1", "x", "1", "organization", "TREN DE ARAGUA")],
    ...                   [NameRow(0, "TREN DE ARAGUA", "primary")])
    >>> reaching(idx, ["Tren de Aragwa", "Aragwa", "John Smith", None], [0.0] * 4, 0.8)
    [True, False, False, True]

('Aragwa' alone scores 0.56: one word of three of the listed name.)
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence

from ..normalize import strip_vessel_prefix
from .config import DEFAULT_CONFIG, MatchConfig
from .consonants import abjad_words
from .index import Index
from .middle import inner_names, weight_off
from .query import FORM_WORDS, folded
from .reach_forms import (
    VESSEL_STARTS,
    Options,
    bare_forms,
    class_forms,
    joined_form,
    other_forms,
    respellings,
)
from .reach_forms import query_tokens as query_tokens  # the tests read it here
from .reach_names import NameBound
from .reach_prepared import Prepared, file_work, word_sets
from .reach_share import Swap, shared
from .reach_words import Found, abbreviates, complete
from .reach_words import _phonetic_keys as _phonetic_keys  # the tests read it here
from .spelled import spelled
from .tokens import SPELLINGS
from .words import may_join_as_written

MAX_CHOICES = 16  # an abjad name's readings bounded one by one, at most (else all at once)
MAX_JOINS = 4  # pairs of a form that may be joined, at most, for a bound


def reaching(index: Index, names: Sequence[str | None], bonuses: Sequence[float],
             threshold: float, cfg: MatchConfig = DEFAULT_CONFIG,
             share: tuple[int, int, Swap] | None = None, prep: Prepared | None = None
             ) -> list[bool]:
    """Whether each query name could score `threshold` against an entity of a small index,
    with at most `bonuses[i]` from its qualifiers (birth date, country): a superset. A name
    of None (an identifier to compare, a row in error) or with a digit is always screened.
    `share` (k, n, swap): this is one of n processes, each with a share of the file's names;
    of their words it looks at those it owns (`reach_share`), and swaps answers with the other.
    `prep`: the file's names' tokens, words' spelling forms and abjad readings, and the
    file's record, if prepared already (data a re-screen stored: `reach_prepared`); the same
    answers as without."""
    # what the names make before the index is read (kept whole a file: `reach_prepared`)
    plain, texts, tokens, wanted, tried, raw, asides, scripts, holders = file_work(names, prep)
    sets = _Sets(wanted, tried)
    found: Found | None = None
    classes: dict[str, str] | None = None
    if share:
        found, respell, classes = shared(index, raw, sets.wanted, cfg, share, prep)
    else:
        respell = respellings(raw, index, prep.spellings(raw) if prep is not None else None)
    read = other_forms(texts, index, asides, scripts, holders, respell,
                       prep.abjad_words if prep is not None else abjad_words)
    # a Latin name read by its letter classes
    class_forms(tokens, read, index, sets.wanted, classes, found.wanted if found else frozenset())
    forms = [r for found_forms in read.values() for r in found_forms]
    sets.add(forms)
    words = _Words(index, [*tokens, *(f for f in forms if not isinstance(f, Options))], sets,
                   cfg, found)
    out = [True] * len(names)
    hot = words.hot
    may = []
    for k, (i, toks) in enumerate(zip(plain, tokens, strict=True)):
        if k not in read and hot.isdisjoint(toks):
            out[i] = False  # most names: no word that could lead to a listed one
        elif not words._may_reach(toks, floor := 2 * (threshold - 0.5 - bonuses[i]),
                                  forms := read.get(k, [])):
            out[i] = False  # most of the others
        else:
            may.append((i, toks, floor, forms))
    # The few left are bounded name by name (`_bound`), which reads each word's similar listed
    # words: looked up here for all of them at once (one look-up a word length, not a word).
    some: set[str] = set()
    for _, toks, _, forms in may:
        some.update(toks)
        for f in forms:
            if isinstance(f, Options):
                some.update(*f)
            else:
                some.update(f)
    index.similar(some, cfg)
    for i, toks, floor, forms in may:
        out[i] = words._bound(toks, floor, forms)
    return out


class _Sets:
    """The distinct words of a file's names (and forms), and their adjacent pairs joined:
    worked out once for all that looks at them. The pairs themselves are not kept (a set of
    every pair of a file costs more than all that reads it): `_Words` splits the few joined
    pairs that count back into words of these (a superset of the pairs, see there)."""

    def __init__(self, wanted: set[str], tried: set[str]) -> None:
        self.wanted, self.tried = wanted, tried  # of the names' tokens (`word_sets`)

    def add(self, tokens: Sequence[Sequence[str] | Options]) -> None:
        """These names' (or forms') words; of Options, every choice."""
        many = [f for f in tokens if isinstance(f, Options)]
        wanted, tried = word_sets([f for f in tokens if not isinstance(f, Options)])
        self.wanted |= wanted
        self.tried |= tried
        self.wanted.update(t for f in many for choice in f for t in choice)
        self.tried.update(a + b for f in many for x, y in zip(f, f[1:], strict=False)
                          for a, b in itertools.product(x, y))


class _Words:
    """What each distinct word of a file is to a small index, found in bulk: like a listed word
    (`near`), inside one (`inside`), written as several by a name (`joined`), split into
    listed words, one of them this index's (`splits`); and the adjacent pairs that, joined,
    are like a listed word or written as several by a name (`loose`)."""

    def __init__(self, index: Index, tokens: Sequence[Sequence[str]], sets: _Sets,
                 cfg: MatchConfig, found: Found | None = None) -> None:
        self.index, self.cfg = index, cfg
        # whether a word is listed is the whole database's answer (store.index._Listed)
        listed_words = getattr(index.vocab, "whole", index.vocab)
        # Every pair joined is looked at: whether the matcher tries it so (Index.alternatives:
        # listed, or `joinable`) is asked below only of the few like a listed word, for less
        # than asking it of every pair. A word looked at needlessly changes nothing: whether a
        # word is like a listed one is the word's own answer (and `found`, another process's
        # answers for some of them, may hold words of other names).
        found = complete(index, found, sets.wanted, sets.tried, cfg)
        self.splits = found.splits
        split = self.splits.keys()
        more = {p for toks in tokens if not split.isdisjoint(toks)
                for form in self._split(toks) for p in zip(form, form[1:], strict=False)}
        # a pair joined counts only as like a listed word (`loose`); the words of the forms
        # count in every way (the parts of a split word are listed words: none splits)
        found = complete(index, found, {p for parts in self.splits.values() for p in parts},
                         {a + b for a, b in more}, cfg, split=False)
        self.near, self.inside, self.joined = found.near, found.inside, found.joined
        # two words count joined as the matcher tries them (Index.alternatives): the pairs of
        # the few joined words like a listed one or written as several by a name. Of a joined
        # word, every cut into two words of the file's names or forms (or a split's parts) is
        # taken, a superset of the pairs that are adjacent somewhere: `loose` is only ever
        # asked of two adjacent words of a form, so an extra pair is one never asked (or of a
        # form not among those, which only lets a name through).
        words = sets.wanted | {p for parts in self.splits.values() for p in parts} | {
            w for p in more for w in p}
        joins = {a + b for a, b in more} | sets.tried
        some = (joins & self.near) | joins.intersection(index.joined)
        self.loose = {(a, b) for j in some for a, b in ((j[:i], j[i:]) for i in range(1, len(j)))
                      if a in words and b in words and ((j in self.near and (
                          j in listed_words or index.joinable(a, b))) or j in index.joined)}
        # Words a legal form's words written together or apart: the matcher folds them into
        # the form the listed name holds (`query.folded`, `fold_legal_forms` of a re-joined
        # pair), which this index may not spell out ('jointstock', 'otvet stvennostyu'): no
        # bound for them in `_may_reach`; `_bound` bounds the forms so folded.
        self.form_split = {t for t, parts in self.splits.items()
                           if not FORM_WORDS.isdisjoint(parts)}
        self.loose |= {(j[:i], j[i:]) for j in joins.intersection(FORM_WORDS)
                       for i in range(1, len(j)) if j[:i] in words and j[i:] in words}
        self.looked = found.wanted | found.tried  # a word of a form not among them may be like
        # two adjacent words that joined as written are a listed word ('dev rez', folded
        # 'development rez': DEVREZ, Index.alternatives by `words.written_joins`, which joins
        # only a name's adjacent words): no bound for a form holding such a pair (a few pairs;
        # not their words, or every name holding 'al' would be screened once one customer's
        # 'abdul al...' joined so)
        # (only of the names holding a word with spellings: `may_join_as_written` needs one)
        spelt = sets.wanted.intersection(SPELLINGS)
        self.written = {(a, b) for toks in tokens if not spelt.isdisjoint(toks)
                        for a, b in zip(toks, toks[1:], strict=False)
                        if may_join_as_written(a, b, listed_words)}
        self.unbounded = self.joined | self.form_split
        self.bound = NameBound(index, cfg, self.near, self.looked)
        # a name holding none of these reaches nothing
        self.hot = (self.near | self.unbounded | set(self.splits) | {a for a, _ in self.loose}
                    | {a for a, _ in self.written})
        self.by_first: dict[str, list[str]] = {}
        for w in index.vocab_list:  # and the spellings a fold stands for (`spelled`)
            for x in spelled(w):
                self.by_first.setdefault(x[:1], []).append(x)
        # the longest listed word by first letter: a word abbreviates one only if 2+ letters
        # shorter (`_paired`), so most words need not go through the list at all
        self.longest = {c: max(map(len, ws)) for c, ws in self.by_first.items()}
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
        # those words by first letter, as `_by_initials` reads them (and the longest of each)
        self.initialled_by_first: dict[str, list[str]] = {}
        for w in self.initialled:
            for x in spelled(w) if w else ():
                self.initialled_by_first.setdefault(x[0], []).append(x)
        self.initialled_longest = {c: max(map(len, ws))
                                   for c, ws in self.initialled_by_first.items()}
        # each word's answers, worked out once: a file's names share most of their words
        self.paired: dict[str, bool] = {}
        self.by_initials: dict[str, bool] = {}
        self.weighed: dict[str, tuple[float, float]] = {}  # `_weigh`'s answers

    def _split(self, toks: Sequence[str]) -> list[list[str]]:
        return [[*toks[:i], *self.splits[t], *toks[i + 1:]] for i, t in enumerate(toks)
                if t in self.splits]

    def _may_reach(self, toks: Sequence[str], floor: float,
                   read: Sequence[list[str] | Options] = ()) -> bool:
        """Whether a name of these tokens could reach the floor on the share of its weight
        paired with listed words (2 (threshold - bonuses - 0.5)), in any form the matcher
        tries it in: as written, without a vessel prefix, a word split, `read` otherwise. The
        cheaper, looser test, of a name that holds a hot word or has `read` forms (`reaching`
        leaves out the others, most names, before calling it)."""
        if not self.unbounded.isdisjoint(toks):
            return True  # a word a listed name writes as several, or a form's: no bound
        forms = [list(toks)]
        if toks and toks[0] in VESSEL_STARTS and (bare := strip_vessel_prefix(forms[0])
                                                   ) != forms[0]:
            forms.append(bare)  # a vessel's name is scored without it
        if not self.splits.keys().isdisjoint(toks):
            forms += [s for f in list(forms) for s in self._split(f)]
        if read:
            forms += bare_forms([f for f in read if not isinstance(f, Options)])
            if any(self._reaches_any(f, floor) for f in read if isinstance(f, Options)):
                return True
        for form in forms:
            if not self.loose.isdisjoint(zip(form, form[1:], strict=False)) or (
                    self.written and not self.written.isdisjoint(zip(form, form[1:],
                                                                     strict=False))):
                return True  # words joined, or joined as written: no bound
            if self.near.isdisjoint(form):
                continue
            if floor <= 0:
                return True
            # each word's weight, and its weight again if paired else 0.0 (which adds nothing:
            # the sums are the same as of the paired words' alone), looked up once a word
            weighed = self.weighed
            weight, paired = zip(*[weighed.get(t) or self._weigh(t) for t in form], strict=True)
            total = sum(weight)
            got = sum(paired)
            if self.cfg.middle_name_weight < 1:  # an unpaired inner word may be a middle name,
                # which weighs less against a listed person's name of fewer words (`middle`)
                total -= weight_off(form, weight, (i for i in inner_names(form) if not paired[i]),
                                    self.cfg.middle_name_weight)
            if (got / total if total else 1.0) >= floor - 1e-6:
                return True
            if self.initials and any(t[:1] in self.initials for t in form):
                # against a name with an initial: its words paired as above, or the heaviest
                # few by its initials
                by = [self._initialled(t) for t in form]
                got = sum(w for w, b in zip(weight, by, strict=True) if b)
                by_initial = sorted((w for t, w, b in zip(form, weight, by, strict=True)
                                     if not b and t[:1] in self.initials and t.isalpha()),
                                    reverse=True)
                got += sum(by_initial[:self.most_initials])
                if (got / total if total else 1.0) >= floor - 1e-6:
                    return True
        return False

    def _bound(self, toks: Sequence[str], floor: float,
               read: Sequence[list[str] | Options] = ()) -> bool:
        """Whether a name of these tokens that `_may_reach` lets through could reach the floor
        on names (2 (threshold - bonuses - 0.5)) in any form the matcher tries it in (as
        written, without a vessel prefix, a word split, two words joined, `read` otherwise)
        against each listed name (`reach_names`)."""
        forms = [list(toks)]
        for f in read:
            if not isinstance(f, Options):
                forms.append(f)
            elif math.prod(map(len, f)) <= MAX_CHOICES:
                forms += [list(choice) for choice in itertools.product(*f)]
            elif self._reaches_any(f, floor):
                return True  # too many forms to bound one by one
        forms = bare_forms(forms)
        if any(t in self.splits for f in forms for t in f):
            # as `prepare` tries them (query.folded: a legal form's words folded)
            forms += [folded(s) for f in list(forms) for s in self._split(f)]
        if any(t in self.joined for f in forms for t in f) or (self.written and any(
                p in self.written for f in forms for p in zip(f, f[1:], strict=False))):
            return True  # a word a listed name writes as several, or two joined as written
        for form in list(forms):
            at = [i for i, p in enumerate(zip(form, form[1:], strict=False)) if p in self.loose]
            if len(at) > MAX_JOINS:
                return True
            forms += [joined_form(form, some) for k in range(1, len(at) + 1)
                      for some in itertools.combinations(at, k)]
        looked = self.looked
        if not any(t in self.near or t not in looked for f in forms for t in f):
            return False  # no form reaches a listed name (Index.retrieve)
        if floor <= 0:
            return True
        return self.bound.reaches(forms, 0.5 + floor / 2)

    def _reaches_any(self, form: Options, floor: float) -> bool:
        """Whether some form of these choices (a word of each place's) could, as `_bound`
        bounds a form: a superset. A share of at least f of the weight pairs in some form iff
        sum((paired - f) * weight) >= 0 in some form, and the best choice at each place on its
        own makes that sum largest: so the one sum of the bests says it exactly (the rest
        loosely: any pair joined, any like word, every word starting with an initial)."""
        if any(p in self.loose for a, b in zip(form, form[1:], strict=False)
               for p in itertools.product(a, b)):
            return True
        if not any(t in self.near for choice in form for t in choice):
            return False
        if floor <= 0:
            return True
        f = floor - 1e-6
        weight = functools.partial(self.index.weight, cfg=self.cfg)
        if sum(max((self._paired(t) - f) * weight(t) for t in c) for c in form) >= -1e-9:
            return True
        # against a name with an initial (see `_may_reach`), with no limit to the words it pairs
        return bool(self.initials) and sum(max(
            ((self._initialled(t) or (t[:1] in self.initials and t.isalpha())) - f) * weight(t)
            for t in c) for c in form) >= -1e-9

    def _initialled(self, t: str) -> bool:
        """Whether the scorer may pair a query word with a word of a person's name that holds an
        initial (`initialled`) other than by the initial: like one of its words (or like a word
        cut short: `Index.prefixed` says not which), inside one, abbreviating one."""
        found = self.by_initials.get(t)
        if found is None:
            found = self.by_initials[t] = self._by_initials(t)
        return found

    def _by_initials(self, t: str) -> bool:
        if t in self.near:
            like = self.index.sims(t, self.cfg)
            if not like or not self.initialled.isdisjoint(like):
                return True  # else it may still be inside one, or abbreviate one
        if t in self._initialled_text:
            return True
        return abbreviates(t, self.initialled_by_first, self.initialled_longest)

    def _weigh(self, t: str) -> tuple[float, float]:
        """A word's weight, and the same if the scorer may pair it (`_paired`) else 0.0."""
        w = self.index.weight(t, self.cfg)
        found = self.weighed[t] = (w, w if self._paired(t) else 0.0)
        return found

    def _paired(self, t: str) -> bool:
        """Whether the scorer may pair a query word with a listed one other than an initial:
        like it, inside it, or an abbreviation of it (its start or its letters in order, from 3
        letters: features._abbreviations)."""
        found = self.paired.get(t)
        if found is None:
            found = self.paired[t] = t in self.near or t in self.inside or abbreviates(
                t, self.by_first, self.longest)
        return found

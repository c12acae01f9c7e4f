"""The other forms the matcher may try a query name in, for a whole customer file at once
(sanctions.matching.reach bounds each of them): respelled as a list spells it, Chinese
characters read as one word, an abjad or a Hangul foreign name read by its consonants, Hangul
words read as a foreign name's, katakana and Chinese transliterations of a foreign name. Each
is worked out by the matcher's own functions (`query`, `consonants`, `hangul`), and a name's
script is told by their own patterns, so a name is read here when `prepare` reads it; a form
`prepare` tries must be added here too (tests/test_rescreen.py and scripts/check_reach.py
check a re-screen against a full screen).
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .. import normalize, romanise

# name_tokens' own steps (its reading of a character, its apostrophes), applied to a whole file
from ..normalize import (
    _APOSTROPHES,
    _EL_ARTICLE,
    _FORM_WORDS,
    LEGAL_CLASSES,
    LEGAL_FORMS,
    VARIANTS,
    VESSEL_PREFIXES,
    clean_text,
    fold_legal_forms,
    legal_word,
    name_tokens,
    spelling_variants,
    strip_vessel_prefix,
)
from ..scripts import read_as_latin
from .classed import class_respellable
from .consonants import _ABJAD, Written, _by_key, _keys, abjad_words, consonant_readings, joined
from .hangul import _WORD as _HANGUL
from .hangul import hangul_joined, hangul_written, has_hangul_word
from .hanzi import _HAN
from .index import Index
from .kana import _KATAKANA
from .query import _HANZI, folded, hanzi_joined, listed_spellings, transliteration_forms

# What a plain (ASCII) word must hold for spelling_variants to give it another spelling: its
# own gates (a legal form glued at the start or after the name, a romanisation system's
# letters), each word a line. tests/test_reach_forms.py checks that no word it respells fails.
# the first words of the vessel prefixes: a form starting otherwise has none to strip
VESSEL_STARTS = frozenset(prefix[0] for prefix in VESSEL_PREFIXES)
_NON_ALNUM_LINES = re.compile(r"[^0-9a-z\n]+")
_GREEK = re.compile("[\u0370-\u03ff]")
_SPELLED = frozenset(VARIANTS)
_FORM_STARTS = frozenset(form[0] for form in LEGAL_FORMS)
# the first words legal_word may read a word as (it reads words as _FORM_WORDS), and how like
# one a word must be (its cut)
_LONG_STARTS = sorted(_FORM_STARTS.intersection(_FORM_WORDS))
_LEGAL_LIKE = 0.79
_ARABIC = re.compile("[\u0600-\u06ff]")  # spelling_variants' own test for Arabic letters
_GATES = [f"^(?:{normalize._GLUED_FORM.pattern})", f"(?:{normalize._GLUED_AFTER.pattern})",
          *(f"(?:{gate.pattern})" for gate, _ in romanise.SYSTEMS)]
_MAY_RESPELL = re.compile("|".join(_GATES), re.M)
# the same gates one by one: a search over many words a line, gate by gate, costs two thirds
# of one over their alternation (no gate's match crosses a line break)
_EACH_GATE = [re.compile(gate, re.M) for gate in _GATES]
# a script's letters, a run a match (a name holds one iff it holds a letter)
_ABJAD_RUN, _KATAKANA_RUN, _HAN_RUN = (re.compile(f"(?:{rx.pattern})+")
                                       for rx in (_ABJAD, _KATAKANA, _HAN))


def other_forms(texts: Sequence[str], index: Index, asides: Mapping[int, list[str]],
                scripts: Sequence[set[int]], holders: Mapping[str, Sequence[int]],
                respell: dict[str, str] | None = None,
                reading: Callable[[str], list[Written]] = abjad_words
                ) -> dict[int, list[list[str] | Options]]:
    """The other forms `prepare` may try a name in, by position (`texts`: the names through
    clean_text): a word respelled as a list spells it (query.listed_spellings; `respell`: the
    `respellings` of every word of theirs, if found already), Chinese characters read as one
    word (query.hanzi_joined), an abjad name read as one of the index's names by its
    consonants, a Hangul one as a foreign name (matching.hangul), katakana or a Chinese
    transliteration as a foreign name (query.transliteration_forms: matching.kana,
    matching.hanzi), a name without its words in quotes or brackets (matching.asides).
    `reading`: how a word of an abjad name is read (`abjad_words`, or the file's preparation
    of it: `reach_prepared`).
    `asides`: each text's `aside_form` (those that have one), `scripts`: `script_names` of the
    texts, `holders`: the names holding each word `may_respell` lets through (the file's
    `reach_prepared.file_work` finds them all)."""
    if respell is None:
        respell = respellings({w for t in texts for w in t.split()}, index)
    # only a word respelled otherwise gives a name another form (one may_respell lets by)
    spelled = {w for w, r in respell.items() if r != w}
    respelt = {k for w in spelled for k in holders.get(w, ())}
    hanzi, abjad, hangul, foreign = scripts
    memo: dict[str, list[Any]] = {}
    seen: dict[tuple[str, str, tuple[str, ...]], bool] = {}  # `_spelled`'s answer a word
    read: dict[str, list[Options]] = {}  # a name written twice is read once
    out: dict[int, list[list[str] | Options]] = {}
    for k in sorted(abjad | hanzi | hangul | foreign | asides.keys() | respelt):
        forms: list[list[str] | Options] = []
        text = texts[k]
        if k in respelt:
            words = text.split()
            respelled = [respell.get(w, w) for w in words]
            if respelled != words:
                forms.append(name_tokens(" ".join(respelled)))
        if k in asides:  # words in quotes or brackets left out (`asides`)
            forms.append(asides[k])
        if k in hanzi:
            forms.append(hanzi_joined(text))
        if k in abjad:
            if (found := read.get(text)) is None:
                found = read[text] = _options(text, index, memo, seen, reading)
            forms += found
        if k in hangul:
            forms += _hangul_forms(text, index)
        if k in foreign:  # query.transliteration_forms: a superset of what prepare adds
            forms += transliteration_forms(text, index)
        if forms:
            out[k] = forms
    return out


def script_names(texts: Sequence[str]) -> tuple[set[int], set[int], set[int], set[int]]:
    """The names (by position) in a script `other_forms` reads otherwise: holding Chinese
    characters read as one word, abjad letters, a Hangul word, and katakana or Chinese
    characters that may write a foreign name sound by sound. Found in one pass over the names
    that are not plain ASCII (a name a line), each run of a script's letters a match."""
    wide = [k for k, t in enumerate(texts) if not t.isascii()]
    lines = "\n".join(texts[k] for k in wide)
    starts = [0, *itertools.accumulate(len(texts[k]) + 1 for k in wide)]

    def holding(*patterns: re.Pattern[str]) -> set[int]:
        return {wide[bisect.bisect_right(starts, m.start()) - 1]
                for rx in patterns for m in rx.finditer(lines)}

    return (holding(_HANZI), holding(_ABJAD_RUN), holding(_HANGUL),
            holding(_KATAKANA_RUN, _HAN_RUN))


def class_forms(tokens: Sequence[list[str]], read: dict[int, list[list[str] | Options]],
                index: Index, words: set[str], known: dict[str, str] | None = None,
                looked: set[str] | frozenset[str] = frozenset()) -> None:
    """Add to `read` (`other_forms`' answer, by position) the reading `prepare` may give a
    name by the letters a romanisation of Arabic writes either way (classed.class_form), of
    its words (`tokens`) or of a form of them: a superset (`prepare` reads a Latin name so,
    its words as respelled). The words it rewrites, and as what, are found for the file's
    words at once (classed.class_respellable: only a word whose form a listed word other than
    itself spells), so only a name holding one is read. `words`: the tokens' words (the
    filter's `_Sets.wanted` holds them already). `known`: `class_respellable`'s answer for the
    words `looked` (another process's share of a file's words), which are not asked again."""
    every = itertools.chain(words, (t for forms in read.values() for f in forms
                                    if not isinstance(f, Options) for t in f))
    rewrite = class_respellable((t for t in every if t not in looked) if looked else every,
                                index)
    if known:
        rewrite.update(known)  # each word's answer is its own: a word of no name here is idle
    if not rewrite:
        return
    some = frozenset(rewrite)
    for k, toks in enumerate(tokens):
        if k not in read and some.isdisjoint(toks):
            continue  # most names
        for f in [toks, *(f for f in read.get(k, ()) if not isinstance(f, Options))]:
            if not some.isdisjoint(f):  # as class_form writes it
                read.setdefault(k, []).append([rewrite.get(t, t) for t in f])


# A word's spelling forms (`spelling_forms`): its own tokens, and each other spelling
# spelling_variants gives it with that spelling's tokens. What the word alone makes (no
# build's data): a re-screen may store it (sanctions.store.prepared).
Spelling = tuple[list[str], list[tuple[str, list[str]]]]


def spelling_forms(words: Iterable[str]) -> dict[str, Spelling]:
    """The half of `respellings` that is each word's own: of these words, those
    spelling_variants gives another spelling (behind may_respell's gate), each with its tokens
    and its spellings' (query_tokens, their words read all at once)."""
    spellings = {w: found for w in may_respell(list(words)) if (found := spelling_variants(w))}
    some = list(spellings)
    every = [v for w in some for v in spellings[w]]
    read = dict(zip(every, query_tokens(every), strict=True))
    return {w: (toks, [(v, read[v]) for v in spellings[w]])
            for w, toks in zip(some, query_tokens(some), strict=True)}


def respellings(words: set[str], index: Index,
                forms: Mapping[str, Spelling] | None = None) -> dict[str, str]:
    """Each of these words that has another spelling, as query.listed_spellings respells it:
    a word at a time, so each distinct word of a file once (and each word's answer is its own:
    a file's words may be shared between processes). It is asked only of a word it may change:
    one it reads as a word no list spells, with a spelling every word of which a list spells
    or that holds a legal form (else it keeps the word). `forms`: `spelling_forms` of these
    words, if known (a re-screen's stored preparation); the rest is this build's answer."""
    if forms is None:
        forms = spelling_forms(words)
    vocab = index.vocab  # whether a word is listed: the whole database's answer
    return {w: listed_spellings(w, index)[0] if toks and not all(t in vocab for t in toks) and any(
                read and all(t in vocab for t in read)
                or not LEGAL_CLASSES.isdisjoint(read) for _, read in spelled) else w
            for w, (toks, spelled) in forms.items()}


def query_tokens(names: Sequence[str], cleaned: bool = False) -> list[list[str]]:
    """`name_tokens` of each name, the names of a file read at once: outside Greek (whose
    letter pairs are read together), each character is read on its own, so each distinct one
    is read once and a line break between names keeps them apart. Equal to name_tokens
    (tests/test_rescreen.py), for a fraction of its cost. `cleaned`: the names have been
    through clean_text already."""
    # no control character, so no line break, is left
    texts = list(names) if cleaned else [clean_text(n) for n in names]
    out: list[list[str] | None] = [None] * len(texts)
    plain = [i for i, t in enumerate(texts) if t.isascii()]
    other = {i: unicodedata.normalize("NFKC", texts[i]) for i, t in enumerate(texts)
             if not t.isascii()}
    for group in (plain, [i for i, t in other.items() if not _GREEK.search(t)]):
        text = "\n".join(other.get(i, texts[i]) for i in group)
        if not text.isascii():
            text = text.translate({ord(ch): read_as_latin(ch) for ch in set(text)
                                   if not ch.isascii()})
        lines = _NON_ALNUM_LINES.sub(
            " ", _APOSTROPHES.sub("", _EL_ARTICLE.sub("al ", text.casefold()))).split("\n")
        if len(lines) == len(group):  # else a character was read as a line break
            for i, line in zip(group, lines, strict=True):
                out[i] = line.split()
    words = {t for toks in out if toks for t in toks}
    spelled = words & _SPELLED
    # fold_legal_forms changes a name only where a word is, or misspells, a form's first word
    forms = {VARIANTS.get(t, t) for t in words}
    forms = (forms & _FORM_STARTS) | {t for t in _near_starts(forms - _FORM_STARTS)
                                       if legal_word(t) in _FORM_STARTS}
    done = []
    for t, toks in zip(texts, out, strict=True):
        if toks is None:
            done.append(name_tokens(t))  # Greek: read the matcher's own way
            continue
        if not spelled.isdisjoint(toks):
            toks = [VARIANTS.get(w, w) for w in toks]
        done.append(toks if forms.isdisjoint(toks) else fold_legal_forms(toks))
    return done


def _near_starts(words: set[str]) -> list[str]:
    """The words legal_word may read as a form's first word, a superset found at once: it
    reads a word as the form word most like it (at least `_LEGAL_LIKE`: its own scorer and
    cut), so one no first word is that like is read as another or as itself. Only these are
    looked up one by one (each a search over every form word, on a cold cache)."""
    some = [t for t in words if len(t) >= 4 and t.isalpha()]  # legal_word's own gate
    if not some or not _LONG_STARTS:
        return []
    like = process.cdist(some, _LONG_STARTS, scorer=OSA.normalized_similarity,
                         score_cutoff=_LEGAL_LIKE - 1e-6, dtype=np.float32)
    return [some[i] for i in np.flatnonzero(np.asarray(like).max(axis=1)).tolist()]


def may_respell(words: Sequence[str] | set[str]) -> list[str]:
    """The words spelling_variants may respell, a superset found in one pass: the plain ones
    its gates let through (in one search over them all, a word a line), and of the others
    those with an Arabic letter or that its gates let through as it reads them (casefolded)."""
    plain = [w for w in words if w.isascii()]
    starts = [0, *itertools.accumulate(len(w) + 1 for w in plain)]
    text = "\n".join(plain).lower()
    hits = {bisect.bisect_right(starts, m.start()) - 1
            for gate in _EACH_GATE for m in gate.finditer(text)}
    return [*(plain[i] for i in sorted(hits)), *(
        w for w in words if not w.isascii() and (
            _ARABIC.search(w) or _MAY_RESPELL.search(w.casefold())))]


class Options(list[tuple[str, ...]]):
    """Many forms at once: any one word of each place's choices, in order. An abjad name's
    consonant readings are bounded so (sanctions.matching.reach), not worked out one by one."""


def _options(name: str, index: Index, memo: dict[str, list[Any]],
             seen: dict[tuple[str, str, tuple[str, ...]], bool] | None = None,
             reading: Callable[[str], list[Written]] = abjad_words) -> list[Options]:
    """The consonant readings `prepare` may add to an abjad name against the index, as a
    superset: consonants.consonant_readings writes each word of a reading as itself or as a
    word of one listed name that spells one of its consonant keys (of `_keys`, loose at either
    end, or `alts`; at most a number of them), and two or three words also as one word read
    so. Here, for each listed name holding such a word, each word may be itself or any of the
    name's words that spell one of its keys. `abjad_words` reads each word on its own, so a
    file's words are read once (`memo`; `reading` reads them: `abjad_words`, or the same read back
    from the file's preparation); a name none of whose keys any word of the index has is read
    as nothing, as there."""
    written: list[Any] = []
    for chunk in clean_text(name).split(" "):
        if (found := memo.get(chunk)) is None:
            found = memo[chunk] = reading(chunk)
        written += found
    if not written or not _spelled(written, index, seen):
        return []
    keys, holding = _by_key(index), _holding(index)
    out: dict[tuple[tuple[str, ...], ...], None] = {}
    for words in ([*written], [joined(written)]) if 2 <= len(written) <= 3 else ([*written],):
        spell = [{s for k in (*_keys(w.key), *w.alts) for s in keys.get(k, ())} for w in words]
        for n in sorted({n for some in spell for s in some for n in holding.get(s, ())}):
            listed = index.tokens[n]
            got = [[t for t in listed if t in some] for some in spell]
            # it reads a name that spells two of the words, or one of three consonants or more
            # (and more words vote here than there: these spellings are a superset of its)
            if sum(map(bool, got)) >= 2 or any(g and len(w.key) >= 3
                                               for w, g in zip(words, got, strict=True)):
                out[tuple(tuple(dict.fromkeys([w.word, *g]))
                          for w, g in zip(words, got, strict=True))] = None
    return [Options(form) for form in out]


_HOLDING: weakref.WeakKeyDictionary[Index, dict[str, list[int]]] = weakref.WeakKeyDictionary()


def _holding(index: Index) -> dict[str, list[int]]:
    """The index's names holding each of its words (a small index's: once per index)."""
    found = _HOLDING.get(index)
    if found is None:
        found = _HOLDING[index] = {}
        for n, toks in enumerate(index.tokens):
            for t in dict.fromkeys(toks):
                found.setdefault(t, []).append(n)
    return found


def _hangul_forms(text: str, index: Index) -> list[list[str]]:
    """The forms `prepare` may add to a name with a Hangul word: the foreign name it may
    write, read as one word a word, and its consonant readings against the index (a word with
    every consonant key it may have)."""
    if not has_hangul_word(text):
        return []
    forms = [hangul_joined(text)]
    written = hangul_written(text)
    if _spelled(written, index):
        forms += [list(r) for r, _ in consonant_readings(written, index)]
    return forms


def _spelled(written: Sequence[Any], index: Index,
             seen: dict[tuple[str, str, tuple[str, ...]], bool] | None = None) -> bool:
    """Whether a word of the index may spell one of these words, or all of them as one,
    otherwise than it is written: consonants.consonant_readings writes each word of a reading
    as a listed word of one of its keys, and keeps only a reading that changes a word. Its keys
    are a subset of `_keys` loose at either end, its spellings of all of a key's. `seen`: each
    word's answer so far (its own: a file's names share most of their words)."""
    keys = _by_key(index)
    every = [*written, joined(list(written))] if 2 <= len(written) <= 3 else written
    for w in every:
        at = (w.word, w.key, w.alts)
        found = None if seen is None else seen.get(at)
        if found is None:
            # a Hangul word is looked up by other keys too (`alts`: a letter Korean writes two
            # ways)
            found = any(spelling != w.word for k in (*_keys(w.key), *w.alts)
                        for spelling in keys.get(k, ()))
            if seen is not None:
                seen[at] = found
        if found:
            return True
    return False


def bare_forms(forms: list[list[str]]) -> list[list[str]]:
    """The forms, and each without a vessel prefix: a vessel's name is scored without it (the
    name as written or respelled: `prepare`'s vessel tokens)."""
    return forms + [bare for f in forms if f and f[0] in VESSEL_STARTS
                    and (bare := strip_vessel_prefix(f)) != f]


def joined_form(form: list[str], at: tuple[int, ...]) -> list[str]:
    """The form with the pairs starting at `at` joined, as Index.alternatives writes a form of
    one pair joined, or of several ('merged': a pair whose start is the previous one's end is
    left), then folded as `prepare` folds it: a superset of the matcher's joined forms is
    every set of the pairs that may be joined."""
    out: list[str] = []
    i = 0
    while i < len(form):
        if i in at and i + 1 < len(form):
            out.append(form[i] + form[i + 1])
            i += 2
        else:
            out.append(form[i])
            i += 1
    return folded(fold_legal_forms(out))

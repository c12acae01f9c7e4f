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
from collections.abc import Sequence
from typing import Any

from .. import normalize
from ..normalize import clean_text, name_tokens, spelling_variants
from .consonants import _ABJAD, _by_key, _keys, abjad_words, consonant_readings, joined
from .hangul import _WORD as _HANGUL
from .hangul import hangul_joined, hangul_written, has_hangul_word
from .hanzi import _HAN
from .index import Index
from .kana import _KATAKANA
from .query import _HANZI, hanzi_joined, listed_spellings, transliteration_forms

# What a plain (ASCII) word must hold for spelling_variants to give it another spelling: its
# own gates (a legal form glued at the start or after the name, a romanisation system's
# letters), each word a line. tests/test_reach_forms.py checks that no word it respells fails.
_MAY_RESPELL = re.compile("|".join([
    f"^(?:{normalize._GLUED_FORM.pattern})", f"(?:{normalize._GLUED_AFTER.pattern})",
    *(f"(?:{gate.pattern})" for gate, _ in normalize._SYSTEMS)]), re.M)


def other_forms(names: Sequence[str], index: Index) -> dict[int, list[list[str]]]:
    """The other forms `prepare` may try a name in, by position: a word respelled as a list
    spells it (query.listed_spellings), Chinese characters read as one word
    (query.hanzi_joined), an abjad name read as one of the index's names by its consonants,
    a Hangul one as a foreign name (matching.hangul), katakana or a Chinese transliteration
    as a foreign name (query.transliteration_forms: matching.kana, matching.hanzi)."""
    # only a name with a word that has another spelling is respelled: each word looked at once
    texts = [clean_text(n) for n in names]
    spelled = {w for w in may_respell({w for t in texts for w in t.split()})
               if spelling_variants(w)}
    # listed_spellings respells each word on its own: each distinct word once, for the file
    respell = {w: listed_spellings(w, index)[0] for w in spelled}
    # the names in a script read otherwise, found in one pass over the file (a name a line)
    lines = "\n".join(texts)
    starts = [0, *itertools.accumulate(len(t) + 1 for t in texts)]
    hanzi = {bisect.bisect_right(starts, m.start()) - 1 for m in _HANZI.finditer(lines)}
    abjad = {bisect.bisect_right(starts, m.start()) - 1 for m in _ABJAD.finditer(lines)}
    hangul = {bisect.bisect_right(starts, m.start()) - 1 for m in _HANGUL.finditer(lines)}
    # katakana, or Chinese characters that may write a foreign name sound by sound
    foreign = {bisect.bisect_right(starts, m.start()) - 1
               for rx in (_KATAKANA, _HAN) for m in rx.finditer(lines)}
    memo: dict[str, list[Any]] = {}
    read: dict[str, list[list[str]]] = {}  # a name written twice is read once
    out: dict[int, list[list[str]]] = {}
    for k in sorted(abjad | hanzi | hangul | foreign | {
            k for k, t in enumerate(texts) if not spelled.isdisjoint(t.split())}):
        forms = []
        text = texts[k]
        if not spelled.isdisjoint(words := text.split()):
            respelled = [respell.get(w, w) for w in words]
            if respelled != words:
                forms.append(name_tokens(" ".join(respelled)))
        if k in hanzi:
            forms.append(hanzi_joined(text))
        if k in abjad:
            if (found := read.get(text)) is None:
                found = read[text] = _readings(text, index, memo)
            forms += found
        if k in hangul:
            forms += _hangul_forms(text, index)
        if k in foreign:  # query.transliteration_forms: a superset of what prepare adds
            forms += transliteration_forms(text, index)
        if forms:
            out[k] = forms
    return out


def may_respell(words: Sequence[str] | set[str]) -> list[str]:
    """The words spelling_variants may respell, a superset found in one pass: the plain ones
    its gates let through (in one search over them all, a word a line), and every other."""
    plain = [w for w in words if w.isascii()]
    starts = [0, *itertools.accumulate(len(w) + 1 for w in plain)]
    hits = {bisect.bisect_right(starts, m.start()) - 1
            for m in _MAY_RESPELL.finditer("\n".join(plain).lower())}
    return [*(plain[i] for i in sorted(hits)), *(w for w in words if not w.isascii())]


def _readings(name: str, index: Index, memo: dict[str, list[Any]]) -> list[list[str]]:
    """The consonant readings `prepare` may add to an abjad name against the index (the same
    look-ups: its words, and two or three of them as one). `abjad_words` reads each word on its
    own, so a file's words are read once (`memo`); a name none of whose keys any word of the
    index has is read as nothing."""
    written: list[Any] = []
    for chunk in clean_text(name).split(" "):
        if (found := memo.get(chunk)) is None:
            found = memo[chunk] = abjad_words(chunk)
        written += found
    if not written or not _spelled(written, index):
        return []
    read = consonant_readings(written, index)
    if 2 <= len(written) <= 3:
        read += consonant_readings([joined(written)], index, False)
    return [list(r) for r, _ in read]


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


def _spelled(written: Sequence[Any], index: Index) -> bool:
    """Whether a word of the index may spell one of these words, or all of them as one,
    otherwise than it is written: consonants.consonant_readings writes each word of a reading
    as a listed word of one of its keys, and keeps only a reading that changes a word. Its keys
    are a subset of `_keys` loose at either end, its spellings of all of a key's."""
    keys = _by_key(index)
    every = [*written, joined(list(written))] if 2 <= len(written) <= 3 else written
    # a Hangul word is looked up by other keys too (`alts`: a letter Korean writes two ways)
    return any(spelling != w.word for w in every for k in (*_keys(w.key), *w.alts)
               for spelling in keys.get(k, ()))

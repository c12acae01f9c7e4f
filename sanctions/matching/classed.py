"""Latin words a romanisation of Arabic writes with other letters: a query word read as the
listed word that writes the same sounds otherwise.

Romanisations of Arabic differ in a few letters each: a qaf is 'q' or 'k' (QASEM, 'Kassem'), a
tha 'th' or, the Egyptian way, 's' (KAWTHAR, 'Kawsar'; NETHERLANDS, 'Neserlands'), a dhal 'dh'
or 'z', a jim 'j' or, the Egyptian way, 'g' (JAYSH, 'Gaysh'), Russian writes a jim 'dzh' and
an h 'kh' ('Dzhakhangir', JAHANGIR), and a doubled consonant is written once or twice. A word
spelled so keeps its vowels, so its form with those letters written one way (`class_spelling`)
is as telling as a spelling; `class_form` reads the query with each word as the commonest
listed word of its form, where that is another (a word no list spells, or one the lists spell
so less often), and `query.prepare` scores it as a reading
(`MatchConfig.vowelled_reading_factor`), beside the query as written, never instead of it.
Only those letters: 'b' and 'f', 's' and 'sh' are other letters in Arabic ('Sabiq' is not
SHAFIQ), and a long vowel written double is the scorer's (`normalize.vowel_fold`).

The map of forms to listed words (`class_map`, over the whole database's words and weights) is
made at build time and stored in the index file (`sanctions.store.index_write`), which a
process reads a form at a time (`Stored`): making it costs 40-60 ms, a tenth of a one-off
screen. Where the file has no table made by this code (`MADE_BY`), or the index was built in
memory, the map is made once per index on first use, as the table would have it.

    >>> class_spelling("kawsar"), class_spelling("kawthar"), class_spelling("Qassem")
    ('kawsar', 'kawsar', 'kasem')
"""

from __future__ import annotations

import re
import weakref
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from ..normalize import VARIANTS

if TYPE_CHECKING:
    from .index import Index

_SQUEEZE = re.compile(r"([a-z])\1+")
# the letters written one way, in one pass (leftmost first): a doubled consonant once (as
# its single letter is written), then each letter or pair
_ONE_WAY = {"dzh": "g", "dj": "g", "kh": "h", "th": "s", "dh": "z", "q": "k", "j": "g",
            "ai": "ay", "ei": "ay", "ou": "u"}
_CLASSES = re.compile(r"([b-df-hj-np-tv-z])\1+|dzh|dj|kh|th|dh|q|j|[ae]i(?![aeiou])|ou")


def _one_way(m: re.Match[str]) -> str:
    found = _ONE_WAY.get(letters := m.group())
    return found if found is not None else _ONE_WAY.get(letters[0], letters[0])


# The code the stored map is made by (with `normalize`'s spellings and the index's words and
# weights, which the index file's own fingerprint covers): a table made by another version of
# it is not read (`sanctions.store.index_write.classes_made_by`)
MADE_BY = ("matching/classed.py",)


class Stored(Protocol):
    """The map (`class_map`) as the index file stores it: read a form at a time (a query's few
    words), or many at once (a customer file's words: `class_respellable`)."""

    def get(self, form: str, default: str | None = None) -> str | None:
        """The listed word of this form, or `default`."""

    def many(self, forms: Iterable[str]) -> Mapping[str, str]:
        """Those of these forms it holds, with their listed words (in a few look-ups)."""


# Each form (`class_spelling`) of the listed Latin words and the listed word that spells it:
# the index file's (`read_from`), or made in memory
_stored: weakref.WeakKeyDictionary[Index, Stored] = weakref.WeakKeyDictionary()
_class_maps: weakref.WeakKeyDictionary[Index, Mapping[str, str]] = weakref.WeakKeyDictionary()
_memos: weakref.WeakKeyDictionary[Index, dict[str, str]] = weakref.WeakKeyDictionary()
MEMO_KEPT = 50_000
MIN_RESPELLED = 5  # letters a word needs to be read so: shorter ones are alike too often


def class_spelling(token: str) -> str:
    """A Latin word with the letters romanisations of Arabic write either way written one way
    and the rest as they are: 'kawsar' and 'kawthar', 'neserlands' and 'netherlands' spell
    one form ('kawsar', 'neserlands'). Unlike `consonants.consonant_key` it keeps the vowels,
    and 'b' and 'f', 's' and 'sh' apart."""
    return _written(token.casefold())


def _written(text: str) -> str:
    return _CLASSES.sub(_one_way, text)


def class_form(tokens: Sequence[str], idx: Index) -> list[str] | None:
    """The query with each word of MIN_RESPELLED letters or more written as the listed word
    of its form (`class_spelling`) where that is another: the commonest where several are (a
    press or Egyptian romanisation of an Arabic name, unlisted or listed less often: 'kawsar'
    KAWTHAR, 'gaysh' JAYSH, 'kassem' QASEM, Russian 'dzhakhangir' JAHANGIR). None when no
    word is so. Commonest by the whole database's word weights: a part of the index reads a
    query as the whole does (the re-screen)."""
    out, changed = list(tokens), False
    for k, t in enumerate(tokens):
        if len(t) >= MIN_RESPELLED and (found := _read_as(t, idx)):
            out[k], changed = found, True
    return out if changed else None


def _read_as(token: str, idx: Index) -> str:
    """The listed word `class_form` writes a token as, or '' (each token worked out once per
    index: a batch's names share most of their words)."""
    memo = _memos.get(idx)
    if memo is None or len(memo) >= MEMO_KEPT:
        memo = _memos[idx] = {}
    found = memo.get(token)
    if found is None:
        stored = _stored.get(idx)  # the file's table, read a form at a time
        classes = stored if stored is not None else _class_map(idx)
        found = memo[token] = _listed_as(token, class_spelling(token), classes)
    return "" if found == token else found


def hold(tokens: Iterable[str], idx: Index) -> None:
    """`_read_as` of many tokens at once (a batch's chunk, `chunk.warm`): their forms read
    from the index file in one statement instead of one a token; the same answers, kept in
    the same memo (nothing is added past MEMO_KEPT)."""
    stored = _stored.get(idx)
    memo = _memos.get(idx)
    if memo is None:
        memo = _memos[idx] = {}
    some = [t for t in dict.fromkeys(tokens) if len(t) >= MIN_RESPELLED and t not in memo]
    if stored is None or not some or len(memo) + len(some) >= MEMO_KEPT:
        return
    forms = [class_spelling(t) for t in some]
    classes = stored.many(set(forms))
    for t, form in zip(some, forms, strict=True):
        memo[t] = _listed_as(t, form, classes)


def _listed_as(token: str, form: str, classes: Mapping[str, str] | Stored) -> str:
    """The listed word of a token's form, or the token: not where the two differ only by a
    doubled letter ('russell', RUSSEL), which the scorer's similarity already pairs."""
    found = classes.get(form, token) if token.isalpha() else token
    if found is None or found == token or _SQUEEZE.sub(r"\1", found) == _SQUEEZE.sub(r"\1",
                                                                                      token):
        return token
    return found


def class_respellable(tokens: Iterable[str], idx: Index) -> dict[str, str]:
    """Those of these tokens `class_form` rewrites, each with the listed word it writes it as,
    found in one pass (the re-screen's filter reads a whole file's words so:
    sanctions.matching.reach_forms): only a word of MIN_RESPELLED letters whose form a listed
    word other than itself spells."""
    some = [t for t in set(tokens) if len(t) >= MIN_RESPELLED and t.isalpha()]
    if not some:
        return {}
    forms = _written("\n".join(some).casefold()).split("\n")  # as class_spelling, at once
    stored = _stored.get(idx)
    classes = stored.many(set(forms)) if stored is not None else _class_map(idx)
    return {t: found for t, form in zip(some, forms, strict=True)
            if form in classes and (found := _listed_as(t, form, classes)) != t}


def read_from(idx: Index, table: Stored) -> None:
    """Read this index's map from the index file's table (`sanctions.store.index_file`; and a
    re-screen's part of the index, weighed as the whole, the whole's: `store.index`)."""
    _stored[idx] = table


def stored_table(idx: Index) -> Stored | None:
    """The index file's table this index reads its map from, if any."""
    return _stored.get(idx)


def _class_map(idx: Index) -> Mapping[str, str]:
    """The map made in memory, once per index (an index with no stored table)."""
    found = _class_maps.get(idx)
    if found is None:
        found = _class_maps[idx] = class_map(idx)
    return found


def class_map(idx: Index) -> dict[str, str]:
    """Form (`class_spelling`) -> listed word, over the whole database's Latin words of
    MIN_RESPELLED letters or more (a part of the index, a re-screen's, has the whole's words
    and weights), in one pass over them all (a word a line): of a form several words write,
    the commonest (the lowest weight), then the first alphabetically. The build stores it
    (`sanctions.store.index_write`)."""
    vocab = getattr(idx.vocab, "whole", idx.vocab)
    # (listed words are [a-z0-9]; one with a digit is no query word's form)
    words = [t for t in vocab if len(t) >= MIN_RESPELLED]
    # ...and the spellings of a name the index writes one way ('hussein': HUSAYN)
    spelt = sorted(v for v, canon in VARIANTS.items() if len(v) >= MIN_RESPELLED
                   and v.isalpha() and canon in vocab)
    text = _written("\n".join([*words, *spelt]))
    words += [VARIANTS[v] for v in spelt]
    forms = text.split("\n")
    best = dict(zip(forms, words, strict=True))  # most forms are one word's (at C speed)
    if len(best) < len(words):
        shared = {f for f, n in Counter(forms).items() if n > 1}
        for f, w in zip(forms, words, strict=True):
            if f in shared and (idx.idf.get(w, idx.max_idf), w) < (
                    idx.idf.get(cur := best[f], idx.max_idf), cur):
                best[f] = w
    return best

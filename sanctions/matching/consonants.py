"""Read a query in an abjad (Arabic, Persian, Urdu, Hebrew script) the way a list may spell it.

Those scripts leave short vowels out, so 'علي خامنئي' romanises to 'ly khmniy', which no
listed 'ALI KHAMENEI' is like letter by letter. What both keep is the consonants, in order.
`consonant_key` writes a Latin word as its consonant classes (letters a romanisation may
render either way fall in one class: q/k/g/gh, kh/h, d/z/dh, b/p/v/f, s/sh/th/ch; a first 'w'
or 'y' is a consonant, later ones are long vowels), `abjad_words` writes an abjad word the
same way letter by letter (so 'طه', TAHA, is not read as the digraph 'th'), and
`consonant_readings` finds the listed names whose words share those keys with the query's,
most words first, and writes the query as each of them spells it. The matcher scores such a
reading at `MatchConfig.consonant_reading_factor`, and less for each word whose written first
or last vowel the reading lacks (`misread_words`): consonants alone say less than a spelling.

    >>> consonant_key('khamenei'), [w.key for w in abjad_words('علي خامنئي')]
    ('hmn', ['l', 'hmn'])
    >>> consonant_key('kadyrov'), [w.key for w in abjad_words('رمضان قديروف')]
    ('kdrb', ['rmdn', 'kdrb'])
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from rapidfuzz.distance import OSA

from ..normalize import name_tokens

if TYPE_CHECKING:
    from .index import Index

_ABJAD = re.compile("[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\ufb1d-\ufdff\ufe70-\ufeff]")
_HEBREW_LETTER = re.compile("[\u05d0-\u05ea]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_SQUEEZE = (re.compile(r"(.)\1+"), r"\1")  # an abjad writes a doubled consonant once (ALLAH)
_UNWRITTEN = (re.compile(r"^[aeiou]+|(?<=.)[aeiouyw]+"), "")  # a first 'w'/'y' is a consonant
_CLASSES = [(re.compile(a), b) for a, b in (
    (r"[^a-z]", ""), _SQUEEZE, (r"kh", "h"), (r"dzh|dj", "j"),
    (r"sh|ch|th|ts|x|c(?=[eiy])", "s"), (r"gh|ck|q|c|g", "k"), (r"dh|zh|z", "d"),
    (r"ph|p|v|f", "b"), _SQUEEZE, _UNWRITTEN)]
# Each letter's class: 'a' alef, '_' ayin (a consonant romanisations mostly leave out), 'w' and
# 'y' waw and yeh (long vowels after the first letter), else the Latin consonant class.
_LETTERS = {ch: cls for group, cls in (
    ("اأإآٱءى", "a"), ("ع", "_"), ("ئيیے", "y"), ("ؤو", "w"), ("ةهۀحخ", "h"), ("بپفڤ", "b"),
    ("تطټ", "t"), ("ثسشصچښڅ", "s"), ("ج", "j"), ("دذزژضظډځ", "d"), ("رړ", "r"),
    ("غقكکگ", "k"), ("ل", "l"), ("م", "m"), ("ن", "n"),
    ("א", "a"), ("ע", "_"), ("י", "y"), ("ו", "w"), ("הח", "h"), ("בפף", "b"), ("טת", "t"),
    ("סצץש", "s"), ("דז", "d"), ("ר", "r"), ("גכךק", "k"), ("ל", "l"), ("מם", "m"),
    ("נן", "n")) for ch in group}
# Hebrew writes the sounds it lacks with a geresh after a letter (ג' j: JAVAD, ז' zh, צ' ch,
# ת' th) and a consonant vav doubled inside a word (וו v: 'ג'וואד', JAVAD): read as the Arabic
# or Persian letter of that sound, whose class is the sound's
_HEBREW_SOUNDS = [(re.compile("ג['׳’]"), "ج"),
                  (re.compile("ז['׳’]"), "ژ"),
                  (re.compile("צ['׳’]|ץ['׳’]"), "چ"),
                  (re.compile("ת['׳’]"), "ث"),
                  (re.compile(r"(?<=\w)וו(?=\w)"), "ڤ")]
_ABJAD_VOWELS = [(re.compile(r"^[a_]+[wy]*"), ""), (re.compile(r"(?<=.)[wy]+"), ""),
                 (re.compile("[a_]"), "")]  # alef/ayin and what follows them, long vowels
_LATIN_CLASSES = _CLASSES[:-1]  # the classes with the vowels still in
_QUALITY = (("y", "iey"), ("w", "uow"), ("a", "aeo"))  # a written long vowel, how lists spell it
_VOWEL_LETTERS = frozenset("اأإآٱىيیوےאוי")  # a word ending in one ends in a vowel
_EITHER_END = frozenset("ةهۀה")  # taa marbuta, Persian final 'e', Hebrew final he
_FIRST_VOWEL = frozenset("اأإآٱعאע")  # alef, ayin: a word that starts with a vowel
_VOWELS = frozenset("aeiou")
_WORDS = re.compile(r"[\s\-\u05be\u2010]+")  # spaces, hyphens, the Hebrew maqaf
# words a list writes glued to the next or the one before: Allah (HIZBALLAH, ABDULLAH), Abd, Abu
JOINING = frozenset(("lh", "bd", "b"))
MAX_READINGS = 4  # listed names a query is read as, best covered first
_MAX_SPELLINGS = 60  # listed words per key looked at (short keys are shared by many)
_MAX_NAMES = 3_000  # names a word's spellings may hold and still count as evidence
_MAX_RANKED = 50  # best-covered names looked at for readings
_maps: weakref.WeakKeyDictionary[Index, Mapping[str, Sequence[str]]] = weakref.WeakKeyDictionary()


class Written(NamedTuple):
    """One query word: romanised, its consonant key, and whether the script writes it with a
    first / last vowel (None where it cannot say: another script, a taa marbuta)."""

    word: str
    key: str
    first_vowel: bool | None = None
    last_vowel: bool | None = None
    script: str = ""  # 'arabic', 'hebrew' or '' (another script)
    gaps: tuple[str, ...] = ()  # the long vowels written after each consonant ('' for none)
    alts: tuple[str, ...] = ()  # other keys it may have (a Hangul ㄹ: 'l' or 'r', `hangul`)
    spellings: tuple[str, ...] = ()  # other ways to write it in Latin letters ('purigzhen')


def likeness(w: Written, listed: str, form: Callable[[str], str] = str) -> float:
    """How like a listed word the query word is, at best over the ways it may be written
    (`form`: what of each is compared, the vowels only for one)."""
    return max(OSA.normalized_similarity(form(s), form(listed)) for s in (w.word, *w.spellings))


def _apply(text: str, rules: list[tuple[re.Pattern[str], str]]) -> str:
    for rx, rep in rules:
        text = rx.sub(rep, text)
    return text


def consonant_key(token: str) -> str:
    """A Latin word's consonant classes, in order, vowels and doubled letters dropped."""
    return _apply(token.casefold(), _CLASSES)


def keys_of(parts: Sequence[Sequence[str]], most: int) -> list[str]:
    """The distinct consonant keys of a word written by a syllable's choices each (`parts`,
    in order), at most `most`, the likeliest choices (listed first) first."""
    keys: list[str] = []
    for combo in itertools.islice(itertools.product(*parts), most * 4):
        key = consonant_key("".join(combo))
        if key and key not in keys:
            keys.append(key)
    return keys[:most]


def is_abjad(text: str) -> bool:
    return _ABJAD.search(text) is not None


def abjad_words(text: str) -> list[Written]:
    """The query's words, romanised and keyed; an abjad word keyed letter by letter."""
    out: list[Written] = []
    for word in _WORDS.split(text):
        toks = name_tokens(word)
        if not toks:
            continue
        # Persian writes a final 'e' before a suffix as he and a zero-width non-joiner
        letters = [ch for ch in word.replace("\u0647\u200c", "\u0649") if ch in _LETTERS]
        if not is_abjad(word) or not letters:
            out += [Written(t, consonant_key(t)) for t in toks]
            continue
        script = "hebrew" if _HEBREW_LETTER.search(word) else "arabic"
        alts: tuple[str, ...] = ()
        if script == "hebrew":
            sounds = _apply(word, _HEBREW_SOUNDS[:-1])
            vav = _apply(sounds, _HEBREW_SOUNDS[-1:])
            letters = [ch for ch in vav if ch in _LETTERS]
            if vav != sounds:  # a doubled vav is a 'w' too, which lists leave out (JAWAD)
                alts = (_key([ch for ch in sounds if ch in _LETTERS]),)
        classes = "".join(_LETTERS[ch] for ch in letters)
        key = _key(letters)
        last = None if letters[-1] in _EITHER_END else letters[-1] in _VOWEL_LETTERS
        out.append(Written("".join(toks), key, letters[0] in _FIRST_VOWEL, last, script,
                           _gaps(classes, "a_yw")[1], tuple(a for a in alts if a != key)))
    return out


def _key(letters: Sequence[str]) -> str:
    """An abjad word's consonant key from its letters."""
    return _apply("".join(_LETTERS[ch] for ch in letters), [_SQUEEZE, *_ABJAD_VOWELS])


def _gaps(classes: str, vowels: str) -> tuple[str, tuple[str, ...]]:
    """The consonants of a word written as classes, and the vowels after each of them (the
    first gap: before the first consonant). A first 'y' or 'w' is a consonant."""
    consonants, gaps, run = "", [], ""
    for i, ch in enumerate(classes):
        if ch in vowels and not (i == 0 and ch in "yw"):
            run += ch
        elif not consonants or ch != consonants[-1] or run:
            consonants += ch
            gaps.append(run)
            run = ""
    return consonants, (*gaps, run)


def _spelled(gap: str, listed: str) -> bool:
    """Whether a listed word's vowels between two consonants may spell the written ones."""
    for letter, spellings in _QUALITY:
        if letter in gap:
            return any(ch in spellings for ch in listed)
    return True  # nothing written there (or an ayin): any vowel, or none


def _keys(key: str, loose: bool = True, either_end: bool = True, article: bool = True
          ) -> list[str]:
    """The key, and (`loose`) the key without what an abjad may add: a final 'h' (taa
    marbuta, Persian final 'e': `either_end`) and a glued article 'al-' ('lhsyn' for
    AL-HUSAYN; `article`: not in Hebrew, whose article is ha-, so 'לוקשנקו' is not KOSENKO)."""
    out = [key]
    if loose and either_end and len(key) > 2 and key.endswith("h"):
        out.append(key[:-1])
    if loose and article and len(key) > 3 and key.startswith("l"):
        out.append(key[1:])
    return [k for k in out if k]


def alike(w: Written, listed: str) -> bool:
    """Whether a listed word starts and ends as the abjad word does, with a vowel or not: the
    vowels an abjad writes are the evidence its consonants lack ('خامنئي' is KHAMENEI, not
    HEMIN; 'שהד' is not ASAD). A word written with the article may start either way."""
    if w.first_vowel is not None and not (w.first_vowel and w.key.startswith("l")) and (
            w.first_vowel != (listed[:1] in _VOWELS)):
        return False
    if w.last_vowel is not None and w.last_vowel != (listed[-1:] in _VOWELS):
        return False
    _, gaps = _gaps(_apply(listed, _LATIN_CLASSES), "aeiouyw")
    return _vowels_agree(w, gaps, _spelled)


def _vowels_agree(w: Written, gaps: tuple[str, ...], agree: Callable[[str, str], bool]
                  ) -> bool:
    """Whether the vowels after each consonant agree, aligned past what the key may have
    dropped (a final he or taa marbuta, a glued article)."""
    mine, theirs = w.gaps[1:], gaps[1:]  # the first gap is the first-vowel check's
    if len(mine) == len(theirs) + 1 and w.key.endswith("h"):
        mine = mine[:-1]
    elif len(mine) == len(theirs) + 1 and w.key.startswith("l"):
        mine = mine[1:]
    if len(mine) != len(theirs):
        return True  # consonants merged: no telling which vowel is where
    return all(agree(g, lg) for g, lg in zip(mine, theirs, strict=True))


def _same_letters(w: Written, listed: Written) -> bool:
    """Two spellings in one abjad: a vowel letter where the other has one (the seat of a
    hamza, an alef maqsura for a yeh, a taa marbuta for a he may differ)."""
    if None not in (w.first_vowel, listed.first_vowel) and w.first_vowel != listed.first_vowel:
        return False
    if None not in (w.last_vowel, listed.last_vowel) and w.last_vowel != listed.last_vowel:
        return False
    return _vowels_agree(w, listed.gaps, lambda g, lg: bool(g.strip("_")) == bool(lg.strip("_")))


def misread_words(words: list[Written], reading: list[str], listed: list[Written] | None = None
                  ) -> int:
    """How many words of a reading start or end otherwise than the abjad words they read, or
    write their long vowels where the reading has none, plus one when what it read holds
    fewer than three consonants (two say little: 'שרה', Sarah, is THAER as much).
    `listed`: the reading's name as it is listed in the query's own abjad."""
    read = [(w, r) for w, r in zip(words, reading, strict=True) if w.word != r]
    if listed is not None:
        spelt = {lw.word: lw for lw in listed}
        return sum(1 for w, r in read if r in spelt and not _same_letters(w, spelt[r]))
    short = sum(len(w.key) for w, _ in read) < 3
    return sum(1 for w, r in read if not alike(w, r)) + short


def _likeness(words: list[Written], listed: Sequence[str], spell: list[frozenset[str]]
              ) -> float:
    """How like the words their best spellings in a listed name are, summed."""
    return sum(max((likeness(w, t) for t in listed if t in sp), default=0.0)
               for w, sp in zip(words, spell, strict=True))


def joined(words: list[Written]) -> Written:
    """Two or three abjad words read as one ('حزب الله' for HIZBALLAH)."""
    return Written("".join(w.word for w in words),
                   _apply("".join(w.key for w in words), [_SQUEEZE]),
                   words[0].first_vowel, words[-1].last_vowel, words[0].script)


def _by_key(idx: Index) -> Mapping[str, Sequence[str]]:
    """Listed Latin words by consonant key, built once per index (read from the index file
    when it has them: the same map, made at build time)."""
    found = _maps.get(idx)
    if found is None and (stored := getattr(idx, "consonant_words", None)) is not None:
        found = _maps[idx] = stored
    if found is None:
        built: dict[str, list[str]] = {}
        for t in idx.vocab_list:
            if t.isalpha() and t.isascii() and len(t) >= 2:
                built.setdefault(consonant_key(t), []).append(t)
        found = _maps[idx] = built
    return found


def _agreeing(w: Written, spellings: Sequence[str]) -> Sequence[str]:
    """At most _MAX_SPELLINGS of a key's listed spellings, in order; for a Hebrew word, those
    `alike` it first. (Not for Arabic script: Persian customers' names, 'پارسا' PARSA, then
    read as longer listed names, PARSAEI, that the first spellings of a key left out.)"""
    if len(spellings) <= _MAX_SPELLINGS or w.script != "hebrew":
        return spellings[:_MAX_SPELLINGS]
    return sorted(spellings, key=lambda s: not alike(w, s))[:_MAX_SPELLINGS]


Word = tuple[frozenset[str], "np.ndarray | None"]  # a word's spellings, their names or None
# per index: each query word's `_word` (a batch's names share most of their words: 'محمد')
_memos: weakref.WeakKeyDictionary[Index, dict[tuple[Written, bool, bool], Word]] = (
    weakref.WeakKeyDictionary())
WORDS_KEPT = 20_000


def _word(w: Written, idx: Index, by_key: Mapping[str, Sequence[str]], loose: bool,
          vowelled: bool) -> Word:
    """A query word's listed spellings (of its keys), and the names holding one (None: none,
    or a key so common it only confirms), the same for every query the word is in."""
    keys = [*_keys(w.key, loose, w.last_vowel is None, w.script != "hebrew"), *w.alts]
    if vowelled:
        every = {s for k in keys for s in by_key.get(k, ())}
        if len(every) > _MAX_SPELLINGS:  # OSA only where there is a choice to make
            every = set(sorted(every, key=lambda s: (-likeness(w, s), s))[:_MAX_SPELLINGS])
        spelt = frozenset(every)
    else:  # a Hebrew word's: those whose vowels agree with its letters first ('שויגו',
        # 'sk': SHOIGU, not the 60 shorter words of that key)
        spelt = frozenset(s for k in keys for s in _agreeing(w, by_key.get(k, ())))
    ids = [idx.vocab[s] for s in spelt]
    # the likest spellings of a vowelled word are evidence however common its key
    if not ids or not vowelled and int(idx.tables.df[ids].sum()) > _MAX_NAMES:
        return spelt, None
    names = np.unique(np.concatenate([idx.tables.postings(j) for j in ids]))
    names.flags.writeable = False  # shared by every query with this word
    return spelt, names


def consonant_readings(words: list[Written], idx: Index, loose: bool = True, unread: bool = False
                       ) -> list[tuple[list[str], list[Written] | None]]:
    """The query's words as up to MAX_READINGS listed names spell them, each with that name's
    own words where it is listed in the query's abjad (the same name in another orthography,
    'اغا' for 'آغا'): names holding the most of
    the words' consonant keys first (at least one key of three consonants, or two words),
    fewer words first among equals. Words a name does not spell stay as they are. `unread`:
    the words as written are no form of the query's ('卡德罗夫' is 'kadlof' only here), so a
    name that spells them so is a reading too."""
    by_key = _by_key(idx)
    spell: list[frozenset[str]] = []  # per query word: the listed spellings of its key
    voters: list[np.ndarray] = []
    common: list[frozenset[str]] = []
    strong: list[np.ndarray] = []
    # Hangul, katakana and Chinese readings write their vowels: among many listed words of one
    # key, the likest to the reading are the ones to look at ('shoig': SHOIGU, not SAKO)
    vowelled = all(w.script == "" for w in words)
    memo = _memos.setdefault(idx, {})
    for w in words:
        got = memo.get((w, loose, vowelled))
        if got is None:
            if len(memo) >= WORDS_KEPT:
                memo.clear()  # (`got` and the lists below hold what this query reads)
            got = memo[w, loose, vowelled] = _word(w, idx, by_key, loose, vowelled)
        spelt, names = got
        spell.append(spelt)
        if names is None:
            common.append(spelt)  # a key so common ('l': ali, al, ly...) it only confirms
            continue
        voters.append(names)
        if len(w.key) >= 3:
            strong.append(names)
    if not voters:
        return []
    names, votes = np.unique(np.concatenate(voters), return_counts=True)
    keep = (votes >= 2) | np.isin(names, np.concatenate(strong) if strong else names[:0])
    names, votes = names[keep], votes[keep]
    # most words first, then fewest words, then the first listed
    order = np.lexsort((names, idx.name_len[names], -votes))[:_MAX_RANKED]
    ranked = names[order].tolist()
    if common or vowelled:  # the names that also spell the common words first
        idx.tables.prefetch(ranked)  # (every one's words are read: at once, not a name each)
        found = {n: int(v) + sum(1 for c in common if not c.isdisjoint(idx.tokens[n]))
                 for n, v in zip(ranked, votes[order].tolist(), strict=True)}
        like = {n: _likeness(words, idx.tokens[n], spell) if vowelled else 0.0 for n in ranked}
        ranked.sort(key=lambda n: (-found[n], -like[n]))  # stable: fewest words first
    readings: list[tuple[list[str], list[Written] | None]] = []
    arabic = any(w.script == "arabic" for w in words)
    plain = [w.word for w in words]
    for n in ranked:
        listed = idx.tokens[n]
        reading = [next((t for t in listed if t in spell[i]), w) for i, w in enumerate(plain)]
        if (unread or reading != plain) and all(reading != r for r, _ in readings):
            name = idx.names[n].name
            readings.append((reading, _listed_words(name) if arabic and _ARABIC.search(name)
                             else None))
        if len(readings) >= MAX_READINGS:
            break
    return readings


def _listed_words(name: str) -> list[Written]:
    """`abjad_words` of a name listed in Arabic script, kept: the same few names are the
    readings of many queries (the list is shared: read, never changed)."""
    found = _LISTED.get(name)
    if found is None:
        if len(_LISTED) >= WORDS_KEPT:
            _LISTED.clear()
        found = _LISTED[name] = abjad_words(name)
    return found


_LISTED: dict[str, list[Written]] = {}

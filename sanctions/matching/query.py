"""Prepare a query: normalise its name, find identifiers in it, imply its type.

    >>> p = prepare(Query("M/T White Crane IMO 9323596"))
    >>> p.tokens, p.vessel_tokens, sorted(p.imos), p.type
    (['m', 't', 'white', 'crane'], ['white', 'crane'], ['9323596'], 'vessel')
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Container
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..identifiers import identifier_key, imo_is_valid
from ..normalize import (
    LEGAL_CLASSES,
    LEGAL_FORMS,
    VARIANTS,
    VESSEL_PREFIXES,
    clean_text,
    fold_legal_forms,
    name_tokens,
    phonetic_key,
    reading,
    spelling_variants,
    strip_vessel_prefix,
    written_words,
)
from .asides import aside_form
from .classed import class_form
from .config import DEFAULT_CONFIG, MatchConfig
from .consonants import (
    JOINING,
    Written,
    abjad_words,
    consonant_readings,
    is_abjad,
    joined,
    likeness,
    misread_words,
)
from .hangul import _vowels as vowels
from .hangul import hangul_joined, hangul_written, has_hangul_word
from .hangul import misread as hangul_misread
from .hanzi import hanzi_written, has_foreign_hanzi
from .kana import has_katakana, kana_joined, kana_written
from .letters import script_pattern
from .tokens import SPELLINGS
from .types import Prepared, Query
from .words import segment

if TYPE_CHECKING:
    from .index import Index

_DIGITS = re.compile(r"\d")
_ID_TEXT = re.compile(r"[A-Za-z0-9]*\d[A-Za-z0-9./-]*[A-Za-z0-9]|\d")
_IMO_TEXT = re.compile(r"\bimo\s*(?:no\.?|number|#)?\s*:?\s*(\d{7})\b", re.I)
_MMSI_TEXT = re.compile(r"\bmmsi\s*:?\s*(\d{9})\b", re.I)
# what a caller may write before an ID number ("MMSI 572469210", "Passport No. X123"); lists
# store the bare number
_SCHEME_WORDS = re.compile(r"^(?:(?:mmsi|imo|passport|national|id|no|nr|number)\b[\s.:#-]*)+",
                           re.I)


def prepare(query: Query, idx: Index | None = None, cfg: MatchConfig = DEFAULT_CONFIG
            ) -> Prepared:
    """Normalise a query; with an index, also its re-joined forms ("isla miya" -> "islamiya")."""
    front = _front(query)
    text, imos, identifiers = front.text, set(front.imos), set(front.identifiers)
    tokens, respelled = list(front.tokens), ""
    if idx is not None and any(t not in idx.vocab for t in tokens):  # a word no list spells so
        text, respelled = listed_spellings(text, idx)
        tokens = name_tokens(text) if respelled else tokens
    read_as = "; ".join(filter(None, (reading(text) if respelled else front.reading,
                                      respelled and "spelled as listed: " + respelled)))
    for t in tokens:  # a bare number long enough to be an ID: look it up as one
        if len(t) >= 6 and _DIGITS.search(t):
            identifiers.add(t)
            if len(t) == 7 and t.isdigit() and imo_is_valid(t):
                imos.add(t)
    vessel_tokens = (strip_vessel_prefix(tokens) if respelled  # no prefix: the same list
                     else tokens if len(front.vessel_tokens) == len(tokens)
                     else list(front.vessel_tokens))
    implied = query.type or ("vessel" if (vessel_tokens != tokens or imos) else None)
    listed = identifiers if idx is None else {i for i in identifiers if i in idx.by_identifier}
    if listed and all(t in identifiers for t in tokens):
        tokens, vessel_tokens = [], []  # "IMO 9323596": an identifier query, no name
    p = Prepared(tokens, vessel_tokens, identifiers, imos, implied, reading=read_as)
    words = _written(text, tokens)
    p.alternatives = _folded(idx.alternatives(tokens, cfg, words)) if idx else [tokens]
    p.vessel_alternatives = (p.alternatives if vessel_tokens == tokens
                             else _folded(idx.alternatives(vessel_tokens, cfg, words and words[
                                 len(words) - len(vessel_tokens):])) if idx
                             else [vessel_tokens])
    if idx is not None and _HANZI.search(text) and (hanzi := hanzi_joined(text)) != tokens:
        same = p.vessel_alternatives is p.alternatives
        p.alternatives = [*p.alternatives, hanzi]  # '卢卡申科' LU KA SHEN KE: LUKASHENKA
        p.vessel_alternatives = p.alternatives if same else p.vessel_alternatives
    if idx is not None and has_hangul_word(text) and (foreign := hangul_joined(text)) != tokens:
        same = p.vessel_alternatives is p.alternatives
        p.alternatives = [*p.alternatives, foreign]  # '루카셴코' RU KA SYEN KO: LUKASHENKO
        p.vessel_alternatives = p.alternatives if same else p.vessel_alternatives
        p.reading += f"; also read as a foreign name in Hangul: {' '.join(foreign)!r}"
    kana = idx is not None and has_katakana(text)
    if idx is not None and kana and (foreign := kana_listed(kana_joined(text), idx)) != tokens:
        same = p.vessel_alternatives is p.alternatives
        p.alternatives = [*p.alternatives, foreign]  # 'ルカシェンコ' RU KA SHE N KO: LUKASHENKO
        p.vessel_alternatives = p.alternatives if same else p.vessel_alternatives
        p.reading += f"; also read as a foreign name in katakana: {' '.join(foreign)!r}"
    if (idx is not None and p.vessel_alternatives is p.alternatives  # 'Ismael "El Mayo"
            and (aside := aside_form(front.text)) and aside not in p.alternatives):  # Zambada'
        p.aside_at = len(p.alternatives)
        p.alternatives = p.vessel_alternatives = [*p.alternatives, aside]
    if (idx is not None and respelled and p.vessel_alternatives is p.alternatives
            and (as_written := list(front.tokens)) not in p.alternatives):
        # the words as written too ('Rochan' is like ROCHMAN, its respelling 'roshan' less
        # so): a respelling replaces no reading of the words. As written only: no word of
        # them split or joined ('romanovic' cut into 'roman o vic' would read ROMAN)
        p.written_at = len(p.alternatives)
        p.alternatives = p.vessel_alternatives = [*p.alternatives, as_written]
    read: list[tuple[list[str], int]] = []
    vowelled = True  # read from a script that writes its vowels (`vowelled_reading_factor`)
    if idx is not None and tokens and has_hangul_word(text):  # '람잔 카디로프' RAMZAN KADYROV
        korean = hangul_written(text)
        read = [(r, hangul_misread(korean, r)) for r, _ in consonant_readings(korean, idx)]
    elif idx is not None and tokens and kana:  # 'ラムザン・カディロフ' RAMZAN KADYROV
        read = _likest(kana_written(text), idx)
    elif idx is not None and tokens and has_foreign_hanzi(text):  # '卡德罗夫' KADYROV
        read = _likest(hanzi_written(text), idx, unread=True)
        # two or three characters may be a Chinese name ('马琳' MA LIN, 'marin'): only a
        # longer word, or one of a name the press parts with '·', is surely a foreign one
        vowelled = _FOREIGN_HANZI.search(text) is not None
    elif idx is not None and tokens and is_abjad(text):
        vowelled = False
        written = abjad_words(text)
        read = [(r, misread_words(written, r, same))
                for r, same in consonant_readings(written, idx)]
        if 2 <= len(written) == len(text.split()) <= 3 and all(map(is_abjad, text.split())) and (
                any(w.key in JOINING for w in written)):
            one = [joined(written)]  # 'حزب الله' for HIZBALLAH: the words as one
            read += [(r, misread_words(one, r, same))
                     for r, same in consonant_readings(one, idx, False)]
    elif idx is not None and p.vessel_alternatives is p.alternatives and (
            classed := class_form(tokens, idx)):
        read = [(classed, 0)]  # 'al kawsar': AL KAWTHAR, its 'th' written as an Egyptian 's'
    if read:
        p.read_from = len(p.alternatives)
        p.alternatives = p.vessel_alternatives = [*p.alternatives, *(r for r, _ in read)]
        first = cfg.vowelled_reading_factor if vowelled else cfg.consonant_reading_factor
        p.read_factors = [first * cfg.misread_vowel_factor ** n for _, n in read]
        p.reading = "; ".join(filter(None, (p.reading, "read by its consonants as " + ", ".join(
            repr(" ".join(r)) for r, _ in read))))
    return p



def _written(text: str, tokens: list[str]) -> list[str] | None:
    """The query's words as written, one a token (`normalize.written_words`), where no legal
    form folded several into one; else None. None too where no token is a spelling a fold
    gave (`words.written_joins` reads the words as written only beside such a token), so
    most queries are not normalised a second time."""
    if not any(t in SPELLINGS for t in tokens):
        return None
    words = written_words(text)
    return words if len(words) == len(tokens) and all(
        VARIANTS.get(w, w) == t for w, t in zip(words, tokens, strict=True)) else None


def _folded(alternatives: list[list[str]]) -> list[list[str]]:
    """The alternatives with the words of a legal form a split gave folded as the listed
    names' are ('public jointstock company': JOINT STOCK, then PJSC), each once."""
    out = alternatives[:1]
    for alt in alternatives[1:]:
        if (alt := folded(alt)) not in out or FORM_WORDS.isdisjoint(alt):
            out.append(alt)
    return out


def folded(tokens: list[str]) -> list[str]:
    """A form of the query with a word split into listed words ('jointstock': JOINT STOCK),
    its legal-form words folded as a listed name's are (`fold_legal_forms`, exact spellings):
    the form `prepare` tries (reach_forms/reach: a split form is tried so too)."""
    return tokens if FORM_WORDS.isdisjoint(tokens) else fold_legal_forms(tokens, False)


# the words of the legal forms: a form holding none has nothing to fold
FORM_WORDS = frozenset(w for form in LEGAL_FORMS for w in form)


def _likest(words: list[Written], idx: Index, unread: bool = False
            ) -> list[tuple[list[str], int]]:
    """Consonant readings of a katakana or Chinese transliteration, each with its misread
    words (`hangul.misread`), one more where another reading spells the words much more like
    the transliteration does ('kadlof': KADYROV, not KOZLOV, though both are 'kdlb')."""
    listed = idx.vocab if unread else {}  # a word spelled as written is read, if listed
    read = [(r, hangul_misread(words, r, listed))
            for r, _ in consonant_readings(words, idx, unread=unread)]
    like = [sum(likeness(w, t) + likeness(w, t, vowels)  # a word left unread counts nothing
                for w, t in zip(words, r, strict=True) if w.word != t or t in listed)
            for r, _ in read]
    best = max(like, default=0.0)
    return [(r, n + (lk < best - UNLIKE)) for (r, n), lk in zip(read, like, strict=True)]


UNLIKE = 0.1  # a reading this much less like the transliteration than the best is misread


def transliteration_forms(text: str, idx: Index) -> list[list[str]]:
    """The forms `prepare` may add to a name in katakana or in Chinese transliteration
    characters (for `reach_forms`, a superset): the katakana read as foreign words, and the
    consonant readings of either against the index."""
    forms: list[list[str]] = []
    if has_katakana(text):
        forms.append(kana_listed(kana_joined(text), idx))
        forms += [r for r, _ in consonant_readings(kana_written(text), idx)]
    if has_foreign_hanzi(text):
        forms += [r for r, _ in consonant_readings(hanzi_written(text), idx, unread=True)]
    return forms


def kana_listed(words: list[str], idx: Index) -> list[str]:
    """Katakana read as a foreign name, each word no list spells with the letters katakana
    writes alike for two sounds swapped where that spells a listed word: r for l, b, f, w for v
    ('oreg deripaska' is OLEG DERIPASKA, as the listed spelling, not a misread one)."""
    out = []
    for w in words:
        spots = [i for i, ch in enumerate(w) if ch in _KANA_ALIKE]
        found = w
        if w not in idx.vocab and 0 < len(spots) <= 4:
            keyed = None  # else the first whose romanisation key a listed word has ('hizbola')
            for mask in sorted(range(1, 1 << len(spots)), key=int.bit_count):  # fewest first
                letters = list(w)
                for k, i in enumerate(spots):
                    letters[i] = _KANA_ALIKE[w[i]] if mask >> k & 1 else w[i]
                if (spelled := "".join(letters)) in idx.vocab:
                    found = spelled
                    break
                if keyed is None and len(spelled) >= 5 and len(key := phonetic_key(spelled)) >= 4 \
                        and key != phonetic_key(w) and key in idx.by_key:
                    keyed = spelled
            else:
                found = keyed or w
        out.append(found)
    return out


_KANA_ALIKE = {"r": "l", "b": "v", "f": "v", "w": "v"}  # "rabrof": LAVROV


@dataclass(frozen=True, slots=True)
class _Front:
    """What `prepare` reads of a query before it looks at an index (`_front`)."""

    text: str  # cleaned, identifiers taken out
    imos: frozenset[str]
    identifiers: frozenset[str]  # given or written in the name (before its bare numbers)
    tokens: tuple[str, ...]
    reading: str  # `normalize.reading` of the text
    vessel_tokens: tuple[str, ...]


_FRONTS: dict[tuple[str, str | None, str | None], _Front] = {}
FRONTS_KEPT = 4096  # a batch prepares each query twice (its chunk's look-up, then screening)


def _front(query: Query) -> _Front:
    """The query's text, identifiers, tokens and reading: the same for every index, kept for
    the queries prepared last (a batch's chunk prepares every query first without the index,
    to look its tokens up at once, and then again with it)."""
    key = (query.name or "", query.imo, query.identifier)
    found = _FRONTS.get(key)
    if found is not None:
        return found
    text = clean_text(query.name or "")
    imos = set(_IMO_TEXT.findall(text))
    if query.imo:
        imos.add(re.sub(r"\D", "", query.imo))
    identifiers = imos | set(_MMSI_TEXT.findall(text))
    if query.identifier:  # compared the way lists' identifiers are keyed
        identifiers.add(identifier_key(query.identifier))
        if len(bare := identifier_key(_SCHEME_WORDS.sub("", query.identifier))) >= 5:
            identifiers.add(bare)
    text = _IMO_TEXT.sub(" ", _MMSI_TEXT.sub(" ", text))
    for chunk in _ID_TEXT.findall(text):  # "MSN 45-390", "A-1234567": as identifiers store them
        if len(key_ := identifier_key(chunk)) >= 5:
            identifiers.add(key_)
    tokens = name_tokens(text)
    if len(_FRONTS) >= FRONTS_KEPT:
        _FRONTS.clear()
    # Latin text reads as itself, and only a name starting with a prefix's first word can
    # lose one: both asked of every new name, and most are neither
    found = _FRONTS[key] = _Front(
        text, frozenset(imos), frozenset(identifiers), tuple(tokens),
        "" if text.isascii() else reading(text),  # no letter of another script: ''
        tuple(strip_vessel_prefix(tokens) if tokens and tokens[0] in _PREFIX_STARTS
              else tokens))
    return found


_PREFIX_STARTS = frozenset(prefix[0] for prefix in VESSEL_PREFIXES)


_HANZI = script_pattern("[\u3400-\u9fff]{3,}")
# four Chinese characters or more, or two names parted by a '·' ('谢尔盖·绍伊古'): a foreign name
_FOREIGN_HANZI = script_pattern("[\u3400-\u9fff]{4,}|[\u3400-\u9fff][\u00b7\u30fb=\uff1d-]"
                                "[\u3400-\u9fff]")


def hanzi_joined(text: str) -> list[str]:
    """The tokens with each run of three or more Chinese characters as one word: the press
    writes a foreign name one character a syllable ('卢卡申科'), which reads as a listed name
    only joined."""
    out: list[str] = []
    for word in text.split():
        toks = name_tokens(word)
        out += ["".join(toks)] if _HANZI.fullmatch(word) else toks
    return out


def listed_spellings(text: str, idx: Index) -> tuple[str, str]:
    """The text with each word no list spells so ('kalasznikow', 'السعادى') replaced by its
    first other spelling that a list does ('kalashnikov', 'السعادي'), and what was replaced."""
    words, said = text.split(), []
    kept = _RESPELLED.get(idx)
    if kept is None:
        kept = _RESPELLED[idx] = {}
    for k, w in enumerate(words):
        if w in kept:
            found = kept[w]
        else:
            if len(kept) >= RESPELLED_KEPT:
                kept.clear()
            found = kept[w] = _respelled(w, idx)
        if found is not None:
            words[k] = found
            said.append(f"{w} as {found}")
    return " ".join(words), ", ".join(said)


# each word's respelling (`_respelled`), per index: a batch's names share most of their words
_RESPELLED: weakref.WeakKeyDictionary[Index, dict[str, str | None]] = (
    weakref.WeakKeyDictionary())
RESPELLED_KEPT = 50_000


def _respelled(w: str, idx: Index) -> str | None:
    """One word of `listed_spellings` as a list spells it, or None to leave it as it is."""
    toks = name_tokens(w)
    if not toks or all(t in idx.vocab for t in toks):
        return None
    spellings = [(v, name_tokens(v)) for v in spelling_variants(w)]
    # a legal form split off may leave listed words glued ('goldendragonshipping ltd')
    for v, vt in spellings:
        glued = any(t in LEGAL_CLASSES for t in vt)
        if vt and all(t in idx.vocab or (glued and idx.split(t)) for t in vt):
            # the words cut apart where they hold more of a legal form, so that it folds
            # ('electronics ltd liabilitycompany': ELECTRONICS LLC)
            parts = _cut(vt, idx, 3) if glued else None
            return " ".join(parts) if parts and fold_legal_forms(parts) != parts else v
    # ...or with listed words of two letters ('vohomtechnologyhk': HK), when no spelling does
    # without them ('maiwandtobacco ltd', not 'maiwand to bac co ltd')
    for _, vt in spellings:
        if any(t in LEGAL_CLASSES for t in vt) and (cut := _cut(vt, idx, 2)):
            return " ".join(cut)
    return None


def _cut(tokens: list[str], idx: Index, shortest: int) -> list[str] | None:
    """Tokens beside a glued legal form, each unlisted one cut into listed words or words of
    legal forms ('liabilitycompany'), of `shortest` letters or more; None if one cannot be.
    Two letters ('vohomtechnologyhk': HK) pass only there: the legal form already says a
    company's name was written as one."""
    out: list[str] = []
    for t in tokens:
        parts = [t] if t in idx.vocab else (
            segment(t, _Listed(idx.vocab), shortest) if t.isalpha() and 5 <= len(t) <= 40
            else None)
        if not parts:
            return None
        out += parts
    return out


class _Listed:
    """The index's words and the words of legal forms, which the index folds away."""

    def __init__(self, vocab: Container[str]) -> None:
        self.vocab = vocab

    def __contains__(self, word: object) -> bool:
        return word in self.vocab or word in LEGAL_WORDS


LEGAL_WORDS = frozenset(w for form in LEGAL_FORMS for w in form if len(w) >= 2)

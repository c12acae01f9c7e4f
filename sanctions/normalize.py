"""Name normalisation, pure and shared by import and query time.

    >>> normalize_name("MADURO MOROS, Nicolás")
    'maduro moros nicolas'
    >>> name_tokens("Владимир Путин")
    ['vladimir', 'putin']
    >>> name_tokens("Mohammed Al-Qaida Trading Co. Ltd")
    ['muhammad', 'al', 'qaida', 'trading', 'co', 'ltd']
    >>> name_tokens("ООО Ромашка")
    ['llc', 'romashka']
    >>> strip_vessel_prefix(["m", "t", "white", "crane"])
    ['white', 'crane']

`normalize_name` is what the database stores in `names.normalized` (casefold, ASCII, punctuation
to spaces); `name_tokens` is what the matcher compares: the same, with apostrophes and soft
signs dropped inside words ("Sa'id" -> "said"), spelling variants folded and legal forms
replaced by their class.

Transliteration uses anyascii (ISC licence, maintained, every Unicode script, no native code);
Unidecode covers the same but is GPL.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import OSA

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# anyascii writes the Cyrillic soft/hard sign and Arabic ayn as ' or `: part of the word
_APOSTROPHES = re.compile(r"['`]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_NAME_LENGTH = 300  # longer input is cut: no listed name is longer than ~250 characters

# Spelling variants folded to one form, so "Mohammed" meets "Muhammad" at full similarity.
VARIANTS: dict[str, str] = {
    v: canon
    for canon, variants in {
        "muhammad": "mohammed mohamed mohammad muhammed mohamad mohd mohamud muhamad mehmet",
        "ahmad": "ahmed ahmet",
        "abdul": "abdel abd abdol abdoul",
        "husayn": "hussein husein hussain husain hosein hossein",
        "hasan": "hassan",
        "yusuf": "yousef youssef yusef yousif yousuf",
        "usama": "osama",
        "abu": "abou",
        "aleksandr": "alexander aleksander alexandr",
        "aleksei": "alexey aleksey alexei alexeyevich",
        "sergei": "sergey sergej",
        "evgeny": "yevgeny evgeniy yevgeniy evgenii",
        "dmitry": "dmitriy dmitri dmitrii",
        "yury": "yuri yuriy iurii",
        "andrei": "andrey",
        "nikolai": "nikolay nicolai",
        "mikhail": "michail",
        "vyacheslav": "viacheslav",
        "valery": "valeriy valerii",
        "gennady": "gennadiy gennadii",
        "arkady": "arkadiy arkadii",
        # words of Russian legal forms, as the lists romanise (and misspell) them
        "obshchestvo": "obshestvo obschestvo",
        "ogranichennoy": "ogranichennoi organichennoi ogranichenoi ogranichennoj",
        "otvetstvennostyu": "otvetstvennostiu otvetsvennostyu otvestvennostyu otvetstvennostju",
        "aktsionernoe": "aktsionernoye aktsionernoje aktsionernoie",
        "otkrytoe": "otkrytoye",
        "zakrytoe": "zakrytoye",
    }.items()
    for v in [canon, *variants.split()]
}

# Legal forms mapped to one class token each; the matcher gives these tokens low weight.
# Multi-word forms are matched as token sequences before single tokens.
def _legal_forms() -> dict[tuple[str, ...], str]:
    table = {
        # one class per kind of company: "OOO" is Russian for "LLC", "AO" for "JSC"
        "llc": ["llc", "l l c", "limited liability company", "ooo", "tov",
                "obshchestvo s ogranichennoy otvetstvennostyu", "fz llc", "fzllc"],
        "ltd": ["ltd", "limited", "pvt ltd", "private limited", "pty ltd"],
        "co": ["co", "company"],
        "corp": ["corp", "corporation"],
        "inc": ["inc", "incorporated"],
        "sa": ["sa", "s a", "sociedad anonima", "societe anonyme"],
        "sarl": ["sarl"],
        "srl": ["srl", "s r l"],
        # "joint stock" without "company" is how people shorten it
        "jsc": ["jsc", "ao", "joint stock company", "joint stock co", "joint stock",
                "aktsionernoe obshchestvo"],
        "ojsc": ["ojsc", "oao", "open joint stock company", "open joint stock",
                 "otkrytoe aktsionernoe obshchestvo"],
        "cjsc": ["cjsc", "zao", "closed joint stock company", "closed joint stock",
                 "zakrytoe aktsionernoe obshchestvo"],
        "pjsc": ["pjsc", "pao", "public joint stock company", "public joint stock",
                 "publichnoe aktsionernoe obshchestvo"],
        "gmbh": ["gmbh"],
        "ag": ["ag"],
        "bv": ["bv", "b v"],
        "nv": ["nv", "n v"],
        "plc": ["plc"],
        "llp": ["llp", "limited liability partnership"],
        "pte": ["pte"],
        "bhd": ["bhd", "berhad", "sdn bhd"],
        "fze": ["fze", "fzco", "fzc"],
        "cv": ["de cv", "de c v", "c v"],
        "spa": ["spa", "s p a"],
    }
    return {tuple(f.split()): cls for cls, forms in table.items() for f in forms}


LEGAL_FORMS = _legal_forms()
LEGAL_CLASSES = frozenset(LEGAL_FORMS.values())
_MAX_FORM = max(len(k) for k in LEGAL_FORMS)
# Words of legal forms long enough that one wrong letter still says which ("stokc", "limtied").
_FORM_WORDS = sorted({w for form in LEGAL_FORMS for w in form if len(w) >= 5})
_FORM_STARTS = frozenset(form[0] for form in LEGAL_FORMS)

# Tokens that name the kind of vessel, not the vessel: stripped from the front of vessel names.
VESSEL_PREFIXES: tuple[tuple[str, ...], ...] = (
    ("m", "t"), ("m", "v"), ("mt",), ("mv",), ("ss",), ("motor", "tanker"),
    ("motor", "vessel"), ("oil", "tanker"), ("tanker",), ("vessel",), ("ship",),
)


def clean_text(text: str) -> str:
    """Drop control characters and cut absurdly long input."""
    return _CONTROL.sub(" ", text)[:MAX_NAME_LENGTH]


def normalize_name(name: str) -> str:
    """Casefold, transliterate to ASCII, drop punctuation, squeeze spaces."""
    text = anyascii(unicodedata.normalize("NFKC", clean_text(name))).casefold()
    return _NON_ALNUM.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def legal_word(token: str) -> str:
    """The legal-form word a token misspells by a letter ('stokc' -> 'stock'), else the token."""
    if len(token) < 4 or not token.isalpha():
        return token
    hit = process.extractOne(token, _FORM_WORDS, scorer=OSA.normalized_similarity,
                             score_cutoff=0.79)  # one edit in five letters
    return hit[0] if hit else token


def fold_legal_forms(tokens: list[str]) -> list[str]:
    """Replace legal-form token sequences by their class token ('limited' -> 'ltd'), also when
    a word of the form has a typo ('joint stokc company' -> 'jsc')."""
    fixed = [legal_word(t) for t in tokens]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] not in _FORM_STARTS and fixed[i] not in _FORM_STARTS:
            out.append(tokens[i])
            i += 1
            continue
        for n in range(min(_MAX_FORM, len(tokens) - i), 0, -1):
            cls = LEGAL_FORMS.get(tuple(tokens[i:i + n])) or LEGAL_FORMS.get(tuple(fixed[i:i + n]))
            # single letters ("s", "a") are legal forms only as part of a sequence
            if cls and (n > 1 or len(tokens[i]) > 1):
                out.append(cls)
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def variant(token: str) -> str:
    """The canonical spelling of a name with spelling variants ('mohammed' -> 'muhammad')."""
    return VARIANTS.get(token, token)


def name_tokens(name: str) -> list[str]:
    """Normalised tokens with spelling variants and legal forms folded. Never drops digits."""
    text = anyascii(unicodedata.normalize("NFKC", clean_text(name))).casefold()
    words = _NON_ALNUM.sub(" ", _APOSTROPHES.sub("", text)).split()
    return fold_legal_forms([VARIANTS.get(t, t) for t in words])


def strip_vessel_prefix(tokens: list[str]) -> list[str]:
    """'M/T Nord Star' -> ['nord', 'star']; only applied where the name is a vessel's."""
    for prefix in VESSEL_PREFIXES:
        n = len(prefix)
        if len(tokens) > n and tuple(tokens[:n]) == prefix:
            return tokens[n:]
    return tokens

"""Name normalisation, pure and shared by import and query time.

    >>> normalize_name("MADURO MOROS, Nicolás")
    'maduro moros nicolas'
    >>> name_tokens("Владимир Путин")
    ['vladimir', 'putin']
    >>> name_tokens("Mohammed Al-Qaida Trading Co. Ltd")
    ['muhammad', 'al', 'qaida', 'trading', 'co', 'ltd']
    >>> strip_vessel_prefix(["m", "t", "white", "crane"])
    ['white', 'crane']

Transliteration uses anyascii (ISC licence, maintained, every Unicode script, no native code);
Unidecode covers the same but is GPL.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
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
    }.items()
    for v in [canon, *variants.split()]
}

# Legal forms mapped to one class token each; the matcher gives these tokens low weight.
# Multi-word forms are matched as token sequences before single tokens.
def _legal_forms() -> dict[tuple[str, ...], str]:
    table = {
        "llc": ["llc", "l l c", "limited liability company"],
        "ltd": ["ltd", "limited"],
        "co": ["co", "company"],
        "corp": ["corp", "corporation"],
        "inc": ["inc", "incorporated"],
        "sa": ["sa", "s a", "sociedad anonima", "societe anonyme"],
        "sarl": ["sarl"],
        "srl": ["srl", "s r l"],
        "ooo": ["ooo", "obshchestvo s ogranichennoy otvetstvennostyu"],
        "oao": ["oao"],
        "zao": ["zao"],
        "pao": ["pao", "pjsc", "public joint stock company"],
        "ao": ["ao", "jsc", "joint stock company", "cjsc", "closed joint stock company"],
        "gmbh": ["gmbh"],
        "ag": ["ag"],
        "bv": ["bv", "b v"],
        "nv": ["nv", "n v"],
        "plc": ["plc"],
        "pte": ["pte"],
        "fze": ["fze", "fzco", "fzc"],
        "cv": ["de cv", "de c v", "c v"],
        "spa": ["spa", "s p a"],
    }
    return {tuple(f.split()): cls for cls, forms in table.items() for f in forms}


LEGAL_FORMS = _legal_forms()
LEGAL_CLASSES = frozenset(LEGAL_FORMS.values())
_MAX_FORM = max(len(k) for k in LEGAL_FORMS)

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


def fold_legal_forms(tokens: list[str]) -> list[str]:
    """Replace legal-form token sequences by their class token ('limited' -> 'ltd')."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for n in range(min(_MAX_FORM, len(tokens) - i), 0, -1):
            cls = LEGAL_FORMS.get(tuple(tokens[i:i + n]))
            # single letters ("s", "a") are legal forms only as part of a sequence
            if cls and (n > 1 or len(tokens[i]) > 1):
                out.append(cls)
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def name_tokens(name: str) -> list[str]:
    """Normalised tokens with spelling variants and legal forms folded. Never drops digits."""
    tokens = [VARIANTS.get(t, t) for t in normalize_name(name).split()]
    return fold_legal_forms(tokens)


def strip_vessel_prefix(tokens: list[str]) -> list[str]:
    """'M/T Nord Star' -> ['nord', 'star']; only applied where the name is a vessel's."""
    for prefix in VESSEL_PREFIXES:
        n = len(prefix)
        if len(tokens) > n and tuple(tokens[:n]) == prefix:
            return tokens[n:]
    return tokens

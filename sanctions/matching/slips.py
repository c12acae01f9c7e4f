"""Words a query writes that say little against a listed name: titles, mistyped or not, and a
word with two letters swapped.

Titles before a person's name: 'Prof.', 'Colonel', 'Sheikh', 'Eng.' say who someone is, not
which person, so in a query they weigh little in the name score, as a legal form does in a
company's (`Index.weight`: `MatchConfig.legal_form_weight` of its weight). A listed title
keeps its weight (`listed.listed_of`): a query that leaves it out ('Shahbaz' for the alias
'HAJI SHAHBAZ') says less than the list does. Short abbreviations a split word may leave ('col' of
'Collet', 'lt', 'ms') are not counted: a customer 'Collet SARL' read as 'col let' scored
0.88 against the alias 'LeT' with them.

`normalize.HONORIFICS` also holds particles ('al', 'de', 'van') and words that are names or
company words as often as titles ('general', 'major', 'lord', 'don'): those keep their
weight, since leaving them out of the query says something. A query word no list spells that
is one letter from a title of five letters or more ('Colonl', 'Cokonel', 'Asyed') is that
title mistyped: a word no list has cannot be evidence for a listed name either way, and
charging it as another given name sank 'Colonl Evgeniy Mikhaylovich BOGACHEV' to 0.72.

A word of the listed name's key (`features.feature_distinctive`) that the query writes with
two neighbouring letters swapped ('CLAM BRIDGE' for CALM BRIDGE) is that word mistyped, not
replaced by another: in a word of four letters the swap leaves a similarity of 0.75 only.

    >>> is_title("prof"), is_title("colonl"), is_title("general"), is_title("saeed")
    (True, True, False, False)
    >>> swapped("clam", "calm"), swapped("atng", "tang"), swapped("mira", "mari")
    (True, True, False)
"""

from __future__ import annotations

from collections.abc import Container
from functools import lru_cache

from rapidfuzz.distance import OSA

from ..normalize import HONORIFICS

_WORDS = (
    "mr mrs miss dr doctor prof professor sir dame sheikh shaykh shaikh sheik haji hajji "
    "hadji mullah mulla maulana mawlawi maulvi mawlana sayyid sayed syed qari colonel "
    "capt captain lieutenant brig brigadier admiral cmdr commander eng engineer "
    "mlle herr frau srta senor senora "
    # offices the press puts before a person's name: "President Bashar al-Assad", "Ayatollah
    # Ali Khamenei", "Chairman Kim Jong Un" (a listed alias that is one keeps its weight). Not
    # 'premier', 'minister', 'governor': company words too ('Intellekt Premier LLC' alarmed)
    "president chairman ayatollah")
TITLES = frozenset(_WORDS.split())
_LONG = tuple(t for t in TITLES if len(t) >= 5)
# spelled like a title but names in their own right: never read as a mistyped title
_NAMES = frozenset(("saeed", "sayid", "seyed", "sayyed", "sayeed", "saied", "hajj", "sheikhi"))


def is_title(token: str, known: Container[str] = frozenset()) -> bool:
    """Whether `token` is a title, or (not being one of the `known` words: the listed ones) a
    title with one letter wrong, left out, added or two swapped."""
    if token in TITLES:
        return True
    return token not in known and _mistyped(token)


def honorific(token: str, known: Container[str]) -> bool:
    """Whether a query word the listed name lacks costs nothing (`features.feature_extra_words`):
    a title or particle (`normalize.HONORIFICS`), or a mistyped title."""
    return token in HONORIFICS or is_title(token, known)


@lru_cache(maxsize=4096)
def _mistyped(token: str) -> bool:
    if len(token) < 5 or not token.isalpha() or token in _NAMES:
        return False
    return any(abs(len(t) - len(token)) <= 1 and token != t + "s"  # 'engineers' is a word
               and OSA.distance(token, t, score_cutoff=1) <= 1 for t in _LONG)


def swapped(a: str, b: str) -> bool:
    """Two words alike but for two neighbouring letters swapped ('clam', 'calm'): a typo, the
    commonest there is, which in a word of four letters leaves a similarity of 0.75 only."""
    return (len(a) == len(b) and a != b and sorted(a) == sorted(b)
            and OSA.distance(a, b, score_cutoff=1) == 1)

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

A title the listed name lacks leaves the name as complete as the query without it: a listed
word the query leaves out (a patronymic, a second surname) weighs as little as it would then
(`features.align_form`: 'Mr. Oleg Deripaska' 0.86 -> 0.93, 'President Nicolas Maduro' 0.795
-> 0.896). A word the press puts after an organisation's name to say what kind it is
(`DESCRIPTORS`: 'Tren de Aragua gang') is not charged as another word either, nor a listed
organisation's article that the query leaves out when it found every other listed word, two
at least (`ARTICLES`: 'Familia Michoacana' for LA FAMILIA MICHOACANA).

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
    "president chairman ayatollah "
    # honorifics the press writes before a Shia cleric's or a religious leader's name
    # ('Sayyed Hassan Nasrallah', 'Imam ...', 'Mufti ...'); not 'emir' or 'amir': given names
    "sayyed seyed seyyed imam mufti hojatoleslam hojjatoleslam mister")
TITLES = frozenset(_WORDS.split())
# What the press puts after an organisation's name to say what kind it is ('Tren de Aragua
# gang', 'the Sinaloa cartel'): not charged as another word where the listed name lacks it,
# nor read as the listed key word replaced. They keep their weight in the name score: 'Dawood
# Ibrahim Organization' is the listed organisation, not the listed person DAWOOD IBRAHIM
# (weighed as titles, they put the person first), and 'group' is part of many companies' names
DESCRIPTORS = frozenset({"gang", "cartel", "militia", "group", "network", "organisation",
                         "organization", "syndicate", "clan", "mafia"})
# The articles an organisation's or a vessel's listed name may start with or hold ('LA
# FAMILIA MICHOACANA', 'THE BASE'): a query that leaves one out and finds every other listed
# word, two at least ('Familia Michoacana'), names the same thing, so the article weighs in
# the listed name as a legal form does (`features._named_without`; one word left, 'Base Ltd'
# for THE BASE, is too little). Not in a person's name, where a particle is part of the
# surname ('DE LA CRUZ').
ARTICLES = frozenset({"the", "los", "las", "la", "le", "les", "el", "al", "il", "lo"})
_LONG = tuple(t for t in TITLES if len(t) >= 5)
# spelled like a title but names in their own right: never read as a mistyped title
_NAMES = frozenset(("saeed", "sayid", "sayeed", "saied", "hajj", "sheikhi"))


def is_title(token: str, known: Container[str] = frozenset()) -> bool:
    """Whether `token` is a title, or (not being one of the `known` words: the listed ones) a
    title with one letter wrong, left out, added or two swapped."""
    if token in TITLES:
        return True
    return token not in known and _mistyped(token)


def honorific(token: str, known: Container[str], person: bool = False) -> bool:
    """Whether a query word the listed name lacks costs nothing (`features.feature_extra_words`):
    a title or particle (`normalize.HONORIFICS`), a mistyped title, or (against a name that is
    no person's: `person` False) a word of an organisation's kind (`DESCRIPTORS`): 'Dawood
    Ibrahim Organization' is not the person DAWOOD IBRAHIM."""
    return token in HONORIFICS or (token in DESCRIPTORS and not person) or is_title(token, known)


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

"""Names as the linker compares them: keys for exact matches, signatures for near ones.

    >>> name_forms("TEHRIK-E TALIBAN PAKISTAN (TTP)", "organization", PRIMARY)
    [('e pakistan taliban tehrik', 2), ('ttp', 0)]
    >>> name_key(link_tokens("AL QA'IDA", "organization"))
    'al qaida'

Unlike the stored `names.normalized` (punctuation to spaces), apostrophes are dropped inside
words ("QA'IDA" is "qaida", not "qa ida"), an acronym or gloss in brackets is a name of its own
(a weak one: "TTP" says little), spelling variants and legal forms are folded as the matcher
folds them, and "the" is dropped ("THE HOUTHIS" is "Houthis"). A name's key is its tokens in
any order ("maduro moros nicolas"); the name of an organisation, vessel or aircraft also gives
its tokens joined in written order, so "ANSAR ALLAH" meets "ANSARALLAH" and "YAS AIR" meets
"YASAIR" (a key without a space is one word, or such a joined name). Not for people: their
lists write names in different orders, which joining would not survive.

Near names (a letter apart, or transliterated differently) are found by the matcher's own
token comparison (`matching.features.token_similarity`: OSA similarity and the variant table).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

from ..matching.config import DEFAULT_CONFIG
from ..matching.features import token_similarity
from ..normalize import (
    LEGAL_CLASSES,
    LEGAL_FORMS,
    VARIANTS,
    fold_legal_forms,
    strip_vessel_prefix,
)

_BRACKETS = re.compile(r"\(([^()]*)\)")
_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bb\u02bc\u02b9\u02be\u02bf]")
_WORD = re.compile(r"[a-z0-9]+")
_QUOTES = re.compile(r"['`\u2018\u2019\u02bb\u02bc\u02b9\u02be\u02bf]")
_FORM_STARTS = frozenset(k[0] for k in LEGAL_FORMS)
STOPWORDS = frozenset({"the"})
TITLES = frozenset({"dr", "mr", "mrs", "ms"})  # of people: 'AL-BADRI, Dr. Ibrahim' 
# Two tokens are the same word spelled differently at this similarity or more
# ("valentinovna"/"valentinova" 0.92, "evgenyevna"/"evgenievna" 0.90, "huthi"/"houthi" 0.83).
NEAR_TOKEN = 0.8

PRIMARY, ALIAS, WEAK = 2, 1, 0
KIND_RANK = {"primary": PRIMARY, "aka": ALIAS, "fka": ALIAS, "nka": ALIAS, "weak": WEAK}
RANK_WORD = {PRIMARY: "primary", ALIAS: "alias", WEAK: "weak alias"}


def _fold_forms(tokens: list[str]) -> list[str]:
    """Legal forms to their class token, exact spellings only (the matcher also forgives typos,
    which costs a fuzzy lookup per new word: too slow for every name of every list)."""
    return fold_legal_forms(tokens, typos=False)


def link_tokens(name: str, etype: str, normalized: str | None = None) -> list[str]:
    """A name's tokens for linking, in written order. `normalized` (names.normalized: ASCII,
    casefolded, punctuation to spaces) saves the work when the name has no apostrophe."""
    if normalized is None or _QUOTES.search(name):
        text = name if name.isascii() else anyascii(unicodedata.normalize("NFKC", name))
        words = _WORD.findall(_APOSTROPHES.sub("", text.casefold()))
    else:
        words = normalized.split()
    tokens = [VARIANTS.get(w, w) for w in words]
    if not _FORM_STARTS.isdisjoint(tokens):
        tokens = _fold_forms(tokens)
    if "the" in tokens:
        tokens = [t for t in tokens if t not in STOPWORDS]
    if etype == "person" and not TITLES.isdisjoint(tokens):
        tokens = [t for t in tokens if t not in TITLES]
    return strip_vessel_prefix(tokens) if etype == "vessel" else tokens


def name_key(tokens: list[str]) -> str:
    """Order-free key: 'maduro moros nicolas' and 'nicolas maduro moros' are one name."""
    return " ".join(sorted(tokens))


def is_acronym(short: str, long: str) -> bool:
    """Whether `short` (one word) abbreviates `long`: its letters in order among long's, the
    first one a word's initial ('TTP' of 'Tehrik-e Taliban Pakistan', 'HQN' of 'Haqqani
    Network'; not 'KENYA' of 'Al-Haramayn Foundation').

    >>> is_acronym("TTP", "TEHRIK-E TALIBAN PAKISTAN"), is_acronym("KENYA", "AL-HARAMAYN")
    (True, False)
    """
    letters = [c for c in short.casefold() if c.isalpha()]
    words = _WORD.findall(long.casefold())
    if not 2 <= len(letters) <= 8 or " " in short.strip() or not words:
        return False
    if letters[0] not in {w[0] for w in words}:
        return False
    rest = iter("".join(words))
    return all(c in rest for c in letters)


def name_forms(name: str, etype: str, rank: int,
               normalized: str | None = None) -> list[tuple[str, int]]:
    """(key, rank) for every key of a name of this rank: its order-free key (and joined key).
    A bracketed part is read three ways: an acronym of the rest ("... PAKISTAN (TTP)") is a
    weak name and the rest keeps the rank; the rest an acronym of it ("ADF (Allied Democratic
    Forces)"), the other way round; anything else ("AL-HARAMAYN FOUNDATION (KENYA)", "Hizballah
    (Party of God)") belongs to the name, so the whole keeps the rank and the parts are weak."""
    if "(" not in name:
        parts = [(name, rank, normalized)]
    else:
        outer = " ".join(_BRACKETS.sub(" ", name).split())
        inner = [i.strip() for i in _BRACKETS.findall(name) if i.strip()]
        if len(inner) == 1 and is_acronym(inner[0], outer):
            parts = [(outer, rank, None), (inner[0], WEAK, None)]
        elif len(inner) == 1 and is_acronym(outer, inner[0]):
            parts = [(inner[0], rank, None), (outer, WEAK, None)]
        else:
            parts = [(name, rank, None), (outer, WEAK, None)] + [(i, WEAK, None) for i in inner]
    out: list[tuple[str, int]] = []
    for text, r, norm in parts:
        tokens = link_tokens(text, etype, norm)
        if tokens:
            out.append((name_key(tokens), r))
            if 1 < len(tokens) <= 3 and etype != "person":  # 'ANSAR ALLAH', 'AL QAIDA'
                out.append(("".join(tokens), r))
    return out


def distinct_tokens(key: str) -> int:
    """Tokens that tell a name apart: not a legal form, not a single letter."""
    return sum(1 for t in key.split() if t not in LEGAL_CLASSES and len(t) > 1)


def signature(key: str) -> str:
    """First letters of the tokens, in order of the sorted key: names a letter apart share it.
    Variants are folded before ('yevgeny' is 'evgeny'), so transliterations mostly do too."""
    return "".join(t[0] for t in key.split())


@lru_cache(maxsize=200_000)
def _near(a: str, b: str) -> float:
    return token_similarity(a, b, DEFAULT_CONFIG, False)


MIN_WITHIN = 3  # words of the shorter name, at least, for it to count as within the other
MAX_EXTRA = 2  # words the longer name may add (middle names, a second surname)


def name_within(a: str, b: str) -> bool:
    """Whether every word of one order-free key is a word of the other, the shorter of at
    least MIN_WITHIN distinct words and the longer adding at most MAX_EXTRA: a name written
    with or without a middle name or a second surname ('oseguera cervantes nemesio' within
    'oseguera cervantes nemesio ruben'; not 'carlos gonzalez', two words).

    >>> name_within("barrios carvajal hugo", "armando barrios carvajal hugo")
    True
    >>> name_within("gonzalez carlos", "carlos enrique gonzalez hoyos")
    False
    """
    ta, tb = a.split(), b.split()
    if len(ta) > len(tb):
        ta, tb = tb, ta
    if not 0 < len(tb) - len(ta) <= MAX_EXTRA or distinct_tokens(" ".join(ta)) < MIN_WITHIN:
        return False
    left = list(tb)
    for t in ta:
        if t not in left:
            return False
        left.remove(t)
    return True


def subkeys(key: str) -> list[str]:
    """The blocks a person's key of MIN_WITHIN to MIN_WITHIN + 3 words falls in: each choice of
    MIN_WITHIN of its words, sorted (a name within another shares one with it)."""
    words = sorted(set(key.split()))
    if not MIN_WITHIN <= len(words) <= MIN_WITHIN + 3:
        return []
    return [" ".join(c) for c in itertools.combinations(words, MIN_WITHIN)]


def near_names(a: str, b: str) -> float:
    """How alike two order-free keys are when every token has a near partner: the weakest pair's
    similarity, or 0. Tokens of one first letter are paired best-first, as the matcher pairs."""
    ta, tb = a.split(), b.split()
    if len(ta) != len(tb) or ta == tb:
        return 0.0
    worst = 1.0
    left = list(tb)
    for t in ta:
        best, at = 0.0, -1
        for j, u in enumerate(left):
            s = 1.0 if t == u else _near(t, u)
            if s > best:
                best, at = s, j
        if best < NEAR_TOKEN:
            return 0.0
        worst = min(worst, best)
        left.pop(at)
    return worst

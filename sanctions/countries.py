"""Country names as the lists write them → ISO 3166-1 alpha-2 codes.

The names are countrynames' (a maintained table of ~27,000 country names, codes, demonyms and
translations), with pycountry's official names as a fallback ("Republic of Türkiye"); OVERRIDES
holds the few strings from our lists countrynames gets wrong or lacks. Both tables are read from
data/countries.json, which scripts/make_country_table.py writes from the installed packages
(and which brings countrynames' codes beyond ISO 3166-1 back to it: "UA-CRI" for Crimea → UA,
USSR → SU, its "FAIL" for "unknown" → None). Answers are countrynames.to_code's, without its
cost: it builds its table on first use (half a second) and scans its codes for every new string.

    >>> country_code("Korea, North"), country_code("Russian Federation"), country_code("ru")
    ('KP', 'RU', 'RU')
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .scripts import anyascii  # imported when first needed

TABLE_PATH = Path(__file__).parent / "data" / "countries.json"

# What countrynames gets wrong or lacks, keyed by _key(text); None: not a country.
OVERRIDES: dict[str, str | None] = {
    "region crimea": "UA",  # OFAC address region; countrynames knows "Crimea", not this
    "region west bank": "PS",  # OFAC; countrynames knows "West Bank" and "Region: Gaza" only
    "gaza": "PS",
    "dominican": "DO",  # countrynames: DM (Dominica); on the lists it is the Dominican Republic
    "ecuadorian": "EC",  # FBI-style demonym countrynames lacks
}
# Matched exactly, case included: the UN list writes "na" for "not available" (Namibia is NA).
EXACT: dict[str, str | None] = {"na": None}
_STRIP = re.compile(r"[^a-z0-9]+")


def _key(text: str) -> str:
    return _STRIP.sub(" ", anyascii(text).casefold()).strip()


# countrynames keys its names with normality.normalize(text, latinize=True). For text in Latin
# script (every code point up to U+02E4 once lowercased) that is the pure-Python steps below,
# copied from normality 3.1 (tests/test_countries.py holds them equal); other scripts are
# transliterated with anyascii first (normality would need ICU, a compiled extension).
_MAX_LATIN = "\u02e4"  # normality's MAX_LATIN = 740
_SPACED = {"Cc", "Mc", "Zs", "Zl", "Zp", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "So"}
_DROPPED = {"Cf", "Cs", "Co", "Cn", "Lm", "Mn", "Me", "No", "Sc", "Sk"}
_INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff\u00ad\u2060-\u2064]")
_SPACES = re.compile(r"[\s\u2028\u2000-\u200a\u2029\u0a00\u1680\u202f\u205f\u3000]+")


class _ByCategory(dict[int, int | None]):
    """str.translate table: punctuation, symbols and the like → space; marks and such dropped.

    Only Latin text reaches it, so it stays small (code points up to U+02E4, decomposed).
    """

    def __missing__(self, point: int) -> int | None:
        category = unicodedata.category(chr(point))
        value = 32 if category in _SPACED else None if category in _DROPPED else point
        self[point] = value
        return value


_BY_CATEGORY = _ByCategory()


def _normalize(text: str) -> str | None:
    """normality.normalize(text, latinize=True), as countrynames.util.normalize_name calls it."""
    lowered = text.strip().lower()
    if not lowered:
        return None
    if max(lowered) > _MAX_LATIN:
        # normality transliterates (ICU's Any-Latin), which leaves Latin letters as they are:
        # here anyascii (already a dependency; ICU needs a compiled extension) reads the others.
        # Differs from countrynames only for non-Latin country names, which no bundled list
        # uses (tests/test_countries.py pins a few); upper-casing makes 'µ' the Greek 'Μ'.
        lowered = "".join(anyascii(ch) if ch > _MAX_LATIN else ch for ch in lowered).lower()
    text = unicodedata.normalize("NFKD", lowered).translate(_BY_CATEGORY)
    text = _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip(" ")
    return text or None


class _Table:
    def __init__(self, data: dict[str, Any]) -> None:
        # countrynames' codes → ours; to_code takes text equal to one (upper-cased) as that code
        self.codes: dict[str, str | None] = data["codes"]
        self.names = _flat(data["names"])  # countrynames' normalised names → our code
        self.official = _flat(data["official"])  # pycountry's names by _key → code, the fallback


def _flat(groups: dict[str, list[str]]) -> dict[str, str]:
    return {key: code for code, keys in groups.items() for key in keys}


@cache
def _table() -> _Table:
    return _Table(json.loads(TABLE_PATH.read_text(encoding="utf-8")))


def _countrynames(text: str, table: _Table) -> str | None:
    """countrynames.to_code(text, fuzzy=False), its code made ours (None if not ISO 3166-1)."""
    upper = text.upper().strip()
    if upper in table.codes:
        return table.codes[upper]
    name = _normalize(upper)
    return table.names.get(name) if name else None


# Bounded: query strings reach it too, and a server runs for a long time.
@lru_cache(maxsize=8192)
def _lookup(text: str) -> str | None:
    if text in EXACT:
        return EXACT[text]
    key = _key(text)
    if not key:
        return None
    if key in OVERRIDES:
        return OVERRIDES[key]
    table = _table()
    return _countrynames(text, table) or table.official.get(key)


def country_code(text: str | None) -> str | None:
    """ISO alpha-2 code for a country name, ISO code or demonym; None when unknown."""
    if not text:
        return None
    return _lookup(text)

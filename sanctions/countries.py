"""Country names as the lists write them → ISO 3166-1 alpha-2 codes.

pycountry (the maintained ISO 3166 table) resolves official and common names; VARIANTS holds
the spellings the lists use that ISO does not ("Korea, North", "Burma", "Palestinian") and
demonyms (FBI writes "Russian").

    >>> country_code("Korea, North"), country_code("Russian Federation"), country_code("ru")
    ('KP', 'RU', 'RU')
"""

from __future__ import annotations

import re
from functools import cache

import pycountry
from anyascii import anyascii

VARIANTS: dict[str, str] = {
    "korea north": "KP", "north korea": "KP", "dprk": "KP",
    "democratic people s republic of korea": "KP", "korea south": "KR", "south korea": "KR",
    "republic of korea": "KR", "burma": "MM", "russia": "RU", "iran": "IR", "syria": "SY",
    "palestinian": "PS", "palestine": "PS", "west bank": "PS", "gaza": "PS",
    "congo democratic republic of the": "CD", "democratic republic of the congo": "CD",
    "drc": "CD", "congo republic of the": "CG", "republic of the congo": "CG",
    "north macedonia the republic of": "MK", "macedonia": "MK", "kosovo": "XK",
    "turkey": "TR", "turkiye": "TR", "taiwan": "TW", "vietnam": "VN", "laos": "LA",
    "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "czech republic": "CZ",
    "ivory coast": "CI", "cote d ivoire": "CI", "cape verde": "CV", "swaziland": "SZ",
    "united states": "US", "usa": "US", "uk": "GB", "great britain": "GB", "britain": "GB",
    "united kingdom": "GB", "the gambia": "GM", "gambia the": "GM", "bahamas the": "BS",
    "micronesia": "FM", "brunei": "BN", "east timor": "TL", "vatican": "VA",
    "sint maarten": "SX", "curacao": "CW", "hong kong": "HK", "macau": "MO", "macao": "MO",
    "region kurdistan": "IQ", "crimea": "UA", "netherlands antilles": "AN", "yugoslavia": "YU",
    "serbia and montenegro": "CS", "soviet union": "SU", "ussr": "SU",
    # demonyms (FBI "nationality", some UN entries)
    "russian": "RU", "mexican": "MX", "american": "US", "chinese": "CN", "iranian": "IR",
    "syrian": "SY", "iraqi": "IQ", "afghan": "AF", "colombian": "CO", "lebanese": "LB",
    "venezuelan": "VE", "pakistani": "PK", "north korean": "KP", "korean": "KR",
    "ukrainian": "UA", "turkish": "TR", "saudi": "SA", "somali": "SO", "yemeni": "YE",
    "egyptian": "EG", "british": "GB", "libyan": "LY", "sudanese": "SD", "indian": "IN",
    "nigerian": "NG", "jordanian": "JO", "kuwaiti": "KW", "canadian": "CA", "cuban": "CU",
    "guatemalan": "GT", "honduran": "HN", "salvadoran": "SV", "dominican": "DO",
    "nicaraguan": "NI", "belarusian": "BY", "israeli": "IL", "german": "DE", "french": "FR",
    "italian": "IT", "spanish": "ES", "filipino": "PH", "indonesian": "ID", "vietnamese": "VN",
    "ecuadorian": "EC", "peruvian": "PE", "brazilian": "BR", "argentine": "AR",
    "argentinian": "AR", "chilean": "CL", "haitian": "HT", "jamaican": "JM", "emirati": "AE",
    "qatari": "QA", "bahraini": "BH", "omani": "OM", "algerian": "DZ", "moroccan": "MA",
    "tunisian": "TN", "malian": "ML", "kenyan": "KE", "ugandan": "UG", "rwandan": "RW",
    "eritrean": "ER", "ethiopian": "ET", "south sudanese": "SS", "congolese": "CD",
    "uzbek": "UZ", "kazakh": "KZ", "tajik": "TJ", "kyrgyz": "KG", "turkmen": "TM",
    "azerbaijani": "AZ", "armenian": "AM", "georgian": "GE", "bangladeshi": "BD",
    "burmese": "MM", "thai": "TH", "cambodian": "KH", "malaysian": "MY", "japanese": "JP",
}
_STRIP = re.compile(r"[^a-z0-9]+")


def _key(text: str) -> str:
    return _STRIP.sub(" ", anyascii(text).casefold()).strip()


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if value := getattr(c, attr, None):
                index[_key(value)] = c.alpha_2
        index[c.alpha_2.lower()] = c.alpha_2
        index[c.alpha_3.lower()] = c.alpha_2
    for c in pycountry.historic_countries:  # e.g. Yugoslavia, Serbia and Montenegro
        index.setdefault(_key(c.name), getattr(c, "alpha_2", None) or c.alpha_3[:2])
    index.update(VARIANTS)
    return index


def country_code(text: str | None) -> str | None:
    """ISO alpha-2 code for a country name, ISO code or demonym; None when unknown."""
    if not text:
        return None
    key = _key(text)
    index = _index()
    if key in index:
        return index[key]
    # "Iran (Islamic Republic of)", "Korea, Democratic People's Republic of": drop the bracket
    bare = _key(re.sub(r"\(.*?\)", " ", text))
    return index.get(bare)

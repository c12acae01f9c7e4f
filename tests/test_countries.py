"""Country strings → ISO alpha-2 codes (sanctions.countries)."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import countrynames
import pycountry
import pytest
from countrynames.data import DATA
from hypothesis import assume, given
from hypothesis import strategies as st
from normality import normalize
from normality.constants import UNICODE_CATEGORIES

from sanctions import countries
from sanctions.countries import country_code

SCRIPTS = Path(__file__).parent.parent / "scripts"

Case = tuple[str | None, str | None]
Mapper = Callable[[str | None], str | None]

# Strings as they occur in a built database (nationalities, addresses, vessel flags).
LIST_STRINGS: list[Case] = [
    ("Russia", "RU"),
    ("Russian Federation", "RU"),
    ("Korea, North", "KP"),
    ("Democratic People's Republic of Korea", "KP"),
    ("Korea, South", "KR"),
    ("Iran (Islamic Republic of)", "IR"),
    ("Syrian Arab Republic", "SY"),
    ("Congo", "CG"),
    ("Congo, Republic of the", "CG"),
    ("Democratic Republic of the Congo", "CD"),
    ("Cote d Ivoire", "CI"),
    ("Bahamas, The", "BS"),
    ("The Gambia", "GM"),
    ("Niger", "NE"),
    ("Dominica", "DM"),
    ("Man, Isle of", "IM"),
    ("Virgin Islands, British", "VG"),
    ("China, Hong Kong Special Administrative Region", "HK"),
    ("Macau", "MO"),
    ("North Macedonia, The Republic of", "MK"),
    ("United Kingdom of Great Britain and Northern Ireland", "GB"),
    ("United Republic of Tanzania", "TZ"),
    ("St. Kitts & Nevis", "KN"),
    ("St. Vincent and the Grenadines", "VC"),
    ("Viet Nam", "VN"),
    ("State of Palestine", "PS"),
    ("West Bank", "PS"),
    ("Region: Gaza", "PS"),
    ("Region: West Bank", "PS"),
    ("Region: Crimea", "UA"),
    ("Region: Northern Mali", "ML"),
    ("Region: Kafia Kingi", None),  # disputed between Sudan and South Sudan
    ("Region: Commonwealth of Independent States", None),
    ("Netherlands Antilles", "AN"),
    ("Mexican", "MX"),
    ("Salvadoran", "SV"),
    ("na", None),  # UN: "not available", not Namibia
    ("undetermined", None),
    ("Unknown", None),
    ("None Identified", None),
    ("former Soviet Union", None),
]

# What people type into a query's country field.
QUERIES: list[Case] = [
    ("VE", "VE"),
    ("Venezuela", "VE"),
    ("venezuela", "VE"),
    ("Iran", "IR"),
    ("Russia", "RU"),
    ("North Korea", "KP"),
    ("DPRK", "KP"),
    ("Syria", "SY"),
    ("UK", "GB"),
    ("United Kingdom", "GB"),
    ("USA", "US"),
    ("Türkiye", "TR"),
    ("Turkey", "TR"),
    ("Côte d'Ivoire", "CI"),
    ("Burma", "MM"),
    ("Congo, Democratic Republic of the", "CD"),
    ("Palestinian", "PS"),
    ("Kosovo", "XK"),
    ("gbr", "GB"),
    ("NA", "NA"),
    (" Venezuela ", "VE"),
]

# countrynames' own codes beyond ISO 3166-1, and the overrides.
EDGES: list[Case] = [
    ("Crimea", "UA"),  # countrynames: UA-CRI
    ("Scotland", "GB"),  # countrynames: GB-SCT
    ("USSR", "SU"),  # countrynames: SUHH
    ("Yugoslavia", "YU"),  # countrynames: YUCS
    ("Serbia and Montenegro", "CS"),  # countrynames: CSXX
    ("Czechoslovakia", None),  # countrynames: CSHH, and CS means Serbia and Montenegro
    ("European Union", None),  # countrynames: EU
    ("Global", None),  # countrynames: ZZ
    ("FAIL", None),  # countrynames' marker for "not a country", returned as given
    ("Dominican", "DO"),  # countrynames: DM
    ("Ecuadorian", "EC"),
    ("Gaza", "PS"),
    ("Republic of Türkiye", "TR"),  # pycountry's official name; countrynames lacks it
]

NONSENSE: list[Case] = [("Atlantis", None), ("", None), ("123", None), ("   ", None), (None, None)]


@pytest.mark.parametrize(("text", "expected"), LIST_STRINGS + QUERIES + EDGES + NONSENSE)
def test_country_code(text: str | None, expected: str | None) -> None:
    assert country_code(text) == expected


def load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


CASES = [text for text, _ in LIST_STRINGS + QUERIES + EDGES + NONSENSE if text is not None]
# Script and letter cases normality handles apart: ß, İ (lowercases to i + U+0307), ligatures,
# modifier letters (ʼ is dropped, ' makes a space), soft hyphen, Greek final sigma, U+02E4/5
# either side of normality's "Latin" bound, Cyrillic and Han (through ICU).
ODD = ["Straße", "İran", "ﬁji", "ǅibouti", "Cote dʼIvoire", "Viet\u00adnam", "ΣΑΜΟΣ ς",
       "Iran\u02e4", "Iran\u02e5", "Россия", "中国", "  ", "\u200b", "¼", "Ǆ",
       "Aµ", "µÐ"]  # upper-cased, 'µ' is the Greek 'Μ': read as 'm' (AM), 'ð' kept (nothing)


def countrynames_strings() -> Iterator[str]:
    """Every code and name in countrynames' data, as written and upper-cased (as to_code does)."""
    for code, names in DATA.items():
        yield from (code, code.lower())
        for name in names:
            yield from (name, name.upper())


def test_table_is_current() -> None:
    script = load_script("make_country_table")
    made = script.render(script.build_table())
    assert countries.TABLE_PATH.read_text(encoding="utf-8") == made, (
        f"{countries.TABLE_PATH} is not what the installed countrynames, pycountry and normality"
        " make: run scripts/make_country_table.py and read the diff"
    )


def latin(text: str) -> bool:
    """Text the copy of normality handles itself (the rest goes through anyascii first)."""
    lowered = text.strip().lower()
    return not lowered or max(lowered) <= countries._MAX_LATIN


def test_normalize_is_normalitys() -> None:
    """The copy of normality.normalize(latinize=True) in sanctions.countries is exact on Latin
    text."""
    assert {cat for cat, to in UNICODE_CATEGORIES.items() if to} == countries._SPACED
    assert {cat for cat, to in UNICODE_CATEGORIES.items() if not to} == countries._DROPPED
    texts = [t for t in (*countrynames_strings(), *CASES, *ODD) if latin(t)]
    assert [countries._normalize(t) for t in texts] == [normalize(t, latinize=True) for t in texts]


@given(st.text(max_size=40))
def test_normalize_is_normalitys_on_any_text(text: str) -> None:
    assume(latin(text))
    assert countries._normalize(text) == normalize(text, latinize=True)


@pytest.mark.parametrize(("text", "expected"), [
    ("Россия", "RU"), ("Украина", "UA"), ("Iran\u02e5", None), ("中国", None)])
def test_other_scripts_are_read_through_anyascii(text: str, expected: str | None) -> None:
    assert country_code(text) == expected


@pytest.fixture(scope="module")
def reference() -> Iterator[Mapper]:
    """sanctions.countries as it was before the table: countrynames.to_code at run time."""
    script = load_script("make_country_table")
    iso = script.iso_codes()  # and script.alpha2: the rules for codes beyond ISO 3166-1
    official = {countries._key(value): c.alpha_2 for c in pycountry.countries
                for attr in ("name", "official_name", "common_name")
                if (value := getattr(c, attr, None))}
    countrynames.to_code("")
    names = countrynames.COUNTRY_NAMES

    class QuickValues(dict[str, str]):
        # to_code asks `text in COUNTRY_NAMES.values()`, a scan of 23,000 codes (0.4 ms) a
        # call: the same answer from a set, or this test takes most of a minute.
        def values(self) -> frozenset[str]:  # type: ignore[override]
            return codes

    codes = frozenset(names.values())
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(countrynames, "COUNTRY_NAMES", QuickValues(names))
        countrynames.to_code.cache_clear()

        def mapper(text: str | None) -> str | None:
            if not text:
                return None
            if text in countries.EXACT:
                return countries.EXACT[text]
            key = countries._key(text)
            if not key:
                return None
            if key in countries.OVERRIDES:
                return countries.OVERRIDES[key]
            code = countrynames.to_code(text, fuzzy=False)
            return (script.alpha2(code, iso) if code else None) or official.get(key)

        yield mapper
    countrynames.to_code.cache_clear()


def test_same_answers_as_countrynames(reference: Mapper) -> None:
    texts = sorted(t for t in {*countrynames_strings(), *CASES, *ODD} if latin(t))
    differ = [(t, reference(t), country_code(t)) for t in texts if reference(t) != country_code(t)]
    assert differ == []


def test_latin_names_with_combining_marks_read_as_countrynames_reads_them(reference: Mapper
                                                                         ) -> None:
    """A combining mark is past normality's Latin range, so the name is transliterated, which
    leaves its Latin letters as they are (anyascii for the others here, ICU there)."""
    names = ["BƐNƎ́N", "Quần đảo Cocos (Keeling)", "ĐẢO MAN", "Pwetorɨ́ɨko"]
    assert [country_code(n) for n in names] == [reference(n) for n in names] == [
        "BJ", "CC", "IM", "PR"]


@given(st.text(max_size=40))
def test_same_answers_as_countrynames_on_any_text(reference: Mapper, text: str) -> None:
    assume(latin(text))
    assert country_code(text) == reference(text)


def test_measure_script_reads_every_column(tmp_path: Path) -> None:
    script = load_script("measure_countries")
    db = tmp_path / "t.db"
    conn = sqlite3.connect(db)
    conn.executescript("""
        CREATE TABLE entities (id TEXT, countries TEXT);
        CREATE TABLE nationalities (entity_id TEXT, country TEXT);
        CREATE TABLE addresses (entity_id TEXT, country TEXT);
        CREATE TABLE vessels (entity_id TEXT, flag TEXT);
        INSERT INTO nationalities VALUES ('a', 'Russia');
        INSERT INTO addresses VALUES ('a', 'Region: Crimea'), ('b', NULL);
        INSERT INTO vessels VALUES ('c', 'Panama');
    """)
    conn.execute("INSERT INTO entities VALUES ('a', ?)", (json.dumps(["Russia", "Atlantis"]),))
    conn.commit()
    conn.close()
    assert script.country_strings(db) == {
        "Russia": 2, "Region: Crimea": 1, "Panama": 1, "Atlantis": 1,
    }

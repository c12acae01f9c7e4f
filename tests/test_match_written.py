"""Variants the matcher read wrong because of how words are folded or glued (issue 11): a
legal form dotted or glued to the name, the Arabic article written 'el', Arabic names in
their English forms, and a word cut short of how it was written rather than of its fold.
Real rows of the bundled OFAC list; the queries are written here."""

from __future__ import annotations

import pytest

from sanctions.matching import Query, match
from sanctions.matching.spelled import cut_short
from sanctions.matching.words import segment
from sanctions.normalize import name_tokens
from tests.small_index import best_of, index_of

IDX = index_of([
    ("ofac_sdn:20205", "organization", "CLAMASAN S.A.S."),
    ("ofac_sdn:28645", "organization", "SPI INTERNATIONAL PTY LTD"),
    ("ofac_sdn:45729", "organization", "KOBOLT TRADING FZ LLC"),
    ("ofac_sdn:45554", "organization", "LUMBER MARINE SA"),
    ("ofac_sdn:56391", "vessel", "AL SIDDEEQ"),
    ("ofac_sdn:6950", "person", "UTHMAN, Omar Mahmoud"),
    ("ofac_sdn:10584", "person", "SALAMI, Hossein"),
    ("ofac_sdn:7207", "person", "ES SAYED, Abdelkader Mahmoud"),
    ("ofac_sdn:40963", "organization", "AL KASHAF PETROLEUM AND PETROCHEMICAL TRADING L.L.C"),
    # names the rules must not reach
    ("ofac_sdn:12257", "person", "TAEB, Hossein"),
    ("ofac_sdn:1", "organization", "MARI NESA"),
])


@pytest.mark.parametrize(("name", "tokens"), [
    ("CLAMASANS.A.S.", ["clamasan", "sas"]),  # the form's first letter glued to the name
    ("CLAMASAN S.A.S.", ["clamasan", "sas"]),
    ("FOOS.A. DE C.V.", ["foo", "sa", "cv"]),
    ("KOBOLT TRADING FZ L.L.C.", ["kobolt", "trading", "llc"]),  # a short word dotted
    ("SPI INTERNATIONAL PTY", ["spi", "international", "ltd"]),  # 'Pty' for 'Pty Ltd'
    ("J.R.R. Tolkien", ["j", "r", "r", "tolkien"]),  # initials stay initials
    ("www.example.com", ["www", "example", "com"]),
    ("EL SIDDEEQ", ["al", "siddeeq"]),
    ("EL M", ["el", "m"]),  # a Spanish nickname's article before an initial stays 'el'
    ("Ahmed El", ["ahmad", "el"]),
    ("Othman Omar", ["uthman", "umar"]),
    # a one-word form read from a word one letter off only: another word is no typo
    ("CORPORATIVO FEARFI", ["corporativo", "fearfi"]),
    ("Z COOPERATION", ["z", "cooperation"]),
    ("X CORPORATON", ["x", "corp"]),
    ("OBSHESTVO S OGRANICHENNOY OTVETSTVENNOSTYU", ["llc"]),  # a form of words: as before
])
def test_tokens(name: str, tokens: list[str]) -> None:
    assert name_tokens(name) == tokens


def test_a_glued_legal_form_ends_a_whole_name_written_as_one() -> None:
    vocab = {"lumber", "marine", "mari", "nesa", "sa"}
    assert segment("lumbermarinesa", vocab) == ["lumber", "marine", "sa"]
    assert segment("marinesa", vocab) == ["mari", "nesa"]  # one word and a form: not so


@pytest.mark.parametrize(("a", "b", "shortest", "cut"), [
    ("pyotr", "petroleum", 3, True),  # 'petr' as written, folded 'pyotr'
    ("husayn", "husaynov", 4, True),  # and the words as they are
    ("hoss", "husayn", 4, True),  # listed 'hossein', folded 'husayn'
    ("abdul", "abdelkader", 4, True),  # 'abdel' as written
    ("abdul", "abdul", 4, False),  # two letters short at least
    ("rahman", "rahmanov", 4, False),  # neither folded: `features._abbreviations` decides
    ("hoss", "hasan", 4, False),
])
def test_cut_short_of_a_spelling(a: str, b: str, shortest: int, cut: bool) -> None:
    assert cut_short(a, b, shortest) is cut


@pytest.mark.parametrize(("query", "expected"), [
    ("CLAMASANS.A.S.", "ofac_sdn:20205"),
    ("SPI INTERNATIONAL PTY", "ofac_sdn:28645"),
    ("KOBOLT TRADING FZ L.L.C.", "ofac_sdn:45729"),
    ("LUMBERMARINESA", "ofac_sdn:45554"),
    ("M/V EL SIDDEEQ", "ofac_sdn:56391"),
    ("Umar Mahmoud Othman", "ofac_sdn:6950"),
    ("Hoss Salami", "ofac_sdn:10584"),  # cut short of 'Hossein', the surname exact
    ("Abdel Mahmoud Es Sayed", "ofac_sdn:7207"),
    ("AL KASHAF PETR AND PETROCHEMICAL TRADING LLC", "ofac_sdn:40963"),
])
def test_found(query: str, expected: str) -> None:
    entity, score, _ = best_of(IDX, query)
    assert entity == expected
    assert score >= 0.8


def test_a_cut_word_needs_the_rest_of_the_name() -> None:
    """'Hoss' alone, or beside another surname, pairs with no 'Hossein' (the rest of the name
    must agree: `features._abbreviations`)."""
    assert all(m.score < 0.8 for m in match(IDX, Query("Hoss Karimi"), limit=5))
    entity, score, ex = best_of(IDX, "Hoss Taeb")
    assert entity == "ofac_sdn:12257" and "hoss=husayn" in str(ex["name"]["detail"])

"""Queries in scripts the lists do not write a name in: an abjad read by its consonants
(`sanctions.matching.consonants`), Chinese characters of a foreign name, Greek letter pairs."""

from __future__ import annotations

import importlib
import re

import pytest

from sanctions.matching import DEFAULT_CONFIG, Index, Query, match
from sanctions.matching.consonants import abjad_words, consonant_key
from sanctions.normalize import name_tokens
from tests.small_index import index_of


def scripts_index() -> Index:
    """Real rows of the bundled lists: the people and groups the press writes in other
    scripts, and listed names that share their consonants."""
    rows = [
        ("ofac_sdn:4695", "organization", "HAMAS"),
        ("ofac_sdn:4697", "organization", "HIZBALLAH"),
        ("ofac_sdn:44970", "organization", "JOINT STOCK COMPANY HMS GROUP"),
        ("ofac_sdn:26945", "person", "KHAMENEI, Ali Husseini"),
        ("uk_sanctions:GIM0013", "person", "SALIH Hemin Ali"),
        ("ofac_sdn:21765", "person", "HAMANI, Hamma"),
        ("ofac_sdn:10481", "person", "SOLEIMANI, Qasem"),
        ("ofac_sdn:23343", "person", "KADYROV, Ramzan Akhmatovich"),
        ("ofac_sdn:9760", "person", "LUKASHENKA, Alyaksandr Ryhorovich"),
        ("ofac_sdn:20441", "person", "KHATTAB, Omar"),
        ("uk_sanctions:BIH0004", "organization", "Mania d.o.o."),
    ]
    return index_of(rows)


IDX = scripts_index()


@pytest.mark.parametrize(("query", "expected", "score"), [
    ("علي خامنئي", "ofac_sdn:26945", 0.8426),  # Arabic
    ("علی خامنه‌ای", "ofac_sdn:26945", 0.8426),  # Persian, a final he before the suffix
    ("עלי חמינאי", "ofac_sdn:26945", 0.8426),  # Hebrew
    ("قاسم سليماني", "ofac_sdn:10481", 0.9),
    ("رمضان قديروف", "ofac_sdn:23343", 0.8481),
    ("حزب الله", "ofac_sdn:4697", 0.9),  # two words the list writes as one
    ("חיזבאללה", "ofac_sdn:4697", 0.9),
    ("حماس", "ofac_sdn:4695", 0.9),  # before HMS GROUP, whose 'hms' is spelt as read
])
def test_an_abjad_query_is_read_by_its_consonants(query: str, expected: str,
                                                  score: float) -> None:
    m = match(IDX, Query(query), limit=1)[0]
    assert (m.entity.id, m.score) == (expected, score)
    assert "read by its consonants as" in m.explanation["reading"]["detail"]
    assert "read by its consonants as" in m.explanation["name"]["detail"]


@pytest.mark.parametrize(("query", "listed"), [
    ("עומר חטיב", "ofac_sdn:20441"),  # Omer Khatib: KHATTAB has no long 'i' after the t
    ("חמאס קבוצה", "ofac_sdn:4695"),  # a word more than HAMAS
])
def test_consonants_alone_do_not_alarm(query: str, listed: str) -> None:
    got = {m.entity.id: m.score for m in match(IDX, Query(query), limit=5)}
    assert got.get(listed, 0.0) < DEFAULT_CONFIG.threshold, got


def test_the_vowels_an_abjad_writes_decide_between_readings() -> None:
    """'خامنئي' ends in a long vowel and has none after the m: KHAMENEI, not HEMIN."""
    ranked = [(m.entity.id, m.score) for m in match(IDX, Query("علي خامنئي"), limit=2)]
    assert ranked == [("ofac_sdn:26945", 0.8426), ("uk_sanctions:GIM0013", 0.6674)]


def test_consonant_keys() -> None:
    assert [consonant_key(w) for w in ("khamenei", "kadyrov", "hizballah", "wali", "ali")] == [
        "hmn", "kdrb", "hdblh", "wl", "l"]
    [ali, khamenei] = abjad_words("علي خامنئي")
    assert (ali.key, ali.first_vowel, ali.last_vowel) == ("l", True, True)
    assert (khamenei.key, khamenei.first_vowel, khamenei.last_vowel) == ("hmn", False, True)


def test_a_latin_query_is_not_read_by_its_consonants() -> None:
    m = match(IDX, Query("Hamas"), limit=1)[0]
    assert (m.entity.id, m.score, "reading" in m.explanation) == ("ofac_sdn:4695", 1.0, False)


def test_chinese_characters_of_a_foreign_name_are_read_as_one_word() -> None:
    m = match(IDX, Query("卢卡申科"), limit=1)[0]
    assert m.entity.id == "ofac_sdn:9760"
    # its characters are all transliteration characters (`hanzi`): also read by its
    # consonants, as the list spells it (0.80; joined alone, 'lukashenke', 0.7352)
    assert m.explanation["name"]["detail"].startswith("lukashenka=lukashenka 1.00")
    assert m.score == 0.8


def test_greek_letter_pairs_read_as_one_sound() -> None:
    assert name_tokens("Αλεξάντερ Λουκασένκο") == ["aleksandr", "lukasenko"]
    assert name_tokens("Ντόναλντ Μπους") == ["donald", "bus"]
    assert match(IDX, Query("Αλεξάντερ Λουκασένκο"), limit=1)[0].entity.id == "ofac_sdn:9760"


def test_doo_is_a_legal_form() -> None:
    assert name_tokens("Mania d.o.o.") == name_tokens("mania doo") == ["mania", "llc"]
    m = match(IDX, Query("mania doo", type="organization"), limit=1)[0]
    assert (m.entity.id, m.score) == ("uk_sanctions:BIH0004", 1.0)


@pytest.mark.parametrize("module, name", [
    ("sanctions.matching.query", "_HANZI"), ("sanctions.matching.query", "_FOREIGN_HANZI"),
    ("sanctions.matching.hanzi", "_HAN"), ("sanctions.matching.hangul", "_WORD"),
])
def test_a_script_pattern_answers_as_its_compiled_pattern(module: str, name: str) -> None:
    """`script_pattern` answers an ASCII text without compiling: right only when no match of
    the pattern holds an ASCII character, which these texts would show; any other text gets
    the compiled pattern's own answers."""
    lazy = getattr(importlib.import_module(module), name)
    compiled = re.compile(lazy.pattern)
    ascii_text = "".join(map(chr, range(128)))
    assert compiled.search(ascii_text * 3) is None and compiled.search("") is None
    for text in ("Xi Jinping", ascii_text, "习近平", "谢尔盖·绍伊古 and 卡德罗夫", "람잔 카디로프",
                 "김정은", "Nicolás 马琳", ""):
        assert [m.span() for m in lazy.finditer(text)] == [
            m.span() for m in compiled.finditer(text)]
        for method in ("search", "match", "fullmatch"):
            got, want = getattr(lazy, method)(text), getattr(compiled, method)(text)
            assert (got and got.span()) == (want and want.span())
        assert lazy.findall(text) == compiled.findall(text)

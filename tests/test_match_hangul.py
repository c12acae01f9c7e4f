"""Foreign names in Hangul (`sanctions.matching.hangul`): the Korean press writes a foreign
name by its sounds, one word a name, which the lists romanise otherwise ('람잔 카디로프' for
KADYROV, Ramzan); Korean names stay read syllable by syllable."""

from __future__ import annotations

import pytest

from sanctions.matching import DEFAULT_CONFIG, Index, Query, match
from sanctions.matching.consonants import consonant_key
from sanctions.matching.hangul import hangul_keys, has_hangul_word, loanword
from tests.small_index import index_of


def hangul_index() -> Index:
    """Real rows of the bundled lists: people and groups the Korean press names, a DPRK
    name listed syllable by syllable, and listed names that share their consonants."""
    rows = [
        ("ofac_sdn:4695", "organization", "HAMAS"),
        ("ofac_sdn:44970", "organization", "JOINT STOCK COMPANY HMS GROUP"),
        ("ofac_sdn:10481", "person", "SOLEIMANI, Qasem"),
        ("ofac_sdn:23343", "person", "KADYROV, Ramzan Akhmatovich"),
        ("ofac_sdn:35176", "person", "GERASIMOV, Valery"),
        ("ofac_sdn:23627", "person", "HANIYEH, Ismail"),
        ("ofac_sdn:20157", "person", "KIM, Jong Un"),
        ("ofac_sdn:21444", "person", "KIM, Yo Jong"),
        ("ofac_sdn:9760", "person", "LUKASHENKA, Alyaksandr Ryhorovich"),
    ]
    return index_of(rows)


IDX = hangul_index()


def test_loanword_reading() -> None:
    assert [loanword(w) for w in ("알렉산드르", "루카셴코", "세르게이", "쇼이구", "헤즈볼라")] == [
        "aleksandr", "lukashenko", "sergei", "shoigu", "hezbola"]


def test_hangul_keys_cover_the_letters_korean_writes_alike() -> None:
    """ㄹ is l or r, ㅈ j or z: the listed spelling's consonant key is among the word's."""
    for word, listed in (("람잔", "ramzan"), ("자하로바", "zakharova"), ("예브게니", "yevgeniy"),
                         ("뱌체슬라프", "vyacheslav"), ("발레리", "valery")):
        assert consonant_key(listed) in hangul_keys(word), (word, listed)
    assert hangul_keys("람잔") == ["rmjn", "rmdn", "lmjn", "lmdn"]


@pytest.mark.parametrize(("query", "expected", "score"), [
    ("카셈 솔레이마니", "ofac_sdn:10481", 0.97),  # kasem: a spelling of Qasim, as QASEM is
    ("발레리 게라시모프", "ofac_sdn:35176", 0.95),
    ("하마스", "ofac_sdn:4695", 0.97),  # its syllables joined, before HMS GROUP
])
def test_a_foreign_name_in_hangul_is_read_by_its_consonants(query: str, expected: str,
                                                            score: float) -> None:
    m = match(IDX, Query(query), limit=1)[0]
    assert (m.entity.id, m.score) == (expected, score)
    assert "read by its consonants as" in m.explanation["reading"]["detail"]


def test_a_longer_listed_name_comes_first() -> None:
    assert match(IDX, Query("람잔 카디로프"), limit=1)[0].entity.id == "ofac_sdn:23343"
    assert match(IDX, Query("알렉산드르 루카셴코"), limit=1)[0].entity.id == "ofac_sdn:9760"


def test_a_korean_name_is_still_read_by_syllables() -> None:
    m = match(IDX, Query("김정은"), limit=1)[0]
    assert (m.entity.id, m.score) == ("ofac_sdn:20157", 1.0)


def test_vowels_hangul_writes_keep_other_names_apart() -> None:
    """'하메스' (Hames) shares HAMAS's consonants, not its vowels: no alarm."""
    got = {m.entity.id: m.score for m in match(IDX, Query("하미스 그룹"), limit=5)}
    assert all(s < DEFAULT_CONFIG.threshold for s in got.values()), got


def test_a_korean_name_alone_is_not_read_as_a_foreign_one() -> None:
    """Three syllables starting with a Korean surname: a customer's name ('이숙자', '정예진'),
    unless a syllable writes a bare consonant as foreign names do ('하마스', HAMAS)."""
    assert [has_hangul_word(q) for q in ("이숙자", "정예진", "김정은", "하마스", "푸틴",
                                         "이스마일 하니예", "Putin")] == [
        False, False, False, True, True, True, False]

"""Foreign names in katakana (`sanctions.matching.kana`): the Japanese press writes a foreign
name by its sounds, a vowel after every bare consonant and one letter for l and r
('ラムザン・カディロフ' for KADYROV, Ramzan); Chinese transliteration characters
(`sanctions.matching.hanzi`: '卡德罗夫'); and Hebrew, whose article is not the Arabic
'al-' a first l may be."""

from __future__ import annotations

import pytest

from sanctions.matching import Index, Query, match
from sanctions.matching.consonants import consonant_key
from sanctions.matching.hanzi import hanzi_keys, hanzi_word, has_foreign_hanzi
from sanctions.matching.kana import has_katakana, kana_joined, kana_keys, kana_word
from tests.small_index import index_of


def kana_index() -> Index:
    """Real rows of the bundled lists: people and groups the press names, and listed names
    that share their consonants or a word with them."""
    rows = [
        ("ofac_sdn:4695", "organization", "HAMAS"),
        ("ofac_sdn:23628", "organization", "HASM"),
        ("ofac_sdn:10481", "person", "SOLEIMANI, Qasem"),
        ("ofac_sdn:23343", "person", "KADYROV, Ramzan Akhmatovich"),
        ("ofac_sdn:30411", "organization", "RAMAN COMPANY"),
        ("ofac_sdn:21171", "person", "PRIGOZHIN, Yevgeniy Viktorovich"),
        ("ofac_sdn:38241", "person", "POTANIN, Vladimir Olegovich"),
        ("ofac_sdn:38244", "person", "POTANIN, Ivan Vladimirovich"),
        ("ofac_sdn:9760", "person", "LUKASHENKA, Alyaksandr Ryhorovich"),
        ("ofac_sdn:45310", "person", "SAMSONENKO, Irina"),
        ("uk_sanctions:RUS1867", "person", "KOZLOV Alexei"),
        ("ofac_sdn:26950", "person", "ZARIF, Mohammad Javad"),
        ("ofac_sdn:24322", "person", "ZHAROV, Alexander Alexandrovich"),
    ]
    return index_of(rows, [(8, "LUKASHENKO, Aleksandr Grigorevich"), (9, "KOSENKO, Irina")])


IDX = kana_index()


def test_kana_reading_drops_the_vowels_japanese_adds() -> None:
    assert [kana_word(w) for w in ("アレクサンドル", "ルカシェンコ", "ショイグ", "カディロフ",
                                   "プーチン", "ムハンマド", "マドゥロ")] == [
        "areksandr", "rukashenko", "shoig", "kadirof", "puchin", "muhanmad", "maduro"]
    assert kana_joined("エフゲニー・プリゴジン") == ["efgeni", "purigojin"]


def test_katakana_beside_other_characters_is_one_word_of_the_name() -> None:
    """'合同会社鈴木ガス' (Suzuki Gas LLC, a Faker customer): the katakana 'ガス' is read, the
    characters before it stay, so the name is no listed '... GAS LLC'."""
    assert kana_joined("合同会社鈴木ガス LLC") == [
        "he", "tong", "hui", "she", "ling", "mu", "gas", "llc"]


def test_kana_keys_cover_the_letters_japanese_writes_alike() -> None:
    """r is l or r, chi ti, ji zhi, a first u a v: the listed spelling's key is among the
    word's."""
    for word, listed in (("ラムザン", "ramzan"), ("ルカシェンコ", "lukashenko"),
                         ("プーチン", "putin"), ("プリゴジン", "prigozhin"),
                         ("ウラジーミル", "vladimir"), ("エフゲニー", "evgeny")):
        assert consonant_key(listed) in kana_keys(word), (word, listed)
    assert kana_keys("ラムザン") == ["rmdn", "lmdn"]


def test_only_katakana_is_read_so() -> None:
    assert [has_katakana(t) for t in ("ハマス", "田中ガス株式会社", "山田太郎", "Hamas",
                                      "하마스")] == [True, True, False, False, False]


@pytest.mark.parametrize(("query", "expected", "score"), [
    ("ラムザン・カディロフ", "ofac_sdn:23343", 0.8952),  # the patronymic left out; KADIROV (f as v)
    ("エフゲニー・プリゴジン", "ofac_sdn:21171", 0.8952),
    ("カセム・ソレイマニ", "ofac_sdn:10481", 0.97),  # kasem: a spelling of Qasim, as QASEM is
    ("ウラジーミル・ポターニン", "ofac_sdn:38241", 0.8881),  # before POTANIN, Ivan
])
def test_a_foreign_name_in_katakana_is_read_by_its_consonants(query: str, expected: str,
                                                              score: float) -> None:
    m = match(IDX, Query(query), limit=1)[0]
    assert (m.entity.id, m.score) == (expected, score)
    assert "read by its consonants as" in m.explanation["reading"]["detail"]


def test_a_katakana_word_read_as_one_foreign_word() -> None:
    """'ハマス' HA MA SU, the added vowel dropped: HAMAS itself (anyascii reads 'hamasu')."""
    top = match(IDX, Query("ハマス"), limit=2)
    assert [(m.entity.id, m.score) for m in top] == [("ofac_sdn:4695", 0.97)]
    assert "also read as a foreign name in katakana: 'hamas'" in top[0].explanation[
        "reading"]["detail"]


def test_hebrew_first_lamed_is_no_article() -> None:
    """'לוקשנקו' is LUKASHENKO: its first l is a letter of the name, not the Arabic article,
    so it is not read as KOSENKO."""
    top = match(IDX, Query("לוקשנקו"), limit=1)[0]
    assert top.entity.id == "ofac_sdn:9760"
    assert "'kosenko'" not in top.explanation["reading"]["detail"]


def test_chinese_transliteration_keys_cover_the_listed_spelling() -> None:
    for word, listed in (("卡德罗夫", "kadyrov"), ("苏莱曼尼", "soleimani"),
                         ("普里戈任", "prigozhin"), ("德里帕斯卡", "deripaska"),
                         ("扎里夫", "zarif"), ("卢卡申科", "lukashenko")):
        assert consonant_key(listed) in hanzi_keys(word), (word, listed)
    assert [hanzi_word(w) for w in ("卡德罗夫", "德里帕斯卡")] == ["kadlof", "delipaska"]


def test_only_transliteration_characters_are_read_so() -> None:
    """A Chinese name holds characters no transliteration uses."""
    assert [has_foreign_hanzi(t) for t in ("扎里夫", "谢尔盖·绍伊古", "张建平", "李桂花", "Zarif",
                                           "ザリフ")] == [True, True, False, False, False, False]


@pytest.mark.parametrize(("query", "expected", "other"), [
    ("卡德罗夫", "ofac_sdn:23343", "uk_sanctions:RUS1867"),  # KADYROV, not KOZLOV: both 'kdlb'
    ("扎里夫", "ofac_sdn:26950", "ofac_sdn:24322"),  # ZARIF, not ZHAROV
])
def test_a_chinese_transliteration_is_read_as_the_likest_listed_name(query: str, expected: str,
                                                                     other: str) -> None:
    ranked = [m.entity.id for m in match(IDX, Query(query), limit=5)]
    assert ranked[0] == expected and other in ranked[1:]

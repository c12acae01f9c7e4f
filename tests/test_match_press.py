"""Names as the Hebrew and Chinese press write them: Hebrew's geresh letters and doubled vav
(`consonants.abjad_words`), the spellings of a common consonant key an abjad word's vowels
agree with (`consonants._agreeing`), and a Chinese transliteration's other Latin spellings
(`hanzi.hanzi_spellings`); and the two OFAC records of one person a reviewer linked."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sanctions.matching import Index, Query, match
from sanctions.matching.consonants import (
    _MAX_SPELLINGS,
    _agreeing,
    abjad_words,
    alike,
    consonant_key,
)
from sanctions.matching.hanzi import hanzi_spellings, hanzi_word
from tests.small_index import index_of

# The listed words of the bundled lists whose consonant key is 'sk' (built 2026-12-01), in the
# index's order: shorter first, so SHOIGU comes 90th of 98.
SK_WORDS = [
    "sc", "sg", "sk", "asc", "asg", "cec", "esg", "osk", "sec", "sek", "shq", "sig", "sik",
    "sky", "sok", "ssc", "ssk", "suk", "tsc", "tsk", "usc", "asic", "asig", "aska", "cioc",
    "isak", "saco", "saga", "sage", "saic", "sake", "sako", "saoc", "segi", "seka", "shig",
    "shok", "sigi", "skai", "sogo", "suek", "suge", "tsik", "xaki", "ashiq", "ceiec",
    "checo", "cheko", "chica", "chico", "cicko", "ciego", "esage", "eshaq", "iasco",
    "iciic", "icioc", "isaac", "isaaq", "ishak", "ishaq", "itsec", "saiqi", "sauag",
    "sheik", "sheka", "shiek", "shock", "shoga", "soyko", "thaek", "tsska", "ushko",
    "usuga", "ashqui", "chagai", "chaika", "chaiko", "chayka", "chegha", "cheika", "choigu",
    "chouka", "chwiki", "shawki", "shawqi", "shayku", "sheiky", "shekau", "shigeo",
    "shoigu", "shoygu", "tsegai", "sayeigh", "sequoia", "shawagh", "shweiki", "shuwayki",
]


def press_index() -> Index:
    """Real rows of the bundled lists: the people the press names, and listed names that
    share their consonants."""
    rows = [
        ("ofac_sdn:26950", "person", "ZARIF, Mohammad Javad"),
        ("ofac_sdn:12888", "person", "AL-LIBI, Abu Yahya"),
        ("ofac_sdn:21171", "person", "PRIGOZHIN, Yevgeniy Viktorovich"),
        ("ofac_sdn:32007", "vessel", "BULGARIAN SUMMER"),
        ("ofac_sdn:48879", "person", "VOLOGDIN, Boris Yakovlevich"),
        ("ofac_sdn:10355", "person", "PEREGRINA TOBOADA, Jose Antonio"),
        ("ofac_sdn:4695", "organization", "HAMAS"),
        ("un_sc:2813148", "person", "HILARION DEL ROSARIO SANTOS"),
    ]
    return index_of(rows, [(1, "QAYED, Muhammad Hassan"), (7, "Abu Hamsa")])


IDX = press_index()


def test_hebrew_geresh_letters_and_a_doubled_vav_are_their_sounds() -> None:
    """ג' is j, ז' zh, צ' ch; a vav doubled inside a word is a v (and a 'w', which a list
    may leave out: JAWAD)."""
    javad = abjad_words("ג'וואד")[0]
    assert (javad.key, javad.alts) == (consonant_key("javad"), (consonant_key("jawad"),))
    assert abjad_words("ז'וקוב")[0].key == consonant_key("zhukov")
    assert abjad_words("צ'רנוב")[0].key == consonant_key("chernov")
    assert abjad_words("דוויד")[0].key == consonant_key("david")
    assert abjad_words("גולן")[0].key == consonant_key("golan")  # no geresh: a g


def test_a_hebrew_name_with_geresh_finds_the_listed_person() -> None:
    top = match(IDX, Query("מוחמד ג'וואד זריף"), limit=1)[0]
    assert top.entity.id == "ofac_sdn:26950" and top.score >= 0.85


def test_a_common_key_offers_the_spellings_the_vowels_agree_with_first() -> None:
    """'שויגו' (Shoigu) is 'sk', which 98 listed words share; only so many are looked at, and
    the ones a vav after the first letter and a final vav agree with come first."""
    shoigu = abjad_words("שויגו")[0]
    assert shoigu.key == "sk" and len(SK_WORDS) > _MAX_SPELLINGS
    assert "shoigu" not in SK_WORDS[:_MAX_SPELLINGS]
    looked = _agreeing(shoigu, SK_WORDS)
    assert len(looked) == _MAX_SPELLINGS and "shoigu" in looked and "shoygu" in looked
    agree = [alike(shoigu, s) for s in looked]  # those first, then the key's order
    assert agree == sorted(agree, reverse=True) and not alike(shoigu, "saga")
    latin = abjad_words("Shoigu")[0]  # nothing written to agree with: the key's order
    assert list(_agreeing(latin, SK_WORDS)) == SK_WORDS[:_MAX_SPELLINGS]


def test_chinese_transliteration_spellings() -> None:
    """普里戈任 (PU LI GE REN) is PRIGOZHIN: 普 may be a bare p, 任 a 'zhen'."""
    assert hanzi_word("普里戈任") == "puligren"
    assert {"prigzhen", "purigzhen"} <= set(hanzi_spellings("普里戈任"))
    assert "zharif" in hanzi_spellings("扎里夫")


def test_a_chinese_transliteration_reads_as_the_likest_of_its_spellings() -> None:
    ranked = [m.entity.id for m in match(IDX, Query("普里戈任"), limit=3)]
    assert ranked[0] == "ofac_sdn:21171"


def test_two_ofac_records_of_one_person_are_one_cluster(full_db: Path) -> None:
    """HANIYA (consolidated list) and HANIYEH (SDN list): one person by a reviewer's judgement
    (sanctions/data/link_judgements.csv), which the evidence alone does not reach."""
    conn = sqlite3.connect(full_db)
    try:
        got = dict(conn.execute("SELECT entity_id, cluster_id FROM clusters WHERE entity_id IN"
                                " ('ofac_cons:9639', 'ofac_sdn:23627')").fetchall())
    finally:
        conn.close()
    assert len(got) == 2 and got["ofac_cons:9639"] == got["ofac_sdn:23627"]


def test_a_chinese_transliteration_read_as_written_is_a_reading() -> None:
    """哈马斯 reads 'hamas', as HAMAS is listed: that is a reading though no word of the query
    is spelled so (its tokens are 'ha ma si'), and it comes before 'hamsa' (Abu Hamsa)."""
    top = match(IDX, Query("哈马斯"), limit=2)
    assert [m.entity.id for m in top] == ["ofac_sdn:4695", "un_sc:2813148"]
    assert "'hamas'" in top[0].explanation["reading"]["detail"]

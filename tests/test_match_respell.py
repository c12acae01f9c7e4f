"""Query words no list spells so, read as a list would write them (real OFAC rows): other
romanisation systems (German, Polish, Czech; long vowels), a legal form glued whole to the
name, split words that hold a legal form, katakana letters written alike for two sounds."""

from __future__ import annotations

import pytest

from sanctions.matching import Index, Query, match, prepare
from sanctions.matching.config import DEFAULT_CONFIG
from sanctions.matching.tokens import token_equivalence
from tests.small_index import index_of


def respell_index() -> Index:
    rows = [
        ("ofac_sdn:39181", "organization", "MULTICLET CORPORATION"),
        ("ofac_sdn:30393", "organization", "SELKBAF CO"),
        ("ofac_sdn:37503", "organization", "PUBLIC JOINT STOCK COMPANY SEVERSTAL"),
        ("ofac_sdn:47235", "organization", "MARITIME JOINT STOCK BANK JOINT STOCK COMPANY"),
        ("ofac_sdn:36833", "person", "MAMSUROV, Taimuraz Dzhambekovich"),
        ("ofac_sdn:35026", "person", "YERSHOV, Sergey Aleksandrovich"),
        ("ofac_sdn:30087", "person", "TOUMEH BIN MOHAMMED, Nabil"),
        ("ofac_sdn:24283", "person", "DERIPASKA, Oleg Vladimirovich"),
        ("ofac_sdn:35233", "person", "LAVROV, Sergey"),
        ("ofac_sdn:4697", "organization", "HIZBALLAH"),
        ("ofac_sdn:17163", "person", "TSAREV, Oleg"),
        # listed words 'joint', 'stock' and 'bank', which a glued query word may be cut into
        ("ofac_sdn:23003", "organization", "JINSONG JOINT BANK"),
        ("ofac_sdn:25643", "organization", "EDBI STOCK BROKERAGE"),
        ("uk_sanctions:RUS2400", "person", "TROTSENKO Roman Viktorovich"),
        ("uk_sanctions:RUS0260", "person", "ZHUK Andrey"),
        ("ofac_sdn:4688", "organization", "ABU SAYYAF GROUP"),
    ]
    return index_of(rows)


IDX = respell_index()


@pytest.mark.parametrize(("query", "tokens"), [
    ("MULTICLETCORPORATION", ["multiclet", "corp"]),  # not 'corp' + 'oration'
    ("SELKBAFCO", ["selkbaf", "co"]),
    ("Taimuraz Dschambekowitsch Mamsurow", ["taimuraz", "dzhambekovich", "mamsurov"]),
    ("Sergey Aleksandrovič Jeršov", ["sergei", "aleksandrovich", "yershov"]),
    # Russian in German (ц as z) and in French (ж as j, у as ou); Arabic as the English
    # press writes ay ('ei')
    ("Roman Wiktorowitsch Trozenko", ["roman", "viktorovich", "trotsenko"]),
    ("Andrei Jouk", ["andrei", "zhuk"]),
    ("Abu Seiyaf Group", ["abu", "sayyaf", "group"]),
])
def test_a_word_no_list_spells_is_read_as_listed(query: str, tokens: list[str]) -> None:
    p = prepare(Query(query), IDX)
    assert p.tokens == tokens
    assert p.reading.startswith("spelled as listed: ") or "spelled as listed: " in p.reading


@pytest.mark.parametrize(("query", "expected", "score"), [
    ("MULTICLETCORPORATION", "ofac_sdn:39181", 1.0),
    ("SELKBAFCO", "ofac_sdn:30393", 1.0),
    ("Taimuraz Dschambekowitsch Mamsurow", "ofac_sdn:36833", 1.0),
    ("Sergey Aleksandrovič Jeršov", "ofac_sdn:35026", 1.0),
    ("Roman Wiktorowitsch Trozenko", "uk_sanctions:RUS2400", 1.0),
    ("Andrei Jouk", "uk_sanctions:RUS0260", 1.0),
    ("Abu Seiyaf Group", "ofac_sdn:4688", 1.0),
])
def test_respelled_queries_find_the_listed_name(query: str, expected: str, score: float) -> None:
    m = match(IDX, Query(query), limit=1)[0]
    assert (m.entity.id, m.score) == (expected, score)


def test_split_words_of_a_legal_form_fold_as_the_listed_name_does() -> None:
    """'JOINTSTOCK' cut into listed words is JOINT STOCK, which with PUBLIC is the form the
    listed name folds to."""
    p = prepare(Query("PUBLIC JOINTSTOCK COMPANY SEVERSTAL"), IDX)
    assert p.alternatives == [["public", "jointstock", "co", "severstal"],
                              ["pjsc", "co", "severstal"]]
    p = prepare(Query("MARITIME JOINT STOCKBANK JOINT STOCK COMPANY"), IDX)
    assert p.alternatives == [["maritime", "joint", "stockbank", "jsc"],
                              ["maritime", "jsc", "bank", "jsc"]]
    top = match(IDX, Query("MARITIME JOINT STOCKBANK JOINT STOCK COMPANY"), limit=1)
    assert [(m.entity.id, m.score) for m in top] == [("ofac_sdn:47235", 0.97)]  # joined_factor


def test_long_vowels_of_a_three_letter_word() -> None:
    """'been' is 'bin' and 'deen' 'din' written with a long vowel; three letters alone are not
    enough ('bin' and 'ben' stay apart)."""
    cfg = DEFAULT_CONFIG
    assert token_equivalence("been", "bin", cfg) == cfg.equivalent_similarity
    assert token_equivalence("deen", "din", cfg) == cfg.equivalent_similarity
    assert token_equivalence("ben", "bin", cfg) == 0.0
    m = match(IDX, Query("Nabeel Toumeh Been Mohammed"), limit=1)[0]
    assert (m.entity.id, m.score) == ("ofac_sdn:30087", 1.0)  # no list spells 'been' here


@pytest.mark.parametrize(("query", "read"), [
    ("オレグ・デリパスカ", ["oleg", "deripaska"]),  # 'oreg': r for l
    ("セルゲイ・ラブロフ", ["sergei", "lavrov"]),  # 'rabrof': r, b, f for l, v, v
    ("ヒズボラ", ["hizbola"]),  # no listed word: the spelling of HIZBALLAH's key
])
def test_katakana_letters_written_alike_for_two_sounds(query: str, read: list[str]) -> None:
    assert read in prepare(Query(query), IDX).alternatives


def test_a_doubled_letter_or_final_h_is_no_extra_length_for_a_romanisation_key() -> None:
    cfg = DEFAULT_CONFIG
    assert token_equivalence("hizbola", "hizballah", cfg) == cfg.phonetic_similarity
    assert token_equivalence("carter", "carretero", cfg) == 0.0


def test_a_listed_q_written_k() -> None:
    """The press writes Arabic q as k ('Al-Kuds', 'Kassem'); the lists keep q."""
    cfg = DEFAULT_CONFIG
    assert token_equivalence("kuds", "quds", cfg) == cfg.equivalent_similarity
    assert token_equivalence("kassem", "qassem", cfg) == cfg.equivalent_similarity
    assert token_equivalence("quds", "kuds", cfg) == 0.0  # a listed k is not a q


@pytest.mark.parametrize("word", ["schulz", "jones", "stein", "kowalski", "juan"])
def test_a_word_the_new_systems_gate_stays_as_written_unless_a_list_spells_it(word: str) -> None:
    """German z without a Slavic ending, j without ou, and words whose respelling no list
    writes ('stayn', 'qowalski') are left alone."""
    assert prepare(Query(f"Anna {word}"), IDX).tokens == ["anna", word]

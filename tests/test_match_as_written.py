"""Query words seen as written where a fold or a respelling hid them (real rows of the bundled
lists): an abbreviation folded before split words were re-joined ('DEV REZ'), an initial of
the article 'El' (read 'al'), two initials read as a legal form ('N. V.'), a word respelled
away from the listed word it misspells ('Rochan'), and a short word whose nearest listed word
the coarse pool never reached ('HALI')."""

from __future__ import annotations

from sanctions.matching import Query, match, prepare
from sanctions.matching.config import DEFAULT_CONFIG
from sanctions.matching.nearest import nearest_names
from sanctions.matching.reach import reaching
from sanctions.normalize import fold_legal_forms, name_tokens
from tests.small_index import index_of

ROWS = [
    ("ofac_sdn:25378", "vessel", "DEVREZ"),
    ("ofac_sdn:40199", "organization", "JOINT STOCK COMPANY VTB DEVELOPMENT"),
    ("un_sc:112040", "person", "RADI ABD EL SAMIE ABOU EL YAZID EL AYASHI"),
    ("ofac_sdn:45913", "person", "SOLOZHENTSEVA, Natalia Vladimirovna"),
    ("ofac_sdn:21388", "person", "ROCHMAN, Oman"),
    ("ofac_sdn:9999", "person", "ROSHAN, Ali"),
    ("ofac_sdn:15060", "vessel", "HALTI"),
    # names of 'ali', a neighbour of 'hali' in many names, filling the coarse pool
    *((f"ofac_sdn:{k}", "person", f"ALI, {given}") for k, given in enumerate((
        "Abu", "Ahmad", "Muhammad", "Hasan", "Yusuf", "Umar", "Usama", "Qasim", "Reza",
        "Husayn", "Hadi", "Nabil", "Khalid", "Samir", "Tariq", "Walid", "Karim", "Fadi"), 1)),
]
IDX = index_of(ROWS)


def best(query: str, type_: str | None = None) -> tuple[str, float, str]:
    m = match(IDX, Query(query, type=type_), limit=1)[0]
    return m.entity.id, m.score, str(m.explanation)


def test_split_words_rejoin_as_written_before_an_abbreviation_fold() -> None:
    assert name_tokens("DEV REZ") == ["development", "rez"]  # 'dev' folds to 'development'
    got, score, _ = best("DEV REZ", "vessel")
    assert got == "ofac_sdn:25378" and score >= 0.95
    # as written only: 'Development Rez' is no DEVREZ
    assert ["devrez"] not in prepare(Query("Development Rez", type="vessel"), IDX).alternatives


def test_only_the_pair_joined_as_written_goes_unbounded_in_a_rescreen() -> None:
    # the re-screen's bound (reach) leaves unbounded the two adjacent words that join as
    # written, not every name holding one of them: a customer file with one 'DEV REZ' once
    # had every name holding 'development' or 'rez' screened again (they score 0.32-0.44 here)
    names = ["DEV REZ", "Rez Kowalski", "Dev Kowalski", "John Rez", "Mary Dev"]
    assert reaching(IDX, names, [0.0] * len(names), DEFAULT_CONFIG.threshold) == [
        True, False, False, False, False]
    assert all(not match(IDX, Query(n), limit=1, floor=DEFAULT_CONFIG.threshold)
               for n in names[1:])


def test_an_initial_pairs_with_the_article_el_as_written() -> None:
    got, score, why = best("Radi Abd E. Samie Abou El Yazid El Ayashi")
    assert got == "un_sc:112040" and score >= 0.95
    assert "e=al" in why


def test_two_initials_at_a_name_start_are_no_legal_form() -> None:
    assert name_tokens("N. V. SOLOZHENTSEVA") == ["n", "v", "solozhentseva"]
    assert name_tokens("Philips N.V.") == ["philips", "nv"]  # after a name: the legal form
    assert fold_legal_forms(["o", "o", "o", "romashka"]) == ["llc", "romashka"]  # leads
    got, score, _ = best("N. V. SOLOZHENTSEVA", "person")
    assert got == "ofac_sdn:45913" and score >= 0.85


def test_a_respelled_word_is_also_tried_as_written() -> None:
    p = prepare(Query("Oman Rochan"), IDX)
    assert p.tokens == ["oman", "roshan"]  # 'rochan' is no listed word: respelled
    assert ["oman", "rochan"] in p.alternatives[p.written_at:]
    got, score, why = best("Oman Rochan")
    assert got == "ofac_sdn:21388" and score >= 0.8
    assert "as written, not respelled" in why


def test_a_short_word_reaches_the_one_word_name_it_misspells() -> None:
    p = prepare(Query("HALI", type="vessel"), IDX)
    assert [IDX.names[n].name for n in nearest_names(IDX, p.alternatives[0],
                                                     DEFAULT_CONFIG)] == ["HALTI"]
    got, score, _ = best("HALI", "vessel")
    assert got == "ofac_sdn:15060" and score >= 0.8
    # a listed word, or a query of several words, adds nothing
    assert nearest_names(IDX, ["halti"], DEFAULT_CONFIG) == set()
    assert nearest_names(IDX, ["hali", "ship"], DEFAULT_CONFIG) == set()

"""Latin words a romanisation of Arabic writes with other letters (q/k, th/s, dh/z, j/g, kh/h,
dzh/j, a doubled consonant), read as the listed word (real OFAC rows): a reading beside the
query as written, never instead of it, and never for letters Arabic keeps apart (b/f, s/sh).
The map of forms is the index file's when it has one made by this code, else made in memory,
with the same answers either way."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sanctions.matching import Index, Query, match, prepare
from sanctions.matching.classed import (
    _listed_as,
    class_form,
    class_map,
    class_respellable,
    class_spelling,
    stored_table,
)
from sanctions.matching.reach import reaching
from sanctions.store.index_file import open_index_file
from sanctions.store.index_write import write_index_file
from tests.small_index import index_of

IDX = index_of([
    ("ofac_sdn:11786", "person", "QASEMI, Rostam"),
    ("ofac_sdn:11373", "person", "QASMANI, Arif"),
    ("ofac_sdn:26059", "person", "KAWTHARANI, Adnan Hussein"),
    ("ofac_sdn:22464", "organization", "AL-KAWTHAR MONEY EXCHANGE"),
    ("ofac_sdn:20952", "person", "MAKHLUF, Talal Shafiq"),
    ("ofac_sdn:28533", "organization", "AL KAWTHAR"),
])


def test_one_form_for_the_letters_a_romanisation_writes_either_way() -> None:
    assert class_spelling("kawsar") == class_spelling("kawthar") == "kawsar"
    assert class_spelling("Qassem") == class_spelling("kasem") == "kasem"
    assert class_spelling("dzhamal") == class_spelling("gamal") == class_spelling("jamal")
    assert class_spelling("khussein") == class_spelling("hussein")
    # letters Arabic keeps apart stay apart; a long vowel written double is the scorer's
    assert class_spelling("sabiq") != class_spelling("shafiq")
    assert class_spelling("taahir") != class_spelling("tahir")


@pytest.mark.parametrize(("query", "written", "read", "expected"), [
    ("Rostam Kasemi", "kasemi", "qasemi", "ofac_sdn:11786"),  # qaf as 'k'
    ("Arif Kasmani", "kasmani", "qasmani", "ofac_sdn:11373"),
    ("Adnan Hussein Kawsarani", "kawsarani", "kawtharani", "ofac_sdn:26059"),  # tha as 's'
    ("Al-Kawsar Money Exchange", "kawsar", "kawthar", "ofac_sdn:22464"),
    # as Russian writes an Arabic h ('kh'): the listed spelling, then its usual one
    ("Adnan Khussein Kawtharani", "khussein", "husayn", "ofac_sdn:26059"),
])
def test_a_respelt_word_is_read_as_listed_beside_the_query(query: str, written: str, read: str,
                                                             expected: str) -> None:
    p = prepare(Query(query), IDX)
    assert written in p.alternatives[0]  # the query as written stays first
    reading = p.alternatives[p.read_from:]
    assert len(reading) == 1 and read in reading[0] and written not in reading[0]
    assert f"read by its consonants as {' '.join(reading[0])!r}" in p.reading
    top = match(IDX, Query(query))[0]
    assert top.entity.id == expected and top.score >= 0.8


def test_letters_arabic_keeps_apart_are_not_read_alike() -> None:
    p = prepare(Query("Talal Sabiq Makhluf"), IDX)
    assert p.read_from == 0 and "read by" not in p.reading
    assert class_form(["talal", "sabiq", "makhluf"], IDX) is None
    assert class_form(["sabik"], IDX) is None  # unlisted, and no listed word of its form
    # a doubled letter alone the scorer's similarity pairs already ('russell', RUSSEL)
    assert _listed_as("russell", class_spelling("russell"), {"rusel": "russel"}) == "russell"
    assert _listed_as("kassem", class_spelling("kassem"), {"kasem": "qasem"}) == "qasem"


def test_the_re_screen_filter_reaches_what_a_reading_scores() -> None:
    """A name that scores only through its reading ('Al Kawsar': 'al' alone weighs little)."""
    queries = ["Al Kawsar", "Rostam Kasemi", "Arif Kasmani", "Adnan Hussein Kawsarani",
               "Al-Kawsar Money Exchange", "Adnan Khussein Kawtharani"]
    assert match(IDX, Query("Al Kawsar"))[0].score >= 0.8
    found = class_respellable(["kasemi", "kasmani", "kawsarani", "kawsar", "khussein",
                               "sabiq", "rostam"], IDX)
    assert found == {"kasemi": "qasemi", "kasmani": "qasmani", "kawsarani": "kawtharani",
                     "kawsar": "kawthar", "khussein": "husayn"}
    for t, listed in found.items():  # as class_form writes each
        assert class_form(["rostam", t], IDX) == ["rostam", listed]
    assert all(reaching(IDX, queries, [0.0] * len(queries), 0.8))


QUERIES = ["Al Kawsar", "Rostam Kasemi", "Arif Kasmani", "Adnan Hussein Kawsarani",
           "Al-Kawsar Money Exchange", "Adnan Khussein Kawtharani", "Talal Sabiq Makhluf"]


def _answers(idx: Index) -> list[tuple[list[list[str]], str, list[tuple[str, float]]]]:
    return [(prepare(Query(q), idx).alternatives, prepare(Query(q), idx).reading,
             [(m.entity.id, m.score) for m in match(idx, Query(q))]) for q in QUERIES]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_index_file(IDX, tmp_path_factory.mktemp("classed") / "small.index", "b1")


def test_the_index_file_holds_the_map_made_at_build_time(written: Path) -> None:
    opened = open_index_file(written, "b1")
    table = stored_table(opened)
    assert table is not None and stored_table(IDX) is None  # built in memory: made on use
    made = class_map(IDX)
    assert made["kawsar"] == "kawthar" and made["kasemi"] == "qasemi"
    assert table.many([*made, "nosuchform"]) == made  # every form, nothing else
    assert all(table.get(form) == word for form, word in made.items())
    assert table.get("nosuchform") is None
    assert _answers(opened) == _answers(IDX)


def test_a_table_made_by_other_code_is_not_read(written: Path, tmp_path: Path) -> None:
    """Then the map is made in memory on first use, as without a table: the same answers."""
    other = tmp_path / "other.index"
    other.write_bytes(written.read_bytes())
    with sqlite3.connect(other) as conn:
        conn.execute("UPDATE meta SET value = 'older' WHERE key = 'classes'")
    opened = open_index_file(other, "b1")
    assert stored_table(opened) is None
    assert _answers(opened) == _answers(IDX)
    assert class_respellable(["kawsar", "kasemi", "sabiq"], opened) == {
        "kawsar": "kawthar", "kasemi": "qasemi"}


def test_a_re_screen_part_reads_the_whole_database_s_table(full_db: Path) -> None:
    """The index of a few changed entities (`load_entities_index`) reads a query as the whole
    does, from the whole's table: nothing is made per re-screen."""
    from sanctions.store.index import load_index
    from sanctions.store.index_part import load_entities_index

    whole = load_index(full_db, say=pytest.fail)
    part = load_entities_index(full_db, {"ofac_sdn:10481", "ofac_sdn:28533"})
    assert stored_table(whole) is not None and stored_table(part) is not None
    for query in ("Kassem Soleimani", "Al Kawsar"):
        assert prepare(Query(query), part).alternatives == prepare(Query(query),
                                                                   whole).alternatives
        top = match(part, Query(query))[0]
        assert top.entity.id in {"ofac_sdn:10481", "ofac_sdn:28533"} and top.score >= 0.8

"""The screening library (used by the CLI and the web API) on a small real database.

Rows are hand-trimmed from the bundled OFAC and State Department snapshots and written with the
project's own schema, writer and linking step.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctions.batch import CHUNK
from sanctions.errors import SanctionsError
from sanctions.ingest.build import POST_IMPORT_STEPS
from sanctions.models import BirthDate, Designation, Identifier, Name, Nationality, Record, Vessel
from sanctions.normalize import normalize_name
from sanctions.queries import _has_letters
from sanctions.screening import (
    QueryError,
    get_index,
    make_query,
    parse,
    screen,
    screen_many,
)
from sanctions.store import schema, write

OFAC = "U.S. Treasury OFAC"
RECORDS = [
    Record(source="ofac_sdn", source_id="49756", type="organization", name="TREN DE ARAGUA",
           listed_on="2024-07-11", names=[Name("ARAGUA TRAIN", "weak")],
           designations=[Designation(OFAC, "SDN", "TCO", "2024-07-11"),
                         Designation(OFAC, "SDN", "FTO", "2025-02-20")]),
    Record(source="state_fto", source_id="tren-de-aragua", type="organization",
           name="Tren de Aragua", listed_on="2025-02-20",
           designations=[Designation("U.S. Department of State", "FTO", "FTO", "2025-02-20")]),
    Record(source="ofac_sdn", source_id="22790", type="person", name="MADURO MOROS, Nicolas",
           listed_on="2017-07-31", birth_dates=[BirthDate("23 Nov 1962", "1962-11-23")],
           nationalities=[Nationality("Venezuela", "citizenship")],
           identifiers=[Identifier("cedula", "5892464", "Venezuela")],
           designations=[Designation(OFAC, "SDN", "VENEZUELA", "2017-07-31")]),
    Record(source="ofac_sdn", source_id="26946", type="person",
           name="MADURO GUERRA, Nicolas Ernesto", listed_on="2019-06-28",
           birth_dates=[BirthDate("21 Jun 1990", "1990-06-21")],
           designations=[Designation(OFAC, "SDN", "VENEZUELA-EO13692", "2019-06-28")]),
    Record(source="ofac_sdn", source_id="56706", type="vessel", name="NORD STAR",
           listed_on="2025-12-10", vessel=Vessel(imo="9323596", imo_valid=True,
                                                 mmsi="352003296", flag="Panama"),
           designations=[Designation(OFAC, "SDN", "VENEZUELA-EO13850", "2025-12-10")]),
]


def make_db(path: Path, records: list[Record] = RECORDS) -> Path:
    conn = schema.connect(path)
    schema.create_schema(conn)
    write.write_records(conn, records)
    schema.create_indexes(conn)
    for step in POST_IMPORT_STEPS:  # linking (clusters), as every build runs it
        step(conn, path.with_name("no-previous.db"))
    conn.commit()
    conn.close()
    return path


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_db(tmp_path_factory.mktemp("screen") / "sanctions.db")


def ids(result: dict) -> list[str]:
    return [m["entity_id"] for m in result["matches"]]


def test_contract_and_linked_records(small_db: Path) -> None:
    result = screen("Tren de Aragua", db=small_db)
    assert result["query"] == {"name": "Tren de Aragua"}
    [m] = result["matches"]  # the FTO record is the same organisation: folded into one match
    assert m["entity_id"] == "ofac_sdn:49756" and m["score"] == 1.0 and m["band"] == "exact"
    assert m["programs"] == ["TCO", "FTO"] and m["listed_on"] == "2024-07-11"
    assert m["explanation"]["name"] == {"score": 1.0, "detail": (
        "tren=tren 1.00; de=de 1.00; aragua=aragua 1.00")}
    assert [r["entity_id"] for r in m["related"]] == ["state_fto:tren-de-aragua"]


def test_source_filter_applies_before_ranking(small_db: Path) -> None:
    assert ids(screen("Tren de Aragua", db=small_db, source="state_fto")) == [
        "state_fto:tren-de-aragua"]
    assert screen("Nord Star", db=small_db, source="state_fto")["matches"] == []


def test_threshold_zero_gives_the_best_limit(small_db: Path) -> None:
    assert screen("Nicolas Perez", db=small_db)["matches"] == []
    best = screen("Nicolas Perez", db=small_db, threshold=0, limit=2)
    assert ids(best) == ["ofac_sdn:22790", "ofac_sdn:26946"]
    scores = [m["score"] for m in best["matches"]]
    assert scores == sorted(scores, reverse=True) and scores[0] < 0.8


def test_qualifiers_reorder_namesakes(small_db: Path) -> None:
    """Two listed Nicolas Maduros: the birth date decides which comes first."""
    assert ids(screen("Nicolas Maduro", db=small_db, birth_date="1990"))[0] == "ofac_sdn:26946"
    assert ids(screen("Nicolas Maduro", db=small_db, birth_date="1962-11"))[0] == "ofac_sdn:22790"
    first = screen("Nicolas Maduro", db=small_db, country="Venezuela")["matches"][0]
    assert first["explanation"]["country"] == {"score": 1.0, "detail": "VE listed"}


def test_identifiers_in_query_or_field(small_db: Path) -> None:
    assert ids(screen("IMO 9323596", db=small_db)) == ["ofac_sdn:56706"]
    assert ids(screen("Nord Star", db=small_db, imo="9323596")) == ["ofac_sdn:56706"]
    assert ids(screen("5892464", db=small_db))[0] == "ofac_sdn:22790"  # a cedula number


# Real identifiers of the bundled lists: a Lebanese national ID, a Dominican cedula, a passport
# (OFAC lists A10472263; UN's "A 10472263" is the same person, folded into OFAC's as related)
# and a vessel's MMSI (ofac_sdn:15036, ARTAVIL).
@pytest.mark.parametrize(("identifier", "entity", "listed"), [
    ("000013901514", "ofac_sdn:33292", "000013901514"),
    ("001-1217345-5", "ofac_sdn:26146", "00112173455"),
    ("0011217345 5", "ofac_sdn:26146", "00112173455"),
    ("A 10472263", "ofac_sdn:7936", "a10472263"),
    ("572469210", "ofac_sdn:15036", "572469210"),
    ("MMSI 572469210", "ofac_sdn:15036", "572469210"),
])
def test_an_identifier_alone_finds_its_entity(full_db: Path, identifier: str, entity: str,
                                              listed: str) -> None:
    result = screen(identifier=identifier, db=full_db, limit=3)
    assert result["query"] == {"identifier": identifier}
    first = result["matches"][0]
    assert (first["entity_id"], first["score"], first["band"]) == (entity, 1.0, "exact")
    assert first["explanation"]["identifier"] == {
        "score": 1.0, "detail": f"{listed} listed for this entity"}


def test_an_identifier_with_a_name_and_in_a_batch(full_db: Path) -> None:
    with_name = screen("Ali al-Shair", identifier="000013901514", db=full_db, limit=1)
    assert ids(with_name) == ["ofac_sdn:33292"]
    assert with_name["matches"][0]["explanation"]["identifier"]["score"] == 1.0
    rows = [{"id": "v1", "identifier": "572469210"}, {"id": "p1", "identifier": "12"},
            {"id": "p2", "name": "Cesar Emilio Peralta", "identifier": "001-0972783-4"}]
    out = list(screen_many(rows, db=full_db, workers=1, limit=1))
    assert [ids(r) for r in out] == [["ofac_sdn:15036"], [], ["ofac_sdn:26139"]]
    assert out[1]["error"] == "identifier needs at least 5 letters or digits, not '12'"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  "}, "name is required"),
        ({"name": "!!!"}, "name has no letters or digits to match on"),
        ({"name": "x" * 301}, "name is longer than 300 characters"),
        ({"imo": "9323596", "limit": 101}, "limit must be between 1 and 100"),
        ({"name": "x", "type": "ship"}, "type must be one of person, organization, vessel, "
                                        "aircraft, not 'ship'"),
        ({"name": "x", "country": "Atlantis"}, "unknown country 'Atlantis'"),
        ({"name": "x", "birth_date": "23/11/1962"}, "birth_date must be YYYY, YYYY-MM or"),
        ({"name": "x", "imo": "12345"}, "imo must be 7 digits, not '12345'"),
        ({"identifier": "A-12 3"}, "identifier needs at least 5 letters or digits, not 'A-12 3'"),
        ({"identifier": "1" * 65}, "identifier is longer than 64 characters"),
        ({"identifier": " "}, "name is required"),
    ],
)
def test_bad_queries_say_what_is_wrong(fields: dict, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(")):
        parse(fields)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x17F), max_size=30))
def test_the_letters_check_agrees_with_normalising(name: str) -> None:
    """make_query's "no letters or digits" check reads an ASCII name as it is (most names,
    without transliterating them): the same answer as normalize_name gives."""
    assert _has_letters(name) == bool(normalize_name(name))


def test_unknown_source_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="unknown source 'ofac'"):
        make_query({"name": "x", "source": "ofac"})


def test_batch_keeps_order_and_goes_on_after_bad_rows(small_db: Path) -> None:
    rows: list[dict[str, Any]] = [
        {"id": str(i), "name": ["Tren de Aragua", "Nord Star", "", "Jane Doe"][i % 4]}
        for i in range(CHUNK * 2 + 7)]  # several chunks, on two worker processes
    rows[5] = {"_row": 7, "_error": "not valid JSON: Expecting value"}
    out = list(screen_many(rows, db=small_db, workers=2))
    assert [r["query"].get("id") for r in out] == [r.get("id") for r in rows]
    assert out[0]["matches"][0]["entity_id"] == "ofac_sdn:49756"
    assert out[1]["matches"][0]["entity_id"] == "ofac_sdn:56706"
    assert out[2] == {"query": {"id": "2", "name": ""}, "matches": [], "error": "name is required"}
    assert out[3]["matches"] == []
    assert out[5] == {"query": {}, "matches": [], "error": "not valid JSON: Expecting value",
                      "row": 7}
    assert out == list(screen_many(rows, db=small_db, workers=1))


def test_index_reloads_when_the_database_is_replaced(tmp_path: Path) -> None:
    path = make_db(tmp_path / "a.db", RECORDS[:1])
    assert get_index(path) is get_index(path)  # loaded once
    assert screen("Nord Star", db=path)["matches"] == []
    newer = make_db(tmp_path / "b.db")
    shutil.move(newer, path)  # how a build swaps the file in
    os.utime(path, (1e9, 2e9))
    assert ids(screen("Nord Star", db=path)) == ["ofac_sdn:56706"]


def test_missing_or_foreign_database(tmp_path: Path) -> None:
    with pytest.raises(SanctionsError, match="no database at .*run `sanctions build` first"):
        screen("x", db=tmp_path / "none.db")
    (tmp_path / "junk.db").write_text("not sqlite")
    with pytest.raises(SanctionsError, match="not a sanctions database"):
        screen("x", db=tmp_path / "junk.db")


@pytest.mark.parametrize("name", ["a" * 10_000, "Tren\x00de\x1fAragua", "Трен de Αραγουα 🚢",
                                  "!!!", "\u200b\u200b", "IMO", "0000000"])
def test_hostile_names_give_a_result_or_a_clear_error(small_db: Path, name: str) -> None:
    try:
        result = screen(name, db=small_db, threshold=0)
    except QueryError as exc:
        assert str(exc) in ("name is longer than 300 characters",
                            "name has no letters or digits to match on")
    else:
        assert all(0 <= m["score"] <= 1 for m in result["matches"])


def test_control_characters_are_spaces(small_db: Path) -> None:
    assert ids(screen("Tren\x00de\x1fAragua", db=small_db)) == ["ofac_sdn:49756"]


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=200))
def test_any_text_screens_without_error(small_db: Path, text: str) -> None:
    try:
        result = screen(text, db=small_db, threshold=0, limit=3)
    except QueryError:
        return
    assert len(result["matches"]) <= 3
    assert all(0 <= m["score"] <= 1 and m["band"] in ("exact", "strong", "review", "weak")
               for m in result["matches"])


def test_a_batch_rows_own_columns_never_become_filters(small_db: Path) -> None:
    """A customer file's "program" or "source" column is passthrough, not a search option."""
    rows = [{"id": "c1", "name": "Tren de Aragua", "program": "Gold tier", "source": "branch 7",
             "limit": "x"}]
    [out] = list(screen_many(rows, db=small_db, workers=1))
    assert out["query"] == rows[0]
    assert [m["entity_id"] for m in out["matches"]] == ["ofac_sdn:49756"]
    [filtered] = list(screen_many(rows, db=small_db, workers=1, source="state_fto"))
    assert [m["entity_id"] for m in filtered["matches"]] == ["state_fto:tren-de-aragua"]

"""eu_vessels: real rows trimmed from the Official Journal transcriptions, malformed input, the
full snapshot."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sanctions.errors import SourceError
from sanctions.models import Designation, Identifier, Name, Property, Vessel
from sanctions.sources import eu_vessels
from sanctions.sources.base import Report

FIXTURES = Path(__file__).parent / "fixtures" / "eu"
PATHS = {
    "journal_32014R0833": FIXTURES / "32014R0833_trimmed.csv",
    "journal_32017R1509": FIXTURES / "32017R1509_trimmed.csv",
    "journal_32026R1848": FIXTURES / "32026R1848_trimmed.csv",
    "journal_32026R1941": FIXTURES / "32026R1941_amendments.csv",
}
RUS = "EU Regulation 833/2014"
PRK = "EU Regulation 2017/1509"
XLII = "Transportation restrictions"


def eu(lst: str, program: str, listed_on: str, reference: str) -> Designation:
    return Designation("European Union", lst, program, listed_on, reference=reference)


def test_trimmed_rows_map_to_one_record_per_vessel() -> None:
    report = Report()
    records = {r.source_id: r for r in eu_vessels.parse(PATHS, report)}
    assert list(records) == [
        "9402471", "9255684", "9290397", "8862935", "8909575", "8712362",
        "32017R1509-XIV.B-MIN NING DE YOU 078", "9058713",
    ]
    assert report.rows == {"journal_32014R0833": 5, "journal_32017R1509": 5,
                           "journal_32026R1848": 2, "journal_32026R1941": 2}
    assert report.counts == {"non-vessel rows skipped": 2, "vessel rows without an IMO number": 1}

    eagle = records["9255684"]
    assert (eagle.id, eagle.type, eagle.name, eagle.listed_on) == (
        "eu_vessels:9255684", "vessel", "Golden Eagle", "2025-07-20")
    assert eagle.vessel == Vessel(imo="9255684", imo_valid=True)
    assert eagle.identifiers == [Identifier("imo", "9255684", valid=True)]
    assert eagle.designations == [
        eu(RUS, "EU-RUS", "2025-07-20", f"32014R0833 Annex XLII No 369: {XLII}")]
    assert eagle.url == "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32014R0833"
    assert eagle.raw["rows"][0]["imoNumber"] == "9255684"

    # Entry 629 renamed by the amending act: the newest name is primary, one designation.
    storm = records["9290397"]
    assert storm.names == [Name("STORMBRINGER", "primary"), Name("KRITI VIGOR", "fka")]
    assert storm.designations == [
        eu(RUS, "EU-RUS", "2026-04-24", f"32014R0833 Annex XLII No 629: {XLII}")]
    assert Property("amended_by", "32026R1848") in storm.properties

    assert [d.reference for d in records["8862935"].designations] == [
        f"32014R0833 Annex XLII No 633: {XLII}", f"32014R0833 Annex XLII No 686: {XLII}"]

    assert records["9402471"].names == [Name("Apar", "primary"), Name("Feng Shou", "fka"),
                          Name("Andromeda Star", "fka")]

    chon = records["8712362"]
    assert chon.designations == [
        eu(PRK, "EU-PRK", "2018-03-30", "32017R1509 Annex XIV.A No 1: Asset freeze"),
        eu(PRK, "EU-PRK", "2018-03-30", f"32017R1509 Annex XIV.B No 9: {XLII}"),
    ]
    assert chon.remarks == ("DPRK oil tanker M/V CHON MYONG 1 conducted a ship-to-ship transfer, "
                            "likely for oil, in late December 2017.")
    assert records["8909575"].names == [
        Name("Chong Bong", "primary"), Name("Greenlight", "aka"), Name("Blue Nouvelle", "aka")]
    assert records["8909575"].designations == [
        eu(PRK, "EU-PRK", "2016-03-02", "32017R1509 Annex XIII.B: Asset freeze")]

    no_imo = records["32017R1509-XIV.B-MIN NING DE YOU 078"]
    assert (no_imo.name, no_imo.identifiers, no_imo.vessel) == (
        "MIN NING DE YOU 078", [], Vessel())

    avax = records["9058713"]
    assert avax.vessel == Vessel(imo="9058713", imo_valid=True, flag="Cameroon")
    assert avax.designations == [
        eu("EU Regulation 2016/44", "EU-LBY", "2026-08-07",
           "32016R0044 Annex V No 1: Financial restrictions"),
        eu("EU Regulation 2016/44", "EU-LBY", "2026-08-07", f"32016R0044 Annex V No 1: {XLII}"),
    ]
    assert Property("location", "As of 4 April 2026, the vessel was located near the anchorage "
                    "area of the Benghazi Old Harbour, Libya.") in avax.properties


def test_invalid_check_digit_is_counted(tmp_path: Path) -> None:
    text = (FIXTURES / "32026R1941_amendments.csv").read_text(encoding="utf-8")
    path = tmp_path / "act.csv"
    path.write_text(text.replace("9058713", "9058714"), encoding="utf-8")
    report = Report()
    (record,) = eu_vessels.parse({"journal_x": path}, report)
    assert record.vessel == Vessel(imo="9058714", imo_valid=False, flag="Cameroon")
    assert report.counts == {"IMO numbers failing the check digit": 1}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "file is empty"),
        ("<html><body>Access denied</body></html>",
         "file is an HTML page, not the expected data file"),
        ("id,schema,name\n1,Vessel,X\n", "missing columns: recordId, programKey, annex, measure, "
         "startDate, alias, weakAlias, previousName, imoNumber, mmsi, flag, address, notes, "
         "celex (or amendedCelex, amendmentCelex)"),
    ],
)
def test_malformed_input(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "act.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        list(eu_vessels.parse({"journal_x": path}, Report()))
    assert (err.value.problem, err.value.path) == (problem, str(path))


def test_truncated_and_bad_rows(tmp_path: Path) -> None:
    lines = (FIXTURES / "32017R1509_trimmed.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "act.csv"
    path.write_text("\n".join([lines[0], lines[2][:60]]) + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match="row 2: wrong number of fields"):
        list(eu_vessels.parse({"journal_x": path}, Report()))
    path.write_text("\n".join([lines[0], lines[2].replace("2.3.2016", "March 2016")]) + "\n",
                    encoding="utf-8")
    with pytest.raises(SourceError, match="row 2: unreadable startDate 'March 2016'"):
        list(eu_vessels.parse({"journal_x": path}, Report()))


def test_fsf_role_is_refused() -> None:
    with pytest.raises(SourceError, match="EU Financial Sanctions File .* not implemented yet"):
        list(eu_vessels.parse({"fsf": FIXTURES / "32026R1941_amendments.csv"}, Report()))


@pytest.mark.slow
def test_full_snapshot() -> None:
    report = Report()
    records = list(eu_vessels.parse(eu_vessels.SOURCE.snapshot_paths(), report))
    # 752 vessel rows; 733 distinct IMO numbers plus MIN NING DE YOU 078 without one.
    assert len(records) == 734
    assert {r.type for r in records} == {"vessel"}
    assert sum(len(r.designations) for r in records) == 751  # entry 629 is in two files
    assert Counter(d.program for r in records for d in r.designations) == {
        "EU-RUS": 674, "EU-PRK": 75, "EU-LBY": 2}
    assert report.counts == {"non-vessel rows skipped": 1479,
                             "vessel rows without an IMO number": 1}
    assert report.rows == {"journal_32014R0833": 1746, "journal_32017R1509": 326,
                           "journal_32026R1848": 157, "journal_32026R1941": 2}
    assert all(r.vessel and r.vessel.imo_valid for r in records if r.vessel and r.vessel.imo)
    by_id = {r.source_id: r for r in records}
    assert by_id["9255684"].name == "Golden Eagle"
    assert by_id["9904546"].name == "ALEKSEY KOSYGIN"
    assert sum(1 for r in records if any(d.program == "EU-RUS" for d in r.designations)) == 672
    lo, hi = eu_vessels.SOURCE.expected.total
    assert lo <= len(records) <= hi


@pytest.mark.parametrize(("value", "expected"), [
    ("25.6.2024", "2024-06-25"), (" 2024-06-25 ", "2024-06-25"), ("  ", None),
    # Out of range, kept as this reader always stored it (dates.day_first would refuse it).
    ("1.13.2024", "2024-13-01"),
])
def test_iso_date(value: str, expected: str | None) -> None:
    assert eu_vessels.iso_date(value) == expected


@pytest.mark.parametrize("value", ["25/06/2024", "25-06-2024", "25.6.2024 00:00", "June 2024"])
def test_iso_date_refuses(value: str) -> None:
    with pytest.raises(ValueError):
        eu_vessels.iso_date(value)


def test_declaration() -> None:
    s = eu_vessels.SOURCE
    assert (s.priority, s.short, s.date_formats) == (80, "EU vessels", ())

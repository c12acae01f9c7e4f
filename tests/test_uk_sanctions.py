"""uk_sanctions: real rows trimmed from the 2025-08-11 ODS, the full CSV layout on transcribed
(fictional) rows, malformed input, the full snapshot."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pytest

from sanctions.errors import SourceError
from sanctions.models import Address, BirthDate, Designation, Identifier, Name, Nationality, Vessel
from sanctions.models import Property as P
from sanctions.sources import uk_sanctions
from sanctions.sources.base import Report
from sanctions.sources.ods import ODS_MIMETYPE

FIXTURES = Path(__file__).parent / "fixtures" / "uk"
ODS = FIXTURES / "FCDO_SL_trimmed.ods"
CSV = FIXTURES / "uk_sanctions_list_documented_layout.csv"


def uk(program: str, listed_on: str, ref: str) -> Designation:
    return Designation("UK FCDO", "UK Sanctions List", program, listed_on, reference=ref)


def test_summary_ods_rows_map_to_records() -> None:
    report = Report()
    records = {r.source_id: r for r in uk_sanctions.parse({"ods": ODS}, report)}
    assert list(records) == ["AFG0001", "DPR0075", "GUB0009", "RUS2176", "RUS2534"]
    assert report.rows == {"ods": 6}
    assert report.counts == {"rows without a name (skipped)": 1}  # BEL0174

    afg = records["AFG0001"]
    assert (afg.id, afg.type, afg.name, afg.listed_on) == (
        "uk_sanctions:AFG0001", "organization", "HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE",
        "2012-06-29")
    assert afg.names == [Name("HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE", "primary")]
    assert afg.designations == [uk("Afghanistan", "2012-06-29", "AFG0001")]
    assert afg.properties == [P("ofsi_group_id", "12703"), P("designation_source", "UN"),
                              P("sanction_imposed", "Asset freeze")]
    assert afg.raw == {
        "Unique ID": "AFG0001", "OFSI Group ID": "12703",
        "Name": "HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE", "Regime Name": "Afghanistan",
        "Type": "Entity", "Designation source": "UN", "Date Designated": "29-06-2012",
        "Sanctions Imposed": "Asset freeze",
    }
    ship = records["RUS2176"]
    assert (ship.type, ship.name, ship.vessel) == ("vessel", "KOROLEV PROSPECT", Vessel())
    assert ship.properties == [P("designation_source", "UK"), P(
        "sanction_imposed", 'Shipping sanctions: (see "Other information")')]
    assert records["GUB0009"].properties[1] == P("designation_source", "UK|UN")
    assert records["GUB0009"].type == "person"
    # "-, Asset freeze, ..." : the placeholder is dropped.
    assert [p.value for p in records["RUS2534"].properties if p.key == "sanction_imposed"] == [
        "Asset freeze", "Director Disqualification Sanction", "Trust Services Sanctions"]


def test_full_csv_documented_layout() -> None:
    report = Report()
    records = {r.source_id: r for r in uk_sanctions.parse({"csv": CSV}, report)}
    assert list(records) == ["XMP0001", "XMP0002", "XMP0003", "XMP0004", "XMP0005"]
    assert report.rows == {"csv": 11}
    assert report.counts == {"IMO numbers failing the check digit": 1}

    ivan = records["XMP0001"]
    assert (ivan.type, ivan.name, ivan.listed_on, ivan.gender, ivan.title) == (
        "person", "Ivan Petrovich EXAMPLEVICH", "2022-02-24", "Male",
        "Director of Example Holding (fictional)")
    assert ivan.names == [
        Name("Ivan Petrovich EXAMPLEVICH", "primary"),
        Name("ЭКЗАМПЛЕВИЧ Иван Петрович", "aka"),
        Name("Ivan EKZAMPLEVICH", "aka"),
        Name("Vanya EXAMPLEVICH", "aka"),
    ]
    assert ivan.birth_dates == [BirthDate("dd/mm/1960", date="1960")]
    assert ivan.birth_places == ["Exampleburg, Russia"]
    assert ivan.nationalities == [Nationality("Russia"), Nationality("Cyprus")]
    assert ivan.identifiers == [
        Identifier("passport", "XP0000001", note="Russian passport (fictional)")]
    assert ivan.addresses == [Address("1 Example Street, Moscow", country="Russia")]
    assert ivan.designations == [uk("Russia", "2022-02-24", "XMP0001")]
    assert [p for p in ivan.properties if p.key in ("last_updated", "sanction_imposed")] == [
        P("last_updated", "2026-08-04"), P("sanction_imposed", "Asset freeze"),
        P("sanction_imposed", "Travel Ban")]
    assert len(ivan.raw["rows"]) == 3

    un = records["XMP0002"]
    assert un.names == [
        Name("Abu Namudhaj AL-MITHAL", "primary"),
        Name("Abu Namuthaj AL-MITHALI", "aka", "Good quality a.k.a"),
        Name("Abu Mithal", "weak", "Low quality a.k.a"),
    ]
    assert un.birth_dates == [BirthDate("14/07/1975", date="1975-07-14")]
    assert P("un_reference", "XXi.001") in un.properties

    company = records["XMP0003"]
    assert company.addresses == [
        Address("10 Example Embankment, St Petersburg", postal_code="190000", country="Russia")]
    assert company.names[1:] == [Name("AO PRIMER SHIPPING", "aka"), Name("АО ПРИМЕР", "aka")]

    star = records["XMP0004"]
    assert star.vessel == Vessel(imo="9000015", imo_valid=True, vessel_type="Crude Oil Tanker",
                                 tonnage="61000", flag="Example Islands",
                                 owner="JSC EXAMPLE SHIPPING")
    assert star.identifiers == [Identifier("imo", "9000015", valid=True)]
    assert star.names == [Name("EXAMPLE STAR", "primary"), Name("OLD EXAMPLE", "aka")]
    assert records["XMP0005"].identifiers == [Identifier("imo", "9000016", valid=False)]


def _ods_with_content(tmp_path: Path, content: bytes, mimetype: bytes | None = None) -> Path:
    path = tmp_path / "list.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", mimetype or ODS_MIMETYPE.encode())
        zf.writestr("content.xml", content)
    return path


def test_malformed_ods(tmp_path: Path) -> None:
    def problem(path: Path, role: str = "ods") -> str:
        with pytest.raises(SourceError) as err:
            list(uk_sanctions.parse({role: path}, Report()))
        assert err.value.path == str(path)
        return err.value.problem

    empty = tmp_path / "empty.ods"
    empty.write_bytes(b"")
    assert problem(empty) == "file is empty"
    html = tmp_path / "page.ods"
    html.write_bytes(b"<!DOCTYPE html><html><title>Not found</title></html>")
    assert problem(html) == "file is an HTML page, not the expected data file"
    truncated = tmp_path / "truncated.ods"
    truncated.write_bytes(ODS.read_bytes()[:2000])
    assert problem(truncated) == "not a valid ODS/zip file (truncated?)"
    xlsx = _ods_with_content(tmp_path, b"<x/>", b"application/vnd.ms-excel")
    assert problem(xlsx) == "not an ODS spreadsheet (mimetype 'application/vnd.ms-excel')"
    broken = _ods_with_content(tmp_path, b"<office:document-content><unclosed>")
    assert problem(broken).startswith("content.xml is not well-formed XML")
    real = zipfile.ZipFile(ODS).read("content.xml")
    wrong = _ods_with_content(tmp_path, real.replace(b"Regime Name", b"Regime"))
    assert problem(wrong).startswith("unexpected columns ['Unique ID', 'OFSI Group ID', 'Name', "
                                     "'Regime', ")
    bad_type = _ods_with_content(tmp_path, real.replace(b">Ship<", b">Vessel<"))
    assert problem(bad_type) == "DPR0075: unknown Type 'Vessel'"
    assert problem(ODS, "xlsx") == "unknown snapshot role 'xlsx'"


def test_malformed_csv(tmp_path: Path) -> None:
    path = tmp_path / "UK-Sanctions-List.csv"
    path.write_text("Report Date: 11-Sep-2026\nUnique ID,Name 6,Regime\nX1,A,Russia\n")
    with pytest.raises(SourceError, match="^uk_sanctions .*: missing columns: Name type, "
                                          "Regime Name, Designation Type, Date Designated$"):
        list(uk_sanctions.parse({"csv": path}, Report()))
    path.write_text("Report Date: 11-Sep-2026\nsome,other,file\n")
    with pytest.raises(SourceError, match="no header row with 'Unique ID' and 'Name 6'"):
        list(uk_sanctions.parse({"csv": path}, Report()))
    lines = CSV.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:3] + [lines[3][:40]]) + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match="line 4: wrong number of fields"):
        list(uk_sanctions.parse({"csv": path}, Report()))


@pytest.mark.slow
def test_full_snapshot() -> None:
    report = Report()
    records = list(uk_sanctions.parse(uk_sanctions.SOURCE.snapshot_paths(), report))
    assert report.rows == {"ods": 5302}
    assert report.counts == {"rows without a name (skipped)": 2}  # BEL0174, RUS1467
    assert Counter(r.type for r in records) == {"person": 3752, "organization": 1087,
                                                "vessel": 461}
    assert len({r.source_id for r in records}) == 5300
    ships = Counter(r.designations[0].program for r in records if r.type == "vessel")
    assert ships == {"Russia": 424, "Democratic People's Republic of Korea": 37}
    assert max(r.listed_on or "" for r in records) == "2025-07-23"
    sources = Counter(p.value for r in records for p in r.properties
                      if p.key == "designation_source")
    assert sources == {"UK": 4384, "UN": 908, "UK|UN": 8}
    lo, hi = uk_sanctions.SOURCE.expected.total
    assert lo <= len(records) <= hi


@pytest.mark.parametrize(("value", "expected"), [
    ("23-07-2025", "2025-07-23"), (" 1/2/2024 ", "2024-02-01"), ("24/02/2022 00:00", "2022-02-24"),
    ("24/02/2022\t10:00:59", "2022-02-24"),
])
def test_iso_date(value: str, expected: str) -> None:
    assert uk_sanctions.iso_date(value) == expected


# dates.day_first takes ISO, dots and any tail after the day; the FCDO publishes none of those.
@pytest.mark.parametrize("value", ["", "2024-01-31", "25.6.2024", "24/02/2022 later",
                                   "32-01-2024", "01-13-2024", "1/2/24"])
def test_iso_date_refuses(value: str) -> None:
    with pytest.raises(ValueError) as err:
        uk_sanctions.iso_date(value)
    assert err.value.args == (value,)


def test_declaration() -> None:
    s = uk_sanctions.SOURCE
    assert (s.priority, s.short, s.date_formats) == (70, "UK Sanctions List", ())

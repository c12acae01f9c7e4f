"""state_fto: the compiled CSV (trimmed real rows), the documented HTML layout, malformed input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sanctions.errors import SourceError
from sanctions.models import Designation, Name, Record
from sanctions.sources import state_fto
from sanctions.sources.base import Report

FIXTURES = Path(__file__).parent / "fixtures" / "state_fto"
PAGE = "https://www.state.gov/foreign-terrorist-organizations/"


def fto(listed: str | None, delisted: str | None = None, status: str = "active") -> Designation:
    return Designation("U.S. Department of State", "FTO", "FTO", listed, delisted, status)


def parse(role: str, path: Path) -> tuple[dict[str, Record], Report]:
    report = Report()
    return {r.source_id: r for r in state_fto.parse({role: path}, report)}, report


def test_compiled_rows_map_to_records() -> None:
    records, report = parse("csv", FIXTURES / "fto_compiled_trimmed.csv")
    assert sorted(records) == [
        "ansarallah", "cartel-de-los-soles", "juarez-cartel", "kach", "kurdistan-workers-party",
        "new-irish-republican-army", "tren-de-aragua",
    ]
    assert report.rows == {"csv": 8}
    assert report.counts == {"groups listed more than once": 1}

    tda = records["tren-de-aragua"]
    assert (tda.id, tda.type, tda.name, tda.listed_on, tda.url) == (
        "state_fto:tren-de-aragua", "organization", "Tren de Aragua", "2025-02-20", PAGE)
    assert tda.names == [Name("Tren de Aragua", "primary"), Name("TdA"), Name("Aragua Train")]
    assert tda.designations == [fto("2025-02-20")]
    assert tda.raw["rows"][0]["date_designated"] == "2025-02-20"

    assert records["cartel-de-los-soles"].designations == [fto("2025-11-24")]
    # "(formerly Real IRA)" quoted in the notes makes that alias a former name.
    assert records["new-irish-republican-army"].names == [
        Name("New Irish Republican Army", "primary"), Name("Real Irish Republican Army"),
        Name("RIRA"), Name("Real IRA", "fka"), Name("New IRA"),
    ]
    assert records["juarez-cartel"].designations == [fto(None)]
    assert records["kach"].designations == [fto("1997-10-08", "2001-10", "delisted")]


def test_ansarallah_is_one_record_with_both_listings() -> None:
    record = parse("csv", FIXTURES / "fto_compiled_trimmed.csv")[0]["ansarallah"]
    assert record.listed_on == "2025-03-04"
    assert record.designations == [
        fto("2021-01-19", "2021-02-16", "delisted"),
        fto("2025-03-04"),
    ]
    assert record.names == [Name("Ansarallah", "primary"), Name("Houthis"), Name("Ansar Allah")]
    assert len(record.raw["rows"]) == 2


def test_html_page_in_documented_layout() -> None:
    records, report = parse("html", FIXTURES / "fto_page.html")
    assert report.rows == {"html": 8}
    assert list(records) == [
        "kurdistan-workers-party", "new-irish-republican-army", "al-shabaab",
        "al-mulathamun-battalion", "tren-de-aragua", "ansarallah", "aum-shinrikyo",
    ]
    assert records["kurdistan-workers-party"].names == [
        Name("Kurdistan Workers Party", "primary"), Name("PKK"), Name("Kongra-Gel")]
    assert records["kurdistan-workers-party"].designations == [fto("1997-10-08")]
    ira = records["new-irish-republican-army"]
    assert ira.names == [
        Name("New Irish Republican Army", "primary"), Name("Real IRA", "fka"), Name("New IRA")]
    assert [(p.key, p.value) for p in ira.properties] == [
        ("note", "New IRA Amendment (June 30, 2023)"), ("source_page", PAGE)]
    assert records["al-shabaab"].names == [Name("al-Shabaab", "primary"), Name("al-Hijra")]
    assert records["al-mulathamun-battalion"].names == [
        Name("al-Mulathamun Battalion", "primary"), Name("al-Murabitoun")]
    assert records["tren-de-aragua"].designations == [fto("2025-02-20")]
    assert records["ansarallah"].designations == [
        fto("2021-01-19", "2021-02-16", "delisted"), fto("2025-03-04")]
    assert records["aum-shinrikyo"].designations == [fto("1997-10-08", "2022-05-20", "delisted")]
    assert records["aum-shinrikyo"].raw == {"rows": [{
        "Date Originally Listed": "October 8, 1997", "Date Removed": "May 20, 2022",
        "Name": "Aum Shinrikyo (AUM)"}]}


def test_html_page_with_unclosed_cells_and_rows_reads_the_same(tmp_path: Path) -> None:
    """<td> and <tr> left open and tags in upper case: the HTML parser repairs them as a browser
    does, and the records are those of the tidy page."""
    page = (FIXTURES / "fto_page.html").read_text(encoding="utf-8")
    sloppy = re.sub(r"<(/?)(table|thead|tbody|tr|th|td)>", lambda m: f"<{m[1]}{m[2].upper()}>",
                    page.replace("</td>", "").replace("</tr>", ""))
    path = tmp_path / "fto.html"
    path.write_text(sloppy, encoding="utf-8")
    records, report = parse("html", path)
    assert "</td>" not in sloppy and "<TD>" in sloppy
    assert report.rows == {"html": 8}
    assert records == parse("html", FIXTURES / "fto_page.html")[0]


def test_html_table_inside_a_layout_table(tmp_path: Path) -> None:
    """The list inside a layout table's cell: only the inner table's rows are rows of the list."""
    path = tmp_path / "fto.html"
    path.write_text(
        "<html><table><tr><td>Menu</td><td><table><tr><th>Date Implemented</th><th>Name</th>"
        "<tr><td>March 4, 2025<td><p>Ansarallah</p><p>(Houthis)</p></table></td></tr></table>"
        "</html>", encoding="utf-8")
    records, report = parse("html", path)
    assert report.rows == {"html": 1}
    assert records["ansarallah"].names == [Name("Ansarallah", "primary"), Name("Houthis")]
    assert records["ansarallah"].raw == {"rows": [{
        "Date Implemented": "March 4, 2025", "Name": "Ansarallah\n(Houthis)"}]}


def test_split_name_cell_amendments_and_qualifiers() -> None:
    assert state_fto.split_name_cell(
        "ISIS (formerly al-Qa'ida in Iraq)— Islamic State of Iraq Amendment (January 26, 2012)"
    ) == ("ISIS", [Name("al-Qa'ida in Iraq", "fka"), Name("Islamic State of Iraq")],
          ["Islamic State of Iraq Amendment (January 26, 2012)"])
    assert state_fto.split_name_cell("Revolutionary Armed Forces of Colombia – People's Army "
                                     "(FARC-EP)") == (
        "Revolutionary Armed Forces of Colombia – People's Army", [Name("FARC-EP")], [])


@pytest.mark.parametrize(
    ("role", "content", "problem"),
    [
        ("csv", "", "file is empty"),
        ("csv", "<!DOCTYPE html><html><body>Access denied</body></html>",
         "file is an HTML page, not the expected data file"),
        ("csv", "name,aliases,date\nX,,2020-01-01\n",
         "missing columns: date_designated, date_delisted, status, source, notes"),
        ("csv", "name,aliases,date_designated,date_delisted,status,source,notes\n"
                "X,,March 5 2025,,designated,,\n",
         "row 2: date_designated 'March 5 2025' is not an ISO date"),
        ("csv", "name,aliases,date_designated,date_delisted,status,source,notes\n"
                "X,,2025-03-05,,pending,,\n", "row 2: unknown status 'pending'"),
        ("csv", "name,aliases,date_designated,date_delisted,status,source,notes\nX,,2025\n",
         "row 2: wrong number of fields"),
        ("html", "", "file is empty"),
        ("html", "<html><body><p>Just a moment...</p></body></html>",
         "no FTO table (name and date columns) found in the page"),
        ("html", "<!-- only a comment -->",
         "no FTO table (name and date columns) found in the page"),
        ("html", "<html><body><table><tr><th>Date Implemented</th><th>Name</th></tr>"
                 "<tr><td>March 4, 2025</td><td>Ansar",
         "page ends before </html> (truncated download?)"),
        ("html", "<table><tr><th>Date Implemented</th><th>Name</th></tr>"
                 "<tr><td>Feb 30, 2025</td><td>X</td></tr></table>",
         "unreadable date 'Feb 30, 2025'"),
        ("html", "<table><tr><th>Date Implemented</th><th>Name</th></tr>"
                 "<tr><td>X</td></tr></table>",
         "table row has 1 cells, expected 2: ['X']"),
        ("xml", "<x/>", "unknown snapshot role 'xml'"),
    ],
)
def test_malformed_input_is_a_source_error(
    tmp_path: Path, role: str, content: str, problem: str
) -> None:
    path = tmp_path / "fto"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        list(state_fto.parse({role: path}, Report()))
    assert (err.value.source, err.value.problem, err.value.path) == (
        "state_fto", problem, str(path))


@pytest.mark.slow
def test_full_bundled_snapshot() -> None:
    report = Report()
    source = state_fto.SOURCE
    records = {r.source_id: r for r in source.parse(source.snapshot_paths(), report)}
    assert report.rows == {"csv": 111}
    assert len(records) == 110  # Ansarallah's two rows are one record
    assert all(r.type == "organization" for r in records.values())
    assert source.expected.total[0] <= len(records) <= source.expected.total[1]
    listings = [d for r in records.values() for d in r.designations]
    assert (sum(d.status == "active" for d in listings),
            sum(d.status == "delisted" for d in listings)) == (91, 20)
    assert records["tren-de-aragua"].designations == [fto("2025-02-20")]
    assert records["cartel-de-los-soles"].designations == [fto("2025-11-24")]
    assert [d.listed_on for d in records["ansarallah"].designations] == ["2021-01-19", "2025-03-04"]
    assert records["al-nusrah-front"].designations == [fto("2014-05-15", "2025-07-08", "delisted")]

"""un_sc: three real entries trimmed from the 2026-02-27 file, malformed input, full snapshot."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from sanctions.errors import SourceError
from sanctions.models import (
    Address,
    BirthDate,
    Designation,
    Identifier,
    Name,
    Nationality,
    Property,
)
from sanctions.sources import un_sc
from sanctions.sources.base import Report

FIXTURES = Path(__file__).parent / "fixtures" / "un"
PAGE = "https://www.un.org/securitycouncil/content/un-sc-consolidated-list"
DPRK = "Democratic People's Republic of Korea"


def un(program: str, listed_on: str, reference: str) -> Designation:
    return Designation("United Nations Security Council", "UN SC Consolidated", program, listed_on,
                       reference=reference)


def test_trimmed_entries_map_to_records() -> None:
    report = Report()
    records = {r.source_id: r for r in un_sc.parse({"xml": FIXTURES / "consolidated_trimmed.xml"},
                                                    report)}
    assert list(records) == ["6908643", "111090", "690751"]
    assert report.rows == {"xml": 3}
    assert report.counts == {}

    mansour = records["111090"]
    assert (mansour.id, mansour.type, mansour.name, mansour.listed_on, mansour.url) == (
        "un_sc:111090", "person", "AKHTAR MOHAMMAD MANSOUR SHAH MOHAMMED", "2001-01-25", PAGE)
    assert mansour.names == [
        Name("AKHTAR MOHAMMAD MANSOUR SHAH MOHAMMED", "primary"),
        Name("اختر محمد منصور شاه محمد", "aka"),
        Name("Akhtar Mohammad Mansour Khan Muhammad", "aka", "Good"),
        Name("Akhtar Muhammad Mansoor", "aka", "Good"),
        Name("Akhtar Mohammad Mansoor", "aka", "Good"),
        Name("Naib Imam", "weak", "Low"),
    ]
    assert mansour.birth_dates == [
        BirthDate("approximately 1960", date="1960", circa=True),
        BirthDate("1966", date="1966"),
    ]
    assert mansour.birth_places == [
        "Band-e-Timur village, Maiwand District, Kandahar Province, Afghanistan"]
    assert mansour.identifiers == [
        Identifier("passport", "SE-011697", "Afghanistan",
                   note="issued 1988-01-25, Kabul; expired on 23 Feb. 2000")]
    assert mansour.nationalities == [Nationality("Afghanistan")]
    assert mansour.addresses == []
    assert mansour.title == "Minister of Civil Aviation and Transportation under the Taliban regime"
    assert mansour.properties == [
        Property("honorific", "Maulavi"), Property("honorific", "Mullah"),
        Property("last_updated", "2016-12-23")]
    assert mansour.designations == [un("Taliban", "2001-01-25", "TAi.011")]
    assert mansour.remarks is not None
    assert mansour.remarks.startswith("Involved in drug trafficking as of 2011")
    assert mansour.raw["REFERENCE_NUMBER"] == "TAi.011"
    assert mansour.raw["TITLE"] == {"VALUE": ["Maulavi", "Mullah"]}
    json.dumps(mansour.raw)

    kim = records["6908643"]
    assert kim.birth_dates == [BirthDate("between 1967 and 1969", date_from="1967", date_to="1969")]
    assert kim.addresses == [Address(country=DPRK)]
    assert kim.gender is None  # the gender is only in COMMENTS1 ("Gender: male")
    assert kim.designations == [un("DPRK", "2017-12-22", "KPi.066")]

    ryonbong = records["690751"]
    assert (ryonbong.type, ryonbong.name) == ("organization", "KOREA RYONBONG GENERAL CORPORATION")
    assert ryonbong.names[1:] == [
        Name("KOREA YONBONG GENERAL CORPORATION", "aka", "a.k.a."),
        Name("LYONGAKSAN GENERAL TRADING CORPORATION", "fka", "f.k.a."),
    ]
    assert ryonbong.addresses == [
        Address("Pot’onggang District", "Pyongyang", country=DPRK),
        Address("Rakwon-dong, Pothonggang District", "Pyongyang", country=DPRK),
    ]
    assert ryonbong.remarks == (
        "Defense conglomerate specializing in acquisition for DPRK defense\n"
        "industries and support to that country’s military-related sales.")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "file is empty"),
        (b"<!DOCTYPE html><html><body>Service unavailable</body></html>",
         "file is an HTML page, not the expected data file"),
        (b"<?xml version='1.0'?><sdnList><sdnEntry/></sdnList>",
         "root element is <sdnList>, expected <CONSOLIDATED_LIST>"),
        (b"<CONSOLIDATED_LIST dateGenerated='2026-02-27'></CONSOLIDATED_LIST>",
         "no INDIVIDUALS or ENTITIES section"),
        (b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>X</FIRST_NAME></INDIVIDUAL>"
         b"</INDIVIDUALS></CONSOLIDATED_LIST>", "INDIVIDUAL without DATAID: 'X'"),
    ],
)
def test_malformed_input(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_bytes(content)
    with pytest.raises(SourceError) as err:
        list(un_sc.parse({"xml": path}, Report()))
    assert (err.value.problem, err.value.path) == (problem, str(path))


def test_truncated_xml(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_bytes((FIXTURES / "consolidated_trimmed.xml").read_bytes()[:3000])
    with pytest.raises(SourceError, match=r"not well-formed XML \(truncated\?\)"):
        list(un_sc.parse({"xml": path}, Report()))


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_bytes(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
                     b"<CONSOLIDATED_LIST>&a;</CONSOLIDATED_LIST>")
    with pytest.raises(SourceError, match="refused unsafe XML"):
        list(un_sc.parse({"xml": path}, Report()))


@pytest.mark.slow
def test_full_snapshot() -> None:
    report = Report()
    records = list(un_sc.parse(un_sc.SOURCE.snapshot_paths(), report))
    assert len(records) == 1003
    assert Counter(r.type for r in records) == {"person": 730, "organization": 273}
    assert len({r.source_id for r in records}) == 1003
    assert Counter(r.designations[0].program for r in records) == {
        "Al-Qaida": 341, "DPRK": 155, "Taliban": 140, "Iran": 121, "Iraq": 75, "DRC": 53,
        "Libya": 30, "Somalia": 24, "CAR": 15, "Haiti": 11, "Yemen": 11, "GB": 10, "Sudan": 9,
        "SouthSudan": 8,
    }
    assert Counter(n.kind for r in records for n in r.names) == {
        "primary": 1003, "aka": 2496, "weak": 615, "fka": 19}
    assert Counter(i.scheme for r in records for i in r.identifiers) == {
        "passport": 310, "national_id": 144}
    assert report.rows == {"xml": 1003}
    assert report.counts == {"documents without a number": 14}
    lo, hi = un_sc.SOURCE.expected.total
    assert lo <= len(records) <= hi
    assert un_sc.SOURCE.as_of == "2026-02-27"


def test_declaration() -> None:
    s = un_sc.SOURCE
    assert (s.priority, s.short, s.date_formats) == (60, "UN SC", ())  # dates are ISO already

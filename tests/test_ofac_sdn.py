"""ofac_sdn: legacy CSV reading, composition of the snapshot files, clear errors, full build."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctions.errors import SourceError
from sanctions.models import (
    Address,
    BirthDate,
    Designation,
    Identifier,
    Name,
    Property,
    Record,
    Vessel,
)
from sanctions.sources import ofac_sdn
from sanctions.sources.base import Report
from sanctions.sources.ofac_csv import SDN_COLUMNS, read_csv

FIX = Path(__file__).parent / "fixtures" / "ofac"
ROLES = {
    "sdn": "sdn.csv",
    "sdn_excerpt": "sdn_excerpt.csv",
    "alt": "alt.csv",
    "add": "add.csv",
    "comments": "sdn_comments.csv",
}


def parse(paths: dict[str, Path]) -> tuple[dict[str, Record], Report]:
    report = Report()
    return {r.source_id: r for r in ofac_sdn.parse(paths, report)}, report


@pytest.fixture(scope="module")
def parsed() -> tuple[dict[str, Record], Report]:
    return parse({role: FIX / name for role, name in ROLES.items()})


def test_raw_csv_quirks_null_crlf_and_sub_byte() -> None:
    raw = (FIX / "sdn.csv").read_bytes()
    assert raw.endswith(b"\r\n\x1a")  # the fixture really has OFAC's quirks
    rows = read_csv("ofac_sdn", FIX / "sdn.csv", SDN_COLUMNS)
    assert len(rows) == 18
    assert rows[0] == {
        "ent_num": "306",
        "SDN_Name": "BANCO NACIONAL DE CUBA",
        "SDN_Type": None,
        "Program": "CUBA",
        "Title": None,
        "Call_Sign": None,
        "Vess_type": None,
        "Tonnage": None,
        "GRT": None,
        "Vess_flag": None,
        "Vess_owner": None,
        "Remarks": "a.k.a. 'BNC'.",
    }


def test_row_counts_and_orphans(parsed: tuple[dict[str, Record], Report]) -> None:
    records, report = parsed
    assert len(records) == 18 + 6
    assert report.rows == {"sdn": 18, "sdn_excerpt": 6, "alt": 37, "add": 15, "comments": 5}
    assert report.counts["alt rows without an entry"] == 1
    assert report.counts["add rows without an entry"] == 1
    assert report.counts["comments rows without an entry"] == 1  # 17016
    assert report.counts["comments rows for remarks that were not cut"] == 1  # 22985
    assert report.counts["invalid IMO check digit"] == 1  # 19587


def test_maduro(parsed: tuple[dict[str, Record], Report]) -> None:
    m = parsed[0]["22790"]
    assert (m.id, m.type, m.name, m.gender) == (
        "ofac_sdn:22790",
        "person",
        "MADURO MOROS, Nicolas",
        "Male",
    )
    assert m.title == "President of the Bolivarian Republic of Venezuela"
    assert m.url == "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=22790"
    assert m.birth_dates == [BirthDate(raw="23 Nov 1962", date="1962-11-23")]
    assert m.identifiers == [Identifier("cedula", "5892464", "Venezuela")]
    assert m.designations == [
        Designation("U.S. Treasury OFAC", "SDN", "VENEZUELA"),
        Designation("U.S. Treasury OFAC", "SDN", "IRAN-CON-ARMS-EO"),
    ]
    assert m.addresses == [Address(city="Caracas, Capital District", country="Venezuela")]
    assert m.raw["ent_num"] == "22790" and m.raw["SDN_Type"] == "individual"
    assert m.properties == []  # the title statement is not repeated as a remark


def test_tren_de_aragua_from_excerpt(parsed: tuple[dict[str, Record], Report]) -> None:
    t = parsed[0]["49756"]
    assert t.type == "organization"
    assert t.programs == ["FTO", "SDGT", "TCO"]
    assert t.names == [
        Name("TREN DE ARAGUA", "primary"),
        Name("EL TREN DE ARAGUA", "aka"),
        Name("ARAGUA TRAIN", "weak"),
    ]
    assert [a.country for a in t.addresses][:3] == ["Venezuela", "Colombia", "Chile"]


def test_vessel_with_owner_links(parsed: tuple[dict[str, Record], Report]) -> None:
    v = parsed[0]["56706"]
    assert v.vessel == Vessel(
        imo="9323596",
        imo_valid=True,
        mmsi="352003296",
        call_sign="3E7463",
        vessel_type="Crude Oil Tanker",
        flag="Panama",
    )
    assert [(r.target_name, r.target_id) for r in v.relations] == [
        ("KRAPE MYRTLE CO LTD", "ofac_sdn:56704"),
        ("CORNIOLA LIMITED", "ofac_sdn:56705"),
    ]


def test_vessel_tonnage_columns_and_fka(parsed: tuple[dict[str, Record], Report]) -> None:
    v = parsed[0]["15036"]
    assert v.vessel == Vessel(
        imo="9187629",
        imo_valid=True,
        mmsi="572469210",
        call_sign="T2EU4",
        vessel_type="Crude/Oil Products Tanker",
        tonnage="99,144",
        grt="56,068",
        flag="Iran",
    )
    assert v.names[1:] == [Name("ABADAN", "fka"), Name("SHONA", "fka"), Name("ALPHA", "weak")]
    assert v.relations[0].target_id == "ofac_sdn:15117"


def test_aircraft(parsed: tuple[dict[str, Record], Report]) -> None:
    a = parsed[0]["15431"]
    assert (a.type, a.name, a.vessel) == ("aircraft", "EP-GOM", None)
    assert Identifier("aircraft_msn", "1023409321") in a.identifiers


def test_invalid_imo_kept(parsed: tuple[dict[str, Record], Report]) -> None:
    r = parsed[0]["19587"]
    assert r.type == "organization"
    assert r.identifiers == [Identifier("imo", "5057119", valid=False)]


def test_alt_listed_alias_wins_over_inline(parsed: tuple[dict[str, Record], Report]) -> None:
    r = parsed[0]["15148"]  # remarks say f.k.a. 'OSIS'; ALT.CSV lists OSIS as an aka
    osis = [n for n in r.names if n.name == "OSIS"]
    assert osis == [Name("OSIS", "aka")]
    assert Name("POSIS", "weak") in r.names


def test_comments_continue_cut_remarks(parsed: tuple[dict[str, Record], Report]) -> None:
    r = parsed[0]["28264"]
    assert len(r.raw["Remarks"]) == 1000 and r.raw["Remarks"].endswith("510.210; P")
    assert r.remarks == r.raw["Remarks"] + r.raw["comments"][0]
    assert Property("phone", "8613314257947") in r.properties
    spaced = parsed[0]["44718"]  # cut right after a space: 'U.S. ' + 'Financial'
    assert "Controlled By U.S. Financial Institutions" in (spaced.remarks or "")
    assert (
        Property("transactions_prohibited", "North Korea Sanctions Regulations section 510.214")
        in spaced.properties
    )
    sber = parsed[0]["17018"]  # continued too, and it gains the overflowed IDs and aliases
    assert Identifier("tax_id", "7707083893", "Russia") in sber.identifiers
    assert sber.names[-2:] == [Name("SBERBANK INDIA", "weak"), Name("SBERBANK MUMBAI", "weak")]
    uncut = parsed[0]["22985"]  # its comment row belongs to another list version
    assert uncut.remarks == uncut.raw["Remarks"]


def test_excerpt_replaces_and_adds(tmp_path: Path) -> None:
    older = tmp_path / "sdn.csv"
    # A real 2024 row with its program edited, so the replacement is visible.
    older.write_bytes(
        b'48405,"HECATE","vessel","OLD-PROGRAM",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a'
    )
    records, report = parse({"sdn": older, "sdn_excerpt": FIX / "sdn_excerpt.csv"})
    assert records["48405"].programs == ["SDGT"]
    assert records["48405"].vessel == Vessel(
        imo="9233753",
        imo_valid=True,
        mmsi="620999379",
        call_sign="D6A3379",
        vessel_type="Crude Oil Tanker",
        flag="Comoros",
    )
    assert "49756" in records and len(records) == 6
    assert report.counts["sdn_excerpt rows replacing an earlier entry"] == 1


def test_optional_roles_absent() -> None:
    records, report = parse({"sdn": FIX / "sdn.csv"})
    assert len(records) == 18
    assert records["22790"].addresses == []
    assert report.rows == {"sdn": 18}


def test_no_entry_file_is_an_error() -> None:
    with pytest.raises(SourceError, match="no entry file"):
        parse({"alt": FIX / "alt.csv"})


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "file is empty"),
        (b"<!DOCTYPE html><html><body>503 Service Unavailable</body></html>", "HTML page"),
        (
            b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
            b'306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"a.k.a. '
            b"'BN",
            "truncated",
        ),
        (
            b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
            b'306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- \r\n',
            "unexpected columns",
        ),
        (b'36,25,-0- ,"Havana","Cuba",-0- \r\n', "unexpected columns"),
    ],
    ids=["empty", "html", "cut-mid-quote", "cut-row", "add-file-as-sdn"],
)
def test_malformed_sdn_csv(tmp_path: Path, content: bytes, problem: str) -> None:
    bad = tmp_path / "SDN.CSV"
    bad.write_bytes(content)
    with pytest.raises(SourceError, match=problem) as err:
        parse({"sdn": bad})
    assert err.value.source == "ofac_sdn" and err.value.path == str(bad)


def test_sdn_xml_role(tmp_path: Path) -> None:
    # sdnList XML is the same schema for SDN.XML; reuse the real consolidated fixture.
    records, report = parse({"xml": FIX / "consolidated.xml"})
    assert sorted(records) == ["18669", "18725", "50476", "9639"]
    assert records["9639"].designations[0].list == "SDN"
    assert report.rows == {"xml": 4}


def test_declaration() -> None:
    s = ofac_sdn.SOURCE
    assert s.key == "ofac_sdn" and s.kind == "official"
    assert (s.priority, s.short, s.date_formats) == (10, "OFAC SDN", ("%m/%d/%Y",))
    kinds = {f.role: f.kind for f in s.snapshot}
    assert kinds == {
        "sdn": "official",
        "sdn_excerpt": "excerpt",
        "alt": "official",
        "add": "official",
        "comments": "official",
    }
    assert all(p.exists() for p in s.snapshot_paths().values())
    assert (s.as_of, s.newest) == ("2024-05-03", "2026-06-02")  # main file's date, newest's


@pytest.mark.slow
def test_full_bundled_snapshot() -> None:
    report = Report()
    records = {
        r.source_id: r for r in ofac_sdn.SOURCE.parse(ofac_sdn.SOURCE.snapshot_paths(), report)
    }
    types: dict[str, int] = {}
    for r in records.values():
        types[r.type] = types.get(r.type, 0) + 1
    assert len(records) == 15077
    assert types == {"person": 6889, "organization": 6909, "vessel": 903, "aircraft": 376}
    assert report.rows == {
        "sdn": 14965,
        "sdn_excerpt": 126,
        "alt": 20260,
        "add": 24776,
        "comments": 28,
    }
    assert report.counts["sdn_excerpt rows replacing an earlier entry"] == 14
    assert records["49756"].programs == ["FTO", "SDGT", "TCO"]
    maduro = records["22790"]
    assert maduro.birth_dates == [BirthDate(raw="23 Nov 1962", date="1962-11-23")]
    assert Identifier("cedula", "5892464", "Venezuela") in maduro.identifiers
    assert records["56706"].vessel is not None and records["56706"].vessel.imo == "9323596"
    vessels = [r for r in records.values() if r.type == "vessel"]
    assert sum(1 for v in vessels if v.vessel and v.vessel.imo) >= 850
    lo, hi = ofac_sdn.SOURCE.expected.total
    assert lo <= len(records) <= hi
    for t, n in ofac_sdn.SOURCE.expected.min_by_type.items():
        assert types[t] >= n


# --- Strict reading: the end marker, the encoding, duplicate ids. ---

ROW_36 = b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
ROW_306 = b'306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'


def _sdn_error(tmp_path: Path, content: bytes) -> str:
    bad = tmp_path / "SDN.CSV"
    bad.write_bytes(content)
    with pytest.raises(SourceError) as err:
        parse({"sdn": bad})
    assert err.value.path == str(bad)  # the whole path for callers; the message names the file
    return str(err.value)


def test_cut_at_a_row_boundary_is_refused(tmp_path: Path) -> None:
    assert _sdn_error(tmp_path, ROW_36 + ROW_306) == (
        "ofac_sdn (SDN.CSV): no end-of-file marker (0x1A) after line 2: the file was cut short "
        "(OFAC ends every CSV with one)")


def test_the_marker_ends_a_complete_file(tmp_path: Path) -> None:
    good = tmp_path / "SDN.CSV"
    good.write_bytes(ROW_36 + ROW_306 + b"\x1a")
    assert sorted(parse({"sdn": good})[0]) == ["306", "36"]


def test_a_latin1_byte_is_refused_with_its_line(tmp_path: Path) -> None:
    latin = ROW_306.replace(b"BANCO NACIONAL", b"BANCO NACI\xd3NAL")
    assert _sdn_error(tmp_path, ROW_36 + latin + b"\x1a") == (
        "ofac_sdn (SDN.CSV): line 2 is not valid UTF-8 (byte D3: invalid continuation byte); "
        "refused rather than guessing the encoding")


def test_utf8_accents_are_kept(tmp_path: Path) -> None:
    good = tmp_path / "SDN.CSV"
    good.write_bytes(ROW_36 + ROW_306.replace(b"NACIONAL", "NACIÓNAL".encode()) + b"\x1a")
    assert parse({"sdn": good})[0]["306"].name == "BANCO NACIÓNAL DE CUBA"


def test_a_duplicate_ent_num_is_refused(tmp_path: Path) -> None:
    assert _sdn_error(tmp_path, ROW_36 + ROW_306 + ROW_36 + b"\x1a") == (
        "ofac_sdn (SDN.CSV): line 3: ent_num 36 appears again (first on line 1); duplicate ids")


def test_alt_files_need_the_marker_too(tmp_path: Path) -> None:
    sdn, alt = tmp_path / "SDN.CSV", tmp_path / "ALT.CSV"
    sdn.write_bytes(ROW_36 + b"\x1a")
    alt.write_bytes(b'36,1,"a.k.a.","AEROCARIBBEAN",-0- \r\n')
    with pytest.raises(SourceError) as err:
        parse({"sdn": sdn, "alt": alt})
    assert str(err.value) == ("ofac_sdn (ALT.CSV): no end-of-file marker (0x1A) after line 1: "
                              "the file was cut short (OFAC ends every CSV with one)")


def test_a_runaway_field_gives_a_short_line(tmp_path: Path) -> None:
    message = _sdn_error(tmp_path, b"X" * 1_000_000 + b',"A",-0- \r\n\x1a')
    assert message == ("ofac_sdn (SDN.CSV): line 1 has a field over 131,072 characters; not an "
                       "OFAC CSV file?")
    wrong = _sdn_error(tmp_path, b"X" * 100_000 + b"," * 11 + b"\r\n\x1a")
    assert wrong == "ofac_sdn (SDN.CSV): line 1: ent_num " + repr("X" * 40) + \
        " is not a number; not an OFAC CSV file?"

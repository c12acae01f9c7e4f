"""ofac_cons: the sdnList XML, the newer CONS_PRIM.CSV over it, bad XML refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctions.errors import SourceError
from sanctions.models import Address, BirthDate, Identifier, Name, Nationality, Property, Record
from sanctions.sources import ofac_cons
from sanctions.sources.base import Report
from sanctions.sources.ofac_xml import read_xml

FIX = Path(__file__).parent / "fixtures" / "ofac"
ALL = {"xml": FIX / "consolidated.xml", "prim": FIX / "cons_prim.csv", "add": FIX / "cons_add.csv"}


def parse(paths: dict[str, Path]) -> tuple[dict[str, Record], Report]:
    report = Report()
    return {r.source_id: r for r in ofac_cons.parse(paths, report)}, report


def test_read_xml_header_and_entry_shape() -> None:
    xml = read_xml("ofac_cons", FIX / "consolidated.xml")
    assert (xml.publish_date, xml.record_count, len(xml.entries)) == ("2025-03-28", 4, 4)
    e = xml.entries[0]
    assert e.row["ent_num"] == "9639" and e.row["SDN_Name"] == "HANIYA, Ismail Abdul Salah"
    assert e.row["SDN_Type"] == "individual" and e.row["Program"] == "NS-PLC"
    assert [a["alt_name"] for a in e.alt_rows] == ["HANIYA, Ismail", "HANIYYA, Ismaeel"]
    assert e.xml is not None and e.xml.birth_dates == ["1962"] and e.xml.birth_places == ["Shati"]


def test_xml_only() -> None:
    records, report = parse({"xml": FIX / "consolidated.xml"})
    m = records["50476"]
    assert m.names == [
        Name("MARTELLY, Michel Joseph", "primary"),
        Name("MARTELLY, Michael", "aka", "strong"),
        Name("Sweet Micky", "aka", "weak"),
    ]
    assert m.birth_dates == [BirthDate(raw="12 Feb 1961", date="1961-02-12")]
    assert m.nationalities == [Nationality("Haiti", "nationality")]
    assert Identifier("national_id", "0032768386", "Haiti") in m.identifiers
    assert Identifier("drivers_license", "M634550610520", "United States") in m.identifiers
    vtb = records["18725"]
    assert vtb.type == "organization" and vtb.programs == ["UKRAINE-EO13662", "RUSSIA-EO14024"]
    assert Identifier("swift_bic", "VTBLAOLU") in vtb.identifiers
    assert Property("website", "www.vtb.ao") in vtb.properties
    assert [r.target_name for r in vtb.relations] == ["VTB BANK PUBLIC JOINT STOCK COMPANY"]
    assert vtb.addresses == [Address(address="22, Rua da Missao", city="Luanda", country="Angola")]
    assert all(d.list == "Non-SDN" for r in records.values() for d in r.designations)
    assert report.rows == {"xml": 4}


def test_prim_replaces_xml_fields_and_add_replaces_addresses() -> None:
    records, report = parse(ALL)
    assert report.rows == {"xml": 4, "prim": 4, "add": 7}
    assert report.counts["prim rows replacing an earlier entry"] == 4
    m = records["50476"]
    assert m.remarks is not None and m.remarks.endswith("a.k.a. 'Sweet Micky'.")
    assert m.gender == "Male"
    # 'Sweet Micky' is in the XML's akaList, so the inline weak alias is not added twice.
    assert [n.name for n in m.names].count("Sweet Micky") == 1
    # IDs come once, from the newer Remarks; not again from the XML.
    assert [i.scheme for i in m.identifiers] == ["drivers_license", "national_id"]
    assert m.addresses == [
        Address(city="Miami, FL", country="United States"),
        Address(city="Petionville, Ouest", country="Haiti"),
        Address(city="Port-au-Prince, Ouest", country="Haiti"),
        Address(country="Dominican Republic"),
    ]
    assert records["9639"].addresses == []  # CONS_ADD's all '-0-' row is no address


def test_not_sdnlist_xml(tmp_path: Path) -> None:
    bad = tmp_path / "CONSOLIDATED.XML"
    bad.write_text('<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>')
    with pytest.raises(SourceError, match="not an OFAC sdnList XML file"):
        parse({"xml": bad})


def test_truncated_xml(tmp_path: Path) -> None:
    bad = tmp_path / "CONSOLIDATED.XML"
    bad.write_bytes((FIX / "consolidated.xml").read_bytes()[:3000])
    with pytest.raises(SourceError, match="malformed or truncated XML"):
        parse({"xml": bad})


def test_entity_expansion_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "CONSOLIDATED.XML"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        "<sdnList>&lol2;</sdnList>"
    )
    with pytest.raises(SourceError, match="refused as unsafe"):
        parse({"xml": bomb})


def test_declaration() -> None:
    s = ofac_cons.SOURCE
    assert s.key == "ofac_cons" and s.kind == "official"
    assert (s.priority, s.short, s.date_formats) == (20, "OFAC Consolidated", ("%m/%d/%Y",))
    assert {f.role: f.as_of for f in s.snapshot} == {
        "xml": "2025-03-28",
        "prim": "2025-08-18",
        "add": "2025-04-21",
    }
    assert all(p.exists() for p in s.snapshot_paths().values())


@pytest.mark.slow
def test_full_bundled_snapshot() -> None:
    report = Report()
    records = list(ofac_cons.SOURCE.parse(ofac_cons.SOURCE.snapshot_paths(), report))
    assert len(records) == 443
    assert report.rows == {"xml": 443, "prim": 443, "add": 572}
    assert sum(r.type == "person" for r in records) == 80
    rosoboron = next(r for r in records if r.name == "ROSOBORONEKSPORT OAO")
    assert "SYRIA" not in rosoboron.programs  # CONS_PRIM (Aug 2025) wins over the March XML

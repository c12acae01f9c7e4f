"""The REMARKS parser, one feature at a time, on statements copied from real SDN rows."""

from __future__ import annotations

import pytest

from sanctions.dates import reduced_iso
from sanctions.models import BirthDate, Identifier, Name, Nationality, Property, Relation
from sanctions.sources.ofac_csv import split_programs
from sanctions.sources.ofac_remarks import parse_remarks

MADURO = (
    "DOB 23 Nov 1962; POB Caracas, Venezuela; citizen Venezuela; Gender Male; Cedula No. "
    "5892464 (Venezuela); President of the Bolivarian Republic of Venezuela."
)


@pytest.mark.parametrize(
    ("remarks", "expected"),
    [
        ("DOB 23 Nov 1962.", [BirthDate(raw="23 Nov 1962", date="1962-11-23")]),
        ("DOB Aug 1946; nationality Sudan.", [BirthDate(raw="Aug 1946", date="1946-08")]),
        ("DOB 1962; POB Shati.", [BirthDate(raw="1962", date="1962")]),
        (
            "DOB circa 1951; POB Foca, Bosnia-Herzegovina.",
            [BirthDate(raw="circa 1951", date="1951", circa=True)],
        ),
        (
            "DOB 1929 to 1930; Linked To: SUMIYOSHI-KAI.",
            [BirthDate(raw="1929 to 1930", date_from="1929", date_to="1930")],
        ),
        (
            "DOB 08 Nov 1985 to 07 Nov 1986.",
            [
                BirthDate(
                    raw="08 Nov 1985 to 07 Nov 1986", date_from="1985-11-08", date_to="1986-11-07"
                )
            ],
        ),
        (
            "DOB circa 1979-1982.",
            [BirthDate(raw="circa 1979-1982", date_from="1979", date_to="1982", circa=True)],
        ),
        (
            "DOB 30 Jul 1957; alt. DOB 1958; POB Jeddah, Saudi Arabia; alt. POB Yemen.",
            [BirthDate(raw="30 Jul 1957", date="1957-07-30"), BirthDate(raw="1958", date="1958")],
        ),
        ("DOB 1 Smarch 1962.", [BirthDate(raw="1 Smarch 1962")]),
    ],
)
def test_dob_forms(remarks: str, expected: list[BirthDate]) -> None:
    assert parse_remarks(remarks).birth_dates == expected


def test_reduced_iso_rejects_unknown_month() -> None:
    assert reduced_iso("12 Foo 1962") is None
    assert reduced_iso("5 Jan 1962") == "1962-01-05"


def test_maduro_person_facts() -> None:
    r = parse_remarks(MADURO)
    assert r.birth_places == ["Caracas, Venezuela"]
    assert r.nationalities == [Nationality(country="Venezuela", kind="citizenship")]
    assert r.gender == "Male"
    assert r.identifiers == [Identifier(scheme="cedula", value="5892464", country="Venezuela")]
    assert r.other == ["President of the Bolivarian Republic of Venezuela"]


def test_pob_with_alt_and_nationality() -> None:
    r = parse_remarks(
        "DOB 30 Jul 1957; POB Jeddah, Saudi Arabia; alt. POB Yemen; "
        "nationality United Kingdom; citizen United Kingdom."
    )
    assert r.birth_places == ["Jeddah, Saudi Arabia", "Yemen"]
    assert r.nationalities == [
        Nationality("United Kingdom", "nationality"),
        Nationality("United Kingdom", "citizenship"),
    ]


def test_identifier_types_with_country_and_dates() -> None:
    r = parse_remarks(
        "DOB 15 Dec 1967; R.F.C. AIMM-671215-387 (Mexico); C.U.R.P. AIMM67125HCHRRG06 (Mexico) "
        "issued 1968; Passport RL 3367620 (Lebanon) expires 28 Aug 2020; National ID No. "
        "0032768386 (Haiti); Tax ID No. 7707083893 (Russia); Registration Number 1027700132195 "
        "(Russia); NIT # 901726321-4 (Colombia); Legal Entity Number 253400WSS48YWMBUA688; "
        "SWIFT/BIC HAVIGB2L; D-U-N-S Number 52-024-2307; Business Registration Document # 49840 "
        "(Turkey); Folio Mercantil No. 75487 (Mexico); Kenyan ID No. 23446085 (Kenya)."
    )
    assert r.identifiers == [
        Identifier("rfc", "AIMM-671215-387", "Mexico"),
        Identifier("curp", "AIMM67125HCHRRG06", "Mexico", note="issued 1968"),
        Identifier("passport", "RL 3367620", "Lebanon", note="expires 28 Aug 2020"),
        Identifier("national_id", "0032768386", "Haiti"),
        Identifier("tax_id", "7707083893", "Russia"),
        Identifier("registration_number", "1027700132195", "Russia"),
        Identifier("nit", "901726321-4", "Colombia"),
        Identifier("lei", "253400WSS48YWMBUA688"),
        Identifier("swift_bic", "HAVIGB2L"),
        Identifier("duns", "52-024-2307"),
        Identifier("business_registration_document", "49840", "Turkey"),
        Identifier("folio_mercantil", "75487", "Mexico"),
        Identifier("kenyan_id", "23446085", "Kenya"),  # not in the table: slug of its label
    ]


def test_aircraft_identifiers() -> None:
    r = parse_remarks(
        "Aircraft Construction Number (also called L/N or S/N or F/N) 8401; Aircraft Manufacture "
        "Date 1992; Aircraft Model IL76-TD; Aircraft Operator YAS AIR; Aircraft Manufacturer's "
        "Serial Number (MSN) 1023409321; Linked To: POUYA AIR."
    )
    assert r.identifiers == [
        Identifier("aircraft_construction_number", "8401"),
        Identifier("aircraft_msn", "1023409321"),
    ]
    assert r.properties == [
        Property("aircraft_manufacture_date", "1992"),
        Property("aircraft_model", "IL76-TD"),
        Property("aircraft_operator", "YAS AIR"),
    ]
    assert r.relations == [Relation("linked_to", "POUYA AIR")]


def test_vessel_imo_valid_mmsi_and_links() -> None:
    r = parse_remarks(
        "Vessel Year of Build 2006; Vessel Registration Identification IMO "
        "9323596; MMSI 352003296; Linked To: KRAPE MYRTLE CO LTD; Linked To: "
        "CORNIOLA LIMITED."
    )
    assert r.identifiers == [
        Identifier("imo", "9323596", valid=True),
        Identifier("mmsi", "352003296"),
    ]
    assert r.relations == [
        Relation("linked_to", "KRAPE MYRTLE CO LTD"),
        Relation("linked_to", "CORNIOLA LIMITED"),
    ]
    assert r.properties == [Property("vessel_year_of_build", "2006")]


def test_invalid_imo_is_kept_and_flagged() -> None:
    r = parse_remarks("Vessel Registration Identification IMO 5057119.")
    assert r.identifiers == [Identifier("imo", "5057119", valid=False)]


def test_company_imo_is_not_checked_as_a_ship_number() -> None:
    r = parse_remarks(
        "Organization Established Date 17 Mar 2023; Identification Number IMO "
        "6450979; Trade License No. DMCC-881270 (United Arab Emirates)."
    )
    assert r.identifiers == [
        Identifier("imo_company", "6450979"),
        Identifier("trade_license", "DMCC-881270", "United Arab Emirates"),
    ]
    assert r.properties == [Property("organization_established_date", "17 Mar 2023")]


def test_properties_and_weak_aliases() -> None:
    r = parse_remarks(
        "Secondary sanctions risk: section 1(b) of Executive Order 13224, as amended by Executive "
        "Order 13886; Organization Type: Transnational Terrorist Group; Target Type Criminal "
        "Organization; Website www.nitc.co.ir; Email Address info@nitc.co.ir; Additional "
        "Sanctions Information - Subject to Secondary Sanctions; a.k.a. 'ARAGUA TRAIN'; "
        "f.k.a. 'ALPHA, BETA'; n.k.a. 'GAMMA'."
    )
    assert r.properties == [
        Property(
            "secondary_sanctions_risk",
            "section 1(b) of Executive Order 13224, as amended by Executive Order 13886",
        ),
        Property("organization_type", "Transnational Terrorist Group"),
        Property("target_type", "Criminal Organization"),
        Property("website", "www.nitc.co.ir"),
        Property("email", "info@nitc.co.ir"),
        Property("additional_sanctions_information", "Subject to Secondary Sanctions"),
    ]
    assert r.weak_names == [
        Name("ARAGUA TRAIN", "weak"),
        Name("ALPHA, BETA", "weak"),
        Name("GAMMA", "weak"),
    ]


def test_xml_style_linked_to_in_parentheses() -> None:
    r = parse_remarks(
        "For more information on directives, please visit the following link: "
        "http://x.example/#directives; (Linked To: VTB BANK PUBLIC JOINT STOCK "
        "COMPANY)"
    )
    assert r.relations == [Relation("linked_to", "VTB BANK PUBLIC JOINT STOCK COMPANY")]


def test_digital_currency_address_keeps_currency_as_note() -> None:
    r = parse_remarks("Digital Currency Address - XBT 1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V.")
    assert r.identifiers == [
        Identifier("digital_currency_address", "1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V", note="XBT")
    ]


def test_empty_remarks() -> None:
    assert parse_remarks(None).identifiers == []
    assert parse_remarks("").other == []


def test_programs_split() -> None:
    assert split_programs("FTO] [SDGT] [TCO") == ["FTO", "SDGT", "TCO"]
    assert split_programs("CUBA") == ["CUBA"]
    assert split_programs(None) == []

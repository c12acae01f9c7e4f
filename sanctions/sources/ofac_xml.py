"""OFAC's sdnList XML (SDN.XML, CONSOLIDATED.XML), read into the legacy CSV's shape.

Each `sdnEntry` becomes an `ofac_csv.Entry`: its SDN.CSV columns, its `akaList` as ALT rows, its
`addressList` as addresses, and what the XML states in its own elements but the CSV keeps inside
Remarks (IDs, dates and places of birth, nationalities) as `XmlFacts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..dates import parse_date
from ..errors import SourceError
from ..models import Address
from .base import read_text
from .ofac_csv import Entry, Row, XmlFacts

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

XML_NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"
# Publish_Date is American month-first ("03/28/2025"). Dates of birth are not strptime dates:
# they keep what is known ("Nov 1962"), see `ofac_remarks.parse_dob`.
DATE_FORMATS = ("%m/%d/%Y",)


@dataclass(slots=True)
class XmlList:
    publish_date: str | None  # ISO
    record_count: int | None
    entries: list[Entry]


def _t(el: Element | None, tag: str) -> str | None:
    child = el.find(f"{{{XML_NS}}}{tag}") if el is not None else None
    return (child.text or "").strip() or None if child is not None else None


def _all(el: Element, path: str) -> list[Element]:
    return el.findall("/".join(f"{{{XML_NS}}}{p}" for p in path.split("/")))


def _xml_entry(el: Element) -> Entry:
    last, first = _t(el, "lastName"), _t(el, "firstName")
    name = f"{last}, {first}" if last and first else (last or first or "")
    sdn_type = (_t(el, "sdnType") or "").lower()
    vessel = el.find(f"{{{XML_NS}}}vesselInfo")
    row: Row = {
        "ent_num": _t(el, "uid"),
        "SDN_Name": name,
        "SDN_Type": None if sdn_type in ("", "entity") else sdn_type,
        "Program": "] [".join(p.text.strip() for p in _all(el, "programList/program") if p.text),
        "Title": _t(el, "title"),
        "Call_Sign": _t(vessel, "callSign"),
        "Vess_type": _t(vessel, "vesselType"),
        "Tonnage": _t(vessel, "tonnage"),
        "GRT": _t(vessel, "grossRegisteredTonnage"),
        "Vess_flag": _t(vessel, "vesselFlag"),
        "Vess_owner": _t(vessel, "vesselOwner"),
        "Remarks": _t(el, "remarks"),
    }
    alts: list[Row] = []
    for aka in _all(el, "akaList/aka"):
        al, af = _t(aka, "lastName"), _t(aka, "firstName")
        alts.append(
            {
                "ent_num": row["ent_num"],
                "alt_num": _t(aka, "uid"),
                "alt_type": _t(aka, "type"),
                "alt_name": f"{al}, {af}" if al and af else (al or af),
                "alt_remarks": _t(aka, "category"),
            }
        )
    addresses = []
    for a in _all(el, "addressList/address"):
        lines = (_t(a, "address1"), _t(a, "address2"), _t(a, "address3"))
        street = ", ".join(s for s in lines if s)
        addr = Address(
            address=street or None,
            city=_t(a, "city"),
            state=_t(a, "stateOrProvince"),
            postal_code=_t(a, "postalCode"),
            country=_t(a, "country"),
        )
        if any((addr.address, addr.city, addr.state, addr.postal_code, addr.country)):
            addresses.append(addr)
    facts = XmlFacts(
        ids=[
            (_t(i, "idType") or "", _t(i, "idNumber") or "", _t(i, "idCountry"))
            for i in _all(el, "idList/id")
        ],
        birth_dates=[
            d for i in _all(el, "dateOfBirthList/dateOfBirthItem") if (d := _t(i, "dateOfBirth"))
        ],
        birth_places=[
            p for i in _all(el, "placeOfBirthList/placeOfBirthItem") if (p := _t(i, "placeOfBirth"))
        ],
        nationalities=[
            c for i in _all(el, "nationalityList/nationality") if (c := _t(i, "country"))
        ],
        citizenships=[
            c for i in _all(el, "citizenshipList/citizenship") if (c := _t(i, "country"))
        ],
    )
    return Entry(row=row, alt_rows=alts, addresses=addresses, xml=facts)


def read_xml(source: str, path: Path) -> XmlList:
    """Parse an sdnList XML file (defusedxml: DTDs and entity expansion are refused)."""
    # the XML parser is imported here: the source declarations (sanctions.sources) read
    # DATE_FORMATS from this module without it
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    text = read_text(source, path, "utf-8")
    try:
        root = fromstring(text.encode("utf-8"), forbid_dtd=True)
    except DefusedXmlException as exc:
        raise SourceError(
            source, f"XML refused as unsafe ({exc.__class__.__name__})", str(path)
        ) from exc
    except ParseError as exc:
        raise SourceError(source, f"malformed or truncated XML ({exc})", str(path)) from exc
    if root.tag != f"{{{XML_NS}}}sdnList":
        raise SourceError(
            source, f"not an OFAC sdnList XML file (root element {root.tag!r})", str(path)
        )
    header = root.find(f"{{{XML_NS}}}publshInformation")
    count = _t(header, "Record_Count")
    entries = [_xml_entry(e) for e in _all(root, "sdnEntry")]
    record_count = int(count) if count and count.isdigit() else None
    if record_count is not None and record_count != len(entries):
        raise SourceError(
            source, f"Record_Count says {record_count} entries, file has {len(entries)}", str(path)
        )
    return XmlList(parse_date(_t(header, "Publish_Date"), DATE_FORMATS), record_count, entries)

"""Shared OFAC parsing: the legacy CSV files, the `sdnList` XML, and the REMARKS mini-language.

Both OFAC lists (SDN and consolidated non-SDN) publish the same shapes. A source module reads
them into `Entry` objects (the source's own shape: the SDN.CSV row with its column names, plus
its ALT/ADD rows or the XML's structured lists), then `entry_to_record` maps each to a `Record`.

    >>> parse_remarks("DOB 23 Nov 1962; Cedula No. 5892464 (Venezuela).").identifiers
    [Identifier(scheme='cedula', value='5892464', country='Venezuela', valid=None, note=None)]
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ..errors import SourceError
from ..identifiers import imo_is_valid
from ..models import (
    Address,
    BirthDate,
    Designation,
    EntityType,
    Identifier,
    Name,
    NameKind,
    Nationality,
    Property,
    Record,
    Relation,
    Vessel,
)
from ..normalize import normalize_name
from .base import Report, read_text

AUTHORITY = "U.S. Treasury OFAC"
DETAILS_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={}"
XML_NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"

# ---------------------------------------------------------------------------------------------
# Legacy CSV files: no header, `-0- ` for null, CRLF, a trailing 0x1A byte.

SDN_COLUMNS = (
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
)
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
ADD_COLUMNS = (
    "ent_num",
    "add_num",
    "address",
    "city_state_province_postal_code",
    "country",
    "add_remarks",
)
COMMENTS_COLUMNS = ("ent_num", "remarks_continuation")

NULL = "-0-"
# OFAC cuts Remarks at this many characters and continues them in SDN_COMMENTS.CSV.
REMARKS_CUT = 1000

Row = dict[str, str | None]


def _decode(source: str, path: Path) -> str:
    """Current SLS files are UTF-8; older copies are ASCII/Latin-1."""
    try:
        return read_text(source, path, "utf-8")
    except SourceError as exc:
        if not exc.problem.startswith("not valid"):
            raise
        return read_text(source, path, "latin-1")


def read_csv(source: str, path: Path, columns: tuple[str, ...]) -> list[Row]:
    """Rows of one legacy OFAC CSV as dicts keyed by `columns`, `-0-` turned into None."""
    text = _decode(source, path).rstrip("\x1a\r\n")
    rows: list[Row] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for raw in reader:
            if not raw or raw == [""]:
                continue
            if len(raw) != len(columns):
                raise SourceError(
                    source,
                    f"unexpected columns: line {reader.line_num} has {len(raw)} fields, "
                    f"expected {len(columns)} ({', '.join(columns)}); truncated or wrong file?",
                    str(path),
                )
            # Not stripped: a Remarks cut at 1000 characters may end, and its continuation
            # start, with the space between two words.
            values = [None if v.strip() in (NULL, "") else v for v in raw]
            if not (values[0] or "").isdigit():
                raise SourceError(
                    source,
                    f"line {reader.line_num}: ent_num {raw[0]!r} is not a "
                    "number; not an OFAC CSV file?",
                    str(path),
                )
            rows.append(dict(zip(columns, values, strict=True)))
    except csv.Error as exc:
        raise SourceError(
            source,
            f"malformed CSV near line {reader.line_num} ({exc}); the file looks truncated",
            str(path),
        ) from exc
    return rows


def split_programs(program: str | None) -> list[str]:
    """'FTO] [SDGT] [TCO' -> ['FTO', 'SDGT', 'TCO'] (OFAC strips the outer brackets)."""
    if not program:
        return []
    return [p.strip(" []") for p in program.split("] [") if p.strip(" []")]


# ---------------------------------------------------------------------------------------------
# The entry in OFAC's own shape.


@dataclass(slots=True)
class XmlFacts:
    """What the sdnList XML states in its own elements (the CSV keeps these inside Remarks)."""

    ids: list[tuple[str, str, str | None]] = field(default_factory=list)  # idType, number, country
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Entry:
    """One OFAC entry: its SDN.CSV-shaped row, alias and address rows, and XML-only facts."""

    row: Row
    alt_rows: list[Row] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    xml: XmlFacts | None = None

    @property
    def ent_num(self) -> str:
        return self.row["ent_num"] or ""


def address_from_row(row: Row) -> Address | None:
    """ADD.CSV row -> Address; None when every field is `-0-` (OFAC's placeholder rows)."""
    if not any(row[c] for c in ("address", "city_state_province_postal_code", "country")):
        return None
    return Address(
        address=row["address"],
        city=row["city_state_province_postal_code"],
        country=row["country"],
        remarks=row["add_remarks"],
    )


# ---------------------------------------------------------------------------------------------
# sdnList XML (SDN.XML, CONSOLIDATED.XML).


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
    date = _t(header, "Publish_Date")
    m = re.fullmatch(r"(\d\d)/(\d\d)/(\d{4})", date or "")
    count = _t(header, "Record_Count")
    entries = [_xml_entry(e) for e in _all(root, "sdnEntry")]
    record_count = int(count) if count and count.isdigit() else None
    if record_count is not None and record_count != len(entries):
        raise SourceError(
            source, f"Record_Count says {record_count} entries, file has {len(entries)}", str(path)
        )
    return XmlList(f"{m[3]}-{m[1]}-{m[2]}" if m else None, record_count, entries)


# ---------------------------------------------------------------------------------------------
# REMARKS: '; '-separated statements, each '[alt. ]<Label> <value>'.

FieldKind = Literal["id", "prop"]

# Label (a regex; most are literal) -> where its value goes. key None: slug of the label.
# Longest labels are tried first, so 'Vessel Registration Identification IMO' beats
# 'Vessel Registration Identification'.
LABELS: tuple[tuple[str, FieldKind, str | None], ...] = (
    (r"Passport", "id", "passport"),
    (r"National ID No\.", "id", "national_id"),
    (r"D\.N\.I\.", "id", "national_id"),
    (r"Cedula No\.", "id", "cedula"),
    (r"Tax ID No\.", "id", "tax_id"),
    (r"Registration (?:Number|ID)", "id", "registration_number"),
    (r"R\.?F\.?C\.(?: #)?|RFC", "id", "rfc"),
    (r"C\.U\.R\.P\.(?: #)?", "id", "curp"),
    (r"NIT #", "id", "nit"),
    (r"RUC #", "id", "ruc"),
    (r"RIF #", "id", "rif"),
    (r"SSN", "id", "ssn"),
    (r"Legal Entity Number", "id", "lei"),
    (r"SWIFT/BIC", "id", "swift_bic"),
    (r"D-U-N-S Number", "id", "duns"),
    (r"ISIN", "id", "isin"),
    (r"BIK \(RU\)", "id", "bik"),
    (r"V\.A\.T\. Number", "id", "vat"),
    (r"Unified Social Credit Code \(USCC\)", "id", "uscc"),
    (r"United Social Credit Code Certificate \(USCCC\)", "id", "uscc"),
    (r"Vessel Registration Identification IMO", "id", "imo"),
    (r"(?:Identification|Company) Number IMO", "id", "imo_company"),
    (r"MMSI", "id", "mmsi"),
    (r"Digital Currency Address -", "id", "digital_currency_address"),
    (r"Aircraft Manufacturer's Serial Number \(MSN\)", "id", "aircraft_msn"),
    (
        r"Aircraft Construction Number \(also called L/N or S/N or F/N\)",
        "id",
        "aircraft_construction_number",
    ),
    (r"Aircraft Tail Number", "id", "aircraft_tail_number"),
    (r"Aircraft Mode S Transponder Code", "id", "aircraft_mode_s"),
    (r"Driver's License No\.", "id", "drivers_license"),
    (r"Business Registration Document #", "id", None),
    (r"Trade License No\.", "id", None),
    (r"Folio Mercantil No\.", "id", None),
    (r"Commercial Registry Number", "id", None),
    (r"Public Registration Number", "id", None),
    (r"Personal ID Card", "id", None),
    (r"Business Registration Number", "id", None),
    (r"Government Gazette Number", "id", None),
    (r"Company Number", "id", None),
    (r"Identification Number", "id", None),
    (r"Website", "prop", "website"),
    (r"Email Address", "prop", "email"),
    (r"Phone Number|Telephone(?: Number| No\.)?:?", "prop", "phone"),
    (r"Fax:?", "prop", "fax"),
    (r"Organization Established Date", "prop", "organization_established_date"),
    (r"Organization Type:", "prop", "organization_type"),
    (r"Target Type", "prop", "target_type"),
    (r"Additional Sanctions Information -", "prop", "additional_sanctions_information"),
    (r"Secondary sanctions risk:", "prop", "secondary_sanctions_risk"),
    (
        r"Transactions Prohibited For Persons Owned or Controlled By U\.S\. Financial "
        r"Institutions:",
        "prop",
        "transactions_prohibited",
    ),
    (r"Executive Order \d+ [A-Za-z ]*?(?:Determination|[Ii]nformation) ?[-:]?", "prop", None),
    (r"(?:Listing|Effective|Purchase/Sales For Divestment) Date \([^)]*\):?", "prop", None),
    (r"CAATSA Section 235 Information:", "prop", "caatsa_section_235"),
    (r"IFCA Determination -", "prop", "ifca_determination"),
    (r"Nationality of Registration", "prop", "nationality_of_registration"),
    (r"Vessel Year of Build", "prop", "vessel_year_of_build"),
    (r"(?:Former|Other) Vessel (?:Flag|Type|Call Sign)", "prop", None),
    (r"Aircraft Model", "prop", "aircraft_model"),
    (r"Aircraft Operator", "prop", "aircraft_operator"),
    (r"Aircraft Manufacture Date", "prop", "aircraft_manufacture_date"),
    (r"Equity Ticker", "prop", "equity_ticker"),
    (r"Issuer Name", "prop", "issuer_name"),
)
_LABEL_RE = re.compile(
    r"(?P<label>" + "|".join(p for p, _, _ in sorted(LABELS, key=lambda x: -len(x[0]))) + r")"
    r"(?:\s+|$)(?P<value>.*)$",
    re.S,
)
_LABEL_DEST = [(re.compile(p + r"\Z"), kind, key) for p, kind, key in LABELS]

_DATE = r"(?:\d{1,2} )?(?:[A-Z][a-z]{2} )?\d{4}"
_SEGMENT_SPLIT = re.compile(r";\s+")
_ALT = re.compile(r"^alt\.\s+")
_AKA = re.compile(r"^(?:a|f|n)\.k\.a\.,?\s+'(?P<name>.*)'$", re.S)
_LINKED = re.compile(r"^\(?Linked To: (?P<name>.+?)\)?$", re.S)
_SIMPLE = re.compile(r"^(?P<label>DOB|POB|nationality|citizen|Gender) (?P<value>.+)$", re.S)
_VALUE = re.compile(
    r"^(?P<value>.+?)(?: \((?P<country>[^()]+)\))?"
    rf"(?P<note>(?: (?:issued|expires) {_DATE})*)$",
    re.S,
)
# Unknown label: words, then a value containing a digit, then '(Country)'.
_GENERIC_ID = re.compile(
    r"^(?P<label>[A-Za-z][A-Za-z.'/&()# -]*?) (?P<value>[^ ]*\d.*?) "
    r"\((?P<country>[^()]+)\)(?P<note>(?: (?:issued|expires) .*)?)$",
    re.S,
)

_MONTHS = {
    m: f"{i:02d}"
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_DOB = re.compile(rf"^(?P<circa>circa )?(?P<a>{_DATE})(?:(?: to |-)(?P<b>{_DATE}))?$")
_DATE_PARTS = re.compile(r"^(?:(?P<d>\d{1,2}) )?(?:(?P<m>[A-Z][a-z]{2}) )?(?P<y>\d{4})$")


def reduced_iso(text: str) -> str | None:
    """'23 Nov 1962' -> '1962-11-23', 'Nov 1962' -> '1962-11', '1962' -> '1962'."""
    m = _DATE_PARTS.match(text)
    if not m or (m["m"] and m["m"] not in _MONTHS) or (m["d"] and not m["m"]):
        return None
    parts = (
        [m["y"]]
        + ([_MONTHS[m["m"]]] if m["m"] else [])
        + ([f"{int(m['d']):02d}"] if m["d"] else [])
    )
    return "-".join(parts)


def parse_dob(raw: str) -> BirthDate:
    """'DOB' values: exact, month, year, 'circa 1962', '1960 to 1965', 'circa 1979-1982'."""
    m = _DOB.match(raw.strip())
    if not m:
        return BirthDate(raw=raw)
    a, b = reduced_iso(m["a"]), reduced_iso(m["b"]) if m["b"] else None
    circa = bool(m["circa"])
    if b:
        return BirthDate(raw=raw, date_from=a, date_to=b, circa=circa)
    return BirthDate(raw=raw, date=a, circa=circa)


def slug(label: str) -> str:
    """'Folio Mercantil No.' -> 'folio_mercantil'; 'Registro Unico #' -> 'registro_unico'."""
    s = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    return re.sub(r"_(?:no|num)$", "", s)


@dataclass(slots=True)
class Remarks:
    """The structured parts of one REMARKS string."""

    birth_dates: list[BirthDate] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[Nationality] = field(default_factory=list)
    gender: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    properties: list[Property] = field(default_factory=list)
    weak_names: list[Name] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # statements no label matched


def _identifier(scheme: str, rest: str) -> Identifier:
    m = _VALUE.match(rest)
    value, country, note = (
        (m["value"], m["country"], m["note"].strip() or None) if m else (rest, None, None)
    )
    if scheme == "digital_currency_address":  # 'XBT 1Abc...': the currency is a qualifier
        note, _, value = value.partition(" ")
    valid = imo_is_valid(value) if scheme == "imo" else None
    return Identifier(scheme=scheme, value=value, country=country, valid=valid, note=note)


def parse_statement(seg: str, out: Remarks) -> None:
    """Parse one remarks statement (without 'alt. ' or the final '.') into `out`."""
    if m := _AKA.match(seg):
        out.weak_names.append(Name(name=m["name"], kind="weak"))
    elif m := _LINKED.match(seg):
        out.relations.append(Relation(kind="linked_to", target_name=m["name"].strip()))
    elif m := _SIMPLE.match(seg):
        label, value = m["label"], m["value"].strip()
        if label == "DOB":
            out.birth_dates.append(parse_dob(value))
        elif label == "POB":
            out.birth_places.append(value)
        elif label == "Gender":
            out.gender = out.gender or value
        else:
            out.nationalities.append(
                Nationality(
                    country=value, kind="citizenship" if label == "citizen" else "nationality"
                )
            )
    elif m := _LABEL_RE.match(seg):
        label, rest = m["label"], m["value"].strip()
        kind, key = next((k, key) for rx, k, key in _LABEL_DEST if rx.match(label))
        key = key or slug(label)
        if kind == "id" and rest:
            out.identifiers.append(_identifier(key, rest))
        else:
            out.properties.append(Property(key=key, value=rest))
    elif m := _GENERIC_ID.match(seg):
        out.identifiers.append(
            Identifier(
                scheme=slug(m["label"]),
                value=m["value"],
                country=m["country"],
                note=m["note"].strip() or None,
            )
        )
    else:
        out.other.append(seg)


def parse_remarks(remarks: str | None) -> Remarks:
    """Split REMARKS on '; ', drop 'alt. ' and the closing '.', parse each statement."""
    out = Remarks()
    if not remarks:
        return out
    text = remarks.strip()
    text = text[:-1] if text.endswith(".") else text
    for seg in _SEGMENT_SPLIT.split(text):
        seg = _ALT.sub("", seg.strip()).strip()
        if seg:
            parse_statement(seg, out)
    return out


# ---------------------------------------------------------------------------------------------
# Entry -> Record.

TYPES: dict[str | None, EntityType] = {
    "individual": "person",
    "vessel": "vessel",
    "aircraft": "aircraft",
    None: "organization",
    "entity": "organization",
}
ALT_KINDS: dict[str, NameKind] = {
    "aka": "aka",
    "a.k.a.": "aka",
    "fka": "fka",
    "f.k.a.": "fka",
    "nka": "nka",
    "n.k.a.": "nka",
}
QUALITIES = {"weak", "strong"}


def _dedupe_ids(ids: Iterable[Identifier]) -> list[Identifier]:
    seen: dict[tuple[str, str], Identifier] = {}
    for i in ids:
        seen.setdefault((i.scheme, i.value), i)
    return list(seen.values())


def entry_to_record(entry: Entry, source: str, list_name: str, report: Report) -> Record:
    row = entry.row
    ent_num = entry.ent_num
    sdn_type = (row["SDN_Type"] or "").lower() or None
    rtype = TYPES.get(sdn_type)
    if rtype is None:
        report.count(f"unknown SDN_Type {sdn_type!r} (mapped to organization)")
        rtype = "organization"
    remarks = (row["Remarks"] or "") + "".join(entry.comments) or None
    parts = parse_remarks(remarks)
    if entry.xml:  # the XML's own elements say what the CSV says inside Remarks
        for label, number, country in entry.xml.ids:
            parse_statement(f"{label} {number}" + (f" ({country})" if country else ""), parts)
        parts.birth_dates += [parse_dob(d) for d in entry.xml.birth_dates]
        parts.birth_places += entry.xml.birth_places
        parts.nationalities += [Nationality(c, "nationality") for c in entry.xml.nationalities]
        parts.nationalities += [Nationality(c, "citizenship") for c in entry.xml.citizenships]

    name = row["SDN_Name"] or ""
    names = [Name(name=name, kind="primary")]
    listed = {normalize_name(name)}
    for alt in entry.alt_rows:
        if not alt["alt_name"]:
            continue
        quality = (alt["alt_remarks"] or "").lower()
        names.append(
            Name(
                name=alt["alt_name"],
                kind=ALT_KINDS.get((alt["alt_type"] or "").lower(), "aka"),
                quality=quality if quality in QUALITIES else None,
            )
        )
        listed.add(normalize_name(alt["alt_name"]))
    for weak in parts.weak_names:  # an inline alias the ALT file also lists is that ALT row
        if (key := normalize_name(weak.name)) not in listed:
            names.append(weak)
            listed.add(key)

    if rtype == "vessel":  # OFAC sometimes writes a ship's IMO with the company label
        parts.identifiers = [
            _identifier("imo", i.value) if i.scheme == "imo_company" else i
            for i in parts.identifiers
        ]
    identifiers = _dedupe_ids(parts.identifiers)
    for i in identifiers:
        if i.scheme == "imo" and i.valid is False:
            report.count("invalid IMO check digit")
    for b in parts.birth_dates:
        if not (b.date or b.date_from):
            report.count("unparsed DOB")
    if len(row["Remarks"] or "") >= REMARKS_CUT and not entry.comments:
        report.count("remarks cut at 1000 characters without a continuation")

    vessel = None
    if rtype == "vessel":
        imo = next((i for i in identifiers if i.scheme == "imo"), None)
        mmsi = next((i.value for i in identifiers if i.scheme == "mmsi"), None)
        vessel = Vessel(
            imo=imo.value if imo else None,
            imo_valid=imo.valid if imo else None,
            mmsi=mmsi,
            call_sign=row["Call_Sign"],
            vessel_type=row["Vess_type"],
            tonnage=row["Tonnage"],
            grt=row["GRT"],
            flag=row["Vess_flag"],
            owner=row["Vess_owner"],
        )
    title = row["Title"]
    properties = parts.properties + [Property("remark", o) for o in parts.other if o != title]
    return Record(
        source=source,
        source_id=ent_num,
        type=rtype,
        name=name,
        remarks=remarks,
        url=DETAILS_URL.format(ent_num),
        gender=parts.gender,
        title=title,
        names=names,
        identifiers=identifiers,
        addresses=entry.addresses,
        birth_dates=list({b.raw: b for b in parts.birth_dates}.values()),
        birth_places=list(dict.fromkeys(parts.birth_places)),
        nationalities=list({(n.country, n.kind): n for n in parts.nationalities}.values()),
        vessel=vessel,
        designations=[
            Designation(authority=AUTHORITY, list=list_name, program=p)
            for p in split_programs(row["Program"])
        ],
        relations=list({r.target_name: r for r in parts.relations}.values()),
        properties=properties,
        raw={**row, "alt": entry.alt_rows, "comments": entry.comments}
        if entry.alt_rows or entry.comments
        else dict(row),
    )


# ---------------------------------------------------------------------------------------------
# Composition: the files of one bundled or downloaded snapshot -> records.


def build_entries(
    source: str, paths: dict[str, Path], report: Report, main_roles: tuple[str, ...]
) -> dict[str, Entry]:
    """Entries keyed by ent_num, from role 'xml' and/or the SDN-shaped CSVs in `main_roles`.

    Later files win: a main-CSV row replaces the primary fields of the entry with the same
    ent_num (or adds one). 'alt' and 'add', when given, supersede the XML's aliases and
    addresses for every entry; 'comments' continue Remarks that were cut at 1000 characters.
    """
    entries: dict[str, Entry] = {}
    if "xml" in paths:
        xml = read_xml(source, paths["xml"])
        report.rows["xml"] = len(xml.entries)
        entries = {e.ent_num: e for e in xml.entries}
    for role in main_roles:
        if role not in paths:
            continue
        rows = read_csv(source, paths[role], SDN_COLUMNS)
        report.rows[role] = len(rows)
        for row in rows:
            old = entries.get(row["ent_num"] or "")
            if old is None:
                entries[row["ent_num"] or ""] = Entry(row=row)
                continue
            report.count(f"{role} rows replacing an earlier entry")
            old.row = row
            # The newer Remarks restate the XML's IDs and dates, unless they were cut short.
            if old.xml and len(row["Remarks"] or "") < REMARKS_CUT:
                old.xml = None
    if not entries:
        wanted = ", ".join(("xml", *main_roles))
        raise SourceError(source, f"no entry file in the snapshot (expected a role among {wanted})")

    if "alt" in paths:
        alt_rows = read_csv(source, paths["alt"], ALT_COLUMNS)
        report.rows["alt"] = len(alt_rows)
        for e in entries.values():
            e.alt_rows = []
        for alt in alt_rows:
            if (owner := entries.get(alt["ent_num"] or "")) is None:
                report.count("alt rows without an entry")
            else:
                owner.alt_rows.append(alt)
    if "add" in paths:
        add_rows = read_csv(source, paths["add"], ADD_COLUMNS)
        report.rows["add"] = len(add_rows)
        for e in entries.values():
            e.addresses = []
        for add in add_rows:
            if (owner := entries.get(add["ent_num"] or "")) is None:
                report.count("add rows without an entry")
            elif (address := address_from_row(add)) is not None:
                owner.addresses.append(address)
    if "comments" in paths:
        comment_rows = read_csv(source, paths["comments"], COMMENTS_COLUMNS)
        report.rows["comments"] = len(comment_rows)
        for c in comment_rows:
            if (owner := entries.get(c["ent_num"] or "")) is None:
                report.count("comments rows without an entry")
            elif len(owner.row["Remarks"] or "") < REMARKS_CUT:
                # From another version of the list: this entry's Remarks are complete.
                report.count("comments rows for remarks that were not cut")
            else:
                owner.comments.append(c["remarks_continuation"] or "")
    return entries


def parse_ofac(
    source: str, list_name: str, paths: dict[str, Path], report: Report, main_roles: tuple[str, ...]
) -> list[Record]:
    """All records of one OFAC list, ordered by ent_num, with 'Linked To' names resolved."""
    entries = build_entries(source, paths, report, main_roles)
    records = [
        entry_to_record(entries[k], source, list_name, report)
        for k in sorted(entries, key=lambda k: int(k))
    ]
    by_name: dict[str, str] = {}
    for r in records:
        by_name.setdefault(r.name.upper(), r.id)
    for r in records:
        for rel in r.relations:
            # The closing '.' of Remarks may have eaten the one ending 'CO., LTD.'.
            key = rel.target_name.upper()
            rel.target_id = by_name.get(key) or by_name.get(key + ".")
            if rel.target_id is None:
                report.count("linked-to names not found in the list")
    return records

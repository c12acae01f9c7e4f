"""OFAC's REMARKS mini-language: '; '-separated statements, each '[alt. ]<Label> <value>'.

The legacy CSV keeps an entry's dates of birth, IDs, nationalities, inline aliases and links in
one Remarks string; this splits it into those parts. Dates of birth are reduced ISO dates
(`sanctions.dates.reduced_iso`): OFAC often knows only the month or the year.

    >>> parse_remarks("DOB 23 Nov 1962; Cedula No. 5892464 (Venezuela).").identifiers
    [Identifier(scheme='cedula', value='5892464', country='Venezuela', valid=None, note=None)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from ..dates import reduced_iso
from ..identifiers import imo_is_valid
from ..models import BirthDate, Identifier, Name, Nationality, Property, Relation

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


@cache
def _labels() -> tuple[re.Pattern[str], list[tuple[re.Pattern[str], str, str | None]]]:
    """The labels' patterns: compiled on first use, since every process that reads the
    sources' declarations imports this module (`sanctions serve` at its start), and only a
    build parses remarks."""
    label_re = re.compile(
        r"(?P<label>" + "|".join(p for p, _, _ in sorted(LABELS, key=lambda x: -len(x[0])))
        + r")(?:\s+|$)(?P<value>.*)$",
        re.S,
    )
    return label_re, [(re.compile(p + r"\Z"), kind, key) for p, kind, key in LABELS]


# A date as OFAC writes it ("23 Nov 1962", "Nov 1962", "1962"): what `reduced_iso` reads.
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
_DOB = re.compile(rf"^(?P<circa>circa )?(?P<a>{_DATE})(?:(?: to |-)(?P<b>{_DATE}))?$")


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


def identifier(scheme: str, rest: str) -> Identifier:
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
    elif m := _labels()[0].match(seg):
        label, rest = m["label"], m["value"].strip()
        kind, key = next((k, key) for rx, k, key in _labels()[1] if rx.match(label))
        key = key or slug(label)
        if kind == "id" and rest:
            out.identifiers.append(identifier(key, rest))
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

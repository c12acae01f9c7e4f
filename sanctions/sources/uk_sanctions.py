"""UK Sanctions List (FCDO), the single official UK list since 2026-01-28.

Two official formats are read:

* role "ods": the 8-column SUMMARY spreadsheet (one sheet; `Unique ID, OFSI Group ID, Name,
  Regime Name, Type, Designation source, Date Designated, Sanctions Imposed`; dates dd-mm-yyyy;
  cells wrapped in whitespace). One row per designation; no IMO numbers, aliases or addresses.
  This is the bundled snapshot (2025-08-11).
* role "csv": the FULL list, https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv. A
  "Report Date: ..." line, then a header row; ONE ROW PER NAME, so a designation spans several
  rows sharing its `Unique ID` (`Name type` Primary name / Primary name variation / Alias, with
  `Alias strength`); dates dd/mm/yyyy, `D.O.B` may be partial ("dd/mm/1960"); `Sanctions Imposed`
  is "|"-separated. No real copy was available offline (50 MB): the parser follows the
  documented layout and is tested on transcribed, not real, rows. `fetch` downloads this file.

The spreadsheet itself is read by `ods.ods_rows`; this module maps rows to records.

Keys: `Unique ID` ("RUS1467"), the FCDO's own identifier; `OFSI Group ID` is kept as a property.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..dates import day_first
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
    Vessel,
)
from .base import Expected, Report, SnapshotFile, Source, dedupe, read_text
from .get import download

KEY = "uk_sanctions"
CSV_URL = "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv"
PAGE_URL = "https://www.gov.uk/government/publications/the-uk-sanctions-list"
AUTHORITY = "UK FCDO"
LIST = "UK Sanctions List"

ODS_COLUMNS = ("Unique ID", "OFSI Group ID", "Name", "Regime Name", "Type", "Designation source",
               "Date Designated", "Sanctions Imposed")
CSV_REQUIRED = ("Unique ID", "Name 6", "Name type", "Regime Name", "Designation Type",
                "Date Designated")
TYPES: dict[str, EntityType] = {"Individual": "person", "Entity": "organization", "Ship": "vessel"}
NAME_TYPES: dict[str, NameKind] = {
    "primary name": "primary",
    "primary name variation": "aka",
    "alias": "aka",
}
# Alias strength (UN designations only; blank elsewhere) -> kind of an alias.
ALIAS_STRENGTH: dict[str, NameKind] = {
    "": "aka",
    "good quality a.k.a": "aka",
    "good quality": "aka",
    "low quality a.k.a": "weak",
    "low quality": "weak",
}
CSV_PROPERTIES: dict[str, str] = {
    "OFSI Group ID": "ofsi_group_id",
    "UN Reference Number": "un_reference",
    "Designation source": "designation_source",
    "UK Statement of Reasons": "statement_of_reasons",
    "Title": "honorific",
    "Phone number": "phone",
    "Website": "website",
    "Email address": "email",
    "Type of entity": "entity_type",
    "Business registration number (s)": "registration_number",
    "Parent company": "parent_company",
    "Subsidiaries": "subsidiaries",
    "Previous owner/operator (s)": "previous_owner",
    "Previous flags": "previous_flags",
    "Length of ship": "ship_length",
    "Year Built": "year_built",
    "Hull identification number (HIN)": "hull_id",
}
# Summary "Sanctions Imposed" is comma-separated, the full CSV "|"-separated.
MEASURE_SEPARATORS: dict[str, str] = {"ods": ",", "csv": "|"}
_DATE = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_DOB = re.compile(r"^(\d{2}|dd)/(\d{2}|mm)/(\d{4})$", re.IGNORECASE)
_NUMBERED = re.compile(r"\(\d+\)\s*")


def _squeeze(value: str | None) -> str:
    return " ".join((value or "").split())


def iso_date(value: str) -> str:
    """ "23-07-2025" or "24/02/2022" (optionally with a time) -> "2025-07-23"; else ValueError.
    `_DATE` keeps to the FCDO's shapes: day_first alone also takes ISO, dots or any tail."""
    if not (m := _DATE.match(value.strip())):
        raise ValueError(value)
    try:
        return day_first("-".join(m.groups()))
    except ValueError:  # month or day out of range
        raise ValueError(value) from None


def birth_date(value: str) -> BirthDate | None:
    """ "12/03/1960" -> 1960-03-12; "dd/mm/1960" -> 1960; "dd/03/1960" -> 1960-03."""
    value = value.strip()
    m = _DOB.match(value)
    if not m:
        return BirthDate(value) if value else None
    day, month, year = m.groups()
    if not month.isdigit():
        return BirthDate(value, date=year)
    if not day.isdigit():
        return BirthDate(value, date=f"{year}-{month}")
    return BirthDate(value, date=f"{year}-{month}-{day}")


def numbered(value: str) -> list[str]:
    """ "(1) Russia (2) Cyprus" -> ["Russia", "Cyprus"]; "Russia" -> ["Russia"]."""
    return dedupe(_squeeze(p) for p in _NUMBERED.split(value))


# --- summary ODS ------------------------------------------------------------------------------


@dataclass(slots=True)
class SummaryRow:
    """One row of the summary spreadsheet, in the source's shape."""

    unique_id: str
    group_id: str
    name: str
    regime: str
    type: str
    designation_source: str
    date_designated: str
    sanctions_imposed: str
    raw: dict[str, str]


def rows_from_ods(path: Path, report: Report) -> Iterator[SummaryRow]:
    from .ods import ods_rows  # the spreadsheet reader: not needed to read the declaration

    rows = ods_rows(KEY, path)
    header = next(rows, None)
    if header is None:
        raise SourceError(KEY, "spreadsheet has no rows", str(path))
    if tuple(header[: len(ODS_COLUMNS)]) != ODS_COLUMNS:
        raise SourceError(KEY, f"unexpected columns {header[:8]}, expected {list(ODS_COLUMNS)}",
                          str(path))
    for n, cells in enumerate(rows, start=2):
        cells = (cells + [""] * len(ODS_COLUMNS))[: len(ODS_COLUMNS)]
        raw = dict(zip(ODS_COLUMNS, cells, strict=True))
        if not raw["Unique ID"]:
            raise SourceError(KEY, f"row {n}: no Unique ID", str(path))
        yield SummaryRow(
            unique_id=raw["Unique ID"],
            group_id=raw["OFSI Group ID"],
            name=raw["Name"],
            regime=raw["Regime Name"],
            type=raw["Type"],
            designation_source=raw["Designation source"],
            date_designated=raw["Date Designated"],
            sanctions_imposed=raw["Sanctions Imposed"],
            raw=raw,
        )


def summary_record(row: SummaryRow, report: Report, path: Path) -> Record | None:
    kind = TYPES.get(row.type)
    if kind is None:
        raise SourceError(KEY, f"{row.unique_id}: unknown Type {row.type!r}", str(path))
    try:
        listed_on = iso_date(row.date_designated) if row.date_designated else None
    except ValueError:
        problem = f"{row.unique_id}: unreadable Date Designated {row.date_designated!r}"
        raise SourceError(KEY, problem, str(path)) from None
    if not row.name:
        report.count("rows without a name (skipped)")
        return None
    properties = [Property("ofsi_group_id", row.group_id)] if row.group_id else []
    if row.designation_source:
        properties.append(Property("designation_source", row.designation_source))
    properties += [Property("sanction_imposed", s) for s in measures(row.sanctions_imposed, "ods")]
    return Record(
        source=KEY,
        source_id=row.unique_id,
        type=kind,
        name=row.name,
        listed_on=listed_on,
        url=PAGE_URL,
        names=[Name(row.name, "primary")],
        vessel=Vessel() if kind == "vessel" else None,
        designations=[
            Designation(AUTHORITY, LIST, row.regime or None, listed_on, reference=row.unique_id)
        ],
        properties=properties,
        raw=row.raw,
    )


def measures(value: str, role: str) -> list[str]:
    """Sanctions Imposed -> the list of measures; "-" placeholders dropped."""
    parts = (_squeeze(p) for p in value.split(MEASURE_SEPARATORS[role]))
    return dedupe(p for p in parts if p != "-")


# --- full CSV ---------------------------------------------------------------------------------


def csv_groups(path: Path) -> Iterator[list[dict[str, str]]]:
    """The full list's rows, grouped by Unique ID (rows of one designation are adjacent, but
    grouping does not rely on that)."""
    lines = read_text(KEY, path, "utf-8-sig").splitlines()
    start = next((i for i, line in enumerate(lines[:5])
                  if "Unique ID" in line and "Name 6" in line), None)
    if start is None:
        raise SourceError(KEY, "no header row with 'Unique ID' and 'Name 6' in the first lines",
                          str(path))
    reader = csv.DictReader(lines[start:])
    missing = [c for c in CSV_REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise SourceError(KEY, f"missing columns: {', '.join(missing)}", str(path))
    groups: dict[str, list[dict[str, str]]] = {}
    for n, row in enumerate(reader, start=start + 2):
        if None in row or any(v is None for v in row.values()):
            raise SourceError(KEY, f"line {n}: wrong number of fields", str(path))
        clean = {k: (v or "").strip() for k, v in row.items()}
        if not clean["Unique ID"]:
            raise SourceError(KEY, f"line {n}: no Unique ID", str(path))
        groups.setdefault(clean["Unique ID"], []).append(clean)
    yield from groups.values()


def full_name(row: dict[str, str]) -> str:
    """Name 1..5 are given/middle names, Name 6 the family or organisation name."""
    parts = [row.get(f"Name {i}", "") for i in range(1, 7)]
    return _squeeze(" ".join(parts))


def csv_record(rows: list[dict[str, str]], report: Report, path: Path) -> Record:
    first = rows[0]
    uid = first["Unique ID"]
    kind = TYPES.get(first["Designation Type"])
    if kind is None:
        problem = f"{uid}: unknown Designation Type {first['Designation Type']!r}"
        raise SourceError(KEY, problem, str(path))
    names: list[Name] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        name = full_name(row)
        name_kind = NAME_TYPES.get(row["Name type"].lower())
        strength = row.get("Alias strength", "")
        alias_kind = ALIAS_STRENGTH.get(strength.lower())
        if name_kind is None or alias_kind is None:
            problem = f"{uid}: unknown Name type/Alias strength {row['Name type']!r}/{strength!r}"
            raise SourceError(KEY, problem, str(path))
        if name_kind == "aka":
            name_kind = alias_kind
        candidates = [(name, name_kind, strength or None)]
        candidates.append((row.get("Name non-latin script", ""), "aka", None))
        for text, k, quality in candidates:
            if text and (text, k) not in seen:
                seen.add((text, k))
                names.append(Name(text, k, quality))
    primary = next((n for n in names if n.kind == "primary"), None)
    if primary is None:
        if not names:
            raise SourceError(KEY, f"{uid}: no names", str(path))
        report.count("designations without a primary name")
        primary = names[0]
        primary.kind = "primary"
    names.remove(primary)
    names.insert(0, primary)

    def values(column: str) -> list[str]:
        return dedupe(r.get(column, "") for r in rows)

    try:
        listed_on = min((iso_date(v) for v in values("Date Designated")), default=None)
        updated = [iso_date(v) for v in values("Last Updated")]
    except ValueError as exc:
        raise SourceError(KEY, f"{uid}: unreadable date {exc.args[0]!r}", str(path)) from None
    regime = first["Regime Name"] or None
    identifiers = [Identifier("passport", v, note=first.get("Passport additional information")
                              or None) for v in values("Passport number")]
    identifiers += [
        Identifier("national_id", v, note=first.get("National Identifier additional information")
                   or None) for v in values("National Identifier number")]
    vessel = None
    if kind == "vessel":
        imo = next(iter(values("IMO number")), None)
        valid = imo_is_valid(imo) if imo else None
        if valid is False:
            report.count("IMO numbers failing the check digit")
        vessel = Vessel(imo=imo, imo_valid=valid, vessel_type=first.get("Type of ship") or None,
                        tonnage=first.get("Tonnage of ship") or None,
                        flag=first.get("Current believed flag of ship") or None,
                        owner=first.get("Current owner/operator (s)") or None)
        if imo:
            identifiers.insert(0, Identifier("imo", imo, valid=valid))
    addresses = []
    for row in rows:
        lines = [row.get(f"Address Line {i}", "") for i in range(1, 7)]
        addr = Address(address=", ".join(p for p in lines if p) or None,
                       postal_code=row.get("Address Postal Code") or None,
                       country=row.get("Address Country") or None)
        if (addr.address or addr.postal_code or addr.country) and addr not in addresses:
            addresses.append(addr)
    properties = [Property("last_updated", max(updated))] if updated else []
    properties += [Property(key, v) for col, key in CSV_PROPERTIES.items() for v in values(col)]
    properties += [Property("sanction_imposed", m)
                   for v in values("Sanctions Imposed") for m in measures(v, "csv")]
    births = [b for v in values("D.O.B") for p in numbered(v) if (b := birth_date(p))]
    places = dedupe(", ".join(p for p in (r.get("Town of birth", ""), r.get("Country of birth", ""))
                              if p) for r in rows)
    return Record(
        source=KEY,
        source_id=uid,
        type=kind,
        name=primary.name,
        listed_on=listed_on,
        remarks="\n".join(values("Other Information")) or None,
        url=PAGE_URL,
        gender=first.get("Gender") or None,
        title="; ".join(values("Position")) or None,
        names=names,
        identifiers=identifiers,
        addresses=addresses,
        birth_dates=births,
        birth_places=places,
        nationalities=[Nationality(c) for v in values("Nationality(/ies)") for c in numbered(v)],
        vessel=vessel,
        designations=[Designation(AUTHORITY, LIST, regime, listed_on, reference=uid)],
        properties=properties,
        raw={"rows": rows},
    )


# --- entry points -----------------------------------------------------------------------------


def parse(paths: dict[str, Path], report: Report) -> Iterator[Record]:
    for role, path in paths.items():
        if role == "ods":
            for row in rows_from_ods(path, report):
                report.row(role)
                if (record := summary_record(row, report, path)) is not None:
                    yield record
        elif role == "csv":
            for rows in csv_groups(path):
                report.row(role, len(rows))
                yield csv_record(rows, report, path)
        else:
            raise SourceError(KEY, f"unknown snapshot role {role!r}", str(path))


def fetch(dest_dir: Path) -> dict[str, Path]:
    """The full list (with aliases, addresses, IMO numbers), not the summary spreadsheet."""
    return {"csv": download(KEY, CSV_URL, dest_dir / "UK-Sanctions-List.csv")}


SOURCE = Source(
    key=KEY,
    title="UK Sanctions List",
    publisher="UK Foreign, Commonwealth & Development Office (FCDO)",
    urls=(CSV_URL, PAGE_URL),
    format="CSV (full list); bundled: ODS summary spreadsheet (8 columns)",
    licence="Open Government Licence v3.0",
    kind="official",
    snapshot=(
        SnapshotFile(
            "ods",
            "uk/2025-08-11/FCDO_SL_Mon_Aug_11_2025.ods",
            "2025-08-11",
            "official",
            "8-column SUMMARY format: no IDs beyond Unique ID, no aliases, addresses or IMO "
            "numbers; 5,302 rows (3,754 Individual, 1,087 Entity, 461 Ship); SOURCES.md section 4",
        ),
    ),
    expected=Expected(total=(4500, 7000),
                      min_by_type={"person": 3200, "organization": 900, "vessel": 400}),
    parse=parse,
    fetch=fetch,
    priority=70,
    short="UK Sanctions List",
    snapshot_note="the ODS summary of 2025-08-11 (no aliases or IMO numbers)",
    description="Individuals, entities and ships designated under UK sanctions regimes (Russia, "
    "ISIL/Al-Qaida, DPRK, Iran, Global Human Rights, ...). The bundled snapshot is the summary "
    "spreadsheet: names and regimes only; the online update reads the full CSV.",
)

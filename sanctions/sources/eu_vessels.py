"""EU sanctioned vessels, from OpenSanctions' transcriptions of EU Official Journal annexes.

Bundled files (SOURCES.md section 14) are NOT an EU-published data file: they are OpenSanctions'
reviewed CSV transcriptions of EU legal acts on EUR-Lex, so the source kind is "compiled".
Consolidated files start `celex,recordId,programKey,annex,measure,startDate,reason,schema,name,
alias,weakAlias,previousName,...,imoNumber,mmsi,flag,address,...,notes`; amendment files have
`amendedCelex,amendmentCelex` instead of `celex`. `startDate` is as printed ("25.6.2024") or ISO.
Only vessel rows are imported (`schema == "Vessel"` or an `imoNumber`); persons and companies
in the same annexes are left to a full EU source.

One record per vessel, one designation per (act, annex, entry, measure, date) row: a DPRK
tanker sits in Annex XIV.A (asset freeze) and XIV.B (port ban), SANRAYZ is re-listed under a new
entry number. Several records for one ship would give several hits differing only in the annex.
A row repeated by an amending act (same entry, ship renamed) adds no designation.

Keys: the IMO number, the ship's own identifier. The act's `recordId` (entry number) cannot be
the key: it is only unique within one annex of one act, it is blank in some DPRK annexes, and a
ship can have several; it is kept in each designation's reference ("32014R0833 Annex XLII
No 629: Transportation restrictions"). The one ship without an IMO number ("Does not exist")
is keyed by act, annex and name: "32017R1509-XIV.B-MIN NING DE YOU 078".

Online update: `fetch` downloads the EU Financial Sanctions File CSV (role "fsf"), the official
consolidated list. Parsing that format is NOT implemented yet (no copy was available offline);
`parse` refuses role "fsf" with a clear error rather than guessing its layout.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..dates import day_first
from ..errors import NotOnline, SourceError
from ..identifiers import imo_is_valid
from ..models import Designation, Identifier, Name, NameKind, Property, Record, Vessel
from ..normalize import normalize_name
from .base import Expected, Report, SnapshotFile, Source, dedupe, read_text

KEY = "eu_vessels"
FSF_URL = ("https://webgate.ec.europa.eu/fsd/fsf/public/files/csvFullSanctionsList_1_1/content"
           "?token=dG9rZW4tMjAxNw")
FSF_PAGE = ("https://data.europa.eu/data/datasets/"
            "consolidated-list-of-persons-groups-and-entities-subject-to-eu-financial-sanctions")
EURLEX = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:{celex}"
AUTHORITY = "European Union"
JOURNAL_DIR = "vessels/eu_journal_2026"

REQUIRED = ("recordId", "programKey", "annex", "measure", "startDate", "schema", "name",
            "alias", "weakAlias", "previousName", "imoNumber", "mmsi", "flag", "address", "notes")
# Columns naming the legal act: consolidated files, amendment files.
ACT_COLUMNS: tuple[tuple[str, ...], ...] = (("celex",), ("amendedCelex", "amendmentCelex"))
# Name columns -> kind; cells may hold several names separated by ";".
NAME_COLUMNS: dict[str, NameKind] = {"alias": "aka", "weakAlias": "weak", "previousName": "fka"}
# Parenthesised qualifiers in a name cell: "STORMBRINGER (ex KRITI VIGOR)".
QUALIFIERS: dict[str, NameKind] = {"ex": "fka", "ex-": "fka", "formerly": "fka"}
_PAREN = re.compile(r"\s*\(([^()]*)\)")
_QUALIFIED = re.compile(r"^(?P<q>ex-?|formerly)\s+(?P<name>.+)$", re.IGNORECASE)
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_IMO = re.compile(r"^\d{7}$")
_CELEX_REG = re.compile(r"^3(\d{4})R(\d{4})$")


@dataclass(slots=True)
class VesselRow:
    """One vessel row of an act's annex, in the source's shape."""

    celex: str  # the regulation listing the vessel (amendedCelex in amendment files)
    amendment: str | None
    record_id: str
    program: str
    annex: str
    measure: str
    start_date: str | None
    reason: str
    name: str
    imo: str | None
    raw: dict[str, str]


def iso_date(value: str) -> str | None:
    """ "25.6.2024" -> "2024-06-25"; ISO passes through; blank -> None; else ValueError.

    Only these two shapes: `dates.day_first` alone would also take "/" or "-" and a time. A day
    or month out of range is not refused, unlike day_first: this reader never refused one, and
    refusing it would fail the whole source over one slip in a transcription.
    """
    value = value.strip()
    if not value:
        return None
    m = _DOTTED.match(value)
    if not (m or _ISO.match(value)):
        raise ValueError(value)
    if m and not (1 <= int(m[2]) <= 12 and 1 <= int(m[1]) <= 31):
        return f"{int(m[3]):04d}-{int(m[2]):02d}-{int(m[1]):02d}"
    return day_first(value)


def regulation(celex: str) -> str:
    """CELEX -> the regulation's number as cited: "32014R0833" -> "833/2014" (numbering was
    number/year before 2015), "32017R1509" -> "2017/1509"."""
    m = _CELEX_REG.match(celex)
    if not m:
        return celex
    year, number = int(m.group(1)), int(m.group(2))
    return f"{number}/{year}" if year < 2015 else f"{year}/{number}"


def split_name(cell: str) -> tuple[str, list[Name]]:
    """A name cell -> (name, names in parentheses).

    >>> split_name("STORMBRINGER (ex KRITI VIGOR)")
    ('STORMBRINGER', [Name(name='KRITI VIGOR', kind='fka', quality=None)])
    """
    others = []
    for inner in _PAREN.findall(cell):
        q = _QUALIFIED.match(inner.strip())
        if q:
            others.append(Name(q.group("name").strip(), QUALIFIERS[q.group("q").lower()]))
        elif inner.strip():
            # DPRK annexes: "Chol Ryong (Ryong Gun Bong)"; not said to be a former name.
            others.append(Name(inner.strip(), "aka"))
    return _PAREN.sub("", cell).strip(), others


def rows_from_journal(path: Path, report: Report, role: str) -> Iterator[VesselRow]:
    lines = read_text(KEY, path, "utf-8-sig").splitlines()
    reader = csv.DictReader(lines)
    fields = reader.fieldnames or []
    act = next((cols for cols in ACT_COLUMNS if all(c in fields for c in cols)), None)
    missing = [c for c in REQUIRED if c not in fields]
    if act is None or missing:
        missing += [] if act else ["celex (or amendedCelex, amendmentCelex)"]
        raise SourceError(KEY, f"missing columns: {', '.join(missing)}", str(path))
    for n, raw in enumerate(reader, start=2):
        if None in raw or any(v is None for v in raw.values()):
            raise SourceError(KEY, f"row {n}: wrong number of fields", str(path))
        report.row(role)
        imo_cell = raw["imoNumber"].strip()
        if raw["schema"] != "Vessel" and not imo_cell:
            report.count("non-vessel rows skipped")
            continue
        try:
            start = iso_date(raw["startDate"])
        except ValueError:
            problem = f"row {n}: unreadable startDate {raw['startDate']!r}"
            raise SourceError(KEY, problem, str(path)) from None
        if not raw["name"].strip():
            raise SourceError(KEY, f"row {n}: vessel without a name", str(path))
        yield VesselRow(
            celex=raw[act[0]].strip(),
            amendment=raw[act[1]].strip() if len(act) > 1 else None,
            record_id=raw["recordId"].strip(),
            program=raw["programKey"].strip(),
            annex=raw["annex"].strip(),
            measure=raw["measure"].strip(),
            start_date=start,
            reason=raw["reason"].strip(),
            name=raw["name"].strip(),
            imo=imo_cell if _IMO.match(imo_cell) else None,
            raw={k: v for k, v in raw.items() if v},
        )


def designation(row: VesselRow) -> Designation:
    """The act's listing; the measure goes in the reference, as one entry can carry two
    (AVAX: transportation and financial restrictions)."""
    entry = f" No {row.record_id}" if row.record_id else ""
    reference = f"{row.celex} Annex {row.annex}{entry}: {row.measure}"
    return Designation(AUTHORITY, f"EU Regulation {regulation(row.celex)}", row.program,
                       row.start_date, reference=reference)


def to_record(key: str, rows: list[VesselRow], report: Report) -> Record:
    """All rows of one vessel -> one record. The last row (newest file) gives the name."""
    names: list[Name] = []
    for row in reversed(rows):
        name, extra = split_name(row.name)
        names += [Name(name, "primary" if not names else "aka"), *extra]
        for column, kind in NAME_COLUMNS.items():
            names += [Name(v, kind) for v in dedupe(p.strip() for p in row.raw.get(column,
                                                                                   "").split(";"))]
    unique: dict[str, Name] = {}
    for n in names:  # the first (newest, most specific) kind of a name wins
        unique.setdefault(normalize_name(n.name), n)
    designations: list[Designation] = []
    for row in rows:
        d = designation(row)
        if d not in designations:
            designations.append(d)
    designations.sort(key=lambda d: (d.listed_on or "", d.reference or ""))
    imo = rows[0].imo
    valid = imo_is_valid(imo) if imo else None
    if valid is False:
        report.count("IMO numbers failing the check digit")
    flag = next((r.raw["flag"] for r in reversed(rows) if r.raw.get("flag")), None)
    mmsi = next((r.raw["mmsi"] for r in reversed(rows) if r.raw.get("mmsi")), None)
    properties = [Property("reason", v) for v in dedupe(r.reason for r in rows)]
    properties += [Property("location", v) for v in dedupe(r.raw.get("address", "") for r in rows)]
    properties += [Property("amended_by", v) for v in dedupe(r.amendment or "" for r in rows)]
    listed = [d.listed_on for d in designations if d.listed_on]
    primary = next(iter(unique.values()))
    return Record(
        source=KEY,
        source_id=key,
        type="vessel",
        name=primary.name,
        listed_on=min(listed) if listed else None,
        remarks="\n".join(dedupe(r.raw.get("notes", "") for r in rows)) or None,
        url=EURLEX.format(celex=rows[-1].celex),
        names=list(unique.values()),
        identifiers=[Identifier("imo", imo, valid=valid)] if imo else [],
        vessel=Vessel(imo=imo, imo_valid=valid, mmsi=mmsi, flag=flag),
        designations=designations,
        properties=properties,
        raw={"rows": [r.raw for r in rows]},
    )


def parse(paths: dict[str, Path], report: Report) -> Iterator[Record]:
    vessels: dict[str, list[VesselRow]] = {}
    seen: set[tuple[tuple[str, str], ...]] = set()
    for role, path in paths.items():
        if role == "fsf":
            raise SourceError(KEY, "parsing the EU Financial Sanctions File (role 'fsf') is not "
                              "implemented yet", str(path))
        if not role.startswith("journal"):
            raise SourceError(KEY, f"unknown snapshot role {role!r}", str(path))
        for row in rows_from_journal(path, report, role):
            fingerprint = tuple(sorted(row.raw.items()))
            if fingerprint in seen:
                report.count("exact duplicate rows")
                continue
            seen.add(fingerprint)
            if row.imo is None:
                report.count("vessel rows without an IMO number")
            key = row.imo or f"{row.celex}-{row.annex}-{split_name(row.name)[0]}"
            vessels.setdefault(key, []).append(row)
            report.origin(key, role)  # the last row (newest file) names the vessel
    for key, rows in vessels.items():
        yield to_record(key, rows, report)


def fetch(dest_dir: Path) -> dict[str, Path]:
    """Not yet: the official EU Financial Sanctions File has no parser (module docstring), so
    downloading its 20+ MB would only end in an error. `update` keeps the bundled annexes."""
    raise NotOnline(KEY, f"no parser yet for the EU Financial Sanctions File ({FSF_PAGE}); "
                         "keeping the bundled Official Journal annexes")


def _journal(celex: str, kind: str, as_of: str, note: str) -> SnapshotFile:
    return SnapshotFile(f"journal_{celex}", f"{JOURNAL_DIR}/{celex}_{kind}.csv", as_of,
                        "compiled", note)


SOURCE = Source(
    key=KEY,
    title="EU sanctioned vessels (Official Journal annexes)",
    publisher="Council of the European Union (transcribed by OpenSanctions)",
    urls=(FSF_URL, FSF_PAGE),
    format="CSV transcriptions of EUR-Lex annexes; online: EU Financial Sanctions File CSV",
    licence="EU legal acts: free reuse (EUR-Lex); transcription: OpenSanctions, check terms",
    kind="compiled",
    snapshot=(
        _journal("32014R0833", "consolidated", "2026-07-17",
                 "Reg. 833/2014 (Russia) consolidated 2026-07-17; Annex XLII: 633 vessels"),
        _journal("32017R1509", "consolidated", "2025-12-17",
                 "Reg. 2017/1509 (DPRK) consolidated 2025-12-17; 75 vessel rows"),
        _journal("32026R1848", "amendments", "2026-07-24",
                 "Amending Reg. 2026/1848 to 833/2014; 42 Annex XLII vessels"),
        _journal("32026R1941", "amendments", "2026-08-07",
                 "Amending act to Reg. 2016/44 (Libya): tanker AVAX, two measures"),
    ),
    expected=Expected(total=(650, 1500), min_by_type={"vessel": 650}),
    parse=parse,
    fetch=fetch,
    priority=80,
    short="EU vessels",
    snapshot_note=("OpenSanctions' transcriptions of the Official Journal annexes (Russia shadow "
                   "fleet, DPRK, Libya), 2025-12 to 2026-08"),
    description="Vessels listed in EU sanctions annexes (Russia 'shadow fleet' Annex XLII, DPRK, "
    "Libya), from OpenSanctions' reviewed transcriptions of the Official Journal: a compiled "
    "source, not an EU-published data file.",
)

"""OFAC's legacy CSV files, and the entry in OFAC's own shape.

SDN.CSV / CONS_PRIM.CSV and their ALT, ADD and COMMENTS files: no header, `-0- ` for null, CRLF,
a trailing 0x1A byte. An `Entry` is one SDN.CSV-shaped row with its alias and address rows; the
sdnList XML reader (`ofac_xml`) builds the same shape, so one mapping serves both formats.

    >>> split_programs("FTO] [SDGT] [TCO")
    ['FTO', 'SDGT', 'TCO']
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SourceError
from ..models import Address
from .base import read_text

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

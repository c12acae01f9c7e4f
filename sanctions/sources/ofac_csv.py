"""OFAC's legacy CSV files, and the entry in OFAC's own shape.

SDN.CSV / CONS_PRIM.CSV and their ALT, ADD and COMMENTS files: no header, `-0- ` for null, CRLF,
a trailing 0x1A byte (required: see `read_csv`). An `Entry` is one SDN.CSV-shaped row with its
alias and address rows; the sdnList XML reader (`ofac_xml`) builds the same shape, so one
mapping serves both formats.

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
from .base import decode, read_data

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


# OFAC ends every legacy CSV with this byte (DOS end-of-file). A copy cut at a row boundary
# parses cleanly and only lacks it, so an official file without it is refused.
END_MARKER = b"\x1a"


# OFAC's longest field is 1,000 characters (Remarks). Checked here, not through the csv module's
# field_size_limit, which is process-wide: a library imported elsewhere (sqlite-utils) raises it.
MAX_FIELD = 131_072


def read_csv(
    source: str, path: Path, columns: tuple[str, ...], *, end_marker: bool = True,
    unique: bool = False,
) -> list[Row]:
    """Rows of one legacy OFAC CSV as dicts keyed by `columns`, `-0-` turned into None.

    The file must be UTF-8 (what the Sanctions List Service publishes; older copies are ASCII,
    a subset): a bad byte is refused with its line, never read as Latin-1, which would garble
    every accented name. `end_marker`: the file must end with OFAC's 0x1A byte (False only for
    an excerpt made by hand). `unique`: ent_num may appear once (the SDN-shaped files).
    """
    data = read_data(source, path)
    text = decode(source, path, data, "utf-8").rstrip("\x1a\r\n")
    rows: list[Row] = []
    first_line: dict[str, int] = {}
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for raw in reader:
            if not raw or raw == [""]:
                continue
            if max(map(len, raw)) > MAX_FIELD:
                raise SourceError(source, f"line {reader.line_num:,} has a field over "
                                  f"{MAX_FIELD:,} characters; not an OFAC CSV file?", str(path))
            if len(raw) != len(columns):
                raise SourceError(
                    source,
                    f"unexpected columns: line {reader.line_num:,} has {len(raw)} fields, "
                    f"expected {len(columns)} ({', '.join(columns)}); truncated or wrong file?",
                    str(path),
                )
            # Not stripped: a Remarks cut at 1000 characters may end, and its continuation
            # start, with the space between two words.
            values = [None if v.strip() in (NULL, "") else v for v in raw]
            if not (values[0] or "").isdigit():
                raise SourceError(
                    source,
                    f"line {reader.line_num:,}: ent_num {raw[0][:40]!r} is not a "
                    "number; not an OFAC CSV file?",
                    str(path),
                )
            if unique:
                ent = values[0] or ""
                if ent in first_line:
                    raise SourceError(
                        source,
                        f"line {reader.line_num:,}: ent_num {ent} appears again (first on line "
                        f"{first_line[ent]:,}); duplicate ids",
                        str(path),
                    )
                first_line[ent] = reader.line_num
            rows.append(dict(zip(columns, values, strict=True)))
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise SourceError(source, f"line {reader.line_num:,} has a field over "
                              f"{MAX_FIELD:,} characters; not an OFAC CSV file?",
                              str(path)) from exc
        raise SourceError(
            source,
            f"malformed CSV near line {reader.line_num:,} ({exc}); the file looks truncated",
            str(path),
        ) from exc
    if end_marker and not data.rstrip(b"\r\n").endswith(END_MARKER):
        raise SourceError(
            source,
            f"no end-of-file marker (0x1A) after line {reader.line_num:,}: the file was cut "
            "short (OFAC ends every CSV with one)",
            str(path),
        )
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

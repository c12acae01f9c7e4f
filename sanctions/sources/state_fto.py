"""US State Department Foreign Terrorist Organizations (FTO) list.

Official format: https://www.state.gov/foreign-terrorist-organizations/, an HTML page with two
tables: designated groups ("Date Designated", since mid-2026 "Date Implemented", and the name) and
delisted groups ("Date Originally Listed", "Date Removed", name). A name cell may carry
"(ACRONYM, aka X, formerly Y)", ", aka X" and amendment lines after an em dash
("al-Shabaab— al-Hijra Amendment (August 1, 2018)"). Dates are "%B %d, %Y", older copies "M/D/YYYY".

The bundled snapshot is `state_fto/fto_compiled.csv`, COMPILED from partial copies of that page,
Federal Register notices and statements (see SOURCES.md section 12), not an official file.

Keys: the list has no identifiers. A record's key is the slug of its normalised name
(`state_fto:tren-de-aragua`). The name, not the date, because the compiled dates get corrected
(Viv Ansanm: March 5 -> May 2, 2025) while the listed name is what the page shows.

A group listed twice is ONE record with one designation per listing: Ansarallah was designated
2021-01-19, delisted 2021-02-16 and designated again 2025-03-04. Two records would give two hits
for one group, one of them reading "delisted" on its own; one record shows the whole history.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..dates import parse_date
from ..errors import SourceError
from ..models import Designation, Name, NameKind, Property, Record
from ..normalize import normalize_name
from .base import Expected, Report, SnapshotFile, Source, dedupe, none_if_blank, read_text
from .get import download
from .html_pages import read_html, text_of

if TYPE_CHECKING:  # lxml itself is imported on first parse (html_pages)
    from lxml.html import HtmlElement

KEY = "state_fto"
PAGE_URL = "https://www.state.gov/foreign-terrorist-organizations/"
AUTHORITY = "U.S. Department of State"

CSV_COLUMNS = ("name", "aliases", "date_designated", "date_delisted", "status", "source", "notes")
# Compiled `status` column -> Designation.status.
CSV_STATUS: dict[str, str] = {"designated": "active", "delisted": "delisted"}
# HTML table header (lower-cased) -> the field it holds.
HTML_HEADERS: dict[str, str] = {
    "date designated": "designated",
    "date implemented": "designated",
    "date originally listed": "designated",
    "date removed": "delisted",
    "name": "name",
    "foreign terrorist organization": "name",
    "organization": "name",
}
# Qualifiers inside a name cell's parentheses: "(PKK, aka Kongra-Gel)", "(formerly Real IRA)".
QUALIFIERS: dict[str, NameKind] = {
    "aka": "aka",
    "a.k.a.": "aka",
    "formerly": "fka",
    "formerly known as": "fka",
    "f.k.a.": "fka",
}
# The page's dates ("February 20, 2025"; older copies "2/20/2025"); the SOURCE declares them.
DATE_FORMATS = ("%B %d, %Y", "%m/%d/%Y", "%Y-%m-%d")
_REDUCED_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_AMENDMENT = re.compile(r"^(?P<name>.+?)\s+Amendment\s*\((?P<date>[^)]*)\)\s*$")
_QUALIFIED = re.compile(
    r"^(?P<qualifier>" + "|".join(map(re.escape, QUALIFIERS)) + r")\s+(?P<name>.+)$"
)
_FORMERLY = re.compile(r"formerly ([^);]+)")


@dataclass(slots=True)
class FtoRow:
    """One row of the list, in the source's shape."""

    name: str
    aliases: list[Name]
    date_designated: str | None
    date_delisted: str | None
    status: str  # "active" | "delisted"
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)


# --- compiled CSV ---------------------------------------------------------------------------


def _iso(value: str, row: int, column: str, path: Path) -> str | None:
    value = value.strip()
    if value and not _REDUCED_ISO.match(value):
        raise SourceError(KEY, f"row {row}: {column} {value!r} is not an ISO date", str(path))
    return value or None


def rows_from_csv(path: Path, report: Report) -> Iterator[FtoRow]:
    lines = read_text(KEY, path).splitlines()
    reader = csv.DictReader(lines)
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise SourceError(KEY, f"missing columns: {', '.join(missing)}", str(path))
    for n, raw in enumerate(reader, start=2):
        if None in raw or any(v is None for v in raw.values()):
            raise SourceError(KEY, f"row {n}: wrong number of fields", str(path))
        status = CSV_STATUS.get(raw["status"].strip())
        if status is None:
            raise SourceError(KEY, f"row {n}: unknown status {raw['status']!r}", str(path))
        name = raw["name"].strip()
        if not name:
            raise SourceError(KEY, f"row {n}: empty name", str(path))
        notes = none_if_blank(raw["notes"])
        # The notes quote the page's "(formerly X)"; such aliases are former names.
        former = {normalize_name(m.strip(" '")) for m in _FORMERLY.findall(notes or "")}
        aliases = [
            Name(a, "fka" if normalize_name(a) in former else "aka")
            for a in dedupe(a.strip() for a in raw["aliases"].split(";"))
        ]
        yield FtoRow(
            name=name,
            aliases=aliases,
            date_designated=_iso(raw["date_designated"], n, "date_designated", path),
            date_delisted=_iso(raw["date_delisted"], n, "date_delisted", path),
            status=status,
            notes=[notes] if notes else [],
            sources=dedupe(s.strip() for s in raw["source"].split(";")),
            raw=dict(raw),
        )


# --- official HTML page ---------------------------------------------------------------------


# Elements that start a new line inside a cell: the amendment after a <br>, a name per <p>.
CELL_BREAKS = frozenset({"br", "p", "li", "div"})
_CELL_SPACE = re.compile(r"[ \t\xa0]+")
Cells = list[tuple[bool, str]]  # one table row: (is a <th>, text) per cell


def table_rows(table: HtmlElement) -> list[Cells]:
    """A table's own rows as (is_header, cell text), rows without cells left out; the rows of a
    table nested in a cell are that table's, not this one's.

    >>> from sanctions.sources.html_pages import parse_html
    >>> table_rows(parse_html("<table><tr><th>Name<td>A&nbsp; B<br>C</table>").find(".//table"))
    [[(True, 'Name'), (False, 'A B\\nC')]]
    """
    rows = []
    for tr in table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"):
        cells = [(td.tag == "th", _CELL_SPACE.sub(" ", text_of(td, CELL_BREAKS)).strip())
                 for td in tr.xpath("./td | ./th")]
        if cells:
            rows.append(cells)
    return rows


def page_date(text: str, path: Path) -> str | None:
    """A date cell in one of DATE_FORMATS -> ISO day (a bare year stays a year); blank -> None;
    anything else is a SourceError: a date misread would misdate a listing."""
    value = parse_date(text, DATE_FORMATS)
    if value is None and text.strip():
        raise SourceError(KEY, f"unreadable date {' '.join(text.split())!r}", str(path))
    return value


def split_name_cell(cell: str) -> tuple[str, list[Name], list[str]]:
    """A name cell -> (primary name, aliases, amendment lines).

    >>> split_name_cell("al-Shabaab (AS)— al-Hijra Amendment (August 1, 2018)")
    ('al-Shabaab', [Name(name='AS', kind='aka', quality=None), \
Name(name='al-Hijra', kind='aka', quality=None)], ['al-Hijra Amendment (August 1, 2018)'])
    """
    head, *amendments = [" ".join(p.split()) for p in cell.split("—")]
    amendments = [a for a in amendments if a]
    extra: list[str] = []
    m = re.match(r"^(?P<name>.*?)\s*\((?P<inner>[^()]*)\)\s*$", head)
    if m:
        head, extra = m.group("name"), [p.strip() for p in m.group("inner").split(",")]
    primary, *outside = [p for p in re.split(r",\s*(?=aka\s|a\.k\.a\.\s|formerly\s)", head) if p]
    extra += outside
    aliases = []
    for text in extra:
        q = _QUALIFIED.match(text)
        kind: NameKind = QUALIFIERS[q.group("qualifier")] if q else "aka"
        aliases.append(Name(q.group("name") if q else text, kind))
    for line in amendments:
        a = _AMENDMENT.match(line)
        aliases.append(Name(a.group("name") if a else line, "aka"))
    return primary.strip(), aliases, amendments


def fto_tables(page: HtmlElement) -> Iterator[tuple[list[str | None], list[Cells]]]:
    """Each table with a name and a designation-date column: (field of each column, rows with
    the header row first). The header is the first all-<th> row; without one, the first row."""
    for table in page.iter("table"):
        rows = table_rows(table)
        if not rows:
            continue
        header = next((r for r in rows if all(th for th, _ in r)), rows[0])
        columns = [HTML_HEADERS.get(" ".join(t.lower().split())) for _, t in header]
        if "name" in columns and "designated" in columns:
            yield columns, [header, *(r for r in rows if r is not header)]


def html_row(columns: list[str | None], header: Cells, cells: Cells, path: Path) -> FtoRow:
    """One table row -> FtoRow; `raw` keeps the cells under the page's own headers."""
    if len(cells) != len(columns):
        texts = [t for _, t in cells]
        problem = f"table row has {len(cells)} cells, expected {len(columns)}: {texts}"
        raise SourceError(KEY, problem, str(path))
    values = {col: t for col, (_, t) in zip(columns, cells, strict=True) if col}
    designated = page_date(values["designated"], path)
    delisted = page_date(values.get("delisted", ""), path)
    name, aliases, amendments = split_name_cell(values["name"])
    return FtoRow(
        name=name,
        aliases=aliases,
        date_designated=designated,
        date_delisted=delisted,
        # The table of delisted groups is the one with a "Date Removed" column.
        status="delisted" if "delisted" in columns else "active",
        notes=amendments,
        sources=[PAGE_URL],
        raw={h: t for (_, h), (_, t) in zip(header, cells, strict=True)},
    )


def rows_from_html(path: Path, report: Report) -> Iterator[FtoRow]:
    tables = list(fto_tables(read_html(KEY, path)))
    if not tables:
        raise SourceError(KEY, "no FTO table (name and date columns) found in the page", str(path))
    for columns, (header, *rows) in tables:
        for cells in rows:
            yield html_row(columns, header, cells, path)


# --- mapping --------------------------------------------------------------------------------

ROLE_PARSERS = {"csv": rows_from_csv, "html": rows_from_html}


def _sort_date(d: Designation) -> str:
    return d.listed_on or ""


def to_record(rows: list[FtoRow]) -> Record:
    """All rows of one group -> one record, one designation per listing."""
    designations: dict[tuple[str | None, str | None], Designation] = {}
    for row in rows:
        designations.setdefault(
            (row.date_designated, row.date_delisted),
            Designation(
                AUTHORITY, "FTO", "FTO", row.date_designated, row.date_delisted, row.status
            ),
        )
    listings = sorted(designations.values(), key=_sort_date)
    active = [d for d in listings if d.status == "active"]
    current = (active or listings)[-1]
    head = next(r for r in rows if r.date_designated == current.listed_on)
    names = [Name(head.name, "primary")]
    seen = {normalize_name(head.name)}
    for row in rows:
        for n in [Name(row.name, "aka"), *row.aliases]:
            if normalize_name(n.name) not in seen:
                seen.add(normalize_name(n.name))
                names.append(n)
    properties = [Property("note", n) for r in rows for n in r.notes]
    properties += [Property("source_page", s) for s in dedupe(s for r in rows for s in r.sources)]
    return Record(
        source=KEY,
        source_id=normalize_name(head.name).replace(" ", "-"),
        type="organization",
        name=head.name,
        listed_on=current.listed_on,
        url=PAGE_URL,
        names=names,
        designations=listings,
        properties=properties,
        raw={"rows": [r.raw for r in rows]},
    )


def parse(paths: dict[str, Path], report: Report) -> Iterator[Record]:
    groups: dict[str, list[FtoRow]] = {}
    for role, path in paths.items():
        rows_from = ROLE_PARSERS.get(role)
        if rows_from is None:
            raise SourceError(KEY, f"unknown snapshot role {role!r}", str(path))
        for row in rows_from(path, report):
            report.row(role)
            groups.setdefault(normalize_name(row.name), []).append(row)
    report.count("groups listed more than once", sum(len(g) > 1 for g in groups.values()))
    for rows in groups.values():
        yield to_record(rows)


def fetch(dest_dir: Path) -> dict[str, Path]:
    """The live page is bot-protected (OpenSanctions fetches it through Zyte); this may get 403."""
    return {"html": download(KEY, PAGE_URL, dest_dir / "foreign-terrorist-organizations.html")}


SOURCE = Source(
    key=KEY,
    title="US State Department Foreign Terrorist Organizations",
    publisher="U.S. Department of State, Bureau of Counterterrorism",
    urls=(PAGE_URL,),
    format="HTML (two tables); bundled: CSV compiled from public pages",
    licence="US Government work (public domain)",
    kind="compiled",
    snapshot=(
        SnapshotFile(
            "csv",
            "state_fto/fto_compiled.csv",
            "2026-08-22",
            "compiled",
            "compiled from partial copies of the state.gov table, Federal Register notices and "
            "statements; 111 rows (91 designated, 20 delisted); see SOURCES.md section 12",
        ),
    ),
    expected=Expected(total=(100, 140), min_by_type={"organization": 100}),
    parse=parse,
    fetch=fetch,
    description="Groups designated as Foreign Terrorist Organizations under section 219 of the "
    "INA, with delisted groups and their dates.",
    priority=30,
    date_formats=DATE_FORMATS,
    short="State FTO",
    snapshot_note="compiled from the State Department's public pages, 2026-08-22",
)

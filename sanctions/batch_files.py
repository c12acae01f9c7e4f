"""Batch files in and out, for every surface: customer rows from CSV, JSONL or XLSX, and results
as CSV or XLSX rows (every input column kept, then the match columns).

The CLI (sanctions.cli.batch_input / batch_output: files, standard input, atomic output) and
the web's upload read and write through here, so a file gives the same rows and the same result
columns wherever it is screened.

    >>> columns, rows = read_rows(b"id,name\\nc1,Nord Star\\n", "customers.csv")
    >>> columns, [r.fields for r in rows]
    (['id', 'name'], [{'id': 'c1', 'name': 'Nord Star'}])
    >>> results = screen_many(r.fields for r in read_rows(data, name)[1])  # doctest: +SKIP
    >>> write_results(results, columns, "xlsx")[:2]  # doctest: +SKIP
    b'PK'

API: `read_rows(data, label)` (bytes -> header and Row stream; a bad file is one
SanctionsError line naming it, a bad row is that Row's `error`), `read_xlsx(source, label)`,
`is_xlsx(start, label)`, `MATCH_COLUMNS`, `header(columns, extra)`, `result_rows(result,
columns, extra)` (the cells of one result: one row per match, or one for no match or an error),
`XlsxSheet` (rows in, a workbook out) and `write_results(results, columns, fmt, extra)`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from .batch_text import (
    MAX_FIELD_CHARS,
    QUERY_COLUMNS,
    RESERVED,
    Row,
    _csv_rows,
    _header,
    _json_rows,
    _lines,
)
from .errors import SanctionsError

__all__ = ["MATCH_COLUMNS", "Row", "XlsxSheet", "header", "is_xlsx", "read_rows", "read_xlsx",
           "result_rows", "write_results"]

# The match columns of CSV and XLSX output; a batch's input columns come first (passthrough).
MATCH_COLUMNS = ("query_id", "query_name", "rank", "entity_id", "source", "name", "type",
                 "score", "band", "matched_name", "programs", "listed_on", "related", "error",
                 # a decision recorded for this customer key and entity (sanctions decide), and
                 # the build that answered (the whole data version is in JSON output)
                 "decision", "decision_status", "decision_by", "decision_at", "decision_note",
                 "build")
XLSX_MAGIC = b"PK\x03\x04"  # an XLSX file is a zip archive
_NUMBERS = ("rank", "score")  # typed as numbers in XLSX, so a sheet sorts and filters them


# --- reading ----------------------------------------------------------------------------------


def is_xlsx(start: bytes, label: str | Path = "") -> bool:
    """Whether a file is an XLSX workbook, by its first bytes (or its name)."""
    return start.startswith(XLSX_MAGIC) or str(label).lower().endswith(".xlsx")


def read_rows(data: bytes, label: str) -> tuple[list[str] | None, Iterator[Row]]:
    """A batch file's columns (None for JSONL) and rows, from its bytes: XLSX by its content,
    JSONL when it starts with `{` (or is named .jsonl), else CSV with a header."""
    if is_xlsx(data[:4], label):
        return read_xlsx(io.BytesIO(data), label)
    fh = io.BytesIO(data)
    start = data[:64].removeprefix(b"\xef\xbb\xbf").lstrip()
    lines = _lines(fh, label)
    if start[:1] == b"{" or label.lower().endswith((".jsonl", ".ndjson")):
        return None, _json_rows(lines)
    columns = _header(lines, label)
    return columns, _csv_rows(lines, columns)


def _text(value: Any) -> str:
    """A cell as the text a CSV would hold: dates in ISO, 9323596.0 as the IMO 9323596."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(source: IO[bytes] | Path, label: str | Path) -> tuple[list[str], Iterator[Row]]:
    """The first sheet of a workbook: its first row is the header (the same rules as a CSV's),
    every later non-blank row a Row numbered as the sheet numbers it."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(source, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
    except Exception as exc:  # zipfile, XML and openpyxl errors: the file is not a workbook
        raise SanctionsError(f"{label}: not a readable XLSX workbook "
                             f"({exc.__class__.__name__}: {str(exc)[:120]})") from None
    if first is None:
        book.close()
        raise SanctionsError(f"{label}: line 1 (the header): the sheet is empty")
    cells = [_text(c).strip() for c in first]
    while cells and not cells[-1]:  # a sheet's used range often runs past the header
        cells.pop()
    columns = [c if c else f"column_{i}" for i, c in enumerate(cells, 1)]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    problem = (f"the header repeats column {repeated[0]!r}" if repeated else
               f"the header has column {reserved[0]!r}, which is reserved"
               if (reserved := [c for c in RESERVED if c in columns]) else
               "needs a header row with a 'name' or 'imo' column"
               if not set(QUERY_COLUMNS) & set(columns) else "")
    if problem:
        book.close()
        raise SanctionsError(f"{label}: {problem}")
    return columns, _xlsx_rows(book, rows, columns)


def _xlsx_rows(book: Any, rows: Iterator[tuple[Any, ...]], columns: list[str]) -> Iterator[Row]:
    width = len(columns)
    try:
        for number, values in enumerate(rows, 2):
            texts = [_text(v) for v in values]
            if not "".join(texts).strip():
                continue  # a blank row (sheets end with them) is not a row
            fields: dict[str, Any] = dict(zip(columns, texts, strict=False))
            fields.update(dict.fromkeys(columns[len(texts):]))
            error = None
            if len(texts) > width and "".join(texts[width:]).strip():
                error = f"row has {len(texts)} cells, the header has {width}"
            elif long := [k for k, v in fields.items() if v and len(v) > MAX_FIELD_CHARS]:
                error = f"field {long[0]!r} is longer than {MAX_FIELD_CHARS:,} characters"
                fields = {k: v for k, v in fields.items() if k not in long}
            yield Row(number, fields, error)
    finally:
        book.close()


# --- writing ----------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def header(columns: Sequence[str], extra: Sequence[str] = ()) -> list[str]:
    """The input columns (a name taken by a match column gets an `input_` prefix), then the
    match columns, then `extra` ones (e.g. `sanctions rescreen`'s `change`)."""
    return input_names(columns, {*MATCH_COLUMNS, *extra}) + list(MATCH_COLUMNS) + list(extra)


def input_names(columns: Sequence[str], taken: Collection[str]) -> list[str]:
    """The input columns as output columns: one whose name is `taken` (a match column's) or
    already given gets an `input_` prefix, as often as needed."""
    used = set(taken)
    out = []
    for column in columns:
        name = column
        while name in used:
            name = f"input_{name}"
        used.add(name)
        out.append(name)
    return out


def _decision_cells(decision: dict[str, Any] | None) -> dict[str, Any]:
    if not decision:
        return {}
    return {"decision": decision["decision"], "decision_status": decision["status"],
            "decision_by": decision["by"], "decision_at": decision["at"],
            "decision_note": decision["note"]}


def result_rows(result: Mapping[str, Any], columns: Sequence[str], extra: Sequence[str] = ()
                ) -> Iterator[list[str]]:
    """The cells of one result under `header(columns, extra)`: one row per match, or one row
    for a query with no match or an error."""
    q = result["query"]
    passthrough = [_cell(q.get(c)) for c in columns]
    base = {"query_id": q.get("id", ""), "query_name": q.get("name", ""),
            "build": (result.get("data_version") or {}).get("build")}
    rows = [{**base, "error": result.get("error", "")}] if (
        result.get("error") or not result["matches"]) else []
    for rank, m in enumerate(result["matches"], 1):
        rows.append({**base, "rank": rank, **{k: m[k] for k in MATCH_COLUMNS if k in m},
                     "programs": ";".join(m["programs"]),
                     "related": ";".join(x["entity_id"] for x in m["related"]),
                     **_decision_cells(m.get("decision")), **{k: m[k] for k in extra if k in m}})
    for row in rows:
        yield passthrough + [_cell(row.get(c)) for c in (*MATCH_COLUMNS, *extra)]


class XlsxSheet:
    """One sheet written row by row (openpyxl's write-only mode: rows go to a temporary file,
    not memory), saved as a workbook at the end. Every cell is text, except the columns named
    in `numbers`: a name such as "=HYPERLINK(...)" stays text, never a formula."""

    def __init__(self, title: str = "results") -> None:
        from openpyxl import Workbook

        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(title)
        self.numeric: set[int] = set()

    def header(self, names: Sequence[str], numbers: Iterable[str] = _NUMBERS) -> None:
        wanted = set(numbers)
        self.numeric = {i for i, n in enumerate(names) if n in wanted}
        self.append(names)

    def append(self, cells: Sequence[str]) -> None:
        from openpyxl.cell import WriteOnlyCell

        row = []
        for i, value in enumerate(cells):
            if i in self.numeric and value:
                try:
                    row.append(WriteOnlyCell(self.sheet, float(value) if "." in value
                                             else int(value)))
                    continue
                except ValueError:
                    pass
            cell = WriteOnlyCell(self.sheet, _clean(value))
            cell.data_type = "s"  # text as written: never a formula, a number or a date
            row.append(cell)
        self.sheet.append(row)

    def save(self, fh: IO[bytes]) -> None:
        self.book.save(fh)


def _clean(value: str) -> str:
    """XLSX (XML 1.0) cannot hold control characters other than tab and line breaks."""
    if value.isprintable():
        return value
    return "".join(c if c.isprintable() or c in "\t\n\r" or ord(c) >= 0x20 else "\ufffd"
                   for c in value)


def write_results(results: Iterable[Mapping[str, Any]], columns: Sequence[str], fmt: str,
                  extra: Sequence[str] = ()) -> bytes:
    """Results as one CSV (UTF-8) or XLSX file: the input columns, then the match columns."""
    names = header(columns, extra)
    if fmt == "csv":
        text = io.StringIO()
        out = csv.writer(text)
        out.writerow(names)
        for result in results:
            out.writerows(result_rows(result, columns, extra))
        return text.getvalue().encode("utf-8")
    if fmt != "xlsx":
        raise ValueError(f"format must be csv or xlsx, not {fmt!r}")
    sheet = XlsxSheet()
    sheet.header(names)
    for result in results:
        for row in result_rows(result, columns, extra):
            sheet.append(row)
    buf = io.BytesIO()
    sheet.save(buf)
    return buf.getvalue()

"""The rows of a batch file in text (CSV with a header, or JSONL), one at a time.

The bytes are decoded line by line, so an undecodable byte, an oversize field or line, a bad
JSON line or a quote left open costs that row only: it comes back as a `Row` with an `error`,
and the rows after it are still read (and screened). Only a bad CSV header stops the batch
before it starts, as one `SanctionsError` line. Read from a file or standard input by
sanctions.cli.batch_input, from uploaded bytes by sanctions.batch_files.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from .errors import SanctionsError

MAX_LINE_BYTES = 1 << 20  # a longer line is skipped unread (memory stays bounded): an error row
MAX_FIELD_CHARS = 65_536  # a name is at most 300 characters; this leaves room for long notes
MAX_RECORD_CHARS = 2 << 20  # a quote left open ends its row here, not at the end of the file
QUERY_COLUMNS = ("name", "imo", "identifier")  # a CSV needs one of these to be a batch
RESERVED = ("_row", "_error")  # how the batch marks a row for the service: never input fields

Line = tuple[int, str, str | None]  # line number (1-based), text, what is wrong with it


@dataclass(frozen=True, slots=True)
class Row:
    """One input row: its first line, its fields (as far as they could be read), its error."""

    line: int
    fields: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def _skip_rest(fh: BinaryIO, head: bytes) -> bytes:
    """Read past the rest of an over-long line without keeping it; what stands in for it keeps
    the quote parity, so the CSV reader stays in step with the rows after it."""
    quotes = head.count(b'"')
    while not head.endswith(b"\n"):
        head = fh.readline(MAX_LINE_BYTES)
        if not head:
            break
        quotes += head.count(b'"')
    return b'"' * (quotes % 2) + b"\n"


def _lines(fh: BinaryIO, path: Path | str) -> Iterator[Line]:
    number = 0
    while True:
        try:
            raw = fh.readline(MAX_LINE_BYTES + 1)
        except OSError as exc:
            raise SanctionsError(f"cannot read {path}: {exc.strerror or exc}") from exc
        if not raw:
            return
        number += 1
        problem = None
        if len(raw) > MAX_LINE_BYTES:
            raw, problem = _skip_rest(fh, raw), f"line is longer than {MAX_LINE_BYTES:,} bytes"
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            # Decoded anyway (bad bytes kept as surrogates), so the row's fields and its line
            # boundaries are still known; the row is an error, never screened on guessed text.
            text = raw.decode("utf-8", "surrogateescape")
            problem = problem or (f"not valid UTF-8 (byte 0x{raw[exc.start]:02X} at position "
                                  f"{exc.start + 1} of line {number})")
        yield number, text, problem


def _readable(value: str) -> str:
    """A field with undecodable bytes, shown with U+FFFD in their place (for the echo only)."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


class _Unclosed(Exception):
    """The current CSV record grew past MAX_RECORD_CHARS: a quote was left open."""


class _Feed:
    """The lines a csv.reader reads, kept until its record ends, so a broken record can be read
    again from its second line (the rows after a stray quote are not lost)."""

    def __init__(self, lines: Iterator[Line]) -> None:
        self.lines = lines
        self.replay: deque[Line] = deque()
        self.taken: list[Line] = []
        self.size = 0
        self.eof = False

    def start(self) -> None:
        self.taken, self.size, self.eof = [], 0, False

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        if self.replay:
            line = self.replay.popleft()
        else:
            got = next(self.lines, None)
            if got is None:
                self.eof = True
                raise StopIteration
            line = got
        self.taken.append(line)
        self.size += len(line[1])
        if self.size > MAX_RECORD_CHARS and len(self.taken) > 1:
            raise _Unclosed
        return line[1]


def _csv_records(lines: Iterator[Line]
                 ) -> Iterator[tuple[int, list[str] | None, str | None, int]]:
    """(first line, fields or None, error, characters read) for every record, blank ones too."""
    feed = _Feed(lines)
    reader = csv.reader(feed)
    while True:
        feed.start()
        record: list[str] | None
        error: str | None = None
        try:
            record = next(reader)
            if feed.eof:  # the reader only reaches the end inside a quoted field
                record, error = None, "a quoted field is not closed"
        except StopIteration:
            return
        except csv.Error as exc:
            record, error = None, (f"a field is longer than {MAX_FIELD_CHARS:,} characters"
                                   if "field limit" in str(exc) else f"not valid CSV: {exc}")
        except _Unclosed:
            record, error = None, "a quoted field is not closed"
        if not feed.taken:
            return
        first = feed.taken[0][0]
        if record is None:  # read again from the next line: that row may be fine
            feed.replay.extendleft(reversed(feed.taken[1:]))
        else:
            error = next((p for _, _, p in feed.taken if p), None)
        yield first, record, error, feed.size


def _csv_rows(lines: Iterator[Line], columns: list[str]) -> Iterator[Row]:
    width = len(columns)
    for first, record, error, size in _csv_records(lines):
        if record is not None and not error and not "".join(record).strip():
            continue  # a blank or all-empty line (spreadsheets end with them) is not a row
        if record is None:
            yield Row(first, {}, error)
            continue
        fields: dict[str, Any] = dict(zip(columns, record, strict=False))
        if len(record) < width and not error:  # a short row: its last fields are blank
            fields.update(dict.fromkeys(columns[len(record):]))
        if error:
            fields = {k: _readable(v) if isinstance(v, str) else v for k, v in fields.items()}
        elif len(record) > width and "".join(record[width:]).strip():
            # Most often an unquoted comma inside a name: screening a piece of it would lie.
            error = f"row has {len(record)} fields, the header has {width}"
        elif size > MAX_FIELD_CHARS and (
                long := [k for k, v in fields.items() if v and len(v) > MAX_FIELD_CHARS]):
            error = f"field {long[0]!r} is longer than {MAX_FIELD_CHARS:,} characters"
            fields = {k: v for k, v in fields.items() if k not in long}
        yield Row(first, fields, error)


def _json_rows(lines: Iterator[Line]) -> Iterator[Row]:
    for number, text, problem in lines:
        if problem:
            yield Row(number, {}, problem)
            continue
        if not text.strip():
            continue
        try:
            value = json.loads(text.rstrip("\r\n"))  # so a column points into the line
            if "\\u" in text:  # a lone surrogate cannot be written out (or screened) as text
                json.dumps(value, ensure_ascii=False).encode("utf-8")
        except json.JSONDecodeError as exc:
            yield Row(number, {}, f"not valid JSON: {exc.msg} (column {exc.colno})")
            continue
        except UnicodeEncodeError:
            yield Row(number, {}, "not valid JSON: a string holds a lone surrogate (\\ud800-"
                                  "\\udfff)")
            continue
        except RecursionError:
            yield Row(number, {}, "not valid JSON: nested too deeply")
            continue
        except ValueError as exc:  # e.g. an integer longer than Python converts
            yield Row(number, {}, f"not valid JSON: {str(exc)[:120]}")
            continue
        if isinstance(value, dict):
            reserved = [k for k in RESERVED if k in value]
            yield Row(number, {k: v for k, v in value.items() if k not in reserved},
                      f"field {reserved[0]!r} is reserved" if reserved else None)
        else:
            yield Row(number, {}, "not a JSON object")


def _header(lines: Iterator[Line], path: Path | str) -> list[str]:
    first, record, error, _ = next(_csv_records(lines), (1, None, "the file is empty", 0))
    if record is None or error:
        raise SanctionsError(f"{path}: line {first} (the CSV header): {error}")
    # Empty names (a trailing comma) get a name of their own: their values still pass through.
    columns = [c if c else f"column_{i}" for i, c in enumerate(record, 1)]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise SanctionsError(f"{path}: the CSV header repeats column {repeated[0]!r}")
    if reserved := [c for c in RESERVED if c in columns]:
        raise SanctionsError(f"{path}: the CSV header has column {reserved[0]!r}, which is "
                             "reserved")
    if not set(QUERY_COLUMNS) & set(columns):
        raise SanctionsError(f"{path}: CSV needs a header row with a 'name' or 'imo' column")
    return columns

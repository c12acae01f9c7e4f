"""The rows of a `sanctions screen --input` file (CSV with a header, or JSONL), one at a time.

The file is read as bytes and decoded line by line, so an undecodable byte, an oversize field or
line, a bad JSON line or a quote left open costs that row only: it comes back as a `Row` with an
`error`, and the rows after it are still read (and screened). Only a missing file or a bad CSV
header stops the batch before it starts, as one `SanctionsError` line.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
import sys
import tempfile
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BufferedReader
from pathlib import Path
from typing import Any, BinaryIO, cast

from ..errors import SanctionsError

MAX_LINE_BYTES = 1 << 20  # a longer line is skipped unread (memory stays bounded): an error row
MAX_FIELD_CHARS = 65_536  # a name is at most 300 characters; this leaves room for long notes
MAX_RECORD_CHARS = 2 << 20  # a quote left open ends its row here, not at the end of the file
QUERY_COLUMNS = ("name", "imo")  # a CSV needs one of these to be a screening batch
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


STDIN = Path("-")  # `--input -`: the rows come from standard input


def _open(path: Path) -> BinaryIO:
    if path != STDIN:
        return open(path, "rb")  # noqa: SIM115 - closed by BatchFile.close()
    stream: Any = getattr(sys.stdin, "buffer", sys.stdin)
    if not hasattr(stream, "peek"):  # e.g. a test runner's stdin: given the peek used below
        stream = io.BufferedReader(stream)
    return cast(BinaryIO, stream)


def count_rows(path: Path) -> int | None:
    """How many rows a batch file holds, for the progress bar: its lines less a CSV's header
    (a quoted field across lines or a blank line makes it a little high). None for stdin or
    anything but a regular file. One pass over the bytes, about 1 s per GB."""
    if path == STDIN or not path.is_file():
        return None
    lines, last, first = 0, b"\n", b""
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                first = first or chunk[:64]
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return None
    lines += last != b"\n"
    jsonl = first.removeprefix(codecs.BOM_UTF8).lstrip()[:1] == b"{" or path.suffix.lower() in (
        ".jsonl", ".ndjson")
    return max(lines - (not jsonl), 0)


class BatchFile:
    """An open batch file (`-` for standard input): `columns` (a CSV's header; None for JSONL)
    and `rows()`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.label = "standard input" if path == STDIN else str(path)
        self.owned = path != STDIN  # standard input stays open: it is not ours to close
        try:
            self.fh: BinaryIO = _open(path)
        except OSError as exc:
            raise SanctionsError(f"cannot read {self.label}: {exc.strerror or exc}") from exc
        try:
            # peek, not read and seek: a pipe (--input -) cannot seek
            start = cast(BufferedReader, self.fh).peek(64)[:64]
            start = start.removeprefix(codecs.BOM_UTF8).lstrip()
            self.jsonl = start[:1] == b"{" or path.suffix.lower() in (".jsonl", ".ndjson")
            self.lines = _lines(self.fh, self.label)
            self.columns = None if self.jsonl else _header(self.lines, self.label)
        except OSError as exc:
            self.close()
            raise SanctionsError(f"cannot read {self.label}: {exc.strerror or exc}") from exc
        except BaseException:
            self.close()
            raise

    def rows(self) -> Iterator[Row]:
        if self.columns is None:
            return _json_rows(self.lines)
        return _csv_rows(self.lines, self.columns)

    def json_columns(self) -> list[str]:
        """Every key of a JSONL file's objects, in order of first appearance (a first pass over
        the file, for CSV output); the file is then read again from the start. A pipe is first
        copied to a temporary file (deleted on close), since it can be read only once."""
        if not self.fh.seekable():
            spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
            try:
                shutil.copyfileobj(self.fh, spool)
                spool.seek(0)
            except OSError as exc:
                spool.close()
                raise SanctionsError(f"cannot read {self.label}: {exc.strerror or exc}") from exc
            self.close()
            self.fh, self.owned = spool, True
        start = self.fh.tell()
        keys: dict[str, None] = {}
        for row in _json_rows(_lines(self.fh, self.label)):
            keys.update(dict.fromkeys(row.fields))
        self.fh.seek(start)
        self.lines = _lines(self.fh, self.label)
        return list(keys)

    def close(self) -> None:
        if self.owned:
            self.fh.close()

    def __enter__(self) -> BatchFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""The rows of a `sanctions screen --input` file (CSV with a header, or JSONL), one at a time.

The file is read as bytes and decoded line by line, so an undecodable byte, an oversize field or
line, a bad JSON line or a quote left open costs that row only: it comes back as a `Row` with an
`error`, and the rows after it are still read (and screened). Only a missing file or a bad CSV
header stops the batch before it starts, as one `SanctionsError` line.
"""

from __future__ import annotations

import codecs
import io
import shutil
import sys
import tempfile
from collections.abc import Iterator
from io import BufferedReader
from pathlib import Path
from typing import Any, BinaryIO, cast

from ..batch_files import is_xlsx, read_xlsx
from ..batch_text import (
    MAX_FIELD_CHARS,
    MAX_LINE_BYTES,
    MAX_RECORD_CHARS,
    QUERY_COLUMNS,
    RESERVED,
    Row,
    _csv_rows,
    _header,
    _json_rows,
    _lines,
)
from ..errors import SanctionsError

__all__ = ["MAX_FIELD_CHARS", "MAX_LINE_BYTES", "MAX_RECORD_CHARS", "QUERY_COLUMNS", "RESERVED",
           "STDIN", "BatchFile", "Row", "count_rows"]


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
    anything but a regular file. One pass over the bytes, about 1 s per GB. None for an XLSX
    workbook too (its lines are not its rows)."""
    if path == STDIN or not path.is_file():
        return None
    lines, last, first = 0, b"\n", b""
    try:
        with open(path, "rb") as fh:
            if is_xlsx(fh.read(4), path):
                return None
            fh.seek(0)
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
            self.xlsx: Iterator[Row] | None = None
            self.columns: list[str] | None = None
            if is_xlsx(start, path):  # a zip is read from its end: a pipe is spooled first
                self._spool()
                self.columns, self.xlsx = read_xlsx(self.fh, self.label)
                self.jsonl = False
                return
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
        if self.xlsx is not None:
            return self.xlsx
        if self.columns is None:
            return _json_rows(self.lines)
        return _csv_rows(self.lines, self.columns)

    def json_columns(self) -> list[str]:
        """Every key of a JSONL file's objects, in order of first appearance (a first pass over
        the file, for CSV output); the file is then read again from the start. A pipe is first
        copied to a temporary file (deleted on close), since it can be read only once."""
        self._spool()
        start = self.fh.tell()
        keys: dict[str, None] = {}
        for row in _json_rows(_lines(self.fh, self.label)):
            keys.update(dict.fromkeys(row.fields))
        self.fh.seek(start)
        self.lines = _lines(self.fh, self.label)
        return list(keys)

    def _spool(self) -> None:
        """A pipe, copied to a temporary file (deleted on close) to be read more than once."""
        if self.fh.seekable():
            return
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        try:
            shutil.copyfileobj(self.fh, spool)
            spool.seek(0)
        except OSError as exc:
            spool.close()
            raise SanctionsError(f"cannot read {self.label}: {exc.strerror or exc}") from exc
        self.close()
        self.fh, self.owned = spool, True

    def close(self) -> None:
        if self.owned:
            self.fh.close()

    def __enter__(self) -> BatchFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Where `sanctions screen` writes its results (table, json, jsonl, csv, xlsx): a file or stdout.

A file is written beside its final name and renamed into place once every result is in, so a
batch that stops (a bad input file, a full disk, Ctrl-C) never leaves a short file that looks
complete, and never truncates the previous one. Every write error becomes one SanctionsError
line naming the output.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from ..batch_files import MATCH_COLUMNS, XlsxSheet, header, result_rows
from ..errors import SanctionsError

# The match columns of CSV and XLSX output; a batch's input columns come first (passthrough).
CSV_COLUMNS = MATCH_COLUMNS
FORMATS = ("table", "json", "jsonl", "csv", "xlsx")


class Output:
    """The text stream results go to, and what to do with it at the end (commit or discard)."""

    def __init__(self, path: Path | None, data: bool, input: Path | None = None) -> None:
        self.path, self.tmp = path, None
        self.name = str(path) if path else "standard output"
        if path is None:
            if sys.stdout is None:  # started with it closed (`>&-`): Python set it to None
                raise SanctionsError("cannot write standard output: it is closed; redirect "
                                     "it or give --output FILE")
            self.fh = _stdout(data)
            return
        if path.is_dir():
            raise SanctionsError(f"cannot write {path}: it is a directory")
        if input is not None and _same_file(path, input):
            raise SanctionsError(f"--output {path} is the --input file; write the results "
                                 "elsewhere")
        if path.is_symlink():  # the file it points to gets the results, not the link
            path = self.path = path.resolve()
        try:
            if path.exists() and not path.is_file():  # a pipe or a device: written in place
                self.fh = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
            elif path.exists() and not os.access(path, os.W_OK):  # a rename would get past it
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            else:
                self.tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                self.fh = open(self.tmp, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as exc:
            raise self.error(exc) from exc

    def error(self, exc: OSError) -> SanctionsError:
        if self.path is None and exc.errno == errno.EPIPE:
            _quiet_stdout()  # the reader went away: nothing more (not even at exit) goes there
        return SanctionsError(f"cannot write {self.name}: {exc.strerror or exc}")

    def commit(self) -> None:
        try:
            self.fh.flush()
            if self.path is not None:
                self.fh.close()
            if self.tmp is not None and self.path is not None:
                os.replace(self.tmp, self.path)
                self.tmp = None
        except OSError as exc:
            raise self.error(exc) from exc

    def discard(self) -> None:
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.fh.close()
        if self.tmp is not None:
            with contextlib.suppress(OSError):
                self.tmp.unlink()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _stdout(data: bool) -> TextIO:
    """stdout, able to write every name: data formats are UTF-8 whatever the locale; a table
    shows what the terminal cannot as escapes rather than failing."""
    out = sys.stdout
    encoding = (getattr(out, "encoding", None) or "").lower().replace("_", "-")
    reconfigure = getattr(out, "reconfigure", None)
    if encoding not in ("utf-8", "utf8") and reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):
            reconfigure(**({"encoding": "utf-8"} if data else {"errors": "backslashreplace"}))
    return out


def _quiet_stdout() -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


# The layout of CSV and XLSX results lives below the surfaces, shared with the web's upload.
csv_header = header
_csv_rows = result_rows


class Writer:
    """Writes results as they come, in the chosen format; `columns` are a batch's input columns,
    repeated in front of the match columns of CSV output."""

    def __init__(self, out: Output, fmt: str, single: bool, columns: list[str],
                 extra: Sequence[str] = ()) -> None:
        self.out, self.fmt, self.single, self.columns, self.count = out, fmt, single, columns, 0
        self.extra = extra  # match columns after the usual ones (`sanctions rescreen`: change)
        # The CSV header waits for the first result: a batch that cannot start (no database)
        # leaves nothing on stdout.
        self.csv = csv.writer(out.fh) if fmt == "csv" else None
        # An XLSX is a zip: its rows are collected (on disk) and it is written whole at close.
        self.xlsx = XlsxSheet() if fmt == "xlsx" else None
        self.printer = None
        if fmt == "table":
            from .render import ScreenPrinter

            self.printer = ScreenPrinter(out.fh)

    def write(self, result: dict[str, Any]) -> None:
        fh = self.out.fh
        try:
            if self.fmt == "jsonl":
                fh.write(json.dumps(result, ensure_ascii=False) + "\n")
            elif self.fmt == "json" and self.single:  # one query: one JSON object
                fh.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
            elif self.fmt == "json":  # a batch: a JSON array, written as results come
                fh.write(("[\n" if self.count == 0 else ",\n")
                         + json.dumps(result, ensure_ascii=False))
            elif self.csv:
                if self.count == 0:
                    self.csv.writerow(csv_header(self.columns, self.extra))
                self.csv.writerows(_csv_rows(result, self.columns, self.extra))
            elif self.xlsx:
                if self.count == 0:
                    self.xlsx.header(csv_header(self.columns, self.extra))
                for row in _csv_rows(result, self.columns, self.extra):
                    self.xlsx.append(row)
            elif self.printer:
                self.printer.print(result)
        except OSError as exc:
            raise self.out.error(exc) from exc
        self.count += 1

    def close(self) -> None:
        try:
            if self.fmt == "json" and not self.single:
                self.out.fh.write("\n]\n" if self.count else "[]\n")
            elif self.csv and self.count == 0:  # an empty batch: the header alone
                self.csv.writerow(csv_header(self.columns, self.extra))
            elif self.xlsx:
                if self.count == 0:
                    self.xlsx.header(csv_header(self.columns, self.extra))
                self.out.fh.flush()
                self.xlsx.save(self.out.fh.buffer)  # type: ignore[attr-defined]
        except OSError as exc:
            raise self.out.error(exc) from exc
        self.out.commit()


@contextlib.contextmanager
def writing(out: Output, fmt: str, single: bool, columns: list[str]) -> Iterator[Writer]:
    """A Writer on `out`, closed at the end (the output committed); on any exception, Ctrl-C
    included, the output is discarded: never a short file in the output's place."""
    try:
        writer = Writer(out, fmt, single, columns)
        yield writer
        writer.close()
    except BaseException:
        out.discard()
        raise

"""What every source module declares, and the helpers they share.

A source module under `sanctions/sources/` defines one module-level `SOURCE = Source(...)`:
what the source is (key, title, publisher, official URLs, format, licence, kind), the bundled
snapshot files with their dates, the expected counts a build must meet, a pure `parse` function
(snapshot files in, records out) and a `fetch` function, the only code that touches the network.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

from ..errors import SourceError
from ..models import Record, SourceKind

# What a file is: official (a byte-exact copy of the publisher's file), partial (an official file
# that holds part of the list, e.g. one page of an API), excerpt (rows cut from an official file
# by hand) or compiled (made here from public pages and statements).
FileKind = Literal["official", "compiled", "partial", "excerpt"]
FILE_KINDS: tuple[FileKind, ...] = ("official", "compiled", "partial", "excerpt")

DATA_DIR = Path(str(resources.files("sanctions") / "data"))


@dataclass(frozen=True, slots=True)
class SnapshotFile:
    """One file of a source's bundled snapshot.

    role: what the parser uses it for ("sdn", "alt", "add", "comments", "xml", ...);
    kind: one of FILE_KINDS; records: whether the file supplies records (False for files that
    only add to records another file supplies: OFAC's ALT, ADD and comments). The first
    declared file that supplies records is the main file, the one that supplies most records of
    the bundled snapshot: its date is the source's age (`Source.as_of`).
    """

    role: str
    path: str  # relative to sanctions/data/
    as_of: str  # ISO date of the data
    kind: FileKind = "official"
    note: str = ""
    records: bool = True

    @property
    def full_path(self) -> Path:
        return DATA_DIR / self.path


@dataclass(frozen=True, slots=True)
class Expected:
    """Bounds a parsed source must meet before a build is published.

    Exact counts for bundled snapshots would break on every official update, so bounds are
    ranges: `total` and per-type minimums catch a truncated or wrong file.
    """

    total: tuple[int, int]
    min_by_type: dict[str, int] = field(default_factory=dict)


class Report:
    """What a parse noticed that is not fatal: orphan rows, invalid check digits, file row counts.

    Parsers call `count("alt rows without an entry")`; the build stores the counts with the source.
    """

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.rows: dict[str, int] = {}  # snapshot role -> rows read from that file
        # source_id -> role of the file the record came from, for sources whose records come
        # from several files; the build puts every other record on the source's main file
        self.origins: dict[str, str] = {}

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def row(self, role: str, n: int = 1) -> None:
        """Count rows read from the snapshot file with this role."""
        self.rows[role] = self.rows.get(role, 0) + n

    def origin(self, source_id: str, role: str) -> None:
        """The record `source_id` came from the file with this role (the last call wins)."""
        self.origins[source_id] = role


# How far a source may shrink between two builds before it is refused (a fraction of the last
# good build's entity count), by kind when the source declares none. Official lists lose a few
# entries a week (OFAC's weekly delistings are well under 1%); a truncated file or a failed page
# loses far more. Compiled lists are small, so one removal is a larger share; partial ones (an
# API page) move more between fetches.
MAX_SHRINK_BY_KIND: dict[str, float] = {"official": 0.03, "compiled": 0.05, "partial": 0.20}

ParseFn = Callable[[dict[str, Path], Report], Iterator[Record]]
FetchFn = Callable[[Path], dict[str, Path]]


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    publisher: str
    urls: tuple[str, ...]
    format: str
    licence: str
    kind: SourceKind
    snapshot: tuple[SnapshotFile, ...]
    expected: Expected
    parse: ParseFn
    fetch: FetchFn
    description: str = ""
    # Which record stands for a cluster of linked records, and wins a tie in screening: lowest
    # first. Declared, so that adding a module never reorders anything silently.
    priority: int = 100
    # strptime patterns of the dates this source publishes, for `sanctions.dates.parse_date`.
    date_formats: tuple[str, ...] = ()
    # Short label for pages and the footer ("OFAC SDN").
    short: str = ""
    # What the bundled snapshot is, in a line, for the README's source table.
    snapshot_note: str = ""
    # The largest drop in entity count accepted between two builds, as a fraction (0.03 = 3%);
    # None: MAX_SHRINK_BY_KIND[kind]. Beyond it the source is refused unless the operator
    # accepts the drop for it (`--accept-drop KEY`).
    max_shrink: float | None = None

    @property
    def shrink_limit(self) -> float:
        if self.max_shrink is not None:
            return self.max_shrink
        return MAX_SHRINK_BY_KIND.get(self.kind, MAX_SHRINK_BY_KIND["official"])

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles of the bundled snapshot: what `--file SOURCE:ROLE=PATH` can replace."""
        return tuple(f.role for f in self.snapshot)

    @property
    def main_file(self) -> SnapshotFile:
        """The bundled file that supplies most records: the first declared that supplies any."""
        return next((f for f in self.snapshot if f.records), self.snapshot[0])

    @property
    def as_of(self) -> str:
        """The bundled snapshot's age: the date of its main file, not of the newest file (a
        2026 excerpt does not make a 2024 list current)."""
        return self.main_file.as_of

    @property
    def newest(self) -> str:
        """The newest date among the snapshot files."""
        return max(f.as_of for f in self.snapshot)

    def snapshot_paths(self) -> dict[str, Path]:
        return {f.role: f.full_path for f in self.snapshot}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_data(source: str, path: Path) -> bytes:
    """Read a whole data file, refusing empty files and HTML error pages with a clear error."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(source, f"cannot read file: {exc.strerror}", str(path)) from exc
    if not data.strip():
        raise SourceError(source, "file is empty", str(path))
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:200]:
        raise SourceError(source, "file is an HTML page, not the expected data file", str(path))
    return data


def decode(source: str, path: Path, data: bytes, encoding: str = "utf-8") -> str:
    """Decode strictly, naming the first bad line: never a silent guess at another encoding,
    which would store every accented name garbled."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start:exc.end].hex(" ").upper()
        raise SourceError(
            source, f"line {line:,} is not valid {encoding.upper()} (byte {bad}: {exc.reason}); "
            "refused rather than guessing the encoding", str(path)) from exc


def read_text(source: str, path: Path, encoding: str = "utf-8") -> str:
    """Read a whole text file: `read_data`'s checks, then a strict `decode`."""
    return decode(source, path, read_data(source, path), encoding)


def none_if_blank(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))

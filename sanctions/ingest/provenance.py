"""Which file each record came from, and what that makes a source's date and kind.

A source built from several files is as old as the file that supplied most of its records, not
as new as its newest file: OFAC SDN's bundled snapshot is the 2024-05-03 list with 126 rows of a
2026 excerpt laid over it, so it is "2024-05-03, with 126 records from the 2026-06-02 excerpt"
(store/catalog.py words it), never "as of 2026-06-02". Likewise a source is only as official as
that main file.

Parsers name the file of a record when a source has several (`Report.origin`); every other
record is put on the source's main file (the declared one when given, else the first file).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..sources.base import Report, Source


class Written(Protocol):
    """A record as provenance needs it (a `Record`, or the build's `load.Kept`)."""

    @property
    def id(self) -> str: ...

    @property
    def source_id(self) -> str: ...


@dataclass(frozen=True)
class FileUse:
    role: str
    as_of: str | None
    kind: str
    records: int
    share: float  # of the source's records, 0..1


@dataclass(frozen=True)
class Provenance:
    files: dict[str, FileUse]  # role -> use, every file of the set
    as_of: str | None  # the main file's date
    kind: str  # the main file's kind

    @property
    def main(self) -> str | None:
        used = [f for f in self.files.values() if f.records]
        return max(used, key=lambda f: f.records).role if used else None


def default_role(source: Source, roles: Sequence[str]) -> str:
    """The file a record comes from when the parser does not say: the declared main file if it
    is in this file set, else the first file."""
    main = source.main_file.role
    return main if main in roles else roles[0]


def provenance(source: Source, records: Sequence[Written], report: Report,
               described: Mapping[str, tuple[str, str | None]]) -> tuple[Provenance, list[str]]:
    """(the source's provenance, each record's file role in `records` order). `described`:
    role -> (kind, as_of) of every file of the set, as the build describes them."""
    roles = list(described)
    fallback = default_role(source, roles)
    origins = report.origins
    role_of = [r if (r := origins.get(rec.source_id)) is not None and r in described
               else fallback for rec in records]
    counts = Counter(role_of)
    total = len(records) or 1
    files = {role: FileUse(role, as_of, kind, counts.get(role, 0), counts.get(role, 0) / total)
             for role, (kind, as_of) in described.items()}
    used = [f for f in files.values() if f.records]
    # most records wins; on a tie (or none) the earlier-declared file
    main = max(used, key=lambda f: (f.records, -roles.index(f.role))) if used else None
    kind = main.kind if main else source.kind
    as_of = main.as_of if main else None
    return Provenance(files, as_of, kind), role_of


def write_entity_files(conn: sqlite3.Connection, records: Sequence[Written],
                       role_of: Sequence[str]) -> None:
    conn.executemany("INSERT INTO entity_files (entity_id, role) VALUES (?, ?)",
                     [(r.id, role) for r, role in zip(records, role_of, strict=True)])

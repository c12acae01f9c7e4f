"""A source's records from parser to database, a chunk at a time, checked as they pass.

A build holds no source whole in memory: records go from the parser into the database in
chunks, and what validation needs (counts by type, every source id for duplicates, each
record's id for its file's provenance) is kept on the way. The checks are the ones a whole list
would get, in the same order and words (`Tally.check`); they run when the parser is done, and a
refused source is never published, because the build writes into a temporary file that is
thrown away on any error.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import NamedTuple

from ..errors import SanctionsError, SourceError, ValidationError
from ..models import Record
from ..sources.base import Report, Source
from ..store import write

# Records per write: large enough that executemany's per-call cost vanishes, small enough that
# a chunk of OpenSanctions-size records stays a few MB.
CHUNK = 2_000


class Kept(NamedTuple):
    """What the build still needs of a written record: its provenance is decided at the end."""

    id: str
    source_id: str


def iter_records(source: Source, paths: Mapping[str, Path], report: Report) -> Iterator[Record]:
    """Every record of a file set, as the parser yields them; stops as soon as there are more
    than the source can hold, so a runaway file costs neither the time nor the memory of
    parsing it all."""
    most = source.expected.total[1]
    n = 0
    try:
        for record in source.parse(dict(paths), report):
            n += 1
            if n > most:
                raise ValidationError(source.key, f"more than {most:,} entities, the most "
                                      "expected; parsing stopped")
            yield record
    except SanctionsError:
        raise
    except Exception as exc:  # a parser bug must still name the source, not print a traceback
        raise SourceError(source.key, f"parser failed: {exc.__class__.__name__}: {exc}") from exc


def parse_records(source: Source, paths: Mapping[str, Path], report: Report) -> list[Record]:
    """Every record of a file set, in a list (a download's check, before anything is built)."""
    return list(iter_records(source, paths, report))


@dataclass
class Tally:
    """Counts by type and duplicate source ids of the records seen so far."""

    counts: dict[str, int] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    dupes: set[str] = field(default_factory=set)

    def add(self, record: Record) -> bool:
        """Count the record; False when its source id was seen before."""
        self.counts[record.type] = self.counts.get(record.type, 0) + 1
        if record.source_id in self.seen:
            self.dupes.add(record.source_id)
            return False
        self.seen.add(record.source_id)
        return True

    def check(self, source: Source) -> dict[str, int]:
        """Refuse what the source's declared expectations do not allow; counts by type."""
        total = sum(self.counts.values())
        lo, hi = source.expected.total
        if not lo <= total <= hi:
            raise ValidationError(source.key, f"{total} entities, expected between {lo} and {hi}")
        for etype, minimum in source.expected.min_by_type.items():
            if self.counts.get(etype, 0) < minimum:
                raise ValidationError(source.key, f"{self.counts.get(etype, 0)} {etype} "
                                      f"entities, expected at least {minimum}")
        if self.dupes:
            first = sorted(self.dupes)[:3]
            raise ValidationError(source.key, f"{len(self.dupes)} duplicate source ids "
                                  f"({', '.join(first)}"
                                  f"{', ...' if len(self.dupes) > 3 else ''})")
        return dict(self.counts)


def validate(source: Source, records: Iterable[Record]) -> dict[str, int]:
    """Check parsed records against the source's declared expectations; return counts by type."""
    tally = Tally()
    for record in records:
        tally.add(record)
    return tally.check(source)


@dataclass
class Loaded:
    """One source written: its counts, each record's ids in order, where the time went."""

    counts: dict[str, int]
    kept: list[Kept]
    parse_seconds: float
    write_seconds: float


def load_records(conn: sqlite3.Connection, source: Source, paths: Mapping[str, Path],
                 report: Report) -> Loaded:
    """Parse the file set and write its records in chunks; refuse it (ValidationError) on what
    `validate` refuses, once the parser is done. Runs in the caller's transaction."""
    tally = Tally()
    kept: list[Kept] = []
    records = iter_records(source, paths, report)
    parse_s = write_s = 0.0
    while True:
        t0 = time.perf_counter()
        chunk = list(islice(records, CHUNK))
        t1 = time.perf_counter()
        parse_s += t1 - t0
        if not chunk:
            break
        fresh = [r for r in chunk if tally.add(r)]
        if tally.dupes:
            continue  # refused at the end with every duplicate named; nothing more to write
        kept.extend(Kept(r.id, r.source_id) for r in fresh)
        try:
            write.write_records(conn, fresh)
        except ValueError as exc:
            raise ValidationError(source.key, str(exc)) from exc
        write_s += time.perf_counter() - t1
    counts = tally.check(source)
    return Loaded(counts, kept, parse_s, write_s)

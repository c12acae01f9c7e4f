"""A source's records from parser to database, a chunk at a time, checked as they pass.

A build holds no source whole in memory: records go from the parser into the database in
chunks, and what validation needs (counts by type, every source id for duplicates, each
record's id for its file's provenance) is kept on the way. The checks are the ones a whole list
would get, in the same order and words (`Tally.check`); they run when the parser is done, and a
refused source is never published, because the build writes into a temporary file that is
thrown away on any error.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
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


class _Writer:
    """Writes chunks on a thread of its own while the caller parses the next ones: SQLite lets
    go of the GIL while it inserts, so parsing and writing overlap on two cores. At most
    `AHEAD` chunks wait, so memory stays a few chunks. The caller's connection must allow use
    from another thread (`schema.connect(path, threads=True)`); only this thread touches it
    until `close`."""

    AHEAD = 2

    def __init__(self, conn: sqlite3.Connection, source: Source) -> None:
        self.conn, self.source = conn, source
        self.queue: queue.Queue[list[Record] | None] = queue.Queue(self.AHEAD)
        self.error: BaseException | None = None
        self.seconds = 0.0  # the thread's time in write_records
        self.thread = threading.Thread(target=self._run, name=f"write {source.key}", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (chunk := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain: the caller learns of the error at its next put or at close
            t0 = time.perf_counter()
            try:
                write.write_records(self.conn, chunk)
            except ValueError as exc:
                self.error = ValidationError(self.source.key, str(exc))
            except BaseException as exc:  # handed to the caller's thread, which raises it
                self.error = exc
            self.seconds += time.perf_counter() - t0

    def put(self, chunk: list[Record]) -> None:
        self._raise()
        self.queue.put(chunk)

    def close(self, *, failed: bool = False) -> None:
        """Wait for every chunk to be written, then raise what a write raised. `failed`: the
        caller is raising its own error; still wait (its connection must not be closed under
        a write), but leave that error to be the one reported."""
        self.queue.put(None)
        self.thread.join()
        if not failed:
            self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error


def load_records(conn: sqlite3.Connection, source: Source, paths: Mapping[str, Path],
                 report: Report) -> Loaded:
    """Parse the file set and write its records in chunks; refuse it (ValidationError) on what
    `validate` refuses, once the parser is done. Runs in the caller's transaction."""
    tally = Tally()
    kept: list[Kept] = []
    records = iter_records(source, paths, report)
    parse_s = 0.0
    writer = _Writer(conn, source)
    try:
        while True:
            t0 = time.perf_counter()
            chunk = list(islice(records, CHUNK))
            parse_s += time.perf_counter() - t0
            if not chunk:
                break
            fresh = [r for r in chunk if tally.add(r)]
            if tally.dupes:
                continue  # refused at the end with every duplicate named; nothing more to write
            kept.extend(Kept(r.id, r.source_id) for r in fresh)
            writer.put(fresh)
    except BaseException:
        writer.close(failed=True)
        raise
    writer.close()
    counts = tally.check(source)
    return Loaded(counts, kept, parse_s, writer.seconds)

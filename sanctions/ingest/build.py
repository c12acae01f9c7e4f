"""Build the database: parse every source, validate, write to a temp file, swap atomically.

A build never touches the published database until the new one is complete and valid, so a
corrupt download or a truncated snapshot leaves the last good database serving. Each source is
also checked against the last good build (`previous`): one that lost more entities than it
declares possible is refused unless the operator accepts that drop. A build of some sources
(`sources=`) keeps the others' data from the previous database. Builds and updates of one
database run one at a time (`housekeeping.locked`).

    >>> build("db/sanctions.db")  # doctest: +SKIP
"""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .. import __version__
from ..errors import SanctionsError, SourceError
from ..sources import all_sources
from ..sources.base import DATA_DIR, Report, Source, sha256_file
from ..store import DEFAULT_DB, schema, write
from ..store.index import write_index
from ..store.index_write import remove_other_index_files
from . import ftm, history, housekeeping, link
from . import previous as prev_db
from .housekeeping import LOCK_WAIT
from .load import load_records
from .load import parse_records as parse_records  # update.py checks a download with these
from .load import validate as validate
from .provenance import provenance, write_entity_files

Progress = Callable[[str], None]

# Steps that run on the new database after every source is imported, before it is published:
# each gets the new connection and the path of the database it will replace (None when there is
# none that can be read), and may return one line to report. Cross-source linking and change
# history register here.
PostImportStep = Callable[[sqlite3.Connection, Path | None], str | None]
POST_IMPORT_STEPS: list[PostImportStep] = [link.link_entities, history.record_changes]  # type: ignore[list-item]

# The build writes a temporary file that is thrown away on any error and renamed into place
# only after its checks, so it needs no journal and no syncs. The cache holds the B-trees that
# inserts land in at random (the entities' id and (source, source_id) keys), which outgrow
# SQLite's default 2 MB at a few thousand entities and are then reread through the file for
# every chunk (8% of the import's CPU at 107,000 FtM entities, more at more). Pages are
# allocated as used, so a small build stays small. Sorts for the indexes stay in memory.
BUILD_PRAGMAS = (
    "PRAGMA journal_mode = OFF",
    "PRAGMA synchronous = OFF",
    "PRAGMA cache_size = -524288",  # KiB: 512 MB at most
    "PRAGMA temp_store = MEMORY",
)
AFTER_IMPORT_CACHE = -65536  # KiB: 64 MB


@dataclass(frozen=True)
class Input:
    """A source's complete file set used instead of its bundled snapshot (e.g. a download).

    Unlike `files`, which overrides snapshot files role by role, an input replaces the whole
    snapshot, and its files are described by `as_of`, `kind` and `note` rather than by the
    snapshot declaration.
    """

    paths: Mapping[str, Path]
    as_of: str | None = None
    kind: str = "official"
    note: str = ""


@dataclass
class SourceResult:
    key: str
    counts: dict[str, int]
    notes: dict[str, int]
    seconds: float
    parse_seconds: float = 0.0  # in the parser (reading and mapping the files)
    write_seconds: float = 0.0  # writing records to the database

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class BuildResult:
    path: Path
    sources: list[SourceResult] = field(default_factory=list)
    seconds: float = 0.0
    carried: dict[str, int] = field(default_factory=dict)  # kept from the previous database
    # phase -> (start, end) in seconds from the build's start, in the order they ran: where a
    # build's time goes (scripts/bench_build.py prints it with the memory each phase reached)
    phases: dict[str, tuple[float, float]] = field(default_factory=dict)
    # phase -> CPU seconds of this process during it: on a loaded machine the wall time says
    # little, the CPU time what the phase itself costs
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sources) + sum(self.carried.values())


def check_roles(selected: Sequence[Source], files: Mapping[str, Mapping[str, Path]]) -> None:
    """A `--file` role the source does not have would be ignored (and the snapshot used): refuse."""
    for source in selected:
        unknown = sorted(set(files.get(source.key, {})) - set(source.roles))
        if unknown:
            raise SanctionsError(
                f"{source.key}: unknown file role(s) {', '.join(map(repr, unknown))} "
                f"(its roles: {', '.join(source.roles)})")


def _file_kind(source: Source, role: str) -> tuple[str, str | None, str]:
    for f in source.snapshot:
        if f.role == role:
            return f.kind, f.as_of, f.note
    return source.kind, None, ""


def display_path(path: Path, db_path: Path) -> str:
    """What `source_files.path` records: never a server's absolute path. A bundled file relative
    to the package data, a cached download relative to the database's directory, any other file
    by its name."""
    resolved = path.resolve()
    for base in (DATA_DIR.resolve(), db_path.resolve().parent):
        if resolved.is_relative_to(base):
            return resolved.relative_to(base).as_posix()
    return path.name


def import_source(
    conn: sqlite3.Connection, source: Source, paths: Mapping[str, Path], imported_at: str,
    given: Input | None = None, *, previous: prev_db.Previous | None = None,
    accept: Collection[str] = (), overridden: Collection[str] = (),
    db_path: Path | None = None,
) -> SourceResult:
    """Parse, validate and write one source. `overridden`: roles given as `--file`."""
    start = time.perf_counter()
    report = Report()
    for role, path in paths.items():
        if not path.is_file():
            raise SourceError(source.key, f"{role} file is missing", str(path))
    loaded = load_records(conn, source, paths, report)
    records, counts = loaded.kept, loaded.counts
    if previous is not None:
        prev_db.check_drop(source, len(records), previous, accept)

    def describe(role: str) -> tuple[str, str | None, str]:
        if given:
            return given.kind, given.as_of, given.note
        kind, as_of, note = _file_kind(source, role)
        if role in overridden:  # the snapshot's date and note describe another file
            return kind, None, "given with --file"
        return kind, as_of, note

    # the source is as old, and as official, as the file that supplied most of its records
    prov, role_of = provenance(source, records, report,
                               {r: describe(r)[:2] for r in paths})
    write_entity_files(conn, records, role_of)
    conn.execute(
        "INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            source.key, source.title, source.publisher, source.urls[0] if source.urls else None,
            source.format, source.licence, prov.kind, prov.as_of, len(records),
            json.dumps(counts), json.dumps(report.counts), source.description, imported_at,
        ),
    )
    for role, path in paths.items():
        kind, file_as_of, note = describe(role)
        use = prov.files[role]
        conn.execute(
            "INSERT INTO source_files (source, role, path, as_of, kind, sha256, size, rows, note,"
            " records, share) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                source.key, role, display_path(path, db_path or Path(DEFAULT_DB)), file_as_of,
                kind, sha256_file(path), path.stat().st_size, report.rows.get(role), note,
                use.records, round(use.share, 4),
            ),
        )
    return SourceResult(source.key, counts, report.counts, time.perf_counter() - start,
                        loaded.parse_seconds, loaded.write_seconds)


def build(
    db_path: Path | str = DEFAULT_DB,
    *,
    sources: Sequence[Source] | None = None,
    files: Mapping[str, Mapping[str, Path]] | None = None,
    progress: Progress | None = None,
    inputs: Mapping[str, Input] | None = None,
    accept_drop: Collection[str] = (),
    lock_wait: float = LOCK_WAIT,
) -> BuildResult:
    """Build the database at `db_path` from every source's snapshot.

    `sources`: build only these; the other sources the previous database holds are kept as they
    are. `files` overrides snapshot files per source and role, e.g.
    `{"ofac_sdn": {"sdn": Path("SDN.CSV")}}`, for a downloaded or hand-supplied file.
    `inputs` replaces a source's whole snapshot with another file set (see `Input`).
    `accept_drop`: sources allowed to shrink beyond their declared limit this once.
    """
    db_path = Path(db_path)
    housekeeping.check_db_path(db_path)
    with housekeeping.locked(db_path, lock_wait, progress):
        return build_locked(db_path, sources=sources, files=files, progress=progress,
                            inputs=inputs, accept_drop=accept_drop)


def _build_time(db_path: Path) -> str:
    """This build's time, to the second and later than the database's last build: the time is
    the build's name in the change history (`rescreen --since BUILD`), so two builds within
    one second must not share it."""
    last = None
    try:
        with sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True) as conn:
            last = conn.execute("SELECT value FROM build_info WHERE key = 'built_at'").fetchone()
        conn.close()
    except sqlite3.Error:
        pass  # no database yet, or not a readable one: nothing to come after
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    deadline = time.monotonic() + 1.5  # a clock set back, or a stamp from the future: no wait
    while last is not None and now <= str(last[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
        now = datetime.now(UTC).replace(microsecond=0).isoformat()
    return now


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the build, one pass of it after. The build makes
    millions of objects that live to its end (the index's token lists and maps, a record's
    parts), and Python's collector walks every live one again each time the heap has grown by
    a quarter: 19% of the in-memory index's CPU at the bundled lists' size, 25% at 300,000
    names (`gc.callbacks`), more as the heap grows; in the neighbour table's forked workers a
    full pass would also touch every page they share with the parent (copied on write).
    Reference counting frees what the build drops; the few cycles it makes wait for the one
    pass at the end (the build's peak memory is the same as with the collector on)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect()


@_collector_paused()
def build_locked(
    db_path: Path,
    *,
    sources: Sequence[Source] | None = None,
    files: Mapping[str, Mapping[str, Path]] | None = None,
    progress: Progress | None = None,
    inputs: Mapping[str, Input] | None = None,
    accept_drop: Collection[str] = (),
) -> BuildResult:
    """`build` for a caller that holds the database's lock (update), the collector paused."""
    started = time.perf_counter()
    say = progress or (lambda _m: None)
    imported_at = _build_time(db_path)
    result = BuildResult(db_path)
    phase = _Phases(result, started)
    selected = list(sources) if sources is not None else all_sources()
    keys = {s.key for s in selected}
    files = files or {}
    inputs = inputs or {}
    unknown = (set(files) | set(inputs)) - keys
    if unknown:
        raise SanctionsError(f"unknown source key(s): {', '.join(sorted(unknown))}")
    if extra := sorted(set(accept_drop) - keys):
        raise SanctionsError(f"--accept-drop names source(s) this build does not import: "
                             f"{', '.join(extra)}")
    check_roles(selected, files)
    previous = prev_db.inspect(db_path)
    if previous.exists and not previous.readable:
        say(previous.note())
    # A build of every source still keeps the FtM files imported before (no snapshot of them)
    carried = (prev_db.kept_sources(previous, keys) if sources is not None
               else ftm.kept_imports(previous, keys))
    tmp = housekeeping.temp_path(db_path)
    build_id = uuid.uuid4().hex  # names this build's index file (built_at may repeat)
    conn: sqlite3.Connection | None = None
    try:
        tmp.unlink(missing_ok=True)
        conn = schema.connect(tmp, threads=True)  # load.py writes on a thread
        for pragma in BUILD_PRAGMAS:
            conn.execute(pragma)
        schema.create_schema(conn)
        for source in selected:
            given = inputs.get(source.key)
            if given is not None:
                paths = dict(given.paths)
            else:
                paths = {**source.snapshot_paths(), **files.get(source.key, {})}
            with phase(f"import {source.key}"), conn:
                res = import_source(conn, source, paths, imported_at, given, previous=previous,
                                    accept=accept_drop, overridden=files.get(source.key, {}),
                                    db_path=db_path)
            result.sources.append(res)
            by_type = ", ".join(f"{n:,} {t}" for t, n in sorted(res.counts.items()))
            say(f"{source.key}: {res.total:,} entities ({by_type}) in {res.seconds:.1f} s")
        for key in carried:
            with phase(f"carry {key}"), conn:
                result.carried[key] = prev_db.carry(conn, previous, [key])
            say(f"{key}: {result.carried[key]:,} entities kept from the previous database")
        with phase("indexes"):
            schema.create_indexes(conn)
            # what follows reads tables in order and builds in memory of its own (linking,
            # FTS): the import's cache is handed back for linking to use
            conn.execute(f"PRAGMA cache_size = {AFTER_IMPORT_CACHE}")
            conn.execute("PRAGMA shrink_memory")
        for step in POST_IMPORT_STEPS:
            with phase(step.__name__):
                note = step(conn, db_path if previous.readable else None)
            if note:
                say(note)
        with phase("fts"):
            write.enable_fts(conn)
        with conn:
            conn.executemany(
                "INSERT INTO build_info VALUES (?, ?)",
                [("built_at", imported_at), ("version", __version__),
                 ("schema_version", str(schema.SCHEMA_VERSION)), ("build_id", build_id)],
            )
        # quick_check reads every page and record and checks the constraints; integrity_check
        # also compares each index with its table, which took most of the time at 1.5M names
        # and guards against nothing a file written by this one connection can suffer
        with phase("integrity check"):
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise SanctionsError(f"integrity check of the new database failed: {check}")
        conn.close()
        # the matcher's index, written once here and opened (mapped) by every screening process
        with phase("index file"):
            index_file = write_index(tmp, build_id, name_as=db_path)
        os.replace(tmp, db_path)
        remove_other_index_files(db_path, keep=index_file)
    except BaseException as exc:
        if conn is not None:
            conn.close()
        tmp.unlink(missing_ok=True)
        if isinstance(exc, housekeeping.IO_ERRORS):
            raise housekeeping.io_error(exc, db_path) from exc
        raise
    result.seconds = time.perf_counter() - started
    return result


class _Phases:
    """Times the build's phases into `BuildResult.phases`."""

    def __init__(self, result: BuildResult, started: float) -> None:
        self.result, self.started = result, started

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter() - self.started
        cpu = time.process_time()
        try:
            yield
        finally:
            self.result.phases[name] = (start, time.perf_counter() - self.started)
            self.result.cpu[name] = time.process_time() - cpu

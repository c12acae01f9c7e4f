"""Build the database: parse every source, validate, write to a temp file, swap atomically.

A build never touches the published database until the new one is complete and valid, so a
corrupt download or a truncated snapshot leaves the last good database serving.

    >>> build("db/sanctions.db")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .. import __version__
from ..errors import SanctionsError, SourceError, ValidationError
from ..models import Record
from ..sources import all_sources
from ..sources.base import DATA_DIR, Report, Source, sha256_file
from ..store import DEFAULT_DB, schema, write
from . import history, link

Progress = Callable[[str], None]

# Steps that run on the new database after every source is imported, before it is published:
# each gets the new connection and the path of the database it will replace (which may not
# exist). Cross-source linking and change history register here.
PostImportStep = Callable[[sqlite3.Connection, Path], None]
POST_IMPORT_STEPS: list[PostImportStep] = [link.link_entities, history.record_changes]


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

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class BuildResult:
    path: Path
    sources: list[SourceResult] = field(default_factory=list)
    seconds: float = 0.0


def validate(source: Source, records: Sequence[Record]) -> dict[str, int]:
    """Check parsed records against the source's declared expectations; return counts by type."""
    counts: dict[str, int] = {}
    for r in records:
        counts[r.type] = counts.get(r.type, 0) + 1
    total = len(records)
    lo, hi = source.expected.total
    if not lo <= total <= hi:
        raise ValidationError(source.key, f"{total} entities, expected between {lo} and {hi}")
    for etype, minimum in source.expected.min_by_type.items():
        if counts.get(etype, 0) < minimum:
            raise ValidationError(
                source.key, f"{counts.get(etype, 0)} {etype} entities, expected at least {minimum}"
            )
    ids = {r.source_id for r in records}
    if len(ids) != total:
        raise ValidationError(source.key, f"{total - len(ids)} duplicate source ids")
    return counts


def _file_kind(source: Source, role: str) -> tuple[str, str | None, str]:
    for f in source.snapshot:
        if f.role == role:
            return f.kind, f.as_of, f.note
    return source.kind, None, ""


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(DATA_DIR.resolve()))
    except ValueError:
        return str(path)


def import_source(
    conn: sqlite3.Connection, source: Source, paths: Mapping[str, Path], imported_at: str,
    given: Input | None = None,
) -> SourceResult:
    start = time.perf_counter()
    report = Report()
    for role, path in paths.items():
        if not path.exists():
            raise SourceError(source.key, f"{role} file is missing", str(path))
    try:
        records = list(source.parse(dict(paths), report))
    except SanctionsError:
        raise
    except Exception as exc:  # a parser bug must still name the source, not print a traceback
        raise SourceError(source.key, f"parser failed: {exc.__class__.__name__}: {exc}") from exc
    counts = validate(source, records)
    try:
        write.write_records(conn, records)
    except ValueError as exc:
        raise ValidationError(source.key, str(exc)) from exc
    def describe(role: str) -> tuple[str, str | None, str]:
        return (given.kind, given.as_of, given.note) if given else _file_kind(source, role)

    as_of = max((a for _, a, _ in (describe(r) for r in paths) if a), default=None)
    conn.execute(
        "INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            source.key, source.title, source.publisher, source.urls[0] if source.urls else None,
            source.format, source.licence, source.kind, as_of, len(records), json.dumps(counts),
            json.dumps(report.counts), source.description, imported_at,
        ),
    )
    for role, path in paths.items():
        kind, file_as_of, note = describe(role)
        conn.execute(
            "INSERT INTO source_files (source, role, path, as_of, kind, sha256, size, rows, note)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            (
                source.key, role, _display_path(path), file_as_of, kind, sha256_file(path),
                path.stat().st_size, report.rows.get(role), note,
            ),
        )
    return SourceResult(source.key, counts, report.counts, time.perf_counter() - start)


def build(
    db_path: Path | str = DEFAULT_DB,
    *,
    sources: Sequence[Source] | None = None,
    files: Mapping[str, Mapping[str, Path]] | None = None,
    progress: Progress | None = None,
    inputs: Mapping[str, Input] | None = None,
) -> BuildResult:
    """Build the database at `db_path` from every source's snapshot.

    `files` overrides snapshot files per source and role, e.g.
    `{"ofac_sdn": {"sdn": Path("SDN.CSV")}}`, for a downloaded or hand-supplied file.
    `inputs` replaces a source's whole snapshot with another file set (see `Input`).
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    started = time.perf_counter()
    imported_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    result = BuildResult(db_path)
    selected = list(sources) if sources is not None else all_sources()
    files = files or {}
    inputs = inputs or {}
    unknown = (set(files) | set(inputs)) - {s.key for s in selected}
    if unknown:
        raise SanctionsError(f"unknown source key(s): {', '.join(sorted(unknown))}")
    conn = schema.connect(tmp)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        schema.create_schema(conn)
        for source in selected:
            given = inputs.get(source.key)
            if given is not None:
                paths = dict(given.paths)
            else:
                paths = {**source.snapshot_paths(), **files.get(source.key, {})}
            with conn:
                res = import_source(conn, source, paths, imported_at, given)
            result.sources.append(res)
            if progress:
                by_type = ", ".join(f"{n:,} {t}" for t, n in sorted(res.counts.items()))
                progress(f"{source.key}: {res.total:,} entities ({by_type}) in {res.seconds:.1f} s")
        schema.create_indexes(conn)
        for step in POST_IMPORT_STEPS:
            step(conn, db_path)
        write.enable_fts(conn)
        with conn:
            conn.executemany(
                "INSERT INTO build_info VALUES (?, ?)",
                [("built_at", imported_at), ("version", __version__),
                 ("schema_version", str(schema.SCHEMA_VERSION))],
            )
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise SanctionsError(f"integrity check of the new database failed: {check}")
        conn.close()
        os.replace(tmp, db_path)
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise
    result.seconds = time.perf_counter() - started
    return result

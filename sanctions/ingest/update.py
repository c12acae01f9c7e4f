"""Update: download every source, keep what parses and validates, rebuild once, swap atomically.

For each source: fetch its official files (or `<mirror>/<key>/<file name>`) into a staging
directory with conditional GET against the cache, then parse and validate them. A source that
fails keeps the input its data came from (its last good download, else the bundled snapshot).
A file set that parses and validates becomes the source's last good set in the cache at once.
One new database is built from every source's chosen input and swapped in; when no source's
input differs from what the database was built from, nothing is rebuilt, so the database stays
byte-identical and no change is recorded.

Each downloaded set must also pass the drop check against the database it would replace
(`previous.check_drop`): a source that shrank more than it declares possible is refused and keeps
its previous data, unless `accept_drop` names it. An update holds the database's build lock
(`housekeeping.locked`) from the first download to the swap.

Cache, beside the database (`db/cache/`): `<key>/` holds the last good file set of a source
with `fetch.json` (url, etag, last_modified, sha256, size, fetched_at per role);
`.incoming/<key>/` is the staging area of a download in progress.

    >>> update("db/sanctions.db", keys=["ofac_sdn"])  # doctest: +SKIP
"""

from __future__ import annotations

import errno
import json
import shutil
import sqlite3
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NotOnline, SanctionsError
from ..sources import all_sources, fetch
from ..sources.base import Report, Source, sha256_file
from ..store import DEFAULT_DB
from . import housekeeping
from . import previous as prev_db
from .build import Input, build_locked, parse_records, validate
from .housekeeping import LOCK_WAIT

Progress = Callable[[str], None]

# Failures of the machine, not of a source: every other source would fail the same way, so the
# update stops with one line (exit 2) instead of reporting each source as failed.
FATAL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


class Unreachable(SanctionsError):
    """No source could be fetched because no host could be connected to."""


@dataclass
class SourceUpdate:
    key: str
    status: str  # 'updated', 'unchanged', 'skipped' (not available online) or 'failed'
    reason: str = ""
    downloaded: int = 0  # files transferred (a 304 transfers none)
    entities: int | None = None
    seconds: float = 0.0

    def line(self) -> str:
        if self.status == "failed":
            return f"{self.key}: FAILED: {self.reason}; keeping its previous data"
        if self.status == "skipped":
            return f"{self.key}: skipped: {self.reason}"
        what = f"{self.entities:,} entities, " if self.entities is not None else ""
        return (f"{self.key}: {self.status} ({what}{self.downloaded} file(s) downloaded, "
                f"{self.seconds:.1f} s)")


@dataclass
class UpdateResult:
    path: Path
    sources: list[SourceUpdate] = field(default_factory=list)
    rebuilt: bool = False
    seconds: float = 0.0

    @property
    def failed(self) -> list[SourceUpdate]:
        return [s for s in self.sources if s.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed


class Cache:
    """The last good downloaded file set of each source, beside the database."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def dir(self, key: str) -> Path:
        return self.root / key

    def clear_incoming(self) -> None:
        """Staging left by an update that was killed (only one update runs at a time)."""
        shutil.rmtree(self.root / ".incoming", ignore_errors=True)

    def staging(self, key: str) -> Path:
        path = self.root / ".incoming" / key
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def meta(self, key: str) -> dict[str, fetch.FileMeta]:
        """role -> metadata of the last good file set (empty when there is none)."""
        try:
            data = json.loads((self.dir(key) / "fetch.json").read_text())
        except (OSError, ValueError):
            return {}
        files = {role: fetch.FileMeta(**m) for role, m in data.get("files", {}).items()}
        if not all((self.dir(key) / m.name).exists() for m in files.values()):
            return {}
        return files

    def input(self, key: str) -> Input | None:
        meta = self.meta(key)
        if not meta:
            return None
        return Input({role: self.dir(key) / m.name for role, m in meta.items()},
                     as_of=max(m.as_of for m in meta.values()),
                     note="downloaded " + min(m.fetched_at for m in meta.values()))

    def promote(self, key: str, staged: Path, files: Mapping[str, fetch.FileMeta]) -> None:
        """Make a validated staging directory the source's last good set."""
        (staged / "fetch.json").write_text(json.dumps(
            {"files": {role: m.to_json() for role, m in files.items()}}, indent=2))
        dest, old = self.dir(key), self.root / ".incoming" / f"{key}.old"
        shutil.rmtree(old, ignore_errors=True)
        if dest.exists():
            dest.rename(old)
        staged.rename(dest)
        shutil.rmtree(old, ignore_errors=True)


def _built_from(db_path: Path) -> dict[str, dict[str, str]]:
    """source -> {role: sha256} of the files the current database was built from."""
    if not db_path.exists():
        return {}
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT source, role, sha256 FROM source_files").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return {}
    out: dict[str, dict[str, str]] = {}
    for source, role, sha in rows:
        out.setdefault(source, {})[role] = sha
    return out


def _shas(paths: Mapping[str, Path]) -> dict[str, str]:
    return {role: sha256_file(p) for role, p in paths.items()}


def _previous(source: Source, cache: Cache, built: dict[str, str] | None) -> Input | None:
    """The input the source's current data came from: last good download or snapshot (None)."""
    cached = cache.input(source.key)
    if cached is None:
        return None
    if built is not None and built == _shas(source.snapshot_paths()):
        return None  # built from the snapshot (e.g. `sanctions build` after an update)
    return cached


def check(source: Source, paths: Mapping[str, Path], previous: prev_db.Previous | None = None,
          accept: Collection[str] = ()) -> int:
    """Parse and validate a downloaded file set, and check its drop against the previous
    database; the number of entities."""
    records = parse_records(source, paths, Report())
    validate(source, records)
    if previous is not None:
        prev_db.check_drop(source, len(records), previous, accept)
    return len(records)


def update(
    db_path: Path | str = DEFAULT_DB,
    keys: Sequence[str] | None = None,
    mirror: str | None = None,
    *,
    sources: Sequence[Source] | None = None,
    fetcher: fetch.Fetcher | None = None,
    progress: Progress | None = None,
    accept_drop: Collection[str] = (),
    lock_wait: float = LOCK_WAIT,
) -> UpdateResult:
    """Download and rebuild. `keys`: sources to download (default all); `sources`: the sources
    the database holds (default all); `fetcher` overrides timeouts, retries and the size cap;
    `accept_drop`: sources allowed to shrink beyond their declared limit this once."""
    db_path = Path(db_path)
    housekeeping.check_db_path(db_path)
    with housekeeping.locked(db_path, lock_wait, progress):
        try:
            return _update(db_path, keys, mirror, sources, fetcher, progress, accept_drop)
        except OSError as exc:
            raise housekeeping.io_error(exc, db_path) from exc


def _update(
    db_path: Path, keys: Sequence[str] | None, mirror: str | None,
    sources: Sequence[Source] | None, fetcher: fetch.Fetcher | None,
    progress: Progress | None, accept_drop: Collection[str],
) -> UpdateResult:
    started = time.perf_counter()
    selected = list(sources) if sources is not None else all_sources()
    by_key = {s.key: s for s in selected}
    wanted = list(keys) if keys else list(by_key)
    unknown = [k for k in wanted if k not in by_key]
    if unknown:
        raise SanctionsError(f"unknown source key(s): {', '.join(unknown)}")
    if extra := sorted(set(accept_drop) - set(by_key)):
        raise SanctionsError(f"unknown source key(s) in --accept-drop: {', '.join(extra)}")
    fetcher = fetcher or fetch.Fetcher(mirror=mirror)
    if mirror:
        fetcher.mirror = mirror
    cache = Cache(db_path.parent / "cache")
    cache.clear_incoming()
    built = _built_from(db_path)
    say = progress or (lambda _m: None)
    previous = prev_db.inspect(db_path)
    result = UpdateResult(db_path)
    chosen: dict[str, Input | None] = {
        s.key: _previous(s, cache, built.get(s.key)) for s in selected}
    unreachable = 0
    for key in wanted:
        source = by_key[key]
        t0 = time.perf_counter()
        say(f"{key}: fetching ...")
        staged = cache.staging(key)
        fetcher.known = {m.url: (m, cache.dir(key) / m.name) for m in cache.meta(key).values()}
        fetcher.fetched = {}
        try:
            with fetch.using(fetcher):
                paths = source.fetch(staged)
            metas = {role: fetcher.fetched[p] for role, p in paths.items()}
            downloaded = sum(not m.not_modified for m in metas.values())
            shas = {role: m.sha256 for role, m in metas.items()}
            if shas == built.get(key):
                status, entities = "unchanged", None
            else:
                entities = check(source, paths, previous, accept_drop)
                status = "updated"
        except OSError as exc:
            if exc.errno in FATAL_ERRNOS:
                raise
            shutil.rmtree(staged, ignore_errors=True)
            res = SourceUpdate(key, "failed", f"cannot write its files: {exc.strerror or exc}",
                               seconds=time.perf_counter() - t0)
        except NotOnline as exc:
            shutil.rmtree(staged, ignore_errors=True)
            res = SourceUpdate(key, "skipped", exc.problem, seconds=time.perf_counter() - t0)
        except SanctionsError as exc:
            unreachable += isinstance(exc, fetch.FetchError) and exc.unreachable
            shutil.rmtree(staged, ignore_errors=True)
            res = SourceUpdate(key, "failed", getattr(exc, "problem", str(exc)),
                               seconds=time.perf_counter() - t0)
        else:
            # Parsed and validated (or identical to what the database holds): the new last good.
            cache.promote(key, staged, metas)
            chosen[key] = cache.input(key)
            res = SourceUpdate(key, status, downloaded=downloaded, entities=entities,
                               seconds=time.perf_counter() - t0)
        result.sources.append(res)
        say(res.line())
    tried = [s for s in result.sources if s.status != "skipped"]
    if tried and unreachable == len(tried):
        raise Unreachable(f"cannot reach the source hosts ({result.sources[0].reason}); "
                          f"the database at {db_path} is unchanged")
    if any(s.status == "updated" for s in result.sources) or not db_path.exists():
        say(f"Building {db_path} ...")
        inputs = {k: i for k, i in chosen.items() if i is not None}
        try:
            # `sources` as given: with the default (every source) nothing is kept from the
            # previous database, so a source no longer registered is dropped as by `build`.
            build_locked(db_path, sources=None if sources is None else selected, inputs=inputs,
                         progress=say,
                         accept_drop=accept_drop)
        except SanctionsError as exc:
            raise SanctionsError(f"{exc}; the previous database at {db_path} is unchanged") \
                from exc
        result.rebuilt = True
    result.seconds = time.perf_counter() - started
    return result

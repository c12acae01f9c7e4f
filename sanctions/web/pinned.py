"""One version of the database file, pinned: every connection Datasette will use is opened when
the version is loaded, so all of them read that file even after `sanctions build` or `update`
replaces it (os.replace: the old file lives on, unlinked, while a connection holds it).

Datasette's own Database keeps one connection per thread under the database's *name*, so a
fresh Database for the same name would still read the old file through those connections, and
one opened later reads whatever the path names by then. A PinnedDatabase hands each thread one
of its own connections instead, and closes them all when it is no longer referenced.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from datasette.database import Database

from ..errors import SanctionsError
from ..store import FileKey, file_key
from ..store.catalog import dates_line, source_files
from .declared import declarations

T = TypeVar("T")


def _close_all(conns: list[sqlite3.Connection]) -> None:
    for conn in conns:
        with contextlib.suppress(sqlite3.Error):
            conn.close()


class PinnedDatabase(Database):  # type: ignore[misc]  # Datasette has no type hints
    def __init__(self, ds: Any, path: str, conns: list[sqlite3.Connection]) -> None:
        super().__init__(ds, path=path, is_mutable=False)
        self._pool = list(conns)
        self._by_thread: dict[int, sqlite3.Connection] = {}
        self._lock = threading.Lock()
        self._all_file_connections.extend(conns)
        weakref.finalize(self, _close_all, self._all_file_connections)

    def connect(self, write: bool = False) -> sqlite3.Connection:
        if write:
            raise SanctionsError("the sanctions database is served read-only")
        with self._lock:
            if self._pool:
                return self._pool.pop()
        # More threads than connections opened at load (a settings change): by path, as
        # Datasette would; the watcher swaps in the file's next version within a second anyway.
        conn: sqlite3.Connection = super().connect()
        return conn

    def _thread_connection(self) -> sqlite3.Connection:
        ident = threading.get_ident()
        conn = self._by_thread.get(ident)
        if conn is None:
            conn = self.connect()
            self.ds._prepare_connection(conn, self.name)
            self._by_thread[ident] = conn
        return conn

    async def execute_fn(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        if self.ds.executor is None:  # Datasette's non-threaded mode
            return fn(self._thread_connection())
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.ds.executor,
                                          lambda: fn(self._thread_connection()))


@dataclass(frozen=True, slots=True)
class Version:
    """What is read from one version of the file when it is loaded."""

    db: PinnedDatabase
    key: FileKey
    sources: list[dict[str, Any]]
    build: dict[str, str]
    sha256: str
    entities: int


def _connect(path: str) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?immutable=1", uri=True, check_same_thread=False)


@dataclass(frozen=True, slots=True)
class Read:
    """What open_version reads from one version of the file, before any connection is kept:
    read ahead by sanctions.web.preload while `sanctions serve` imports Datasette (so nothing
    here needs an import: the sources' short names are added by open_version)."""

    key: FileKey
    sources: list[dict[str, Any]]
    build: dict[str, str]
    sha256: str
    counts: dict[str, int]


def read_version(path: str) -> Read:
    """Read the file as it is now; raises SanctionsError (one line) when it is not a sanctions
    database or changes meanwhile."""
    key = file_key(path)
    if key is None:
        raise SanctionsError("the database file is missing")
    try:
        with contextlib.closing(_connect(path)) as reader:
            reader.row_factory = sqlite3.Row
            with open(path, "rb") as fh:
                st = os.fstat(fh.fileno())
                if (st.st_dev, st.st_ino) != key[:2]:
                    raise SanctionsError("the database file was replaced while loading")
                sha256 = hashlib.file_digest(fh, "sha256").hexdigest()
            tables = {r[0] for r in reader.execute(
                "select name from sqlite_master where type='table'")}
            if not {"entities", "sources"} <= tables:
                raise SanctionsError("not a sanctions database (no entities or sources table)")
            sources = [dict(r) | {"short": None} for r in  # filled in by open_version
                       reader.execute("select key, title, as_of, kind from sources order by key")]
            files = source_files(reader)
            for s in sources:  # the footer's "2024-05-03, with 126 records (0.8%) from ..." line
                s["dates"] = dates_line(s["as_of"], files.get(s["key"], []))
            build = ({r[0]: r[1] for r in reader.execute("select key, value from build_info")}
                     if "build_info" in tables else {})
            # Datasette counts an immutable database's tables on the first page that shows
            # them, on the request path: count them here instead.
            counts = {t: reader.execute(f"select count(*) from [{t}]").fetchone()[0]
                      for t in sorted(tables)}
    except sqlite3.DatabaseError as exc:
        raise SanctionsError(f"not a sanctions database ({exc})") from None
    return Read(key, sources, build, sha256, counts)


def open_version(ds: Any, path: str, read: Read | None = None) -> Version:
    """Open every connection to the file as it is now, and read what the plugin shows of it
    (or take `read`, when it is of the version the connections opened); raises SanctionsError
    (one line) when it is not a sanctions database or changes meanwhile."""
    threads = ds.setting("num_sql_threads") or 1
    key = file_key(path)
    if key is None:
        raise SanctionsError("the database file is missing")
    conns = [_connect(path) for _ in range(threads)]
    try:
        if file_key(path) != key:  # the connections may hold either version
            raise SanctionsError("the database file was replaced while loading")
        if read is None or read.key != key:  # read ahead of another version: read this one
            read = read_version(path)
        if read.key != key:
            raise SanctionsError("the database file was replaced while loading")
    except BaseException:
        _close_all(conns)
        raise
    db = PinnedDatabase(ds, path, conns)
    db.cached_hash, db.cached_size = read.sha256, read.key[3]
    db._cached_table_counts = read.counts
    short = declarations()["short"]  # labels come from the declarations (read ahead)
    sources = [s | {"short": short.get(s["key"]) or s["key"]} for s in read.sources]
    return Version(db, read.key, sources, read.build, read.sha256, read.counts["entities"])

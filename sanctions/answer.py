"""Screening answers as JSON text, and the server's worker process that makes them.

sanctions.web.workers starts `serve_worker` in a process of its own per core: forked at the
server's start (it then has every module the server had imported, and starts in about 0.03 s
of CPU), or started afresh later, to replace one. This module is apart from sanctions.web so
that a worker started afresh imports the matcher and nothing of Datasette (about 0.25 s of
imports instead of about 1 s).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import signal
import sqlite3
from collections.abc import Sequence
from multiprocessing.connection import Connection
from types import SimpleNamespace
from typing import Any

from . import screening

KEEP = 2  # index files a worker keeps open: the served build and the one swapped in
GC_YOUNG = 20_000  # allocations between the garbage collector's young passes in a worker


# json.dumps(data, ensure_ascii=False, default=str) without making a new encoder per call (a
# few microseconds of every answer's CPU, in the workers and the server): the same text
_ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode


def json_bytes(data: Any) -> bytes:
    """JSON as UTF-8; a lone surrogate that got this far is escaped rather than breaking the
    response off half sent."""
    try:
        return _ENCODE(data).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, ensure_ascii=True, default=str).encode("ascii")


# A query the server has parsed already (screening.parse), as plain values for the pipe: the
# Query and Options objects themselves (frozen dataclasses) take about 25 us to pickle and
# unpickle, more than parsing the fields again (about 10 us); these take about 1 us.
Sent = tuple[tuple[Any, ...], float | None, int]
_QUERY_FIELDS = tuple(screening.Query.__dataclass_fields__)


def sendable(parsed: screening.Parsed) -> Sent:
    """What `answer` is given for a query the server parsed (sanctions.web.api.check)."""
    query, options = parsed
    return tuple([getattr(query, k) for k in _QUERY_FIELDS]), options.threshold, options.limit


def answer(state: Any, fields: dict[str, Any], sent: Sent | None = None) -> str:
    """One query against `state.index`, screened and serialised: without the data version,
    which the response carries once, and without decisions, applied after the server's answer
    cache (sanctions.web.review). `sent`: the query as the server parsed it when it validated
    it (`sendable`), so that the worker does not parse it a second time."""
    parsed = None if sent is None else (screening.Query(*sent[0]),
                                        screening.Options(sent[1], sent[2]))
    return json_bytes(screening.screen_fields(fields, served(state), index=state.index,
                                              version=False, decisions=False, audit=False,
                                              parsed=parsed)
                      ).decode("utf-8")


def served(state: Any) -> str:
    """The database file `state` serves: its records' `stale` notes are looked up there (never
    in the default database, which may be another build or absent)."""
    return str(getattr(state, "path", None) or getattr(getattr(state, "db", None), "path", None)
               or screening.DEFAULT_DB)


def serve_worker(conn: Connection, db: str | None = None, close: Sequence[int] = ()) -> None:
    """The worker process: answer lists of (module, function, index file, build id, args)
    messages, a list of (ok, answer) for each, until the server goes away; a failure is sent
    back as text, and the server runs that item itself. `db`: the served database, whose
    index file is opened before the worker says it is ready. `close`: the server's pipe ends
    a forked worker inherited (sanctions.web.workers)."""
    # Ctrl-C reaches the whole process group: the server shuts down, and the worker ends when
    # its pipe closes, not with a KeyboardInterrupt traceback of its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for fd in close:
        with contextlib.suppress(OSError):
            os.close(fd)
    indexes = _Indexes()
    if db is not None:
        _preload(indexes, db)
    _collect_less()
    conn.send(("ready", os.getpid()))
    while True:
        try:
            messages = conn.recv()
        except (EOFError, OSError):
            return
        conn.send([_run(indexes, *message) for message in messages])
        while indexes.unheld:  # after an answer is sent: neither the start nor a query waits
            hold(indexes.unheld.pop())


def _collect_less() -> None:
    """Fewer passes of the cyclic garbage collector in a worker. Every query of a name not seen
    before adds rows to the index's caches, which outlive each pass of the young generation,
    so at Python's default (a pass every 700 allocations) the collector scanned them over and
    over: about 0.15 s per 4,000 distinct names, 2% of a worker's CPU, and now and then a
    full pass of 50 ms. What is alive now (modules, the index, what a fork copied) is moved
    out of its way for good (gc.freeze), and a young pass comes every GC_YOUNG allocations;
    cyclic garbage is still collected."""
    gc.freeze()
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])


def hold(served: str | None) -> None:
    """What a process answering many queries keeps of the served database `served` beside its
    index: its stale records (sanctions.store.entities.hold_stale), looked up in memory."""
    from .store.entities import hold_stale

    if served is not None:
        with contextlib.suppress(Exception):  # else looked up per answer, as without it
            hold_stale(served)


class _Indexes:
    """The index files a worker has open (at most KEEP), by their real path, and each as the
    server names it (path and build id) with the database it serves: a query finds its index
    without resolving the path again (os.path.realpath costs about 60 us of system calls)."""

    def __init__(self) -> None:
        self.files: dict[str, Any] = {}
        self.named: dict[tuple[str, str], SimpleNamespace] = {}
        self.funcs: dict[tuple[str, str], Any] = {}
        self.unheld: list[str] = []  # served databases whose stale records are not held yet

    def state(self, path: str, build_id: str) -> SimpleNamespace:
        """What the worker's functions are given as the State: the index and its database."""
        found = self.named.get((path, build_id))
        if found is not None:
            return found
        from .store.index_file import open_index_file

        key = os.path.realpath(path)  # the server's path may be relative, the preload's too
        index = self.files.get(key)
        if index is None:
            index = self.files[key] = open_index_file(path, build_id)
            while len(self.files) > KEEP:
                del self.files[next(iter(self.files))]
        kept = {id(i) for i in self.files.values()}
        self.named = {k: v for k, v in list(self.named.items())[-2 * KEEP:]
                      if id(v.index) in kept}
        state = SimpleNamespace(index=index, path=_versioned(index, path, build_id))
        if state.path is not None:  # held once an answer is sent (serve_worker)
            self.unheld.append(str(state.path))
        self.named[(path, build_id)] = state
        return state

    def func(self, module: str, name: str) -> Any:
        found = self.funcs.get((module, name))
        if found is None:
            found = self.funcs[(module, name)] = getattr(importlib.import_module(module), name)
        return found


def _preload(indexes: _Indexes, db: str) -> None:
    """Open the index file of the database `db` (its stale records are held later)."""
    from .store.index import read_build_id
    from .store.index_write import index_path

    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            build_id = read_build_id(conn)
        if build_id:
            indexes.state(str(index_path(db, build_id)), build_id)
    except Exception:  # opened on its first query instead, or screened by the server
        pass


def _run(indexes: _Indexes, module: str, name: str, path: str, build_id: str,
         args: tuple[Any, ...]) -> tuple[bool, str]:
    try:
        return True, indexes.func(module, name)(indexes.state(path, build_id), *args)
    except Exception as exc:  # the server runs it itself, and says what went wrong there
        return False, f"{exc.__class__.__name__}: {exc}"


def _versioned(index: Any, path: str, build_id: str) -> str | None:
    """The database the index file at `path` belongs to (store.index_write.index_path's
    inverse), its data version given to `index` if it has none yet: an index opened from its
    file alone has none, and without it a worker's answers would lack the `stale` notes the
    server's own carry. No database there: no notes rather than no answer."""
    from .store.index_write import SUFFIX

    end = f".{build_id}{SUFFIX}"
    served = path[:-len(end)] if path.endswith(end) else None
    if served is not None and screening.data_version(index) is None and os.path.exists(served):
        with contextlib.suppress(Exception):
            screening.note_version(index, served)
    return served

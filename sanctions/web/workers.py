"""Matching in worker processes, one per core, each with the build's index file mapped.

The lane (sanctions.web.lane) keeps one thread per worker; a thread takes the next query by
the lane's rules (singles first, batches a query at a time, deadlines) and hands it to its
worker over a pipe, so scoring runs on every core while the GIL is released in the server. A
query goes to a worker only when its State's index was opened from a file
(sanctions.store.index_file): the worker opens the same file (its build id checked), lazily,
and keeps the last two, so a request is answered against the version it took, before and after
a swap. Anything else - an index built in memory, a worker not started yet, dead, or failing -
runs in the server process as before, under one lock (the index's caches are not thread-safe):
an answer is never lost and never comes from another build.

`SANCTIONS_WORKERS` sets the number (default: one per core; 0: no worker processes).
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import threading
from collections.abc import Callable
from functools import partial
from multiprocessing.connection import Connection
from types import SimpleNamespace
from typing import Any

KEEP = 2  # index files a worker keeps open: the served build and the one swapped in
START_SECONDS = 120.0  # a worker not ready by then is not used (the lane screens here)
CALL_SECONDS = 60.0  # a worker silent this long on one query is replaced
MAX_STARTS = 20  # a worker that keeps dying is not started again: the server screens alone


def worker_count() -> int:
    value = os.environ.get("SANCTIONS_WORKERS", "")
    if value.strip().isdigit():
        return int(value)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


Message = tuple[str, str, str, str, tuple[Any, ...]]  # module, function, file, build id, args


def remote_call(item: Callable[[], str]) -> Message | None:
    """What a worker needs to run `item`, when it can: a partial of a module-level function of
    this package whose first argument is a State with an index opened from a file."""
    if not isinstance(item, partial) or item.keywords or not item.args:
        return None
    func = item.func
    module, name = getattr(func, "__module__", ""), getattr(func, "__qualname__", "")
    if not module.startswith("sanctions.") or "." in name or "<" in name:
        return None
    tables = getattr(getattr(item.args[0], "index", None), "tables", None)
    path, build_id = getattr(tables, "path", None), getattr(tables, "build_id", None)
    if not path or not build_id:
        return None
    return module, name, path, build_id, item.args[1:]


def _serve(conn: Connection) -> None:
    """The worker process: answer messages until the server goes away."""
    from ..store.index_file import open_index_file

    indexes: dict[str, Any] = {}
    conn.send(("ready", os.getpid()))
    while True:
        try:
            module, name, path, build_id, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            index = indexes.get(path)
            if index is None:
                index = indexes[path] = open_index_file(path, build_id)
                while len(indexes) > KEEP:
                    del indexes[next(iter(indexes))]
            func = getattr(importlib.import_module(module), name)
            conn.send((True, func(SimpleNamespace(index=index), *args)))
        except Exception as exc:  # the server runs it itself, and says what went wrong there
            conn.send((False, f"{exc.__class__.__name__}: {exc}"))


class Worker:
    """One worker process, started in the background; used once it has said it is ready."""

    def __init__(self) -> None:
        self.conn: Connection | None = None
        self.process: Any = None
        self.ready = False
        self.starts = 0
        self.lock = threading.Lock()

    def start(self) -> None:
        ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
        parent, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), name="sanctions-worker",
                                   daemon=True)
        self.process.start()
        child.close()
        self.conn, self.ready, self.starts = parent, False, self.starts + 1
        threading.Thread(target=self._await_ready, args=(parent,), daemon=True,
                         name="sanctions-worker-start").start()

    def _await_ready(self, conn: Connection) -> None:
        """Until the worker has imported what it needs; the lane screens here meanwhile."""
        try:
            if conn.poll(START_SECONDS) and conn.recv()[0] == "ready" and conn is self.conn:
                self.ready = True
        except (EOFError, OSError):
            pass

    def usable(self) -> bool:
        with self.lock:
            dead = self.process is not None and not self.process.is_alive()
            if (self.process is None or dead or self.conn is None) and self.starts < MAX_STARTS:
                if dead or self.conn is None:
                    self.stop()
                self.start()  # first use, or a worker that died: a new one
            return self.ready

    def call(self, message: Message) -> tuple[bool, str]:
        assert self.conn is not None
        try:
            self.conn.send(message)
            # the GIL is released while the worker screens; a query is bounded work, so one
            # that takes this long means a stuck worker: it is replaced, the query run here
            if not self.conn.poll(CALL_SECONDS):
                with self.lock:
                    self.stop()
                return False, "worker process did not answer"
            ok, answer = self.conn.recv()
            return bool(ok), str(answer)
        except (EOFError, OSError, BrokenPipeError):
            self.conn, self.ready = None, False
            return False, "worker process ended"

    def stop(self) -> None:
        if self.conn is not None:
            self.conn.close()
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join(1)
        self.conn, self.process, self.ready = None, None, False


class Runner:
    """Runs lane items: in a worker when it can, else here under the one lock."""

    def __init__(self, worker: Worker | None, local: threading.Lock) -> None:
        self.worker, self.local = worker, local

    def __call__(self, item: Callable[[], str]) -> str:
        message = remote_call(item) if self.worker is not None else None
        if message is not None and self.worker is not None and self.worker.usable():
            ok, answer = self.worker.call(message)
            if ok:
                return answer
        with self.local:
            return item()

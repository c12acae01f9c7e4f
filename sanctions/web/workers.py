"""Matching in worker processes, one per core, each with the build's index file mapped.

The lane (sanctions.web.lane) keeps one thread per worker; a thread takes the next query by
the lane's rules (singles first, batches a query at a time, deadlines) and hands it to its
worker over a pipe, so scoring runs on every core while the GIL is released in the server. A
query goes to a worker only when its State's index was opened from a file
(sanctions.store.index_file): the worker (sanctions.answer; forked at the server's start,
started afresh to replace one) opens the same file (its build id checked), lazily, and keeps
the last two, so a request is answered against the version it took, before and after a swap.
Anything else - an index built in memory, a worker not started yet, dead, or failing - runs
in the server process as before, under one lock (the index's caches are not thread-safe):
an answer is never lost and never comes from another build.

`SANCTIONS_WORKERS` sets the number (default: one per core; 0: no worker processes).
"""

from __future__ import annotations

import multiprocessing
import os
import select
import threading
import time
from collections.abc import Callable
from functools import partial
from multiprocessing.connection import Connection
from typing import Any

from ..answer import serve_worker
from .log import log

START_SECONDS = 120.0  # a worker not ready by then is not used (the lane screens here)
CALL_SECONDS = 60.0  # a worker silent this long on one query is replaced
MAX_STARTS = 20  # a worker that keeps dying is not started again: the server screens alone
# /-/readyz waits for the workers to have the index open, but no longer than this after they
# were started: past it, the server is ready and screens in its own process meanwhile
READY_GRACE_SECONDS = 10.0
START_METHODS = multiprocessing.get_all_start_methods()


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


class Worker:
    """One worker process, started in the background; used once it has said it is ready."""

    def __init__(self) -> None:
        self.conn: Connection | None = None
        self.process: Any = None
        self.ready = False
        self.starts = 0
        self.started = 0.0
        self.was_ready = False
        self.lock = threading.Lock()
        self.poller: tuple[Connection, Any] | None = None  # conn's, made on its first call

    def start(self, preload: str | None = None, fork: bool = False,
              inherited: list[Connection] | None = None) -> bool:
        """Whether the process started (a failed fork leaves the worker unstarted, its pipe
        closed: the lane screens here). `preload`: the database whose index file the worker
        opens before it is ready.
        `fork`: fork this process instead of starting a new interpreter (Lane.start_workers,
        before the server runs any thread): the worker has the matcher imported already, so it
        costs about 0.03 s of CPU instead of about 0.25 s taken from the server's own start on
        the same cores. `inherited`: the server's pipe ends a forked worker must close."""
        ctx: Any
        if fork and threading.active_count() == 1 and "fork" in START_METHODS:
            ctx = multiprocessing.get_context("fork")
        else:  # no fork of a threaded server: a lock held by another thread would be copied
            ctx, fork = multiprocessing.get_context("spawn"), False
        parent, child = ctx.Pipe()
        # a forked worker holds a copy of every server pipe end open so far: closed in it, so
        # that it (and its siblings) see the server go away
        close = [c.fileno() for c in [*(inherited or []), parent]] if fork else []
        process = ctx.Process(target=serve_worker, args=(child, preload, close),
                              name="sanctions-worker", daemon=True)
        self.started, self.ready, self.starts = time.monotonic(), False, self.starts + 1
        try:
            process.start()
        except OSError as exc:  # no fork (out of processes or memory): the lane screens here
            parent.close()
            child.close()
            log(f"could not start a worker process ({exc}); screening in the server process")
            return False
        child.close()
        self.process, self.conn = process, parent
        return True

    def watch(self) -> None:
        """Wait in the background for the worker just started to say it is ready."""
        assert self.conn is not None
        threading.Thread(target=self._await_ready, args=(self.conn,), daemon=True,
                         name="sanctions-worker-start").start()

    def _await_ready(self, conn: Connection) -> None:
        """Until the worker has imported what it needs; the lane screens here meanwhile."""
        try:
            if conn.poll(START_SECONDS) and conn.recv()[0] == "ready" and conn is self.conn:
                self.ready = self.was_ready = True
        except (EOFError, OSError):
            pass

    def settled(self) -> bool:
        """Ready once (a worker restarted later does not make the server unready: it screens
        meanwhile), or not worth waiting for any more (also: no process, its start failed)."""
        return (self.was_ready or self.starts >= MAX_STARTS or self.process is None
                or time.monotonic() - self.started > READY_GRACE_SECONDS)

    def usable(self) -> bool:
        if self.ready and self.conn is not None:
            # up, as far as the last round trip showed: no waitpid() (a system call, and the
            # GIL given up and waited for) per round trip; a worker that died since is seen by
            # the next call (EOFError: its items run here) and replaced on the use after
            return True
        with self.lock:
            dead = self.process is not None and not self.process.is_alive()
            if (self.process is None or dead or self.conn is None) and self.starts < MAX_STARTS:
                if dead or self.conn is None:
                    self.stop()
                if self.start():  # first use, or a worker that died: a new one
                    self.watch()
            return self.ready

    def call(self, messages: list[Message]) -> list[tuple[bool, str]]:
        """Each message's (ok, answer), the worker running them in turn: several queries in
        one round trip cost the server one send and one receive, not one each."""
        assert self.conn is not None
        try:
            self.conn.send(messages)
            # the GIL is released while the worker screens; a query is bounded work, so one
            # that takes this long means a stuck worker: it is replaced, the query run here
            if not self._answered(self.conn, CALL_SECONDS):
                with self.lock:
                    self.stop()
                return [(False, "worker process did not answer")] * len(messages)
            replies = self.conn.recv()
            return [(bool(ok), str(answer)) for ok, answer in replies]
        except (EOFError, OSError, BrokenPipeError):
            self.conn, self.ready = None, False
            return [(False, "worker process ended")] * len(messages)

    def _answered(self, conn: Connection, seconds: float) -> bool:
        """conn.poll(seconds), with one select.poll object per connection kept between round
        trips (only this worker's lane thread calls it): conn.poll makes, fills and closes a
        selector each time, about a tenth of a lane thread's CPU per round trip."""
        if not hasattr(select, "poll"):
            return conn.poll(seconds)
        if self.poller is None or self.poller[0] is not conn:
            poller = select.poll()
            poller.register(conn.fileno(), select.POLLIN)
            self.poller = (conn, poller)
        # readable, or the worker gone (POLLHUP: recv then raises EOFError, as after conn.poll)
        return bool(self.poller[1].poll(seconds * 1000))

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
        [result] = self.many([item])
        if isinstance(result, Exception):
            raise result
        return result

    def remote(self) -> bool:
        """Whether a worker process is up to take this runner's items."""
        return self.worker is not None and self.worker.ready

    def many(self, items: list[Callable[[], str]]) -> list[str | Exception]:
        """Each item's answer, or the exception it raised (which costs that item only)."""
        out: list[str | Exception | None] = [None] * len(items)
        if self.worker is not None:
            remote = [(i, m) for i, item in enumerate(items) if (m := remote_call(item))]
            if remote and self.worker.usable():
                replies = self.worker.call([m for _, m in remote])
                for (i, _), (ok, answer) in zip(remote, replies, strict=True):
                    if ok:
                        out[i] = answer
        for i, item in enumerate(items):
            if out[i] is None:
                try:
                    with self.local:
                        out[i] = item()
                except Exception as exc:  # that item's request gets it (a 500 there)
                    out[i] = exc
        return [r for r in out if r is not None]

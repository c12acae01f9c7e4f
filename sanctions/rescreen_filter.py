"""Which customers a re-screen must screen, and their screening: the rows of a customer file
that could match one of a few changed entities (sanctions.rescreen) are found in bulk over the
file's distinct words (sanctions.matching.reach: a cheap superset, following the matcher), and
only those go through the service; the others cost a share of one pass over the file's text.
tests/test_rescreen.py and scripts/check_reach.py check that a re-screen reports every hit a
full screen reports.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import pickle
import signal
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .matching import DEFAULT_CONFIG, Index
from .matching.reach import reaching

# Files of fewer rows are filtered in this process alone: forking a helper costs more than it
# saves on them (scripts/bench_rescreen.py).
FORK_ROWS = 4000
_PART: tuple[Any, ...] | None = None  # what the forked helpers filter and screen


def screen_reaching(index: Index, view: Sequence[Mapping[str, Any]],
                    rows: Sequence[Mapping[str, Any]], threshold: float,
                    defaults: Mapping[str, Any], workers: int = 2
                    ) -> list[dict[str, Any] | None]:
    """Each row's result against `index` when the row could reach `threshold` against one of
    its entities (`view`: the rows as the bound sees them), else None. The rows that could are
    found in one pass over the distinct words of a share of the file
    (sanctions.matching.reach), then screened by the service; each core takes every
    `workers`-th row (a file sorted by country is shared evenly)."""
    global _PART
    # The rows and the index live through the whole pass: keep the collector off them (its full
    # passes over every row cost up to a quarter of the time) and the helpers' copies of their
    # pages untouched.
    gc.freeze()
    try:
        if workers <= 1 or len(rows) < FORK_ROWS or not hasattr(os, "fork"):
            return _share(index, view, rows, threshold, defaults)
        _PART = (index, view, rows, threshold, defaults, workers)
        # A bare fork and a pipe, not a multiprocessing pool: the pool's queues, threads and
        # start-up cost 20-40 ms, several percent of a whole re-screen.
        helpers: dict[int, tuple[int, int]] = {}
        try:
            for k in range(1, workers):
                helpers[k] = _fork(k)
            parts = [_part(0)]
            for k in range(1, workers):
                parts.append(_collect(*helpers.pop(k), redo=functools.partial(_part, k)))
        finally:
            for pid, fd in helpers.values():  # only left when this process stopped early
                _end(pid, fd)
        out: list[dict[str, Any] | None] = [None] * len(rows)
        for k, part in enumerate(parts):
            out[k::workers] = part
        return out
    finally:
        _PART = None
        gc.unfreeze()


def _fork(k: int) -> tuple[int, int]:
    """A helper process filtering and screening share `k`; its result comes back pickled
    through a pipe (the process id, the pipe's end to read)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the helper: never back into the caller's code, nor its exit handlers
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as fh:
                pickle.dump(_part(k), fh, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


def _collect(pid: int, fd: int, redo: Callable[[], Any]) -> Any:
    """A helper's share, read from its pipe; a helper that failed (killed, out of memory...)
    has its share done over here (`redo`), so no row is ever lost (an error it met is then
    raised here, as it would be in one process)."""
    try:
        with os.fdopen(fd, "rb") as fh:
            data = fh.read()
    finally:
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0 and data:
        return pickle.loads(data)
    return redo()


def _end(pid: int, fd: int) -> None:
    """Stop and reap a helper whose share is no longer wanted (the caller stopped early)."""
    with contextlib.suppress(OSError):
        os.close(fd)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError, ChildProcessError):
        os.waitpid(pid, 0)


def _part(k: int) -> list[dict[str, Any] | None]:
    assert _PART is not None
    index, view, rows, threshold, defaults, workers = _PART
    return _share(index, view[k::workers], rows[k::workers], threshold, defaults)


def _share(index: Index, view: Sequence[Mapping[str, Any]], rows: Sequence[Mapping[str, Any]],
           threshold: float, defaults: Mapping[str, Any]) -> list[dict[str, Any] | None]:
    from .batch import screen_rows

    ok = _reaching(index, view, threshold)
    todo = [r for r, hit in zip(rows, ok, strict=True) if hit]
    done = iter(screen_rows(index, todo, defaults) if todo else ())
    return [next(done) if hit else None for hit in ok]


def _reaching(index: Index, rows: Sequence[Mapping[str, Any]], threshold: float
              ) -> list[bool]:
    """Which rows could score `threshold` against an entity of a small index: a superset
    (sanctions.matching.reach), so that a re-screen screens only them. A row with an
    identifier or an error is always screened; a birth date or country may add its bonus."""
    cfg = DEFAULT_CONFIG
    names = [None if "_error" in row or row.get("imo") or row.get("identifier")
             or not isinstance(row.get("name"), str) else row["name"] for row in rows]
    # a bonus only comes with the field it rewards (sanctions.matching.score)
    bonuses = [(cfg.birth_date_bonus if row.get("birth_date") else 0.0)
               + (cfg.country_bonus if row.get("country") else 0.0) for row in rows]
    return reaching(index, names, bonuses, threshold, cfg)

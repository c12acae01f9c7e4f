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
import itertools
import os
import pickle
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from .matching import DEFAULT_CONFIG, Index
from .matching.reach import reaching
from .matching.reach_prepared import Prepared
from .matching.reach_share import Swap
from .normalize import clean_text
from .store.prepared import save as save_prepared

# Files of fewer rows are filtered in this process alone: forking a helper costs more than it
# saves on them (scripts/bench_rescreen.py).
FORK_ROWS = 4000
# Each process takes every `workers`-th run of this many consecutive rows: rows read together
# lie together in memory, so a share touches (and, in a forked process, copies) about its own
# share of the rows' pages, where every other row touches all of them (the helper's minor page
# faults: 10,100 -> 8,800 for 20,000 customers); runs this short share a file sorted by any
# field evenly.
BLOCK = 128
_PART: tuple[Any, ...] | None = None  # what the forked helpers filter and screen


_PAUSED = 0  # collector_paused() blocks entered and not left


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off, and what lives now frozen out of its passes, for the block (nested:
    only the outermost pauses and resumes it). A re-screen's rows and index live through it:
    its full passes over every row cost up to a quarter of the filter, and the forked helpers'
    copies of their pages stay untouched. A whole re-screen runs in one (sanctions.rescreen).
    What the block made and kept (the index's caches of the file's words...) leaves it in the
    oldest generation, as what it froze: a young one's next pass would walk all of it once
    more (2 ms after 20,000 customers); a cycle among it is freed by the next full pass."""
    global _PAUSED
    enabled = gc.isenabled()
    if not _PAUSED:
        gc.disable()
        gc.freeze()
    _PAUSED += 1
    try:
        yield
    finally:
        _PAUSED -= 1
        if not _PAUSED:
            gc.freeze()  # what the block made, with the rest: moved, not walked
            gc.unfreeze()
            if enabled:
                gc.enable()


def screen_reaching(index: Index, view: Sequence[Mapping[str, Any]],
                    rows: Sequence[Mapping[str, Any]], threshold: float,
                    defaults: Mapping[str, Any], workers: int = 2,
                    prep: Prepared | None = None) -> list[dict[str, Any] | None]:
    """Each row's result against `index` when the row could reach `threshold` against one of
    its entities (`view`: the rows as the bound sees them), else None. The rows that could are
    found in one pass over the distinct words of a share of the file
    (sanctions.matching.reach), then screened by the service; each core takes every
    `workers`-th run of BLOCK rows (a file sorted by country is shared evenly), when a core is
    free. `prep`: the file's preparation (`prepared`), read by every process."""
    with collector_paused():
        if workers <= 1 or len(rows) < FORK_ROWS or not hasattr(os, "fork") or not _free():
            return _share(index, view, rows, threshold, defaults, prep=prep)
        return _forked(index, view, rows, threshold, defaults, workers, prep)


def keep_prepared(prep: Prepared, rows: Sequence[Mapping[str, Any]], path: Path | str) -> None:
    """Store what the pass worked out anew for the rows (nothing, when it read them all): the
    preparation (sanctions.store.prepared.load, read once for every process) lacks, the first
    time, all of a file's names and words, later the few new ones; each process works them out
    in its pass, as without a store, and a forked helper sends its own back with its share."""
    if any(prep.new):
        prep.merge(*prep.new)
        save_prepared(path, prep, [clean_text(n) for row in rows
                                   if isinstance(n := row.get("name"), str)])


def _free() -> bool:
    """Whether a helper may find a core: not when other tasks already keep every core busy,
    where it waits for one and one process finishes sooner (20,000 customers: 1.6-1.8 s against
    1.9-2.3 s with 6-8 tasks running on 2 cores; on an idle host two take about 0.6 of one's
    time). Linux's count of running tasks now (this one included); elsewhere, yes."""
    try:
        with open("/proc/loadavg", encoding="ascii") as fh:
            running = int(fh.read().split()[3].partition("/")[0])
        cores = len(os.sched_getaffinity(0))
    except (OSError, ValueError, IndexError, AttributeError):
        return True
    return running - 1 < cores


def _forked(index: Index, view: Sequence[Mapping[str, Any]], rows: Sequence[Mapping[str, Any]],
            threshold: float, defaults: Mapping[str, Any], workers: int,
            prep: Prepared | None = None) -> list[dict[str, Any] | None]:
    """`_share` of each of `workers` shares of the rows, all but the first in forked helpers."""
    global _PART
    try:
        _PART = (index, view, rows, threshold, defaults, workers, prep)
        # A bare fork and pipes, not a multiprocessing pool: the pool's queues, threads and
        # start-up cost 20-40 ms, several percent of a whole re-screen.
        helpers: dict[int, _Helper] = {}
        try:
            for k in range(1, workers):
                helpers[k] = _fork(k, workers == 2)
            parts = [_part(0, helpers[1].swap if workers == 2 else None)]
            for helper in helpers.values():
                helper.done_swapping()
            for k in range(1, workers):
                # a helper's share, and what it worked out anew of the file's preparation
                part, new = helpers.pop(k).collect(redo=functools.partial(_redone, k))
                if new is not None and prep is not None:
                    prep.merge(*new)
                parts.append(part)
        finally:
            for helper in helpers.values():  # only left when this process stopped early
                helper.end()
        out: list[dict[str, Any] | None] = [None] * len(rows)
        for k, part in enumerate(parts):
            done = 0
            for at in _spans(k, workers, len(rows)):
                out[at] = part[done:done + at.stop - at.start]
                done += at.stop - at.start
        return out
    finally:
        _PART = None


def _fork(k: int, swaps: bool) -> _Helper:
    """A helper process filtering and screening share `k`; with `swaps`, it first swaps its
    answers about its words for the caller's (sanctions.matching.reach: each process looks at
    the words it owns), then sends its share back, each message pickled through a pipe."""
    up, up_w = os.pipe()
    down_r, down = os.pipe()
    pid = os.fork()
    if pid == 0:  # the helper: never back into the caller's code, nor its exit handlers
        code = 1
        try:
            os.close(up)
            os.close(down)
            with os.fdopen(up_w, "wb") as out, os.fdopen(down_r, "rb") as back:
                part = _part(k, functools.partial(_swap, out, back) if swaps else None)
                prep = _PART[6] if _PART else None
                pickle.dump(("done", (part, None if prep is None else prep.new)), out,
                            protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    os.close(up_w)
    os.close(down_r)
    return _Helper(pid, os.fdopen(up, "rb"), os.fdopen(down, "wb"))


def _swap(out: BinaryIO, back: BinaryIO, mine: Any) -> Any:
    """The helper's side of a swap: its answers first, then the caller's (None if the caller
    has none: it closed its end)."""
    pickle.dump(("swap", mine), out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()
    try:
        return pickle.load(back)
    except (EOFError, OSError, pickle.UnpicklingError):
        return None


class _Helper:
    """A forked helper as the caller sees it: its process id, the pipe it writes to and the one
    it reads the caller's answers from."""

    def __init__(self, pid: int, up: BinaryIO, down: BinaryIO) -> None:
        self.pid, self.up, self.down = pid, up, down
        self.sent: list[Any] = []  # its share, when it came before a swap (it had no name)
        self.broken = False  # what it wrote cannot be read on

    def swap(self, mine: Any) -> Any:
        """The caller's side of a swap: the helper's answers (None if it has none), then the
        caller's, written only to a helper that waits for them (so neither waits for the
        other)."""
        try:
            tag, theirs = pickle.load(self.up)
        except (EOFError, OSError, pickle.UnpicklingError, ValueError):
            self.broken = True  # it died: its share is done again in `collect`
            return None
        if tag == "done":
            self.sent.append(theirs)
            return None
        with contextlib.suppress(OSError):
            pickle.dump(mine, self.down, protocol=pickle.HIGHEST_PROTOCOL)
            self.down.flush()
        return theirs

    def done_swapping(self) -> None:
        """No (more) answers from the caller: a helper still waiting for them goes on."""
        with contextlib.suppress(OSError):
            self.down.close()

    def collect(self, redo: Callable[[], Any]) -> Any:
        """The helper's share; a helper that failed (killed, out of memory...) has its share
        done over here (`redo`), so no row is ever lost (an error it met is then raised here,
        as it would be in one process)."""
        try:
            while not self.sent and not self.broken:
                tag, theirs = pickle.load(self.up)
                if tag == "done":  # else answers the caller did not ask for
                    self.sent.append(theirs)
        except (EOFError, OSError, pickle.UnpicklingError, ValueError):
            pass
        finally:
            self.up.close()
            _, status = os.waitpid(self.pid, 0)
        if os.waitstatus_to_exitcode(status) == 0 and self.sent:
            return self.sent[0]
        return redo()

    def end(self) -> None:
        """Stop and reap a helper whose share is no longer wanted (the caller stopped early)."""
        for fh in (self.up, self.down):
            with contextlib.suppress(OSError):
                fh.close()
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError, ChildProcessError):
            os.waitpid(self.pid, 0)


def _redone(k: int) -> tuple[list[dict[str, Any] | None], None]:
    """Share k done here (its helper failed): what it works out anew is this process's."""
    return _part(k), None


def _part(k: int, swap: Swap | None = None) -> list[dict[str, Any] | None]:
    assert _PART is not None
    index, view, rows, threshold, defaults, workers, prep = _PART
    spans = _spans(k, workers, len(rows))
    return _share(index, _taken(view, spans), _taken(rows, spans), threshold, defaults,
                  None if swap is None else (k, workers, swap), prep)


def _spans(k: int, n: int, size: int) -> list[slice]:
    """The rows of share k of n (of `size` rows): every n-th run of BLOCK rows."""
    return [slice(s, min(s + BLOCK, size)) for s in range(k * BLOCK, size, n * BLOCK)]


def _taken(seq: Sequence[Any], spans: list[slice]) -> list[Any]:
    """The items of `seq` in these spans, in order."""
    return list(itertools.chain.from_iterable(seq[at] for at in spans))


def _share(index: Index, view: Sequence[Mapping[str, Any]], rows: Sequence[Mapping[str, Any]],
           threshold: float, defaults: Mapping[str, Any],
           share: tuple[int, int, Swap] | None = None, prep: Prepared | None = None
           ) -> list[dict[str, Any] | None]:
    from .batch import screen_rows

    # The pass over the file's words makes some hundred thousand short-lived lists, sets and
    # tuples that reference counting frees: the collector, run some 80 times over them (20,000
    # customers), cost 3-4% of the pass. It runs again once the pass is done.
    enabled = gc.isenabled()
    gc.disable()
    try:
        ok = _reaching(index, view, threshold, share, prep)
    finally:
        if enabled:
            gc.enable()
    todo = [r for r, hit in zip(rows, ok, strict=True) if hit]
    done = iter(screen_rows(index, todo, defaults) if todo else ())
    return [next(done) if hit else None for hit in ok]


def _reaching(index: Index, rows: Sequence[Mapping[str, Any]], threshold: float,
              share: tuple[int, int, Swap] | None = None, prep: Prepared | None = None
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
    return reaching(index, names, bonuses, threshold, cfg, share, prep)

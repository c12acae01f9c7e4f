"""The matcher's lane: single queries first, batches one query at a time, each job with a
deadline; the queries run in worker processes, one per core (sanctions.web.workers).

One thread per worker takes the next query by these rules and waits for its worker (the GIL is
released meanwhile); without workers (SANCTIONS_WORKERS=0, an index built in memory, a worker
not started yet) one lock runs the queries in this process one at a time, because the index's
caches are not thread-safe and scoring is CPU-bound Python. When many single queries wait (50
clients), a thread hands its worker its share of them, up to GROUP, in one round trip: the
server's CPU per query halves (scripts/bench_api.py prints it).

Batches go a query at a time because a 1,000-name POST run in one go held the matcher for 31 s
while every GET waited; now a GET waits for at most one batch query. Single queries are taken
first, but after SINGLES_PER_STEP of them a waiting batch gets one query, so a steady stream of
GETs cannot starve a batch either; several batches share their turns round-robin. A job not run
(a single query) or not finished (a batch) by its deadline is answered with `Busy`, which the
API turns into a 503 with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .workers import Runner, Worker, worker_count

SINGLES_PER_STEP = 4  # single queries run before a waiting batch gets its next query
# single queries a thread hands its worker at once when many wait (50 clients): one round trip
# for all of them costs the server less than one each
GROUP = 8


class Busy(Exception):
    """The lane could not run this job in time (or had no room for it): a 503 with the reason."""


@dataclass(eq=False)
class _Job:
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[list[str]]
    items: Sequence[Callable[[], str]]
    deadline: float
    seconds: float
    batch: bool
    results: list[str] = field(default_factory=list)
    abandoned: bool = False  # the request went away: spend no more time on it


class Lane:
    def __init__(self, max_waiting: int = 1000, max_batch_queries: int = 4000,
                 workers: int = 0) -> None:
        self.max_waiting = max_waiting  # single queries waiting
        self.max_batch_queries = max_batch_queries  # queries of the batches in progress
        self._cond = threading.Condition()
        self._singles: deque[_Job] = deque()
        self._batches: deque[_Job] = deque()
        self._streak = 0
        self._active_batches = 0  # queued or being screened
        self._batch_queries = 0  # their queries, screened or not
        # one thread per worker process (sanctions.web.workers), or one thread and none
        local = threading.Lock()
        self._runners = ([Runner(Worker(), local) for _ in range(workers)] if workers > 0
                         else [Runner(None, local)])
        self._threads: list[threading.Thread | None] = [None] * len(self._runners)
        # every thread started and none ended (a thread ends only on an error of the lane's
        # own): `run` then neither looks at the threads nor wakes one that is not waiting
        self._running = 0
        self._idle = 0  # threads waiting for a job

    def start_workers(self, preload: str | None = None, fork: bool = False) -> None:
        """Start the worker processes now (at server start), not on the first query; each
        opens the index file of the database `preload` before it says it is ready. `fork`:
        forked from this process (`sanctions serve`, before it runs any other thread)."""
        with self._cond:
            started: list[Worker] = []
            for runner in self._runners:
                worker = runner.worker
                if worker is not None and worker.process is None and not worker.starts:
                    # every process first, forked while no thread runs; their watchers after
                    if worker.start(preload, fork=fork,
                                    inherited=[w.conn for w in started if w.conn is not None]):
                        started.append(worker)
                elif worker is not None:
                    worker.usable()
            for worker in started:
                worker.watch()

    def workers_settled(self) -> bool:
        """Every worker process ready (or not worth waiting for): /-/readyz."""
        return all(r.worker is None or (r.worker.starts and r.worker.settled())
                   for r in self._runners)

    async def run(self, items: Sequence[Callable[[], str]], *, seconds: float,
                  batch: bool = False) -> list[str]:
        """Run `items` in the matcher thread; their results in order. A single job (batch=False)
        must start within `seconds`; a batch must finish within `seconds`."""
        loop = asyncio.get_running_loop()
        job = _Job(loop, loop.create_future(), items, time.monotonic() + seconds, seconds, batch)
        with self._cond:
            queue = self._batches if batch else self._singles
            if batch and self._batch_queries + len(items) > self.max_batch_queries:
                # four batches of the largest size, or many small ones: memory stays bounded
                raise Busy(f"the server is busy: {self._active_batches} batches "
                           f"({self._batch_queries:,} queries) are already being screened; "
                           "try again shortly")
            if not batch and len(queue) >= self.max_waiting:
                raise Busy(f"the server is busy: {len(queue):,} queries are waiting; "
                           "try again shortly")
            queue.append(job)
            self._active_batches += batch
            self._batch_queries += len(items) if batch else 0
            if self._running < len(self._threads):
                self._start()
            if self._idle:
                self._cond.notify()
        try:
            return await job.future
        finally:
            job.abandoned = True
            if batch:
                with self._cond:
                    self._active_batches -= 1
                    self._batch_queries -= len(items)

    def workers_ready(self) -> int:
        return sum(bool(r.worker and r.worker.ready) for r in self._runners)

    def waiting(self) -> tuple[int, int]:
        """Single queries waiting and batches not yet answered, for /-/readyz."""
        with self._cond:
            return len(self._singles), self._active_batches

    def _start(self) -> None:
        """Start the threads not started yet, or ended (under the condition's lock)."""
        for i, thread in enumerate(self._threads):
            if thread is None or not thread.is_alive():
                thread = threading.Thread(target=self._thread, args=(self._runners[i],),
                                          name=f"sanctions-screen-{i}", daemon=True)
                self._threads[i] = thread
                self._running += 1
                thread.start()

    def _thread(self, run: Runner) -> None:
        try:
            self._work(run)
        finally:
            with self._cond:
                self._running -= 1  # the next job starts another

    def _next(self) -> list[_Job]:
        """The next batch job, or the next single jobs: up to GROUP of them, this thread's
        share of those waiting (the other threads take theirs), and no more than the streak
        leaves before a waiting batch's turn."""
        with self._cond:
            while not (self._singles or self._batches):
                self._idle += 1
                try:
                    self._cond.wait()
                finally:
                    self._idle -= 1
            if self._singles and (not self._batches or self._streak < SINGLES_PER_STEP):
                share = -(-len(self._singles) // len(self._runners))
                room = SINGLES_PER_STEP - self._streak if self._batches else GROUP
                jobs = [self._singles.popleft() for _ in range(min(share, room, GROUP))]
                self._streak += len(jobs)
                return jobs
            self._streak = 0
            return [self._batches.popleft()]

    def _work(self, run: Runner) -> None:
        while True:
            jobs = [job for job in self._next() if _due(job)]
            if jobs and jobs[0].batch:
                self._batch_step(run, jobs[0])
            elif jobs and run.remote():  # the worker takes them all in one round trip
                _singles(run, jobs)
            else:  # here, one after the other: each must still be due when its turn comes
                for job in jobs:
                    if job is jobs[0] or _due(job):
                        _singles(run, [job])

    def _batch_step(self, run: Runner, job: _Job) -> None:
        try:
            job.results.append(run(job.items[len(job.results)]))
        except Exception as exc:  # the request gets it (a 500 there), the lane goes on
            _finish(job, None, exc)
            return
        if len(job.results) < len(job.items):
            with self._cond:
                self._batches.append(job)  # back of the round
            return
        _finish(job, job.results, None)


def _due(job: _Job) -> bool:
    """Whether to run `job` now: not if its request went away, nor past its deadline (then
    it is answered Busy)."""
    if job.abandoned:
        return False
    if time.monotonic() > job.deadline:
        _finish(job, None, Busy(_late(job)))
        return False
    return True


def _singles(run: Runner, jobs: list[_Job]) -> None:
    """Single jobs' queries in one round trip to the worker; an item that failed costs its own
    request (a 500 there), not the others'."""
    try:
        results = run.many([item for job in jobs for item in job.items])
    except Exception as exc:  # the requests get it (a 500 there), the lane goes on
        for job in jobs:
            _finish(job, None, exc)
        return
    start = 0
    done: list[tuple[_Job, list[str] | None, BaseException | None]] = []
    for job in jobs:
        mine = results[start:start + len(job.items)]
        start += len(job.items)
        failed = next((r for r in mine if isinstance(r, Exception)), None)
        if failed is not None:
            done.append((job, None, failed))
        else:
            done.append((job, [str(r) for r in mine], None))
    _finish_all(done)


def _late(job: _Job) -> str:
    if job.batch:
        return (f"the batch did not finish within {job.seconds:g} s ({len(job.results):,} of "
                f"{len(job.items):,} queries screened); send smaller batches or try again later")
    return (f"the server is busy: the query waited {job.seconds:g} s without being screened; "
            "try again shortly")


def _finish(job: _Job, result: list[str] | None, exc: BaseException | None) -> None:
    _finish_all([(job, result, exc)])


def _finish_all(done: list[tuple[_Job, list[str] | None, BaseException | None]]) -> None:
    """Resolve these jobs' futures, on their loops: one call per loop for all its jobs (a round
    trip's), not one each, which would wake the loop once per job."""
    loops: dict[asyncio.AbstractEventLoop, list[tuple[_Job, list[str] | None,
                                                       BaseException | None]]] = {}
    for item in done:
        loops.setdefault(item[0].loop, []).append(item)
    for loop, items in loops.items():
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
            loop.call_soon_threadsafe(_resolve, items)


def _resolve(items: list[tuple[_Job, list[str] | None, BaseException | None]]) -> None:
    for job, result, exc in items:
        if job.future.done():
            continue
        if exc is not None:
            job.future.set_exception(exc)
        else:
            job.future.set_result(result or [])


LANE = Lane(workers=worker_count())


def lane_status() -> dict[str, Any]:
    singles, batches = LANE.waiting()
    return {"queries_waiting": singles, "batches_in_progress": batches,
            "workers": sum(r.worker is not None for r in LANE._runners),
            "workers_ready": LANE.workers_ready()}

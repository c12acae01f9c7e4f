"""Batch screening on every core: rows in, one result per row out, in input order.

Workers are forked after the index is loaded, so they share it; this process screens chunks
itself while it waits for the helpers' (`_balanced`), so a pool of `workers` holds one copy of
the index fewer.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from multiprocessing.pool import AsyncResult, Pool
from typing import Any

from .matching import Index, Query
from .screening import make_query, row_query, screen_record

CHUNK = 256
AHEAD = 2  # chunks each helper has in hand, so that it never waits for this process
MAX_PENDING = 6  # chunks per helper screened or in hand before this process waits for one
_WORKER_INDEX: Index | None = None

Job = tuple[list[Mapping[str, Any]], Mapping[str, Any]]


def _screen_chunk(job: Job) -> list[dict[str, Any]]:
    rows, defaults = job
    assert _WORKER_INDEX is not None
    return screen_rows(_WORKER_INDEX, rows, defaults)


def screen_rows(index: Index, rows: list[Mapping[str, Any]], defaults: Mapping[str, Any]
                ) -> list[dict[str, Any]]:
    """Each row's result in this process, every token of the rows looked up at once.

    The collector is paused for the chunk, then run once over its youngest generation (what
    the chunk made and kept, and any cycles it made: freed there). Screening makes large
    short-lived lists (a chunk's look-ups pair each word with thousands of listed ones) that
    reference counting frees; run every 700 allocations, the collector walked the live ones
    again and again, and made full passes over the caches: its own CPU (`gc.callbacks`) was
    3.2-3.3% of 10,000 customers' in one process, 0.6-0.7% so."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _screen_rows(index, rows, defaults)
    finally:
        if enabled:
            gc.enable()
            gc.collect(0)


def _screen_rows(index: Index, rows: list[Mapping[str, Any]], defaults: Mapping[str, Any]
                 ) -> list[dict[str, Any]]:
    """`screen_rows`' work, the collector aside."""
    queries: list[Query | None] = []
    for row in rows:
        try:
            queries.append(make_query({**defaults, **row_query(row)}))
        except Exception:  # the row's own result says what is wrong with it
            queries.append(None)
    with contextlib.suppress(Exception):  # only a speed-up: each row is screened below anyway
        index.warm([q for q in queries if q is not None])  # every token of the chunk at once
    # each row's query as made here (`screen_record` would make the same again)
    return [_screen_row(index, row, defaults, q) for row, q in zip(rows, queries, strict=True)]


def _screen_row(index: Index, row: Mapping[str, Any], defaults: Mapping[str, Any],
                query: Query | None = None) -> dict[str, Any]:
    """screen_record, except that a bug costs this row (an error naming it), never the batch."""
    try:
        return screen_record(index, row, defaults, query=query)
    except Exception as exc:  # a bug in one row must not end the batch
        detail = f"internal error: {exc.__class__.__name__}: {exc}"[:300]
        echo = {k: v for k, v in row.items() if k not in ("_row", "_error")}
        where = {"row": row["_row"]} if "_row" in row else {}
        return {"query": echo, "matches": [], "error": f"{detail}; please report", **where}


def _chunks(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def run_batch(index: Index, rows: Iterable[Mapping[str, Any]], defaults: Mapping[str, Any],
              workers: int = 2) -> Iterator[dict[str, Any]]:
    global _WORKER_INDEX
    _WORKER_INDEX = index
    jobs: Iterator[Job] = ((chunk, defaults) for chunk in _chunks(rows, CHUNK))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for job in jobs:
            yield from _screen_chunk(job)
        return
    # The index's objects never die: keep the collector off their pages, so the forked helpers
    # share more of them with this process instead of copying them.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            yield from _balanced(pool, jobs, workers - 1)
    finally:
        gc.unfreeze()


def _balanced(pool: Pool, jobs: Iterator[Job], helpers: int) -> Iterator[dict[str, Any]]:
    """Chunks in input order: the helpers are kept AHEAD chunks each in hand, and this process
    screens the next chunk itself only while the oldest helper chunk is not back yet. It also
    hands the results on (and its caller writes them), so it screens fewer chunks than a
    helper instead of every other one, and no helper waits for it."""
    pending: deque[AsyncResult[list[dict[str, Any]]] | list[dict[str, Any]]] = deque()
    out = 0  # helper chunks in hand
    more = True
    while True:
        while more and out < AHEAD * helpers:
            job = next(jobs, None)
            if job is None:
                more = False
                break
            pending.append(pool.apply_async(_screen_chunk, (job,)))
            out += 1
        if not pending:
            return
        head = pending[0]
        if isinstance(head, list):
            pending.popleft()
            yield from head
            continue
        if more and not head.ready() and len(pending) < MAX_PENDING * helpers:
            job = next(jobs, None)  # not back yet: screen one here rather than wait
            if job is not None:
                pending.append(_screen_chunk(job))
                continue
            more = False
        pending.popleft()
        out -= 1
        yield from head.get()

"""A worker process that cannot be started (no fork: out of processes or memory) costs
nothing: the lane screens in the server process, the server is ready, and the next use tries
again. Before, `Worker.start` left the worker half set (a process object never started, no
pipe), and `Lane.start_workers` raised out of the server's start."""

from __future__ import annotations

import multiprocessing.process
import sqlite3
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from sanctions.answer import _Indexes, answer
from sanctions.ingest.build import build
from sanctions.sources import get_source
from sanctions.store.index import read_build_id
from sanctions.store.index_write import index_path
from sanctions.web.workers import MAX_STARTS, Runner, Worker, remote_call


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A State as a worker gets it: the FTO list's database and its index file, opened."""
    db = tmp_path_factory.mktemp("fto") / "sanctions.db"
    build(db, sources=[get_source("state_fto")])
    with sqlite3.connect(db) as conn:
        build_id = read_build_id(conn)
    assert build_id
    return _Indexes().state(str(index_path(db, build_id)), build_id)


@pytest.fixture
def no_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: object) -> None:
        raise BlockingIOError(11, "Resource temporarily unavailable")
    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)


def test_a_worker_that_cannot_start_leaves_nothing_half_set(
        no_fork: None, capfd: pytest.CaptureFixture[str]) -> None:
    worker = Worker()
    assert worker.start() is False
    assert worker.process is None and worker.conn is None and not worker.ready
    assert worker.starts == 1 and worker.settled()  # not waited for by /-/readyz
    [line] = capfd.readouterr().err.splitlines()
    assert line.startswith("sanctions: could not start a worker process (")
    assert "screening in the server process" in line


def test_the_runner_answers_in_this_process_when_its_worker_cannot_start(
        state: Any, no_fork: None, capfd: pytest.CaptureFixture[str]) -> None:
    items: list[Callable[[], str]] = [partial(answer, state, {"name": n})
                                      for n in ("Tren de Aragua", "Hizballah")]
    assert all(remote_call(item) for item in items)  # a worker's items, were it up
    expected = [answer(state, {"name": n}) for n in ("Tren de Aragua", "Hizballah")]
    worker = Worker()
    runner = Runner(worker, threading.Lock())
    assert runner.many(items) == expected
    assert "state_fto:tren-de-aragua" in expected[0]
    assert not runner.remote() and worker.starts == 1 and worker.process is None
    # each use tries again, up to MAX_STARTS, a line each; then the server screens alone
    for _ in range(MAX_STARTS + 3):
        assert runner(items[0]) == expected[0]
    assert worker.starts == MAX_STARTS
    assert len(capfd.readouterr().err.splitlines()) == MAX_STARTS

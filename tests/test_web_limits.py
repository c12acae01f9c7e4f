"""Bounded work per request and per client: the budget, the lane's order and deadlines, numbers
that do not fit, lone surrogates, and errors that never show a traceback."""

from __future__ import annotations

import asyncio
import json
import threading
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from datasette.hookspecs import hookimpl
from datasette.plugins import pm
from datasette.utils.asgi import Response

from sanctions.web.lane import Busy, Lane
from sanctions.web.metadata import load_metadata
from sanctions.web.serve import register_plugin

pytest_plugins = ["datasette_fixtures"]  # the ds and db_path fixtures
pytestmark = pytest.mark.anyio
HUGE = "9" * 4000


async def post(ds: Datasette, body: Any) -> tuple[int, Any]:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    r = await ds.client.post("/-/screen.json", content=content)
    return r.status_code, r.json()


# --- the budget ------------------------------------------------------------------------------


async def test_the_budget_refuses_a_batch_asking_too_much(ds: Datasette) -> None:
    # 1,000 long names at threshold 0 and limit 100 held the matcher 31 s: refused before any
    body = {"queries": [{"name": "Abdul Rahman " * 20, "threshold": 0, "limit": 100}] * 1000}
    assert await post(ds, body) == (413, {
        "ok": False, "status": 413,
        "error": "this batch asks for up to 100,000 matches (the sum of each query's limit, 10 "
                 "by default); at most 10,000 per request: send fewer queries or a lower limit"})


async def test_the_budget_counts_each_querys_limit(ds: Datasette) -> None:
    ok = [{"name": "Tren de Aragua", "limit": 100}] * 100  # exactly 10,000
    status, data = await post(ds, {"queries": ok})
    assert status == 200 and len(data["results"]) == 100
    status, data = await post(ds, {"queries": [*ok, {"name": "x", "limit": 1}]})
    assert status == 413 and data["error"].startswith("this batch asks for up to 10,001 matches")


# --- numbers that do not fit, text that is not text -------------------------------------------


@pytest.mark.parametrize(("qs", "message"), [
    (f"limit={HUGE}", "limit must be between 1 and 100"),
    (f"limit=-{HUGE}", "limit must be between 1 and 100"),
    (f"threshold={HUGE}", "threshold must be between 0 and 1"),
    ("limit=" + "9" * 5000, "limit must be between 1 and 100"),  # past int()'s digit limit
])
async def test_numbers_that_do_not_fit_get_a_400(ds: Datasette, qs: str, message: str) -> None:
    r = await ds.client.get("/-/screen.json?name=Tren&" + qs)
    assert (r.status_code, r.json()) == (400, {"ok": False, "status": 400, "error": message})


@pytest.mark.parametrize(("body", "message"), [
    ('{"queries": [{"name": "a", "limit": ' + HUGE + "}]}", "limit must be between 1 and 100"),
    ('{"queries": [{"name": "a", "threshold": -' + HUGE + "}]}",
     "threshold must be between 0 and 1"),
    ('{"queries": [{"name": "a\\ud800b"}]}',
     "name is not valid text (it has an unpaired surrogate)"),
    ('{"queries": [{"name": "a", "id": "\\udfff"}]}',
     "id is not valid text (it has an unpaired surrogate)"),
    ('{"queries": [{"name": "a", "source": ["\\ud83d"]}]}',
     "source is not valid text (it has an unpaired surrogate)"),
])
async def test_bad_json_values_are_row_errors(ds: Datasette, body: str, message: str) -> None:
    """A value that does not fit costs only its own row: HTTP 200, the row's error."""
    status, data = await post(ds, body.encode())
    assert status == 200
    [result] = data["results"]
    assert (result["matches"], result["error"]) == ([], message)


async def test_a_paired_surrogate_is_an_ordinary_character(ds: Datasette) -> None:
    status, data = await post(ds, b'{"queries": [{"name": "Tren de Aragua \\ud83d\\ude00"}]}')
    assert status == 200
    assert data["results"][0]["query"] == {"name": "Tren de Aragua \U0001f600"}


# --- the lane --------------------------------------------------------------------------------


def blocked_lane() -> tuple[Lane, threading.Event, list[str], Callable[[str], Callable[[], str]]]:
    """A lane whose thread is held by a first job until the event is set, and a recorder."""
    lane, gate, order = Lane(), threading.Event(), []

    def item(label: str) -> Callable[[], str]:
        def run() -> str:
            if label == "gate":
                gate.wait(10)
            order.append(label)
            return label
        return run

    return lane, gate, order, item


async def until_started(order: list[str], lane: Lane) -> None:
    for _ in range(200):
        if lane.waiting() == (0, 0):
            return
        await asyncio.sleep(0.01)


async def test_single_queries_go_first_and_batches_still_advance() -> None:
    lane, gate, order, item = blocked_lane()
    first = asyncio.ensure_future(lane.run([item("gate")], seconds=10))
    await until_started(order, lane)  # the gate job is running: everything else queues
    batch = asyncio.ensure_future(lane.run([item(f"b{i}") for i in range(3)], seconds=10,
                                           batch=True))
    await asyncio.sleep(0)
    singles = [asyncio.ensure_future(lane.run([item(f"s{i}")], seconds=10)) for i in range(6)]
    await asyncio.sleep(0)
    gate.set()
    assert await batch == ["b0", "b1", "b2"]
    assert [await s for s in singles] == [[f"s{i}"] for i in range(6)]
    await first
    # four single queries, then one batch query, and so on; the batch never waits for all
    assert order == ["gate", "s0", "s1", "s2", "b0", "s3", "s4", "s5", "b1", "b2"]


async def test_a_query_not_started_by_its_deadline_is_busy() -> None:
    lane, gate, order, item = blocked_lane()
    first = asyncio.ensure_future(lane.run([item("gate")], seconds=10))
    await until_started(order, lane)
    late = asyncio.ensure_future(lane.run([item("late")], seconds=0.01))
    await asyncio.sleep(0.1)  # past its deadline while the lane is held
    gate.set()
    with pytest.raises(Busy, match="the server is busy: the query waited 0.01 s without being "
                                   "screened; try again shortly"):
        await late
    await first
    assert order == ["gate"]  # the late query was never run


async def test_a_batch_not_finished_by_its_deadline_is_busy(db_path: Path) -> None:
    register_plugin()
    meta = load_metadata(db_path) | {"plugins": {"sanctions": {"batch_seconds": 0.001}}}
    ds = Datasette(immutables=[str(db_path)], metadata=meta)
    await ds.invoke_startup()
    assert (await ds.client.get("/-/screen.json?name=Tren")).status_code == 200  # index in
    status, data = await post(ds, {"queries": [{"name": f"Tren de Aragua {i}"}
                                               for i in range(1000)]})
    assert status == 503
    assert data["error"].startswith("the batch did not finish within 0.001 s (")
    assert data["error"].endswith(" of 1,000 queries screened); send smaller batches or "
                                  "try again later")


async def test_too_many_batches_at_once_is_busy() -> None:
    lane, gate, order, item = blocked_lane()
    lane.max_batch_queries = 2
    first = asyncio.ensure_future(lane.run([item("gate")], seconds=10))
    await until_started(order, lane)
    queued = asyncio.ensure_future(lane.run([item("b")], seconds=10, batch=True))
    await asyncio.sleep(0)
    with pytest.raises(Busy, match=r"the server is busy: 1 batches \(1 queries\) are already "
                                   "being screened; try again shortly"):
        await lane.run([item("c"), item("d")], seconds=10, batch=True)
    fits = asyncio.ensure_future(lane.run([item("e")], seconds=10, batch=True))  # one more
    await asyncio.sleep(0)
    gate.set()
    assert (await queued, await fits) == (["b"], ["e"])
    await first


async def test_a_get_is_answered_while_a_big_batch_runs(ds: Datasette) -> None:
    batch = asyncio.ensure_future(post(ds, {"queries": [
        {"name": f"Nicolas Maduro {i}", "threshold": 0, "limit": 10} for i in range(1000)]}))
    await asyncio.sleep(0.2)  # the batch is being screened
    r = await ds.client.get("/-/screen.json?name=Tren+de+Aragua")
    assert r.status_code == 200
    assert not batch.done()  # the GET did not wait for the batch
    status, data = await batch
    assert status == 200 and len(data["results"]) == 1000


# --- errors never show a traceback -----------------------------------------------------------


class Boom(Exception):
    pass


@pytest.fixture
def failing_routes() -> Iterator[None]:
    """A plugin whose routes raise an unexpected exception (with a secret in its message)."""
    async def boom(request: Any) -> Response:
        raise Boom("/srv/secret/path.db: something broke")

    plugin = types.ModuleType("failing_routes")
    plugin.register_routes = hookimpl(lambda: [(r"^/-/boom\.json$", boom),  # type: ignore
                                               (r"^/-/boom$", boom)])
    pm.register(plugin, name="failing_routes")
    try:
        yield
    finally:
        pm.unregister(plugin, name="failing_routes")


@pytest.mark.usefixtures("failing_routes")
async def test_an_unexpected_error_is_one_line_and_no_traceback(
        ds: Datasette, capsys: pytest.CaptureFixture[str]) -> None:
    r = await ds.client.get("/-/boom.json")
    assert (r.status_code, r.json()) == (500, {
        "ok": False, "status": 500,
        "error": "internal error: the server could not answer this request (it has been logged)"})
    page = await ds.client.get("/-/boom")
    assert page.status_code == 500
    assert "internal error: the server could not answer" in page.text
    for text in (r.text, page.text):
        assert "Traceback" not in text and "secret" not in text and "Boom" not in text
    err = capsys.readouterr().err
    assert ("sanctions: 500 on GET /-/boom.json: Boom: /srv/secret/path.db: something broke"
            in err)


async def test_datasette_errors_are_still_datasettes(ds: Datasette) -> None:
    r = await ds.client.get("/sanctions/no_such_table.json")
    assert r.status_code == 404
    assert r.json()["error"] == "Table not found"

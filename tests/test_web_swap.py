"""One view of the data: when the database file is replaced, every page, SQL query, feed,
footer and screening answer of a running server switch to it together."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from datasette.app import Datasette
from datasette_fixtures import (
    NEW_AS_OF,
    NEW_BUILT_AT,
    SERVE_WITH_CONFIG,
    free_port,
    make_db,
    make_next_db,
    register_plugin,
)
from datasette_fixtures import ready as served_ready

from sanctions.web.live import get_state
from sanctions.web.metadata import load_metadata

pytest_plugins = ["datasette_fixtures"]
pytestmark = pytest.mark.anyio
NEW_ID = "ofac_sdn:99001"
NEW_PAGE = "/sanctions/entities/ofac_sdn~3A99001"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def served_db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "sanctions.db")


def datasette_for(db: Path, **config: Any) -> Datasette:
    register_plugin()
    meta = load_metadata(db)
    meta["plugins"] = {"sanctions": {"watch_seconds": 0.05, **config}}
    return Datasette(immutables=[str(db)], metadata=meta)


@pytest.fixture
async def live_ds(served_db: Path) -> AsyncIterator[Datasette]:
    ds = datasette_for(served_db)
    await ds.invoke_startup()
    await ready(ds, 1)
    yield ds


async def ready(ds: Datasette, generation: int, seconds: float = 30.0) -> dict[str, Any]:
    """/-/readyz once it reports `generation` (bounded: fails after `seconds`)."""
    for _ in range(int(seconds / 0.05)):
        r = await ds.client.get("/-/readyz")
        if r.status_code == 200 and r.json()["generation"] == generation:
            return dict(r.json())
        await asyncio.sleep(0.05)
    raise AssertionError(f"generation {generation} not ready in {seconds} s: {r.text}")


async def view(ds: Datasette) -> dict[str, Any]:
    """What every surface says about the new entity, in one dict."""
    screened = (await ds.client.get("/-/screen.json?name=Zorvanthex+Maritime")).json()
    sql = (await ds.client.get(
        "/sanctions.json?_shape=array&sql=select+count(*)+as+n+from+entities")).json()
    feed = ElementTree.fromstring((await ds.client.get("/-/changes.atom")).text)
    recent = (await ds.client.get(
        "/sanctions/recent_changes.json?since=&source=ofac_sdn&_shape=array")).json()
    home = (await ds.client.get("/-/screen")).text
    footer = home.split('<p class="sanctions-as-of">')[1].split("</p>")[0]
    return {
        "screened": [m["entity_id"] for m in screened["matches"]][:1],
        "page": (await ds.client.get(NEW_PAGE)).status_code,
        "sql": sql[0]["n"],
        "feed": "added: ZORVANTHEX MARITIME LLC (ofac_sdn)" in [
            e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")],
        "recent": [r["entity_id"] for r in recent if r["change"] == "added"],
        "footer_sdn": f"OFAC SDN</a> {NEW_AS_OF}" in footer,
    }


async def test_every_view_switches_together(live_ds: Datasette, served_db: Path) -> None:
    before = await ready(live_ds, 1)
    assert before["built_at"] == "2026-06-03T00:00:00+00:00" and before["entities"] == 5
    assert await view(live_ds) == {"screened": [], "page": 404, "sql": 5, "feed": False,
                                   "recent": [], "footer_sdn": False}
    old_state = await get_state(live_ds)
    os.replace(make_next_db(served_db), served_db)  # what `sanctions build` does
    after = await ready(live_ds, 2)
    assert (after["built_at"], after["entities"], after["swaps"]) == (NEW_BUILT_AT, 6, 1)
    assert after["sha256"] != before["sha256"] and after["inode"] != before["inode"]
    assert await view(live_ds) == {"screened": [NEW_ID], "page": 200, "sql": 6, "feed": True,
                                   "recent": [NEW_ID], "footer_sdn": True}
    # A request that took the old State before the swap still reads the old file, whole.
    assert old_state is not None
    assert (await old_state.db.execute("select count(*) from entities")).rows[0][0] == 5
    new_state = await get_state(live_ds)
    assert new_state is not None and new_state.db is not old_state.db
    assert (await new_state.db.execute("select count(*) from entities")).rows[0][0] == 6
    assert live_ds.databases["sanctions"] is new_state.db
    assert list(live_ds.databases) == ["_internal", "sanctions"] or list(
        live_ds.databases) == ["sanctions", "_internal"]


async def test_a_bad_replacement_keeps_the_previous_version(live_ds: Datasette,
                                                            served_db: Path,
                                                            capfd: pytest.CaptureFixture[str]
                                                            ) -> None:
    before = await ready(live_ds, 1)
    garbage = served_db.with_name("garbage.db")
    garbage.write_bytes(b"this is not a database" * 100)
    os.replace(garbage, served_db)
    for _ in range(200):  # until the watcher has tried it (bounded)
        if "cannot load the replaced database" in capfd.readouterr().err:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the watcher never reported the bad file")
    assert await ready(live_ds, 1) == before
    assert (await live_ds.client.get("/sanctions/entities/ofac_sdn~3A22790")).status_code == 200
    r = await live_ds.client.get("/-/screen.json?name=Nicolas+Maduro+Moros")
    assert r.json()["matches"][0]["entity_id"] == "ofac_sdn:22790"
    # the next good build is taken up as usual
    good = make_db(served_db.with_name("good.db"))
    os.replace(make_next_db(good), served_db)
    assert (await ready(live_ds, 2))["entities"] == 6


async def test_a_build_that_cannot_be_put_in_place_keeps_the_previous_one(
        live_ds: Datasette, served_db: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """Datasette no longer holds the database when a new build comes: one line, the old build
    goes on being the served state, and the next build is taken up once it is back."""
    old = await get_state(live_ds)
    assert old is not None
    live_ds.remove_database("sanctions")
    os.replace(make_next_db(served_db), served_db)
    for _ in range(200):  # until the watcher has handed it over (bounded)
        if "cannot serve the build of " + NEW_BUILT_AT in capfd.readouterr().err:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the failed swap was never reported")
    assert await get_state(live_ds) is old and old.generation == 1
    live_ds.add_database(old.db, name="sanctions")
    again = make_db(served_db.with_name("again.db"))
    os.replace(make_next_db(again), served_db)
    after = await ready(live_ds, 2)  # the next file: the failed one was never a generation
    assert (after["entities"], after["swaps"]) == (6, 1)


async def test_a_missing_file_keeps_serving(live_ds: Datasette, served_db: Path) -> None:
    before = await ready(live_ds, 1)
    shutil.move(served_db, served_db.with_name("moved.db"))
    await asyncio.sleep(0.3)  # several watcher rounds
    assert await ready(live_ds, 1) == before
    assert (await live_ds.client.get("/sanctions/entities/ofac_sdn~3A22790")).status_code == 200


async def test_health_and_readiness(live_ds: Datasette) -> None:
    assert (await live_ds.client.get("/-/healthz")).json() == {"ok": True}
    body = await ready(live_ds, 1)
    assert set(body) == {"ready", "database", "built_at", "version", "sha256", "inode",
                         "generation", "entities", "swaps", "queries_waiting",
                         "batches_in_progress", "workers", "workers_ready"}
    assert body["ready"] is True and body["database"] == "sanctions"
    assert "/" not in str(body["database"])  # no server path


async def test_screening_waits_for_the_index_at_startup(served_db: Path) -> None:
    ds = datasette_for(served_db)
    await ds.invoke_startup()
    # the first query may arrive before the index is loaded: it waits, then answers
    r = await ds.client.get("/-/screen.json?name=Nicolas+Maduro+Moros")
    assert r.status_code == 200
    assert r.json()["matches"][0]["entity_id"] == "ofac_sdn:22790"


async def test_no_index_in_time_is_a_503(served_db: Path) -> None:
    ds = datasette_for(served_db, index_wait_seconds=1e-9)
    await ds.invoke_startup()
    r = await ds.client.get("/-/screen.json?name=Nicolas+Maduro+Moros")
    # either the index was loaded before the request (200) or the wait ran out (503), never 500
    assert r.status_code in (200, 503)
    if r.status_code == 503:
        assert r.json() == {"ok": False, "status": 503, "error":
                            "the screening index is still loading after 1e-09 s; "
                            "try again shortly"}



def test_a_server_not_asked_anything_yet_still_swaps(tmp_path: Path) -> None:
    """A real `serve` that gets no request at first: its watcher used to stop on the startup
    hook's loop, closed by then, and a rebuilt file was never served."""
    db = make_db(tmp_path / "sanctions.db")
    next_db = make_next_db(db)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE_WITH_CONFIG, str(db), str(port),
         json.dumps({"watch_seconds": 0.05})], cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(600):  # listening (bounded: 60 s), asked nothing over HTTP
            assert proc.poll() is None
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                break
            time.sleep(0.1)
        time.sleep(0.5)  # the watcher's rounds while no request has come
        os.replace(next_db, db)
    except BaseException:
        proc.terminate()
        raise
    with served_ready(proc, f"http://127.0.0.1:{port}", 60) as url:  # stops it afterwards
        for _ in range(600):  # bounded: 60 s
            body = httpx.get(url + "/-/readyz", timeout=5).json()
            if body["generation"] == 2:
                break
            time.sleep(0.1)
        assert (body["generation"], body["swaps"], body["built_at"]) == (2, 1, NEW_BUILT_AT)

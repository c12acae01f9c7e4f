"""Serving the database as it is rebuilt: a watcher swaps every view of it at once.

At startup the plugin pins the file Datasette was given (sanctions.web.pinned) and a watcher
thread loads the matcher's index. The watcher then checks the file about once a second; when
`sanctions build` or `update` has replaced it, it loads the new version completely off the
request path (connections, sources, build id, checksum, index, and the index warmed with
recently screened names) and only then swaps, on the event loop and in one step, Datasette's
database and the plugin's State. Requests that started before keep the State they took; no
request waits for a load. A replacement that cannot be loaded is logged in one line and the
previous version goes on being served.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from .. import screening
from ..answer import hold, served
from .lane import LANE, Busy
from .limits import limits
from .log import log
from .pinned import FileKey, file_key, open_version
from .preload import take_index, take_read
from .state import RECENT_NAMES, State


@dataclass(eq=False)
class Live:
    # The loop serving requests, where swaps are made. `datasette serve` runs the startup hook
    # on a loop of its own before uvicorn starts another: each request brings the current one.
    loop: asyncio.AbstractEventLoop
    path: str
    state: State
    ready: threading.Event = field(default_factory=threading.Event)  # `state` has its index
    failed: FileKey | None = None  # a replacement that could not be loaded: not retried
    swaps: int = 0
    notes: set[str] = field(default_factory=set)


_lives: WeakKeyDictionary[Any, Live | None] = WeakKeyDictionary()
_starting: WeakKeyDictionary[Any, asyncio.Future[Live | None]] = WeakKeyDictionary()
_UNSTARTED: Any = object()


async def get_live(datasette: Any) -> Live | None:
    """This Datasette's Live, started on first use (the startup hook, or the first request when
    a test skipped startup); None when it serves no sanctions database."""
    live = _lives.get(datasette, _UNSTARTED)  # one look-up: this runs on every request
    if live is not _UNSTARTED:
        if live is not None:
            live.loop = asyncio.get_running_loop()
        return live
    task = _starting.get(datasette)
    if task is None:
        task = asyncio.ensure_future(_start(datasette))
        _starting[datasette] = task
    return await asyncio.shield(task)


async def get_state(datasette: Any) -> State | None:
    live = await get_live(datasette)
    return live.state if live else None


async def indexed_state(datasette: Any) -> State:
    """The current State once its index is loaded (at startup, a query waits for it up to
    `index_wait_seconds`, then gets Busy); raises LookupError when nothing is served."""
    live = await get_live(datasette)
    if live is None:
        raise LookupError("no sanctions database is being served")
    if live.ready.is_set():  # served and loaded: every request after the start
        return live.state
    wait = limits(datasette).index_wait_seconds
    deadline = time.monotonic() + wait
    while not live.ready.is_set():  # polled: the watcher thread sets it, from no loop
        if time.monotonic() > deadline:
            raise Busy(f"the screening index is still loading after {wait:g} s; "
                       "try again shortly")
        await asyncio.sleep(0.05)
    return live.state


async def _start(datasette: Any) -> Live | None:
    found = await _find(datasette)
    if found is None:
        _lives[datasette] = None
        return None
    name, path = found
    version = await asyncio.to_thread(lambda: open_version(datasette, path, take_read(path)))
    state = State(name, version.db, version.key, 1, version.sources, version.build,
                  version.sha256, version.entities)
    # `sanctions serve` has read the index while it started (sanctions.web.preload): taken
    # here when it is done, so the server is ready when Datasette's startup is over; else the
    # watcher waits for it, while the server starts (and answers /-/healthz)
    index = take_index(path, version.key, wait=False)
    if index is not None:
        state = dataclasses.replace(state, index=_load_index(state, index))
    live = Live(asyncio.get_running_loop(), path, state)
    _replace_database(datasette, name, version.db)
    _lives[datasette] = live
    if index is not None:
        live.ready.set()
        LANE.start_workers()
    interval = limits(datasette).watch_seconds
    threading.Thread(target=_watch, args=(weakref.ref(datasette), live, interval),
                     name="sanctions-watch", daemon=True).start()
    return live


async def _find(datasette: Any) -> tuple[str, str] | None:
    """The first database with `entities` and `sources` tables (or plugin config `database`)."""
    wanted = (datasette.plugin_config("sanctions") or {}).get("database")
    for name, db in list(datasette.databases.items()):
        if (wanted and name != wanted) or db.path is None:
            continue
        if {"entities", "sources"} <= set(await db.table_names()):
            return name, str(db.path)
    return None


def _replace_database(datasette: Any, name: str, db: Any) -> None:
    """Put `db` in place of Datasette's database `name`, keeping its place, in one assignment
    (what Datasette's own add/remove_database do: it reads `databases` afresh each time)."""
    old = datasette.databases[name]
    db.name, db.route = name, old.route
    datasette.databases = OrderedDict(
        (n, db if n == name else d) for n, d in datasette.databases.items())


def _install(datasette: Any, live: Live, state: State) -> None:
    """On the event loop: the new State and its database, in one step (no await between).
    When Datasette no longer holds the database to replace, one line says so and the last good
    build keeps serving; that file is not loaded again until it changes (`Live.failed`), as a
    file that cannot be loaded (else the watcher, which handed it over, would wait on it for
    ever, in silence)."""
    if state.db is not live.state.db:
        try:
            _replace_database(datasette, state.database, state.db)
        except Exception as exc:  # noqa: BLE001 (any: the old build goes on serving)
            live.failed = state.key
            log(f"cannot serve the build of {state.build.get('built_at', '?')} ({exc!r}); "
                f"still serving the build of {live.state.build.get('built_at', '?')}")
            return
        live.swaps += 1
        log(f"now serving the build of {state.build.get('built_at', '?')} "
            f"({state.entities:,} entities, sha256 {state.sha256[:12]})")
    live.state = state
    if state.index is not None:
        live.ready.set()
        # after the server is ready, not beside its start: on few cores their imports would
        # delay it (until they are up, queries are screened in this process)
        LANE.start_workers()


def _load_index(state: State, index: Any = None) -> Any:
    """`state`'s index (or `index`, read ahead of it), warmed with the names screened lately."""
    if index is None:
        index = screening.load_index(state.db.path)
    screening.warm_index(index, [{"name": n} for n in list(RECENT_NAMES)])
    return index


def _next_state(datasette: Any, live: Live, key: FileKey) -> State | None:
    """Load the replaced file completely; None if it changed again meanwhile (next round)."""
    version = open_version(datasette, live.path)
    state = State(live.state.database, version.db, version.key, live.state.generation + 1,
                  version.sources, version.build, version.sha256, version.entities)
    state = dataclasses.replace(state, index=_load_index(state))
    return state if file_key(live.path) == version.key else None


def _watch(ref: weakref.ref[Any], live: Live, interval: float) -> None:
    """The watcher thread: load what needs loading, hand it to the event loop, sleep."""
    first = True
    held: State | None = None  # the state whose stale records are held (`hold`)
    # the file handed to the loop and not yet installed there (a busy loop may take longer than
    # an interval): not loaded again meanwhile, which would swap the same file in twice
    handed: FileKey | None = None
    while True:
        if not first:
            time.sleep(interval)
        if (datasette := ref()) is None:
            return  # the server (or the test) is over
        state, key = live.state, file_key(live.path)
        try:
            if key is None:
                _note(live, "missing", f"{live.path.rsplit('/', 1)[-1]} is gone; still serving "
                      f"the build of {state.build.get('built_at', '?')}")
                new: State | None = None
            elif key != state.key and key != live.failed and key != handed:
                new = _next_state(datasette, live, key)
            elif state.index is None and key == state.key:
                index = _load_index(state, take_index(live.path, key))
                new = dataclasses.replace(state, index=index) if file_key(
                    live.path) == state.key else None
            else:
                new = None
        except Exception as exc:  # whatever it is, the watcher goes on and so does serving
            live.failed = key
            log(f"cannot load the replaced database ({exc}); still serving the build of "
                f"{state.build.get('built_at', '?')}")
            new = None
        if new is not None:
            live.notes.discard("missing")
            handed = new.key
            try:  # installed here when no loop runs: whatever it raises, the watcher goes on
                _hand_over(datasette, live, new)
            except Exception as exc:  # noqa: BLE001
                log(f"cannot install the build of {new.build.get('built_at', '?')} ({exc!r})")
        # the served state's stale records, for the answers screened here (sanctions.answer):
        # off the request path, and after the first interval, not beside the start; a state
        # handed over here is held as soon as it is served
        if not first and held is not live.state:
            hold(served(live.state))
            held = live.state
        first = False
        del datasette  # hold the server only while working on it


def _hand_over(datasette: Any, live: Live, state: State) -> None:
    """Install `state` on the loop serving requests; directly when no loop runs (startup,
    before any request) or the one known is over (the startup hook's, or a test's): then no
    request is being answered to race with, as `serving_loop` makes the server's loop known
    as soon as it starts. (A watcher that stopped there instead never swapped a rebuilt file
    in when the server had no request in its first second.)"""
    loop = live.loop
    if loop.is_running():
        try:
            loop.call_soon_threadsafe(_install, datasette, live, state)
            return
        except RuntimeError:  # it closed meanwhile
            pass
    _install(datasette, live, state)


def serving_loop(datasette: Any) -> Any:
    """ASGI middleware: when the server starts (ASGI lifespan), its loop becomes the one
    swaps are installed on (Datasette runs the startup hook on a loop of its own)."""

    def wrap(app: Any) -> Any:
        async def tracked(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "lifespan":
                await get_live(datasette)  # which notes the running loop
            await app(scope, receive, send)

        return tracked

    return wrap


def _note(live: Live, kind: str, message: str) -> None:
    if kind not in live.notes:
        live.notes.add(kind)
        log(message)

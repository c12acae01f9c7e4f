"""The server screens in worker processes that open the build's index file: the same answers
as the library, a killed worker costs no request, and a swap moves the workers to the new file.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from datasette_fixtures import free_port, ready, served

from sanctions.screening import screen_fields
from sanctions.store.index import load_index, write_index
from sanctions.store.index_write import index_path, remove_other_index_files

NAMES = ["Tren de Aragua", "Nicolás Maduro", "IMO 9323596", "Hamas", "Ovidio Guzman Lopez",
         "Banco Central de Venezuela", "Kim Jong Un", "John Smith", "Rosneft", "Al-Shabaab",
         "Thievesinlaw", "Jemaah Isla miya", "Michael Morrow", "Sinaloa Cartel"]
pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="reads /proc")


def build_id(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("SELECT value FROM build_info WHERE key = 'build_id'")
                   .fetchone()[0])


def server_pid(url: str) -> int:
    port = url.rsplit(":", 1)[1]
    for pid in os.listdir("/proc"):
        if pid.isdigit() and _cmdline(int(pid)).endswith(f"--port\0{port}"):
            return int(pid)
    raise LookupError(port)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").rstrip("\0")
    except OSError:
        return ""


def workers(parent: int) -> list[int]:
    """The server's worker processes: forked at its start (the server's own command line) or
    started later by spawn (a worker replaced)."""
    found = []
    own = _cmdline(parent)
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and ("spawn_main" in _cmdline(int(pid))
                               or _cmdline(int(pid)) == own):
            found.append(int(pid))
    return sorted(found)


def open_index_files(pid: int) -> set[str]:
    out = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.endswith(".index") or target.endswith(".index (deleted)"):
            out.add(target)
    return out


def serving_workers(client: httpx.Client, pid: int) -> list[int]:
    """The worker processes, once both have screened a query (each has the index file open):
    distinct names, so that no answer comes from the server's cache."""
    for round_ in range(300):
        found = workers(pid)
        if len(found) == 2 and all(open_index_files(p) for p in found):
            return found
        names = [f"Warm Up {round_} {k}" for k in range(4)]
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda n: matches(client, n), names))
        time.sleep(0.1)
    return workers(pid)


def matches(client: httpx.Client, name: str) -> list[Any]:
    response = client.get("/-/screen.json", params={"name": name})
    assert response.status_code == 200, response.text
    return list(response.json()["matches"])


def test_answers_from_the_workers_equal_the_library(full_db: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "sanctions.db"
    shutil.copy(full_db, db)
    shutil.copy(index_path(full_db, build_id(full_db)), index_path(db, build_id(db)))
    load_index(db, say=pytest.fail)  # the index file is there, current
    # the library's answers against this database, its records' `stale` notes included
    # (Thievesinlaw, Kim Jong Un: from the 2024 SDN file): a worker reads them from the served
    # database too, not from the default one
    expected = {n: screen_fields({"name": n}, db, version=False)["matches"] for n in NAMES}
    assert any("stale" in m for n in NAMES for m in expected[n])
    monkeypatch.setenv("SANCTIONS_WORKERS", "2")
    with served(db, timeout=120) as url, httpx.Client(base_url=url, timeout=60) as client:
        pid = server_pid(url)
        # ready means both workers have the index file open already, before any query
        assert [client.get("/-/readyz").json()[k] for k in ("workers", "workers_ready")] == [
            2, 2]
        assert [open_index_files(p) for p in workers(pid)] == [
            {str(index_path(db, build_id(db)))}] * 2
        pids = serving_workers(client, pid)
        assert len(pids) == 2
        with ThreadPoolExecutor(8) as pool:  # both workers busy at once
            got = dict(zip(NAMES, pool.map(lambda n: matches(client, n), NAMES), strict=True))
        assert got == expected
        assert set().union(*(open_index_files(p) for p in pids)) == {
            str(index_path(db, build_id(db)))}

        # a worker killed: its queries are answered here, and it is started again
        os.kill(pids[0], signal.SIGKILL)
        assert [matches(client, n) for n in NAMES[:4]] == [expected[n] for n in NAMES[:4]]

        # a build replaces the database (and removes the old index file): the workers follow
        new_db = tmp_path / "next.db"
        shutil.copy(db, new_db)
        with sqlite3.connect(new_db) as conn:
            conn.execute("UPDATE build_info SET value = 'b2' WHERE key = 'build_id'")
            conn.execute("UPDATE build_info SET value = '2026-12-01T00:00:00+00:00'"
                         " WHERE key = 'built_at'")
        new_file = write_index(new_db, "b2", name_as=db)
        os.replace(new_db, db)
        remove_other_index_files(db, keep=new_file)
        for _ in range(300):
            if client.get("/-/readyz").json().get("generation") == 2:
                break
            time.sleep(0.1)
        assert client.get("/-/readyz").json()["generation"] == 2
        with ThreadPoolExecutor(8) as pool:
            after = dict(zip(NAMES, pool.map(lambda n: matches(client, n), NAMES),
                             strict=True))
        assert after == expected
        now = set().union(*(open_index_files(p) for p in workers(pid)))
        assert str(new_file) in now


def test_forked_workers_end_with_a_killed_server(full_db: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers are forked at the server's start; each closes the server's pipe ends it
    inherited, so a server killed outright (no clean-up) still leaves no worker behind."""
    monkeypatch.setenv("SANCTIONS_WORKERS", "2")
    with served(full_db, timeout=120) as url:
        pid = server_pid(url)
        kids = workers(pid)
        assert len(kids) == 2
        assert [_cmdline(k) for k in kids] == [_cmdline(pid)] * 2  # forked, not spawned
        os.kill(pid, signal.SIGKILL)
        for _ in range(600):
            if not any(Path(f"/proc/{k}").exists() and _state(k) != "Z" for k in kids):
                break
            time.sleep(0.05)
        assert [k for k in kids if Path(f"/proc/{k}").exists() and _state(k) != "Z"] == []


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def test_ctrl_c_stops_the_server_and_its_workers_quietly(full_db: Path) -> None:
    """Ctrl-C reaches the server's whole process group: the server shuts down, its workers end
    with it, and none of them prints a KeyboardInterrupt traceback."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sanctions.cli", "serve", "--db", str(full_db), "--port",
         str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        env={**os.environ, "SANCTIONS_WORKERS": "2"})
    with ready(proc, f"http://127.0.0.1:{port}", 120):
        kids = workers(proc.pid)
        assert len(kids) == 2
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(60) == 0
        assert proc.stderr is not None
        err = proc.stderr.read().decode()
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    for _ in range(600):  # the workers end when their pipe closes
        if all(_state(k) in ("gone", "Z") for k in kids):
            break
        time.sleep(0.05)
    assert [k for k in kids if _state(k) not in ("gone", "Z")] == []

"""Fault cases for `sanctions serve`: hostile clients, and a database swapped under load.

Each case runs against a real `sanctions serve` subprocess on 127.0.0.1 (the small fixture
database of tests/datasette_fixtures.py, or a few thousand made-up entities where the work must
take a while), with short body timeouts configured so that the slow-client cases take seconds.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from faults import Case

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
from datasette_fixtures import (  # noqa: E402
    NEW_RECORD,
    OFAC,
    RECORDS,
    make_db,
    make_next_db,
    served,
)

from sanctions.models import Designation, Record  # noqa: E402

CONFIG = {"body_seconds": 2, "body_idle_seconds": 1, "watch_seconds": 0.2}
HUGE = "9" * 4000
_servers: dict[str, str] = {}
_stack = ExitStack()
atexit.register(_stack.close)


def shared(kind: str = "small") -> str:
    """One server per kind for the whole run (started on first use, stopped at exit): "small"
    serves the fixture database, "big" 3,000 made-up entities besides."""
    if kind not in _servers:
        tmp = Path(_stack.enter_context(tempfile.TemporaryDirectory(prefix="faults-server-")))
        records = RECORDS + (made_up(3000) if kind == "big" else [])
        db = make_db(tmp / "sanctions.db", records)
        _servers[kind] = _stack.enter_context(served(db, config=CONFIG, stderr=None))
    return _servers[kind]


def made_up(n: int) -> list[Record]:
    first = ["Adrian", "Boris", "Carmen", "Dmitri", "Elena", "Farid", "Galina", "Hassan",
             "Ivana", "Jorge"]
    last = ["Volkov", "Ortega", "Haddad", "Petrova", "Salazar", "Kuznetsov", "Rahimi",
            "Morales", "Sokolova", "Barzani", "Quintero", "Nazarov"]
    return [Record(source="ofac_sdn", source_id=f"9{i:05d}", type="person",
                   name=f"{last[i % 12]}{i // 120}, {first[i % 10]} {last[(i // 12) % 12]}",
                   listed_on="2020-01-01",
                   designations=[Designation(OFAC, "SDN", "SDGT", "2020-01-01")], raw={})
            for i in range(n)]


def answer(r: httpx.Response) -> str:
    body = r.json()
    return f"{r.status_code} {body['error']}" if "error" in body else f"{r.status_code} ok"


def post(url: str, body: bytes | dict[str, Any], timeout: float = 60) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(url + "/-/screen.json", content=content, timeout=timeout)


# --- requests that ask too much or do not fit ------------------------------------------------


def big_post(_: Path) -> str:
    body = {"queries": [{"name": "Abdul Rahman " * 20, "threshold": 0, "limit": 100}] * 1000}
    return answer(post(shared(), body))


def row_answer(r: httpx.Response) -> str:
    """A POST whose one bad row is a row error: the status and that row's error."""
    return f"{r.status_code} {r.json()['results'][0]['error']}"


def huge_limit_post(_: Path) -> str:
    body = ('{"queries": [{"name": "Tren de Aragua", "limit": ' + HUGE + "}]}").encode()
    return row_answer(post(shared(), body))


def huge_limit_get(_: Path) -> str:
    return answer(httpx.get(shared() + "/-/screen.json?name=Tren&limit=" + HUGE, timeout=30))


def surrogate(_: Path) -> str:
    return row_answer(post(shared(), b'{"queries": [{"name": "Tren \\ud800 de Aragua"}]}'))


def bad_sort(_: Path) -> str:
    r = httpx.get(shared() + "/sanctions/entities.json?_sort=nope", timeout=30)
    return answer(r)


# --- slow clients ----------------------------------------------------------------------------


def raw_post(body_parts: list[bytes], declared: int, gap: float) -> str:
    """POST /-/screen.json over a raw socket, sending the parts `gap` seconds apart (stopping
    when the server answers); the status line and the JSON error of the answer."""
    host, port = shared().removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=15) as sock:
        sock.sendall(b"POST /-/screen.json HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     b"application/json\r\nContent-Length: " + str(declared).encode() + b"\r\n\r\n")
        sock.setblocking(False)
        received = b""
        for part in [*body_parts, None]:
            deadline = time.monotonic() + gap
            while time.monotonic() < deadline:
                try:
                    chunk = sock.recv(65536)
                except BlockingIOError:
                    time.sleep(0.02)
                    continue
                if not chunk:
                    break
                received += chunk
                if b"\r\n\r\n" in received:  # answered: stop sending
                    break
            if b"\r\n\r\n" in received or part is None:
                break
            try:
                sock.sendall(part)
            except OSError:
                break
        sock.setblocking(True)
        while b"\r\n\r\n" not in received or not received.endswith(b"\r\n0\r\n\r\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status = head.split(b" ")[1].decode() if head else "no answer"
    return f"{status} {json.loads(dechunk(body))['error']}" if body else status


def dechunk(body: bytes) -> bytes:
    """An HTTP/1.1 chunked body's content (uvicorn sends Datasette's answers chunked)."""
    out = b""
    while body:
        size, _, body = body.partition(b"\r\n")
        n = int(size, 16)
        if n == 0:
            break
        out, body = out + body[:n], body[n + 2:]
    return out


def trickled_body(_: Path) -> str:
    body = b'{"queries": [{"name": "Tren de Aragua"}]}'
    return raw_post([body[i:i + 1] for i in range(len(body))], len(body), 0.4)


def stalled_body(_: Path) -> str:
    body = b'{"queries": [{"name": "Tren de Aragua"}]}'
    return raw_post([body[:10]], len(body), 5)


# --- fairness and the swap -------------------------------------------------------------------


def get_during_batch(_: Path) -> str:
    """A GET sent while a 1,000-name batch is being screened comes back before the batch."""
    url = shared("big")
    batch = {"queries": [{"name": f"Volkov{i} Adrian Haddad", "threshold": 0, "limit": 10}
                         for i in range(1000)]}
    result: dict[str, Any] = {}

    def run_batch() -> None:
        result["post"] = post(url, batch, timeout=120)

    thread = threading.Thread(target=run_batch)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while httpx.get(url + "/-/readyz", timeout=10).json()["batches_in_progress"] == 0:
            if not thread.is_alive() or time.monotonic() > deadline:
                return "the batch never showed as waiting"
            time.sleep(0.01)
        get = httpx.get(url + "/-/screen.json", params={"name": "Carmen Ortega"}, timeout=30)
        pending = thread.is_alive()
    finally:
        thread.join(120)
    r = result["post"]
    n = len(r.json().get("results", []))
    return (f"GET {get.status_code} {'before' if pending else 'after'} the batch; "
            f"POST {r.status_code} with {n} results")


@contextmanager
def load(url: str, clients: int = 4) -> Iterator[dict[str, Any]]:
    """Clients looping on GETs (and one on small batches) until the block ends."""
    stats: dict[str, Any] = {"ok": 0, "errors": []}
    stop = threading.Event()

    def client(k: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as c:
            while not stop.is_set():
                try:
                    r = (c.post("/-/screen.json", json={"queries": [{"name": "Nord Star"}] * 20})
                         if k == 0 else c.get("/-/screen.json", params={"name": "Maduro"}))
                    if r.status_code == 200:
                        stats["ok"] += 1
                    else:
                        stats["errors"].append(f"{r.status_code} {r.text[:100]}")
                except httpx.HTTPError as exc:
                    stats["errors"].append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients + 1)]
    for t in threads:
        t.start()
    try:
        yield stats
    finally:
        stop.set()
        for t in threads:
            t.join(60)


def generation(url: str, wanted: int, seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        r = httpx.get(url + "/-/readyz", timeout=10)
        if r.status_code == 200 and r.json()["generation"] == wanted:
            return dict(r.json())
        if time.monotonic() > deadline:
            raise TimeoutError(f"generation {wanted} not served after {seconds} s: {r.text}")
        time.sleep(0.1)


def swap_under_load(tmp: Path) -> str:
    db = make_db(tmp / "sanctions.db")
    with served(db, config=CONFIG, stderr=None) as url, load(url) as stats:
        generation(url, 1)
        time.sleep(1)
        os.replace(make_next_db(db), db)  # what `sanctions build` does
        generation(url, 2)
        time.sleep(1)
        screened = httpx.get(url + "/-/screen.json", params={"name": NEW_RECORD.name}).json()
        page = httpx.get(url + "/sanctions/entities/ofac_sdn~3A99001").status_code
        feed = f"added: {NEW_RECORD.name} (ofac_sdn)" in httpx.get(url + "/-/changes.atom").text
    first = screened["matches"][0]["entity_id"] if screened["matches"] else None
    return (f"{len(stats['errors'])} errors in {stats['ok'] + len(stats['errors'])} requests; "
            f"after the swap: screened {first}, page {page}, in the feed {feed}")


def corrupt_replacement(tmp: Path) -> str:
    db = make_db(tmp / "sanctions.db")
    with served(db, config=CONFIG, stderr=None) as url:
        before = generation(url, 1)
        bad = tmp / "bad.db"
        bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
        os.replace(bad, db)
        time.sleep(1.5)  # several watcher rounds
        after = httpx.get(url + "/-/readyz", timeout=10).json()
        r = httpx.get(url + "/-/screen.json", params={"name": "Nicolas Maduro Moros"})
        same = {k: after[k] for k in before} == before
    return (f"still serving generation {after['generation']} ({after['entities']} entities, "
            f"unchanged {same}); screening {r.status_code} {r.json()['matches'][0]['entity_id']}")


CASES = [
    Case("server: 1,000 long names x limit 100 in one POST",
         "413 this batch asks for up to 100,000 matches (the sum of each query's limit, 10 by "
         "default); at most 10,000 per request: send fewer queries or a lower limit", big_post),
    Case("server: 4,000-digit limit in a POST (a row error)",
         "200 limit must be between 1 and 100", huge_limit_post),
    Case("server: 4,000-digit limit in a GET", "400 limit must be between 1 and 100",
         huge_limit_get),
    Case("server: lone surrogate in a JSON name (a row error)",
         "200 name is not valid text (it has an unpaired surrogate)", surrogate),
    Case("server: Datasette's own request error", "400 Cannot sort table by nope", bad_sort),
    Case("server: body trickled a byte every 0.4 s",
         "408 the request body did not arrive within 2 s", trickled_body),
    Case("server: body stalled after 10 bytes", "408 the request body stalled for 1 s",
         stalled_body),
    Case("server: GET while a 1,000-name batch runs",
         "GET 200 before the batch; POST 200 with 1000 results", get_during_batch),
    Case("server: database swapped under load",
         "0 errors in N requests; after the swap: screened ofac_sdn:99001, page 200, in the "
         "feed True", swap_under_load,
         ok=lambda seen: seen.startswith("0 errors in ") and seen.endswith(
             "after the swap: screened ofac_sdn:99001, page 200, in the feed True")),
    Case("server: database replaced by a corrupt file",
         "still serving generation 1 (5 entities, unchanged True); screening 200 ofac_sdn:22790",
         corrupt_replacement),
]

#!/usr/bin/env python
"""Benchmark the screening API of a served instance, on loopback only.

    python scripts/bench_api.py [--db db/sanctions.db | --url http://127.0.0.1:8001]
                                [--requests 300] [--clients 1,4,16,50] [--seconds 15]
                                [--repeated] [--runs 3] [--start-only] [--reference 1000]

Without --url it starts `sanctions serve --db DB` on a free 127.0.0.1 port, times how long it
takes to say ready (`/-/readyz` 200 after the process starts; --runs starts, each timed, with
min / median / max; --start-only: only that) and its first screening after that (one GET
/-/screen.json), and stops it after. The package's bytecode is compiled first (compileall),
as an install has it. It also reads the server's
CPU time from /proc (the server process and its worker processes) around each run, and prints
it per request: a figure the load of other programs on the machine changes much less than names/s.
1. Latency: --requests sequential `GET /-/screen.json?name=...` on one keep-alive connection,
   each a distinct name (eval/customers.csv, then listed names: no answer comes from the
   server's answer cache); prints p50/p95/p99/max. Target: p50 <= 10 ms.
2. Throughput at each number of --clients: every client loops GET with names never sent before,
   for --seconds, on hand-written keep-alive connections (class Http: an async httpx client
   costs more CPU per request than the server); prints names/s, p50/p95/p99 and any errors or
   5xx. Target at 50 clients: >= 1,000 names/s, p99 <= 200 ms, none failed.
   Before them, --reference names are screened in a process of their own by the workers' own
   function (no server): the matcher's CPU per query, which the workers' figure is compared with.
   --repeated: the old mix instead (18 names over and over, every tenth request a 10-query
   POST), which mostly measures the answer cache. --runs repeats each number of clients and
   prints the range.
The load generator runs on the same machine: on 2 cores it takes a share of them.
scripts/soak_swap.py does the same while a real build swaps the served database.
Exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
NAMES = [
    "Tren de Aragua", "Nicolas Maduro Moros", "NORD STAR", "Hezbollah", "Ovidio Guzman Lopez",
    "Banco Central de Venezuela", "Kim Jong Un", "Islamic Revolutionary Guard Corps",
    "Rosneft", "Joaquin Guzman Loera", "Al-Shabaab", "Sinaloa Cartel", "John Smith",
    "Vladimir Putin", "Mohammed Ali", "Cartel de los Soles", "Hamas", "Wagner Group",
]
P50_TARGET_MS = 10.0
MAX_CONCURRENT_REQUESTS = 2_000_000  # a hard stop besides --seconds


class Http:
    """One keep-alive HTTP/1.1 connection, hand-written: httpx's async client spends more CPU
    per request than the server does on a cached answer, so with 50 clients it measured
    itself. Responses are read whole (Content-Length or chunked)."""

    def __init__(self, url: str) -> None:
        host, port = urlsplit(url).hostname, urlsplit(url).port
        self.host, self.port = str(host), int(port or 80)
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, target: str, body: bytes = b"") -> tuple[int, bytes]:
        try:
            return await asyncio.wait_for(self._request(method, target, body), 60)
        except BaseException:
            self.close()  # whatever happened, the next request starts on a new connection
            raise

    async def _request(self, method: str, target: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = f"{method} {target} HTTP/1.1\r\nHost: {self.host}\r\n"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode("ascii") + b"\r\n" + body)
        # the whole head in one read (one await, not one per line): with 50 clients on the
        # server's 2 cores, the generator's CPU per request is taken from the server
        try:
            block = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if not exc.partial:
                raise ConnectionError("the server closed the connection") from None
            raise
        status_line, _, rest = block.partition(b"\r\n")
        headers = {}
        for line in rest.split(b"\r\n"):
            key, _, value = line.decode("latin-1").partition(":")
            if key:
                headers[key.strip().lower()] = value.strip().lower()
        if "chunked" in headers.get("transfer-encoding", ""):
            parts = []
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            await self.reader.readline()
            data = b"".join(parts)
        else:
            data = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection") == "close":
            self.close()
        return int(status_line.split()[1]), data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def check_loopback(url: str) -> None:
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"refusing to benchmark {url}: loopback (127.0.0.1) only")


def distinct_names(db: Path | None) -> list[str]:
    """Names no client sends twice: the customer file, then listed names (shuffled)."""
    import csv
    import random
    import sqlite3

    with open(ROOT / "eval" / "customers.csv", encoding="utf-8") as fh:
        names = [row["name"] for row in csv.DictReader(fh)]
    if db is not None and db.exists():
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            listed = [r[0] for r in conn.execute("SELECT DISTINCT name FROM names")]
        random.Random(14).shuffle(listed)
        names += listed
    return list(dict.fromkeys(n for n in names if 0 < len(n) <= 300))


def start_server(db: Path) -> tuple[subprocess.Popen[bytes], str, float]:
    """The server, its URL, and the seconds from starting the process to /-/readyz 200."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # one client for every poll, made before the clock starts: httpx.get makes a client (and its
    # TLS context) per call, about 45 ms of CPU, every 20 ms, taken from the server it times
    client = httpx.Client(timeout=1)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sanctions.cli", "serve", "--db", str(db), "--host", "127.0.0.1",
         "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    with client:
        found = _wait_ready(proc, client, url, started, deadline)
    if found is not None:
        return found
    proc.terminate()
    sys.exit("sanctions serve was not ready in 60 s")


def _wait_ready(proc: subprocess.Popen[bytes], client: httpx.Client, url: str, started: float,
                deadline: float) -> tuple[subprocess.Popen[bytes], str, float] | None:
    """Poll /-/readyz until it answers 200 (then time the first screening), or None at the
    deadline."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"sanctions serve exited with status {proc.returncode}")
        try:
            if client.get(url + "/-/readyz").status_code == 200:
                wall = time.perf_counter() - started
                main_cpu, workers_cpu = cpu_seconds(proc.pid)
                first = time.perf_counter()
                status = client.get(url + "/-/screen.json", params={"name": "Nicolas Maduro"},
                                    timeout=30).status_code
                first = time.perf_counter() - first
                print(f"  start: ready in {wall:.2f} s; CPU {main_cpu:.2f} s in the server "
                      f"process, {workers_cpu:.2f} s in its workers so far; first screening "
                      f"{first * 1000:.0f} ms (HTTP {status})")
                return proc, url, wall
        except httpx.TransportError:
            pass
        time.sleep(0.02)
    return None


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system) so far of process `pid` and of its child processes (the
    workers): read from /proc, so only on Linux; (0, 0) elsewhere."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def of(p: int) -> float:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick

    try:
        kids = [int(k) for t in Path(f"/proc/{pid}/task").iterdir()
                for k in (t / "children").read_text().split()]
    except OSError:
        kids = []
    return of(pid), sum(of(k) for k in kids)


def reference(db: Path, names: list[str]) -> float:
    """CPU ms per query of `names` screened one by one in a fresh process by the workers' own
    function (sanctions.answer.answer: the matcher and the answer's JSON) against the same
    index file, opened and held as a worker holds it (sanctions.answer.hold): a worker's CPU
    per request less this is what the hop to it costs (pipe, lane)."""
    code = (
        "import json, sys, time\n"
        "from sanctions import answer\n"
        "indexes = answer._Indexes()\n"
        "answer._preload(indexes, sys.argv[1])\n"
        "for held in indexes.unheld:\n"
        "    answer.hold(held)\n"
        "[state] = indexes.named.values()\n"
        "names = json.loads(sys.stdin.read())\n"
        "start = time.process_time()\n"
        "for name in names:\n"
        "    answer.answer(state, {'name': name})\n"
        "print(time.process_time() - start)\n")
    done = subprocess.run([sys.executable, "-c", code, str(db)], input=json.dumps(names),
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return float(done.stdout.split()[-1]) / len(names) * 1000


def latency(url: str, names: list[str]) -> list[float]:
    timings: list[float] = []
    with httpx.Client(base_url=url, timeout=10) as client:
        for name in names:
            start = time.perf_counter()
            response = client.get("/-/screen.json", params={"name": name})
            timings.append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
    return timings


async def concurrency(url: str, clients: int, seconds: float, names: list[str],
                      repeated: bool) -> dict[str, object]:
    statuses: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    timings: list[float] = []
    stop = time.monotonic() + seconds
    batch = json.dumps({"queries": [{"name": n} for n in NAMES[:10]]}).encode()
    feed = iter(names)

    async def client_loop(k: int) -> None:
        conn = Http(url)
        i = k
        while time.monotonic() < stop and len(timings) < MAX_CONCURRENT_REQUESTS:
            i += 1
            name = NAMES[i % len(NAMES)] if repeated else next(feed, None)
            if name is None:
                break  # every distinct name used: a longer run needs more names
            start = time.perf_counter()
            try:
                if repeated and i % 10 == 0:
                    status, _ = await conn.request("POST", "/-/screen.json", batch)
                else:
                    status, _ = await conn.request(
                        "GET", "/-/screen.json?" + urlencode({"name": name}))
                statuses[str(status)] += 1
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
                statuses[type(exc).__name__] += 1
                errors[f"{type(exc).__name__}: {exc}"] += 1
            timings.append((time.perf_counter() - start) * 1000)
        conn.close()

    started = time.monotonic()
    await asyncio.gather(*(client_loop(k) for k in range(clients)))
    elapsed = time.monotonic() - started
    return {"statuses": statuses, "timings": timings, "elapsed": elapsed, "errors": errors}


def run_loop(coro: Any) -> Any:
    """asyncio.run, on uvloop when it is installed (the server's own loop): the clients' share
    of the cores is smaller, and every request is still a full HTTP request and answer."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--db", type=Path, default=ROOT / "db" / "sanctions.db")
    ap.add_argument("--url", help="an already served instance on 127.0.0.1")
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--clients", default="1,4,16,50")
    ap.add_argument("--seconds", type=float, default=15.0)
    ap.add_argument("--repeated", action="store_true")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--start-only", action="store_true", help="time the server's starts only")
    ap.add_argument("--reference", type=int, default=1000,
                    help="names screened in a process of their own first, for the matcher's "
                    "CPU per query without the server (0: not)")
    args = ap.parse_args()
    import compileall

    import sanctions

    compileall.compile_dir(str(Path(sanctions.__file__).resolve().parent), quiet=1)
    proc = None
    names = distinct_names(args.db)
    if args.url:
        url = args.url.rstrip("/")
        check_loopback(url)
    else:
        if not args.db.exists():
            sys.exit(f"no database at {args.db}; run `sanctions build` first")
        starts = []
        for run in range(args.runs):
            proc, url, ready = start_server(args.db)
            starts.append(ready)
            if run < args.runs - 1:
                proc.terminate()
                proc.wait(10)
        starts.sort()
        print(f"server ready after start: min {starts[0]:.2f} s, median "
              f"{statistics.median(starts):.2f} s, max {starts[-1]:.2f} s ({args.runs} starts;"
              " target <= 1 s)")
        if args.start_only:
            assert proc is not None
            proc.terminate()
            proc.wait(10)
            sys.exit(1 if starts[-1] > 1 else 0)
    missed = False
    try:
        print(f"Benchmarking {url} ({len(names):,} distinct names)")
        t = latency(url, names[:args.requests])
        names = names[args.requests:]
        p50 = statistics.median(t)
        missed |= p50 > P50_TARGET_MS
        print(f"GET /-/screen.json, {len(t)} sequential distinct names: p50 {p50:.2f} ms, "
              f"p95 {percentile(t, 95):.2f} ms, p99 {percentile(t, 99):.2f} ms, "
              f"max {max(t):.2f} ms  (target p50 <= {P50_TARGET_MS:.0f} ms)")
        if args.reference and not args.url:
            ms = reference(args.db, names[:args.reference])
            names = names[args.reference:]
            print(f"the same kind of names screened without the server (the workers' function, "
                  f"one process, {args.reference:,} names): {ms:.2f} ms CPU per query")
        for clients in [int(c) for c in args.clients.split(",") for _ in range(args.runs)]:
            before = cpu_seconds(proc.pid) if proc is not None else (0.0, 0.0)
            own = time.process_time()
            c = run_loop(concurrency(url, clients, args.seconds, names, args.repeated))
            own = time.process_time() - own
            after = cpu_seconds(proc.pid) if proc is not None else (0.0, 0.0)
            statuses: Counter[str] = c["statuses"]  # type: ignore[assignment]
            timings: list[float] = c["timings"]  # type: ignore[assignment]
            elapsed: float = c["elapsed"]  # type: ignore[assignment]
            total = sum(statuses.values())
            names = names[total:]
            if not timings or not names:  # every name has been sent once: no honest figure
                print(f"{clients:3d} clients: the distinct names ran out ({total:,} sent in "
                      f"{elapsed:.1f} s); run fewer --runs or --clients at a time")
                missed = True
                break
            bad = sum(n for s, n in statuses.items() if s != "200")
            fivexx = sum(n for s, n in statuses.items() if s.startswith("5"))
            rate = total / elapsed
            p99 = percentile(timings, 99)
            kind = "requests (1 in 10 a 10-query POST)" if args.repeated else "distinct names"
            print(f"{clients:3d} clients, {elapsed:.1f} s: {total:,} {kind}, {rate:,.0f}/s, "
                  f"p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 95):.1f}"
                  f" ms, p99 {p99:.1f} ms; errors {bad - fivexx}, 5xx {fivexx}")
            if proc is not None and total:
                main_ms, workers_ms = ((a - b) * 1000 / total
                                       for a, b in zip(after, before, strict=True))
                print(f"    server CPU per request: {main_ms:.2f} ms in the server process, "
                      f"{workers_ms:.2f} ms in its workers")
            if total:  # the clients share the server's cores: what they take, it cannot use
                print(f"    load generator CPU per request: {own * 1000 / total:.2f} ms")
            for message, n in c["errors"].most_common(5):  # type: ignore[attr-defined]
                print(f"  {n} x {message}")
            missed |= bool(bad)
            if clients == 50 and not args.repeated:
                missed |= rate < 1000 or p99 > 200
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
    if missed:
        sys.exit(1)


if __name__ == "__main__":
    main()

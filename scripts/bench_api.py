#!/usr/bin/env python
"""Benchmark the screening API of a served instance, on loopback only.

    python scripts/bench_api.py [--db db/sanctions.db | --url http://127.0.0.1:8001]
                                [--requests 500] [--clients 50] [--seconds 30]

Without --url it starts `sanctions serve --db DB` on a free 127.0.0.1 port and stops it after.
1. Latency: --requests sequential `GET /-/screen.json?name=...` on one keep-alive connection;
   prints p50/p95/p99/max. Target: p50 <= 10 ms.
2. Concurrency: --clients clients, each looping GET (and every tenth request a 10-query POST)
   for --seconds, on hand-written keep-alive connections (class Http: an async httpx client
   costs more CPU per request than the server, and measured itself); prints requests,
   throughput, latency and any errors or 5xx. Target: none.
scripts/soak_swap.py does the same while a real build swaps the served database.
Exits 1 if a target is missed. Both phases are bounded in time and in request count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
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
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            key, _, value = line.decode("latin-1").partition(":")
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


def start_server(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "sanctions.cli", "serve", "--db", str(db), "--host", "127.0.0.1",
         "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"sanctions serve exited with status {proc.returncode}")
        try:
            httpx.get(url + "/-/versions.json", timeout=1)
            return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    proc.terminate()
    sys.exit("sanctions serve did not start in 60 s")


def latency(url: str, n: int) -> list[float]:
    timings: list[float] = []
    with httpx.Client(base_url=url, timeout=10) as client:
        for name in NAMES:  # warm-up: the matcher loads its index on the first query
            client.get("/-/screen.json", params={"name": name}).raise_for_status()
        for i in range(n):
            start = time.perf_counter()
            response = client.get("/-/screen.json", params={"name": NAMES[i % len(NAMES)]})
            timings.append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
    return timings


async def concurrency(url: str, clients: int, seconds: float) -> dict[str, object]:
    statuses: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    timings: list[float] = []
    stop = time.monotonic() + seconds
    batch = json.dumps({"queries": [{"name": n} for n in NAMES[:10]]}).encode()

    async def client_loop(k: int) -> None:
        conn = Http(url)
        i = k
        while time.monotonic() < stop and len(timings) < MAX_CONCURRENT_REQUESTS:
            i += 1
            start = time.perf_counter()
            try:
                if i % 10 == 0:
                    status, _ = await conn.request("POST", "/-/screen.json", batch)
                else:
                    status, _ = await conn.request(
                        "GET", "/-/screen.json?" + urlencode({"name": NAMES[i % len(NAMES)]}))
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--db", type=Path, default=ROOT / "db" / "sanctions.db")
    ap.add_argument("--url", help="an already served instance on 127.0.0.1")
    ap.add_argument("--requests", type=int, default=500)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    args = ap.parse_args()
    proc = None
    if args.url:
        url = args.url.rstrip("/")
        check_loopback(url)
    else:
        if not args.db.exists():
            sys.exit(f"no database at {args.db}; run `sanctions build` first")
        proc, url = start_server(args.db)
    try:
        print(f"Benchmarking {url}")
        t = latency(url, args.requests)
        p50 = statistics.median(t)
        print(f"GET /-/screen.json, {len(t)} sequential requests: p50 {p50:.2f} ms, "
              f"p95 {percentile(t, 95):.2f} ms, p99 {percentile(t, 99):.2f} ms, "
              f"max {max(t):.2f} ms  (target p50 <= {P50_TARGET_MS:.0f} ms)")
        c = asyncio.run(concurrency(url, args.clients, args.seconds))
        statuses: Counter[str] = c["statuses"]  # type: ignore[assignment]
        timings: list[float] = c["timings"]  # type: ignore[assignment]
        elapsed: float = c["elapsed"]  # type: ignore[assignment]
        total = sum(statuses.values())
        bad = sum(n for s, n in statuses.items() if s != "200")
        fivexx = sum(n for s, n in statuses.items() if s.startswith("5"))
        print(f"{args.clients} concurrent clients for {elapsed:.1f} s: {total:,} requests "
              f"({total / elapsed:,.0f}/s; 1 in 10 a 10-query POST), "
              f"p50 {statistics.median(timings):.1f} ms, p99 {percentile(timings, 99):.1f} ms; "
              f"errors {bad - fivexx}, 5xx {fivexx}; statuses {dict(statuses)}")
        for message, n in c["errors"].most_common(5):  # type: ignore[attr-defined]
            print(f"  {n} x {message}")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
    if p50 > P50_TARGET_MS or bad:
        sys.exit(1)


if __name__ == "__main__":
    main()

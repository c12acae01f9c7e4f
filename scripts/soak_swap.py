#!/usr/bin/env python
"""Soak a real `sanctions serve` while a real `sanctions build` swaps its database (loopback only).

    python scripts/soak_swap.py [--db SCRATCH.db] [--clients 50] [--seconds 30] [--swap-at 8]

1. Builds the full database from the bundled snapshots into a scratch directory (or copies
   --db there), and writes a copy of the bundled SDN.CSV with one extra, hand-made designation
   (ZORVANTHEX MARITIME LLC, ent_num 99999001).
2. Starts `sanctions serve` on a free 127.0.0.1 port and waits for /-/readyz.
3. For --seconds: --clients clients loop on single-name `GET /-/screen.json` (the 18 names of
   scripts/bench_api.py; --distinct: 20,000 made-up ones, never twice), one client posts
   1,000-name batches back to back, and at --swap-at seconds `sanctions build --file
   ofac_sdn:sdn=<the copy>` rebuilds the served file (os.replace) with the extra row.
4. Prints requests, errors, GET latency (p50/p95/p99/max, overall and within 5 s of the swap),
   batches done and their latency, build time and when the server swapped; then checks that
   the new entity is found by screening, its page answers 200 and it is in the change feed.
Targets (issue 12): 0 errors, p99 of single-name GETs <= 500 ms, the three post-swap facts.
Exits 1 if one is missed. Everything is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_api import NAMES, Http, percentile  # noqa: E402

NEW_ROW = ('99999001,"ZORVANTHEX MARITIME LLC",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
           '"Hand-made row for scripts/soak_swap.py."\r\n')
NEW_ID = "ofac_sdn:99999001"
P99_TARGET_MS = 500.0
MAX_EXTRA_SECONDS = 300  # how long the load may go on past --seconds, waiting for the swap


def start_server(db: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`sanctions serve` on a free 127.0.0.1 port, its stderr to `log`; once /-/readyz says
    the index is loaded (at most 120 s)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "sanctions.cli", "serve", "--db", str(db),
                                 "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=err)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"sanctions serve exited with status {proc.returncode}")
        try:
            if httpx.get(url + "/-/readyz", timeout=5).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.terminate()
    sys.exit("sanctions serve was not ready in 120 s")


def server_notes(log: Path) -> list[str]:
    """The server's own lines (swaps, failures), not uvicorn's access log."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return [ln for ln in lines if ln.startswith(("sanctions:", "ERROR", "Traceback"))]


def sdn_with_new_row(out: Path) -> Path:
    """The bundled SDN.CSV with NEW_ROW before OFAC's end-of-file marker (0x1A)."""
    from sanctions.sources import get_source

    data = get_source("ofac_sdn").snapshot_paths()["sdn"].read_bytes()
    body, marker = (data[:-1], data[-1:]) if data.endswith(b"\x1a") else (data, b"")
    out.write_bytes(body + NEW_ROW.encode("ascii") + marker)
    return out


def made_up_names(n: int, words: int = 2) -> list[str]:
    """n distinct names made of the benchmark names' words."""
    vocab = sorted({w for name in NAMES for w in name.split()})
    return [" ".join(p) for p in itertools.islice(itertools.permutations(vocab, words), n)]


async def soak(url: str, clients: int, seconds: float, swap_at: float | None,
               build: list[str], names: list[str], batches: bool = True) -> dict[str, Any]:
    start = time.monotonic()
    statuses: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    gets: list[tuple[float, float]] = []  # (time since start, latency ms)
    posts: list[float] = []
    swap: dict[str, float] = {}
    # every batch new names (none screened before, so none answered from the server's cache)
    batch_pool = made_up_names(150_000, 4)[20_000:]

    def running() -> bool:
        """--seconds, and in any case until 5 s after the swap: the swap happens under load
        however long the build takes (at most MAX_EXTRA_SECONDS more)."""
        now = time.monotonic() - start
        if "swapped" in swap:
            return now < max(seconds, swap["swapped"] + 5)
        no_swap = swap_at is None or "build_failed" in swap
        return now < (seconds if no_swap else seconds + MAX_EXTRA_SECONDS)

    async def timed(call: Any) -> float | None:
        t = time.perf_counter()
        try:
            status, body = await call
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
            statuses[type(exc).__name__] += 1
            errors[f"{type(exc).__name__}: {exc}"[:200]] += 1
            return None
        statuses[str(status)] += 1
        if status != 200:
            errors[f"{status}: {body[:150].decode('utf-8', 'replace')}"] += 1
            return None
        return (time.perf_counter() - t) * 1000

    async def getter(k: int) -> None:
        conn = Http(url)
        for i in itertools.count(k):
            if not running():
                break
            target = "/-/screen.json?" + urlencode({"name": names[i % len(names)]})
            ms = await timed(conn.request("GET", target))
            if ms is not None:
                gets.append((time.monotonic() - start, ms))
        conn.close()

    async def poster() -> None:
        conn = Http(url)
        for k in itertools.count():
            if not (batches and running()):
                break
            chosen = batch_pool[k * 1000 % len(batch_pool):][:1000]
            body = json.dumps({"queries": [{"name": n} for n in chosen]}).encode()
            ms = await timed(conn.request("POST", "/-/screen.json", body))
            if ms is not None:
                posts.append(ms)
        conn.close()

    async def builder() -> None:
        if swap_at is None:
            return
        await asyncio.sleep(swap_at)
        swap["build_started"] = time.monotonic() - start
        proc = await asyncio.create_subprocess_exec(*build, stdout=asyncio.subprocess.DEVNULL,
                                                    stderr=asyncio.subprocess.PIPE)
        _, err = await asyncio.wait_for(proc.communicate(), timeout=300)
        swap["build_seconds"] = time.monotonic() - start - swap["build_started"]
        if proc.returncode != 0:
            swap["build_failed"] = 1
            errors[f"build exited {proc.returncode}: {err.decode()[-300:]}"] += 1

    async def watcher(client: httpx.AsyncClient) -> None:
        first = (await client.get("/-/readyz")).json()["generation"]
        while swap_at is not None and running() and "swapped" not in swap:
            r = await client.get("/-/readyz")
            if r.status_code == 200 and r.json()["generation"] != first:
                swap["swapped"] = time.monotonic() - start
                return
            await asyncio.sleep(0.1)

    limits = httpx.Limits(max_connections=clients + 5, max_keepalive_connections=clients + 5)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        await asyncio.wait_for(asyncio.gather(
            *(getter(k) for k in range(clients)), poster(), builder(),
            watcher(client)), timeout=seconds + MAX_EXTRA_SECONDS + 60)
    return {"statuses": statuses, "errors": errors, "gets": gets, "posts": posts, **swap}


def after_swap(url: str) -> dict[str, Any]:
    with httpx.Client(base_url=url, timeout=30) as client:
        screened = client.get("/-/screen.json", params={"name": "Zorvanthex Maritime"}).json()
        page = client.get("/sanctions/entities/ofac_sdn~3A99999001").status_code
        feed = client.get("/-/changes.atom", params={"source": "ofac_sdn"}).text
    return {"found by screening": [m["entity_id"] for m in screened["matches"]][:1] == [NEW_ID],
            "its page answers 200": page == 200,
            "in the change feed": "ZORVANTHEX MARITIME LLC" in feed}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--db", type=Path, help="a built database to copy (default: build one)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--swap-at", type=float, default=8.0)
    ap.add_argument("--distinct", action="store_true",
                    help="GET 20,000 made-up names instead of the 18 benchmark names, so that "
                         "no answer is served from the server's answer cache")
    ap.add_argument("--no-swap", action="store_true", help="no build: the load alone")
    ap.add_argument("--no-batches", action="store_true", help="no client posting batches")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="soak-swap-") as tmp:
        db = Path(tmp) / "sanctions.db"
        sanctions = [sys.executable, "-m", "sanctions.cli"]
        if args.db:
            shutil.copyfile(args.db, db)
        else:
            print("Building the database from the bundled snapshots ...", flush=True)
            subprocess.run([*sanctions, "build", "--db", str(db)], check=True, cwd=ROOT,
                           stdout=subprocess.DEVNULL, timeout=600)
        sdn = sdn_with_new_row(Path(tmp) / "SDN.CSV")
        build = [*sanctions, "build", "--db", str(db), "--file", f"ofac_sdn:sdn={sdn}"]
        log = Path(tmp) / "serve.log"
        proc, url = start_server(db, log)
        try:
            print(f"Soaking {url}: {args.clients} GET clients + 1 client posting 1,000-name "
                  f"batches for {args.seconds:g} s; `sanctions build --file` at {args.swap_at:g} s",
                  flush=True)
            names = made_up_names(20_000, 4) if args.distinct else NAMES
            r = asyncio.run(soak(url, args.clients, args.seconds,
                                 None if args.no_swap else args.swap_at, build, names,
                                 not args.no_batches))
            facts = {} if args.no_swap else after_swap(url)
        finally:
            proc.terminate()
            proc.wait(10)
        notes = server_notes(log)
    for line in notes[:10]:
        print(f"server: {line[:200]}")
    report(r, facts)


def report(r: dict[str, Any], facts: dict[str, bool]) -> None:
    ms = [m for _, m in r["gets"]]
    swapped = r.get("swapped")
    near = [m for t, m in r["gets"] if swapped is not None and abs(t - swapped) <= 5]
    statuses, errors = r["statuses"], r["errors"]
    total = sum(statuses.values())
    print(f"requests {total:,}; statuses {dict(statuses)}; errors {sum(errors.values())}")
    for message, n in errors.most_common(5):
        print(f"  {n} x {message}")
    p99 = percentile(ms, 99) if ms else float("inf")
    if ms:
        print(f"single-name GETs: {len(ms):,}, p50 {percentile(ms, 50):.0f} ms, p95 "
              f"{percentile(ms, 95):.0f} ms, p99 {p99:.0f} ms, max {max(ms):.0f} ms "
              f"(target p99 <= {P99_TARGET_MS:.0f} ms)")
    if near:
        print(f"  within 5 s of the swap: {len(near):,}, p99 {percentile(near, 99):.0f} ms, "
              f"max {max(near):.0f} ms")
    if r["posts"]:
        print(f"1,000-name POSTs: {len(r['posts'])}, each {min(r['posts']) / 1000:.1f} to "
              f"{max(r['posts']) / 1000:.1f} s")
    if "build_started" in r:
        print(f"build started at {r.get('build_started', 0):.1f} s, took "
              f"{r.get('build_seconds', float('nan')):.1f} s; server swapped at "
              f"{swapped if swapped is not None else float('nan'):.1f} s")
    for fact, ok in facts.items():
        print(f"after the swap, the new entity {fact}: {'yes' if ok else 'NO'}")
    if errors or p99 > P99_TARGET_MS or not all(facts.values()) or (
            swapped is None and "build_started" in r):
        sys.exit(1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Time the web's file upload end to end: POST a CSV of N customers to /-/screen/upload, poll
its status, download the CSV of results. Prints each run and the range (the first run after
the server starts is reported apart: its caches are cold).

    python scripts/bench_upload.py [--db db/sanctions.db] [--rows 1000] [--runs 5]

The rows are the first N of eval/customers.csv (made-up customers, scripts/make_customers.py),
each run a different slice so no answer is reused.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from local_server import serving  # noqa: E402


def one_run(url: str, body: bytes) -> tuple[float, int, int]:
    """Seconds from the POST to the downloaded CSV, its data lines and its columns."""
    start = time.monotonic()
    job = httpx.post(url + "/-/screen/upload?filename=customers.csv", content=body,
                     timeout=60).json()
    status = job
    while status.get("status") in ("queued", "screening"):
        time.sleep(0.1)
        status = httpx.get(url + job["status_url"], timeout=30).json()
    if status.get("status") != "done":
        sys.exit(f"upload failed: {status}")
    out = httpx.get(url + status["csv"], timeout=60)
    seconds = time.monotonic() - start
    rows = list(csv.reader(io.StringIO(out.content.decode("utf-8-sig"))))
    return seconds, len(rows) - 1, len(rows[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", type=Path, default=ROOT / "db" / "sanctions.db")
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    lines = (ROOT / "eval" / "customers.csv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    with serving(args.db) as url:
        times = []
        for run in range(args.runs + 1):
            chunk = rows[run * args.rows:(run + 1) * args.rows]
            body = "\n".join([header, *chunk]).encode("utf-8") + b"\n"
            seconds, lines_out, columns = one_run(url, body)
            label = "cold" if run == 0 else f"run {run}"
            print(f"{label}: {len(chunk):,} rows in {seconds:.2f} s "
                  f"({lines_out:,} result lines, {columns} columns)")
            if run:
                times.append(seconds)
        print(f"warm runs: {min(times):.2f} to {max(times):.2f} s "
              f"(median {sorted(times)[len(times) // 2]:.2f} s)")


if __name__ == "__main__":
    main()

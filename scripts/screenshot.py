#!/usr/bin/env python
"""Take the README screenshot: the screening page for "Tren de Aragua" on the real build.

    python scripts/screenshot.py [--db db/sanctions.db] [--out docs/screen.png]

Needs Debian's chromium and `pip install playwright` (no browser download).
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", type=Path, default=Path("db/sanctions.db"))
    ap.add_argument("--out", type=Path, default=Path("docs/screen.png"))
    args = ap.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "sanctions.cli", "serve", "--db",
                               str(args.db), "--port", str(port)], stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.goto(url + "/-/screen")
            page.fill("input[name=name]", "Tren de Aragua")
            page.click("input[type=submit]")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(args.out), full_page=False)
            browser.close()
        print(f"wrote {args.out}")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()

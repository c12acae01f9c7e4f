"""A `sanctions serve` on a free 127.0.0.1 port for the scripts that drive a real server
(bench_upload.py, screenshot.py): start it, wait for /-/readyz, stop it on the way out."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], seconds: float = 180.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server at {url} exited with {proc.returncode}")
        try:
            if httpx.get(url + "/-/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    sys.exit(f"the server at {url} was not ready in {seconds:g} s")


@contextmanager
def serving(db: Path, *extra: str) -> Iterator[str]:
    """The URL of a ready server on `db`; its output is discarded."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "sanctions.cli", "serve", "--db", str(db),
                               "--port", str(port), *extra],
                              stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    try:
        wait_ready(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(10)

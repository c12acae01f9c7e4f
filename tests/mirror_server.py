"""A local HTTP mirror for update tests: serves files from a directory, plus injected faults.

Files are served as `<root>/<path>` with an ETag (sha256) and Last-Modified, answering
If-None-Match with 304. `faults[path]` replaces a file's answer with one of FAULTS;
`redirects[path]` answers 302 to another URL. Every request is logged as (path, status).

FAULTS: 500; timeout (closes after SLOW_SECONDS without answering); truncated (half the body);
huge (announces 1 GiB); no-length (body ended by closing); stall (never answers, until the
server stops); trickle (one byte every `trickle_every` seconds); gzip (compressed on the fly,
Content-Length of the compressed body, as real servers do); as-gzip (the stored bytes, already
gzip, labelled gzip); br (labelled with an encoding the client never asked for).
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FAULTS = ("500", "timeout", "truncated", "huge", "no-length", "stall", "trickle", "gzip",
          "as-gzip", "br")
SLOW_SECONDS = 3.0  # the timeout fault answers after this; clients in tests wait less


@dataclass
class Mirror:
    root: Path
    url: str = ""
    faults: dict[str, str] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    log: list[tuple[str, int]] = field(default_factory=list)
    trickle_every: float = 0.5
    trickle_limit: int = 60  # bytes: a client whose deadline fails sees a short body, not a hang
    stop: threading.Event = field(default_factory=threading.Event)  # ends stalls and trickles

    def put(self, path: str, data: bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def downloads(self) -> list[str]:
        """Paths answered with a body (200)."""
        return [p for p, status in self.log if status == 200]


def _handler(mirror: Mirror) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
            mirror.log.append((self.path.split("?")[0], status))
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            if body:
                try:
                    self.wfile.write(body)
                except OSError:  # the client stopped reading (a refused body): not an error here
                    self.close_connection = True

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = self.path.split("?")[0]
            fault = mirror.faults.get(path)
            if fault == "500":
                body = b"Internal Server Error"
                self._send(500, {"Content-Length": str(len(body))}, body)
                return
            if fault == "timeout":
                time.sleep(SLOW_SECONDS)
                self.close_connection = True
                return
            if fault == "stall":
                mirror.log.append((path, 0))
                mirror.stop.wait(120)
                self.close_connection = True
                return
            if path in mirror.redirects:
                self._send(302, {"Location": mirror.redirects[path], "Content-Length": "0"})
                return
            if fault == "huge":
                self._send(200, {"Content-Length": str(1 << 30), "Content-Type": "text/csv"},
                           b"1,2,3\n")
                self.close_connection = True
                return
            file = mirror.root / path.lstrip("/")
            try:
                found = file.is_file()
            except OSError:  # a name too long for the file system is simply not there
                found = False
            if not found:
                self._send(404, {"Content-Length": "0"})
                return
            data = file.read_bytes()
            etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
            headers = {"ETag": etag, "Last-Modified": formatdate(file.stat().st_mtime, usegmt=True)}
            if self.headers.get("If-None-Match") == etag:
                self._send(304, headers)
                return
            if fault == "truncated":
                half = data[: len(data) // 2]
                self._send(200, {**headers, "Content-Length": str(len(data))}, half)
                self.close_connection = True
                return
            if fault == "no-length":  # a body without Content-Length, ended by closing
                self._send(200, headers, data)
                self.close_connection = True
                return
            if fault == "trickle":
                self._send(200, {**headers, "Content-Length": str(len(data))})
                self._trickle(data)
                return
            if fault in ("gzip", "as-gzip", "br"):
                body = gzip.compress(data, mtime=0) if fault == "gzip" else data
                encoding = "br" if fault == "br" else "gzip"
                self._send(200, {**headers, "Content-Encoding": encoding,
                                 "Content-Length": str(len(body))}, body)
                return
            self._send(200, {**headers, "Content-Length": str(len(data))}, data)

        def _trickle(self, data: bytes) -> None:
            self.close_connection = True
            for i in range(min(len(data), mirror.trickle_limit)):
                if mirror.stop.wait(mirror.trickle_every):
                    return
                try:
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()
                except OSError:  # the client gave up
                    return

    return Handler


@contextmanager
def serve(root: Path) -> Iterator[Mirror]:
    """Run the mirror on 127.0.0.1 (a free port) for the duration of the block."""
    mirror = Mirror(root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(mirror))
    server.daemon_threads = True
    mirror.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield mirror
    finally:
        mirror.stop.set()
        server.shutdown()
        server.server_close()

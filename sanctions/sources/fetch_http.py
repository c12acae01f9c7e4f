"""The guarded transport under `fetch.Fetcher`: a deadline that can end any wait, gzip inflated
in bounded steps, and the redirect rule. `fetch` is the only caller.

Why requests' own machinery is not enough:
- its read timeout applies to each socket read, so a server that trickles a byte every few
  seconds never times out; only closing the socket from another thread ends that wait
  (`Watch`, attached to the socket of the request in progress by `GuardedAdapter`);
- it inflates a whole network chunk at once (64 KB of gzip can become 64 MB) and compares the
  decoded size with a Content-Length that counts bytes on the wire (`Inflater`);
- it follows redirects to any host (`follow`).
"""

from __future__ import annotations

import socket
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ReadTimeoutError,
)

from ..errors import SourceError

MAX_LINE = 300  # characters of a problem: server-chosen text (URLs, headers) can be any length
OUT_STEP = 1 << 20  # bytes inflated per step: bounds memory whatever the compression ratio
GRACE = 0.25  # the watchdog fires this long after the deadline, so a read timeout set to end
# at the deadline reports first and a stall before any answer is named as such


def clip(text: str, limit: int = MAX_LINE) -> str:
    """`text` on one line, at most `limit` characters.

    >>> clip("a\\nb" + "x" * 400)[-30:]
    'xxxxx… (403 characters in all)'
    """
    text = " ".join(text.split("\n"))
    if len(text) <= limit:
        return text
    tail = f"… ({len(text):,} characters in all)"
    return text[: limit - len(tail)] + tail


class FetchError(SourceError):
    """A download failed; `unreachable` when the host could not be connected to at all."""

    def __init__(self, source: str, problem: str, *, unreachable: bool = False,
                 path: str | None = None) -> None:
        super().__init__(source, clip(problem), path)
        self.unreachable = unreachable


# --- deadline --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """The time one file may take: `end` is the sooner of its own and the run's deadline."""

    start: float
    end: float
    limit: float  # seconds, as the message will say
    by_run: bool  # the run's deadline is the sooner one

    def left(self) -> float:
        return self.end - time.monotonic()

    def spent(self) -> float:
        return time.monotonic() - self.start

    def timeouts(self, timeout: tuple[float, float]) -> tuple[float, float]:
        """The connect and read timeouts for one attempt, never past the deadline."""
        left = max(self.left(), 0.01)
        return (min(timeout[0], left), min(timeout[1], left))


class Watch:
    """Shuts the socket of the request in progress when the deadline passes (plus GRACE).

    `settle()` ends the watch and says whether it fired: a body ended by closing the
    connection looks complete after a shutdown, so a caller settles before keeping a body."""

    def __init__(self, end: float) -> None:
        self.expired = False
        self._done = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, end - time.monotonic()) + GRACE, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def attach(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if self.expired and sock is not None:
                _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            if self._sock is not None:
                _shut(self._sock)

    def settle(self) -> bool:
        with self._lock:
            self._done = True
        self._timer.cancel()
        return self.expired


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, not SSLSocket's, which would drop the TLS object under the
    # reading thread: the reader then sees end-of-file and returns.
    with suppress(OSError):  # already closed: nothing left to wait on
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


watching: ContextVar[Watch | None] = ContextVar("sanctions_fetch_watch", default=None)


class _Conn(HTTPConnection):
    def getresponse(self) -> Any:  # type: ignore[override]
        # The request has been sent, so the socket exists: from here on the wait for headers
        # and body can be ended by the watch of the download in progress.
        watch = watching.get()
        if watch is not None:
            watch.attach(self.sock)
        return super().getresponse()


class _SConn(HTTPSConnection):
    getresponse = _Conn.getresponse  # type: ignore[assignment]


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Conn


class _SPool(HTTPSConnectionPool):
    ConnectionCls = _SConn


class GuardedAdapter(HTTPAdapter):
    """requests' adapter whose connections report their socket to the active `Watch`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _SPool}


# --- content encoding ------------------------------------------------------------------------

ACCEPT_ENCODING = "gzip, deflate"  # what Inflater reads; never br or zstd


class EncodingProblem(Exception):
    """The body's Content-Encoding is unknown or its compressed data is broken or cut."""


class Inflater:
    """Decodes a body by its Content-Encoding at most OUT_STEP bytes at a time, so a caller
    counting the output can stop a bomb after its cap, not after it is inflated."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding.strip().lower()
        if self.encoding in ("", "identity"):
            self._z: Any = None
        elif self.encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.encoding == "deflate":
            self._z = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise EncodingProblem(f"unsupported Content-Encoding {clip(encoding, 40)!r}")
        self._started = False

    @property
    def compressed(self) -> bool:
        return self._z is not None

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._z is None:
            yield data
            return
        try:
            yield from self._inflate(data)
        except zlib.error as exc:
            if self.encoding == "deflate" and not self._started:
                # Some servers send raw deflate without the zlib header the standard asks for.
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                self._started = True
                yield from self.feed(data)
                return
            raise EncodingProblem(f"broken {self.encoding} data ({exc})") from None

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        while True:
            if self._z.eof:  # a gzip body may hold several members, one after another
                data = self._z.unused_data + data
                if self.encoding == "deflate" or not data.strip(b"\0"):
                    return  # trailing padding (or bytes after a deflate stream) is not data
                self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out = self._z.decompress(data, OUT_STEP)
            self._started = True
            data = self._z.unconsumed_tail
            if out:
                yield out
            if self._z.eof and self._z.unused_data:
                continue
            if not data and len(out) < OUT_STEP:
                return

    def finish(self) -> None:
        if self._z is not None and not self._z.eof:
            raise EncodingProblem(f"the {self.encoding} data ends early")


# --- redirects -------------------------------------------------------------------------------

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
ALLOWED_HOSTS_ENV = "SANCTIONS_ALLOWED_HOSTS"  # comma-separated extra hosts redirects may reach


def host_names(hosts: Iterable[str]) -> frozenset[str]:
    return frozenset(h.strip().lower() for h in hosts if h.strip())


def follow(origin: str, current: str, location: str | None, allowed: frozenset[str]) -> str:
    """The URL a redirect from `current` leads to, or a one-line refusal (ValueError).

    Same host name (any port) is followed, as are the hosts in `allowed`; an https URL is never
    sent on over plain http."""
    if not location:
        raise ValueError(f"{current} answered a redirect without a Location")
    target = urljoin(current, location.strip())
    parts, first = urlsplit(target), urlsplit(origin)
    host, home = (parts.hostname or "").lower(), (first.hostname or "").lower()
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"{origin} redirects to a {parts.scheme or 'relative'} URL; refused")
    if first.scheme == "https" and parts.scheme == "http":
        raise ValueError(f"{origin} redirects from https to plain http ({host}); refused")
    if host != home and host not in allowed:
        raise ValueError(f"{origin} redirects from {home} to another host, {clip(host, 80)}; "
                         f"refused (allow it with {ALLOWED_HOSTS_ENV}={clip(host, 80)})")
    return target


# --- failures --------------------------------------------------------------------------------


class Transient(Exception):
    """An attempt failed in a way the next may not; `kind` names the retry budget it uses."""

    def __init__(self, kind: str, error: FetchError) -> None:
        super().__init__(error.problem)
        self.kind, self.error = kind, error


def declared_length(r: requests.Response) -> int | None:
    """Content-Length, unless chunked transfer makes it meaningless."""
    declared = r.headers.get("Content-Length", "").strip()
    if "chunked" in r.headers.get("Transfer-Encoding", "").lower() or not declared.isdigit():
        return None
    return int(declared)


def too_big(url: str, cap: int, compressed: bool) -> str:
    if compressed:
        return f"{url} sent compressed data that unpacks to more than {cap:,} bytes; stopped"
    return f"{url} sent more than {cap:,} bytes; download stopped"


def host_of(url: str) -> str:
    return urlsplit(url).netloc


def attempt_error(source: str, url: str, exc: requests.RequestException) -> Exception:
    """One attempt's failure before any answer: a `Transient` when another attempt may help,
    else a FetchError. `unreachable` only when no connection was made."""
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):  # the transport wraps the underlying error
        reason = reason.reason
    if isinstance(exc, requests.ConnectTimeout) or isinstance(reason, ConnectTimeoutError):
        # urllib3's NewConnectionError (refused, DNS failure) subclasses ConnectTimeoutError.
        return Transient("connect", FetchError(
            source, f"cannot connect to {host_of(url)} ({short(reason or exc)})",
            unreachable=True))
    if isinstance(exc, requests.ReadTimeout) or isinstance(reason, ReadTimeoutError):
        return Transient("silent", FetchError(source, f"timed out: no response from {url}"))
    if isinstance(exc, requests.ConnectionError):  # reset or closed before answering
        return Transient("broken", FetchError(
            source, f"download of {url} failed: {short(reason or exc)}"))
    return FetchError(source, f"download of {url} failed: {short(reason or exc)}")


def short(exc: BaseException) -> str:
    if isinstance(exc, NameResolutionError):
        return "host name not found"
    if isinstance(exc, NewConnectionError) and "refused" in str(exc).lower():
        return "connection refused"
    if isinstance(exc, ConnectTimeoutError):
        return "connection timed out"
    text = str(exc)
    text = text.split(">: ", 1)[-1]  # urllib3 prefixes '<HTTPConnection object at 0x..>: '
    return f"{exc.__class__.__name__}: {text}"[:200]

"""Downloads. The only module that talks to the network; source modules call `download`.

A `Fetcher` holds one requests session, timeouts, bounded retries with backoff (on connection
errors, 5xx and servers that never answer), a deadline per file and one per run, a size cap,
the hosts redirects may reach, an optional mirror and the cached metadata for conditional GET.
`download(source, url, dest)` uses the fetcher made active by `using(fetcher)`, so each source's
`fetch(dest_dir)` stays a plain function of a directory.

    >>> with using(Fetcher(mirror="http://mirror.internal/sanctions")):  # doctest: +SKIP
    ...     paths = SOURCE.fetch(Path("staging/ofac_sdn"))

Every body is checked before it is kept: its bytes on the wire as long as Content-Length says,
inflated (gzip, deflate) in bounded steps to no more than the cap, and of the format its file
name promises (CSV that is not an HTML error page, XML that starts with `<` and declares no
entities, JSON that parses, ODS/zip magic). The transport guards are in `fetch_http`.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from hashlib import sha256
from pathlib import Path
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import HTTPError, ReadTimeoutError

from .fetch_http import (
    ACCEPT_ENCODING,
    ALLOWED_HOSTS_ENV,
    MAX_REDIRECTS,
    REDIRECTS,
    Clock,
    EncodingProblem,
    FetchError,
    GuardedAdapter,
    Inflater,
    Transient,
    Watch,
    attempt_error,
    declared_length,
    follow,
    host_names,
    host_of,
    too_big,
    watching,
)

__all__ = ["Fetcher", "FetchError", "FileMeta", "download", "expected_format", "mirror_url",
           "sniff", "using"]

USER_AGENT = "sanctions-lookup/0.1 (+https://github.com/; open-source screening tool)"
TIMEOUT = (10.0, 120.0)  # connect, read seconds: how long one socket operation may wait
DEADLINE = 300.0  # seconds one file may take, whatever the server does
RUN_DEADLINE = 1800.0  # seconds all the downloads of one fetcher (one update) may take
# About 4x the largest official file today, after inflating: parsers read files whole, so the
# cap bounds their memory too. JSON and HTML pages are far smaller still.
MAX_BYTES = 64 * 1024 * 1024
FORMAT_MAX_BYTES = {"json": 16 * 1024 * 1024, "html": 16 * 1024 * 1024}
RETRIES = 3
CONNECT_RETRIES = 2  # a host that is down or unknown is given up on sooner, and only once
SILENT_RETRIES = 1  # a server that said nothing for a whole read timeout gets one more chance
BACKOFF = 1.0  # seconds: backoff * 2**(n-1) between attempts, at most BACKOFF_MAX
BACKOFF_MAX = 30.0
RETRY_STATUSES = (500, 502, 503, 504)
SNIFF_BYTES = 64 * 1024
CHUNK = 1 << 16


@dataclass
class FileMeta:
    """What was fetched for one file: kept in the cache's fetch.json for conditional GET."""

    url: str
    name: str
    sha256: str
    size: int
    fetched_at: str
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # True when the server answered 304 and the cached copy was used

    @property
    def as_of(self) -> str:
        """The date of the data: Last-Modified if the server gave one, else the fetch date."""
        if self.last_modified:
            try:
                return parsedate_to_datetime(self.last_modified).date().isoformat()
            except (TypeError, ValueError):
                pass
        return self.fetched_at[:10]

    def to_json(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if k != "not_modified"}


def mirror_url(mirror: str, source: str, url: str) -> str:
    """`<mirror>/<source>/<last path segment of url>`; the query string is dropped.

    >>> mirror_url("http://m/s/", "ofac_sdn", "https://x/exports/SDN.CSV?a=1")
    'http://m/s/ofac_sdn/SDN.CSV'
    """
    name = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return f"{mirror.rstrip('/')}/{source}/{name}"


def expected_format(dest: Path) -> str:
    """The format a file must have, from its name: csv, xml, json, html or zip."""
    suffix = dest.suffix.lower().lstrip(".")
    return {"ods": "zip", "xlsx": "zip", "zip": "zip", "htm": "html"}.get(suffix, suffix)


def _looks_html(head: bytes) -> bool:
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return h.startswith((b"<!doctype html", b"<html")) or b"<html" in h[:300]


def sniff(source: str, url: str, head: bytes, fmt: str, body: Path) -> None:
    """Refuse a body that is not the declared format (an HTML error page, a wrong file)."""
    if not head.strip():
        raise FetchError(source, f"empty response from {url}")
    if fmt in ("csv", "xml", "json") and _looks_html(head):
        raise FetchError(source, f"{url} returned an HTML page, not the expected {fmt.upper()}")
    if fmt == "csv" and b"\x00" in head:
        raise FetchError(source, f"{url} returned binary data, not CSV")
    if fmt == "xml":
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise FetchError(source, f"{url} did not return XML")
        if b"<!ENTITY" in head:  # entity-expansion and external-entity attacks need a DTD
            raise FetchError(source, f"{url} returned XML that declares entities; refused")
    if fmt == "json":
        try:
            json.loads(body.read_bytes())
        except ValueError as exc:
            raise FetchError(source, f"{url} did not return valid JSON ({exc})") from None
    if fmt == "zip" and not head.startswith(b"PK\x03\x04"):
        raise FetchError(source, f"{url} did not return a zip/ODS file")


def _session() -> requests.Session:
    # No transport retries: `Fetcher._attempts` retries, so that it can count their time.
    s = requests.Session()
    s.headers["User-Agent"] = USER_AGENT
    s.headers["Accept-Encoding"] = ACCEPT_ENCODING
    adapter = GuardedAdapter(max_retries=0)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _secs(seconds: float) -> str:
    return f"{seconds:.1f}" if seconds < 10 else f"{seconds:,.0f}"


class Fetcher:
    """Downloads with retries, deadlines, a size cap, sniffing, conditional GET and a mirror.

    `known` maps a URL to the metadata and path of the cached copy: the request then carries
    If-None-Match / If-Modified-Since, and a 304 reuses that copy. `fetched` collects the
    metadata of every file downloaded, keyed by its destination path. `deadline` bounds one
    file, `run_deadline` all files from the first download on. Redirects are followed within
    the same host name and to `allowed_hosts` (default: $SANCTIONS_ALLOWED_HOSTS, commas).
    """

    def __init__(
        self,
        *,
        mirror: str | None = None,
        timeout: tuple[float, float] = TIMEOUT,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
        max_bytes: int = MAX_BYTES,
        deadline: float = DEADLINE,
        run_deadline: float = RUN_DEADLINE,
        allowed_hosts: Iterable[str] | None = None,
    ) -> None:
        self.mirror = mirror
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.run_deadline = run_deadline
        if allowed_hosts is None:
            allowed_hosts = os.environ.get(ALLOWED_HOSTS_ENV, "").split(",")
        self.allowed_hosts = host_names(allowed_hosts)
        self.session = _session()
        self.known: Mapping[str, tuple[FileMeta, Path]] = {}
        self.fetched: dict[Path, FileMeta] = {}
        self.down: dict[str, str] = {}  # host -> why it could not be connected to
        self.silent: dict[str, str] = {}  # host -> the request it never answered
        self._run_start: float | None = None

    def url_for(self, source: str, url: str) -> str:
        return mirror_url(self.mirror, source, url) if self.mirror else url

    def download(self, source: str, url: str, dest: Path) -> Path:
        url = self.url_for(source, url)
        host = host_of(url)
        if host in self.down:  # do not wait on the same dead host once per file
            raise FetchError(source, self.down[host], unreachable=True)
        if host in self.silent:
            raise FetchError(source, f"not tried: {host} gave no answer to {self.silent[host]}")
        clock = self._clock()
        if clock.left() <= 0:
            raise self._late(source, dest, clock)
        dest.parent.mkdir(parents=True, exist_ok=True)
        headers: dict[str, str] = {}
        cached = self.known.get(url)
        if cached and cached[1].exists():
            if cached[0].etag:
                headers["If-None-Match"] = cached[0].etag
            if cached[0].last_modified:
                headers["If-Modified-Since"] = cached[0].last_modified
        tmp = dest.with_name(dest.name + ".part")
        watch = Watch(clock.end)
        token = watching.set(watch)
        try:
            meta = self._attempts(source, url, dest, tmp, headers, cached, clock, watch)
        except Exception as exc:
            if watch.expired:  # whatever the closed socket made the reader say
                raise self._late(source, dest, clock) from None
            if isinstance(exc, FetchError) and exc.unreachable:
                self.down[host] = exc.problem
            raise
        finally:
            watch.settle()
            watching.reset(token)
            tmp.unlink(missing_ok=True)
        self.fetched[dest] = meta
        return dest

    def _clock(self) -> Clock:
        now = time.monotonic()
        if self._run_start is None:
            self._run_start = now
        run_end = self._run_start + self.run_deadline
        if run_end < now + self.deadline:
            return Clock(now, run_end, self.run_deadline, by_run=True)
        return Clock(now, now + self.deadline, self.deadline, by_run=False)

    def _late(self, source: str, dest: Path, clock: Clock) -> FetchError:
        if clock.by_run:
            problem = (f"the downloads of this run took longer than {_secs(clock.limit)} s in "
                       "all; gave up")
        else:
            problem = f"download took longer than {_secs(clock.limit)} s; gave up"
        return FetchError(source, problem, path=dest.name)

    def _attempts(
        self, source: str, url: str, dest: Path, tmp: Path, headers: dict[str, str],
        cached: tuple[FileMeta, Path] | None, clock: Clock, watch: Watch,
    ) -> FileMeta:
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._get(source, url, dest, tmp, headers, cached, clock, watch)
            except Transient as retry:
                kind, error = retry.kind, retry.error
            budget = {"connect": min(self.retries, CONNECT_RETRIES),
                      "silent": min(self.retries, SILENT_RETRIES)}.get(kind, self.retries)
            pause = min(self.backoff * 2 ** (attempt - 1), BACKOFF_MAX)
            if attempt > budget or clock.left() - pause < 0.05:
                if kind == "silent":
                    self.silent[host_of(url)] = url
                    raise FetchError(source, f"timed out: no response from {url} after "
                                     f"{attempt} attempt(s), {_secs(clock.spent())} s in all "
                                     f"(up to {_secs(self.timeout[1])} s each); gave up")
                raise error
            time.sleep(pause)

    def _request(self, source: str, url: str, headers: dict[str, str],
                 clock: Clock) -> requests.Response:
        """The final answer after redirects that stay on the allowed hosts."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            try:
                r = self.session.get(current, stream=True, timeout=clock.timeouts(self.timeout),
                                     headers=headers, allow_redirects=False)
            except requests.RequestException as exc:
                raise attempt_error(source, current, exc) from None
            if r.status_code not in REDIRECTS:
                return r
            location = r.headers.get("Location")
            r.close()
            try:
                current = follow(url, current, location, self.allowed_hosts)
            except ValueError as exc:
                raise FetchError(source, str(exc)) from None
        raise FetchError(source, f"{url} redirected more than {MAX_REDIRECTS} times; gave up")

    def _get(
        self, source: str, url: str, dest: Path, tmp: Path, headers: dict[str, str],
        cached: tuple[FileMeta, Path] | None, clock: Clock, watch: Watch,
    ) -> FileMeta:
        with self._request(source, url, headers, clock) as r:
            watch.attach(getattr(r.raw.connection, "sock", None))  # a proxy's pool, too
            at = url if r.url == url else f"{url} (redirected to {r.url})"
            if r.status_code == 304 and cached:
                _copy(cached[1], dest)
                return FileMeta(**{**cached[0].to_json(), "not_modified": True})  # type: ignore[arg-type]
            if r.status_code in RETRY_STATUSES:
                raise Transient("status", FetchError(source, f"HTTP {r.status_code} from {at}"))
            if r.status_code != 200:
                raise FetchError(source, f"HTTP {r.status_code} from {at}")
            declared = declared_length(r)
            if declared is not None and declared > self.max_bytes:
                raise FetchError(source, f"{at} announces {declared:,} bytes, over the "
                                 f"{self.max_bytes:,}-byte limit; not downloaded")
            try:
                inflater = Inflater(r.headers.get("Content-Encoding", ""))
            except EncodingProblem as exc:
                raise FetchError(source, f"{at}: {exc}; refused") from None
            cap = min(self.max_bytes, FORMAT_MAX_BYTES.get(expected_format(dest), self.max_bytes))
            h, size, wire, head = sha256(), 0, 0, b""
            try:
                with open(tmp, "wb") as fh:
                    for raw in r.raw.stream(CHUNK, decode_content=False):
                        wire += len(raw)
                        for chunk in inflater.feed(raw):
                            size += len(chunk)
                            if size > cap:
                                raise FetchError(source, too_big(at, cap, inflater.compressed))
                            if len(head) < SNIFF_BYTES:
                                head += chunk[: SNIFF_BYTES - len(head)]
                            h.update(chunk)
                            fh.write(chunk)
            except ReadTimeoutError:
                if clock.left() < 0.05:  # the read timeout was cut short to end at the deadline
                    raise self._late(source, dest, clock) from None
                raise FetchError(source, f"timed out: {at} sent nothing for "
                                 f"{_secs(self.timeout[1])} s after {wire:,} bytes; gave up"
                                 ) from None
            except HTTPError:  # the connection broke or closed before Content-Length was met
                of = f" of {declared:,}" if declared is not None else ""
                raise FetchError(source, f"truncated download from {at}: the connection "
                                 f"closed after {wire:,}{of} bytes") from None
            except EncodingProblem as exc:
                raise FetchError(source, f"{at} sent {exc}") from None
            except OSError as exc:
                raise FetchError(source, f"cannot write the download of {dest.name}: "
                                 f"{exc.strerror or exc}") from None
            try:
                inflater.finish()
            except EncodingProblem as exc:
                raise FetchError(source, f"truncated download from {at}: {exc}") from None
            if declared is not None and wire != declared:  # bytes on the wire, not inflated
                raise FetchError(source, f"truncated download from {at}: {wire:,} of "
                                 f"{declared:,} bytes")
            if watch.settle():
                raise self._late(source, dest, clock)
            sniff(source, at, head, expected_format(dest), tmp)
            os.replace(tmp, dest)
            return FileMeta(
                url=url, name=dest.name, sha256=h.hexdigest(), size=size, fetched_at=now_iso(),
                etag=r.headers.get("ETag"), last_modified=r.headers.get("Last-Modified"),
            )


def _copy(src: Path, dest: Path) -> None:
    dest.unlink(missing_ok=True)
    try:
        os.link(src, dest)  # the cache is never edited in place, so sharing the inode is safe
    except OSError:
        shutil.copyfile(src, dest)


_active: ContextVar[Fetcher | None] = ContextVar("sanctions_fetcher", default=None)


@contextmanager
def using(fetcher: Fetcher) -> Iterator[Fetcher]:
    """Make `fetcher` the one `download` uses inside the block."""
    token = _active.set(fetcher)
    try:
        yield fetcher
    finally:
        _active.reset(token)


def download(source: str, url: str, dest: Path) -> Path:
    """Fetch `url` into `dest` with the active fetcher (a default one outside `using`)."""
    fetcher = _active.get() or Fetcher()
    return fetcher.download(source, url, dest)

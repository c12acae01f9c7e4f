"""Downloads. The only module that talks to the network; source modules call `download`.

A `Fetcher` holds one requests session (bounded retries with backoff on connection errors and
5xx), timeouts, a size cap, an optional mirror and the cached metadata for conditional GET.
`download(source, url, dest)` uses the fetcher made active by `using(fetcher)`, so each source's
`fetch(dest_dir)` stays a plain function of a directory.

    >>> with using(Fetcher(mirror="http://mirror.internal/sanctions")):  # doctest: +SKIP
    ...     paths = SOURCE.fetch(Path("staging/ofac_sdn"))

Every body is checked before it is kept: not larger than the cap, as long as Content-Length
says, and of the format its file name promises (CSV that is not an HTML error page, XML that
starts with `<` and declares no entities, JSON that parses, ODS/zip magic).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from hashlib import sha256
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ReadTimeoutError,
)
from urllib3.util.retry import Retry

from ..errors import SourceError

USER_AGENT = "sanctions-lookup/0.1 (+https://github.com/; open-source screening tool)"
TIMEOUT = (10.0, 120.0)  # connect, read seconds
MAX_BYTES = 512 * 1024 * 1024
RETRIES = 3
CONNECT_RETRIES = 2  # a host that is down or unknown is given up on sooner, and only once
BACKOFF = 1.0  # seconds; urllib3 sleeps backoff * 2**(n-1) between attempts, at most BACKOFF_MAX
BACKOFF_MAX = 30.0
RETRY_STATUSES = (500, 502, 503, 504)
SNIFF_BYTES = 64 * 1024


class FetchError(SourceError):
    """A download failed; `unreachable` when the host could not be connected to at all."""

    def __init__(self, source: str, problem: str, *, unreachable: bool = False) -> None:
        super().__init__(source, problem)
        self.unreachable = unreachable


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


def _session(retries: int, backoff: float) -> requests.Session:
    retry = Retry(
        total=retries, connect=min(retries, CONNECT_RETRIES), read=retries, status=retries,
        other=0,
        allowed_methods=frozenset({"GET"}), status_forcelist=RETRY_STATUSES,
        backoff_factor=backoff, backoff_max=BACKOFF_MAX, raise_on_status=False,
        respect_retry_after_header=False,  # a long Retry-After must not stall the update
    )
    s = requests.Session()
    s.headers["User-Agent"] = USER_AGENT
    adapter = HTTPAdapter(max_retries=retry)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Fetcher:
    """Downloads with retries, timeouts, a size cap, sniffing, conditional GET and a mirror.

    `known` maps a URL to the metadata and path of the cached copy: the request then carries
    If-None-Match / If-Modified-Since, and a 304 reuses that copy. `fetched` collects the
    metadata of every file downloaded, keyed by its destination path.
    """

    def __init__(
        self,
        *,
        mirror: str | None = None,
        timeout: tuple[float, float] = TIMEOUT,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.mirror = mirror
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.session = _session(retries, backoff)
        self.known: Mapping[str, tuple[FileMeta, Path]] = {}
        self.fetched: dict[Path, FileMeta] = {}
        self.down: dict[str, str] = {}  # host -> why it could not be connected to

    def url_for(self, source: str, url: str) -> str:
        return mirror_url(self.mirror, source, url) if self.mirror else url

    def download(self, source: str, url: str, dest: Path) -> Path:
        url = self.url_for(source, url)
        if _host(url) in self.down:  # do not wait on the same dead host once per file
            raise FetchError(source, self.down[_host(url)], unreachable=True)
        dest.parent.mkdir(parents=True, exist_ok=True)
        headers: dict[str, str] = {}
        cached = self.known.get(url)
        if cached and cached[1].exists():
            if cached[0].etag:
                headers["If-None-Match"] = cached[0].etag
            if cached[0].last_modified:
                headers["If-Modified-Since"] = cached[0].last_modified
        tmp = dest.with_name(dest.name + ".part")
        try:
            meta = self._get(source, url, dest, tmp, headers, cached)
        except requests.RequestException as exc:
            error = _fetch_error(source, url, exc, self.timeout)
            if error.unreachable:
                self.down[_host(url)] = error.problem
            raise error from None
        finally:
            tmp.unlink(missing_ok=True)
        self.fetched[dest] = meta
        return dest

    def _get(
        self, source: str, url: str, dest: Path, tmp: Path, headers: dict[str, str],
        cached: tuple[FileMeta, Path] | None,
    ) -> FileMeta:
        with self.session.get(url, stream=True, timeout=self.timeout, headers=headers) as r:
            if r.status_code == 304 and cached:
                _copy(cached[1], dest)
                return FileMeta(**{**cached[0].to_json(), "not_modified": True})  # type: ignore[arg-type]
            if r.status_code != 200:
                raise FetchError(source, f"HTTP {r.status_code} from {url}")
            declared = r.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(source, f"{url} announces {int(declared):,} bytes, over the "
                                 f"{self.max_bytes:,}-byte limit; not downloaded")
            h = sha256()
            size = 0
            head = b""
            with open(tmp, "wb") as fh:
                for chunk in r.iter_content(1 << 16):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(source, f"{url} sent more than {self.max_bytes:,} "
                                         "bytes; download stopped")
                    if len(head) < SNIFF_BYTES:
                        head += chunk[: SNIFF_BYTES - len(head)]
                    h.update(chunk)
                    fh.write(chunk)
            if declared and declared.isdigit() and size != int(declared):
                raise FetchError(source, f"truncated download from {url}: {size:,} of "
                                 f"{int(declared):,} bytes")
            sniff(source, url, head, expected_format(dest), tmp)
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


def _host(url: str) -> str:
    return urlsplit(url).netloc


def _fetch_error(
    source: str, url: str, exc: requests.RequestException, timeout: tuple[float, float]
) -> FetchError:
    """One clear line for a requests failure; `unreachable` only when no connection was made."""
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):  # retries exhausted: the last underlying error
        reason = reason.reason
    if isinstance(exc, requests.ConnectTimeout) or isinstance(reason, ConnectTimeoutError):
        # urllib3's NewConnectionError (refused, DNS failure) subclasses ConnectTimeoutError.
        return FetchError(source, f"cannot connect to {_host(url)} ({_short(reason or exc)})",
                          unreachable=True)
    if isinstance(exc, requests.ReadTimeout) or isinstance(reason, ReadTimeoutError):
        return FetchError(source, f"timed out: no response from {url} within {timeout[1]:g} s")
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return FetchError(source, f"truncated download from {url}: the connection closed early")
    return FetchError(source, f"download of {url} failed: {_short(reason or exc)}")


def _short(exc: BaseException) -> str:
    if isinstance(exc, NameResolutionError):
        return "host name not found"
    if isinstance(exc, NewConnectionError) and "refused" in str(exc).lower():
        return "connection refused"
    if isinstance(exc, ConnectTimeoutError):
        return "connection timed out"
    text = str(exc)
    text = text.split(">: ", 1)[-1]  # urllib3 prefixes '<HTTPConnection object at 0x..>: '
    return f"{exc.__class__.__name__}: {text}"[:200]


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

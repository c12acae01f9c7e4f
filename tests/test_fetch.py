"""The fetcher against a real local HTTP server: faults become one clear SourceError each."""

from __future__ import annotations

import gzip
import hashlib
import re
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctions.sources import fetch
from sanctions.sources.fetch import (
    Fetcher,
    FetchError,
    download,
    expected_format,
    mirror_url,
    using,
)
from sanctions.sources.fetch_http import MAX_LINE, Inflater, clip, follow
from tests.mirror_server import Mirror, serve

CSV = b'36,"AEROCARIBBEAN AIRLINES",-0-,"CUBA",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n'


@pytest.fixture()
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    root = tmp_path / "mirror"
    with serve(root) as m:
        m.put("ofac_sdn/SDN.CSV", CSV)
        yield m


def fast(**kw: object) -> Fetcher:
    return Fetcher(**{"timeout": (1.0, 0.5), "retries": 1, "backoff": 0.0, **kw})  # type: ignore[arg-type]


def test_mirror_url_is_key_and_last_segment() -> None:
    url = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.CSV"
    assert mirror_url("http://m/x/", "ofac_sdn", url) == "http://m/x/ofac_sdn/SDN.CSV"
    assert mirror_url("http://m", "fbi_wanted", "https://api.fbi.gov/wanted/v1/list?page=2") == (
        "http://m/fbi_wanted/list")


def test_expected_format_from_file_name() -> None:
    assert [expected_format(Path(n)) for n in ("SDN.CSV", "a.xml", "p.json", "x.ods", "p.html")] \
        == ["csv", "xml", "json", "zip", "html"]


def test_download_from_mirror_records_metadata(mirror: Mirror, tmp_path: Path) -> None:
    f = fast(mirror=mirror.url)
    dest = tmp_path / "out" / "SDN.CSV"
    with using(f):
        download("ofac_sdn", "https://official.example/exports/SDN.CSV", dest)
    assert dest.read_bytes() == CSV
    meta = f.fetched[dest]
    assert (meta.url, meta.size, meta.not_modified) == (f"{mirror.url}/ofac_sdn/SDN.CSV",
                                                         len(CSV), False)
    assert meta.etag and meta.last_modified and len(meta.sha256) == 64
    assert mirror.log == [("/ofac_sdn/SDN.CSV", 200)]


def test_conditional_get_reuses_cached_copy(mirror: Mirror, tmp_path: Path) -> None:
    first = fast(mirror=mirror.url)
    cached = tmp_path / "cache" / "SDN.CSV"
    first.download("ofac_sdn", "https://x/SDN.CSV", cached)
    second = fast(mirror=mirror.url)
    second.known = {first.fetched[cached].url: (first.fetched[cached], cached)}
    dest = tmp_path / "new" / "SDN.CSV"
    second.download("ofac_sdn", "https://x/SDN.CSV", dest)
    assert dest.read_bytes() == CSV
    assert second.fetched[dest].not_modified is True
    assert mirror.log == [("/ofac_sdn/SDN.CSV", 200), ("/ofac_sdn/SDN.CSV", 304)]


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<CONSOLIDATED_LIST>&lol2;</CONSOLIDATED_LIST>
"""


@pytest.mark.parametrize(
    ("name", "body", "fault", "message"),
    [
        ("SDN.CSV", CSV, "500", "HTTP 500 from"),
        ("SDN.CSV", CSV, "timeout", "timed out: no response from"),
        ("SDN.CSV", CSV * 100, "truncated", "truncated download"),
        ("SDN.CSV", CSV, "huge", "announces 1,073,741,824 bytes"),
        ("SDN.CSV", b"<!DOCTYPE html><html><body>Error</body></html>", None,
         "returned an HTML page, not the expected CSV"),
        ("SDN.CSV", b"", None, "empty response"),
        ("consolidated.xml", BOMB, None, "declares entities; refused"),
        ("consolidated.xml", b"PK\x03\x04zip", None, "did not return XML"),
        ("list.json", b"{not json", None, "did not return valid JSON"),
        ("missing.csv", None, None, "HTTP 404"),
    ],
)
def test_faults_raise_one_clear_error(
    mirror: Mirror, tmp_path: Path, name: str, body: bytes | None, fault: str | None, message: str
) -> None:
    if body is not None:
        mirror.put(f"src/{name}", body)
    if fault:
        mirror.faults[f"/src/{name}"] = fault
    dest = tmp_path / "out" / name
    with pytest.raises(FetchError) as err:
        fast(mirror=mirror.url).download("src", f"https://x/{name}", dest)
    assert message in str(err.value)
    assert str(err.value).startswith("src: ")
    assert err.value.unreachable is False
    assert list((tmp_path / "out").iterdir()) == []  # no partial file left behind


def test_size_cap_while_streaming(mirror: Mirror, tmp_path: Path) -> None:
    mirror.put("src/big.csv", CSV * 100)
    mirror.faults["/src/big.csv"] = "no-length"
    with pytest.raises(FetchError, match="sent more than 1,000 bytes"):
        # No Content-Length check can catch a server that lies, so bytes are counted too.
        f = fast(mirror=mirror.url, max_bytes=1000)
        f.download("src", "https://x/big.csv", tmp_path / "big.csv")


def test_unreachable_host(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError, match="cannot connect to 127.0.0.1") as err:
        fast(mirror=f"http://127.0.0.1:{port}").download("src", "https://x/a.csv",
                                                          tmp_path / "a.csv")
    assert err.value.unreachable is True


# --- deadlines -------------------------------------------------------------------------------


def test_trickle_is_given_up_at_the_file_deadline(mirror: Mirror, tmp_path: Path) -> None:
    """A byte every 0.2 s never lets a read time out; the deadline closes the socket."""
    mirror.faults["/ofac_sdn/SDN.CSV"] = "trickle"
    mirror.trickle_every = 0.2
    with pytest.raises(FetchError) as err:
        fast(mirror=mirror.url, deadline=1.0).download("ofac_sdn", "https://x/SDN.CSV",
                                                       tmp_path / "out" / "SDN.CSV")
    assert str(err.value) == "ofac_sdn (SDN.CSV): download took longer than 1.0 s; gave up"
    assert list((tmp_path / "out").iterdir()) == []


def test_the_run_deadline_covers_every_file(mirror: Mirror, tmp_path: Path) -> None:
    for name in ("A.CSV", "B.CSV", "C.CSV"):
        mirror.put(f"src/{name}", CSV)
    mirror.faults.update({"/src/A.CSV": "trickle", "/src/B.CSV": "trickle"})
    mirror.trickle_every = 0.2
    f = fast(mirror=mirror.url, deadline=1.0, run_deadline=1.6)
    errors = []
    for name in ("A.CSV", "B.CSV", "C.CSV"):
        with pytest.raises(FetchError) as err:
            f.download("src", f"https://x/{name}", tmp_path / name)
        errors.append(str(err.value))
    run = "the downloads of this run took longer than 1.6 s in all; gave up"
    assert errors == ["src (A.CSV): download took longer than 1.0 s; gave up",
                      f"src (B.CSV): {run}", f"src (C.CSV): {run}"]
    assert [p for p, _ in mirror.log] == ["/src/A.CSV", "/src/B.CSV"]  # C was never asked for


def test_a_silent_server_gets_one_retry_and_an_honest_total(
    mirror: Mirror, tmp_path: Path
) -> None:
    mirror.faults["/ofac_sdn/SDN.CSV"] = "stall"
    f = fast(mirror=mirror.url, retries=3)
    with pytest.raises(FetchError) as err:
        f.download("ofac_sdn", "https://x/SDN.CSV", tmp_path / "SDN.CSV")
    url = f"{mirror.url}/ofac_sdn/SDN.CSV"
    assert re.fullmatch(rf"ofac_sdn: timed out: no response from {re.escape(url)} after 2 "
                        r"attempt\(s\), 1\.\d s in all \(up to 0\.5 s each\); gave up",
                        str(err.value)), str(err.value)
    assert mirror.log == [("/ofac_sdn/SDN.CSV", 0), ("/ofac_sdn/SDN.CSV", 0)]
    # Other files on that host are not waited for again in this run.
    with pytest.raises(FetchError) as err:
        f.download("ofac_sdn", "https://x/ALT.CSV", tmp_path / "ALT.CSV")
    assert str(err.value) == (f"ofac_sdn: not tried: {mirror.url.split('//')[1]} gave no "
                              f"answer to {url}")
    assert len(mirror.log) == 2


def test_a_silent_server_is_cut_at_the_deadline(mirror: Mirror, tmp_path: Path) -> None:
    mirror.faults["/ofac_sdn/SDN.CSV"] = "stall"
    f = Fetcher(mirror=mirror.url, timeout=(1.0, 30.0), retries=3, backoff=0.0, deadline=1.0)
    with pytest.raises(FetchError) as err:
        f.download("ofac_sdn", "https://x/SDN.CSV", tmp_path / "SDN.CSV")
    assert re.fullmatch(r"ofac_sdn: timed out: no response from \S+ after 1 attempt\(s\), "
                        r"1\.\d s in all \(up to 30 s each\); gave up", str(err.value))


def test_a_body_that_stops_names_the_read_timeout(mirror: Mirror, tmp_path: Path) -> None:
    mirror.faults["/ofac_sdn/SDN.CSV"] = "trickle"
    mirror.trickle_every = 2.0
    with pytest.raises(FetchError) as err:
        fast(mirror=mirror.url).download("ofac_sdn", "https://x/SDN.CSV", tmp_path / "SDN.CSV")
    assert str(err.value) == (f"ofac_sdn: timed out: {mirror.url}/ofac_sdn/SDN.CSV sent nothing "
                              "for 0.5 s after 0 bytes; gave up")


def test_one_fetcher_downloads_files_one_after_another(mirror: Mirror, tmp_path: Path) -> None:
    """Kept-alive connections survive the deadline watch of the download before."""
    mirror.put("ofac_sdn/ALT.CSV", CSV * 3)
    f = fast(mirror=mirror.url)
    for name in ("SDN.CSV", "ALT.CSV", "SDN.CSV"):
        f.download("ofac_sdn", f"https://x/{name}", tmp_path / name)
    assert [(tmp_path / n).read_bytes() for n in ("SDN.CSV", "ALT.CSV")] == [CSV, CSV * 3]


# --- content encoding ------------------------------------------------------------------------


def test_gzip_with_the_compressed_length_is_whole(mirror: Mirror, tmp_path: Path) -> None:
    """Content-Length counts bytes on the wire; the file is the inflated body."""
    body = CSV * 5000
    mirror.put("ofac_sdn/SDN.CSV", body)
    mirror.faults["/ofac_sdn/SDN.CSV"] = "gzip"
    f = fast(mirror=mirror.url)
    f.download("ofac_sdn", "https://x/SDN.CSV", tmp_path / "SDN.CSV")
    meta = f.fetched[tmp_path / "SDN.CSV"]
    assert (tmp_path / "SDN.CSV").read_bytes() == body
    assert (meta.size, meta.sha256) == (len(body), hashlib.sha256(body).hexdigest())


def test_a_gzip_bomb_stops_at_the_cap_in_bounded_memory(mirror: Mirror, tmp_path: Path) -> None:
    member = gzip.compress(b"0," * (1 << 19), mtime=0)  # 1 MiB in about 1 KB
    mirror.put("src/SDN.CSV", member * 1024)  # 1 MB of gzip, 1 GiB unpacked
    mirror.faults["/src/SDN.CSV"] = "as-gzip"
    tracemalloc.start()
    try:
        with pytest.raises(FetchError) as err:
            fast(mirror=mirror.url, max_bytes=4 << 20).download("src", "https://x/SDN.CSV",
                                                                 tmp_path / "SDN.CSV")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(err.value) == (f"src: {mirror.url}/src/SDN.CSV sent compressed data that "
                              "unpacks to more than 4,194,304 bytes; stopped")
    assert peak < 16 << 20  # the mirror's copy of the body, a few steps of 1 MiB, no more


@pytest.mark.parametrize(
    ("stored", "fault", "message"),
    [
        (gzip.compress(CSV * 100, mtime=0)[:-20], "as-gzip",
         "truncated download from {u}: the gzip data ends early"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage", "as-gzip",
         "{u} sent broken gzip data (Error -3 while decompressing data: invalid block type)"),
        (CSV, "br", "{u}: unsupported Content-Encoding 'br'; refused"),
    ],
)
def test_bad_encodings_are_one_line(
    mirror: Mirror, tmp_path: Path, stored: bytes, fault: str, message: str
) -> None:
    mirror.put("src/SDN.CSV", stored)
    mirror.faults["/src/SDN.CSV"] = fault
    with pytest.raises(FetchError) as err:
        fast(mirror=mirror.url).download("src", "https://x/SDN.CSV", tmp_path / "SDN.CSV")
    assert str(err.value) == "src: " + message.format(u=f"{mirror.url}/src/SDN.CSV")


def test_inflater_reads_members_and_both_deflates() -> None:
    data = b"".join(bytes([i % 251]) * 3000 for i in range(2000))
    bodies = {
        "gzip": gzip.compress(data[:5000], mtime=0) + gzip.compress(data[5000:], mtime=0),
        "deflate": zlib.compress(data),
        "DEFLATE": zlib.compress(data)[2:-4],  # raw deflate, as some servers send it
        "identity": data,
    }
    for encoding, body in bodies.items():
        inflater = Inflater(encoding)
        out = b"".join(o for i in range(0, len(body), 1000)
                       for o in inflater.feed(body[i:i + 1000]))
        inflater.finish()
        assert out == data, encoding


def test_json_and_html_have_a_smaller_cap(
    mirror: Mirror, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(fetch.FORMAT_MAX_BYTES, "json", 100)
    mirror.put("src/list.json", b'{"items": [' + b"1," * 100 + b"1]}")
    with pytest.raises(FetchError) as err:
        fast(mirror=mirror.url).download("src", "https://x/list.json", tmp_path / "list.json")
    assert str(err.value) == f"src: {mirror.url}/src/list.json sent more than 100 bytes; " \
        "download stopped"


# --- redirects and line length ---------------------------------------------------------------


@pytest.fixture()
def other(tmp_path: Path) -> Iterator[Mirror]:
    """A second server: reached as `localhost`, another host name than the mirror's."""
    with serve(tmp_path / "other") as m:
        m.put("ofac_sdn/SDN.CSV", CSV * 2)
        m.url = m.url.replace("127.0.0.1", "localhost")
        yield m


def test_redirect_within_the_host_is_followed(mirror: Mirror, tmp_path: Path) -> None:
    mirror.put("moved/SDN.CSV", CSV * 2)
    mirror.redirects["/ofac_sdn/SDN.CSV"] = "/moved/SDN.CSV"
    f = fast(mirror=mirror.url)
    f.download("ofac_sdn", "https://x/SDN.CSV", tmp_path / "SDN.CSV")
    assert (tmp_path / "SDN.CSV").read_bytes() == CSV * 2
    assert f.fetched[tmp_path / "SDN.CSV"].url == f"{mirror.url}/ofac_sdn/SDN.CSV"
    assert mirror.log == [("/ofac_sdn/SDN.CSV", 302), ("/moved/SDN.CSV", 200)]


def test_redirect_to_another_host_is_refused(
    mirror: Mirror, other: Mirror, tmp_path: Path
) -> None:
    mirror.redirects["/ofac_sdn/SDN.CSV"] = f"{other.url}/ofac_sdn/SDN.CSV"
    with pytest.raises(FetchError) as err:
        fast(mirror=mirror.url, allowed_hosts=[]).download("ofac_sdn", "https://x/SDN.CSV",
                                                           tmp_path / "SDN.CSV")
    assert str(err.value) == (
        f"ofac_sdn: {mirror.url}/ofac_sdn/SDN.CSV redirects from 127.0.0.1 to another host, "
        "localhost; refused (allow it with SANCTIONS_ALLOWED_HOSTS=localhost)")
    assert other.log == []


@pytest.mark.parametrize("how", ["option", "environment"])
def test_redirect_to_an_allowed_host_is_followed(
    mirror: Mirror, other: Mirror, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    mirror.redirects["/ofac_sdn/SDN.CSV"] = f"{other.url}/ofac_sdn/SDN.CSV"
    if how == "option":
        f = fast(mirror=mirror.url, allowed_hosts=["example.org", "LocalHost"])
    else:
        monkeypatch.setenv("SANCTIONS_ALLOWED_HOSTS", "example.org, localhost")
        f = fast(mirror=mirror.url)
    f.download("ofac_sdn", "https://x/SDN.CSV", tmp_path / "SDN.CSV")
    assert (tmp_path / "SDN.CSV").read_bytes() == CSV * 2
    assert other.log == [("/ofac_sdn/SDN.CSV", 200)]


def test_redirect_rules() -> None:
    none: frozenset[str] = frozenset()
    assert follow("https://a.gov/x", "https://a.gov/x", "/y?z=1", none) == "https://a.gov/y?z=1"
    assert follow("http://a.gov/x", "http://a.gov/x", "https://a.gov:8443/y", none) == (
        "https://a.gov:8443/y")
    refusals = [
        ("https://a.gov/x", "http://a.gov/y",
         "https://a.gov/x redirects from https to plain http (a.gov); refused"),
        ("https://a.gov/x", "file:///etc/passwd",
         "https://a.gov/x redirects to a file URL; refused"),
        ("https://a.gov/x", None, "https://a.gov/x answered a redirect without a Location"),
    ]
    for origin, location, message in refusals:
        with pytest.raises(ValueError) as err:
            follow(origin, origin, location, none)
        assert str(err.value) == message


def test_a_redirect_loop_ends(mirror: Mirror, tmp_path: Path) -> None:
    mirror.redirects["/ofac_sdn/SDN.CSV"] = "/ofac_sdn/SDN.CSV"
    with pytest.raises(FetchError) as err:
        fast(mirror=mirror.url).download("ofac_sdn", "https://x/SDN.CSV", tmp_path / "SDN.CSV")
    assert str(err.value) == (f"ofac_sdn: {mirror.url}/ofac_sdn/SDN.CSV redirected more than 5 "
                              "times; gave up")
    assert len(mirror.log) == 6


def test_error_lines_are_capped(mirror: Mirror, tmp_path: Path) -> None:
    long = f"{mirror.url}/{'x' * 60_000}"
    mirror.redirects["/ofac_sdn/SDN.CSV"] = long
    with pytest.raises(FetchError) as err:
        fast(mirror=mirror.url).download("ofac_sdn", "https://x/SDN.CSV", tmp_path / "SDN.CSV")
    full = f"HTTP 404 from {mirror.url}/ofac_sdn/SDN.CSV (redirected to {long})"
    assert str(err.value) == "ofac_sdn: " + clip(full)
    assert len(clip(full)) == MAX_LINE and clip(full).endswith(f"({len(full):,} characters in all)")

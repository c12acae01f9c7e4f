"""The fetcher against a real local HTTP server: faults become one clear SourceError each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctions.sources.fetch import (
    Fetcher,
    FetchError,
    download,
    expected_format,
    mirror_url,
    using,
)
from tests.mirror_server import Mirror, serve

CSV = b'36,"AEROCARIBBEAN AIRLINES",-0-,"CUBA",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n'


@pytest.fixture()
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    root = tmp_path / "mirror"
    with serve(root) as m:
        m.put("ofac_sdn/SDN.CSV", CSV)
        yield m


def fast(**kw: object) -> Fetcher:
    return Fetcher(timeout=(1.0, 0.5), retries=1, backoff=0.0, **kw)  # type: ignore[arg-type]


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

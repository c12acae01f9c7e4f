"""`sanctions update` end to end against a local mirror: faults keep the database, changes land."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctions.cli import app
from sanctions.ingest.build import build
from sanctions.ingest.update import Unreachable, update
from sanctions.sources import get_source
from sanctions.sources.base import Source
from sanctions.sources.fetch import Fetcher
from tests.mirror_server import Mirror, serve
from tests.small_sdn import small_sdn
from tests.test_fetch import BOMB

UN = get_source("un_sc")
runner = CliRunner()


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[Source]:
    """OFAC SDN, a tenth of it (the update logic does not need 15,000 entries), and UN."""
    return [small_sdn(tmp_path_factory.mktemp("small_sdn")), UN]


def snapshot_mirror(root: Path, sdn: Source) -> None:
    """The mirror layout from the snapshot's official files: <key>/<official file name>."""
    snap = sdn.snapshot_paths()
    for role, name in (("sdn", "SDN.CSV"), ("alt", "ALT.CSV"), ("add", "ADD.CSV"),
                       ("comments", "SDN_COMMENTS.CSV")):
        (root / "ofac_sdn").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(snap[role], root / "ofac_sdn" / name)
    (root / "un_sc").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(UN.snapshot_paths()["xml"], root / "un_sc" / "consolidated.xml")


@pytest.fixture(scope="module")
def snapshot_db(tmp_path_factory: pytest.TempPathFactory, sources: list[Source]) -> Path:
    path = tmp_path_factory.mktemp("snap") / "sanctions.db"
    build(path, sources=sources)
    return path


@pytest.fixture()
def db(tmp_path: Path, snapshot_db: Path) -> Path:
    path = tmp_path / "db" / "sanctions.db"
    path.parent.mkdir()
    shutil.copyfile(snapshot_db, path)
    return path


@pytest.fixture()
def mirror(tmp_path: Path, sources: list[Source]) -> Iterator[Mirror]:
    snapshot_mirror(tmp_path / "mirror", sources[0])
    with serve(tmp_path / "mirror") as m:
        yield m


def fast(mirror: Mirror) -> Fetcher:
    return Fetcher(mirror=mirror.url, timeout=(1.0, 0.5), retries=1, backoff=0.0)


def q(db: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return [tuple(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def _changed_columns(m: Mirror) -> None:
    rows = (m.root / "ofac_sdn" / "SDN.CSV").read_bytes().splitlines(keepends=True)
    m.put("ofac_sdn/SDN.CSV", b"".join(r.rstrip(b"\r\n") + b',"extra"\r\n' for r in rows))


FAULTS = {
    "http-500": ("ofac_sdn", lambda m: m.faults.update({"/ofac_sdn/SDN.CSV": "500"}),
                 "HTTP 500 from"),
    "timeout": ("ofac_sdn", lambda m: m.faults.update({"/ofac_sdn/ALT.CSV": "timeout"}),
                "timed out"),
    "truncated": ("un_sc", lambda m: m.faults.update({"/un_sc/consolidated.xml": "truncated"}),
                  "truncated download"),
    "html": ("ofac_sdn", lambda m: m.put("ofac_sdn/SDN.CSV", b"<!DOCTYPE html>\n<html>503</html>"),
             "HTML page"),
    "empty": ("ofac_sdn", lambda m: m.put("ofac_sdn/ADD.CSV", b""), "empty response"),
    "changed-columns": ("ofac_sdn", _changed_columns, "unexpected columns"),
    "xml-bomb": ("un_sc", lambda m: m.put("un_sc/consolidated.xml", BOMB), "declares entities"),
    "1gb-length": ("un_sc", lambda m: m.faults.update({"/un_sc/consolidated.xml": "huge"}),
                   "announces 1,073,741,824 bytes"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_keeps_database_byte_identical(
        db: Path, mirror: Mirror, fault: str, sources: list[Source],
) -> None:
    key, inject, message = FAULTS[fault]
    inject(mirror)
    before = db.read_bytes()
    result = update(db, keys=[key], sources=sources, fetcher=fast(mirror))
    [res] = result.sources
    assert (res.key, res.status, result.rebuilt) == (key, "failed", False)
    assert message in res.reason
    assert res.line().startswith(f"{key}: FAILED: ") and "previous data" in res.line()
    assert db.read_bytes() == before
    assert not (db.parent / "cache" / key).exists()  # nothing bad becomes "last good"
    assert [p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_bomb_refused_by_the_parser_too(tmp_path: Path) -> None:
    """Defence in depth: were the sniffer bypassed, defusedxml refuses the DTD."""
    from sanctions.errors import SourceError
    from sanctions.sources.base import Report

    path = tmp_path / "consolidated.xml"
    path.write_bytes(BOMB)
    with pytest.raises(SourceError, match="unsafe"):
        list(UN.parse({"xml": path}, Report()))


def test_second_update_downloads_nothing(db: Path, mirror: Mirror, sources: list[Source]) -> None:
    first = update(db, sources=sources, fetcher=fast(mirror))
    assert [(s.key, s.status) for s in first.sources] == [("ofac_sdn", "updated"),
                                                          ("un_sc", "unchanged")]
    assert first.rebuilt
    cached = json.loads((db.parent / "cache" / "ofac_sdn" / "fetch.json").read_text())
    assert sorted(cached["files"]) == ["add", "alt", "comments", "sdn"]
    # Relative to the database's directory: no server path is published.
    assert q(db, "SELECT role, path FROM source_files WHERE source='ofac_sdn' AND role='sdn'") \
        == [("sdn", "cache/ofac_sdn/SDN.CSV")]
    before, changes = db.read_bytes(), q(db, "SELECT count(*) FROM changes")
    mirror.log.clear()
    second = update(db, sources=sources, fetcher=fast(mirror))
    assert [(s.key, s.status, s.downloaded) for s in second.sources] == [
        ("ofac_sdn", "unchanged", 0), ("un_sc", "unchanged", 0)]
    assert mirror.downloads() == []
    assert {status for _, status in mirror.log} == {304}
    assert not second.rebuilt
    assert db.read_bytes() == before
    assert q(db, "SELECT count(*) FROM changes") == changes


def _edit_sdn(path: Path) -> tuple[list[str], list[str]]:
    """Drop three entries and add two; returns (dropped ids, added ids)."""
    text = path.read_bytes().decode("latin-1")  # a byte-preserving round trip
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r and r != ["\x1a"]]
    dropped = [rows.pop(100), rows.pop(200), rows.pop(300)]
    added = [["99999901", "ZZTEST ALPHA TRADING LLC", *rows[0][2:]],
             ["99999902", "ZZTEST BRAVO SHIPPING CO", *rows[0][2:]]]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(added + rows)
    path.write_bytes(out.getvalue().encode("latin-1") + b"\x1a")  # OFAC's end marker
    return ([f"ofac_sdn:{d[0]}" for d in dropped], ["ofac_sdn:99999901", "ofac_sdn:99999902"])


def test_dropped_and_added_entries_are_exactly_the_changes(
        db: Path, mirror: Mirror, sources: list[Source],
) -> None:
    update(db, keys=["ofac_sdn"], sources=sources, fetcher=fast(mirror))
    dropped, added = _edit_sdn(mirror.root / "ofac_sdn" / "SDN.CSV")
    mirror.log.clear()
    result = update(db, keys=["ofac_sdn"], sources=sources, fetcher=fast(mirror))
    assert result.rebuilt and result.ok
    assert mirror.downloads() == ["/ofac_sdn/SDN.CSV"]  # the other three answered 304
    at = q(db, "SELECT value FROM build_info WHERE key='built_at'")[0][0]
    rows = q(db, "SELECT entity_id, change FROM changes WHERE at = ? ORDER BY entity_id", at)
    assert rows == sorted([(e, "removed") for e in dropped] + [(e, "added") for e in added])
    # The database answers for them at once: names of added entities are there, dropped gone.
    assert q(db, "SELECT count(*) FROM names WHERE entity_id IN (?,?,?)", *dropped) == [(0,)]
    assert q(db, "SELECT name FROM names WHERE entity_id = ? AND kind = 'primary'", added[0]) \
        == [("ZZTEST ALPHA TRADING LLC",)]
    history = q(db, "SELECT entity_id, removed_at IS NOT NULL FROM entity_history"
                " WHERE entity_id IN (?,?,?,?,?) ORDER BY entity_id", *dropped, *added)
    assert history == sorted([(e, 1) for e in dropped] + [(e, 0) for e in added])
    try:
        from sanctions.screening import screen
    except ImportError:  # the matcher is developed alongside; the SQL checks above still hold
        return
    hits = screen("ZZTEST BRAVO SHIPPING CO", db=db, source="ofac_sdn")["matches"]
    assert hits[0]["entity_id"] == added[1]


def test_unreachable_hosts_keep_database(db: Path, sources: list[Source]) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    before = db.read_bytes()
    fetcher = Fetcher(mirror=f"http://127.0.0.1:{port}", timeout=(1.0, 1.0), retries=0)
    with pytest.raises(Unreachable, match="cannot reach the source hosts"):
        update(db, sources=sources, fetcher=fetcher)
    assert db.read_bytes() == before


def test_one_source_fails_the_others_update(
        db: Path, mirror: Mirror, sources: list[Source],
) -> None:
    _edit_sdn(mirror.root / "ofac_sdn" / "SDN.CSV")
    mirror.put("un_sc/consolidated.xml", b"<!DOCTYPE html><html>maintenance</html>")
    before_un = q(db, "SELECT id, name FROM entities WHERE source='un_sc' ORDER BY id")
    result = update(db, sources=sources, fetcher=fast(mirror))
    assert [(s.key, s.status) for s in result.sources] == [("ofac_sdn", "updated"),
                                                           ("un_sc", "failed")]
    assert result.rebuilt and not result.ok
    assert q(db, "SELECT id, name FROM entities WHERE source='un_sc' ORDER BY id") == before_un
    assert q(db, "SELECT count(*) FROM entities WHERE id = 'ofac_sdn:99999901'") == [(1,)]


def test_cli_update_and_changes(
        db: Path, mirror: Mirror, monkeypatch: pytest.MonkeyPatch, sources: list[Source],
) -> None:
    # The CLI downloads and builds the whole registry; keep this test to the two sources the
    # mirror serves (the build's list too: else the rebuild imports every other snapshot).
    monkeypatch.setattr("sanctions.ingest.update.all_sources", lambda: sources)
    monkeypatch.setattr("sanctions.ingest.build.all_sources", lambda: sources)
    result = runner.invoke(app, ["update", "--db", str(db), "--mirror", mirror.url])
    assert result.exit_code == 0, result.output
    assert "ofac_sdn: updated" in result.stderr and "un_sc: unchanged" in result.stderr
    mirror.put("un_sc/consolidated.xml", b"")
    result = runner.invoke(app, ["update", "--db", str(db), "--mirror", mirror.url,
                                 "--source", "un_sc"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: un_sc: empty response")
    out = runner.invoke(app, ["changes", "--db", str(db), "--source", "ofac_sdn",
                              "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert {"entity_id", "change", "source", "at"} <= set(rows[0])
    assert {r["change"] for r in rows} >= {"baseline", "removed"}


def test_source_not_available_online_is_skipped_not_failed(
        db: Path, mirror: Mirror, sources: list[Source],
) -> None:
    """eu_vessels has no parser for the official EU file yet: it says so, downloads nothing,
    keeps its data, and does not make the update fail."""
    before = db.read_bytes()
    eu = get_source("eu_vessels")
    result = update(db, ["eu_vessels", "un_sc"], sources=[*sources, eu], fetcher=fast(mirror))
    assert [(s.key, s.status) for s in result.sources] == [("eu_vessels", "skipped"),
                                                           ("un_sc", "unchanged")]
    assert result.ok and not result.rebuilt
    assert result.sources[0].line().startswith(
        "eu_vessels: skipped: no parser yet for the EU Financial Sanctions File")
    assert [p for p, _ in mirror.log if "eu_vessels" in p] == []  # nothing was requested
    assert db.read_bytes() == before


def _cut_sdn(m: Mirror) -> int:
    """SDN.CSV cut at a row boundary (5% of rows gone), OFAC's end marker put back, so only the
    drop check can tell. Returns the rows kept."""
    rows = (m.root / "ofac_sdn" / "SDN.CSV").read_bytes().rstrip(b"\x1a").split(b"\r\n")[:-1]
    keep = rows[: len(rows) * 95 // 100]
    m.put("ofac_sdn/SDN.CSV", b"\r\n".join(keep) + b"\r\n\x1a")
    return len(keep)


def test_a_drop_is_refused_and_the_others_still_update(
        db: Path, mirror: Mirror, sources: list[Source],
) -> None:
    from sanctions.screening import screen

    kept, before = _cut_sdn(mirror), 1511  # the small SDN's entities in the snapshot build
    mirror.put("un_sc/consolidated.xml", (mirror.root / "un_sc" / "consolidated.xml")
               .read_bytes().replace(b"<FIRST_NAME>", b"<FIRST_NAME>ZZ", 1))
    before_sdn = q(db, "SELECT id, name FROM entities WHERE source='ofac_sdn' ORDER BY id")
    result = update(db, sources=sources, fetcher=fast(mirror))
    assert [(s.key, s.status) for s in result.sources] == [("ofac_sdn", "failed"),
                                                           ("un_sc", "updated")]
    assert result.sources[0].line() == (
        f"ofac_sdn: FAILED: {kept:,} entities, {before - kept:,} ({(before - kept) / before:.1%}) "
        "fewer than the last good build's 1,511; refused (accept with --accept-drop ofac_sdn); "
        "keeping its previous data")
    assert result.rebuilt and not result.ok
    assert q(db, "SELECT id, name FROM entities WHERE source='ofac_sdn' ORDER BY id") \
        == before_sdn
    assert not (db.parent / "cache" / "ofac_sdn").exists()  # never the "last good" set
    assert screen("OKUKA, Branislav", db=db)["matches"][0]["entity_id"] == "ofac_sdn:48179"


def test_an_accepted_drop_updates(db: Path, mirror: Mirror, sources: list[Source]) -> None:
    kept = _cut_sdn(mirror)
    result = update(db, ["ofac_sdn"], sources=sources, fetcher=fast(mirror),
                    accept_drop=["ofac_sdn"])
    assert [(s.key, s.status, s.entities) for s in result.sources] == [
        ("ofac_sdn", "updated", kept)]
    assert q(db, "SELECT entity_count FROM sources WHERE key='ofac_sdn'") == [(kept,)]


def test_update_waits_for_a_running_build_then_refuses(
        db: Path, mirror: Mirror, sources: list[Source],
) -> None:
    from sanctions.errors import SanctionsError
    from sanctions.ingest.housekeeping import locked

    before = db.read_bytes()
    with locked(db), pytest.raises(SanctionsError, match="another build or update"):
        update(db, sources=sources, fetcher=fast(mirror), lock_wait=0.2)
    assert mirror.log == [] and db.read_bytes() == before


def test_staging_left_by_a_killed_update_is_cleared(
        db: Path, mirror: Mirror, sources: list[Source],
) -> None:
    leftover = db.parent / "cache" / ".incoming" / "un_sc.old"
    leftover.mkdir(parents=True)
    (leftover / "consolidated.xml").write_bytes(b"<partial")
    update(db, ["un_sc"], sources=sources, fetcher=fast(mirror))
    assert not leftover.exists()

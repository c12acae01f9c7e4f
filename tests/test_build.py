"""The offline build: what it holds, and that bad input never costs the last good database."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctions.cli import app
from sanctions.ingest.build import build
from sanctions.sources import get_source

FIXTURES = Path(__file__).parent / "fixtures"

runner = CliRunner()


def q(db: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return [tuple(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


@pytest.mark.slow
def test_full_build_ofac_counts(full_db: Path) -> None:
    assert q(full_db, "SELECT type, count(*) FROM entities WHERE source='ofac_sdn' GROUP BY type"
             " ORDER BY type") == [
        ("aircraft", 376), ("organization", 6909), ("person", 6889), ("vessel", 903)]
    assert q(full_db, "SELECT count(*) FROM entities WHERE source='ofac_cons'") == [(443,)]


@pytest.mark.slow
def test_full_build_key_facts(full_db: Path) -> None:
    assert q(full_db, "SELECT name, type, programs FROM entities WHERE id='ofac_sdn:49756'") == [
        ("TREN DE ARAGUA", "organization", '["FTO", "SDGT", "TCO"]')]
    assert q(full_db, "SELECT date FROM birth_dates WHERE entity_id='ofac_sdn:22790'") == [
        ("1962-11-23",)]
    assert ("cedula", "5892464", "Venezuela") in q(
        full_db, "SELECT scheme, value, country FROM identifiers WHERE entity_id='ofac_sdn:22790'")
    assert q(full_db, "SELECT e.name, v.imo, v.imo_valid FROM vessels v JOIN entities e"
             " ON e.id = v.entity_id WHERE v.imo = '9323596'") == [("NORD STAR", "9323596", 1)]
    # Every OFAC vessel whose remarks give an IMO number carries it in the vessels table.
    stated = q(full_db, "SELECT count(*) FROM entities WHERE source='ofac_sdn' AND type='vessel'"
               " AND remarks LIKE '%IMO %'")[0][0]
    carried = q(full_db, "SELECT count(*) FROM vessels WHERE entity_id LIKE 'ofac_sdn:%'"
                " AND imo IS NOT NULL")[0][0]
    assert carried == stated > 800


@pytest.mark.slow
def test_full_build_provenance(full_db: Path) -> None:
    files = q(full_db, "SELECT role, path, as_of, kind FROM source_files WHERE source='ofac_sdn'"
              " ORDER BY id")
    assert ("sdn", "ofac_sdn/2024-05-03/sdn.csv", "2024-05-03", "official") in files
    excerpt = ("sdn_excerpt", "ofac_sdn/2026-excerpt/sdn_excerpt.csv", "2026-06-02", "excerpt")
    assert excerpt in files
    notes = json.loads(q(full_db, "SELECT notes FROM sources WHERE key='ofac_sdn'")[0][0])
    assert notes["alt rows without an entry"] > 0  # counted, not fatal
    shas = q(full_db, "SELECT sha256 FROM source_files WHERE role='sdn' AND source='ofac_sdn'")
    assert shas == [("210ca6b4a8187a34e0850be69ecc6e918f23ad7778b8b5b2f9c9d5fbbaf4e0cb",)]


@pytest.mark.slow
def test_sources_json_lists_every_source(full_db: Path) -> None:
    result = runner.invoke(app, ["sources", "--db", str(full_db), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["key"]: r for r in json.loads(result.stdout)}
    assert rows["ofac_sdn"]["entity_count"] == 15077
    assert rows["ofac_sdn"]["counts"] == {
        "aircraft": 376, "organization": 6909, "person": 6889, "vessel": 903}
    assert rows["ofac_cons"]["as_of"] == "2025-08-18"
    assert rows["ofac_sdn"]["kind"] == "official"
    assert all(r["age_days"] is not None and r["age_days"] >= 0 for r in rows.values())


@pytest.fixture()
def good_db(tmp_path: Path) -> Path:
    """A small good database built from the trimmed real OFAC fixtures."""
    path = tmp_path / "good.db"
    runner.invoke(app, ["build", "--db", str(path), "--source", "ofac_cons"])
    assert path.exists()
    return path


HTML_ERROR = b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head></html>\n"


def _truncated_sdn(tmp_path: Path) -> Path:
    data = get_source("ofac_sdn").snapshot_paths()["sdn"].read_bytes()
    path = tmp_path / "SDN.CSV"
    path.write_bytes(data[: len(data) // 2])  # cut mid-row, mid-quote
    return path


@pytest.mark.parametrize(
    ("spec", "make", "message"),
    [
        ("ofac_sdn:sdn", _truncated_sdn, "ofac_sdn"),
        ("ofac_sdn:sdn", lambda t: _write(t, "SDN.CSV", b""), "file is empty"),
        ("ofac_sdn:sdn", lambda t: _write(t, "SDN.CSV", HTML_ERROR), "HTML page"),
        ("ofac_cons:xml", lambda t: _write(t, "CONSOLIDATED.XML",
                                          b"<?xml version='1.0'?><rss><channel/></rss>"),
         "sdnList"),
    ],
    ids=["truncated", "empty", "html", "not-sdnlist"],
)
def test_bad_input_keeps_previous_database(
    tmp_path: Path, good_db: Path, spec: str, make, message: str
) -> None:
    before = good_db.read_bytes()
    bad = make(tmp_path)
    result = runner.invoke(app, ["build", "--db", str(good_db), "--file", f"{spec}={bad}"])
    assert result.exit_code == 2
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("error: " + spec.split(":")[0])
    assert message in line
    assert "previous database" in line
    assert good_db.read_bytes() == before
    assert [p.name for p in good_db.parent.iterdir() if p.name.endswith(".tmp")] == []


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_validation_failure_names_source(tmp_path: Path, good_db: Path) -> None:
    """A well-formed but tiny file (a trimmed fixture) fails the expected-count check."""
    before = good_db.read_bytes()
    result = runner.invoke(app, ["build", "--db", str(good_db), "--source", "ofac_sdn",
                                 "--file", f"ofac_sdn:sdn={FIXTURES / 'ofac' / 'sdn.csv'}"])
    assert result.exit_code == 2
    assert "ofac_sdn: validation failed:" in result.stderr
    assert "expected between" in result.stderr
    assert good_db.read_bytes() == before


def test_build_replaces_database_atomically(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    build(path, sources=[get_source("ofac_cons")])
    first_inode = path.stat().st_ino
    build(path, sources=[get_source("ofac_cons")])
    assert path.stat().st_ino != first_inode  # a new file renamed over the old, never edited
    assert q(path, "SELECT count(*) FROM entities") == [(443,)]
    assert q(path, "PRAGMA integrity_check") == [("ok",)]


def test_unknown_file_spec_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "--db", str(tmp_path / "x.db"), "--file", "nonsense"])
    assert result.exit_code == 2
    assert "SOURCE:ROLE=PATH" in result.stderr


# --- Validation against the last good build, partial builds, housekeeping. ---

UN = get_source("un_sc")
CONS = get_source("ofac_cons")
TRIMMED_UN = FIXTURES / "un" / "consolidated_trimmed.xml"


def _small(source, **changes):  # the trimmed fixture is below the declared minimum count
    from dataclasses import replace

    from sanctions.sources.base import Expected

    return replace(source, expected=Expected(total=(1, 5000)), **changes)


@pytest.fixture(scope="module")
def un_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("un") / "un.db"
    build(path, sources=[UN])
    return path


@pytest.fixture()
def un_copy(tmp_path: Path, un_db: Path) -> Path:
    path = tmp_path / "s.db"
    path.write_bytes(un_db.read_bytes())
    return path


def _trimmed_count() -> int:
    from sanctions.sources.base import Report

    return len(list(UN.parse({"xml": TRIMMED_UN}, Report())))


def test_a_drop_beyond_the_limit_is_refused(un_copy: Path) -> None:
    from sanctions.errors import DropRefused
    from sanctions.ingest.build import Input

    before = un_copy.read_bytes()
    n = _trimmed_count()
    with pytest.raises(DropRefused) as err:
        build(un_copy, sources=[_small(UN)], inputs={"un_sc": Input({"xml": TRIMMED_UN})})
    assert str(err.value) == (f"un_sc: {n:,} entities, {1003 - n:,} ({(1003 - n) / 1003:.1%}) "
                              "fewer than the last good build's 1,003; refused (accept with "
                              "--accept-drop un_sc)")
    assert un_copy.read_bytes() == before


def test_an_accepted_drop_goes_through(un_copy: Path) -> None:
    from sanctions.ingest.build import Input

    result = build(un_copy, sources=[_small(UN)], accept_drop=["un_sc"],
                   inputs={"un_sc": Input({"xml": TRIMMED_UN})})
    assert [(s.key, s.total) for s in result.sources] == [("un_sc", _trimmed_count())]


def test_a_declared_limit_is_used(un_copy: Path) -> None:
    from sanctions.ingest.build import Input

    tolerant = _small(UN, max_shrink=1.0)
    assert (UN.shrink_limit, tolerant.shrink_limit) == (0.03, 1.0)
    build(un_copy, sources=[tolerant], inputs={"un_sc": Input({"xml": TRIMMED_UN})})
    assert q(un_copy, "SELECT entity_count FROM sources") == [(_trimmed_count(),)]


def test_shrink_limits_by_kind_unless_declared() -> None:
    from sanctions.sources import all_sources

    assert {s.key: s.shrink_limit for s in all_sources()} == {
        "ofac_sdn": 0.03, "ofac_cons": 0.05, "un_sc": 0.03, "uk_sanctions": 0.03,
        "state_fto": 0.05, "state_rewards": 0.10, "eu_vessels": 0.05, "fbi_wanted": 0.2}


def test_cli_accept_drop_names_a_known_source(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "--db", str(tmp_path / "x.db"),
                                 "--accept-drop", "nope"])
    assert (result.exit_code, result.stderr) == (2, "error: unknown source key 'nope'\n")


def test_unknown_file_role_is_refused(tmp_path: Path, good_db: Path) -> None:
    before = good_db.read_bytes()
    result = runner.invoke(app, ["build", "--db", str(good_db), "--source", "ofac_cons",
                                 "--file", f"ofac_cons:PRIM={FIXTURES / 'ofac' / 'sdn.csv'}"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"error: ofac_cons: unknown file role(s) 'PRIM' (its roles: xml, prim, add); the "
        f"previous database at {good_db} is unchanged")
    assert good_db.read_bytes() == before


def test_partial_build_keeps_the_other_sources(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    build(db, sources=[CONS, UN])
    un_rows = q(db, "SELECT * FROM entities WHERE source='un_sc' ORDER BY id")
    un_files = q(db, "SELECT source, role, path, sha256 FROM source_files WHERE source='un_sc'")
    un_names = q(db, "SELECT entity_id, name, kind FROM names WHERE entity_id LIKE 'un_sc:%'"
                 " ORDER BY entity_id, name, kind")
    result = build(db, sources=[CONS])
    assert (result.carried, result.total) == ({"un_sc": 1003}, 1003 + 443)
    assert q(db, "SELECT * FROM entities WHERE source='un_sc' ORDER BY id") == un_rows
    assert q(db, "SELECT source, role, path, sha256 FROM source_files WHERE source='un_sc'") \
        == un_files
    assert q(db, "SELECT entity_id, name, kind FROM names WHERE entity_id LIKE 'un_sc:%'"
             " ORDER BY entity_id, name, kind") == un_names
    assert q(db, "SELECT key FROM sources ORDER BY key") == [("ofac_cons",), ("un_sc",)]


def test_directory_as_db_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "--db", str(tmp_path), "--source", "ofac_cons"])
    assert (result.exit_code, result.stderr) == (
        2, f"error: {tmp_path} is a directory, not a database file\n")
    updated = runner.invoke(app, ["update", "--db", str(tmp_path)])
    assert (updated.exit_code, updated.stderr) == (
        2, f"error: {tmp_path} is a directory, not a database file\n")
    served = runner.invoke(app, ["serve", "--db", str(tmp_path)])
    assert (served.exit_code, served.stderr) == (
        2, f"error: {tmp_path} is a directory, not a database file\n")


def test_stale_temp_files_are_removed(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    stale = [tmp_path / ".s.db.999999.tmp", tmp_path / ".s.db.1.tmp"]
    for p in stale:
        p.write_bytes(b"x" * 1000)
    other = tmp_path / ".other.db.5.tmp"  # another database's: not ours to remove
    other.write_bytes(b"y")
    said: list[str] = []
    build(db, sources=[CONS], progress=said.append)
    assert said[0] == "removed 2 temporary file(s) of interrupted builds (0.0 MB)"
    names = sorted(p.name for p in tmp_path.iterdir())
    # the build's own index file stays beside it (s.db.<build id>.index), one of it
    assert [n for n in names if not n.endswith(".index")] == [".other.db.5.tmp", ".s.db.lock",
                                                              "s.db"]
    assert len([n for n in names if n.startswith("s.db.") and n.endswith(".index")]) == 1


def test_a_second_build_waits_then_refuses(tmp_path: Path) -> None:
    from sanctions.errors import SanctionsError
    from sanctions.ingest.housekeeping import locked

    db = tmp_path / "s.db"
    with locked(db), pytest.raises(SanctionsError) as err:
        build(db, sources=[CONS], lock_wait=0.2)
    assert str(err.value) == (f"another build or update of {db} is running (pid {os.getpid()}); "
                              "waited 0.2 s, try again when it has finished")
    assert not db.exists()
    build(db, sources=[CONS], lock_wait=0.2)  # released: the next one runs
    assert q(db, "SELECT count(*) FROM entities") == [(443,)]


def test_error_lines_are_capped() -> None:
    from sanctions.errors import MAX_LINE, SourceError

    err = SourceError("uk_sanctions", "bad value: " + "A" * 10_000_000 + "\nsecond line",
                      "/srv/secret/path/FCDO.ods")
    assert str(err) == "uk_sanctions (FCDO.ods): bad value: " + "A" * (MAX_LINE - 12) + "…"


def test_a_duplicate_in_a_later_chunk_is_refused_and_the_database_kept(un_copy: Path) -> None:
    """Records are written a chunk at a time, yet a source id repeated chunks later refuses the
    whole source with every duplicate counted, and the published database is untouched."""
    from sanctions.errors import ValidationError
    from sanctions.ingest.load import CHUNK
    from sanctions.models import Record

    def parse(paths, report):  # noqa: ANN001, ANN202 - a source's parse, as declared
        for n in range(CHUNK * 2 + 10):
            yield Record(source="ofac_cons", source_id=str(n), type="person", name=f"P {n}")
        for n in (CHUNK + 5, 3, 3):  # 3 twice more: one duplicate id, counted once
            yield Record(source="ofac_cons", source_id=str(n), type="person", name=f"P {n}")

    source = _small(CONS, parse=parse)
    before = un_copy.read_bytes()
    with pytest.raises(ValidationError) as err:
        build(un_copy, sources=[source], files={})
    assert str(err.value) == (f"ofac_cons: validation failed: 2 duplicate source ids "
                              f"({CHUNK + 5}, 3)")  # sorted as text
    assert un_copy.read_bytes() == before
    assert sorted(p.name for p in un_copy.parent.iterdir() if p.name.endswith(".tmp")) == []

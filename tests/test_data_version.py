"""The data version (build id, each source's as-of date and content hash) on every result: the
library, CLI JSON and CSV, GET and POST /-/screen.json, POST /-/match."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from typer.testing import CliRunner

from sanctions.cli import app
from sanctions.screening import data_version as version_of
from sanctions.screening import get_index, load_index, screen, screen_many
from sanctions.store.version import read_data_version

pytest_plugins = ["datasette_fixtures"]  # the ds and db_path fixtures
runner = CliRunner()
EMPTY = None  # the fixture database records no input files: no digest, not the digest of ""
# The fixture database's version, whole (datasette_fixtures.make_db).
FIXTURE_VERSION: dict[str, Any] = {
    "build": "2026-06-03T00:00:00+00:00", "version": None,
    "sources": {"ofac_sdn": {"as_of": "2026-06-02", "sha256": EMPTY},
                "state_fto": {"as_of": "2026-01-15", "sha256": EMPTY},
                "state_rewards": {"as_of": "2025-08-07", "sha256": EMPTY}}}


def test_the_version_names_the_build_and_each_sources_files(db_path: Path,
                                                            tmp_path: Path) -> None:
    assert read_data_version(db_path) == FIXTURE_VERSION
    # a source's hash is one digest of its files' own: the same files, the same hash
    copy = tmp_path / "files.db"
    shutil.copy(db_path, copy)
    conn = sqlite3.connect(copy)
    with conn:
        conn.executemany(
            "INSERT INTO source_files (source, role, path, as_of, kind, sha256, size)"
            " VALUES (?,?,?,?,?,?,?)",
            [("ofac_sdn", "sdn", "sdn.csv", "2026-06-02", "official", "aa" * 32, 1),
             ("ofac_sdn", "alt", "alt.csv", "2026-06-02", "official", "bb" * 32, 1)])
    conn.close()
    joined = f"alt:{'bb' * 32}\nsdn:{'aa' * 32}".encode()
    version = read_data_version(copy)
    assert version["sources"]["ofac_sdn"] == {"as_of": "2026-06-02",
                                              "sha256": hashlib.sha256(joined).hexdigest()}
    assert version["sources"]["state_fto"] == FIXTURE_VERSION["sources"]["state_fto"]


def test_computed_once_per_loaded_index(db_path: Path) -> None:
    index = get_index(db_path)
    assert version_of(index) == FIXTURE_VERSION
    assert version_of(index) is version_of(get_index(db_path))  # cached beside the index
    assert version_of(load_index(db_path)) == FIXTURE_VERSION  # a server's own load too


def test_library_results_carry_it(db_path: Path) -> None:
    one = screen("NORD STAR", db=db_path, limit=1)
    assert list(one) == ["query", "matches", "data_version"]
    assert one["data_version"] == FIXTURE_VERSION
    many = list(screen_many([{"id": "a", "name": "NORD STAR"}, {"id": "b", "name": ""}],
                            db=db_path, workers=1))
    assert many[0]["data_version"] == FIXTURE_VERSION
    # a row that could not be screened was answered by no data
    assert many[1] == {"query": {"id": "b", "name": ""}, "matches": [],
                       "error": "name is required"}


def test_cli_json_and_csv_carry_it(db_path: Path, tmp_path: Path) -> None:
    single = runner.invoke(app, ["screen", "NORD STAR", "--format", "json", "--db", str(db_path)])
    assert single.exit_code == 1, single.output
    assert json.loads(single.stdout)["data_version"] == FIXTURE_VERSION
    src = tmp_path / "in.csv"
    src.write_text("id,name\nc1,NORD STAR\nc2,Zzyzx Qwv\n", encoding="utf-8")
    lines = runner.invoke(app, ["screen", "--input", str(src), "--format", "jsonl",
                                "--db", str(db_path)]).stdout.splitlines()
    assert [json.loads(x)["data_version"] for x in lines] == [FIXTURE_VERSION] * 2
    out = runner.invoke(app, ["screen", "--input", str(src), "--format", "csv", "--limit", "1",
                              "--db", str(db_path)]).stdout.splitlines()
    header = out[0].split(",")
    assert header[-1] == "build"
    assert [row.split(",")[-1] for row in out[1:]] == [FIXTURE_VERSION["build"]] * 2


@pytest.mark.anyio
async def test_http_answers_carry_it_once_at_the_top(ds: Datasette) -> None:
    get = (await ds.client.get("/-/screen.json?imo=9323596")).json()
    assert list(get) == ["query", "matches", "data_version"]
    assert get["data_version"] == FIXTURE_VERSION
    post = (await ds.client.post("/-/screen.json", content=json.dumps({"queries": [
        {"id": "c1", "name": "NORD STAR"}, {"id": "c2", "name": "!!!"}]}).encode())).json()
    assert list(post) == ["results", "data_version"]
    assert post["data_version"] == FIXTURE_VERSION
    assert ["data_version" in r for r in post["results"]] == [False, False]
    match = (await ds.client.post("/-/match", content=json.dumps({"queries": {
        "q1": {"schema": "Vessel", "properties": {"name": ["NORD STAR"]}}}}).encode())).json()
    assert match["data_version"] == FIXTURE_VERSION
    assert [r["id"] for r in match["responses"]["q1"]["results"]] == ["ofac_sdn:56706"]


@pytest.mark.anyio
async def test_the_same_version_everywhere(ds: Datasette, db_path: Path) -> None:
    web: dict[str, Any] = (await ds.client.get("/-/screen.json?name=NORD+STAR")).json()
    cli = json.loads(runner.invoke(app, ["screen", "NORD STAR", "--format", "json", "--db",
                                         str(db_path)]).stdout)
    assert web == cli == screen("NORD STAR", db=db_path)

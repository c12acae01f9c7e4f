"""The audit trail: opt-in, written to the writable decisions file (never the published
database), one row per query with its data version, results and decisions; exported as CSV or
JSON lines since a date or a build."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from datasette_fixtures import make_db, register_plugin, sha
from typer.testing import CliRunner

from sanctions.cli import app
from sanctions.errors import SanctionsError
from sanctions.screening import screen, screen_many
from sanctions.store.audit import EXPORT_COLUMNS, export_audit, write_audit
from sanctions.store.decisions import decisions_path, record_decision
from sanctions.web.metadata import load_metadata

pytest_plugins = ["datasette_fixtures"]
runner = CliRunner()
NORD = "ofac_sdn:56706"
BUILD = "2026-06-03T00:00:00+00:00"


@pytest.fixture
def db(db_copy: Path) -> Path:
    return db_copy


def rows(db: Path, **kw: Any) -> list[dict[str, Any]]:
    return list(export_audit(db=db, **kw))


def test_off_unless_asked(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    screen("NORD STAR", db=db)
    list(screen_many([{"name": "NORD STAR"}], db=db, workers=1))
    assert not decisions_path(db).exists() and rows(db) == []
    monkeypatch.setenv("SANCTIONS_AUDIT", "1")
    screen("NORD STAR", db=db)
    assert len(rows(db)) == 1


def test_a_batch_is_audited_row_by_row_with_its_decisions(db: Path) -> None:
    published = sha(db)
    decided = record_decision("c1", NORD, "false_positive", by="ana", note="a ferry", db=db)
    results = list(screen_many([{"id": "c1", "name": "NORD STAR", "branch": "Leeds"},
                                {"id": "c2", "name": "!!!"}], db=db, workers=1, audit=True,
                               surface="cli", limit=1))
    assert sha(db) == published
    first, second = rows(db)
    version = results[0]["data_version"]
    assert {k: v for k, v in first.items() if k != "at"} == {
        "id": 1, "surface": "cli", "build": BUILD, "customer_key": "c1",
        "query": {"id": "c1", "name": "NORD STAR", "branch": "Leeds"},
        "options": {"limit": 1, "threshold": 0.8},
        "results": [{"entity_id": NORD, "score": 1.0, "band": "exact", "decision": {
            "decision": "false_positive", "by": "ana", "at": decided["at"], "note": "a ferry",
            "entity_id": NORD, "status": "current", "alarm": False}}],
        "alarm": False, "error": None, "data_version": version}
    assert {k: v for k, v in second.items() if k != "at"} == {
        "id": 2, "surface": "cli", "build": BUILD, "customer_key": "c2",
        "query": {"id": "c2", "name": "!!!"}, "options": {"limit": 1, "threshold": 0.8},
        "results": [], "alarm": False,
        "error": "name has no letters or digits to match on", "data_version": version}


def test_since_a_date_or_a_build(db: Path, tmp_path: Path) -> None:
    screen("NORD STAR", db=db, audit=True)
    nxt = make_db(tmp_path / "next.db", previous=db, built_at="2026-07-01T00:00:00+00:00")
    shutil.move(nxt, db)
    screen("Tren de Aragua", db=db, audit=True)
    assert [r["build"] for r in rows(db)] == [BUILD, "2026-07-01T00:00:00+00:00"]
    assert [r["build"] for r in rows(db, since="2026-07-01T00:00:00+00:00")] == [
        "2026-07-01T00:00:00+00:00"]
    assert [r["build"] for r in rows(db, since=BUILD)] == [BUILD, "2026-07-01T00:00:00+00:00"]
    assert rows(db, since="2999-01-01") == []
    assert len(rows(db, since="2000-01-01")) == 2
    with pytest.raises(SanctionsError) as exc:
        rows(db, since="last week")
    assert str(exc.value) == "--since must be a build id or a date (YYYY-MM-DD), not 'last week'"


def test_cli_screen_audit_and_export(db: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,name\nc1,NORD STAR\nc2,Zzyzx Qwv\n", encoding="utf-8")
    result = runner.invoke(app, ["screen", "--input", str(src), "--format", "jsonl", "--audit",
                                 "--db", str(db)])
    assert result.exit_code == 1, result.output
    jsonl = runner.invoke(app, ["audit", "--db", str(db)])
    assert jsonl.exit_code == 0, jsonl.output
    exported = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [(r["customer_key"], r["alarm"], [m["entity_id"] for m in r["results"]])
            for r in exported] == [("c1", True, [NORD]), ("c2", False, [])]
    as_csv = runner.invoke(app, ["audit", "--format", "csv", "--since", BUILD, "--db", str(db)])
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert list(table[0]) == list(EXPORT_COLUMNS)
    assert [(r["customer_key"], r["build"], r["alarm"]) for r in table] == [
        ("c1", BUILD, "true"), ("c2", BUILD, "false")]
    assert json.loads(table[0]["data_version"])["build"] == BUILD
    bad = runner.invoke(app, ["audit", "--since", "soon", "--db", str(db)])
    assert (bad.exit_code, bad.stderr) == (
        2, "error: --since must be a build id or a date (YYYY-MM-DD), not 'soon'\n")


def test_one_transaction_per_batch_not_per_row(db: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from sanctions.store import audit

    opened: list[Path] = []
    real = audit.open_writable

    def counting(path: Path, db: Path | None = None) -> sqlite3.Connection:
        opened.append(path)
        return real(path, db)

    monkeypatch.setattr(audit, "open_writable", counting)
    results = [{"query": {"id": str(i), "name": "x"}, "matches": [],
                "data_version": {"build": BUILD}} for i in range(audit.FLUSH_ROWS + 10)]
    assert write_audit(results, db=db) == audit.FLUSH_ROWS + 10
    assert opened == [decisions_path(db)] * 2  # a transaction per FLUSH_ROWS, not per row
    assert [r["customer_key"] for r in rows(db)] == [str(i) for i in range(len(results))]


@pytest.mark.anyio
async def test_web_screenings_are_audited_when_asked(db: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTIONS_AUDIT", "1")
    published = sha(db)
    register_plugin()
    ds = Datasette(immutables=[str(db)], metadata=load_metadata(db))
    await ds.invoke_startup()
    await ds.client.get("/-/screen.json?name=NORD+STAR&id=w1")
    await ds.client.get("/-/screen.json?name=NORD+STAR&id=w1")  # the cached answer, audited too
    await ds.client.post("/-/screen.json", content=json.dumps({"queries": [
        {"id": "w2", "name": "NORD STAR", "threshold": 0.9, "source": ["ofac_sdn"]},
        {"id": "w3", "name": ""}, 7]}).encode())
    audited = rows(db)
    assert [(r["surface"], r["customer_key"], r["error"], r["options"]) for r in audited] == [
        ("web", "w1", None, {"threshold": 0.8}), ("web", "w1", None, {"threshold": 0.8}),
        ("web", "w2", None, {"threshold": 0.9, "source": ["ofac_sdn"]}),
        ("web", "w3", "name is required", {"threshold": 0.8}),
        ("web", None, "a query must be an object, not a number", {"threshold": 0.8})]
    assert all(r["data_version"]["build"] == BUILD for r in audited)
    assert sha(db) == published

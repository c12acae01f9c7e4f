"""Decisions: recorded for (customer key, entity) in a writable file beside the published
database, applied to later screenings of that key, resurfaced when the entity's record changes;
from the library, the CLI and over HTTP with a token. The published file is never written."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from datasette.app import Datasette
from datasette_fixtures import RECORDS, free_port, make_db, register_plugin, sha
from typer.testing import CliRunner

from sanctions.cli import app
from sanctions.errors import SanctionsError
from sanctions.models import Name
from sanctions.screening import screen, screen_many
from sanctions.store.decisions import (
    alarms,
    decisions_path,
    entity_fingerprint,
    list_decisions,
    record_decision,
)
from sanctions.store.entities import entity_record
from sanctions.web.metadata import load_metadata
from sanctions.web.serve import datasette_args

pytest_plugins = ["datasette_fixtures"]
runner = CliRunner()
TREN = "ofac_sdn:49756"
NORD = "ofac_sdn:56706"


@pytest.fixture
def db(db_copy: Path) -> Path:
    return db_copy


def rebuild_with_changed_tren(db: Path) -> None:
    """The next build, as `sanctions build` makes it: TREN DE ARAGUA gained an alias."""
    changed = dataclasses.replace(RECORDS[0], names=[*RECORDS[0].names,
                                                     Name("TDA", "aka", "weak")])
    records = [changed if r is RECORDS[0] else r for r in RECORDS]
    nxt = make_db(db.with_name("next.db"), records, db, "2026-07-01T00:00:00+00:00")
    os.replace(nxt, db)


def decision_of(result: dict[str, Any], entity_id: str) -> dict[str, Any] | None:
    return next(m.get("decision") for m in result["matches"] if m["entity_id"] == entity_id)


def test_the_file_sits_beside_the_database_unless_told(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SANCTIONS_DECISIONS", raising=False)
    assert decisions_path(Path("db/sanctions.db")) == Path("db/sanctions.decisions.db")
    assert decisions_path(Path("db/x.db"), tmp_path / "d.db") == tmp_path / "d.db"
    monkeypatch.setenv("SANCTIONS_DECISIONS", str(tmp_path / "e.db"))
    assert decisions_path(Path("db/x.db")) == tmp_path / "e.db"


def test_a_false_positive_stops_alarming_until_the_entity_changes(db: Path) -> None:
    published = sha(db)
    first = screen("Tren de Aragua", db=db, id="cust-1")
    assert alarms(first) and decision_of(first, TREN) is None
    saved = record_decision("cust-1", TREN, "false_positive", by="ana", note="a bakery",
                            db=db)
    assert {k: saved[k] for k in ("id", "customer_key", "entity_id", "entity_name",
                                  "decision", "by", "note", "build", "status")} == {
        "id": 1, "customer_key": "cust-1", "entity_id": TREN, "entity_name": "TREN DE ARAGUA",
        "decision": "false_positive", "by": "ana", "note": "a bakery",
        "build": "2026-06-03T00:00:00+00:00", "status": "current"}
    assert sha(db) == published  # the published file is only read

    later = screen("Tren de Aragua", db=db, id="cust-1")
    assert decision_of(later, TREN) == {
        "decision": "false_positive", "by": "ana", "at": saved["at"], "note": "a bakery",
        "entity_id": TREN, "status": "current", "alarm": False}
    assert not alarms(later)
    # another customer with the same name is not covered by cust-1's decision
    other = screen("Tren de Aragua", db=db, id="cust-2")
    assert decision_of(other, TREN) is None and alarms(other)
    # nor is a screening with no customer key
    assert decision_of(screen("Tren de Aragua", db=db), TREN) is None

    rebuild_with_changed_tren(db)
    resurfaced = screen("Tren de Aragua", db=db, id="cust-1")
    assert decision_of(resurfaced, TREN) == {
        "decision": "false_positive", "by": "ana", "at": saved["at"], "note": "a bakery",
        "entity_id": TREN, "status": "changed since decision", "alarm": True}
    assert alarms(resurfaced)
    [listed] = list_decisions(db=db)
    assert listed == {**saved, "status": "changed since decision"}


def test_the_fingerprint_follows_the_record_not_derived_links(db: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(db)
    before = entity_fingerprint(conn, TREN)
    assert before is not None and len(before) == 24
    assert entity_fingerprint(conn, "ofac_sdn:0") is None
    record = entity_record(conn, TREN)
    conn.close()
    assert record is not None
    rebuild_with_changed_tren(db)
    conn = sqlite3.connect(db)
    try:
        assert entity_fingerprint(conn, TREN) != before
        assert entity_fingerprint(conn, NORD) is not None
    finally:
        conn.close()


def test_a_confirmed_match_is_shown_and_still_alarms(db: Path) -> None:
    record_decision("v-9", NORD, "confirmed", by="bo", db=db)
    [result] = screen_many([{"id": "v-9", "name": "NORD STAR"}], db=db, workers=1)
    decision = decision_of(result, NORD)
    assert decision is not None
    assert {k: decision[k] for k in ("decision", "status", "alarm", "by", "note")} == {
        "decision": "confirmed", "status": "current", "alarm": True, "by": "bo", "note": ""}
    assert alarms(result)


def test_the_newest_decision_applies_and_history_keeps_every_one(db: Path) -> None:
    record_decision("c", NORD, "confirmed", by="a", db=db)
    record_decision("c", NORD, "false_positive", by="b", note="another ship", db=db)
    assert [(d["decision"], d["by"]) for d in list_decisions(db=db)] == [("false_positive", "b")]
    assert [(d["decision"], d["by"]) for d in list_decisions(db=db, history=True)] == [
        ("false_positive", "b"), ("confirmed", "a")]
    assert list_decisions(db=db, customer_key="nobody") == []


@pytest.mark.parametrize(("args", "message"), [
    (("c", "ofac_sdn:0", "false_positive", "ana"),
     "no entity 'ofac_sdn:0' in {db} (ids look like ofac_sdn:22790)"),
    (("c", NORD, "maybe", "ana"), "decision must be one of false_positive, confirmed, not 'maybe'"),
    (("c", NORD, "confirmed", " "), "by (who decides) is required"),
    (("", NORD, "confirmed", "ana"), "customer key is required"),
])
def test_a_bad_decision_is_refused_in_one_line(db: Path, args: tuple[str, ...],
                                               message: str) -> None:
    key, eid, decision, by = args
    with pytest.raises(SanctionsError) as exc:
        record_decision(key, eid, decision, by=by, db=db)
    assert str(exc.value) == message.format(db=db)
    assert not decisions_path(db).exists() or list_decisions(db=db) == []


def test_the_published_database_is_refused_as_the_decisions_file(db: Path) -> None:
    published = sha(db)
    with pytest.raises(SanctionsError) as exc:
        record_decision("c", NORD, "confirmed", by="a", db=db, decisions=db)
    assert str(exc.value) == (f"{db} is the published database; decisions go in a file of "
                              "their own (--decisions PATH)")
    other = db.with_name("copy.db")
    shutil.copy(db, other)
    with pytest.raises(SanctionsError) as exc:
        record_decision("c", NORD, "confirmed", by="a", db=db, decisions=other)
    assert str(exc.value) == f"{other} is a sanctions database, not a decisions file"
    assert sha(db) == published


def test_cli_decide_then_screen_exits_0_on_a_decided_false_positive(db: Path) -> None:
    args = ["--db", str(db)]
    assert runner.invoke(app, ["screen", "NORD STAR", "--id", "k1", *args]).exit_code == 1
    done = runner.invoke(app, ["decide", "k1", NORD, "--false-positive", "--by", "ana",
                               "--note", "a ferry", *args])
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith(f"recorded: k1 / {NORD} (NORD STAR): false positive by ana at ")
    again = runner.invoke(app, ["screen", "NORD STAR", "--id", "k1", *args])
    assert again.exit_code == 0, again.output
    # without the key the same name still alarms
    assert runner.invoke(app, ["screen", "NORD STAR", *args]).exit_code == 1
    listed = runner.invoke(app, ["decisions", *args])
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["customer_key", "entity_id", "decision", "status", "by", "at",
                                "note"]
    assert lines[1].split()[:5] == ["k1", NORD, "false_positive", "current", "ana"]
    assert lines[1].split()[-2:] == ["a", "ferry"]


@pytest.mark.parametrize(("argv", "message"), [
    (["decide", "k", NORD, "--by", "a"], "give exactly one of --false-positive or --confirmed"),
    (["decide", "k", NORD, "--confirmed", "--false-positive", "--by", "a"],
     "give exactly one of --false-positive or --confirmed"),
    (["decide", "k", NORD, "--confirmed"], "--by NAME is required (who decides)"),
    (["decide", "k", "nope:1", "--confirmed", "--by", "a"],
     "no entity 'nope:1' in {db} (ids look like ofac_sdn:22790)"),
    (["screen", "--input", "customers.csv", "--id", "k"],
     "--id is for a single NAME; a batch takes each row's id column"),
])
def test_cli_decide_refuses_in_one_line(db: Path, argv: list[str], message: str) -> None:
    result = runner.invoke(app, [*argv, "--db", str(db)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {message.format(db=db)}\n"


def test_cli_csv_carries_the_decision_columns(db: Path, tmp_path: Path) -> None:
    record_decision("c1", NORD, "false_positive", by="ana", note="a ferry", db=db)
    src = tmp_path / "in.csv"
    src.write_text("id,name,branch\nc1,NORD STAR,Leeds\n", encoding="utf-8")
    result = runner.invoke(app, ["screen", "--input", str(src), "--format", "csv",
                                 "--limit", "1", "--db", str(db)])
    assert result.exit_code == 0, result.output  # the only match is a decided false positive
    header, row = result.stdout.splitlines()
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    at = list_decisions(db=db)[0]["at"]
    assert {k: cells[k] for k in ("id", "entity_id", "decision", "decision_status",
                                  "decision_by", "decision_at", "decision_note", "build")} == {
        "id": "c1", "entity_id": NORD, "decision": "false_positive", "decision_status": "current",
        "decision_by": "ana", "decision_at": at, "decision_note": "a ferry",
        "build": "2026-06-03T00:00:00+00:00"}


def test_decisions_survive_a_rebuild(db: Path) -> None:
    record_decision("c1", NORD, "false_positive", by="ana", db=db)
    kept = sha(decisions_path(db))
    rebuild_with_changed_tren(db)
    assert sha(decisions_path(db)) == kept
    [result] = screen_many([{"id": "c1", "name": "NORD STAR"}], db=db, workers=1)
    assert decision_of(result, NORD)["status"] == "current"  # type: ignore[index]


def test_serve_shows_the_decisions_file_as_a_second_database(db: Path) -> None:
    assert str(decisions_path(db)) not in datasette_args(db, decisions=decisions_path(db))
    record_decision("c1", NORD, "confirmed", by="ana", db=db)
    args = datasette_args(db, decisions=decisions_path(db))
    assert args[1:3] == ["-i", str(db)]  # the published one immutable
    assert args[-1] == str(decisions_path(db))  # the decisions file mutable, read-only to it
    Path(args[args.index("--metadata") + 1]).unlink()


# --- over HTTP ---------------------------------------------------------------------------


@pytest.fixture
async def served_ds(db: Path) -> Any:
    register_plugin()
    datasette = Datasette(immutables=[str(db)], metadata=load_metadata(db))
    await datasette.invoke_startup()
    return datasette


JSON = {"content-type": "application/json"}
BODY = {"customer_key": "c1", "entity_id": NORD, "decision": "false_positive", "by": "ana",
        "note": "a ferry"}


@pytest.mark.anyio
async def test_http_decide_is_refused_without_a_configured_token(
        served_ds: Datasette, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.delenv("SANCTIONS_TOKEN", raising=False)
    r = await served_ds.client.post("/-/decide", content=json.dumps(BODY).encode(),
                                    headers={**JSON, "x-sanctions-token": "guess"})
    assert (r.status_code, r.json()) == (403, {
        "ok": False, "status": 403, "error": "decisions are read-only on this server: it has "
        "no token (start it with `sanctions serve --token` or SANCTIONS_TOKEN)"})
    assert not decisions_path(db).exists()


@pytest.mark.anyio
async def test_http_decide_with_the_token_records_and_screening_shows_it(
        served_ds: Datasette, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.setenv("SANCTIONS_TOKEN", "s3cret-token")
    published = sha(db)
    body = json.dumps(BODY).encode()
    for headers, status in (({}, 401), ({"x-sanctions-token": "wrong"}, 403)):
        r = await served_ds.client.post("/-/decide", content=body, headers={**JSON, **headers})
        assert r.status_code == status
        assert r.json()["error"] == ("a valid token is required (header Authorization: Bearer "
                                     "TOKEN or X-Sanctions-Token)")
    bad = await served_ds.client.post("/-/decide", content=b"{\"customer_key\": 5}",
                                      headers={**JSON, "authorization": "Bearer s3cret-token"})
    assert (bad.status_code, bad.json()["error"]) == (400, "customer_key must be a string")
    r = await served_ds.client.post("/-/decide", content=body,
                                    headers={**JSON, "authorization": "Bearer s3cret-token"})
    assert r.status_code == 200, r.text
    saved = r.json()["decision"]
    assert {k: saved[k] for k in ("customer_key", "entity_id", "decision", "by", "note",
                                  "status")} == {**BODY, "status": "current"}
    answer = (await served_ds.client.get("/-/screen.json?name=NORD+STAR&id=c1")).json()
    assert answer["matches"][0]["decision"] == {
        "decision": "false_positive", "by": "ana", "at": saved["at"], "note": "a ferry",
        "entity_id": NORD, "status": "current", "alarm": False}
    batch = (await served_ds.client.post("/-/screen.json", content=json.dumps({"queries": [
        {"id": "c1", "name": "NORD STAR"}, {"id": "c2", "name": "NORD STAR"}]}).encode())).json()
    assert [m.get("decision", {}).get("by") for r in batch["results"] for m in r["matches"]] == [
        "ana", None]
    assert sha(db) == published


@pytest.mark.anyio
async def test_the_screening_page_shows_decisions_and_records_from_its_form(
        served_ds: Datasette, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTIONS_TOKEN", "s3cret-token")
    page = await served_ds.client.get("/-/screen?name=NORD+STAR&id=c1")
    assert page.status_code == 200
    assert 'action="/-/decide"' in page.text and 'name="customer_key" value="c1"' in page.text
    assert "decision-row" not in page.text
    form = {"customer_key": "c1", "entity_id": NORD, "decision": "false_positive",
            "by": "ana", "note": "a ferry", "token": "s3cret-token",
            "return_to": "/-/screen?name=NORD+STAR&id=c1"}
    r = await served_ds.client.post("/-/decide", data=form)
    assert (r.status_code, r.headers["location"]) == (303, "/-/screen?name=NORD+STAR&id=c1")
    page = await served_ds.client.get("/-/screen?name=NORD+STAR&id=c1")
    assert '<span class="decision decision-false_positive">not a match</span>' in page.text
    assert "by ana on " in page.text and ": a ferry</small>" in page.text
    wrong = await served_ds.client.post("/-/decide", data={**form, "token": "nope",
                                                           "return_to": "//evil.example/"})
    assert wrong.status_code == 403
    assert 'Not recorded: a valid token is required' in wrong.text
    assert 'href="/-/screen"' in wrong.text  # never back to another site
    assert len(list_decisions(db=db, history=True)) == 1


@contextmanager
def served_with_token(db: Path, token: str) -> Iterator[str]:
    """`sanctions serve --db db --token TOKEN` in a subprocess; yields its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("SANCTIONS_TOKEN", "SANCTIONS_DECISIONS", "SANCTIONS_AUDIT")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sanctions.cli", "serve", "--db", str(db), "--port", str(port),
         "--token", token], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(url + "/-/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_real_server_with_a_token_records_and_browses_decisions(db: Path) -> None:
    """`sanctions serve --token` in a subprocess: POST /-/decide over HTTP, the decisions file
    browsable as a second database, the published file unchanged."""
    published = sha(db)
    with served_with_token(db, "s3cret-token") as url:
        r = httpx.post(url + "/-/decide", json=BODY,
                       headers={"authorization": "Bearer s3cret-token"})
        assert r.status_code == 200, r.text
        rows = httpx.get(url + "/sanctions~2Edecisions/current_decisions.json?_shape=array"
                         ).json()
        assert [(d["customer_key"], d["entity_id"], d["decision"], d["by"]) for d in rows] == [
            ("c1", NORD, "false_positive", "ana")]
        answer = httpx.get(url + "/-/screen.json?name=NORD+STAR&id=c1").json()
        assert answer["matches"][0]["decision"]["status"] == "current"
    assert sha(db) == published


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH")
def test_an_analyst_records_a_decision_from_the_page(db: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    with served_with_token(db, "s3cret-token") as url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            page = browser.new_page()
            page.goto(url + "/-/screen?name=NORD+STAR")
            page.fill("#decisions input[name=id]", "c1")  # the customer key, kept with the query
            page.click("#decisions .decision-key input[type=submit]")
            page.wait_for_selector("form.decision-form")
            assert "id=c1" in page.url and "name=NORD+STAR" in page.url
            assert page.locator("#matches tr.decision-row").count() == 0
            form = page.locator("form.decision-form")
            form.locator("input[name=by]").fill("ana")
            form.locator("input[name=note]").fill("a ferry")
            form.locator("input[name=token]").fill("s3cret-token")
            form.locator("input[type=submit]").click()
            page.wait_for_selector("#matches tr.decision-row")
            assert "id=c1" in page.url
            badge = page.locator("#matches tr.decision-row").first.inner_text().strip()
            assert badge.startswith("not a match")
            assert badge.endswith(": a ferry") and "by ana on " in badge
        finally:
            browser.close()
    [saved] = list_decisions(db=db)
    assert (saved["customer_key"], saved["entity_id"], saved["by"], saved["note"]) == (
        "c1", NORD, "ana", "a ferry")


@pytest.mark.anyio
@pytest.mark.parametrize(("body", "status", "message"), [
    (b"not json", 400, 'body must be JSON: {"customer_key": ..., "entity_id": ..., "decision": '
     '"false_positive" or "confirmed", "by": ..., "note": ...}'),
    (b"[1]", 400, "body must be a JSON object"),
    (b'{"customer_key": "c", "extra": 1}', 400,
     "unknown field(s) 'extra'; expected customer_key, entity_id, decision, by, note"),
    (b'{"customer_key": "\\ud800", "entity_id": "ofac_sdn:56706", "decision": "confirmed",'
     b' "by": "a"}', 400, "customer key is not valid text"),
    (b'{"customer_key": "c", "entity_id": "ofac_sdn:56706", "decision": "maybe", "by": "a"}',
     400, "decision must be one of false_positive, confirmed"),
    (b'{"customer_key": "c", "entity_id": "ofac_sdn:56706", "decision": "confirmed"}', 400,
     "by (who decides) is required"),
    (b"\xff\xfe", 400, 'body must be JSON: {"customer_key": ..., "entity_id": ..., "decision": '
     '"false_positive" or "confirmed", "by": ..., "note": ...}'),
    (b"{" + b" " * 20_000 + b"}", 413, "body is larger than 16,384 bytes"),
])
async def test_http_decide_answers_bad_bodies_with_one_line(
        served_ds: Datasette, db: Path, monkeypatch: pytest.MonkeyPatch, body: bytes,
        status: int, message: str) -> None:
    monkeypatch.setenv("SANCTIONS_TOKEN", "s3cret-token")
    r = await served_ds.client.post("/-/decide", content=body,
                                    headers={**JSON, "x-sanctions-token": "s3cret-token"})
    assert (r.status_code, r.json()) == (status, {"ok": False, "error": message,
                                                  "status": status})
    get = await served_ds.client.get("/-/decide")
    assert get.status_code == 405
    assert list_decisions(db=db) == []

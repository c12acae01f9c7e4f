"""The compliance workflow end to end: screen a 20,000-row customer file, decide three false
positives, update the lists from a mirror, re-screen against what changed, export the audit.

The "before" UN list is the bundled file with two real entries trimmed out and one real alias
dropped (tests/rescreen_scenario.py); the mirror serves the real file, so the update adds the
two entries and changes the third back to what the UN publishes. Nothing is invented.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctions.cli import app
from sanctions.ingest.build import build
from sanctions.ingest.update import update
from sanctions.rescreen import rescreen
from sanctions.screening import screen_many
from sanctions.sources.fetch import Fetcher
from sanctions.store.audit import export_audit
from sanctions.store.decisions import record_decision
from sanctions.store.version import read_data_version
from tests.mirror_server import Mirror, serve
from tests.rescreen_scenario import (
    ADDED,
    CHANGED,
    PLANTED,
    UN,
    before_xml,
    customers,
    planted_ids,
    write_csv,
)

runner = CliRunner()


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mirror]:
    root = tmp_path_factory.mktemp("mirror")
    (root / "un_sc").mkdir()
    shutil.copyfile(UN.snapshot_paths()["xml"], root / "un_sc" / "consolidated.xml")
    with serve(root) as m:
        yield m


def test_screen_decide_update_rescreen_audit(tmp_path: Path, mirror: Mirror) -> None:
    db = tmp_path / "db" / "sanctions.db"
    db.parent.mkdir()
    build(db, sources=[UN], files={"un_sc": {"xml": before_xml(tmp_path / "before.xml")}})
    version_before = read_data_version(db)
    before = version_before["build"]
    rows = customers()
    assert len(rows) == 20_000
    ids = planted_ids(rows)

    # 1. The whole file is screened (and audited); every planted listed name is found, the
    # two entries the lists do not hold yet are not.
    results = list(screen_many(rows, db=db, audit=True, surface="cli"))
    assert [r["query"]["id"] for r in results] == [r["id"] for r in rows]
    by_id = {r["query"]["id"]: r for r in results}
    for (dataid, name), key in zip(PLANTED, ids, strict=False):
        found = [m["entity_id"] for m in by_id[key]["matches"]]
        assert f"un_sc:{dataid}" in found, (name, found)
    for key in ids[len(PLANTED):]:
        assert not any(m["entity_id"].removeprefix("un_sc:") in ADDED
                       for m in by_id[key]["matches"])

    # 2. Three hits are decided false positives; the first is on the entry the update changes.
    decided = list(zip(ids[:3], (f"un_sc:{d}" for d, _ in PLANTED[:3]), strict=True))
    for key, entity in decided:
        record_decision(key, entity, "false_positive", by="analyst",
                        note="different person: birth date and nationality differ", db=db)

    # 3. The update from the mirror adds the two entries and restores the dropped alias.
    db_bytes_before = db.read_bytes()
    result = update(db, keys=["un_sc"], sources=[UN],
                    fetcher=Fetcher(mirror=mirror.url, timeout=(5.0, 5.0), retries=1,
                                    backoff=0.0))
    assert result.ok and result.rebuilt
    assert db.read_bytes() != db_bytes_before
    version_after = read_data_version(db)
    after = version_after["build"]
    assert after != before
    assert version_after["sources"]["un_sc"]["sha256"] != (
        version_before["sources"]["un_sc"]["sha256"])  # the real file, not the trimmed one

    # 4. The re-screen reports exactly the two new hits and the resurfaced false positive.
    reported = list(rescreen(rows, since=before, db=db, audit=True))
    got = sorted((r["query"]["id"], m["entity_id"], m["change"])
                 for r in reported for m in r["matches"])
    new_a, new_b = ids[len(PLANTED):]
    assert got == sorted([
        (new_a, "un_sc:110441", "new_hit"),
        (new_b, "un_sc:110899", "new_hit"),
        (ids[0], f"un_sc:{CHANGED}", "resurfaced"),
    ])
    # ... each scored as a full screen of the updated database scores it
    full = {r["query"]["id"]: r for r in screen_many(
        [r for r in rows if r["id"] in (new_a, new_b, ids[0])], db=db, decisions=False)}
    for r in reported:
        m = r["matches"][0]
        assert m["score"] == next(x["score"] for x in full[r["query"]["id"]]["matches"]
                                  if x["entity_id"] == m["entity_id"])
        assert r["data_version"]["build"] == after
    resurfaced = next(r for r in reported if r["query"]["id"] == ids[0])["matches"][0]
    assert resurfaced["decision"]["status"] == "changed since decision"
    assert resurfaced["decision"]["by"] == "analyst"

    # 5. The CLI says the same, exits 1 (customers to review) and keeps the input columns.
    source = write_csv(rows, tmp_path / "customers.csv")
    out = tmp_path / "report.csv"
    cli = runner.invoke(app, ["rescreen", "--input", str(source), "--since", before,
                              "--db", str(db), "--format", "csv", "--output", str(out),
                              "--no-audit"])
    assert cli.exit_code == 1, cli.output
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert sorted((t["id"], t["entity_id"], t["change"]) for t in table) == got
    assert {t["build"] for t in table} == {after}

    # 6. The audit holds both screenings, each row with the data version that answered.
    audit = list(export_audit(db=db))
    assert len(audit) == 40_000
    first, second = audit[:20_000], audit[20_000:]
    assert {a["build"] for a in first} == {before} and {a["surface"] for a in first} == {"cli"}
    assert {a["build"] for a in second} == {after}
    assert {a["surface"] for a in second} == {"rescreen"}
    assert all(a["data_version"] == version_before for a in first)
    assert all(a["data_version"] == version_after for a in second)
    row_of = {a["customer_key"]: a for a in second}
    assert row_of[new_a]["alarm"] and row_of[new_a]["results"][0]["entity_id"] == "un_sc:110441"
    assert row_of[ids[0]]["results"][0]["decision"]["status"] == "changed since decision"
    alarmed = {a["customer_key"]: a["alarm"] for a in first}
    assert alarmed[ids[1]] and alarmed[new_a] is False  # decided after the first screen

"""Change history: baseline on first build, entity-level changes after, carried forward."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from sanctions.errors import SanctionsError
from sanctions.ingest.build import Input, build
from sanctions.ingest.history import Seen, compare
from sanctions.sources import get_source
from sanctions.store.catalog import list_changes

FIXTURES = Path(__file__).parent / "fixtures"
CONS = get_source("ofac_cons")
UN = get_source("un_sc")


def q(db: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return [tuple(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def test_compare_names_the_changed_fields() -> None:
    old = {"a:1": Seen("a", "ONE", {"name": "x", "names": "y"}),
           "a:2": Seen("a", "TWO", {"name": "x"})}
    new = {"a:1": Seen("a", "ONE", {"name": "x", "names": "z", "remarks": "r"}),
           "a:3": Seen("a", "THREE", {"name": "x"})}
    assert compare(old, new) == [("a:3", "added", "THREE", []), ("a:2", "removed", "TWO", []),
                                 ("a:1", "changed", "ONE", ["names", "remarks"])]


def test_first_build_is_a_baseline_not_a_flood(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    build(db, sources=[CONS])
    assert q(db, "SELECT source, entity_id, change, name FROM changes") == [
        ("ofac_cons", None, "baseline", "443 entities first recorded")]
    assert q(db, "SELECT count(*), count(DISTINCT first_seen), min(removed_at) FROM"
             " entity_history") == [(443, 1, None)]


def test_rebuild_with_changed_file_records_entity_changes(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    build(db, sources=[UN])
    first = q(db, "SELECT value FROM build_info WHERE key='built_at'")[0][0]
    trimmed = FIXTURES / "un" / "consolidated_trimmed.xml"
    # Validation would refuse the trimmed file; lower the bar for this one build.
    small = type(UN)(**{**UN.__dict__, "expected": type(UN.expected)(total=(1, 5000))})
    time.sleep(1.1)  # build times have one-second resolution
    build(db, sources=[small], inputs={"un_sc": Input({"xml": trimmed}, as_of="2026-03-01")})
    at = q(db, "SELECT value FROM build_info WHERE key='built_at'")[0][0]
    kept = {r[0] for r in q(db, "SELECT id FROM entities")}
    removed = q(db, "SELECT count(*) FROM changes WHERE at=? AND change='removed'", at)[0][0]
    assert removed == 1003 - len(kept)
    assert q(db, "SELECT DISTINCT source_as_of FROM changes WHERE at=?", at) == [("2026-03-01",)]
    # The first build's baseline row is carried forward; survivors keep their first_seen.
    assert q(db, "SELECT change FROM changes WHERE at=?", first) == [("baseline",)]
    assert q(db, "SELECT DISTINCT first_seen, last_seen FROM entity_history WHERE removed_at"
             " IS NULL") == [(first, at)]
    rows = list_changes(db, since=at, source="un_sc")
    assert len(rows) == removed + q(db, "SELECT count(*) FROM changes WHERE at=? AND"
                                    " change='changed'", at)[0][0]
    assert {"entity_id", "change", "source", "at", "fields"} <= set(rows[0])


def test_building_one_source_does_not_remove_the_others(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    build(db, sources=[CONS, UN])
    build(db, sources=[UN])
    assert q(db, "SELECT count(*) FROM changes WHERE change != 'baseline'") == [(0,)]
    assert q(db, "SELECT count(*) FROM entity_history WHERE source='ofac_cons'"
             " AND removed_at IS NULL") == [(443,)]


def test_list_changes_without_database(tmp_path: Path) -> None:
    with pytest.raises(SanctionsError, match="no database"):
        list_changes(tmp_path / "none.db")

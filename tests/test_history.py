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
    build(db, sources=[small], inputs={"un_sc": Input({"xml": trimmed}, as_of="2026-03-01")},
          accept_drop=["un_sc"])  # 1,003 -> a few: far past the drop limit
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
    """The other source is kept as it was, and its history is carried untouched."""
    db = tmp_path / "s.db"
    build(db, sources=[CONS, UN])
    cons_history = q(db, "SELECT * FROM entity_history WHERE source='ofac_cons' ORDER BY 1")
    time.sleep(1.1)  # build times have one-second resolution
    build(db, sources=[UN])
    assert q(db, "SELECT source, change FROM changes ORDER BY id") == [
        ("ofac_cons", "baseline"), ("un_sc", "baseline")]
    assert q(db, "SELECT * FROM entity_history WHERE source='ofac_cons' ORDER BY 1") \
        == cons_history
    assert q(db, "SELECT source, count(*) FROM entities GROUP BY 1 ORDER BY 1") == [
        ("ofac_cons", 443), ("un_sc", 1003)]


def _corrupt(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[len(data) // 2: len(data) // 2 + 65536] = b"\xa5" * 65536
    db.write_bytes(bytes(data))


def test_a_corrupt_previous_database_restarts_history(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    build(db, sources=[CONS])
    _corrupt(db)
    said: list[str] = []
    build(db, sources=[CONS], progress=said.append)
    assert [line for line in said if "cannot be read" in line] == [
        f"the previous database at {db} cannot be read (it fails SQLite's quick_check): no drop "
        "check against it, and the change history restarts with a baseline"]
    assert q(db, "SELECT source, change, name FROM changes") == [
        ("ofac_cons", "baseline", "443 entities first recorded")]


def test_not_a_database_at_all_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.db"
    db.write_bytes(b"this is not an SQLite file" * 100)
    # A partial build cannot tell which other sources to keep: refused, file untouched.
    with pytest.raises(SanctionsError) as err:
        build(db, sources=[CONS])
    assert str(err.value) == (f"the previous database at {db} cannot be read (file is not a "
                              "database), so its other sources cannot be kept: build every "
                              "source (no --source)")
    assert db.read_bytes() == b"this is not an SQLite file" * 100
    # A build of every source (the registry cut to one, to stay quick) replaces it.
    monkeypatch.setattr("sanctions.ingest.build.all_sources", lambda: [CONS])
    said: list[str] = []
    build(db, progress=said.append)
    assert said[0] == (f"the previous database at {db} cannot be read (file is not a database): "
                       "no drop check against it, and the change history restarts with a "
                       "baseline")
    assert q(db, "SELECT change FROM changes") == [("baseline",)]


def test_history_whose_tables_break_mid_read_restarts(tmp_path: Path) -> None:
    """The step itself survives a previous file that fails while its history is read."""
    import sqlite3

    from sanctions.ingest.history import record_changes

    db = tmp_path / "s.db"
    build(db, sources=[CONS])
    _corrupt(db)
    new = sqlite3.connect(tmp_path / "new.db")
    new.executescript("CREATE TABLE sources (key TEXT, as_of TEXT, imported_at TEXT);"
                      "CREATE TABLE entities (id TEXT, source TEXT, name TEXT, type TEXT,"
                      " listed_on TEXT, programs TEXT, countries TEXT, gender TEXT, title TEXT,"
                      " remarks TEXT, url TEXT);"
                      "INSERT INTO sources VALUES ('ofac_cons', NULL, '2030-01-01T00:00:00');")
    from sanctions.ingest.history import CHILD_FIELDS

    for table, cols in CHILD_FIELDS.items():
        new.execute(f"CREATE TABLE {table} (entity_id TEXT, {', '.join(cols)})")
    note = record_changes(new, db)
    assert note is not None and note.startswith(f"the change history of {db} cannot be read (")
    assert note.endswith("): it restarts with a baseline")
    assert [tuple(r) for r in new.execute("SELECT source, change FROM changes")] == [
        ("ofac_cons", "baseline")]
    new.close()


def test_list_changes_without_database(tmp_path: Path) -> None:
    with pytest.raises(SanctionsError, match="no database"):
        list_changes(tmp_path / "none.db")

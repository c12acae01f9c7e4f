"""Re-screening on change (sanctions.rescreen, `sanctions rescreen`, `sanctions update
--rescreen`) on real UN data: a "before" file with two entries trimmed out and an alias dropped
(tests/rescreen_scenario.py), then the real file."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sanctions.cli import app
from sanctions.errors import SanctionsError
from sanctions.ingest.build import build
from sanctions.rescreen import ChangeSet, changes_since, rescreen
from sanctions.screening import screen_many
from sanctions.store.decisions import record_decision
from sanctions.store.version import read_data_version
from tests.mirror_server import Mirror, serve
from tests.rescreen_scenario import (
    ADDED,
    CHANGED,
    UN,
    before_xml,
    customers,
    planted_ids,
    write_csv,
)

runner = CliRunner()
NEW = {f"un_sc:{d}" for d in ADDED}


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str, str]:
    """(the database built from the real file over the "before" one, a copy of the "before"
    database, the before build, the after build)."""
    root = tmp_path_factory.mktemp("history")
    db = root / "db" / "sanctions.db"
    db.parent.mkdir()
    build(db, sources=[UN], files={"un_sc": {"xml": before_xml(root / "before.xml")}})
    old = root / "before" / "sanctions.db"
    old.parent.mkdir()
    shutil.copyfile(db, old)
    before = read_data_version(db)["build"]
    build(db, sources=[UN])
    return db, old, before, read_data_version(db)["build"]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return customers(400)


def fresh(history: tuple[Path, Path, str, str], tmp_path: Path) -> Path:
    """A copy of the updated database with a decisions file of its own."""
    db = tmp_path / "sanctions.db"
    shutil.copyfile(history[0], db)
    return db


def test_changes_since_a_build_or_a_date(history: tuple[Path, Path, str, str]) -> None:
    db, _, before, after = history
    found = changes_since(before, db)
    assert (found.added, found.changed, found.removed, found.builds, found.baselines) == (
        NEW, {f"un_sc:{CHANGED}"}, {}, [after], [])
    nothing = changes_since(after, db)
    assert (nothing.screened, nothing.removed, nothing.builds) == (set(), {}, [])
    dated = changes_since(before[:10], db)  # a date: every build on or after it
    assert (dated.added, dated.baselines) == (NEW, ["un_sc"])
    assert dated.notes() == [f"un_sc was first recorded since {before[:10]}: its entities have "
                             "no change history before it, so screen the file in full against "
                             "it"]
    with pytest.raises(SanctionsError) as err:
        changes_since("last tuesday", db)
    assert str(err.value) == ("--since must be a build (as a result's data version shows it, "
                              "e.g. 2026-11-30T09:00:55+00:00) or an ISO date, not 'last "
                              "tuesday'")


def test_new_hits_and_changed_records(history: tuple[Path, Path, str, str],
                                      rows: list[dict[str, str]], tmp_path: Path) -> None:
    db = fresh(history, tmp_path)
    ids = planted_ids(rows)
    reported = list(rescreen(rows, since=history[2], db=db, audit=False))
    got = sorted((r["query"]["id"], m["entity_id"], m["change"])
                 for r in reported for m in r["matches"])
    assert got == sorted([(ids[-2], "un_sc:110441", "new_hit"),
                          (ids[-1], "un_sc:110899", "new_hit"),
                          (ids[0], f"un_sc:{CHANGED}", "changed")])
    # passthrough kept, in input order, with the data version that answered
    assert [r["query"] for r in reported] == [
        r for r in rows if r["id"] in {ids[0], ids[-2], ids[-1]}]
    assert {r["data_version"]["build"] for r in reported} == {history[3]}
    # a false positive decided on the changed record as it is now is not reported again
    record_decision(ids[0], f"un_sc:{CHANGED}", "false_positive", by="ana", db=db)
    again = list(rescreen(rows, since=history[2], db=db, audit=False))
    assert sorted(r["query"]["id"] for r in again) == sorted([ids[-2], ids[-1]])


def test_scores_are_a_full_screens(history: tuple[Path, Path, str, str],
                                   rows: list[dict[str, str]]) -> None:
    db, _, before, _ = history
    reported = list(rescreen(rows, since=before, db=db, audit=False))
    mine = {r["query"]["id"]: r for r in reported}
    full = screen_many([r for r in rows if r["id"] in mine], db=db, decisions=False)
    for r in full:
        for m in mine[r["query"]["id"]]["matches"]:
            assert m["score"] == next(x["score"] for x in r["matches"]
                                      if x["entity_id"] == m["entity_id"])
            assert m["explanation"] == next(x["explanation"] for x in r["matches"]
                                            if x["entity_id"] == m["entity_id"])


def _variants(name: str, rng: random.Random) -> Iterator[str]:
    yield name
    yield name.lower()
    yield " ".join(reversed(name.split()))
    if len(name) > 6:
        i = rng.randrange(1, len(name) - 1)
        yield name[:i] + name[i + 1:]  # a letter left out
        yield name[:i] + name[i + 1] + name[i] + name[i + 2:]  # two swapped


def test_the_prefilter_keeps_every_hit(history: tuple[Path, Path, str, str],
                                       rows: list[dict[str, str]]) -> None:
    """Against 40 changed records, a re-screen reports exactly what a full screen reports on
    them, for their own names misspelt every way and for the customers."""
    import sqlite3

    db = history[0]
    rng = random.Random(7)
    with sqlite3.connect(db) as conn:
        ids = rng.sample(sorted(r[0] for r in conn.execute("SELECT id FROM entities")), 40)
        names = [r[0] for r in conn.execute(
            f"SELECT name FROM names WHERE entity_id IN ({','.join('?' * len(ids))})", ids)]
    queries = [{"id": f"q{i}", "name": v} for i, v in enumerate(
        v for n in names for v in _variants(n, rng))] + rows
    change = ChangeSet("test", changed=set(ids))
    got = {(r["query"]["id"], m["entity_id"], m["score"])
           for r in rescreen(queries, since=change, db=db, audit=False) for m in r["matches"]}
    full = {(r["query"]["id"], m["entity_id"], m["score"])
            for r in screen_many(queries, db=db, decisions=False) for m in r["matches"]
            if m["entity_id"] in change.changed}
    assert len(full) > 100
    assert got >= full
    # more only where a full screen shows a record under a linked one, or past its limit
    assert all(e in change.changed for _, e, _ in got - full)


def test_removed_records_are_reported_not_alarmed(history: tuple[Path, Path, str, str],
                                                  rows: list[dict[str, str]],
                                                  tmp_path: Path) -> None:
    db = fresh(history, tmp_path)
    after = history[3]
    build(db, sources=[UN], files={"un_sc": {"xml": before_xml(tmp_path / "before.xml")}})
    found = changes_since(after, db)
    assert set(found.removed) == NEW and found.changed == {f"un_sc:{CHANGED}"}
    ids = planted_ids(rows)
    got = sorted((r["query"]["id"], m["entity_id"], m["change"])
                 for r in rescreen(rows, since=after, db=db, audit=False) for m in r["matches"])
    assert got == sorted([(ids[-2], "un_sc:110441", "removed"),
                          (ids[-1], "un_sc:110899", "removed"),
                          (ids[0], f"un_sc:{CHANGED}", "changed")])


def test_cli_rescreen(history: tuple[Path, Path, str, str], rows: list[dict[str, str]],
                      tmp_path: Path) -> None:
    db = fresh(history, tmp_path)
    source = write_csv(rows, tmp_path / "customers.csv")
    ids = planted_ids(rows)
    args = ["rescreen", "--input", str(source), "--db", str(db), "--no-audit"]
    result = runner.invoke(app, [*args, "--since", history[2], "--format", "jsonl"])
    assert result.exit_code == 1, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [(x["query"]["id"], [m["change"] for m in x["matches"]]) for x in lines] == sorted(
        [(ids[0], ["changed"]), (ids[-2], ["new_hit"]), (ids[-1], ["new_hit"])])
    assert result.stderr.splitlines()[-1] == (
        f"Re-screened 400 rows against 2 added, 1 changed and 0 removed entities since "
        f"{history[2]}: 2 new_hit, 1 changed, 0 resurfaced, 0 removed")
    table = runner.invoke(app, [*args, "--since", history[2]])
    assert table.exit_code == 1
    assert "new_hit" in table.stdout and "un_sc:110441" in table.stdout
    none = runner.invoke(app, [*args, "--since", history[3]])
    assert none.exit_code == 0
    assert none.stdout.strip() == "No customer is affected by the changes."
    bad = runner.invoke(app, [*args, "--since", "yesterday"])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: --since must be a build") and bad.stdout == ""
    xlsx = tmp_path / "report.xlsx"
    out = runner.invoke(app, [*args, "--since", history[2], "--output", str(xlsx)])
    assert out.exit_code == 1 and xlsx.read_bytes()[:4] == b"PK\x03\x04"


@pytest.fixture()
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    (tmp_path / "mirror" / "un_sc").mkdir(parents=True)
    shutil.copyfile(UN.snapshot_paths()["xml"], tmp_path / "mirror" / "un_sc" / "consolidated.xml")
    with serve(tmp_path / "mirror") as m:
        yield m


def test_update_then_rescreen(history: tuple[Path, Path, str, str], rows: list[dict[str, str]],
                              tmp_path: Path, mirror: Mirror,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI updates and builds the whole registry; keep it to the source the mirror serves
    # (the build's list too: else the rebuild imports every other snapshot).
    monkeypatch.setattr("sanctions.ingest.update.all_sources", lambda: [UN])
    monkeypatch.setattr("sanctions.ingest.build.all_sources", lambda: [UN])
    db = tmp_path / "db" / "sanctions.db"
    db.parent.mkdir()
    shutil.copyfile(history[1], db)
    source = write_csv(rows, tmp_path / "customers.csv")
    report = tmp_path / "report.csv"
    args = ["update", "--db", str(db), "--mirror", mirror.url, "--rescreen", str(source),
            "--rescreen-output", str(report)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    ids = planted_ids(rows)
    got = [(r["id"], r["entity_id"], r["change"]) for r in csv.DictReader(
        io.StringIO(report.read_text(encoding="utf-8")))]
    assert sorted(got) == sorted([(ids[0], f"un_sc:{CHANGED}", "changed"),
                                  (ids[-2], "un_sc:110441", "new_hit"),
                                  (ids[-1], "un_sc:110899", "new_hit")])
    again = runner.invoke(app, args)  # nothing changed upstream: nothing to re-screen
    assert again.exit_code == 0, again.output
    assert f"Nothing changed: {source} needs no re-screen" in again.stderr
    missing = runner.invoke(app, [*args[:-3], str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2
    assert missing.stderr == f"error: --rescreen {tmp_path / 'nope.csv'}: no such file\n"


def test_the_prefilter_keeps_every_hit_of_the_eval_sets(
        history: tuple[Path, Path, str, str]) -> None:
    """The hand-labelled queries of eval/ (typos, transliterations, word order, partial names)
    against every UN record they expect, as a change: the same hits as a full screen."""
    root = Path(__file__).resolve().parent.parent / "eval"
    queries: list[dict[str, str | None]] = []
    expected: set[str] = set()
    for name in ("dev_set.csv", "holdout_set.csv"):
        with (root / name).open(encoding="utf-8", newline="") as fh:
            for i, r in enumerate(csv.DictReader(fh)):
                queries.append({"id": f"{name}:{i}", "name": r["query"],
                                "type": r["type"] or None})
                expected.add(r["expected"])
    change = ChangeSet("test", changed={e for e in expected if e.startswith("un_sc:")})
    assert len(change.changed) > 20
    db = history[0]
    got = {(r["query"]["id"], m["entity_id"], m["score"])
           for r in rescreen(queries, since=change, db=db, audit=False) for m in r["matches"]}
    full = {(r["query"]["id"], m["entity_id"], m["score"])
            for r in screen_many(queries, db=db, decisions=False) for m in r["matches"]
            if m["entity_id"] in change.changed}
    assert len(full) > 30
    assert got >= full
    assert all(e in change.changed for _, e, _ in got - full)


def test_the_prefilter_keeps_every_hit_of_names_read_from_another_script(
        full_db: Path) -> None:
    """The second dev and held-out sets' names in Hangul, Arabic, Hebrew and Chinese
    characters (read as foreign names, by their consonants, or joined), against every record
    a full screen finds for them, as a change: the same hits."""
    root = Path(__file__).resolve().parent.parent / "eval"
    other = re.compile("[\u0590-\u06ff\u3400-\u9fff\uac00-\ud7a3]")
    queries: list[dict[str, Any]] = [
        {"id": f"{name}:{i}", "name": r["query"], "type": r["type"] or None}
               for name in ("dev_2.csv", "holdout_2.csv")
               for i, r in enumerate(csv.DictReader((root / name).open(encoding="utf-8")))
               if other.search(r["query"])]
    full = {(r["query"]["id"], m["entity_id"])
            for r in screen_many(queries, db=full_db, decisions=False) for m in r["matches"]}
    assert len(full) > 50 and any("\uac00" <= q["name"][0] <= "\ud7a3" for q in queries)
    change = ChangeSet("test", changed={e for _, e in full})
    got = {(r["query"]["id"], m["entity_id"])
           for r in rescreen(queries, since=change, db=full_db, audit=False)
           for m in r["matches"]}
    # (not always at the same score: a name read by its consonants is read against the
    # changed records' words alone, which may spell it closer than the whole lists' first few)
    assert sorted(full - got) == []


# Names whose reading has a catch: apostrophes, ligatures, full-width letters, combining marks,
# Hangul and Chinese characters read one by one, Greek letter pairs, legal forms (folded across
# words, misspelt), particles, vessel prefixes, punctuation only.
TRICKY = ["O'Brien Ltd", "José ﬁnance Ａｂｃ", "김정은", "习近平 Xi", "Aḥmad\u0301 al-Qā'ida",
          "Λουκασένκο Αλεξάντερ", "ΜΠΑΜΠΗΣ Ντόρα", "straße", "İstanbul", "a \u0301b", "ǅemal",
          "limited liability company", "joint stokc company Alfa", "Ab`d ʿAli", "M/T Nord Star",
          "", "  ", "---", "Мухаммад Ҳасан", "عبد الله", "שמעון פרס", "Nguyễn Tấn Dũng"]


def test_file_tokens_are_the_matchers(history: tuple[Path, Path, str, str]) -> None:
    """sanctions.matching.reach reads a whole file at once; every name must come out as
    name_tokens reads it: the customers of 14 locales, every listed name, and the tricky ones
    (a change to name_tokens that reads text otherwise than a character at a time, or Greek
    only, fails here: reach.query_tokens must follow it)."""
    import sqlite3

    from sanctions.matching.reach import _phonetic_keys, query_tokens
    from sanctions.normalize import name_tokens, phonetic_key

    root = Path(__file__).resolve().parent.parent / "eval"
    with (root / "customers.csv").open(encoding="utf-8", newline="") as fh:
        names = [r["name"] for r in csv.DictReader(fh)]
    with sqlite3.connect(history[0]) as conn:
        names += [r[0] for r in conn.execute("SELECT name FROM names")]
    names += TRICKY
    tokens = query_tokens(names)
    assert tokens == [name_tokens(n) for n in names]
    assert query_tokens(TRICKY[:3]) == [["obrien", "ltd"], ["jose", "finance", "abc"],
                                        ["kim", "jong", "un"]]
    # and their romanisation keys, worked out for all the words at once
    words = sorted({t for toks in tokens for t in toks})
    assert _phonetic_keys(words) == [phonetic_key(t) for t in words]


def test_an_identifier_or_a_digit_is_always_screened(history: tuple[Path, Path, str, str]
                                                     ) -> None:
    from sanctions.rescreen_filter import _reaching
    from sanctions.store.index_part import load_entities_index

    index = load_entities_index(history[0], {f"un_sc:{d}" for d in ADDED})
    rows: list[dict[str, Any]] = [
        {"name": "John Smith"}, {"name": "John Smith", "identifier": "A 10472263"},
            {"name": "John Smith", "imo": "9323596"}, {"name": "John Smith 2"},
            {"name": "John Smith", "_error": "bad row"}, {"name": None},
            {"name": ADDED["110441"]}]
    assert _reaching(index, rows, 0.8) == [False, True, True, True, True, True, True]


def test_the_bound_holds_for_abbreviations_and_respellings() -> None:
    """Queries that score through a word the listed name abbreviates ('pty'), a respelling
    ('holdingslimited'), a joined or split word: reached whenever the matcher scores them at
    the threshold; a name sharing only 'and' is not."""
    from sanctions.matching import Entity, Index, NameRow, Query
    from sanctions.matching.reach import reaching
    from sanctions.matching.score import match

    listed = ["SPI INTERNATIONAL PROPRIETARY LTD", "OLDERFREY HOLDINGS LIMITED",
              "ABDUL RAHMAN AL HASAN", "HUGHES AND PATTON SHIPPING"]
    index = Index.build([Entity(f"x:{i}", "x", str(i), "organization", n)
                         for i, n in enumerate(listed)],
                        [NameRow(i, n, "primary") for i, n in enumerate(listed)])
    queries = ["LTD PTY INTERNATIONAL SPI", "OLDERFREY HOLDINGSLIMITED", "Abdulrahman al Hasan",
               "Olderfrey Holdings", "Hughes and Sons Ltd", "Baker, Hughes and Patton",
               "Smith Holdings Limited", "Kamala and Sons"]
    scored = [max((m.score for m in match(index, Query(q))), default=0.0) >= 0.8
              for q in queries]
    assert scored == [True, True, True, True, False, False, False, False]
    reached = reaching(index, queries, [0.0] * len(queries), 0.8)
    assert all(r for r, s in zip(reached, scored, strict=True) if s)
    assert reached[-1] is False  # 'and' alone weighs too little


def test_a_part_is_weighed_as_the_whole(history: tuple[Path, Path, str, str],
                                        tmp_path: Path) -> None:
    """A re-screen's part of the index reads only the whole's word statistics from the index
    file (`read_statistics`): the same as the whole index opened from it, and as counted again
    from the names when there is no file; a file of another build is not read."""
    import numpy as np

    from sanctions.store import reading
    from sanctions.store.index import read_build_id
    from sanctions.store.index_file import IndexFileError, open_index_file, read_statistics
    from sanctions.store.index_part import load_entities_index
    from sanctions.store.index_write import index_path

    db = history[0]
    with reading(db, immutable=True) as conn:
        build_id = read_build_id(conn)
    assert build_id is not None
    path = index_path(db, build_id)
    read, whole = read_statistics(path, build_id), open_index_file(path, build_id)
    assert read.vocab == whole.vocab and read.n == whole.tables.n
    assert np.array_equal(read.df, whole.tables.df) and read.classes is not None
    with pytest.raises(IndexFileError):
        read_statistics(path, "another build")

    ids = {f"un_sc:{d}" for d in ADDED} | {f"un_sc:{CHANGED}"}
    alone = tmp_path / "sanctions.db"  # the database without its index file: counted again
    shutil.copyfile(db, alone)
    part, counted = load_entities_index(db, ids), load_entities_index(alone, ids)
    words = sorted({t for toks in part.tokens for t in toks})
    weights = [part.idf.get(t) for t in words]
    assert words and weights == [whole.idf.get(t) for t in words]
    assert weights == pytest.approx([counted.idf.get(t) for t in words])
    assert part.max_idf == whole.max_idf == pytest.approx(counted.max_idf)
    assert np.allclose(part.name_weight, counted.name_weight)
    sample = whole.vocab_list[::7] + ["notalistedword", *words]
    assert [w in part.vocab for w in sample] == [w in counted.vocab for w in sample] == [
        w in whole.vocab for w in sample]
    again = load_entities_index(db, ids)  # the statistics held from the call before
    assert [again.idf.get(t) for t in words] == weights and (again.vocab.whole  # type: ignore[attr-defined]
                                                  is part.vocab.whole)  # type: ignore[attr-defined]


def test_the_collector_is_paused_by_the_outermost_block() -> None:
    """A re-screen pauses the collector once for all of it: the filter's own pause inside
    it neither resumes it nor unfreezes what the outer one froze; the state is restored."""
    import gc

    from sanctions.rescreen_filter import collector_paused

    enabled, frozen = gc.isenabled(), gc.get_freeze_count()
    with collector_paused():
        assert not gc.isenabled()
        held = gc.get_freeze_count()
        # tracked: a freeze inside would move them in
        made: list[list[int]] = [[] for _ in range(1000)]
        with collector_paused():
            assert not gc.isenabled()
        # frozen objects another thread frees meanwhile (pytest-xdist's) leave the count, so it
        # may fall a little; an unfreeze inside would empty it, a freeze raise it
        assert not gc.isenabled() and held // 2 < gc.get_freeze_count() <= held
        del made
    assert gc.isenabled() == enabled and gc.get_freeze_count() == frozen

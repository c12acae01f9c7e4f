"""The index file written at build time: the same answers as the index built in memory, and a
missing, stale or corrupt file never gives a wrong one."""

from __future__ import annotations

import csv
import multiprocessing
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sanctions.matching import Index
from sanctions.screening import make_query, screen_query
from sanctions.store import index_file
from sanctions.store.index import build_index, load_index
from sanctions.store.index_file import IndexFileError, _Entities, open_index_file
from sanctions.store.index_write import index_path

DEV = Path(__file__).parent.parent / "eval" / "dev_2.csv"
HEADLINES = {"Tren de Aragua": "ofac_sdn:49756", "Nicolás Maduro": "ofac_sdn:22790",
             "IMO 9323596": "ofac_sdn:56706"}


def build_id(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("SELECT value FROM build_info WHERE key = 'build_id'")
                   .fetchone()[0])


def answers(index: Index, fields: dict[str, Any]) -> list[tuple[str, float, list[str]]]:
    return [(m["entity_id"], m["score"], [r["entity_id"] for r in m["related"]])
            for m in screen_query(index, make_query(fields), threshold=0, limit=10)]


@pytest.fixture(scope="module")
def indexes(full_db: Path) -> tuple[Index, Index]:
    return build_index(full_db), open_index_file(index_path(full_db, build_id(full_db)))


def test_build_writes_one_file_named_with_its_build_id(full_db: Path) -> None:
    files = sorted(p.name for p in full_db.parent.glob("*.index"))
    assert files == [f"sanctions.db.{build_id(full_db)}.index"]


def test_load_index_opens_the_file_lazily(full_db: Path) -> None:
    index = load_index(full_db, say=pytest.fail)  # no fallback line
    assert isinstance(index.entities, _Entities)


@pytest.mark.slow
def test_same_top_ten_as_in_memory_on_the_dev_set(indexes: tuple[Index, Index]) -> None:
    memory, stored = indexes
    with open(DEV, encoding="utf-8") as fh:
        names = [row["query"] for row in csv.DictReader(fh)]
    assert len(names) > 2000
    differ = [n for n in names
              if answers(memory, {"name": n}) != answers(stored, {"name": n})]
    assert differ == []


@pytest.mark.parametrize("fields", [
    {"name": "Nicolas Maduro", "country": "VE", "birth_date": "1962-11-23"},
    {"name": "Maduro", "source": "ofac_sdn"},
    {"name": "Hamas", "program": "SDGT"},
    {"name": "Nord Star", "imo": "9323596", "type": "vessel"},
    {"name": "x", "imo": "IMO 9323596"},
    {"name": "Thievesinlaw"},
    {"name": "Jemaah Isla miya"},
])
def test_same_answers_with_every_query_field(indexes: tuple[Index, Index],
                                              fields: dict[str, Any]) -> None:
    memory, stored = indexes
    assert answers(stored, fields) == answers(memory, fields)


def test_headline_cases_first(indexes: tuple[Index, Index]) -> None:
    _, stored = indexes
    for name, expected in HEADLINES.items():
        assert answers(stored, {"name": name})[0][0] == expected


def _copy(full_db: Path, tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "sanctions.db"
    shutil.copy(full_db, db)
    return db, index_path(db, build_id(db))


def test_missing_file_is_rebuilt_with_one_line(full_db: Path, tmp_path: Path) -> None:
    db, path = _copy(full_db, tmp_path)
    said: list[str] = []
    index = load_index(db, say=said.append)
    assert len(said) == 1
    assert said[0].startswith(f"sanctions: sanctions.db: no index file at {path}")
    assert said[0].endswith("and rewrote the file (without its neighbour table: "
                            "`sanctions build` writes the whole file)")
    assert answers(index, {"name": "Tren de Aragua"})[0][0] == "ofac_sdn:49756"
    assert isinstance(load_index(db, say=pytest.fail).entities, _Entities)  # the file, now


def test_file_of_another_build_is_never_used(full_db: Path, tmp_path: Path) -> None:
    db, path = _copy(full_db, tmp_path)
    shutil.copy(index_path(full_db, build_id(full_db)), path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = 'other' WHERE key = 'build_id'")
    with pytest.raises(IndexFileError, match="of build other, not "):
        open_index_file(path, build_id(db))
    said: list[str] = []
    index = load_index(db, say=said.append)
    assert len(said) == 1 and f"{path} is of build other" in said[0]
    assert answers(index, {"name": "Nicolás Maduro"})[0][0] == "ofac_sdn:22790"


@pytest.mark.parametrize("content", [b"", b"not an index at all" * 100])
def test_corrupt_file_falls_back(full_db: Path, tmp_path: Path, content: bytes) -> None:
    db, path = _copy(full_db, tmp_path)
    path.write_bytes(content)
    said: list[str] = []
    index = load_index(db, say=said.append)
    assert len(said) == 1 and "built the index in memory" in said[0]
    assert answers(index, {"name": "IMO 9323596"})[0][0] == "ofac_sdn:56706"


def test_database_without_build_id_is_indexed_in_memory(full_db: Path, tmp_path: Path) -> None:
    db, _ = _copy(full_db, tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM build_info WHERE key = 'build_id'")
    said: list[str] = []
    load_index(db, say=said.append)
    assert said[0].startswith("sanctions: sanctions.db: its build wrote no index file")


_FORKED: list[Index] = []


def _child(name: str) -> list[tuple[str, float, list[str]]]:
    return answers(_FORKED[0], {"name": name})


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork")
def test_a_forked_process_opens_its_own_connection(indexes: tuple[Index, Index]) -> None:
    _, stored = indexes
    here = answers(stored, {"name": "Tren de Aragua"})  # the parent's connection is open
    _FORKED[:] = [stored]
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.map(_child, ["Tren de Aragua", "Hamas"]) == [
            here, answers(stored, {"name": "Hamas"})]


def test_gram_narrowing_finds_what_the_scan_finds(full_db: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Listed tokens near a query token, found through the gram index, equal the ratio scan
    of the whole length slice, for dev-set words and their typos (swaps, substitutions,
    insertions, deletions) and words with repeated grams."""
    import random

    import sanctions.matching.neighbours as retrieval
    from sanctions.matching import DEFAULT_CONFIG
    from sanctions.normalize import name_tokens

    with open(DEV, encoding="utf-8") as fh:
        words = sorted({t for row in csv.DictReader(fh) for t in name_tokens(row["query"])})
    rng = random.Random(14)
    tokens = list(words[::3])
    for t in words[::6]:
        if len(t) > 3:
            i = rng.randrange(len(t) - 1)
            tokens += [t[:i] + t[i + 1] + t[i] + t[i + 2:], t[:i] + "x" + t[i + 1:], t + "a",
                       t[:i] + t[i + 1:]]
    tokens += ["anananana", "mississippi", "abababab", "a", "ab", "x" * 30, "abc" * 12]
    index = open_index_file(index_path(full_db, build_id(full_db)))
    index.neighbours = None  # every word computed (the table is tests/test_neighbours.py's)
    for name in ("SCAN_MAX", "BATCH_SCAN_MAX"):
        monkeypatch.setattr(retrieval, name, 10**9)
    scanned = {t: index.sims(t, DEFAULT_CONFIG) for t in tokens}
    index.clear_cache()
    for name in ("SCAN_MAX", "BATCH_SCAN_MAX"):
        monkeypatch.setattr(retrieval, name, 0)
    assert {t: index.sims(t, DEFAULT_CONFIG) for t in tokens} == scanned
    index.clear_cache()
    index.similar(tokens, DEFAULT_CONFIG)  # all at once, as a batch looks them up
    assert {t: index.sims(t, DEFAULT_CONFIG) for t in tokens} == scanned


def test_file_written_by_other_matcher_code_is_rebuilt(full_db: Path, tmp_path: Path) -> None:
    db, path = _copy(full_db, tmp_path)
    shutil.copy(index_path(full_db, build_id(full_db)), path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = 'older' WHERE key = 'code'")
    said: list[str] = []
    load_index(db, say=said.append)
    assert len(said) == 1
    assert f"{path} was written by another version of the matcher's normalisation" in said[0]
    assert isinstance(load_index(db, say=pytest.fail).entities, _Entities)  # rewritten


def test_consonant_keys_are_read_from_the_file(indexes: tuple[Index, Index]) -> None:
    """The map an abjad-script query reads (consonants._by_key) is the file's, made at build
    time, and the same as the one made over the vocabulary in memory."""
    from sanctions.matching.consonants import _by_key

    memory, stored = indexes
    made = _by_key(memory)
    assert isinstance(made, dict) and len(made) > 1000
    assert _by_key(stored) is stored.consonant_words
    assert dict(stored.consonant_words.items()) == made  # type: ignore[union-attr]
    assert {"hmn", "mdr"} <= set(made)
    assert "khamenei" in stored.consonant_words["hmn"]  # type: ignore[index]


def test_a_prefetch_past_the_cache_bound_holds_every_row_it_read(
        indexes: tuple[Index, Index], full_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The row caches keep their bound (CACHE_ROWS) for the rows a prefetch adds too, but are
    trimmed only before rows are added, never of a prefetch's own: a pool larger than the
    bound is answered whole from what it read, with no statement more (a cache cleared in the
    middle of a look-up once answered a request with a 500), and the next prefetch trims the
    caches back to its own rows."""
    memory = indexes[0]
    monkeypatch.setattr(index_file, "CACHE_ROWS", 10)
    stored = open_index_file(index_path(full_db, build_id(full_db)))  # empty caches
    pool = list(range(0, len(memory.names), len(memory.names) // 60))[:60]
    stored.tables.prefetch(pool)
    names, entities = stored.names.names.cache, stored.entities.cache  # type: ignore[attr-defined]
    owners = {memory.names[i].entity for i in pool}
    assert set(names) == set(pool) and set(entities) == owners and len(owners) > 10
    f, statements = stored.entities.f, []  # type: ignore[attr-defined]
    real_all, real_one = f.all, f.one
    monkeypatch.setattr(f, "all", lambda *a: statements.append(a) or real_all(*a))  # type: ignore[func-returns-value]
    monkeypatch.setattr(f, "one", lambda *a: statements.append(a) or real_one(*a))  # type: ignore[func-returns-value]
    for i in pool:
        assert (stored.names[i], stored.tokens[i], stored.surnames[i]) == (
            memory.names[i], memory.tokens[i], memory.surnames[i])
        assert stored.entities[stored.names[i].entity] == memory.entities[memory.names[i].entity]
    assert statements == []
    small = [*pool[:3], pool[3] + 1]  # three held, one read (with its entity: one statement)
    stored.tables.prefetch(small)
    assert len(statements) == 1
    assert set(names) == set(small)
    assert set(entities) == {memory.names[i].entity for i in small}


def test_keys_read_many_at_once_are_the_keys_read_one_by_one(full_db: Path) -> None:
    """`Lists.many` (a batch chunk's keys in one statement) holds what `get` reads a key at a
    time: the lists of present keys and None for absent ones, and a key of another type than
    the table's is left to `get`."""
    path = index_path(full_db, build_id(full_db))
    one, many = open_index_file(path), open_index_file(path)
    keys = [k for k, _ in zip(one.tables.by_key, range(300), strict=False)]
    keys += ["=zzqx", "nosuchkey", *keys[:5]]
    many.by_key.many(keys)  # type: ignore[attr-defined]
    statements: list[str] = []
    many.by_key.f.conn.set_trace_callback(statements.append)  # type: ignore[attr-defined]
    assert [many.by_key.get(k) for k in keys] == [one.by_key.get(k) for k in keys]
    assert statements == []  # every one held, absent keys too
    groups = [g for g, _ in zip(one.tables.by_group, range(50), strict=False)]
    many.by_group.many([*groups, -1])  # type: ignore[attr-defined]
    assert [many.by_group.get(g) for g in [*groups, -1]] == [one.by_group.get(g)
                                                            for g in [*groups, -1]]
    many.by_group.many(["1"])  # type: ignore[attr-defined]  # text for an integer key
    assert "1" not in many.by_group.cache  # type: ignore[attr-defined]


def test_a_warmed_chunk_screens_as_each_query_alone(full_db: Path) -> None:
    """A batch chunk's look-ups at once (`Index.warm`: the key tables read many keys a
    statement) leave every answer as screening each query in a fresh index."""
    path = index_path(full_db, build_id(full_db))
    warmed, alone = open_index_file(path), open_index_file(path)
    with (Path(__file__).parent.parent / "eval" / "customers.csv").open(encoding="utf-8") as fh:
        rows = [r for i, r in enumerate(csv.DictReader(fh)) if i % 97 == 0][:150]
    queries = [make_query({"name": r["name"]}) for r in rows]
    warmed.warm(queries)
    for q in queries:
        assert [(m["entity_id"], m["score"]) for m in screen_query(warmed, q, threshold=0.5)] \
            == [(m["entity_id"], m["score"]) for m in screen_query(alone, q, threshold=0.5)]

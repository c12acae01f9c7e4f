"""The re-screen's stored preparation of a customer file (sanctions.store.prepared): written by
the first re-screen beside the decisions file, read back by the next, never in the published
database; and a store that is garbled, truncated, not SQLite, locked or made by other code
changes no answer and fails nothing (on the real UN data of tests/test_rescreen.py)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sanctions.matching.consonants import abjad_words
from sanctions.matching.reach_forms import query_tokens, spelling_forms
from sanctions.matching.reach_prepared import Prepared, file_key, file_work
from sanctions.normalize import clean_text
from sanctions.rescreen import rescreen
from sanctions.store import prepared as store
from tests.test_rescreen import TRICKY, fresh, history, rows  # noqa: F401  (fixtures)

History = tuple[Path, Path, str, str]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def answers(file: list[dict[str, str]], since: str, db: Path, **kw: Any) -> list[Any]:
    return [(r["query"]["id"], [(m["entity_id"], m["score"], m["change"]) for m in r["matches"]])
            for r in rescreen(file, since=since, db=db, audit=False, **kw)]


@pytest.fixture(scope="module")
def without(history: History, rows: list[dict[str, str]]) -> list[Any]:  # noqa: F811
    """The answers with no preparation at all."""
    return answers(rows, history[2], history[0], prepared=False)


def test_the_first_rescreen_stores_it_and_the_next_reads_it(
        history: History, rows: list[dict[str, str]], without: list[Any],  # noqa: F811
        tmp_path: Path) -> None:
    db = fresh(history, tmp_path)
    published = sha(db)
    path = store.prepared_path(db)
    assert path == tmp_path / "sanctions.decisions.prepared.db"
    assert without  # the scenario reports hits
    assert answers(rows, history[2], db) == without  # cold: works it out, then stores it
    stored = store.load(path)
    names = {clean_text(r["name"]) for r in rows}
    assert set(stored.names) == names
    assert set(stored.words) == {w for n in names for w in n.split()}
    assert answers(rows, history[2], db) == without  # warm: reads it back
    # a file changed a little: its new name is worked out and added, the rest read back
    more = [*rows, {"id": "new-1", "name": "Behman Asgarpour"}]
    assert answers(more, history[2], db)[-1][0] == "new-1"
    assert "Behman Asgarpour" in store.load(path).names
    assert sha(db) == published  # the published file is only ever read


def test_a_prepared_name_or_word_reads_back_as_worked_out() -> None:
    names = [clean_text(n) for n in TRICKY] + ["OAONOVATEK Trading", "Abdulkhakim Khodzhaev"]
    words = {w for n in names for w in n.split()}
    prep = Prepared()  # worked out as a re-screen's pass does, then read back
    prep.tokens(names)
    prep.spellings(words)
    again = Prepared(dict(prep.new_names), dict(prep.new_words))
    assert again.tokens(names) == query_tokens(names, cleaned=True)
    assert again.spellings(words) == spelling_forms(words)
    assert spelling_forms(["oaonovatek"])  # the test holds a word with another spelling
    # a word's value that does not read back as written is worked out again
    odd = Prepared({}, {"oaonovatek": "a\x1eb\x1fc\x1f", "kim": "x\x1e"})
    assert odd.spellings(["oaonovatek", "kim"]) == spelling_forms(["oaonovatek", "kim"])


def test_a_prepared_abjad_reading_reads_back_as_worked_out() -> None:
    # Arabic, Persian (a final he and a zero-width non-joiner), Hebrew (a doubled vav: an
    # alternative key), a taa marbuta (no last vowel known), and Latin words beside them
    words = ["محمد", "عبدالله", "فاطمة", "خانه\u200cای", "דוד", "דאווד", "Ali", "Ould"]
    prep = Prepared()
    made = [prep.abjad_words(w) for w in words]
    assert made == [abjad_words(w) for w in words]
    assert any(w.alts for m in made for w in m)  # the test holds a word with another key
    again = Prepared(readings=dict(prep.new_readings))
    assert set(again.readings) == set(words)
    assert [again.abjad_words(w) for w in words] == made
    assert not again.new_readings  # all read back
    # a value that does not read back as written is worked out again
    bad = ["", "[", "{}", '[["a"]]', '[["a", "b", 1, null, "", [], [], []]]',
           '[["a", "b", null, null, "", "ab", [], []]]', "null",
           '[["a", "b", null, null, "", [1], [], []]]']
    odd = Prepared(readings=dict(zip(words, bad, strict=True)))
    assert [odd.abjad_words(w) for w in words] == made


@pytest.mark.parametrize("garble", ["values", "types", "bytes", "truncated", "other code"])
def test_a_garbled_store_changes_no_answer(
        history: History, rows: list[dict[str, str]], without: list[Any],  # noqa: F811
        tmp_path: Path, garble: str) -> None:
    db = fresh(history, tmp_path)
    path = store.prepared_path(db)
    answers(rows, history[2], db)  # a good store first, then garbled
    if garble in ("values", "types", "other code"):
        with sqlite3.connect(path) as conn:
            if garble == "values":  # every name read as nothing
                conn.execute("UPDATE store SET value = 'zz' WHERE key = 'name_values'")
            elif garble == "types":
                conn.execute("UPDATE store SET value = x'00ff' WHERE key = 'words'")
            else:
                conn.execute("UPDATE store SET value = 'other code' WHERE key = 'made_by'")
    elif garble == "bytes":
        path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    else:
        path.write_bytes(path.read_bytes()[:3000])
    assert store.load(path).names == {}  # not read: its rows are not as written
    assert answers(rows, history[2], db) == without
    assert store.load(path).names  # rebuilt by the re-screen


def test_a_locked_or_unwritable_store_is_gone_without(
        history: History, rows: list[dict[str, str]], without: list[Any],  # noqa: F811
        tmp_path: Path) -> None:
    db = fresh(history, tmp_path)
    path = store.prepared_path(db)
    answers(rows, history[2], db)
    lock = sqlite3.connect(path, isolation_level=None)
    try:
        lock.execute("BEGIN EXCLUSIVE")
        assert store.load(path).names == {}
        assert answers(rows, history[2], db) == without
    finally:
        lock.close()
    # a directory where the store would be: neither read nor written
    other = tmp_path / "other"
    other.mkdir()
    db2 = other / "sanctions.db"
    shutil.copyfile(db, db2)
    store.prepared_path(db2).mkdir()
    assert answers(rows, history[2], db2) == without
    assert store.prepared_path(db2).is_dir()


def test_a_file_of_another_kind_at_the_store_path_is_left_as_it_is(
        history: History, rows: list[dict[str, str]], without: list[Any],  # noqa: F811
        tmp_path: Path) -> None:
    # someone's own file by a clash of names: the cache neither reads nor replaces it
    db = fresh(history, tmp_path)
    path = store.prepared_path(db)
    mine = b"customer notes, 2026\nnot a cache\n"
    path.write_bytes(mine)
    assert answers(rows, history[2], db) == without
    assert path.read_bytes() == mine
    # an empty file there is taken (nothing to lose), as a damaged store is
    path.write_bytes(b"")
    assert answers(rows, history[2], db) == without
    assert store.load(path).names


def test_the_store_is_rebuilt_past_its_bound(
        history: History, rows: list[dict[str, str]], tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    db = fresh(history, tmp_path)
    path = store.prepared_path(db)
    monkeypatch.setattr(store, "SLACK", 0)
    first = [{"id": f"a{k}", "name": f"Alpha {chr(97 + k % 26)}{chr(97 + k // 26)}q"}
             for k in range(40)]
    answers(first, history[2], db)
    assert len(store.load(path).names) == 40
    small = [{"id": "b", "name": "Bravo Charlie"}]
    answers(small, history[2], db)  # over twice this file's rows: rebuilt as this file's
    assert set(store.load(path).names) == {"Bravo Charlie"}


def test_a_files_record_reads_back_as_worked_out() -> None:
    names = [*TRICKY, None, "Ali 2", 'Ismael "El Mayo" Zambada', "ウラジーミル・プーチン"]
    made = file_work(names)  # worked out, as without a preparation
    assert made.asides and all(made.scripts)
    assert made.plain == [*range(22), 24, 25]  # None and "Ali 2" are not read (screened)
    assert made.holders and made.holders == {
        w: [k for k, t in enumerate(made.texts) if w in t.split()] for w in made.holders}
    prep = Prepared()
    assert file_work(names, prep) == made
    key = file_key(names)
    assert key is not None and list(prep.new_files) == [key]
    again = Prepared(files=dict(prep.new_files))
    assert file_work(names, again) == made
    assert not any(again.new)  # read back, nothing worked out
    # another order, another name: another file
    assert file_key(names[::-1]) != key and file_key([*names[:-1], None]) != key
    assert file_key(["a\x1eb"]) is None  # a name holding a separator: no record
    # a record not as `keep_file` writes it is read as none, and the file worked out
    value = prep.new_files[key]
    for bad in ("", "x", value.replace("\x1d", "", 1), "x" + value, value.replace("\n", "", 1)):
        odd = Prepared(files={key: bad})
        assert odd.file(key) is None
        assert file_work(names, odd) == made


def test_a_files_record_is_stored_and_an_edited_one_not_read(
        history: History, rows: list[dict[str, str]], without: list[Any],  # noqa: F811
        tmp_path: Path) -> None:
    db = fresh(history, tmp_path)
    path = store.prepared_path(db)
    assert answers(rows, history[2], db) == without
    with sqlite3.connect(path) as conn:
        records = dict(conn.execute("SELECT key, value FROM files"))
    assert records and all(store.load(path).fetch(k) == v for k, v in records.items())  # type: ignore[misc]
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE files SET value = value || ' '")
    assert all(store.load(path).fetch(k) is None for k in records)  # type: ignore[misc]
    assert answers(rows, history[2], db) == without
    # only the latest files' records are kept
    for n in range(store.MAX_FILES + 1):
        prep = store.load(path)
        file_work([f"Name {n}x"], prep)
        assert store.save(path, prep, [])
    with sqlite3.connect(path) as conn:
        kept = [k for k, in conn.execute("SELECT key FROM files")]
    assert len(kept) == store.MAX_FILES and file_key(["Name 4x"]) in kept

"""The server's per-request shortcuts give the answers the long way gives: stale notes looked up
in what the process holds (store.entities.hold_stale) equal those read from the file, and stop
being used when the file is replaced; a GET's query string read in one pass equals parse_qsl's
reading; a worker finds its index by the server's name for it (sanctions.answer._Indexes).
All on a real build of the bundled snapshot (the `full_db` fixture)."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl

import pytest

from sanctions import answer, screening
from sanctions.store import entities
from sanctions.store.entities import StaleNotes, hold_stale
from sanctions.store.version import read_data_version
from sanctions.web.api import query_fields


def _noted(db: Path, build: Any, ids: list[str]) -> list[dict[str, Any]]:
    results = [{"matches": [{"entity_id": i} for i in ids[k:k + 5]]}
               for k in range(0, len(ids), 5)]
    return list(StaleNotes(db, {"build": build}).note_all(results))


@pytest.fixture()
def ids(full_db: Path) -> list[str]:
    with sqlite3.connect(f"file:{full_db}?mode=ro", uri=True) as conn:
        every = [r[0] for r in conn.execute("SELECT id FROM entities ORDER BY id")]
    return random.Random(14).sample(every, 600) + ["ofac_sdn:39796", "ofac_sdn:49756"]


def test_held_stale_notes_equal_the_files(full_db: Path, ids: list[str]) -> None:
    build = (read_data_version(full_db) or {})["build"]
    entities._HELD.clear()
    read = _noted(full_db, build, ids)
    hold_stale(full_db)
    assert str(full_db) in entities._HELD
    held = _noted(full_db, build, ids)
    assert held == read
    stale = [m for r in held for m in r["matches"] if "stale" in m]
    assert 0 < len(stale) < len(ids)  # both kinds were looked up
    assert {"entity_id": "ofac_sdn:49756"} in held[-1]["matches"]  # Tren de Aragua: newest file
    # results screened against another build get no note, held or not
    assert not any("stale" in m for r in _noted(full_db, "another build", ids)
                   for m in r["matches"])


def test_a_replaced_file_is_read_again(full_db: Path, ids: list[str], tmp_path: Path) -> None:
    db = tmp_path / "sanctions.db"
    shutil.copy(full_db, db)
    build = (read_data_version(db) or {})["build"]
    hold_stale(db)
    entities._HELD[str(db)][2].clear()  # what is held now differs from the file
    assert not any("stale" in m for r in _noted(db, build, ids) for m in r["matches"])
    fresh = tmp_path / "next.db"
    shutil.copy(full_db, fresh)
    os.replace(fresh, db)  # as `sanctions build` replaces it
    assert _noted(db, build, ids) == _noted(full_db, build, ids)


@pytest.mark.parametrize("text", [
    "", "name=Nicolas+Maduro", "name=Nicol%C3%A1s%20Maduro&limit=3", "name&type=person",
    "na%6De=x&name=y", "source=ofac_sdn&source=un_sc,uk_sanctions&name=x", "name=%FF%zz%",
    "&&name==a=b&&", "threshold=0.5&threshold=0.9&name=a%2Bb+c", "unknown=1;name=x",
])
def test_a_query_string_is_read_as_parse_qsl_reads_it(text: str) -> None:
    expected: dict[str, Any] = dict.fromkeys(k for k in screening.FIELDS if k != "source")
    expected["source"] = []
    for key, value in parse_qsl(text, keep_blank_values=True):
        if key == "source":
            expected["source"].append(value)
        elif key in expected and expected[key] is None:
            expected[key] = value
    got = query_fields(text)
    assert got == expected and list(got) == list(expected)


def test_a_worker_answers_as_the_server_does(full_db: Path) -> None:
    """Its index found by the server's name for it, its stale notes held: the same answer as
    the server's own (no hold, the file read per answer)."""
    indexes = answer._Indexes()
    answer._preload(indexes, str(full_db))
    assert indexes.unheld == [str(full_db)]  # held once the worker has sent an answer
    served = indexes.unheld.pop()
    [state] = indexes.named.values()
    path, build_id = next(iter(indexes.named))
    assert indexes.state(path, build_id) is state  # found again without resolving the path
    entities._HELD.clear()
    own = SimpleNamespace(index=screening.load_index(full_db), path=str(full_db))
    for name in ("Tornado Cash", "Tren de Aragua", "Nicolas Maduro", "Qxz Vrb"):
        expected = answer.answer(own, {"name": name})
        answer.hold(served)
        ok, text = answer._run(indexes, "sanctions.answer", "answer", path, build_id,
                               ({"name": name},))
        entities._HELD.clear()
        assert ok and text == expected
    assert '"stale"' in answer.answer(own, {"name": "Tornado Cash"})


QUERIES: list[dict[str, Any]] = [
    {"name": "Tornado Cash"}, {"name": "Tren de Aragua", "limit": "3"},
    {"name": "Nicolas Maduro", "type": "person", "country": "Venezuela", "threshold": "0.5"},
    {"name": "Hamas", "source": ["ofac_sdn"]}, {"imo": "9323596"}, {"name": "Qxz Vrb"},
    {"name": "Kim Jong Un", "birth_date": "1984", "id": "c1", "program": "DPRK"},
]


def test_a_worker_given_the_servers_parse_answers_the_same(full_db: Path) -> None:
    """The server validated the query already (sanctions.web.api.check) and sends what it
    parsed with the fields: the worker's answer is the one it gives parsing them itself."""
    indexes = answer._Indexes()
    answer._preload(indexes, str(full_db))
    [state] = indexes.named.values()
    path, build_id = next(iter(indexes.named))
    for q in QUERIES:
        fields = {**query_fields(""), **q}
        ok, own = answer._run(indexes, "sanctions.answer", "answer", path, build_id, (fields,))
        ok2, given = answer._run(indexes, "sanctions.answer", "answer", path, build_id,
                                 (fields, answer.sendable(screening.parse(fields))))
        assert ok and ok2 and given == own
        assert answer.answer(state, fields, answer.sendable(screening.parse(fields))) == own

"""The build's neighbour table: every listed word's `Index.similar` entry made once and stored
in the index file, equal to the entry computed at query time, and read only by the code and
config it was made for."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from sanctions.matching import DEFAULT_CONFIG, Index, MatchConfig
from sanctions.matching import neighbours as nb
from sanctions.matching.neighbours import look_up
from sanctions.store.index import build_index
from sanctions.store.index_file import open_index_file
from sanctions.store.index_write import index_path, write_index_file
from tests.small_index import index_of

ROWS = [("ofac_sdn:35026", "person", "YERSHOV, Sergey Aleksandrovich"),
        ("ofac_sdn:24309", "person", "PATRUSHEV, Nikolai Platonovich"),
        ("ofac_sdn:22790", "person", "MADURO MOROS, Nicolas"),
        ("ofac_sdn:49756", "organization", "TREN DE ARAGUA"),
        ("un_sc:QDe.004", "organization", "AL-QAIDA"),
        ("ofac_sdn:6365", "organization", "HIZBALLAH"),
        ("ofac_sdn:56706", "vessel", "ADRIAN DARYA 1"),
        ("ofac_sdn:42087", "organization",
         "JOINT STOCK COMPANY VLADIMIR PRODUCTION AMALGAMATION TOCHMASH")]
AKAS = [(1, "PATRUSHEV, Nikolay"), (2, "MADURO, Nicolás"), (5, "HEZBOLLAH"),
        (4, "AL QAEDA"), (0, "ERSHOV, Sergei")]


def build_id(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("SELECT value FROM build_info WHERE key = 'build_id'")
                   .fetchone()[0])


def computed(index: Index, words: list[str], cfg: MatchConfig = DEFAULT_CONFIG
             ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The entries computed as a query computes them, one word at a time and all at once."""
    one = {t: e for t in words for t, e in look_up(index, [t], cfg).items()}
    assert _same(look_up(index, words, cfg), one)
    return one


def stored(index: Index, words: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    assert index.neighbours is not None
    found = index.neighbours.read([index.vocab[t] for t in words])
    return {t: found[index.vocab[t]] for t in words}


def _same(a: dict[str, tuple[np.ndarray, np.ndarray]],
          b: dict[str, tuple[np.ndarray, np.ndarray]]) -> bool:
    return a.keys() == b.keys() and all(
        a[t][0].dtype == b[t][0].dtype and a[t][1].dtype == b[t][1].dtype
        and np.array_equal(a[t][0], b[t][0]) and np.array_equal(a[t][1], b[t][1]) for t in a)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Index, Index]:
    memory = index_of(ROWS, AKAS)
    path = tmp_path_factory.mktemp("small") / "small.index"
    return memory, open_index_file(write_index_file(memory, path, "b1"), "b1")


def test_small_table_equals_the_computed_entries(small: tuple[Index, Index]) -> None:
    memory, opened = small
    words = list(memory.vocab_list)
    assert memory.neighbours is None  # built in memory: every word computed
    table = stored(opened, words)
    assert _same(table, computed(memory, words))
    # spellings, equivalents and typos are in it, not only the word itself
    near = {t: {memory.vocab_list[j] for j in table[t][0].tolist()} for t in words}
    assert {"hizballah", "hezbollah"} <= near["hizballah"]
    assert {"yershov", "ershov"} <= near["yershov"]
    assert near["1"] == {"1"}


def test_a_query_reads_the_table_for_listed_words_only(small: tuple[Index, Index],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import sanctions.matching.index as retrieval

    memory, opened = small
    opened.clear_cache()
    asked: list[list[str]] = []
    monkeypatch.setattr(retrieval, "look_up",
                        lambda index, todo, cfg, workers=1: (index is opened and asked.append(
                            list(todo))) or look_up(index, todo, cfg, workers))  # type: ignore[func-returns-value]
    words = ["maduro", "madura", "hezbollah", "nikolaj", "aragua"]
    assert {t: opened.sims(t, DEFAULT_CONFIG) for t in words} == {
        t: memory.sims(t, DEFAULT_CONFIG) for t in words}
    assert asked == [["madura"], ["nikolaj"]]


def test_another_config_computes_as_without_a_table(small: tuple[Index, Index],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import sanctions.matching.index as retrieval

    memory, opened = small
    opened.clear_cache()
    calls: list[int] = []
    monkeypatch.setattr(retrieval, "look_up",
                        lambda index, *a, **k: (index is opened and calls.append(1))  # type: ignore[func-returns-value]
                        or look_up(index, *a, **k))
    for cfg in (MatchConfig(token_floor=0.6), MatchConfig(equivalent_similarity=0.9),
                MatchConfig(phonetic_similarity=0.8)):
        opened.clear_cache()
        memory.clear_cache()
        assert opened.sims("hezbollah", cfg) == memory.sims("hezbollah", cfg)
    assert len(calls) == 3
    opened.clear_cache()
    opened.sims("hezbollah", MatchConfig(threshold=0.5, candidates=40))  # fields it needs not
    assert len(calls) == 3


def test_a_table_made_by_other_code_is_not_read(small: tuple[Index, Index],
                                                tmp_path: Path) -> None:
    memory, _ = small
    path = write_index_file(memory, tmp_path / "other.index", "b2")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = replace(value, '\"code\": \"', '\"code\": \"x')"
                     " WHERE key = 'neighbours'")
    assert open_index_file(path, "b2").neighbours is None
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = 'not json' WHERE key = 'neighbours'")
    other = open_index_file(path, "b2")
    assert other.neighbours is None
    memory.clear_cache()  # (the token cache is kept whatever the config: the caller clears it)
    assert other.sims("hezbollah", DEFAULT_CONFIG) == memory.sims("hezbollah", DEFAULT_CONFIG)


def test_full_table_equals_the_computed_entries(full_db: Path) -> None:
    """A sample of the bundled lists' vocabulary: every 40th word of each length and the
    first and last of each, computed one at a time and as a batch does, against the file's."""
    memory = build_index(full_db)
    opened = open_index_file(index_path(full_db, build_id(full_db)))
    vocab = memory.vocab_list
    assert opened.vocab_list == vocab
    starts = memory.len_starts
    sample = sorted({*range(0, len(vocab), 40), *(s for s in starts if s < len(vocab)),
                     *(s - 1 for s in starts if 0 < s <= len(vocab))})
    words = [vocab[j] for j in sample]
    assert len(words) > 500
    assert _same(stored(opened, words), computed(memory, words))


def test_a_capped_table_covers_the_most_held_words(small: tuple[Index, Index],
                                                   tmp_path: Path) -> None:
    """Past `MAX_WORDS` the table has the words most names hold; the others are computed, to
    the same entries."""
    memory, _ = small
    path = write_index_file(memory, tmp_path / "capped.index", "b3", neighbours=3)
    capped = open_index_file(path, "b3")
    assert capped.neighbours is not None
    vocab = memory.vocab_list
    covered = capped.neighbours.read(list(range(len(vocab))))
    df = memory.tables.df
    assert len(covered) == 3 and min(df[j] for j in covered) >= max(
        df[j] for j in range(len(vocab)) if j not in covered)
    memory.clear_cache()
    assert {t: capped.sims(t, DEFAULT_CONFIG) for t in vocab} == {
        t: memory.sims(t, DEFAULT_CONFIG) for t in vocab}
    path = write_index_file(memory, tmp_path / "none.index", "b4", neighbours=0)
    assert open_index_file(path, "b4").neighbours is None


def test_the_table_made_by_workers_is_the_one_made_here(small: tuple[Index, Index],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Forked workers making the table while the writer writes (`neighbours.Table`) give the
    same arrays as one process; a table closed before its result stops its workers."""
    memory, _ = small
    monkeypatch.setattr(nb, "CHUNK", 3)  # several chunks, so the workers share them
    here = nb.table(memory, DEFAULT_CONFIG, 1)
    there = nb.Table(memory, DEFAULT_CONFIG, 2)
    assert there.pool is not None
    made = there.result()
    assert there.pool is None and nb._BUILDING is None
    for a, b in zip(here, made, strict=True):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    stopped = nb.Table(memory, DEFAULT_CONFIG, 2)
    stopped.close()  # e.g. the file's writing failed: nothing left running
    assert stopped.pool is None and nb._BUILDING is None

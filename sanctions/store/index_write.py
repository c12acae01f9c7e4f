"""Write the matcher's index to a file beside the database, once, at build time.

The file is a read-only SQLite database (`sanctions.store.index_file` opens it), named after
the database and its build id: `sanctions.db` with build id `3f2a...` gets
`sanctions.db.3f2a....index`. It is written to a temp name and renamed, so a reader sees the
whole file or none; files of earlier builds are removed once the new database is in place.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from array import array
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import rapidfuzz

from ..matching import DEFAULT_CONFIG, Entity, Index, classed
from ..matching import neighbours as nb
from ..matching.tables import Tables

# 6: the class-form table (`matching.classed`); 5: the neighbour table
FORMAT = "sanctions-index 6"
SUFFIX = ".index"
_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE arrays (name TEXT PRIMARY KEY, dtype TEXT NOT NULL, data BLOB NOT NULL)
    WITHOUT ROWID;
CREATE TABLE names (id INTEGER PRIMARY KEY, entity INTEGER NOT NULL, name TEXT NOT NULL,
    kind TEXT NOT NULL, tokens TEXT NOT NULL, surnames TEXT NOT NULL);
CREATE TABLE entities (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE joined (k TEXT PRIMARY KEY, rows BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE by_identifier (k TEXT PRIMARY KEY, rows BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE names_of (k INTEGER PRIMARY KEY, rows BLOB NOT NULL);
CREATE TABLE cluster_members (k TEXT PRIMARY KEY, rows BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE by_group (k INTEGER PRIMARY KEY, rows BLOB NOT NULL);
CREATE TABLE by_key (k TEXT PRIMARY KEY, rows BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE consonants (k TEXT PRIMARY KEY, rows BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE neighbours (k INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE classes (k TEXT PRIMARY KEY, word INTEGER NOT NULL) WITHOUT ROWID;
"""
LIST_TABLES = ("joined", "by_identifier", "names_of", "cluster_members", "by_group", "by_key")
SEP = "\n"  # between tokens of the vocabulary and of a name: never inside a token


# The code and data an index's content is made by: a file written by other versions of them may
# tokenise or weigh differently, so it is never opened (the index is rebuilt instead).
_PACKAGE = Path(__file__).resolve().parent.parent
MADE_BY = ("normalize.py", "scripts.py", "identifiers.py", "countries.py", "dates.py",
           "matching/tables.py", "matching/config.py", "matching/types.py",
           "matching/consonants.py", "store/index.py", "store/index_write.py",
           "data/names/equivalents.tsv", "data/names/east_slavic.tsv", "data/names/common.tsv")


@lru_cache(maxsize=4)
def code_fingerprint(names: tuple[str, ...] = MADE_BY) -> str:
    """A digest of these files of the package (the index's makers, `MADE_BY`, by default)."""
    digest = hashlib.sha256()
    for name in names:
        path = _PACKAGE / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b""))
    return digest.hexdigest()[:16]


def table_made_by(config: Sequence[float]) -> str:
    """What a neighbour table made with these config fields (`neighbours.FIELDS`) was made
    by: them, its code (`neighbours.MADE_BY`) and rapidfuzz (a reader reads a table only
    when the last two are its own, and for a config whose fields are the same)."""
    return json.dumps({"config": list(config), "code": code_fingerprint(nb.MADE_BY),
                       "rapidfuzz": rapidfuzz.__version__}, sort_keys=True)


def classes_made_by() -> str:
    """What a class-form table is made by (`matching.classed.MADE_BY`): a reader reads one
    only when it is its own code's (else the map is made in memory, as without a table)."""
    return json.dumps({"code": code_fingerprint(classed.MADE_BY)})


def index_path(db_path: Path | str, build_id: str) -> Path:
    path = Path(db_path)
    return path.with_name(f"{path.name}.{build_id}{SUFFIX}")


def entity_json(e: Entity) -> str:
    return json.dumps([e.id, e.source, e.source_id, e.type, e.name, list(e.programs),
                       e.listed_on, e.cluster, sorted(e.countries), [list(b) for b in e.births],
                       sorted(e.identifiers), e.reward_usd], ensure_ascii=False)


def _ints(values: Iterable[int]) -> bytes:
    return array("i", values).tobytes()


def _blob(a: np.ndarray, dtype: str) -> tuple[str, bytes]:
    return dtype, np.ascontiguousarray(a, dtype=dtype).tobytes()


def write_index_file(index: Index, path: Path, build_id: str, workers: int = 1,
                     neighbours: int = nb.MAX_WORDS) -> Path:
    """Write `index` (built in memory) to `path`, atomically: a failure leaves no file.
    `workers`: processes making the neighbour table; `neighbours`: the listed words it has
    entries for, at most (0: none)."""
    t = index.tables
    if any(SEP in w or not w for w in t.vocab_list):
        raise ValueError("a token holds the separator")  # normalisation never makes one
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    # the table's workers fork first (before the file is opened) and make it while this
    # process writes the rest of the file: the file's rows and the table overlap on the cores
    table = nb.Table(index, DEFAULT_CONFIG, workers, neighbours)
    try:
        conn = sqlite3.connect(tmp)
        try:
            _write(conn, t, build_id)
            _write_classes(conn, index)
            _write_neighbours(conn, table.result(),
                              table_made_by(nb.config_key(DEFAULT_CONFIG)))
        finally:
            conn.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        table.close()
    return path


def _write(conn: sqlite3.Connection, t: Tables, build_id: str) -> None:
    assert t.indptr is not None and t.indices is not None, "write an index built in memory"
    assert t.gram_keys is not None and t.gram_indptr is not None and t.gram_indices is not None
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.executescript(_TABLES)
    meta = {"format": FORMAT, "build_id": build_id, "code": code_fingerprint(),
            "names": str(len(t.names)),
            "entities": str(len(t.entities)), "vocabulary": str(len(t.vocab_list))}
    conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    arrays = {"df": _blob(t.df, "int64"), "name_len": _blob(t.name_len, "float32"),
              "name_weight": _blob(t.name_weight, "float32"),
              "name_entity": _blob(t.name_entity, "int32"),
              "alpha_order": _blob(np.asarray(t.alpha_order), "int32"),
              "vocab": ("text", SEP.join(t.vocab_list).encode()),
              # the postings and the gram index, whole: read at open, sliced per token
              "indptr": _blob(t.indptr, "int64"), "indices": _blob(t.indices, "int32"),
              "gram_keys": ("text", SEP.join(t.gram_keys).encode()),
              "gram_indptr": _blob(t.gram_indptr, "int64"),
              "gram_indices": _blob(t.gram_indices, "int32")}
    conn.executemany("INSERT INTO arrays VALUES (?, ?, ?)",
                     [(k, d, b) for k, (d, b) in arrays.items()])
    conn.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?, ?)", (
        (i, row.entity, row.name, row.kind, SEP.join(t.tokens[i]),
         SEP.join(sorted(t.surnames[i]))) for i, row in enumerate(t.names)))
    conn.executemany("INSERT INTO entities VALUES (?, ?)",
                     ((i, entity_json(e)) for i, e in enumerate(t.entities)))
    # keyed rows in key order: each lands at the end of its B-tree, not at a random page of
    # one larger than SQLite's cache (at 1.5M names the joined forms alone are millions)
    for name in LIST_TABLES:
        table: Mapping[object, Sequence[int]] = getattr(t, name)
        conn.executemany(f"INSERT INTO {name} VALUES (?, ?)",
                         ((k, _ints(table[k])) for k in sorted(table)))  # type: ignore[type-var]
    consonants = consonant_ids(t.vocab_list)
    conn.executemany("INSERT INTO consonants VALUES (?, ?)",
                     ((k, _ints(consonants[k])) for k in sorted(consonants)))
    conn.commit()


def _write_neighbours(conn: sqlite3.Connection,
                      table: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
                      made_by: str) -> None:
    """Listed words' `Index.similar` entries (`matching.neighbours.table`), one row per word
    it covers: the vocabulary ids of its neighbours (int32) then their similarities (float32),
    empty for none; a word with no row is looked up as without a table. In the meta: what the
    table was made by (the config fields, code and rapidfuzz it holds for)."""
    covered, indptr, ids, sims = table
    if not len(covered):
        return  # no table: every word looked up
    starts, ends = indptr[:-1].tolist(), indptr[1:].tolist()
    conn.executemany("INSERT INTO neighbours VALUES (?, ?)", (
        (j, ids[a:b].tobytes() + sims[a:b].tobytes())
        for j, a, b in zip(covered.tolist(), starts, ends, strict=True)))
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("neighbours", made_by), ("neighbour_words", str(len(covered)))])
    conn.commit()


def _write_classes(conn: sqlite3.Connection, index: Index) -> None:
    """The class-form map (`matching.classed.class_map`: a Latin word's form with the letters
    romanisations of Arabic write either way written one way -> the commonest listed word of
    it), a row per form with its word's vocabulary id; in the meta, the code it was made by."""
    vocab = index.vocab
    conn.executemany("INSERT INTO classes VALUES (?, ?)",
                     ((form, vocab[w]) for form, w in classed.class_map(index).items()))
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [("classes", classes_made_by())])
    conn.commit()


def consonant_ids(vocab_list: Sequence[str]) -> dict[str, list[int]]:
    """The listed words by consonant key, as vocabulary ids in vocabulary order: the map
    `matching.consonants._by_key` otherwise makes over the whole vocabulary on the first
    abjad-script query (seconds at a million words), made once here instead."""
    from ..matching.consonants import consonant_key  # noqa: PLC0415 (only the writer needs it)

    found: dict[str, list[int]] = {}
    for j, t in enumerate(vocab_list):
        if t.isalpha() and t.isascii() and len(t) >= 2:
            found.setdefault(consonant_key(t), []).append(j)
    return found


def remove_other_index_files(db_path: Path, keep: Path | None) -> None:
    """Index files of earlier builds of this database (and temp files of dead writers)."""
    for p in db_path.parent.glob(f"{db_path.name}.*{SUFFIX}"):
        if p != keep:
            p.unlink(missing_ok=True)
    for p in db_path.parent.glob(f".{db_path.name}.*{SUFFIX}.*.tmp"):
        try:
            pid = int(p.name.rsplit(".", 2)[-2])
            os.kill(pid, 0)
        except (ValueError, ProcessLookupError):
            p.unlink(missing_ok=True)
        except PermissionError:
            pass

"""Open the index file written at build time: lazy, read-only, shared through the page cache.

    >>> from sanctions.store.index_file import open_index_file
    >>> index = open_index_file("db/sanctions.db.<build id>.index")  # doctest: +SKIP
    >>> from sanctions.screening import screen_query, make_query  # doctest: +SKIP
    >>> screen_query(index, make_query({"name": "Tren de Aragua"}))  # doctest: +SKIP

Opening reads the vocabulary, a few per-name arrays (float32/int32, 12 bytes a name) and the
postings and gram index as flat int32 arrays (about 4 bytes per name-token pair and per
token-gram pair: ~40 MB at 1.5M names), which retrieval slices with no query to the file; a
query reads only the rows of its candidates: their names, tokens and entities. SQLite maps the
file (`mmap_size`), so every process that opens it - the server's workers, batch helpers, Spark
executors (ship the one file, e.g. with `SparkContext.addFile`, and call
`open_index_file(SparkFiles.get(name))` in the executor) - shares one copy of those rows' pages;
batch helpers forked after opening share the arrays too. A connection is never carried across
`fork`: a forked process opens its own on first use. `sanctions.store.index.load_index(db)`
finds the file for a database and falls back to building the index in memory when it is
missing or stale.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ..matching import Entity, Index, NameRow, classed
from ..matching import neighbours as nb
from ..matching.tables import Tables, csr_lookup
from .index_lists import CACHE_ROWS, Lists, Words
from .index_write import FORMAT, SEP, classes_made_by, code_fingerprint, table_made_by

MMAP_BYTES = 1 << 36  # map the whole file, however large


class IndexFileError(Exception):
    """The file is missing, of another build, or unreadable."""


class _File:
    """One read-only connection per process, one query at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.pid = -1
        self.conn: sqlite3.Connection | None = None
        # held open: a process forked later reopens the file through it even after the next
        # build has removed the file from the directory
        self.fd = os.open(path, os.O_RDONLY)
        self.by_fd = Path(f"/proc/self/fd/{self.fd}")

    def __del__(self, _close: Any = os.close) -> None:  # bound now: at exit `os` may be gone
        try:  # noqa: SIM105 (contextlib may be gone at exit too)
            _close(self.fd)
        except Exception:
            pass

    def _connect(self) -> sqlite3.Connection:
        if self.conn is None or self.pid != os.getpid():
            # a connection inherited through fork is never used: SQLite forbids it
            where = self.by_fd if self.by_fd.exists() else self.path.resolve()
            self.conn = sqlite3.connect(f"{where.as_uri()}?mode=ro&immutable=1",
                                        uri=True, check_same_thread=False)
            self.conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            self.pid = os.getpid()
        return self.conn

    def all(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        with self.lock:
            return self._connect().execute(sql, args).fetchall()

    def one(self, sql: str, args: Sequence[Any] = ()) -> Any:
        with self.lock:
            return self._connect().execute(sql, args).fetchone()


def _entity(data: str) -> Entity:
    (eid, source, source_id, etype, name, programs, listed_on, cluster, countries, births,
     idents, reward) = json.loads(data)
    return Entity(eid, source, source_id, etype, name, tuple(programs), listed_on, cluster,
                  frozenset(countries), tuple(tuple(b) for b in births), frozenset(idents),
                  reward)


def _split(text: str) -> list[str]:
    return text.split(SEP) if text else []


def _trim(cache: dict[int, Any], adding: int, keep: Iterable[int] = ()) -> None:
    """Make room for `adding` rows in a row cache (bound: CACHE_ROWS): past the bound it is
    emptied, in place (`_View` holds the dict), but for the rows of `keep` (a prefetch's own).
    Called only before rows are added, never while a caller reads rows it expects the cache
    to hold: a prefetch of more rows than the bound holds them all until the next trim."""
    if len(cache) + adding > CACHE_ROWS:
        kept = {i: cache[i] for i in keep if i in cache}
        cache.clear()
        cache.update(kept)


class _Names:
    """Name rows by position, read on first use (a candidate pool at once: `prefetch`)."""

    def __init__(self, f: _File, n: int, entities: _Entities) -> None:
        self.f, self.n, self.entities = f, n, entities
        self.cache: dict[int, tuple[NameRow, list[str], frozenset[str]]] = {}

    def get(self, i: int) -> tuple[NameRow, list[str], frozenset[str]]:
        row = self.cache.get(i)
        if row is None:
            if not 0 <= i < self.n:
                raise IndexError(i)
            self.fetch([i])
            row = self.cache[i]
        return row

    def fetch(self, ids: Iterable[int]) -> None:
        """Hold these names' rows and their entities' (a prefetch's pool): those not held yet
        read in one statement, not two (the entities' handed to `_Entities.fetch`)."""
        wanted = list(ids)
        cache = self.cache
        todo = [i for i in wanted if i not in cache]  # none: no statement
        if not todo:  # a warm pool (most queries of a batch or a server): every row held,
            held = self.entities.cache  # and its entities': nothing to read, nor to make
            if all(cache[i][0].entity in held for i in wanted):  # room for (`_trim`)
                return
        _trim(cache, len(todo), wanted)
        held, read = self.entities.cache, dict[int, Entity]()
        for k in range(0, len(todo), 500):
            part = todo[k:k + 500]
            for i, ent, name, kind, toks, sur, data in self.f.all(
                    "SELECT n.id, n.entity, n.name, n.kind, n.tokens, n.surnames, e.data FROM"
                    f" names n LEFT JOIN entities e ON e.id = n.entity WHERE n.id IN"
                    f" ({','.join('?' * len(part))})", part):
                self.cache[i] = (NameRow(ent, name, kind), _split(toks), frozenset(_split(sur)))
                if data is not None and ent not in held and ent not in read:
                    read[ent] = _entity(data)
        self.entities.fetch((self.cache[i][0].entity for i in wanted if i in self.cache), read)


class _View(Sequence[Any]):
    def __init__(self, names: _Names, part: int) -> None:
        self.names, self.part = names, part
        self.cache = names.cache  # the same dict (cleared, never replaced)

    def __len__(self) -> int:
        return self.names.n

    def __getitem__(self, i: Any) -> Any:
        # scoring reads a candidate's rows many times: the fast way (a slice is unhashable)
        row = None if i.__class__ is slice else self.cache.get(i)
        if row is not None:
            return row[self.part]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        return self.names.get(i if i >= 0 else i + len(self))[self.part]


class _Entities(Sequence[Entity]):
    def __init__(self, f: _File, n: int) -> None:
        self.f, self.n = f, n
        self.cache: dict[int, Entity] = {}

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: Any) -> Any:
        e = None if i.__class__ is slice else self.cache.get(i)
        if e is not None:
            return e
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        i = i if i >= 0 else i + self.n
        e = self.cache.get(i)
        if e is None:
            if not 0 <= i < self.n:
                raise IndexError(i)
            _trim(self.cache, 1)  # a miss: no prefetch's rows are being read
            e = self.cache[i] = _entity(self.f.one(
                "SELECT data FROM entities WHERE id = ?", (i,))[0])
        return e

    def __iter__(self) -> Iterator[Entity]:  # a filter's mask: one pass, nothing kept
        for (data,) in self.f.all("SELECT data FROM entities ORDER BY id"):
            yield _entity(data)

    def fetch(self, ids: Iterable[int], read: Mapping[int, Entity] | None = None) -> None:
        """Hold these entities' rows (a prefetch's): those `read` with their names
        (`_Names.fetch`) and the others not held yet, read here; the cache is trimmed before
        they are added (`_trim`), never of these rows (`_Names.fetch` hands its rows here,
        never into the cache itself)."""
        wanted = set(ids)
        found = dict(read or {})
        todo = [i for i in wanted if i not in self.cache and i not in found]
        for k in range(0, len(todo), 500):
            part = todo[k:k + 500]
            marks = ",".join("?" * len(part))
            for i, data in self.f.all(
                    f"SELECT id, data FROM entities WHERE id IN ({marks})", part):
                found[i] = _entity(data)
        _trim(self.cache, len(found), wanted)
        self.cache.update(found)


class _Classes:
    """The build's class-form table (`matching.classed`): a form's listed word, read a form at
    a time (a query's few words: a SELECT each; classed keeps each token's answer, so nothing
    is cached here) or many at once (`many`: a customer file's words, the re-screen's filter)."""

    def __init__(self, f: _File, vocab_list: list[str]) -> None:
        self.f, self.vocab_list = f, vocab_list

    def get(self, form: str, default: str | None = None) -> str | None:
        row = self.f.one("SELECT word FROM classes WHERE k = ?", (form,))
        return self.vocab_list[row[0]] if row else default

    def many(self, forms: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        todo = list(forms)
        for k in range(0, len(todo), 500):
            part = todo[k:k + 500]
            marks = ",".join("?" * len(part))
            for form, j in self.f.all(f"SELECT k, word FROM classes WHERE k IN ({marks})", part):
                found[form] = self.vocab_list[j]
        return found


class _Neighbours:
    """The build's neighbour table (`matching.neighbours`), read per word: a word it covers
    has a row (empty for no neighbours), one it does not is left out of `read`'s answer."""

    def __init__(self, f: _File, config: tuple[float, ...]) -> None:
        self.f, self.config = f, config

    def read(self, ids: Sequence[int]) -> dict[int, nb.Entry]:
        found: dict[int, nb.Entry] = {}
        for k in range(0, len(ids), 500):
            part = ids[k:k + 500]
            marks = ",".join("?" * len(part))
            for j, data in self.f.all(f"SELECT k, data FROM neighbours WHERE k IN ({marks})",
                                      part):
                n = len(data) // 8
                found[j] = (np.frombuffer(data, dtype=np.int32, count=n).astype(np.int64),
                            np.frombuffer(data, dtype=np.float32, count=n, offset=4 * n))
        return found


def _neighbours(f: _File, made_by: str | None) -> _Neighbours | None:
    """The table, if this file has one made by this code and rapidfuzz (for the config fields
    it was made with: `Index.similar` reads it only for a config with the same)."""
    try:
        made = json.loads(made_by) if made_by else None
        config = tuple(made["config"]) if made else None
    except (ValueError, KeyError, TypeError):
        return None  # no table, or one this code cannot read: looked up as without one
    if not config or len(config) != len(nb.FIELDS) or json.loads(table_made_by(config)) != made:
        return None
    return _Neighbours(f, config)


def _checked(path: Path, build_id: str | None) -> tuple[_File, dict[str, str]]:
    """The file and its meta table, if it is this format's, of `build_id` (when given) and
    written by this code; else IndexFileError."""
    if not path.is_file():
        raise IndexFileError(f"no index file at {path}")
    f = _File(path)
    try:
        meta = dict(f.all("SELECT key, value FROM meta"))
    except sqlite3.Error as exc:
        raise IndexFileError(f"{path} is unreadable ({exc})") from exc
    if meta.get("format") != FORMAT:
        raise IndexFileError(f"{path} is not a {FORMAT} file")
    if build_id is not None and meta.get("build_id") != build_id:
        raise IndexFileError(f"{path} is of build {meta.get('build_id')}, not {build_id}")
    if meta.get("code") != code_fingerprint():
        raise IndexFileError(f"{path} was written by another version of the matcher's "
                             "normalisation or weights")
    return f, meta


class Statistics(NamedTuple):
    """What a re-screen's part of the index reads of the whole (`store.index`): each listed
    word's id and name count, the name count, the class-form table (None: made in memory)."""

    vocab: dict[str, int]
    df: np.ndarray
    n: int
    classes: _Classes | None


def _arrays(f: _File, path: Path, meta: dict[str, str], names: Sequence[str] = ()
            ) -> tuple[list[str], int, dict[str, np.ndarray], dict[str, str]]:
    """The file's arrays (`names`: only these, else all), as the vocabulary's words, the name
    count, the numeric arrays and the other text ones decoded: what both readers below read
    first, with the same checks. IndexFileError if the vocabulary, its word counts (`df`) or
    the name count are missing or unreadable, or the first two of different lengths."""
    where = f" WHERE name IN ({','.join('?' * len(names))})" if names else ""
    try:
        rows = f.all(f"SELECT name, dtype, data FROM arrays{where}", names)
        arr = {k: np.frombuffer(b, dtype=d) for k, d, b in rows if d != "text"}
        text = {k: b.decode() for k, d, b in rows if d == "text"}
        vocab_list, df = _split(text.pop("vocab")), arr["df"]
        n_names = int(meta["names"])
    except (sqlite3.Error, KeyError, ValueError, UnicodeDecodeError) as exc:
        raise IndexFileError(f"{path} is unreadable ({exc})") from exc
    if len(vocab_list) != len(df):
        raise IndexFileError(f"{path} is inconsistent (truncated?)")
    return vocab_list, n_names, arr, text


def read_statistics(path: Path | str, build_id: str | None = None) -> Statistics:
    """The whole index's word statistics from this file, and nothing else: no postings, gram
    table or `Index` (a re-screen needs only these, and they are a tenth of the file's
    arrays). The same checks and errors as `open_index_file`."""
    path = Path(path)
    f, meta = _checked(path, build_id)
    vocab_list, n_names, arr, _ = _arrays(f, path, meta, ("vocab", "df"))
    classes = _Classes(f, vocab_list) if meta.get("classes") == classes_made_by() else None
    return Statistics(dict(zip(vocab_list, range(len(vocab_list)), strict=True)), arr["df"],
                      max(n_names, 1), classes)


def open_index_file(path: Path | str, build_id: str | None = None) -> Index:
    """The index in this file; IndexFileError if it is missing, unreadable, of another format,
    or (with `build_id`) of another build."""
    path = Path(path)
    f, meta = _checked(path, build_id)
    vocab_list, n_names, arr, text = _arrays(f, path, meta)
    try:
        gram_keys = _split(text["gram_keys"])
        indptr, indices = arr["indptr"], arr["indices"]
        gram_indptr, gram_indices = arr["gram_indptr"], arr["gram_indices"]
    except KeyError as exc:
        raise IndexFileError(f"{path} is unreadable ({exc})") from exc
    n_entities = int(meta["entities"])
    if (len(arr["name_len"]) != n_names
            or len(indptr) != len(vocab_list) + 1 or indptr[-1] != len(indices)
            or len(gram_indptr) != len(gram_keys) + 1 or gram_indptr[-1] != len(gram_indices)):
        raise IndexFileError(f"{path} is inconsistent (truncated?)")
    entities = _Entities(f, n_entities)
    names = _Names(f, n_names, entities)

    def postings(j: int) -> np.ndarray:
        return indices[indptr[j]:indptr[j + 1]]

    def prefetch(ids: Iterable[int]) -> None:
        names.fetch(ids)  # and their entities

    tables = Tables(
        entities=entities, names=_View(names, 0), tokens=_View(names, 1),
        surnames=_View(names, 2), vocab_list=vocab_list, df=arr["df"], postings=postings,
        name_len=arr["name_len"], name_weight=arr["name_weight"],
        name_entity=arr["name_entity"], alpha_order=arr["alpha_order"].tolist(),
        prefetch=prefetch, path=str(path), build_id=meta.get("build_id"),
        indptr=indptr, indices=indices, gram_keys=gram_keys, gram_indptr=gram_indptr,
        gram_indices=gram_indices, gram_ids=csr_lookup(gram_keys, gram_indptr, gram_indices),
        joined=Lists(f, "joined"), by_identifier=Lists(f, "by_identifier"),
        names_of=Lists(f, "names_of"), cluster_members=Lists(f, "cluster_members"),
        by_group=Lists(f, "by_group"), by_key=Lists(f, "by_key"))
    index = Index(tables)
    index.name_parts = names.get  # the three views' row in one look-up
    index.consonant_words = Words(f, "consonants", vocab_list)
    index.neighbours = _neighbours(f, meta.get("neighbours"))
    if meta.get("classes") == classes_made_by():  # else made in memory on first use
        classed.read_from(index, _Classes(f, vocab_list))
    return index

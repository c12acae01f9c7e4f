"""Load the matcher's index from a built database (the only matcher code that knows SQLite)."""

from __future__ import annotations

import json
import math
import os
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

import numpy as np

from ..countries import country_code
from ..dates import birth_bounds
from ..identifiers import identifier_key
from ..matching import DEFAULT_CONFIG, Entity, Index, NameRow, classed
from ..matching.neighbours import MAX_WORDS
from ..normalize import VARIANTS, fold_legal_forms, name_tokens, strip_vessel_prefix
from . import has_tables, reading


def load_index(db_path: Path | str, *, say: Callable[[str], None] | None = None) -> Index:
    """The index of this database: opened from the file its build wrote (lazy, shared), or,
    when that is missing, stale or unreadable, built in memory and the file rewritten, with
    one line (to `say`, else stderr) saying so. Never the index of another build."""
    from .index_file import IndexFileError, open_index_file  # noqa: PLC0415 (kept light)
    from .index_write import index_path

    with reading(db_path, immutable=True) as conn:
        build_id = read_build_id(conn)
        if build_id is not None:
            try:
                return open_index_file(index_path(db_path, build_id), build_id)
            except IndexFileError as exc:
                problem = str(exc)
        else:
            problem = ("its build wrote no index file (built by an older version: "
                       "`sanctions build` writes one)")
        started = time.perf_counter()
        index = _load(conn)
    if build_id is None and time.perf_counter() - started < 1.0:
        return index  # a small hand-made or old database: nothing the user would notice
    note = f"sanctions: {Path(db_path).name}: {problem}; built the index in memory"
    note += f" ({time.perf_counter() - started:.1f} s)"
    if build_id is not None:
        try:
            _write(index, db_path, build_id)
            note += " and rewrote the file"
        except (OSError, sqlite3.Error, ValueError) as exc:
            note += f" (could not rewrite the file: {exc})"
    (say or _stderr)(note)
    return index


def build_index(db_path: Path | str) -> Index:
    """The index built in memory from the database (no file read or written)."""
    with reading(db_path, immutable=True) as conn:
        return _load(conn)


def write_index(db_path: Path | str, build_id: str, *, name_as: Path | None = None) -> Path:
    """Build the index of a database and write its file (the build's last step), its
    neighbour table made on every core. `name_as`: the path the database will have (a build
    writes its temp file first)."""
    return _write(build_index(db_path), name_as or db_path, build_id, os.cpu_count() or 1)


def read_build_id(conn: sqlite3.Connection) -> str | None:
    if not has_tables(conn, "build_info"):
        return None
    row = conn.execute("SELECT value FROM build_info WHERE key = 'build_id'").fetchone()
    return row[0] if row else None


def _write(index: Index, db_path: Path | str, build_id: str, workers: int | None = None
           ) -> Path:
    """The index file; with the neighbour table when a build writes it (`workers`), without
    when a screening process rewrites a stale one (the table would cost it seconds to
    minutes more: the next build writes it)."""
    from .index_write import index_path, write_index_file

    return write_index_file(index, index_path(db_path, build_id), build_id, workers or 1,
                            neighbours=MAX_WORDS if workers else 0)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def load_entities_index(db_path: Path | str, entity_ids: Collection[str]) -> Index:
    """The index of only these entities (a re-screen against what changed, sanctions.rescreen),
    with every token weighted as in the whole database, so that a query scores against each of
    them as it does in a full screen. Reads their rows, and the names of all (for the weights)."""
    with reading(db_path, immutable=True) as conn:
        index = _load(conn, entity_ids)
        whole = _whole_file(conn, db_path)
        if whole is not None:  # the statistics its build wrote: read, not recounted
            _weigh_as_whole(index, whole.idf, whole.max_idf, whole.vocab)
            if (classes := classed.stored_table(whole)) is not None:
                classed.read_from(index, classes)  # the class-form map is the whole's too
            return index
        df, n = _name_frequencies(conn)
    _weigh_as_whole(index, {t: math.log(1 + n / c) for t, c in df.items()}, math.log(1 + n),
                    df.keys())
    return index


def _whole_file(conn: sqlite3.Connection, db_path: Path | str) -> Index | None:
    """The whole index, opened from the file the database's build wrote (lazily: its
    vocabulary and document counts are what is read), if there is a good one."""
    from .index_file import IndexFileError, open_index_file
    from .index_write import index_path

    build_id = read_build_id(conn)
    if build_id is None:
        return None
    try:
        return open_index_file(index_path(db_path, build_id), build_id)
    except (IndexFileError, OSError, sqlite3.Error):
        return None  # missing or stale: the counts are made from the names


def _name_frequencies(conn: sqlite3.Connection) -> tuple[dict[str, int], int]:
    """How many names of the whole database hold each token (tokens as Index.build makes them)."""
    df: dict[str, int] = defaultdict(int)
    n = 0
    for name, normalized, etype in conn.execute(
            "SELECT n.name, n.normalized, e.type FROM names n JOIN entities e"
            " ON e.id = n.entity_id"):
        # A plain ASCII name's stored normal form is its words (normalize_name): only the
        # spellings and legal forms are left to fold, at a third of the cost of name_tokens.
        toks = (fold_legal_forms([VARIANTS.get(w, w) for w in normalized.split()])
                if normalized is not None and name.isascii() and "'" not in name
                and "`" not in name else name_tokens(name))
        for t in set(strip_vessel_prefix(toks) if etype == "vessel" else toks):
            df[t] += 1
        n += 1
    return df, max(n, 1)


class _Listed(dict[str, int]):
    """A part's vocabulary ids that answer `in` for every word of the whole database: whether a
    word is listed decides how a query's words are joined and split (Index.alternatives), so a
    part must answer it as the whole would."""

    def __init__(self, ids: dict[str, int], whole: Collection[str]) -> None:
        super().__init__(ids)
        self.whole = whole

    def __contains__(self, word: object) -> bool:
        return word in self.whole


def _weigh_as_whole(index: Index, idf: Mapping[str, float], max_idf: float,
                    words: Collection[str]) -> None:
    """Give a part of the index the whole database's word statistics: the IDF weights scoring
    reads, which words are listed, and each name's total weight retrieval ranks it by."""
    index.vocab = _Listed(index.vocab, words)
    index.idf = idf  # type: ignore[assignment]
    index.max_idf = max_idf
    index.clear_cache()  # no weight read from the part's own statistics is kept
    index.name_weight = np.array(
        [max(sum(index.weight(t, DEFAULT_CONFIG) for t in set(toks)), 1e-6)
         for toks in index.tokens], dtype=np.float32)


def _only(column: str, entity_ids: Collection[str] | None) -> tuple[str, tuple[str, ...]]:
    """A condition keeping only `entity_ids` (None: every entity), and its parameter."""
    if entity_ids is None:
        return "1", ()
    return f"{column} IN (SELECT value FROM json_each(?))", (json.dumps(sorted(entity_ids)),)


def _load(conn: sqlite3.Connection, entity_ids: Collection[str] | None = None) -> Index:
    has_clusters = has_tables(conn, "clusters")
    births: dict[str, list[tuple[str, str]]] = defaultdict(list)
    where, args = _only("entity_id", entity_ids)
    for eid, date, dfrom, dto, circa in conn.execute(
        f"SELECT entity_id, date, date_from, date_to, circa FROM birth_dates WHERE {where}", args
    ):
        if bounds := birth_bounds(date, dfrom, dto, bool(circa)):
            births[eid].append(bounds)
    idents: dict[str, set[str]] = defaultdict(set)
    for eid, value in conn.execute(
        f"SELECT entity_id, value FROM identifiers WHERE {where} UNION ALL"
        f" SELECT entity_id, imo FROM vessels WHERE imo IS NOT NULL AND {where} UNION ALL"
        f" SELECT entity_id, mmsi FROM vessels WHERE mmsi IS NOT NULL AND {where}", args * 3
    ):
        if len(key := identifier_key(value)) >= 5:
            idents[eid].add(key)
    rewards = dict(conn.execute(
        f"SELECT entity_id, max(amount_usd) FROM rewards WHERE {where} GROUP BY entity_id",
        args))
    cluster_sql = "LEFT JOIN clusters c ON c.entity_id = e.id" if has_clusters else ""
    cluster_col = "c.cluster_id" if has_clusters else "NULL"
    entities: list[Entity] = []
    position: dict[str, int] = {}
    rows = conn.execute(
        f"SELECT e.id, e.source, e.source_id, e.type, e.name, e.programs, e.listed_on,"
        f" e.countries, {cluster_col} FROM entities e {cluster_sql}"
        f" WHERE {_only('e.id', entity_ids)[0]} ORDER BY e.rowid", args
    )
    codes_of: dict[str, frozenset[str]] = {}  # few distinct country lists, read once each
    for eid, source, source_id, etype, name, programs, listed_on, countries, cluster in rows:
        codes = codes_of.get(countries)
        if codes is None:
            codes = codes_of[countries] = frozenset(
                c for c in map(country_code, json.loads(countries)) if c)
        position[eid] = len(entities)
        entities.append(Entity(
            eid, source, source_id, etype, name, tuple(json.loads(programs)), listed_on,
            cluster or eid, codes, tuple(births.get(eid, ())), frozenset(idents.get(eid, ())),
            rewards.get(eid),
        ))
    names = [
        NameRow(position[eid], name, kind)
        for eid, name, kind in conn.execute(
            f"SELECT entity_id, name, kind FROM names WHERE {where} ORDER BY id", args)
    ]
    return Index.build(entities, names)

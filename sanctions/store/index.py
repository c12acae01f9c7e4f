"""Load the matcher's index from a built database (the only matcher code that knows SQLite)."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Collection
from pathlib import Path

from ..countries import country_code
from ..dates import birth_bounds
from ..identifiers import identifier_key
from ..matching import Entity, Index, NameRow
from ..matching.neighbours import MAX_WORDS
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
            # without its neighbour table: until the next build, look-ups of words the lists
            # do not hold are slower, and the user is told how to end that
            note += (" and rewrote the file (without its neighbour table: `sanctions build`"
                     " writes the whole file)")
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

"""A re-screen's part of the index: only the changed entities, weighed as the whole database.

`load_entities_index` (sanctions.rescreen) reads the changed entities' rows, and the whole
index's word statistics alone from the build's index file (`index_file.read_statistics`), not
the whole index: the IDF weights scoring reads, which words are listed, each name's total
weight. It keeps the last file's statistics for the next re-screen in the process (a server's).
Without a good index file the statistics are counted from the names of all.
"""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from collections.abc import Collection, Mapping
from pathlib import Path

import numpy as np

from ..matching import DEFAULT_CONFIG, Index, classed
from ..matching.grams import Idf
from ..normalize import VARIANTS, fold_legal_forms, name_tokens, strip_vessel_prefix
from . import FileKey, file_key, reading
from .index import _load, read_build_id
from .index_file import IndexFileError, Statistics, read_statistics
from .index_write import index_path

# The last index file's word statistics read (`_whole_file`), with the file's identity then:
# re-screens after each other in one process (a server's, a benchmark's) read them once.
_WHOLE: dict[str, tuple[FileKey, Statistics]] = {}


def load_entities_index(db_path: Path | str, entity_ids: Collection[str]) -> Index:
    """The index of only these entities (a re-screen against what changed, sanctions.rescreen),
    with every token weighted as in the whole database, so that a query scores against each of
    them as it does in a full screen. Reads their rows, and the whole's word statistics: from
    the index file its build wrote, else counted from the names of all."""
    with reading(db_path, immutable=True) as conn:
        index = _load(conn, entity_ids)
        whole = _whole_file(conn, db_path)
        if whole is not None:  # the statistics its build wrote: read, not recounted
            _weigh_as_whole(index, Idf(whole.vocab, whole.df, whole.n), math.log(1 + whole.n),
                            whole.vocab)
            if whole.classes is not None:
                classed.read_from(index, whole.classes)  # the class-form map is the whole's too
            return index
        df, n = _name_frequencies(conn)
    _weigh_as_whole(index, {t: math.log(1 + n / c) for t, c in df.items()}, math.log(1 + n),
                    df.keys())
    return index


def _whole_file(conn: sqlite3.Connection, db_path: Path | str) -> Statistics | None:
    """The whole index's word statistics, from the file the database's build wrote, if there
    is a good one. Only its vocabulary and name counts are read: opening the whole index read
    every array of it and made the look-up tables of its 30,000 words and more (a re-screen's
    load of 10 entities: 18-43 ms of CPU); the statistics alone cost 5-8 ms, the dictionary of
    the words most of it, and nothing when the same file's are held (3.5-7 ms in all). A file
    is a build's: a new build's has another name, one rewritten in place another identity."""
    build_id = read_build_id(conn)
    if build_id is None:
        return None
    path = index_path(db_path, build_id)
    key = file_key(path)
    if key is None:
        return None  # missing: the counts are made from the names
    held = _WHOLE.get(str(path))
    if held is not None and held[0] == key:
        return held[1]
    try:
        found = read_statistics(path, build_id)
    except (IndexFileError, OSError, sqlite3.Error):
        return None  # stale or unreadable: the counts are made from the names
    _WHOLE.clear()  # one file's: the database's newest build
    _WHOLE[str(path)] = (key, found)
    return found


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

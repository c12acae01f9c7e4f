"""Full-text search over names, for Datasette's `?_search=`.

unicode61 with diacritics removed, not porter: names are not English words, and stemming
would make "Aragua" match "Aragu".
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

TOKENIZER = "unicode61 remove_diacritics 2"
FTS_TABLES: dict[str, tuple[str, ...]] = {
    "entities": ("name",),
    "names": ("name", "normalized"),
}


def enable_fts(conn: sqlite3.Connection) -> None:
    db = sqlite_utils.Database(conn)
    for table, columns in FTS_TABLES.items():
        db[table].enable_fts(list(columns), tokenize=TOKENIZER)  # type: ignore[union-attr]

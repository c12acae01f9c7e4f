"""SQL functions for ad-hoc queries in Datasette: the library's normalisation and checks.

What each returns is what the README's "SQL functions" section says, example by example
(tests/test_sql_functions.py runs every one through Datasette):

- `normalize_name(text)`: what `names.normalized` holds (casefolded, transliterated to ASCII,
  punctuation to spaces): `normalize_name('MADURO MOROS, Nicolás')` is `maduro moros nicolas`,
  so `WHERE normalized = normalize_name(:name)` finds a stored name. Legal forms and spelling
  variants are left as written (`normalize_name('OOO Rosneft')` is `ooo rosneft`): folding them
  here would make it differ from the stored column.
- `name_tokens(text)`: the words the matcher compares, joined by spaces: the same, with
  apostrophes dropped inside words, spelling variants folded and legal forms replaced by their
  class (`name_tokens('OOO Rosneft')` is `llc rosneft`).
- `name_similarity(a, b)`: 0.0 to 1.0 (4 decimals), how alike two names are once normalised,
  word order ignored (rapidfuzz's token_sort_ratio). A quick measure for a query, not the
  matcher's score: `/-/screen.json` gives that.
- `imo_is_valid(text)`: 1 when an IMO number ('9323596', 'IMO 9323596') has a correct check
  digit, 0 when not (or it is not an IMO number), NULL for NULL.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from rapidfuzz import fuzz

from ..identifiers import clean_imo, imo_is_valid
from ..normalize import name_tokens, normalize_name


def register(conn: sqlite3.Connection) -> None:
    conn.create_function("normalize_name", 1, sql_normalize, deterministic=True)
    conn.create_function("name_tokens", 1, sql_name_tokens, deterministic=True)
    conn.create_function("name_similarity", 2, sql_similarity, deterministic=True)
    conn.create_function("imo_is_valid", 1, sql_imo_is_valid, deterministic=True)


def sql_normalize(name: Any) -> str | None:
    """normalize_name('MADURO MOROS, Nicolás') -> 'maduro moros nicolas'."""
    return None if name is None else normalize_name(str(name))


def sql_name_tokens(name: Any) -> str | None:
    """name_tokens('OOO Rosneft') -> 'llc rosneft'."""
    return None if name is None else " ".join(name_tokens(str(name)))


def sql_similarity(a: Any, b: Any) -> float | None:
    """Word-order-insensitive similarity of two names after normalisation, 0.0 to 1.0."""
    if a is None or b is None:
        return None
    return round(fuzz.token_sort_ratio(normalize_name(str(a)), normalize_name(str(b))) / 100, 4)


def sql_imo_is_valid(value: Any) -> int | None:
    """1 if the IMO number ('9323596' or 'IMO 9323596') has a correct check digit, else 0."""
    if value is None:
        return None
    imo = clean_imo(str(value))
    return int(imo is not None and imo_is_valid(imo))

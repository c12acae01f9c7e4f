"""SQL functions for ad-hoc queries in Datasette: the library's normalisation and checks."""

from __future__ import annotations

import sqlite3
from typing import Any

from rapidfuzz import fuzz

from ..identifiers import clean_imo, imo_is_valid
from ..normalize import normalize_name


def register(conn: sqlite3.Connection) -> None:
    conn.create_function("normalize_name", 1, sql_normalize, deterministic=True)
    conn.create_function("name_similarity", 2, sql_similarity, deterministic=True)
    conn.create_function("imo_is_valid", 1, sql_imo_is_valid, deterministic=True)


def sql_normalize(name: Any) -> str | None:
    """normalize_name('MADURO MOROS, Nicolás') -> 'maduro moros nicolas'."""
    return None if name is None else normalize_name(str(name))


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

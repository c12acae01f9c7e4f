"""Query validation: the one place a query is checked, for every surface.

`make_query` turns one query's fields (CLI options, a batch row, a web request, a library call)
into a `Query`; `parse_options` reads `threshold` and `limit`. Every refusal is a `QueryError`
whose message says which field and why, the same text everywhere. `sanctions.screening`
re-exports all of it.

A `source` is a key some module declares (`sanctions.sources`) or one a database this process
has loaded holds though no module declares it (`sanctions build --ftm KEY=PATH`): `hold_sources`
records those, `sanctions.screening.load_index` calls it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from .countries import country_code
from .display import is_text
from .errors import SanctionsError
from .identifiers import identifier_key
from .matching import Query
from .normalize import normalize_name

MAX_LIMIT = 100
DEFAULT_LIMIT = 10
MAX_NAME_CHARS = 300  # no listed name is longer than about 250 characters
# What a query may say: the fields of the name, then the options of the search.
QUERY_FIELDS = ("id", "name", "type", "country", "birth_date", "imo", "identifier")
OPTION_FIELDS = ("source", "program", "threshold", "limit")
FIELDS = QUERY_FIELDS + OPTION_FIELDS
_BIRTH = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_IMO = re.compile(r"(?i)(imo\s*)?\d{7}")
_ASCII_ALNUM = re.compile(r"[0-9A-Za-z]")  # what normalize_name keeps of ASCII text
_DIGITS = re.compile(r"[+-]?\d+")
_HUGE = 10**30


# Source keys of the databases this process loaded that no module declares (FtM imports). Per
# process, not per database: a server serves one database, and a key another one holds only
# finds nothing here.
_HELD: dict[str, None] = {}


def hold_sources(keys: Iterable[str]) -> None:
    """Accept these source keys in queries from now on: a loaded database holds them."""
    _HELD.update(dict.fromkeys(keys))


class QueryError(SanctionsError):
    """A query that cannot be screened: the message says which field and why."""


@dataclass(frozen=True, slots=True)
class Options:
    """How to search: at most `limit` matches scoring at least `threshold` (None: default)."""

    threshold: float | None = None
    limit: int = DEFAULT_LIMIT


# --- validation: the one place a query is checked ------------------------------------------


def _text(fields: Mapping[str, Any], key: str) -> str | None:
    value = fields.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise QueryError(f"{key} must be a string")
    _check_text(value, key)
    return value.strip() or None


def _shown(value: str) -> str:
    """A client's value quoted in an error: whole when short, else its start (an error is one
    short line, whatever was sent)."""
    return repr(value) if len(value) <= 40 else repr(value[:40]) + "..."


def _check_text(value: str, key: str) -> None:
    """Refuse a lone surrogate (valid JSON, "\\ud800", but not text): echoed back, it could not
    be encoded, and a web answer would break off mid-response."""
    if not is_text(value):
        raise QueryError(f"{key} is not valid text (it has an unpaired surrogate)")


def _sources(value: Any) -> tuple[str, ...]:
    """`source` as one key, a list of keys, or comma-separated keys."""
    if value is None or value == "" or value == []:  # none: no need to load the registry
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(s, str) for s in items):
        raise QueryError("source must be a source key or a list of them")
    for s in items:
        _check_text(s, "source")
    keys = tuple(dict.fromkeys(k.strip() for s in items for k in s.split(",") if k.strip()))
    from .sources import source_keys  # the registry: only for a query that names a source

    known = source_keys()
    for key in keys:
        # a key a loaded database holds passes (an FtM file's); the message names the declared
        # ones only, so it reads the same whichever databases this process has opened
        if key not in known and key not in _HELD:
            raise QueryError(f"unknown source {_shown(key)}; known: {', '.join(known)}")
    return keys


def _number(value: Any, key: str, kind: type[float] | type[int]) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise QueryError(f"{key} must be a number")
    # An integer too long for int() or float() (a 4,000-digit limit) is out of range, not "not
    # a number" and not an OverflowError: stand in a big one with the same sign.
    text = value.strip() if isinstance(value, str) else ""
    if _DIGITS.fullmatch(text) and len(text.lstrip("+-").lstrip("0")) > 30:
        value = -_HUGE if text.startswith("-") else _HUGE
    elif isinstance(value, int) and abs(value) > _HUGE:
        value = -_HUGE if value < 0 else _HUGE
    try:
        number = kind(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError):
        raise QueryError(f"{key} must be {'an integer' if kind is int else 'a number'}") from None
    if isinstance(value, float) and kind is int and value != number:
        raise QueryError(f"{key} must be an integer")
    if isinstance(number, float) and not math.isfinite(number):  # an int is finite
        raise QueryError(f"{key} must be a finite number")
    return number


def parse_options(fields: Mapping[str, Any]) -> Options:
    """`threshold` (0 to 1) and `limit` (1 to MAX_LIMIT), as numbers or as text."""
    threshold = _number(fields.get("threshold"), "threshold", float)
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise QueryError("threshold must be between 0 and 1")
    limit = _number(fields.get("limit"), "limit", int)
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
    return Options(threshold, DEFAULT_LIMIT if limit is None else int(limit))


def make_query(fields: Mapping[str, Any]) -> Query:
    """Validate one query's fields (CLI options, a batch row, a web request or library call).

    >>> make_query({"name": "Nicolas Maduro", "country": "Venezuela"}).country
    'VE'
    >>> make_query({"name": "x", "birth_date": "23/11/1962"})
    Traceback (most recent call last):
    ...
    sanctions.queries.QueryError: birth_date must be YYYY, YYYY-MM or YYYY-MM-DD, not '23/11/1962'
    """
    name = _text(fields, "name") or ""
    imo = _text(fields, "imo")
    if imo and not _IMO.fullmatch(imo):
        raise QueryError(f"imo must be 7 digits, not {_shown(imo)}")
    if len(name) > MAX_NAME_CHARS:
        raise QueryError(f"name is longer than {MAX_NAME_CHARS} characters")
    ident = _identifier(fields)
    if not imo and not ident and not name:
        raise QueryError("name is required")
    if not imo and not ident and not _has_letters(name):
        raise QueryError("name has no letters or digits to match on")
    etype = _text(fields, "type")
    if etype is not None and etype.lower() not in _entity_types():
        raise QueryError(
            f"type must be one of {', '.join(_entity_types())}, not {_shown(etype)}")
    country = _text(fields, "country")
    code = country_code(country) if country else None
    if country and code is None:
        raise QueryError(
            f"unknown country {_shown(country)} (use an ISO code such as VE, or a name)")
    birth = _text(fields, "birth_date")
    if birth and not _BIRTH.match(birth):
        raise QueryError(f"birth_date must be YYYY, YYYY-MM or YYYY-MM-DD, not {_shown(birth)}")
    return Query(name, etype.lower() if etype else None, code, birth, imo,
                 _sources(fields.get("source")), _text(fields, "program"), ident)


@cache
def _entity_types() -> tuple[str, ...]:
    """models.ENTITY_TYPES, imported on first use (the record classes: only for a query with
    a type) and kept: an import statement per query cost about 5,000 instructions."""
    from .models import ENTITY_TYPES

    return ENTITY_TYPES


def _has_letters(name: str) -> bool:
    """Whether `normalize_name(name)` is not empty, without transliterating a name in ASCII
    (most are): it reads as itself casefolded, so it has a letter or digit to match on when
    it holds an ASCII one."""
    if name.isascii():
        return _ASCII_ALNUM.search(name) is not None
    return bool(normalize_name(name))


def _identifier(fields: Mapping[str, Any]) -> str | None:
    ident = _text(fields, "identifier")  # shorter keys hit unrelated numbers by chance
    if ident and len(ident) > 64:
        raise QueryError("identifier is longer than 64 characters")
    if ident and len(identifier_key(ident)) < 5:
        raise QueryError(f"identifier needs at least 5 letters or digits, not {_shown(ident)}")
    return ident or None


Parsed = tuple[Query, Options]  # a whole request, as `parse` gives it


def parse(fields: Mapping[str, Any]) -> Parsed:
    """A whole request: the query and its options."""
    return make_query(fields), parse_options(fields)

"""The matcher: pure functions over an in-memory index. Knows nothing of SQLite, the CLI or
the web (tests/test_layers.py keeps it so).

Two steps: retrieval (`index`: the candidates a query can reach, which no limit or filter
changes) and scoring (`score`: a name score, then a declared list of qualifiers, each with its
explanation). `query.prepare` normalises a query; `config.MatchConfig` holds every weight.

The names below are imported on first use: query validation (sanctions.queries) needs only
`Query`, and must not pay for the index's modules and numpy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import DEFAULT_CONFIG, MatchConfig
    from .index import Index
    from .query import prepare
    from .score import QUALIFIERS, band, combine, match
    from .types import Entity, Match, NameRow, Prepared, Query, admits

_WHERE = {"DEFAULT_CONFIG": "config", "MatchConfig": "config", "Index": "index",
          "prepare": "query", "QUALIFIERS": "score", "band": "score", "combine": "score",
          "match": "score", "Entity": "types", "Match": "types", "NameRow": "types",
          "Prepared": "types", "Query": "types", "admits": "types"}

__all__ = ["DEFAULT_CONFIG", "QUALIFIERS", "Entity", "Index", "Match", "MatchConfig", "NameRow",
           "Prepared", "Query", "admits", "band", "combine", "match", "prepare"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # once: the next use is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])

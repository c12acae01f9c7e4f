"""The matcher: pure functions over an in-memory index. Knows nothing of SQLite, the CLI or
the web (tests/test_layers.py keeps it so).

Two steps: retrieval (`index`: the candidates a query can reach, which no limit or filter
changes) and scoring (`score`: a name score, then a declared list of qualifiers, each with its
explanation). `query.prepare` normalises a query; `config.MatchConfig` holds every weight.
"""

from .config import DEFAULT_CONFIG, MatchConfig
from .index import Index
from .query import prepare
from .score import QUALIFIERS, band, combine, match
from .types import Entity, Match, NameRow, Prepared, Query, admits

__all__ = ["DEFAULT_CONFIG", "QUALIFIERS", "Entity", "Index", "Match", "MatchConfig", "NameRow",
           "Prepared", "Query", "admits", "band", "combine", "match", "prepare"]

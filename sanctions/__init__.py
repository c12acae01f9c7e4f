"""sanctions: official designation lists in one SQLite database, and a matcher that explains.

The library's public face (everything else is internal and may move)::

    >>> from sanctions import screen
    >>> screen("Tren de Aragua")["matches"][0]["entity_id"]  # doctest: +SKIP
    'ofac_sdn:49756'

Names are imported when first used, so `import sanctions` (and the CLI's start) stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS = {
    "screen": "screening", "screen_many": "screening", "make_query": "screening",
    "QueryError": "screening", "MAX_LIMIT": "screening",
    "build": "ingest.build", "update": "ingest.update",
    "show": "store.entities", "source_status": "store.catalog", "list_changes": "store.catalog",
    "MatchConfig": "matching", "Query": "matching",
    "SanctionsError": "errors", "SourceError": "errors",
    "DEFAULT_DB": "store",
}
__all__ = ["DEFAULT_DB", "MAX_LIMIT", "MatchConfig", "Query", "QueryError", "SanctionsError",
           "SourceError", "build", "list_changes", "make_query", "screen", "screen_many", "show",
           "source_status", "update"]

if TYPE_CHECKING:
    from .errors import SanctionsError, SourceError
    from .ingest.build import build
    from .ingest.update import update
    from .matching import MatchConfig, Query
    from .screening import MAX_LIMIT, QueryError, make_query, screen, screen_many
    from .store import DEFAULT_DB
    from .store.catalog import list_changes, source_status
    from .store.entities import show


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sanctions' has no attribute {name!r}")

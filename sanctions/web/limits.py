"""How much one request may ask and how long anything may take: defaults, or the plugin's
configuration (`plugins: sanctions: {batch_seconds: 30, ...}` in the metadata).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any
from weakref import WeakKeyDictionary


@dataclass(frozen=True, slots=True)
class Limits:
    # The sum over a POST's queries of their `limit` (10 by default): 1,000 queries at the
    # default limit fit; 1,000 at limit 100 (100,000 matches, 31 s of matching) do not.
    work_budget: int = 10_000
    single_wait_seconds: float = 10.0  # a single query not started by then: 503
    batch_seconds: float = 60.0  # a batch not finished by then: 503
    body_seconds: float = 30.0  # the whole request body must arrive within this
    body_idle_seconds: float = 10.0  # and no gap between its parts longer than this
    index_wait_seconds: float = 60.0  # a query at startup waits this long for the index
    watch_seconds: float = 1.0  # how often the database file is checked for a replacement


_cache: WeakKeyDictionary[Any, Limits] = WeakKeyDictionary()


def limits(datasette: Any) -> Limits:
    """The limits for this Datasette: defaults overridden by the plugin configuration (numbers
    that do not parse, or are not positive, are ignored)."""
    found = _cache.get(datasette)
    if found is not None:
        return found
    config = datasette.plugin_config("sanctions") or {}
    result = Limits()
    for f in fields(Limits):
        value = config.get(f.name)
        if value is None:
            continue
        kind = type(getattr(result, f.name))
        try:
            number = kind(value)
        except (TypeError, ValueError, OverflowError):
            continue
        if number > 0:
            result = replace(result, **{f.name: number})
    _cache[datasette] = result
    return result

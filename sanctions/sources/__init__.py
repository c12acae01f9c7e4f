"""The source registry: every module in this package that defines `SOURCE = Source(...)`.

Adding a source is adding its module (and its snapshot and tests): the registry finds it, and
the metadata, the README's source table and the sources listing are made from its declaration.
Sources are listed by their declared `priority` (then key), never by module order.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from .base import Source

UNKNOWN_PRIORITY = 1_000
# The package's network code declares no source: not imported to look (requests and urllib3,
# a tenth of a second of every process that reads the declarations, the server's included)
NOT_SOURCES = frozenset({"fetch", "fetch_http"})


@cache
def _registry() -> tuple[Source, ...]:
    found: dict[str, Source] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name in NOT_SOURCES:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        source = getattr(module, "SOURCE", None)
        if isinstance(source, Source):
            if source.key in found:
                raise RuntimeError(f"two modules declare the source key {source.key!r}")
            found[source.key] = source
    return tuple(sorted(found.values(), key=lambda s: (s.priority, s.key)))


def all_sources() -> list[Source]:
    """Every registered source, by priority."""
    return list(_registry())


def source_keys() -> tuple[str, ...]:
    return tuple(s.key for s in _registry())


def get_source(key: str) -> Source:
    for source in _registry():
        if source.key == key:
            return source
    raise KeyError(key)


def source_priority(key: str) -> int:
    """Lower wins: which record stands for a cluster, and which wins a tied score."""
    for source in _registry():
        if source.key == key:
            return source.priority
    return UNKNOWN_PRIORITY


def refresh() -> None:
    """Look for source modules again (after `__path__` changed, as a test does)."""
    _registry.cache_clear()

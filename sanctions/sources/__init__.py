"""The source registry: every module in this package that defines `SOURCE = Source(...)`.

Adding a source is adding its module (and its snapshot and tests): the registry finds it, and
the metadata, the README's source table and the sources listing are made from its declaration.
Sources are listed by their declared `priority` (then key), never by module order.

Only the modules that declare a source are imported to read it, found by their text: the
parsers' helpers (XML and spreadsheet readers, OFAC's remarks, the network code) are imported
when a build runs a parser, not by every process that reads the declarations (a server's
metadata, a screening that breaks a tie by priority): a third less CPU to read them.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache
from pathlib import Path

from .base import Source

UNKNOWN_PRIORITY = 1_000
# A declaration: `SOURCE = ...` (or `SOURCE: Source = ...`) at the start of a line
_DECLARES = re.compile(rb"^SOURCE\s*[:=]", re.MULTILINE)


def _declares(info: pkgutil.ModuleInfo) -> bool:
    """Whether the module's text declares a source at its top level; True when it has no text
    to read (a sourceless install), so that it is imported to find out."""
    where = getattr(info.module_finder, "path", None)
    if where is None:
        return True
    path = Path(where) / (f"{info.name}/__init__.py" if info.ispkg else f"{info.name}.py")
    try:
        return _DECLARES.search(path.read_bytes()) is not None
    except OSError:
        return True


@cache
def _registry() -> tuple[Source, ...]:
    found: dict[str, Source] = {}
    for info in pkgutil.iter_modules(__path__):
        if not _declares(info):
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

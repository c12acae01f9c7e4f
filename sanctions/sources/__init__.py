"""The source registry: one module per source, each defining `SOURCE`.

Order matters only for display; keys are unique.
"""

from __future__ import annotations

import importlib

from .base import Source

SOURCE_MODULES: tuple[str, ...] = (
    "ofac_sdn",
    "ofac_cons",
    "state_fto",
    "state_rewards",
    "fbi_wanted",
    "un_sc",
    "uk_sanctions",
    "eu_vessels",
)


def all_sources() -> list[Source]:
    return [importlib.import_module(f"{__name__}.{m}").SOURCE for m in SOURCE_MODULES]


def get_source(key: str) -> Source:
    for source in all_sources():
        if source.key == key:
            return source
    raise KeyError(key)

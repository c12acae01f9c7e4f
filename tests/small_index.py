"""A matcher index of a few real rows of the bundled lists, for the matching tests."""

from __future__ import annotations

from collections.abc import Sequence

from sanctions.matching import Entity, Index, NameRow


def index_of(rows: Sequence[tuple[str, str, str]], akas: Sequence[tuple[int, str]] = ()
             ) -> Index:
    """`rows`: (entity id, type, primary name); `akas`: (row number, another name)."""
    entities = [Entity(i, i.split(":")[0], i.split(":")[1], t, n) for i, t, n in rows]
    names = [NameRow(k, e.name, "primary") for k, e in enumerate(entities)]
    names += [NameRow(k, name, "aka") for k, name in akas]
    return Index.build(entities, names)

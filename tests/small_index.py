"""A matcher index of a few real rows of the bundled lists, for the matching tests."""

from __future__ import annotations

from collections.abc import Sequence

from sanctions.matching import Entity, Index, NameRow, Query, match


def index_of(rows: Sequence[tuple[str, str, str]], akas: Sequence[tuple[int, str]] = ()
             ) -> Index:
    """`rows`: (entity id, type, primary name); `akas`: (row number, another name)."""
    entities = [Entity(i, i.split(":")[0], i.split(":")[1], t, n) for i, t, n in rows]
    names = [NameRow(k, e.name, "primary") for k, e in enumerate(entities)]
    names += [NameRow(k, name, "aka") for k, name in akas]
    return Index.build(entities, names)


def best_of(idx: Index, query: str) -> tuple[str, float, dict[str, dict[str, object]]]:
    """The first match of a query against `idx`: its entity, score and explanation."""
    m = match(idx, Query(query), limit=1)[0]
    return m.entity.id, m.score, m.explanation


def score_in(idx: Index, query: str, entity: str) -> float:
    """The score of `entity` among the first 20 matches of a query against `idx`."""
    return next(m.score for m in match(idx, Query(query), limit=20) if m.entity.id == entity)

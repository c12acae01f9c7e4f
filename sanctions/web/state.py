"""What the plugin learns once about the (immutable) sanctions database it serves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from datasette.utils import tilde_encode

from ..sources import all_sources


@dataclass(slots=True)
class State:
    database: str
    path: str
    sources: list[dict[str, Any]]


_states: WeakKeyDictionary[Any, State | None] = WeakKeyDictionary()


async def get_state(datasette: Any) -> State | None:
    """The first database with `entities` and `sources` tables (or plugin config `database`)."""
    if datasette in _states:
        return _states[datasette]
    config = datasette.plugin_config("sanctions") or {}
    wanted = config.get("database")
    state = None
    for name, db in datasette.databases.items():
        if (wanted and name != wanted) or db.path is None:
            continue
        tables = set(await db.table_names())
        if {"entities", "sources"} <= tables:
            rows = await db.execute("select key, title, as_of, kind from sources order by key")
            short = {s.key: s.short for s in all_sources()}  # labels come from the declarations
            sources = [dict(r) | {"short": short.get(r["key"]) or r["key"]} for r in rows]
            state = State(name, db.path, sources)
            break
    _states[datasette] = state
    return state


def entity_url(datasette: Any, database: str, entity_id: str) -> str:
    return str(datasette.urls.row(database, "entities", tilde_encode(entity_id)))

"""Datasette plugin: name screening, SQL functions, as-of dates, readable entity pages.

- `/-/screen`: a form and the ranked matches (pages.py).
- `GET /-/screen.json?name=...&type=&source=&threshold=&limit=`: one query, the CLI's JSON;
  `POST /-/screen.json` with `{"queries": [{"name": ...}, ...]}`: `{"results": [...]}` (api.py).
- `/-/changes.atom`: the newest entity-level changes (pages.py).
- SQL functions `normalize_name(text)`, `name_similarity(a, b)`, `imo_is_valid(text)` (sql.py).
- Every page gets `sanctions_sources` (each source's as-of date, shown in the footer); the
  entities row page gets `sanctions_entity`, read by sanctions.store.entities as `show` is.

Templates are in templates/ beside this module, which Datasette loads for a plugin package.
The matcher is `sanctions.screening`, the same service the CLI and the library call.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from datasette import hookimpl
from datasette.database import Database
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import Request
from markupsafe import Markup, escape

from ..store.entities import entity_detail
from . import sql
from .api import screen_json
from .pages import changes_atom, screen_page
from .state import entity_url, get_state


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/screen\.json$", screen_json), (r"^/-/screen$", screen_page),
            (r"^/-/changes\.atom$", changes_atom)]


@hookimpl
def skip_csrf(scope: Mapping[str, Any]) -> bool:
    # An API for scripts: no cookies, no forms, so no cross-site request to forge.
    return scope.get("path") == "/-/screen.json"


@hookimpl
def startup(datasette: Any) -> None:
    datasette.jinja_env.filters["tilde_encode"] = tilde_encode


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    sql.register(conn)


@hookimpl
def extra_template_vars(
    datasette: Any, view_name: str, table: str | None, request: Request | None
) -> Any:
    async def inner() -> dict[str, Any]:
        state = await get_state(datasette)
        if state is None:
            return {}
        extra: dict[str, Any] = {"sanctions_sources": state.sources,
                                 "sanctions_database": state.database}
        if view_name == "row" and table == "entities" and request is not None:
            db: Database = datasette.databases[state.database]
            if request.url_vars.get("database") == state.database:
                entity_id = tilde_decode(request.url_vars.get("pks", ""))
                extra["sanctions_entity"] = await db.execute_fn(
                    lambda conn: entity_detail(conn, entity_id))
        return extra

    return inner


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    # Resolved relation targets and publisher URLs become links.
    if table == "relations" and column == "target_id" and isinstance(value, str) and value:
        return Markup('<a href="{}">{}</a>').format(
            entity_url(datasette, database, value), escape(value))
    if column == "url" and isinstance(value, str) and value.startswith(("https://", "http://")):
        return Markup('<a href="{}" rel="noopener">{}</a>').format(value, value)
    return None

"""Datasette plugin: name screening, SQL functions, as-of dates, readable entity pages.

- `/-/screen`: a form and the ranked matches (pages.py).
- `GET /-/screen.json?name=...&type=&source=&threshold=&limit=`: one query, the CLI's JSON;
  `POST /-/screen.json` with `{"queries": [{"id": ..., "name": ..., ...}, ...]}`:
  `{"results": [...]}`, in input order, a bad query its own row's error (api.py).
- `POST /-/match`: yente's /match request and response shapes (yente.py, docs/yente.md).
- `/-/changes.atom`: the newest entity-level changes (pages.py).
- `POST /-/decide`: record a decision, only with the server's token (decide.py); screening
  answers show their customer keys' decisions and are audited when asked (review.py).
- `/-/healthz` (the process answers) and `/-/readyz` (200 once the matcher's index is loaded,
  with the build served: built_at, version, sha256; 503 before) (api.py).
- `/-/reconcile`: OpenRefine's reconciliation service, with suggest and preview
  (reconcile.py, reconcile_extra.py, docs/reconcile.md); `/-/openapi.json`: every route
  described (openapi.py); CORS on every plugin route under `--cors` (cors.py).
- SQL functions `normalize_name(text)`, `name_tokens(text)`, `name_similarity(a, b)`,
  `imo_is_valid(text)` (sql.py).
- When `sanctions build` or `update` replaces the file, every page, SQL query, feed, footer and
  screening answer switch to it together, once its index is loaded off the request path
  (live.py, pinned.py). Work per request is bounded (lane.py, limits.py); request bodies are
  timed and errors never show a traceback (guard.py).
- Every page gets `sanctions_sources` (each source's as-of date, shown in the footer); the
  entities row page gets `sanctions_entity`, read by sanctions.store.entities as `show` is.

Templates are in templates/ beside this module, which Datasette loads for a plugin package.
The matcher is `sanctions.screening`, the same service the CLI and the library call.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from datasette.hookspecs import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import Request
from markupsafe import Markup, escape

from ..store.entities import entity_detail
from . import sql
from .api import healthz, readyz, screen_json
from .cors import cors
from .decide import decide, page_vars
from .fast import fast_routes
from .guard import body_guard, internal_error, quiet_default_handler
from .live import get_live, get_state, serving_loop
from .openapi import openapi_json
from .pages import changes_atom, screen_page
from .profile import profile_page
from .reconcile import reconcile
from .reconcile_extra import preview, suggest, view
from .state import entity_url
from .tables import facet_labels, table_args, table_cell
from .upload import ROUTES as UPLOAD_ROUTES
from .yente import match


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/screen\.json$", screen_json), (r"^/-/screen$", screen_page),
            (r"^/-/changes\.atom$", changes_atom), (r"^/-/healthz$", healthz),
            (r"^/-/readyz$", readyz), (r"^/-/match$", match),
            (r"^/-/profile/(?P<entity_id>[^/]+)$", profile_page), *UPLOAD_ROUTES,
            (r"^/-/reconcile$", reconcile), (r"^/-/reconcile/preview$", preview),
            (r"^/-/reconcile/view$", view),
            (r"^/-/reconcile/suggest/(?P<kind>entity|type|property)$", suggest),
            (r"^/-/openapi\.json$", openapi_json),
            (r"^/-/decide$", decide)]


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    guard, fast = body_guard(datasette), fast_routes(datasette)
    with_cors = cors(datasette, [pattern for pattern, _ in register_routes()])
    # bodies timed for every route, the fast ones too; CORS (under --cors) on them all
    tidy = table_args(datasette)  # table pages: facets not doubled, arrays as JSON arrays
    loop = serving_loop(datasette)  # swaps are made on the loop the server runs
    return lambda app: loop(with_cors(guard(fast(tidy(app)))))


@hookimpl
def handle_exception(datasette: Any, request: Request, exception: Exception) -> Any:
    return internal_error(datasette, request, exception)


@hookimpl
def skip_csrf(scope: Mapping[str, Any]) -> bool:
    # An API for scripts: no cookies, no forms, so no cross-site request to forge.
    # The upload (a page's script or curl) changes nothing a forged request could abuse.
    # /-/decide: a secret token authenticates each request instead of a cookie (decide.py).
    return scope.get("path") in ("/-/screen.json", "/-/match", "/-/reconcile",
                                 "/-/screen/upload", "/-/decide")


@hookimpl
def startup(datasette: Any) -> Any:
    datasette.jinja_env.filters["tilde_encode"] = tilde_encode
    quiet_default_handler()

    async def inner() -> None:
        await get_live(datasette)  # pin the file and start loading the index

    return inner


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
        if (view_name == "row" and table == "entities" and request is not None
                and request.url_vars.get("database") == state.database):
            entity_id = tilde_decode(request.url_vars.get("pks", ""))
            extra["sanctions_entity"] = await state.db.execute_fn(
                lambda conn: entity_detail(conn, entity_id))
        if view_name == "table" and request is not None:
            extra.update(await facet_labels(datasette, request.url_vars.get("database", ""),
                                            table))
        if request is not None and request.path.endswith("/-/screen"):
            extra.update(page_vars(request))  # the decision block of the screening page
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
    return table_cell(value, column, table, database, datasette)  # lists, clipped long text

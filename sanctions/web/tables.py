"""Tables for people: array columns shown as lists (and returned as arrays in JSON), countries as
ISO codes with their names, long cells clipped so a page of rows stays compact, and a facet
asked for in the URL that metadata.yml already shows not shown twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode
from weakref import WeakKeyDictionary

from markupsafe import Markup, escape

from ..store.labels import country_labels
from .live import get_state

# JSON arrays stored as text: shown as lists, returned as arrays by the table's JSON.
ARRAY_COLUMNS: dict[str, tuple[str, ...]] = {"entities": ("programs", "countries")}
# Long free text: clipped to a few lines in a table (the row's page shows it whole).
CLIPPED: dict[str, tuple[str, ...]] = {
    "entities": ("raw", "remarks", "title"),
    "sources": ("notes", "description", "counts", "licence", "publisher", "title", "format"),
    "source_files": ("path", "note", "sha256"),
    "rewards": ("text",),
    "links": ("detail",),
    "link_refusals": ("detail",),
}
CLIP_CHARS = 30
# Columns shown first (templates/_table.html), the others after them in the table's order.
FIRST_COLUMNS: dict[str, list[str]] = {
    "sources": ["key", "title", "kind", "as_of", "entity_count"],
    "source_files": ["source", "role", "as_of", "kind", "rows"],
}
_TABLE_PATH = re.compile(r"/(?P<database>[^/-][^/]*)/(?P<table>[^/.]+)(?P<json>\.json)?$")
_ROW_JSON = re.compile(r"/(?P<database>[^/-][^/]*)/(?P<table>[^/.]+)/[^/]+\.json$")

_labels: WeakKeyDictionary[Any, dict[str, str]] = WeakKeyDictionary()


async def labels_for(db: Any) -> dict[str, str]:
    """The country labels of one served database version (read once per version)."""
    found = _labels.get(db)
    if found is None:
        found = await db.execute_fn(country_labels)
        _labels[db] = found
    return found


def _array(value: str) -> list[Any] | None:
    try:
        items = json.loads(value)
    except ValueError:
        return None
    return items if isinstance(items, list) else None


def render_table_cell(value: Any, column: str, table: str | None,
                      labels: dict[str, str]) -> Markup | None:
    """A cell of the tables above as HTML, or None for Datasette's own rendering."""
    if not isinstance(value, str) or table is None:
        return None
    if column in ARRAY_COLUMNS.get(table, ()):
        items = _array(value)
        if items is None:
            return None
        shown = [Markup("{} <small>{}</small>").format(i, labels[i]) if i in labels
                 else escape(str(i)) for i in items]
        return Markup('<ul class="cell-list">{}</ul>').format(
            Markup("").join(Markup("<li>{}</li>").format(s) for s in shown))
    if column in CLIPPED.get(table, ()) and len(value) > CLIP_CHARS:
        # one line shown (the page's CSS), the rest on hover and on the row's page
        return Markup('<span class="clip" title="{}">{}</span>').format(
            value[:2000], value[:400])
    return None


def _tidy_query(query: str, table_facets: set[str], is_json: bool,
                arrays: tuple[str, ...]) -> str:
    """The query string with facets metadata.yml already shows dropped (Datasette would show
    them twice) and, for JSON, the array columns decoded (`_json=`) unless the caller chose."""
    pairs = parse_qsl(query, keep_blank_values=True)
    seen: set[tuple[str, str]] = set()
    kept = []
    for key, value in pairs:
        if key in ("_facet", "_facet_array") and (value in table_facets or (key, value) in seen):
            continue
        seen.add((key, value))
        kept.append((key, value))
    if is_json and not any(k == "_json" for k, _ in kept):
        kept += [("_json", c) for c in arrays]
    return urlencode(kept)


Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]


def table_args(datasette: Any) -> Callable[[ASGIApp], ASGIApp]:
    """ASGI middleware applying _tidy_query to table pages and their JSON."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def tidy(scope: Scope, receive: Any, send: Any) -> None:
            path = scope.get("path", "") if scope["type"] == "http" else ""
            row = _ROW_JSON.search(path)
            row = row if row and row["table"] in ARRAY_COLUMNS else None
            if row:  # a row's JSON: its arrays as arrays
                query = scope.get("query_string", b"").decode("latin-1")
                tidied = _tidy_query(query, set(), True, ARRAY_COLUMNS[row["table"]])
                scope = {**scope, "query_string": tidied.encode("latin-1")}
            found = None if row else _TABLE_PATH.search(path)
            if found and not path.startswith("/-/"):
                database, table = found["database"], found["table"]
                meta = datasette.table_metadata(database, table) or {}
                facets = {f if isinstance(f, str) else next(iter(f.values()), "")
                          for f in meta.get("facets", [])}
                arrays = ARRAY_COLUMNS.get(table, ())
                query = scope.get("query_string", b"").decode("latin-1")
                if facets or (found["json"] and arrays):
                    tidied = _tidy_query(query, facets, bool(found["json"]), arrays)
                    if tidied != query:
                        scope = {**scope, "query_string": tidied.encode("latin-1")}
            await app(scope, receive, send)

        return tidy

    return wrap


def table_cell(value: Any, column: str, table: str | None, database: str,
               datasette: Any) -> Any:
    """The render_cell hook's answer for these tables: None, HTML, or (for countries, whose
    labels are read from the served database) an async function giving the HTML."""
    if not isinstance(value, str) or table not in set(ARRAY_COLUMNS) | set(CLIPPED):
        return None
    if column != "countries":
        return render_table_cell(value, column, table, {})

    async def inner() -> Markup | None:
        state = await get_state(datasette)
        labels = await labels_for(state.db) if state and state.database == database else {}
        return render_table_cell(value, column, table, labels)

    return inner


async def facet_labels(datasette: Any, database: str, table: str | None) -> dict[str, Any]:
    """extra_template_vars for a table page: the columns shown first and the country labels
    its facet shows beside codes."""
    extra: dict[str, Any] = {"sanctions_first_columns": FIRST_COLUMNS}
    if table not in ARRAY_COLUMNS:
        return extra
    state = await get_state(datasette)
    if state is None or state.database != database:
        return extra
    return {**extra, "sanctions_country_labels": await labels_for(state.db)}

"""Datasette plugin: name screening, SQL functions, as-of dates, readable entity pages.

- `/-/screen`: a form (name, type, source, threshold) and the ranked matches.
- `GET /-/screen.json?name=...&type=&source=&threshold=&limit=`: one query, the CLI's JSON.
- `POST /-/screen.json` with `{"queries": [{"name": ...}, ...]}`: `{"results": [...]}`, in order.
- Bad input is a 4xx `{"ok": false, "error": "...", "status": 400}`, never a 500.
- SQL functions for ad-hoc queries: `normalize_name(text)`, `name_similarity(a, b)` (0..1),
  `imo_is_valid(text)`.
- Every page gets `sanctions_sources` (each source's as-of date, shown in the footer); the
  entities row page gets `sanctions_entity` (names, identifiers, addresses, programs, ...).

The matcher is `sanctions.screening`, the same library the CLI's `screen` command calls.
"""

from __future__ import annotations

import asyncio
import json
import math
import sqlite3
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from datasette import hookimpl
from datasette.database import Database
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import Request, Response
from jinja2 import FileSystemLoader
from markupsafe import Markup, escape
from rapidfuzz import fuzz

from .identifiers import clean_imo, imo_is_valid
from .models import ENTITY_TYPES
from .normalize import normalize_name

TEMPLATES = Path(__file__).parent / "templates"
MAX_QUERIES = 1000
MAX_BODY_BYTES = 4_000_000  # 1,000 queries of long names fit with room to spare
MAX_NAME_CHARS = 300
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
QUERY_KEYS = ("name", "type", "source", "threshold", "limit", "country", "birth_date", "imo")
# The matcher runs in this one thread: the event loop keeps serving while a query is scored,
# and the index's caches are only ever touched from one thread.
_SCREEN_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sanctions-screen")


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Query:
    """One validated screening query."""

    name: str
    type: str | None = None
    source: str | None = None
    threshold: float | None = None
    limit: int = DEFAULT_LIMIT
    country: str | None = None
    birth_date: str | None = None
    imo: str | None = None


@dataclass(slots=True)
class State:
    """What the plugin learns once about the (immutable) sanctions database."""

    database: str
    path: str
    sources: list[dict[str, Any]]

    @property
    def source_keys(self) -> set[str]:
        return {s["key"] for s in self.sources}


_states: WeakKeyDictionary[Any, State | None] = WeakKeyDictionary()


# --- matcher -------------------------------------------------------------------------------


def run_screen(path: str, query: Query) -> dict[str, Any]:
    """One query through the library matcher: the dict the CLI prints as JSON."""
    from . import screening  # imported late: the plugin must load even while it is being built

    try:
        return screening.screen(
            path, query.name, type=query.type, source=query.source, country=query.country,
            birth_date=query.birth_date, imo=query.imo, threshold=query.threshold,
            limit=query.limit,
        )
    except screening.QueryError as exc:
        raise BadRequest(str(exc)) from None


async def screen_off_loop(path: str, queries: list[Query]) -> list[dict[str, Any]]:
    """Run queries in the matcher thread; the first invalid one fails the request."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        _SCREEN_THREAD, lambda: [run_screen(path, q) for q in queries])


# --- validation ----------------------------------------------------------------------------


def _text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{field} must be a string")
    return value.strip() or None


def parse_query(params: Mapping[str, Any], sources: set[str], strict: bool = False) -> Query:
    """Validate one query's parameters (query-string strings or JSON values)."""
    if strict:
        unknown = sorted(set(params) - set(QUERY_KEYS))
        if unknown:
            expected = ", ".join(QUERY_KEYS)
            raise BadRequest(f"unknown field(s) {', '.join(unknown)}; expected {expected}")
    name = _text(params.get("name"), "name")
    if not name:
        raise BadRequest("name is required")
    if len(name) > MAX_NAME_CHARS:
        raise BadRequest(f"name is longer than {MAX_NAME_CHARS} characters")
    if "\x00" in name or not normalize_name(name):
        raise BadRequest("name has no letters or digits to match on")
    etype = _text(params.get("type"), "type")
    if etype is not None and etype not in ENTITY_TYPES:
        raise BadRequest(f"type must be one of {', '.join(ENTITY_TYPES)}")
    source = _text(params.get("source"), "source")
    if source is not None and source not in sources:
        raise BadRequest(f"unknown source {source!r}; known: {', '.join(sorted(sources))}")
    threshold = _number(params.get("threshold"), "threshold", float)
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise BadRequest("threshold must be between 0 and 1")
    limit = _number(params.get("limit"), "limit", int)
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}")
    return Query(name, etype, source, threshold, DEFAULT_LIMIT if limit is None else int(limit),
                 _text(params.get("country"), "country"),
                 _text(params.get("birth_date"), "birth_date"), _text(params.get("imo"), "imo"))


def _number(value: Any, field: str, kind: type[float] | type[int]) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise BadRequest(f"{field} must be a number")
    try:
        number = kind(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError):
        raise BadRequest(f"{field} must be {'an integer' if kind is int else 'a number'}") from None
    if isinstance(value, float) and kind is int and value != number:
        raise BadRequest(f"{field} must be an integer")
    if not math.isfinite(number):
        raise BadRequest(f"{field} must be a finite number")
    return number


def parse_batch(body: bytes, sources: set[str]) -> list[Query]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise BadRequest('body must be JSON: {"queries": [{"name": "..."}, ...]}') from None
    if not isinstance(data, dict) or not isinstance(data.get("queries"), list):
        raise BadRequest('body must be a JSON object with a "queries" list')
    extra = sorted(set(data) - {"queries"})
    if extra:
        raise BadRequest(f"unknown field(s) {', '.join(extra)}; expected queries")
    queries = data["queries"]
    if not queries:
        raise BadRequest("queries is empty")
    if len(queries) > MAX_QUERIES:
        raise BadRequest(f"at most {MAX_QUERIES:,} queries per request, got {len(queries):,}")
    parsed = []
    for i, q in enumerate(queries):
        if not isinstance(q, dict):
            raise BadRequest(f"queries[{i}] must be an object")
        try:
            parsed.append(parse_query(q, sources, strict=True))
        except BadRequest as exc:
            raise BadRequest(f"queries[{i}]: {exc}") from None
    return parsed


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, refusing more than `limit` bytes before reading them all."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BadRequest(f"body is larger than {limit:,} bytes", 413)
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await request.receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BadRequest(f"body is larger than {limit:,} bytes", 413)
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def error(message: str, status: int = 400) -> Response:
    return json_response({"ok": False, "error": message, "status": status}, status)


def json_response(data: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False, default=str), status=status,
        content_type="application/json; charset=utf-8",
    )


# --- the sanctions database ------------------------------------------------------------------


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
            titles = {s["key"]: s.get("short") for s in config.get("sources", [])}
            sources = [dict(r) | {"short": titles.get(r["key"]) or r["key"]} for r in rows]
            state = State(name, db.path, sources)
            break
    _states[datasette] = state
    return state


def entity_url(datasette: Any, database: str, entity_id: str) -> str:
    return str(datasette.urls.row(database, "entities", tilde_encode(entity_id)))


def _rows(conn: sqlite3.Connection, sql: str, *params: Any) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def entity_detail(conn: sqlite3.Connection, entity_id: str) -> dict[str, Any] | None:
    """Everything the database holds about one entity, for its row page."""
    found = _rows(conn, "select * from entities where id = ?", entity_id)
    if not found:
        return None
    entity = found[0]
    for column in ("programs", "countries"):
        try:
            entity[column] = json.loads(entity[column] or "[]")
        except ValueError:
            entity[column] = []
    by_entity = "where entity_id = ? order by id"
    return {
        "entity": entity,
        "source": next(iter(_rows(conn, "select * from sources where key = ?", entity["source"])),
                       None),
        "names": _rows(conn, f"select kind, name, quality from names {by_entity}", entity_id),
        "identifiers": _rows(
            conn, f"select scheme, value, country, valid, note from identifiers {by_entity}",
            entity_id),
        "addresses": _rows(
            conn, "select address, city, state, postal_code, country, remarks from addresses "
            + by_entity, entity_id),
        "designations": _rows(
            conn, "select authority, list, program, listed_on, delisted_on, status, reference "
            "from designations where entity_id = ? order by listed_on, id", entity_id),
        "birth_dates": _rows(conn, f"select raw from birth_dates {by_entity}", entity_id),
        "birth_places": _rows(conn, f"select place from birth_places {by_entity}", entity_id),
        "nationalities": _rows(conn, f"select country, kind from nationalities {by_entity}",
                               entity_id),
        "vessel": next(iter(_rows(conn, "select * from vessels where entity_id = ?", entity_id)),
                       None),
        "relations": _rows(conn, f"select kind, target_name, target_id from relations {by_entity}",
                           entity_id),
        "linked_from": _rows(
            conn, "select r.kind, r.entity_id, e.name from relations r join entities e"
            " on e.id = r.entity_id where r.target_id = ? order by e.name", entity_id),
        "properties": _rows(conn, f"select key, value from properties {by_entity}", entity_id),
        "same_as": _same_as(conn, entity_id),
        "rewards": _rows(
            conn, "select program, amount_usd, announced, status, organization, url, text"
            " from rewards where entity_id = ? order by announced, id", entity_id),
    }


def _same_as(conn: sqlite3.Connection, entity_id: str) -> list[dict[str, Any]]:
    """The other records of this entity's cluster (built by sanctions.link), if linked."""
    if not conn.execute("select 1 from sqlite_master where name = 'clusters'").fetchone():
        return []
    return _rows(
        conn, "select e.id, e.name, e.source from clusters c join clusters o"
        " on o.cluster_id = c.cluster_id and o.entity_id != c.entity_id"
        " join entities e on e.id = o.entity_id where c.entity_id = ? order by e.source, e.id",
        entity_id)


# --- views -----------------------------------------------------------------------------------


async def screen_json(request: Request, datasette: Any) -> Response:
    try:
        if request.method not in ("GET", "POST"):
            raise BadRequest("use GET with ?name=... or POST a JSON body", 405)
        state = await get_state(datasette)
        if state is None:
            raise BadRequest("no sanctions database is being served", 404)
        if request.method == "GET":
            query = parse_query(request.args, state.source_keys)
            [result] = await screen_off_loop(state.path, [query])
            return json_response(result)
        queries = parse_batch(await read_body(request), state.source_keys)
        return json_response({"results": await screen_off_loop(state.path, queries)})
    except BadRequest as exc:
        return error(str(exc), exc.status)


async def screen_page(request: Request, datasette: Any) -> Response:
    state = await get_state(datasette)
    form = {k: (request.args.get(k) or "").strip() for k in QUERY_KEYS}
    context: dict[str, Any] = {
        "form": form, "types": ENTITY_TYPES, "result": None, "error": None,
        "sources": state.sources if state else [], "database": state.database if state else None,
    }
    status = 200
    if state is None:
        context["error"], status = "No sanctions database is being served.", 404
    elif form["name"]:
        try:
            query = parse_query(request.args, state.source_keys)
            [result] = await screen_off_loop(state.path, [query])
            for match in result.get("matches", []):
                match["url"] = entity_url(datasette, state.database, match["entity_id"])
                for related in match.get("related", []):
                    related["url"] = entity_url(datasette, state.database, related["entity_id"])
            context.update(result=result, query=asdict(query))
        except BadRequest as exc:
            context["error"], status = str(exc), exc.status
    html = await datasette.render_template("sanctions_screen.html", context, request=request)
    return Response.html(html, status=status)


async def changes_atom(request: Request, datasette: Any) -> Response:
    """The newest entity-level changes as an Atom feed (?source=KEY to follow one list)."""
    state = await get_state(datasette)
    if state is None:
        return error("no sanctions database is being served", 404)
    db = datasette.get_database(state.database)
    if "changes" not in set(await db.table_names()):
        return error("this database has no change history", 404)
    source = (request.args.get("source") or "").strip()
    rows = (await db.execute(
        "select id, at, source, source_as_of, change, entity_id, name, fields from changes"
        " where (:source = '' or source = :source) order by id desc limit 200",
        {"source": source})).rows
    base = request.url.split("/-/")[0]
    entries = []
    for r in rows:
        link = entity_url(datasette, state.database, r["entity_id"]) if r["entity_id"] else ""
        title = f"{r['change']}: {r['name'] or ''} ({r['source']})"
        summary = f"{r['entity_id'] or ''} {r['fields'] or ''} as of {r['source_as_of'] or '?'}"
        entries.append(
            f"<entry><id>urn:sanctions:change:{r['id']}</id><title>{escape(title)}</title>"
            f"<updated>{escape(r['at'])}</updated>"
            + (f'<link href="{escape(base + link)}"/>' if link else "")
            + f"<summary>{escape(summary.strip())}</summary></entry>")
    updated = rows[0]["at"] if rows else "1970-01-01T00:00:00+00:00"
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>urn:sanctions:changes{':' + escape(source) if source else ''}</id>"
        f"<title>sanctions: recent changes{' in ' + escape(source) if source else ''}</title>"
        f"<updated>{escape(updated)}</updated>{''.join(entries)}</feed>\n")
    return Response(feed, content_type="application/atom+xml; charset=utf-8")


# --- hooks -----------------------------------------------------------------------------------


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
    # Plugin templates load automatically only from packages; this plugin is a module, so add
    # sanctions/templates just before Datasette's defaults (a --template-dir still wins).
    loader = datasette.jinja_env.loader.loaders[0]
    if isinstance(loader, FileSystemLoader) and str(TEMPLATES) not in loader.searchpath:
        loader.searchpath.insert(len(loader.searchpath) - 1, str(TEMPLATES))
    datasette.jinja_env.filters["tilde_encode"] = tilde_encode


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("normalize_name", 1, _sql_normalize, deterministic=True)
    conn.create_function("name_similarity", 2, _sql_similarity, deterministic=True)
    conn.create_function("imo_is_valid", 1, _sql_imo_is_valid, deterministic=True)


def _sql_normalize(name: Any) -> str | None:
    """normalize_name('MADURO MOROS, Nicolás') -> 'maduro moros nicolas'."""
    return None if name is None else normalize_name(str(name))


def _sql_similarity(a: Any, b: Any) -> float | None:
    """Word-order-insensitive similarity of two names after normalisation, 0.0 to 1.0."""
    if a is None or b is None:
        return None
    return round(fuzz.token_sort_ratio(normalize_name(str(a)), normalize_name(str(b))) / 100, 4)


def _sql_imo_is_valid(value: Any) -> int | None:
    """1 if the IMO number ('9323596' or 'IMO 9323596') has a correct check digit, else 0."""
    if value is None:
        return None
    imo = clean_imo(str(value))
    return int(imo is not None and imo_is_valid(imo))


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

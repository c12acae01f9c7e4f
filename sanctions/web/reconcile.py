"""`/-/reconcile`: the Reconciliation Service API (version 0.2, what OpenRefine speaks), so a
name column can be reconciled against the lists. docs/reconcile.md has the mapping.

- `GET /-/reconcile` with no `queries`: the service manifest (types, properties, the entity view
  URL, the suggest and preview services).
- `GET` or `POST` with `queries` (a form field, or a JSON body `{"queries": {...}}`): a batch
  `{"q0": {"query": "...", "type": "Person", "properties": [{"pid": "country", "v": "VE"}]}}`
  answered `{"q0": {"result": [{"id", "name", "description", "score", "match", "type",
  "features"}]}}`, each query screened by sanctions.screening in the matcher's lane (the one
  service: no scorer of its own). `score` is the screening score times 100; `match` is true
  exactly where the CLI's band is `exact` or `strong`. A bad query is its own `error` with an
  empty `result`; a bad request is the API's `{"ok": false, "error", "status"}`.
- `callback=NAME` (identifier characters only) wraps any JSON answer for JSONP, as OpenRefine
  asks over GET.

Suggest, preview and the view redirect are in reconcile_extra.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from datasette.utils.asgi import Request, Response

from .. import screening
from .api import BadRequest, check_budget, check_size, read_body, refused, screen
from .guard import json_bytes
from .lane import Busy
from .limits import limits
from .live import get_state, indexed_state

# The types a query may ask for (FollowTheMoney's schema names, as yente uses) and ours.
TYPES: dict[str, str] = {"Person": "person", "Organization": "organization",
                         "Vessel": "vessel", "Airplane": "aircraft"}
ANY_TYPE = ("LegalEntity", "Thing")  # OpenRefine's "no type" choices: any of ours
TYPE_IDS = {v: k for k, v in TYPES.items()}
# pid -> (the screening field it sets, its label); aliases are FollowTheMoney's names.
PROPERTIES: dict[str, tuple[str, str]] = {
    "country": ("country", "Country (ISO code or name): nationality, address or flag"),
    "birth_date": ("birth_date", "Birth date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    "imo": ("imo", "IMO number of a vessel (7 digits)"),
    "identifier": ("identifier", "Any listed ID number: passport, national ID, registration, "
                                 "tax number, MMSI..."),
    "source": ("source", "Only entities of this source (a source key, e.g. ofac_sdn)"),
    "program": ("program", "Only entities under this sanctions program (e.g. SDGT)"),
}
PID_ALIASES = {"birthDate": "birth_date", "imoNumber": "imo", "nationality": "country",
               "jurisdiction": "country", "dataset": "source", "idNumber": "identifier"}
MATCH_BANDS = ("exact", "strong")
# Candidates are listed from here (below the screening threshold, so a reviewer sees the near
# misses); `match` is still decided by the band alone.
CANDIDATE_THRESHOLD = 0.5
DEFAULT_CANDIDATES = 5
QUERY_KEYS = {"query", "type", "limit", "properties", "type_strict"}
_CALLBACK = re.compile(r"[A-Za-z_$][A-Za-z0-9_$.]{0,99}")


def callback_of(request: Request) -> str | None:
    """The JSONP callback, or None; anything but identifier characters is refused, so a
    caller cannot make the answer run script of its choosing."""
    name = request.args.get("callback")
    if name is None or name == "":
        return None
    if not _CALLBACK.fullmatch(name):
        raise BadRequest("callback must be a JavaScript identifier (letters, digits, _ $ .)")
    return name


def reply(data: Any, callback: str | None, status: int = 200) -> Response:
    """JSON, or JSONP when a callback was given (the comment keeps a sniffer from reading the
    answer as anything but script)."""
    body = json_bytes(data)
    if callback is None:
        return Response(body, status=status, content_type="application/json; charset=utf-8")
    response = Response(b"/**/" + callback.encode() + b"(" + body + b");", status=status,
                        content_type="text/javascript; charset=utf-8")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def absolute(datasette: Any, request: Request, path: str) -> str:
    """An absolute URL under the server's base_url (OpenRefine follows the manifest's URLs
    from another origin)."""
    return str(datasette.absolute_url(request, datasette.urls.path(path)))


def manifest(datasette: Any, request: Request, database: str) -> dict[str, Any]:
    base = absolute(datasette, request, "/-/reconcile")
    service = {"service_url": base.removesuffix("/-/reconcile")}
    return {
        "versions": ["0.2"],
        "name": "Sanctions and designation lists",
        # urls.table is already under base_url (a prefixed string urls.path leaves alone)
        "identifierSpace": absolute(datasette, request, datasette.urls.table(
            database, "entities")),
        "schemaSpace": "https://followthemoney.tech/explorer/schemata/",
        "documentation": absolute(datasette, request, "/-/openapi.json"),
        "view": {"url": base + "/view?id={{id}}"},
        "defaultTypes": [{"id": k, "name": k} for k in TYPES],
        "preview": {"url": base + "/preview?id={{id}}", "width": 430, "height": 300},
        "suggest": {
            "entity": {**service, "service_path": "/-/reconcile/suggest/entity"},
            "type": {**service, "service_path": "/-/reconcile/suggest/type"},
            "property": {**service, "service_path": "/-/reconcile/suggest/property"},
        },
    }


def _type(value: Any) -> str | None:
    """A query's type (an id or a list of ids) as a screening type; None: any."""
    ids = [value] if isinstance(value, str) else value
    if not isinstance(ids, list) or not all(isinstance(t, str) for t in ids):
        raise screening.QueryError("type must be a type id or a list of them")
    known = [TYPES[t] for t in ids if t in TYPES]
    unknown = [t for t in ids if t not in TYPES and t not in ANY_TYPE]
    if unknown:
        raise screening.QueryError(
            f"unknown type {json.dumps(unknown[0])[:40]}; known: {', '.join(TYPES)} "
            f"(or {' / '.join(ANY_TYPE)} for any)")
    # one type narrows the search; several, or a generic one, leave it open
    return known[0] if len(set(known)) == 1 and len(known) == len(ids) else None


def _value(v: Any) -> str | None:
    """A property value as text: the first of a list, an entity's id (or name), a number."""
    if isinstance(v, list):
        return next((t for t in map(_value, v) if t), None)
    if isinstance(v, dict):
        v = v.get("id") or v.get("name")
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, int | float):
        v = str(int(v)) if float(v).is_integer() else str(v)
    return v.strip() or None if isinstance(v, str) else None


def to_fields(query: Any) -> dict[str, Any]:
    """One reconciliation query as the screening service's fields; raises QueryError with the
    service's own message when it cannot be screened."""
    if not isinstance(query, dict):
        raise screening.QueryError("a query must be an object with query, type, properties")
    extra = sorted(set(query) - QUERY_KEYS)
    if extra:
        raise screening.QueryError(f"unknown field {json.dumps(extra[0])[:40]}; expected "
                                   f"{', '.join(sorted(QUERY_KEYS))}")
    text = query.get("query")
    if text is not None and not isinstance(text, str):
        raise screening.QueryError("query must be a string")
    fields: dict[str, Any] = {"name": text, "threshold": CANDIDATE_THRESHOLD,
                              "limit": _limit(query.get("limit"))}
    if query.get("type") is not None:
        fields["type"] = _type(query["type"])
    props = query.get("properties") or []
    if not isinstance(props, list):
        raise screening.QueryError("properties must be a list of {pid, v}")
    for prop in props:
        if not isinstance(prop, dict) or not isinstance(prop.get("pid"), str):
            raise screening.QueryError("each property must be an object {pid, v}")
        pid = PID_ALIASES.get(prop["pid"], prop["pid"])
        if pid not in PROPERTIES:
            raise screening.QueryError(f"unknown property {json.dumps(prop['pid'])[:40]}; "
                                       f"known: {', '.join(PROPERTIES)}")
        value = _value(prop.get("v"))
        if value is not None:
            fields[PROPERTIES[pid][0]] = value
    screening.parse(fields)  # the service's validation and error text
    return fields


def _limit(value: Any) -> int:
    if value is None:
        return DEFAULT_CANDIDATES
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise screening.QueryError("limit must be a number")
    return max(1, min(screening.MAX_LIMIT, int(value)))  # OpenRefine's wish, within ours


def candidate(m: Mapping[str, Any]) -> dict[str, Any]:
    """A screening match as a reconciliation candidate."""
    also = sorted({r["source"] for r in m.get("related") or []} - {m["source"]})
    programs = ", ".join(m.get("programs") or [])
    description = " · ".join(p for p in (
        m["source"], m["type"], programs, f"{m['band']} {m['score']:.3f}",
        f"also on {', '.join(also)}" if also else "") if p)
    features = [{"id": k, "value": v["score"]} for k, v in (m.get("explanation") or {}).items()
                if isinstance(v, dict) and isinstance(v.get("score"), int | float)]
    kind = TYPE_IDS.get(m["type"], "LegalEntity")
    return {"id": m["entity_id"], "name": m["name"], "description": description,
            "score": round(m["score"] * 100, 2), "match": m["band"] in MATCH_BANDS,
            "type": [{"id": kind, "name": kind}], "features": features}


def parse_queries(raw: str | bytes) -> dict[str, Any]:
    try:
        batch = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadRequest('queries must be JSON: {"q0": {"query": "..."}}') from None
    if not isinstance(batch, dict):
        raise BadRequest('queries must be a JSON object: {"q0": {"query": "..."}}')
    check_size(len(batch))
    return batch


async def batch_body(request: Request) -> str | None:
    """The `queries` text of a request: the query string's, a form body's, or a JSON body's."""
    if request.method == "GET":
        return request.args.get("queries")
    body = await read_body(request)
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise BadRequest('body must be JSON: {"queries": {"q0": {"query": "..."}}}') from None
        if not isinstance(data, dict) or not isinstance(data.get("queries"), dict):
            raise BadRequest('a JSON body must be an object with a "queries" object')
        return json.dumps(data["queries"])
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise BadRequest("the form body is not UTF-8") from None
    return form["queries"][0] if form.get("queries") else request.args.get("queries")


async def reconcile(request: Request, datasette: Any) -> Response:
    callback = None
    try:
        callback = callback_of(request)
        if request.method not in ("GET", "POST"):
            raise BadRequest("use GET (manifest or ?queries=) or POST a queries form field", 405)
        raw = await batch_body(request)
        if raw is None:
            state = await get_state(datasette)
            if state is None:
                raise LookupError("no sanctions database is being served")
            return reply(manifest(datasette, request, state.database), callback)
        return reply(await answer_batch(datasette, parse_queries(raw)), callback)
    except (BadRequest, LookupError, Busy) as exc:
        response = refused(exc)
        if callback is None:
            return response
        return reply(json.loads(response.body), callback, response.status)


async def answer_batch(datasette: Any, batch: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    todo: list[tuple[str, dict[str, Any]]] = []
    for key, query in batch.items():
        try:
            todo.append((key, to_fields(query)))
        except screening.QueryError as exc:
            out[key] = {"result": [], "error": str(exc)}
    check_budget(sum(f["limit"] for _, f in todo), limits(datasette).work_budget)
    texts = await screen(datasette, await indexed_state(datasette), [f for _, f in todo], True)
    for (key, _), text in zip(todo, texts, strict=True):
        out[key] = {"result": [candidate(m) for m in json.loads(text)["matches"]]}
    return {key: out[key] for key in batch}  # in the caller's order

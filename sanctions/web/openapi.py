"""`GET /-/openapi.json`: an OpenAPI 3.1 description of the plugin's HTTP API (every JSON route,
and the pages and downloads beside them), its parameters and its one error shape.

The server URL is this request's, under `base_url`, so a client generated from the document
calls the server it came from. The answers' schemas are in openapi_schemas.py;
tests/test_openapi.py validates the document and checks live answers against it, and fails when
a route is registered that the document does not describe.
"""

from __future__ import annotations

from typing import Any

from datasette.utils.asgi import Request, Response

from .. import __version__, screening
from ..models import ENTITY_TYPES
from .api import error, json_response
from .openapi_schemas import SCHEMAS, ref

JSON = "application/json"


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    reasons = {400: "bad input (the error says which field and why)",
               401: "no token sent", 403: "a wrong token, or no token configured",
               404: "no sanctions database is being served, or no such item",
               405: "another method", 408: "the body did not arrive in time",
               409: "not ready yet", 413: "a body over 4 MB, or a batch asking too much work",
               503: "too busy to answer in time (Retry-After says when to try again), or the "
                    "index is still loading"}
    return {str(s): _json(ref("Error"), reasons[s]) for s in statuses}


def _param(name: str, schema: dict[str, Any], description: str = "", where: str = "query",
           required: bool = False, **extra: Any) -> dict[str, Any]:
    out = {"name": name, "in": where, "schema": schema, "required": required or where == "path"}
    return out | ({"description": description} if description else {}) | extra


SCREEN_PARAMS = [
    _param("name", {"type": "string"}, "the name to screen (or give imo or identifier alone)"),
    _param("type", {"enum": list(ENTITY_TYPES)}),
    _param("country", {"type": "string"}, "ISO code or name"),
    _param("birth_date", {"type": "string"}, "YYYY, YYYY-MM or YYYY-MM-DD"),
    _param("imo", {"type": "string"}, "a vessel's IMO number (7 digits)"),
    _param("identifier", {"type": "string", "maxLength": 64},
           "any listed ID number (passport, national ID, registration, tax number, MMSI...): "
           "at least 5 letters or digits"),
    _param("source", {"type": "array", "items": {"type": "string"}},
           "only these sources' entities (repeat the parameter)", explode=True),
    _param("program", {"type": "string"}, "only entities under this program"),
    _param("threshold", {"type": "number", "minimum": 0, "maximum": 1},
           "report matches from this score (default 0.80; 0: the best `limit`)"),
    _param("limit", {"type": "integer", "minimum": 1, "maximum": screening.MAX_LIMIT},
           f"at most this many matches (default {screening.DEFAULT_LIMIT})"),
]
CALLBACK = _param("callback", {"type": "string", "pattern": r"^[A-Za-z_$][A-Za-z0-9_$.]{0,99}$"},
                  "JSONP: the answer wrapped in a call to this function (identifier "
                  "characters only), as text/javascript")


def paths() -> dict[str, Any]:
    screen_get = {"summary": "Screen one name", "tags": ["screening"],
                  "parameters": SCREEN_PARAMS,
                  "responses": {"200": _json(ref("ScreenResult"), "the matches, best first"),
                                **_errors(400, 404, 405, 503)}}
    screen_post = {
        "summary": "Screen a batch (up to 1,000 queries)", "tags": ["screening"],
        "requestBody": {"required": True, "content": {JSON: {"schema": ref("ScreenBatch")}}},
        "responses": {"200": _json(ref("ScreenBatchResult"), "one result per query, in order; "
                                   "a bad query is its own result's error"),
                      **_errors(400, 404, 408, 413, 503)}}
    reconcile = {
        "summary": "OpenRefine reconciliation (Reconciliation Service API 0.2)",
        "tags": ["reconciliation"],
        "description": "Without `queries`: the service manifest. With `queries` (a JSON object "
                       "of queries by key, in the query string or a form body): the candidates "
                       "of each. `match` is true where the screening band is exact or strong.",
        "parameters": [_param("queries", {"type": "string"}, "a JSON object: {\"q0\": "
                              "{\"query\": \"...\", \"type\": \"Person\", \"properties\": "
                              "[{\"pid\": \"country\", \"v\": \"VE\"}]}}"), CALLBACK],
        "responses": {"200": _json(ref("ReconcileAnswer"), "the manifest, or the results"),
                      **_errors(400, 404, 405, 408, 413, 503)}}
    reconcile_post = {**reconcile, "requestBody": {"content": {
        "application/x-www-form-urlencoded": {"schema": {
            "type": "object", "properties": {"queries": {"type": "string"}}}},
        JSON: {"schema": {"type": "object", "required": ["queries"],
                          "properties": {"queries": {"type": "object"}}}}}}}
    html = {"200": {"description": "an HTML page", "content": {"text/html": {}}}}
    return {
        "/-/screen.json": {"get": screen_get, "post": screen_post},
        "/-/match": {"post": {
            "summary": "yente's /match: FollowTheMoney-shaped examples", "tags": ["screening"],
            "parameters": [
                _param("threshold", {"type": "number"}, "match is true from this score"),
                _param("cutoff", {"type": "number"}, "results from this score"),
                _param("limit", {"type": "integer"}),
                _param("include_dataset", {"type": "array", "items": {"type": "string"}},
                       "only these source keys", explode=True)],
            "requestBody": {"required": True,
                            "content": {JSON: {"schema": ref("YenteMatchRequest")}}},
            "responses": {"200": _json(ref("YenteMatchResponse"), "one response per example"),
                          **_errors(400, 404, 405, 408, 413, 503)}}},
        "/-/reconcile": {"get": reconcile, "post": reconcile_post},
        "/-/reconcile/suggest/{kind}": {"get": {
            "summary": "Auto-complete entities, types or properties", "tags": ["reconciliation"],
            "parameters": [_param("kind", {"enum": ["entity", "type", "property"]},
                                  where="path"),
                           _param("prefix", {"type": "string"}, "what was typed"),
                           _param("type", {"type": "string"}, "entities of this type only"),
                           CALLBACK],
            "responses": {"200": _json(ref("SuggestAnswer"), "the suggestions"),
                          **_errors(400, 404, 503)}}},
        "/-/reconcile/preview": {"get": {
            "summary": "A small HTML card of an entity", "tags": ["reconciliation"],
            "parameters": [_param("id", {"type": "string"}, required=True)],
            "responses": {**html, "404": {"description": "no such entity"}}}},
        "/-/reconcile/view": {"get": {
            "summary": "Redirect to an entity's page", "tags": ["reconciliation"],
            "parameters": [_param("id", {"type": "string"}, required=True)],
            "responses": {"302": {"description": "the entity's page"}, **_errors(400, 404)}}},
        "/-/healthz": {"get": {"summary": "The process answers", "tags": ["probes"],
                               "responses": {"200": _json(ref("Health"), "always")}}},
        "/-/readyz": {"get": {
            "summary": "The screening index is loaded; which build is served", "tags": ["probes"],
            "responses": {"200": _json(ref("Ready"), "ready"),
                          "503": _json(ref("Ready"), "not ready (ready is false)")}}},
        "/-/decide": {"post": {
            "summary": "Record a decision on a match (needs the server's token)",
            "tags": ["decisions"], "security": [{"token": []}, {"header": []}],
            "requestBody": {"required": True, "content": {
                JSON: {"schema": ref("Decision")},
                "application/x-www-form-urlencoded": {"schema": ref("Decision")}}},
            "responses": {"200": _json(ref("Decided"), "recorded"),
                          "303": {"description": "a form's post: back to the screening"},
                          **_errors(400, 401, 403, 404, 405, 413)}}},
        "/-/screen/upload": {"post": {
            "summary": "Screen a CSV or XLSX file in the background", "tags": ["screening"],
            "parameters": [_param("filename", {"type": "string"}, "names the file (its type)"),
                           *(p for p in SCREEN_PARAMS if p["name"] in (
                               "threshold", "limit", "program", "source"))],
            "requestBody": {"required": True, "content": {
                "text/csv": {}, "application/octet-stream": {}}},
            "responses": {"202": _json(ref("UploadJob"), "the job: poll its status_url"),
                          **_errors(400, 404, 405, 408, 413, 503)}}},
        "/-/screen/upload/{job}.json": {"get": {
            "summary": "An upload's progress", "tags": ["screening"],
            "parameters": [_param("job", {"type": "string", "pattern": "^[0-9a-f]{16}$"},
                                  where="path")],
            "responses": {"200": _json(ref("UploadJob"), "the job"), **_errors(404)}}},
        "/-/screen/upload/{job}.{format}": {"get": {
            "summary": "An upload's results", "tags": ["screening"],
            "parameters": [_param("job", {"type": "string"}, where="path"),
                           _param("format", {"enum": ["csv", "xlsx"]}, where="path")],
            "responses": {"200": {"description": "every input column, then the matches",
                                  "content": {"text/csv": {}, "application/vnd.openxmlformats-"
                                              "officedocument.spreadsheetml.sheet": {}}},
                          **_errors(404, 409)}}},
        "/-/screen": {"get": {"summary": "The screening form and its matches (HTML)",
                              "tags": ["pages"], "parameters": SCREEN_PARAMS,
                              "responses": html}},
        "/-/profile/{entity_id}": {"get": {
            "summary": "One entity, every list's record of it (HTML)", "tags": ["pages"],
            "parameters": [_param("entity_id", {"type": "string"}, where="path")],
            "responses": {**html, "404": {"description": "no such entity"}}}},
        "/-/changes.atom": {"get": {
            "summary": "The newest entity-level changes", "tags": ["pages"],
            "responses": {"200": {"description": "an Atom feed",
                                  "content": {"application/atom+xml": {}}}}}},
        "/-/openapi.json": {"get": {
            "summary": "This document", "tags": ["probes"],
            "responses": {"200": {"description": "OpenAPI 3.1",
                                  "content": {JSON: {"schema": {"type": "object"}}}},
                          **_errors(405)}}},
    }


def document(server: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "sanctions", "version": __version__,
                 "description": "Screening against official sanctions and designation lists "
                                "(the same service as the `sanctions` CLI). Every error is "
                                "`{\"ok\": false, \"error\": \"...\", \"status\": N}`."},
        "servers": [{"url": server}],
        "paths": paths(),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer"},
                "header": {"type": "apiKey", "in": "header", "name": "X-Sanctions-Token"}}},
    }


async def openapi_json(request: Request, datasette: Any) -> Response:
    if request.method not in ("GET", "HEAD"):
        return error("GET the document", 405)
    server = datasette.absolute_url(request, datasette.urls.path("/")).rstrip("/")
    return json_response(document(server))

"""The JSON Schemas of the plugin's answers and requests, for `/-/openapi.json` (openapi.py).

They describe what the views return (tests/test_openapi.py checks live answers against them):
objects are open (`additionalProperties` allowed) where a view echoes what the caller sent or
where a later version may add a field; closed where the shape is a contract (the error).
"""

from __future__ import annotations

from typing import Any

from .. import screening
from ..models import ENTITY_TYPES
from ..store.decisions import DECISIONS

BANDS = ["exact", "strong", "review", "weak"]
STR = {"type": "string"}
INT = {"type": "integer"}
NUM = {"type": "number"}
NULLABLE_STR = {"type": ["string", "null"]}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str], props: dict[str, Any], closed: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "required": required, "properties": props}
    if closed:
        schema["additionalProperties"] = False
    return schema


ENTITY_REF = obj(["entity_id", "source", "source_id", "name", "type"], {
    "entity_id": {**STR, "example": "ofac_sdn:22790"}, "source": STR, "source_id": STR,
    "name": STR, "type": {"enum": list(ENTITY_TYPES)},
    "programs": {"type": "array", "items": STR}, "listed_on": NULLABLE_STR,
    "reward_usd": {"type": ["number", "null"]}})

MATCH = {"allOf": [ENTITY_REF, obj(
    ["score", "band", "matched_name", "explanation", "related"], {
        "score": {**NUM, "minimum": 0, "maximum": 1},
        "band": {"enum": BANDS, "description": "exact from 0.99, strong from 0.90, review from "
                                               "the threshold (0.80 by default), weak below"},
        "matched_name": STR,
        "explanation": {"type": "object", "description": "each feature's finding by name",
                        "additionalProperties": obj(["score"], {"score": NUM, "detail": STR})},
        "related": {"type": "array", "items": ref("EntityRef"),
                    "description": "the same entity on other lists"}})]}

QUERY_PROPS: dict[str, Any] = {
    "id": {"description": "the caller's key, echoed"},
    "name": {**STR, "maxLength": screening.MAX_NAME_CHARS},
    "type": {"enum": list(ENTITY_TYPES)},
    "country": {**STR, "description": "ISO code or name"},
    "birth_date": {**STR, "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
    "imo": {**STR, "pattern": r"^(?i:imo\s*)?\d{7}$"},
    "identifier": {**STR, "maxLength": 64,
                   "description": "any listed ID number; at least 5 letters or digits"},
    "source": {"oneOf": [STR, {"type": "array", "items": STR}],
               "description": "source key(s): only their entities"},
    "program": {**STR, "description": "only entities under this program"},
    "threshold": {**NUM, "minimum": 0, "maximum": 1},
    "limit": {**INT, "minimum": 1, "maximum": screening.MAX_LIMIT},
}

DATA_VERSION = {"type": ["object", "null"], "description": "the data screened against: the "
                "build and each source's as-of date and content hash (null while loading)",
                "properties": {"build": NULLABLE_STR, "version": NULLABLE_STR,
                               "sources": {"type": "object", "additionalProperties": obj(
                                   ["as_of"], {"as_of": NULLABLE_STR, "sha256": NULLABLE_STR})}}}

SCREEN_RESULT = obj(["query", "matches"], {
    "query": {"type": "object", "description": "the query as sent, options left out"},
    "matches": {"type": "array", "items": ref("Match")},
    "error": {**STR, "description": "why this query could not be screened (a batch's row)"},
    "data_version": ref("DataVersion")})

YENTE_REQUEST = obj(["queries"], {
    "queries": {"type": "object", "additionalProperties": obj(["schema", "properties"], {
        "schema": {"enum": ["Thing", "LegalEntity", "Person", "Organization", "Company",
                            "PublicBody", "Vessel", "Airplane"]},
        "properties": {"type": "object", "additionalProperties": {
            "oneOf": [STR, {"type": "array", "items": STR}]}}})},
    "weights": {"type": "object", "description": "accepted, ignored"},
    "config": {"type": "object", "description": "accepted, ignored"}}, closed=True)

YENTE_RESPONSE = obj(["responses", "limit", "matcher"], {
    "responses": {"type": "object", "additionalProperties": obj(
        ["status", "results", "total", "query"], {
            "status": INT, "error": STR, "query": {"type": "object"},
            "total": obj(["value", "relation"], {"value": INT, "relation": STR}),
            "results": {"type": "array", "items": obj(
                ["id", "caption", "schema", "score", "match"], {
                    "id": STR, "caption": STR, "schema": STR, "score": NUM,
                    "match": {"type": "boolean"}, "band": {"enum": BANDS},
                    "properties": {"type": "object"}, "datasets": {"type": "array"},
                    "referents": {"type": "array"}})}})},
    "limit": INT, "matcher": {"type": "object"}, "data_version": ref("DataVersion")})

RECONCILE_CANDIDATE = obj(["id", "name", "score", "match", "type"], {
    "id": STR, "name": STR, "description": STR,
    "score": {**NUM, "minimum": 0, "maximum": 100, "description": "the screening score x 100"},
    "match": {"type": "boolean", "description": "the screening band is exact or strong"},
    "type": {"type": "array", "items": obj(["id", "name"], {"id": STR, "name": STR})},
    "features": {"type": "array", "items": obj(["id", "value"], {"id": STR, "value": NUM})}})

RECONCILE_ANSWER = {"oneOf": [
    {**obj(["versions", "name", "identifierSpace", "schemaSpace"], {
        "versions": {"type": "array", "items": STR}, "name": STR, "identifierSpace": STR,
        "schemaSpace": STR, "view": {"type": "object"}, "preview": {"type": "object"},
        "suggest": {"type": "object"}, "defaultTypes": {"type": "array"}}),
     "title": "the service manifest (no queries)"},
    {"type": "object", "title": "a result batch, by the queries' keys",
     "not": {"required": ["versions"]},
     "additionalProperties": obj(["result"], {
         "result": {"type": "array", "items": ref("ReconcileCandidate")},
         "error": {**STR, "description": "why this query could not be screened"}})}]}

SUGGEST = obj(["result"], {"result": {"type": "array", "items": obj(["id", "name"], {
    "id": STR, "name": STR, "description": STR, "notable": {"type": "array"}})}})

READY = obj(["ready"], {
    "ready": {"type": "boolean"}, "reason": STR, "database": STR,
    "built_at": NULLABLE_STR, "version": NULLABLE_STR, "sha256": STR, "generation": INT,
    "entities": INT, "swaps": INT, "queries_waiting": INT, "batches_in_progress": INT})

UPLOAD_JOB = obj(["job", "status", "rows", "screened", "status_url"], {
    "job": STR, "file": STR, "status": {"enum": ["queued", "screening", "done", "failed"]},
    "rows": INT, "screened": INT, "matched": INT, "row_errors": INT, "error": NULLABLE_STR,
    "status_url": STR, "csv": STR, "xlsx": STR})

SCHEMAS: dict[str, Any] = {
    "Error": obj(["ok", "error", "status"], {
        "ok": {"const": False}, "error": {**STR, "description": "one line, for people"},
        "status": {**INT, "description": "the HTTP status, repeated"}}, closed=True),
    "EntityRef": ENTITY_REF,
    "Match": MATCH,
    "Query": {**obj([], QUERY_PROPS), "description": "name, imo or identifier is required; any "
                                                     "other field is passed through and echoed"},
    "ScreenResult": SCREEN_RESULT,
    "ScreenBatch": obj(["queries"], {"queries": {
        "type": "array", "items": ref("Query"), "minItems": 1, "maxItems": 1000}}, closed=True),
    "ScreenBatchResult": obj(["results"], {
        "results": {"type": "array", "items": ref("ScreenResult")},
        "data_version": ref("DataVersion")}),
    "DataVersion": DATA_VERSION,
    "YenteMatchRequest": YENTE_REQUEST,
    "YenteMatchResponse": YENTE_RESPONSE,
    "ReconcileCandidate": RECONCILE_CANDIDATE,
    "ReconcileAnswer": RECONCILE_ANSWER,
    "SuggestAnswer": SUGGEST,
    "Health": obj(["ok"], {"ok": {"const": True}}, closed=True),
    "Ready": READY,
    "Decision": obj(["customer_key", "entity_id", "decision"], {
        "customer_key": STR, "entity_id": STR,
        "decision": {"enum": list(DECISIONS)}, "by": STR, "note": STR},
        closed=True),
    "Decided": obj(["ok", "decision"], {"ok": {"const": True}, "decision": {"type": "object"}}),
    "UploadJob": UPLOAD_JOB,
}

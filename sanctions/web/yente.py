"""`POST /-/match`: yente's `/match` request and response shapes over the same screening, so
code written for yente (OpenSanctions' API) can point here. docs/yente.md has the mapping and
its limits.

Each example (`{"schema": "Person", "properties": {"name": [...], ...}}`) becomes one query of
`POST /-/screen.json` per name, screened by sanctions.screening in the same lane, under the
same body, query-count and work limits; a name's matches are merged by entity (its best score
kept). A bad example is its own response's error (`"status": 400`), never the request's. The
answer carries the data version (build id, each list's as-of date and content hash) at the top.

An example's key is its customer key, as a query's `id` is in `/-/screen.json`: the decisions
recorded for it are applied the same way (sanctions.web.review), so a result carries its
`decision`, and a decided false positive whose record is unchanged is no `match`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from datasette.utils.asgi import Request, Response

from .. import screening
from ..identifiers import identifier_key
from .api import (
    MAX_QUERIES,
    BadRequest,
    check_budget,
    check_size,
    json_response,
    read_body,
    refused,
    screen,
)
from .lane import Busy
from .limits import limits
from .live import indexed_state

# yente schemata and the entity type they ask for (None: any type)
SCHEMA_TYPES: dict[str, str | None] = {
    "Thing": None, "LegalEntity": None, "Person": "person", "Organization": "organization",
    "Company": "organization", "PublicBody": "organization", "Vessel": "vessel",
    "Airplane": "aircraft"}
# and back, for a result
TYPE_SCHEMA = {"person": "Person", "organization": "Organization", "vessel": "Vessel",
               "aircraft": "Airplane"}
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
PART_PROPS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction")
# FtM identifier properties, in the order the first value found becomes `identifier`: one per
# query, as for the other fields (a second number would double the work for little gain)
ID_PROPS = ("idNumber", "passportNumber", "registrationNumber", "taxNumber", "innCode",
            "ogrnCode", "okpoCode", "vatCode", "leiCode", "dunsCode", "swiftBic", "mmsi",
            "serialNumber")
MAX_NAMES = 10  # names per example: each is one screening
BODY_KEYS = {"queries", "weights", "config"}  # yente's; weights and config are ignored


class Example:
    """One yente example as screening queries (one per name), or the reason it cannot be."""

    def __init__(self, key: str, example: Any, options: Mapping[str, Any]) -> None:
        self.key = key
        self.example = example
        self.queries: list[dict[str, Any]] = []
        self.error: str | None = None
        try:
            self.queries = _queries(example, {**options, "id": key})
        except screening.QueryError as exc:
            self.error = str(exc)


def _values(props: Mapping[str, Any], name: str) -> list[str]:
    value = props.get(name)
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else None
    if values is None and value is not None:
        raise screening.QueryError(f"properties.{name} must be a string or a list of strings")
    if not all(isinstance(v, str) for v in values or ()):
        raise screening.QueryError(f"properties.{name} must be a string or a list of strings")
    return [v.strip() for v in values or () if v.strip()]


def _first(props: Mapping[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        found = _values(props, name)
        if found:
            return found[0]
    return None


def _identifier(props: Mapping[str, Any]) -> str | None:
    # yente takes any number; one too short to compare (under 5 letters or digits) is skipped
    # rather than failing the example, as the other properties we do not use are
    for name in ID_PROPS:
        for value in _values(props, name):
            if len(value) <= 64 and len(identifier_key(value)) >= 5:
                return value
    return None


def _queries(example: Any, options: Mapping[str, Any]) -> list[dict[str, Any]]:
    if not isinstance(example, dict):
        raise screening.QueryError("an example must be an object with schema and properties")
    schema = example.get("schema")
    if schema not in SCHEMA_TYPES:
        raise screening.QueryError(
            f"schema must be one of {', '.join(SCHEMA_TYPES)}, not {json.dumps(schema)[:40]}")
    props = example.get("properties")
    if not isinstance(props, dict):
        raise screening.QueryError("properties must be an object")
    names = list(dict.fromkeys(n for p in NAME_PROPS for n in _values(props, p)))
    parts = " ".join(v for p in PART_PROPS for v in _values(props, p)[:1])
    if not names and parts:
        names = [parts]
    if len(names) > MAX_NAMES:
        raise screening.QueryError(f"at most {MAX_NAMES} names per example, got {len(names)}")
    base = {"type": SCHEMA_TYPES[schema], "country": _first(props, COUNTRY_PROPS),
            "birth_date": _first(props, ("birthDate",)), "imo": _first(props, ("imoNumber",)),
            "identifier": _identifier(props), **options}
    queries = [{"name": n, **base} for n in names] or [base]
    for q in queries:
        screening.parse(q)  # the service's own validation and error text
    return queries


def _options(args: Any) -> tuple[dict[str, Any], float]:
    """yente's query parameters as screening options, and the score a result must reach to be
    a `match`: results come back from the lower of `cutoff` and `threshold` (as in yente),
    `match` is true from `threshold` (default: ours, 0.80)."""
    default = screening.DEFAULT_CONFIG.threshold
    try:
        opts = screening.parse_options({"threshold": args.get("threshold"),
                                        "limit": args.get("limit")})
        cutoff = screening.parse_options({"threshold": args.get("cutoff")}).threshold
    except screening.QueryError as exc:
        raise BadRequest(str(exc)) from None
    threshold = default if opts.threshold is None else opts.threshold
    floor = min(threshold, default if cutoff is None else cutoff)
    options: dict[str, Any] = {"threshold": floor, "limit": opts.limit}
    datasets = args.getlist("include_dataset") if hasattr(args, "getlist") else []
    if datasets:
        options["source"] = datasets
    try:
        screening.parse({"name": "x", **options})
    except screening.QueryError as exc:
        raise BadRequest(f"include_dataset: {exc}") from None
    return options, threshold


def parse_match(body: bytes, options: Mapping[str, Any], budget: int) -> list[Example]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise BadRequest('body must be JSON: {"queries": {"key": {"schema": "Person", '
                         '"properties": {"name": ["..."]}}}}') from None
    if not isinstance(data, dict) or not isinstance(data.get("queries"), dict):
        raise BadRequest('body must be a JSON object with a "queries" object')
    extra = sorted(set(data) - BODY_KEYS)
    if extra:
        raise BadRequest(f"unknown field(s) {', '.join(map(ascii, extra[:5]))}; "
                         f"expected {', '.join(sorted(BODY_KEYS))}")
    check_size(len(data["queries"]))
    examples = [Example(k, v, options) for k, v in data["queries"].items()]
    names = sum(len(e.queries) for e in examples)
    if names > MAX_QUERIES:  # each name is one screening in the lane, as one /-/screen.json query
        raise BadRequest(f"at most {MAX_QUERIES:,} names per request, got {names:,}")
    check_budget(sum(len(e.queries) for e in examples) * int(options["limit"]), budget)
    return examples


def _result(match: Mapping[str, Any], threshold: float) -> dict[str, Any]:
    explanation = match.get("explanation") or {}
    related = match.get("related") or []
    props: dict[str, list[Any]] = {"name": [match["name"]]}
    if match.get("programs"):
        props["program"] = list(match["programs"])
    if match.get("listed_on"):
        props["listingDate"] = [match["listed_on"]]
    return {
        "id": match["entity_id"], "caption": match["name"],
        "schema": TYPE_SCHEMA.get(match["type"], "LegalEntity"), "properties": props,
        "datasets": list(dict.fromkeys([match["source"], *(r["source"] for r in related)])),
        "referents": [r["entity_id"] for r in related], "target": True,
        "first_seen": None, "last_seen": None, "last_change": None,
        "score": match["score"],
        # a decided false positive, unchanged since the decision, does not alarm
        "match": match["score"] >= threshold and match.get("decision", {}).get("alarm", True),
        "features": {k: v["score"] for k, v in explanation.items()
                     if isinstance(v, dict) and isinstance(v.get("score"), int | float)},
        "explanations": explanation,
        # ours, beyond yente's shape: the band and the name that matched
        "band": match["band"], "matched_name": match["matched_name"],
        **({"decision": match["decision"]} if "decision" in match else {})}


def _response(example: Example, answers: list[dict[str, Any]], threshold: float,
              limit: int) -> dict[str, Any]:
    query = example.example if isinstance(example.example, dict) else {}
    if example.error is not None:
        return {"status": 400, "error": example.error, "results": [],
                "total": {"value": 0, "relation": "eq"}, "query": query}
    best: dict[str, dict[str, Any]] = {}
    for answer in answers:
        for m in answer["matches"]:
            if m["entity_id"] not in best or m["score"] > best[m["entity_id"]]["score"]:
                best[m["entity_id"]] = m
    ranked = sorted(best.values(), key=lambda m: (-m["score"], m["entity_id"]))[:limit]
    return {"status": 200, "results": [_result(m, threshold) for m in ranked],
            "total": {"value": len(ranked), "relation": "eq"}, "query": query}


async def match(request: Request, datasette: Any) -> Response:
    try:
        if request.method != "POST":
            raise BadRequest('POST a JSON body: {"queries": {"key": {"schema": ..., '
                             '"properties": ...}}}', 405)
        options, threshold = _options(request.args)
        examples = parse_match(await read_body(request), options,
                               limits(datasette).work_budget)
        fields = [q for e in examples for q in e.queries]
        state = await indexed_state(datasette)
        texts = await screen(datasette, state, fields, True)
        answers = [json.loads(t) for t in texts]
        responses, at = {}, 0
        for e in examples:
            n = len(e.queries)
            responses[e.key] = _response(e, answers[at:at + n], threshold, options["limit"])
            at += n
        return json_response({"responses": responses, "limit": options["limit"],
                              "matcher": {"name": "sanctions", "threshold": threshold},
                              # ours, beyond yente's shape: which build and lists answered
                              "data_version": screening.data_version(state.index)})
    except (BadRequest, LookupError, Busy) as exc:
        return refused(exc)

"""The JSON screening API: `GET /-/screen.json?name=...` and `POST /-/screen.json`, and the
probes `GET /-/healthz` (the process answers) and `GET /-/readyz` (the index is loaded; which
build is served).

Both call `sanctions.screening`, as the CLI and the library do, so the same query gets the same
answer and the same error text. A POST's queries carry any passthrough fields (`id` among them),
echoed in their results, which come back in input order; a bad query is its own result's
`error`, the others are answered. A bad request (a bad GET query; a body that is not JSON, has
no "queries" list, too many queries or too much work) is a 4xx
`{"ok": false, "error": "...", "status": N}`, never a 500; a server too busy to answer in time
says so with a 503. Queries run in the matcher's lane (sanctions.web.lane), each answer
serialised there too, off the event loop. `POST /-/match` (yente's shape, yente.py) uses the
same batch machinery. Every answer carries `data_version` (the build id, each list's as-of date
and content hash) once, at its top; a query with an `id` gets the decisions recorded for that
customer key on its matches (sanctions.web.review).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any
from urllib.parse import unquote
from weakref import WeakKeyDictionary

from datasette.utils.asgi import Request, Response

from .. import screening
from ..answer import answer as answer_text
from ..answer import sendable
from ..display import is_text
from ..screening import Parsed
from .guard import MAX_BODY_BYTES, BodyTimeout, BodyTooLarge, json_bytes
from .lane import LANE, Busy, lane_status
from .limits import limits
from .live import get_live, indexed_state
from .review import review
from .state import RECENT_NAMES, State

MAX_QUERIES = 1000


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


_BLANK: dict[str, Any] = dict.fromkeys(k for k in screening.FIELDS if k != "source")


def _decoded(part: str) -> str:
    """A query string's key or value as parse_qsl decodes it: "+" a space, %-escapes read as
    UTF-8 (an invalid one replaced)."""
    if "+" in part:
        part = part.replace("+", " ")
    return unquote(part) if "%" in part else part


def query_fields(args: Any) -> dict[str, Any]:
    """A query string's screening fields (`source` may repeat). `args`: Datasette's
    request.args, or the query string itself, read in one pass as parse_qsl(keep_blank_values)
    reads it: the same fields (each the first value given, None when absent), with less of the
    server's time per request than request.args, which looks each field up by catching an
    exception when it is absent, or parse_qsl, which decodes every key and value."""
    if isinstance(args, str):
        sources: list[str] = []
        fields: dict[str, Any] = {**_BLANK, "source": sources}
        for pair in args.split("&") if args else ():
            if not pair:
                continue
            key, _, value = pair.partition("=")  # no "=": a blank value, as parse_qsl gives
            key = _decoded(key)
            if key == "source":
                sources.append(_decoded(value))
            elif key in fields and fields[key] is None:
                fields[key] = _decoded(value)
        return fields
    fields = {k: args.get(k) for k in screening.FIELDS if k != "source"}
    fields["source"] = args.getlist("source") if hasattr(args, "getlist") else args.get("source")
    return fields


def check(fields: Mapping[str, Any], where: str = "") -> Parsed:
    """Validate a query before any is run, so a bad one fails the request with a 400; the
    query and options it gives go with it to the worker, which does not parse it again."""
    try:
        return screening.parse(fields)
    except screening.QueryError as exc:
        raise BadRequest(f"{where}{exc}") from None


def _shown(key: str) -> str:
    """A client's field name in an error line: short, and printable whatever it was."""
    return ascii(key)[1:-1] if len(key) <= 40 else ascii(key[:40])[1:-1] + "..."


class Batch:
    """A POST's queries, each either to be screened (`fields`) or already answered with its
    error (`errors[i]`, the result's JSON text): a bad query costs its own row, not the batch."""

    def __init__(self) -> None:
        self.fields: list[dict[str, Any]] = []
        self.parsed: list[Parsed | None] = []  # each query's parse, None for an error row
        self.errors: dict[int, str] = {}
        self.work = 0  # the sum of the screened queries' limits

    def add(self, query: Any) -> None:
        """Validate one query object: over HTTP each one is an explicit request, so its own
        `threshold`, `limit`, `source` and `program` ARE its options (unlike a customer file's
        columns of those names, which sanctions.screening.screen_record passes through); any
        other key is passthrough, echoed back in the result's query."""
        i = len(self.fields)
        self.parsed.append(None)
        if not isinstance(query, dict):
            self.fail(i, {}, f"a query must be an object, not {_json_type(query)}")
            return
        self.fields.append(query)
        if isinstance(query.get("id"), str) and not is_text(query["id"]):
            self.fail(i, query, "id is not valid text (it has an unpaired surrogate)")
            return
        try:
            parsed = self.parsed[i] = screening.parse(query)
            self.work += parsed[1].limit
        except screening.QueryError as exc:
            self.fail(i, query, str(exc))

    def fail(self, i: int, query: Mapping[str, Any], message: str) -> None:
        if len(self.fields) == i:
            self.fields.append({})
        result = {"query": echo(query), "matches": [], "error": message}
        self.errors[i] = json_bytes(result).decode("utf-8")


def echo(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A query as its result shows it: what the caller sent, the options and blanks left out
    (as sanctions.screening.screen_fields echoes a screened one)."""
    return {k: v for k, v in fields.items() if k not in screening.OPTION_FIELDS and v is not None}


def _json_type(value: Any) -> str:
    names = {str: "a string", bool: "a boolean", int: "a number", float: "a number",
             list: "a list", type(None): "null"}
    return names.get(type(value), "a value")


def check_size(count: int, what: str = "queries") -> None:
    if not count:
        raise BadRequest(f"{what} is empty")
    if count > MAX_QUERIES:
        raise BadRequest(f"at most {MAX_QUERIES:,} queries per request, got {count:,}")


def check_budget(work: int, budget: int) -> None:
    if work > budget:
        raise BadRequest(
            f"this batch asks for up to {work:,} matches (the sum of each query's limit, "
            f"{screening.DEFAULT_LIMIT} by default); at most {budget:,} per request: "
            "send fewer queries or a lower limit", 413)


def parse_batch(body: bytes, budget: int) -> Batch:
    """A POST /-/screen.json body. What is wrong with the request as a whole (not JSON, no
    "queries" list, an unknown top-level field, too many queries, too much work) is a 4xx;
    what is wrong with one query is that query's error."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise BadRequest('body must be JSON: {"queries": [{"name": "..."}, ...]}') from None
    if not isinstance(data, dict) or not isinstance(data.get("queries"), list):
        raise BadRequest('body must be a JSON object with a "queries" list')
    extra = sorted(set(data) - {"queries"})
    if extra:
        raise BadRequest(f"unknown field(s) {', '.join(map(_shown, extra[:5]))}; "
                         "expected queries")
    queries = data["queries"]
    check_size(len(queries))
    batch = Batch()
    for q in queries:
        batch.add(q)
    check_budget(batch.work, budget)
    return batch


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, refusing more than `limit` bytes before reading them all (the
    receive() it reads from is timed by sanctions.web.guard)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and len(declared) < 20 and int(declared) > limit:
        raise BadRequest(f"body is larger than {limit:,} bytes", 413)
    chunks: list[bytes] = []
    size = 0
    more = True
    try:
        while more:
            message = await request.receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise BadRequest(f"body is larger than {limit:,} bytes", 413)
            chunks.append(chunk)
            more = message.get("more_body", False)
    except (BodyTimeout, BodyTooLarge) as exc:
        raise BadRequest(str(exc.args[0]), exc.status) from None
    return b"".join(chunks)


_VERSION_TEXT: WeakKeyDictionary[Any, str] = WeakKeyDictionary()


def version_json(state: State) -> str:
    """The data version of the index `state` serves, as JSON text (null while loading); made
    once per index, since every answer carries it."""
    if state.index is None:
        return "null"
    text = _VERSION_TEXT.get(state.index)
    if text is None:
        text = _VERSION_TEXT[state.index] = json_bytes(
            screening.data_version(state.index)).decode("utf-8")
    return text


async def screen(datasette: Any, state: State, queries: list[dict[str, Any]],
                 batch: bool, errors: Mapping[int, str] | None = None,
                 keys: list[str] | None = None,
                 parsed: Sequence[Parsed | None] | None = None) -> list[str]:
    """Validated queries' answers (JSON texts) against `state`'s index: those already given
    are remembered, the others screened in the lane (a batch a query at a time). `errors`:
    the answers of the queries that failed validation, by position (not screened). `keys`:
    the queries' keys in the answer cache, when the caller has cheaper ones than their JSON
    (a GET's fields, always the same keys in the same order: their repr). Decisions of the
    queries' customer keys are applied to the answers, and they are audited if asked.
    `parsed`: each query's screening.parse when the caller validated it (`check`, Batch), so
    the worker screens it without parsing it again."""
    errors = errors or {}
    if keys is None:
        keys = [json.dumps(q, sort_keys=True, ensure_ascii=True, default=str) for q in queries]
    answers = [errors.get(i) or state.answer(k) for i, k in enumerate(keys)]
    todo = [i for i, a in enumerate(answers) if a is None]
    if todo:
        RECENT_NAMES.extend(n for i in todo[:50] if isinstance(n := queries[i].get("name"), str))
        lim = limits(datasette)
        given = parsed or [None] * len(queries)
        items: list[Callable[[], str]] = [
            partial(answer_text, state, queries[i], None if (p := given[i]) is None
                    else sendable(p)) for i in todo]
        done = await LANE.run(items, batch=batch,
                              seconds=lim.batch_seconds if batch else lim.single_wait_seconds)
        for i, answer in zip(todo, done, strict=True):
            answers[i] = answer
            state.remember(keys[i], answer)
    return await review(state, queries, [a for a in answers if a is not None])


def refused(exc: BadRequest | LookupError | Busy) -> Response:
    """The answer to a request the service turned down: its 4xx, 404 when no database is being
    served, or 503 with Retry-After when the matcher is too busy to answer in time."""
    if isinstance(exc, BadRequest):
        return error(str(exc), exc.status)
    if isinstance(exc, Busy):
        response = error(str(exc), 503)
        response.headers["Retry-After"] = "5"
        return response
    return error(str(exc), 404)


def error(message: str, status: int = 400) -> Response:
    return json_response({"ok": False, "error": message, "status": status}, status)


def json_response(data: Any, status: int = 200) -> Response:
    return Response(json_bytes(data), status=status, content_type="application/json; charset=utf-8")


def _text_response(text: str) -> Response:
    return Response(text.encode("utf-8"), content_type="application/json; charset=utf-8")


async def screen_json(request: Request, datasette: Any) -> Response:
    try:
        if request.method not in ("GET", "POST"):
            raise BadRequest("use GET with ?name=... or POST a JSON body", 405)
        if request.method == "GET":
            fields = query_fields(request.query_string)
            parsed = check(fields)
            state = await indexed_state(datasette)
            # its key: the repr of text, None and a list of text in a fixed order, which no
            # POST query's key (JSON) can equal
            [answer] = await screen(datasette, state, [fields], False, keys=[repr(fields)],
                                    parsed=[parsed])
            # the library's result: the answer with its data version last, spliced in as text
            return _text_response(answer[:-1] + ', "data_version": ' + version_json(state) + "}")
        batch = parse_batch(await read_body(request), limits(datasette).work_budget)
        state = await indexed_state(datasette)
        answers = await screen(datasette, state, batch.fields, True, batch.errors,
                               parsed=batch.parsed)
        # the same bytes json.dumps({"results": [...], "data_version": ...}) would give
        return _text_response('{"results": [' + ", ".join(answers) + '], "data_version": '
                              + version_json(state) + "}")
    except (BadRequest, LookupError, Busy) as exc:
        return refused(exc)


async def healthz(request: Request, datasette: Any) -> Response:
    return json_response({"ok": True})


async def readyz(request: Request, datasette: Any) -> Response:
    live = await get_live(datasette)
    if live is None:
        return json_response({"ready": False, "reason": "no sanctions database is being served"},
                             503)
    state = live.state
    # the index loaded here and in the worker processes (or they are not worth waiting for)
    ready = state.index is not None and LANE.workers_settled()
    reason = ("loading the screening index" if state.index is None
              else "starting the worker processes")
    body = {"ready": ready, **({} if ready else {"reason": reason}),
            **state.describe(), "swaps": live.swaps, **lane_status()}
    return json_response(body, 200 if ready else 503)

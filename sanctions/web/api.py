"""The JSON screening API: `GET /-/screen.json?name=...` and `POST /-/screen.json`.

Both call `sanctions.screening`, as the CLI and the library do, so the same query gets the same
answer and the same error text. Bad input is a 4xx `{"ok": false, "error": "...", "status": N}`,
never a 500.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from datasette.utils.asgi import Request, Response

from .. import screening
from .state import get_state

MAX_QUERIES = 1000
MAX_BODY_BYTES = 4_000_000  # 1,000 queries of long names fit with room to spare
# The matcher runs in this one thread: the event loop keeps serving while a query is scored,
# and the index's caches are only ever touched from one thread.
_SCREEN_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sanctions-screen")


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def query_fields(args: Any) -> dict[str, Any]:
    """A query string's screening fields (`source` may repeat)."""
    fields: dict[str, Any] = {k: args.get(k) for k in screening.FIELDS if k != "source"}
    fields["source"] = args.getlist("source") if hasattr(args, "getlist") else args.get("source")
    return fields


def check(fields: Mapping[str, Any], where: str = "") -> None:
    """Validate a query before any is run, so a bad one fails the request with a 400."""
    try:
        screening.parse(fields)
    except screening.QueryError as exc:
        raise BadRequest(f"{where}{exc}") from None


async def screen_off_loop(path: str, queries: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Run validated queries in the matcher thread."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        _SCREEN_THREAD, lambda: [screening.screen_fields(q, path) for q in queries])


def parse_batch(body: bytes) -> list[dict[str, Any]]:
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
    for i, q in enumerate(queries):
        if not isinstance(q, dict):
            raise BadRequest(f"queries[{i}] must be an object")
        unknown = sorted(set(q) - set(screening.FIELDS))
        if unknown:
            raise BadRequest(f"queries[{i}]: unknown field(s) {', '.join(unknown)}; "
                             f"expected {', '.join(screening.FIELDS)}")
        check(q, f"queries[{i}]: ")
    return queries


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
    return Response(json.dumps(data, ensure_ascii=False, default=str), status=status,
                    content_type="application/json; charset=utf-8")


async def screen_json(request: Request, datasette: Any) -> Response:
    try:
        if request.method not in ("GET", "POST"):
            raise BadRequest("use GET with ?name=... or POST a JSON body", 405)
        state = await get_state(datasette)
        if state is None:
            raise BadRequest("no sanctions database is being served", 404)
        if request.method == "GET":
            fields = query_fields(request.args)
            check(fields)
            [result] = await screen_off_loop(state.path, [fields])
            return json_response(result)
        queries = parse_batch(await read_body(request))
        return json_response({"results": await screen_off_loop(state.path, queries)})
    except BadRequest as exc:
        return error(str(exc), exc.status)

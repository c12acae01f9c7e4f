"""CORS on the plugin's routes under Datasette's `--cors` (`sanctions serve --cors`).

Datasette adds its CORS headers in its own views only; the plugin's routes (the JSON API,
`/-/match`, `/-/reconcile`, `/-/openapi.json`, ...) answer through other code, and a browser's
preflight (OPTIONS, sent before a JSON POST from another origin) got a 405. With `--cors` this
middleware answers the preflight with 204 and the allowed methods and headers, and puts the
headers Datasette would (Allow-Origin *, ...) on every answer of a plugin route. Without
`--cors`, nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from .fast import route_path
from .guard import ASGIApp, Message, Scope

HEADERS = {
    b"access-control-allow-origin": b"*",
    b"access-control-allow-headers": b"Authorization, Content-Type",
    b"access-control-expose-headers": b"Link, Retry-After",
}
PREFLIGHT = {
    **HEADERS,
    b"access-control-allow-methods": b"GET, POST, OPTIONS",
    b"access-control-max-age": b"3600",
}


def cors(datasette: Any, routes: Iterable[str]) -> Callable[[ASGIApp], ASGIApp]:
    """`routes`: the plugin's route patterns (as register_routes gives them)."""
    patterns = [re.compile(r) for r in routes]

    def wrap(app: ASGIApp) -> ASGIApp:
        async def with_cors(scope: Scope, receive: Callable[[], Awaitable[Message]],
                            send: Callable[[Message], Awaitable[None]]) -> None:
            if scope["type"] != "http" or not datasette.cors or not any(
                    p.match(route_path(datasette, scope)) for p in patterns):
                await app(scope, receive, send)
                return
            if scope["method"] == "OPTIONS":
                await send({"type": "http.response.start", "status": 204,
                            "headers": [*PREFLIGHT.items(), (b"content-length", b"0")]})
                await send({"type": "http.response.body", "body": b""})
                return

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    present = {k.lower() for k, _ in message.get("headers", [])}
                    message = {**message, "headers": [
                        *message.get("headers", []),
                        *((k, v) for k, v in HEADERS.items() if k not in present)]}
                await send(message)

            await app(scope, receive, send_with_headers)

        return with_cors

    return wrap


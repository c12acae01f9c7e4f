"""The screening API and the probes answered straight from ASGI, before Datasette's stack.

Datasette spends about three quarters of a cached screening answer's CPU time on what these
routes do not use (a fresh CSRF secret signed per request, the route table, argument
inspection); with 50 clients on one core that decides the latency. The views are the same as
the routes registered with Datasette; an unexpected error gets the same one-line 500.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from datasette.utils.asgi import Request, Response

from .api import healthz, readyz, screen_json
from .guard import ASGIApp, Message, Scope, internal_error, json_bytes
from .yente import match

VIEWS: dict[str, Callable[[Request, Any], Awaitable[Response]]] = {
    "/-/screen.json": screen_json, "/-/match": match, "/-/healthz": healthz,
    "/-/readyz": readyz}


def fast_routes(datasette: Any) -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        async def routed(scope: Scope, receive: Callable[[], Awaitable[Message]],
                         send: Callable[[Message], Awaitable[None]]) -> None:
            view = VIEWS.get(route_path(datasette, scope)) if scope["type"] == "http" else None
            if view is None:
                await app(scope, receive, send)
                return
            request = Request(scope, receive)
            try:
                response = await view(request, datasette)
            except Exception as exc:
                response = await _failed(datasette, request, exc)
            await response.asgi_send(send)

        return routed

    return wrap


def route_path(datasette: Any, scope: Scope) -> str:
    """The request's path as the plugin's routes see it: without the `base_url` prefix."""
    path: str = scope["path"]
    base_url = datasette.setting("base_url")
    if base_url != "/" and path.startswith(base_url):
        path = "/" + path[len(base_url):]
    return path


async def _failed(datasette: Any, request: Request, exc: Exception) -> Response:
    handler = internal_error(datasette, request, exc)
    if handler is not None:
        response: Response = await handler()
        return response
    status = getattr(exc, "status", 400)  # a Datasette 4xx: its status and message
    return Response(json_bytes({"ok": False, "error": str(exc), "status": status}),
                    status=status, content_type="application/json; charset=utf-8")

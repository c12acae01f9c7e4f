"""What protects the server from its clients on every route, Datasette's and the plugin's: a
request body must arrive in time and within a size, and an unexpected error is one logged line
and a plain 500 for the client, never a traceback.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from datasette.utils.asgi import Base400, Request, Response

from ..answer import json_bytes as json_bytes  # the plugin's views encode as the workers do
from .limits import limits
from .log import log

MAX_BODY_BYTES = 4_000_000  # 1,000 queries of long names fit with room to spare
INTERNAL = "internal error: the server could not answer this request (it has been logged)"


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                   Awaitable[None]]


def quiet_default_handler() -> None:
    """Datasette's default handler prints every exception, 404s included, with rich and all
    local variables: a 4,000-digit number or a 4 MB body in a local froze the event loop for
    21.7 s. The plain traceback it also prints for a 500 is enough. (Called at startup: imported
    while the plugin itself is, datasette.plugins would load a half-imported plugin.)"""
    setattr(importlib.import_module("datasette.handle_exception"), "rich", None)  # noqa: B010


class BodyTimeout(Base400):  # type: ignore[misc]
    status = 408


class BodyTooLarge(Base400):  # type: ignore[misc]
    status = 413


def body_guard(datasette: Any) -> Callable[[ASGIApp], ASGIApp]:
    """ASGI middleware: the request body in at most `body_seconds`, with no gap longer than
    `body_idle_seconds` and at most MAX_BODY_BYTES; else BodyTimeout / BodyTooLarge is raised
    from `receive`, which the reader (a view, or Datasette) answers 408 / 413."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def guarded(scope: Scope, receive: Callable[[], Awaitable[Message]],
                          send: Callable[[Message], Awaitable[None]]) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            lim = limits(datasette)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + lim.body_seconds
            size, done = 0, False

            async def timed_receive() -> Message:
                nonlocal size, done
                if done:  # the body is in: what follows is the disconnect, whenever it comes
                    return await receive()
                left = deadline - loop.time()
                try:
                    message = await asyncio.wait_for(
                        receive(), max(0.0, min(lim.body_idle_seconds, left)))
                except TimeoutError:
                    raise BodyTimeout(
                        f"the request body did not arrive within {lim.body_seconds:g} s"
                        if left <= lim.body_idle_seconds else
                        f"the request body stalled for {lim.body_idle_seconds:g} s") from None
                size += len(message.get("body", b""))
                if size > MAX_BODY_BYTES:
                    raise BodyTooLarge(f"body is larger than {MAX_BODY_BYTES:,} bytes")
                done = message.get("type") != "http.request" or not message.get("more_body")
                return message

            await app(scope, timed_receive, send)

        return guarded

    return wrap


def internal_error(datasette: Any, request: Request, exception: BaseException) -> Any:
    """The plugin's handle_exception: Datasette's 4xx as Datasette renders them; anything else
    a 500 saying only that it failed, and one line in the log."""
    from datasette.views.base import DatasetteError  # see quiet_default_handler

    if isinstance(exception, DatasetteError) and exception.status == 500:
        # Datasette's own deliberate errors about the request ("Cannot sort table by x") come
        # as 500s; they are the client's: the default handler renders them, as 400s.
        exception.status = 400
    if isinstance(exception, Base400 | DatasetteError):
        return None
    detail = " ".join(str(exception).split())[:300]
    log(f"500 on {request.method} {request.path[:200]}: {type(exception).__name__}: {detail}")

    async def inner() -> Response:
        body = {"ok": False, "error": INTERNAL, "status": 500}
        if request.path.endswith((".json", ".atom")):
            return Response(json_bytes(body), status=500,
                            content_type="application/json; charset=utf-8")
        try:
            html = await datasette.render_template("error.html", {**body, "title": None},
                                                   request=request)
        except Exception:  # the error page itself failed: plain text still tells the client
            return Response.text(INTERNAL, status=500)
        return Response.html(html, status=500)

    return inner

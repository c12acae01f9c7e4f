"""`sanctions serve` without `--access-log`: uvicorn writes no line per request.

Each line costs the event loop about a tenth of a millisecond, and a screening API's query
strings are customers' names, which do not belong in a log. `sanctions serve` registers this
plugin (sanctions.web.serve); `datasette serve` with the plugin keeps Datasette's own logging.
Uvicorn sets its loggers up after Datasette's startup hooks and before the ASGI lifespan
starts, so they are quietened there.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from datasette.hookspecs import hookimpl

from .guard import ASGIApp, Message, Scope


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        async def quiet(scope: Scope, receive: Callable[[], Awaitable[Message]],
                        send: Callable[[Message], Awaitable[None]]) -> None:
            if scope["type"] == "lifespan":
                access = logging.getLogger("uvicorn.access")
                access.handlers.clear()
                access.propagate = False  # no handler: uvicorn skips the line altogether
            await app(scope, receive, send)

        return quiet

    return wrap

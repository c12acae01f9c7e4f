"""The declarations' lines `sanctions serve` shows (sanctions.sources.lines), read in a forked
process while the server imports Datasette.

Reading them imports every source module: about 30 ms of CPU, which the server's start used to
spend on its one busy core just before it wrote its metadata. `read_ahead` forks a process that
reads them on the other core, next to the worker processes (while no other thread runs), and
sends them back as JSON through a pipe; `declarations` takes that. A process that did not start
(no fork on this platform) or failed is no error: the lines are then read here, by the same
functions, as before; and a process that never started a read-ahead (a test's Datasette, a
library caller) reads them each time it asks, as before.
"""

from __future__ import annotations

import json
import os
from typing import Any

_ahead: list[tuple[int, int]] = []  # the forked reader: (process id, the pipe's read end)
_taken: list[dict[str, Any]] = []  # what it sent, once taken (the server's whole life)


def read_ahead() -> None:
    """Fork the reader (the server's start, while no other thread runs)."""
    if _ahead or _taken or not hasattr(os, "fork"):
        return
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return
    if pid == 0:  # the reader: read, send, and end without the server's exit handlers
        status = 1
        try:
            os.close(read)
            from ..sources.lines import declared

            # a few kilobytes: the pipe holds them whether or not the server reads them
            with os.fdopen(write, "wb") as out:
                out.write(json.dumps(declared()).encode("utf-8"))
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    _ahead.append((pid, read))


def _receive(pid: int, read: int) -> dict[str, Any] | None:
    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    try:
        _, status = os.waitpid(pid, 0)
        found = json.loads(data) if status == 0 else None
    except (OSError, ValueError):
        return None
    ok = isinstance(found, dict) and {"sources", "licences", "short"} <= found.keys()
    return found if ok else None


def declarations() -> dict[str, Any]:
    """sanctions.sources.lines.declared(): what the reader sent when one was started (kept
    for the server's life: the declarations are its code's), else read now."""
    while _ahead and not _taken:
        found = _receive(*_ahead.pop())
        if found is not None:
            _taken.append(found)
    if _taken:
        return _taken[0]
    from ..sources.lines import declared

    return declared()

"""The server's one-line messages: standard error, each line named `sanctions:` and flushed at
once (a swap, a refused build, a worker that cannot start are read as they happen)."""

from __future__ import annotations

import sys


def log(message: str) -> None:
    print(f"sanctions: {message}", file=sys.stderr, flush=True)

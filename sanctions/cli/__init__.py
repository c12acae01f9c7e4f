"""The `sanctions` command: a thin typer shell over the library (see `app`).

`main` is the entry point (the console script, `python -m sanctions`, `python -m sanctions.cli`).
Exit status 1 means "a match was found" to `sanctions screen`, so nothing else may end with it:
an unexpected exception is one line on stderr and exit status 3.
"""

from __future__ import annotations

import os
import sys

from .app import app

__all__ = ["EXIT_INTERNAL", "app", "main"]

EXIT_INTERNAL = 3


def main() -> None:
    # typer runs in standalone mode: usage errors (2), --help (0), typer.Exit codes and Ctrl-C
    # (130) end the process as SystemExit, which passes through; only a crash lands below.
    try:
        app()
    except Exception as exc:
        if os.environ.get("SANCTIONS_DEBUG"):
            raise
        detail = " ".join(f"{exc.__class__.__name__}: {exc}".split())[:300]
        print(f"internal error: {detail}; please report it (SANCTIONS_DEBUG=1 shows the "
              "traceback)", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)

"""The `sanctions` command: a thin typer shell over the library (see `app`).

`main` is the entry point (the console script, `python -m sanctions`, `python -m sanctions.cli`).
Exit status 1 means "a match was found" to `sanctions screen`, so nothing else may end with it:
an unexpected exception is one line on stderr and exit status 3.

A plain one-off `sanctions screen NAME` (cli/oneoff.py) and a plain `sanctions serve`
(cli/serving.py) are read without loading typer's command tree; `app` (typer) is imported on
first use, by everything else.
"""

from __future__ import annotations

import errno
import gc
import os
import sys
import types
from typing import TYPE_CHECKING, Any

__all__ = ["EXIT_INTERNAL", "app", "main"]

EXIT_INTERNAL = 3

if TYPE_CHECKING:
    from .app import app


def __getattr__(name: str) -> Any:
    if name == "app":
        from .app import app

        return app
    raise AttributeError(f"module 'sanctions.cli' has no attribute {name!r}")


class _Package(types.ModuleType):
    """`sanctions.cli.app` is the typer app, as it was when this module imported it eagerly.
    Loading the submodule `app` sets the package's attribute of that name to the submodule;
    this keeps the submodule's typer app there instead."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "app" and isinstance(value, types.ModuleType):
            value = value.app
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def main() -> None:
    # The matcher does no linear algebra, so numpy's BLAS needs no threads of its own: without
    # this, importing numpy starts one per core, which spin and take the other core from the
    # start of every command (about 0.04 s of CPU and 0.07 s of wall time here). A value the
    # user set is kept; worker processes inherit it.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # No cyclic garbage collection while the command starts: importing the package and its
    # libraries makes tens of thousands of objects that live as long as the process, and the
    # collector walked them over and over (4% of a one-off query's instructions), then once
    # more at exit (another 4%). A one-off query is bounded work that ends the process: it
    # runs without, and what it made is frozen before the exit, which that last walk skips.
    # Every other command gets the collector back before it runs (below); the server, once
    # Datasette is imported (sanctions.web.serve; its workers are forked with it on).
    collecting = gc.isenabled()
    gc.disable()
    # typer runs in standalone mode: usage errors (2), --help (0), typer.Exit codes and Ctrl-C
    # (130) end the process as SystemExit, which passes through; only a crash lands below.
    try:
        code = _oneoff()
        if code is not None:
            gc.freeze()
            if collecting:
                gc.enable()
            sys.exit(code)
        from .app import app

        if collecting:
            gc.enable()
        app()
    except SystemExit as exc:
        # click ends a write to a reader gone away (`| head`) with 1, quietly, its streams
        # wrapped so nothing more fails: 1 is "a match" here, so such an end is 2
        if exc.code == 1 and type(sys.stdout).__name__ == "PacifyFlushWrapper":
            sys.exit(2)
        raise
    except Exception as exc:
        if os.environ.get("SANCTIONS_DEBUG"):
            raise
        detail = " ".join(f"{exc.__class__.__name__}: {exc}".split())[:300]
        print(f"internal error: {detail}; please report it (SANCTIONS_DEBUG=1 shows the "
              "traceback)", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)


def _oneoff() -> int | None:
    """The exit status of a plain one-off query, None when typer must run the command. Ctrl-C
    and a reader gone away end as they do under typer (130; 2, quietly)."""
    from .oneoff import run
    from .serving import parse_serve, run_serve

    try:
        code = run(sys.argv[1:])
        if code is None and (serve := parse_serve(sys.argv[1:])) is not None:
            code = run_serve(**serve)
        return code
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        return 2  # never 1, "a match"; the reader has gone away, so no line for it either

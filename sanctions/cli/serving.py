"""`sanctions serve`'s work, and a reader of its plain form that skips typer.

`sanctions serve [--db PATH] [--host H] [--port N] [--access-log]` is read here without typer,
whose pydantic adapters cost about a tenth of the server's start (scripts/bench_api.py prints
the start's time and CPU); anything else goes to typer, which also owns every usage error. Both
run `run_serve`.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

from ..errors import SanctionsError
from .oneoff import read_options

_VALUES = {"--db": "db", "--host": "host", "--port": "port"}
_PORT = re.compile(r"[0-9]{1,5}")


def parse_serve(argv: list[str]) -> dict[str, Any] | None:
    """run_serve()'s arguments for a plain `serve`, or None for typer to parse.

    >>> parse_serve(["serve", "--port", "9000", "--db", "x.db"])["port"]
    9000
    >>> parse_serve(["serve", "--cors"]) is None
    True
    """
    if not argv or argv[0] != "serve":
        return None
    found = read_options(argv[1:], _VALUES, {"--access-log": ("access_log", True)})
    if found is None:
        return None
    if found.get("db") == "" or found.get("host") == "":
        return None
    if "port" in found:
        if not _PORT.fullmatch(found["port"]):
            return None
        found["port"] = int(found["port"])
    from ..store import DEFAULT_DB

    # typer reads these from the environment when the option is absent (empty: absent)
    found["db"] = Path(found.get("db") or os.environ.get("SANCTIONS_DB") or DEFAULT_DB)
    decisions = os.environ.get("SANCTIONS_DECISIONS")
    found["decisions"] = Path(decisions) if decisions else None
    found["token"] = os.environ.get("SANCTIONS_TOKEN") or None
    return found


def run_serve(db: Path, host: str = "127.0.0.1", port: int = 8001, cors: bool = False,
              metadata: Path | None = None, token: str | None = None, audit: bool = False,
              decisions: Path | None = None, access_log: bool = False,
              extra: tuple[str, ...] = ()) -> int:
    """Serve until stopped; 2 (and one line on stderr) when it cannot start."""
    from ..web.serve_options import passthrough, read_metadata

    try:
        options = passthrough([*(["--cors"] if cors else []), *extra])
        user_metadata = read_metadata(metadata) if metadata is not None else None
        if not db.exists():
            raise SanctionsError(f"no database at {db}; run `sanctions build` first")
        if db.is_dir():
            raise SanctionsError(f"{db} is a directory, not a database file")
    except SanctionsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from ..web.serve import serve

    print(f"Serving {db} at http://{host}:{port}/", file=sys.stderr, flush=True)
    try:
        path = serve_decisions(db, decisions, token, audit)
    except SanctionsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    serve(db, host=host, port=port, decisions=path, options=options, metadata=user_metadata,
          access_log=access_log)
    return 0


def serve_decisions(db: Path, decisions: Path | None, token: str | None, audit: bool
                    ) -> Path:
    """Set up `serve`'s decisions: the file (created when a token lets the server write it, so
    Datasette shows it from the start), and the token and audit switch for the plugin, passed
    in this process's environment (never in metadata, which Datasette publishes)."""
    from ..store.decisions import DECISIONS_ENV, decisions_path, open_writable

    path = decisions_path(db, decisions)
    os.environ[DECISIONS_ENV] = str(path)
    if token:
        os.environ["SANCTIONS_TOKEN"] = token
    if audit:
        os.environ["SANCTIONS_AUDIT"] = "1"
    if (token or audit) and not path.exists():
        open_writable(path, db).close()  # a SanctionsError says why in one line
    return path

"""Run Datasette on the built database: immutable, with the project's metadata and plugin.

    >>> datasette_args(Path("db/sanctions.db"))[:3]
    ['serve', '-i', 'db/sanctions.db']
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .metadata import load_metadata
from .serve_options import merge, passthrough

SETTINGS = {
    "sql_time_limit_ms": "3000",
    # Array facets (programs, countries) over every entity need more than the default 200 ms.
    "facet_time_limit_ms": "1000",
}


def base_url(options: Sequence[str]) -> str:
    """The `--setting base_url` among Datasette's options (the last one wins, as in Datasette),
    or "/".

    >>> base_url(["--cors", "--setting", "base_url", "/lists/"])
    '/lists/'
    """
    found = "/"
    for i, arg in enumerate(options[:-2]):
        if arg == "--setting" and options[i + 1] == "base_url":
            found = options[i + 2]
    return found


def metadata_path(db_path: Path, config: dict[str, Any] | None = None,
                  extra: dict[str, Any] | None = None, base: str = "/") -> Path:
    """The metadata for this database, written as JSON for Datasette's --metadata; `config`:
    the plugin's settings (sanctions.web.limits); `extra`: the user's --metadata, merged in
    as written; `base`: the base_url the project's own links are put under."""
    project = load_metadata(db_path, base)
    meta = merge(project, extra) if extra else project
    if config:
        meta.setdefault("plugins", {})["sanctions"] = config
    fd, tmp = tempfile.mkstemp(prefix="sanctions-metadata-", suffix=".json")
    with open(fd, "w", encoding="utf-8") as fh:
        json.dump(meta, fh)
    return Path(tmp)


def datasette_args(db_path: Path, host: str = "127.0.0.1", port: int = 8001,
                   config: dict[str, Any] | None = None,
                   decisions: Path | None = None, options: Sequence[str] = (),
                   metadata: dict[str, Any] | None = None) -> list[str]:
    """`options`: Datasette serve options passed through (--cors, --setting NAME VALUE, ...:
    sanctions.web.serve_options); `metadata`: the user's, merged into the project's."""
    # -i: the database is rebuilt, never edited (a rebuild replaces the file, and the plugin
    # swaps to the new one: sanctions.web.live), so Datasette may count and cache freely.
    args = ["serve", "-i", str(db_path), "--metadata",
            str(metadata_path(db_path, config, metadata, base_url(options))),
            "--host", host, "--port", str(port)]
    for key, value in SETTINGS.items():
        args += ["--setting", key, value]
    if decisions is not None and decisions.is_file():
        # The decisions and audit file, browsable: Datasette reads a mutable file read-only;
        # only sanctions.web.decide writes it, with the token.
        args.append(str(decisions))
    return args + passthrough(options)  # a --setting given here wins over SETTINGS


def register_plugin() -> None:
    """Load the plugin even when the package is not installed (no `datasette` entry point)."""
    from datasette.plugins import pm

    from .. import web

    if not pm.is_registered(web) and not pm.has_plugin("sanctions"):
        pm.register(web, name="sanctions")


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8001,
          config: dict[str, Any] | None = None, decisions: Path | None = None,
          options: Sequence[str] = (), metadata: dict[str, Any] | None = None) -> None:
    from datasette.cli import cli

    register_plugin()
    args = datasette_args(db_path, host, port, config, decisions, options, metadata)
    try:
        cli.main(args, standalone_mode=True)
    finally:  # the metadata file is ours: do not leave one in /tmp per run
        Path(args[args.index("--metadata") + 1]).unlink(missing_ok=True)

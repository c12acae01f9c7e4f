"""Run Datasette on the built database: immutable, with the project's metadata and plugin.

    >>> datasette_args(Path("db/sanctions.db"))[:3]
    ['serve', '-i', 'db/sanctions.db']
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from .metadata import load_metadata

SETTINGS = {
    "sql_time_limit_ms": "3000",
    # Array facets (programs, countries) over every entity need more than the default 200 ms.
    "facet_time_limit_ms": "1000",
}


def metadata_path(db_path: Path, config: dict[str, Any] | None = None) -> Path:
    """The metadata for this database, written as JSON for Datasette's --metadata; `config`:
    the plugin's settings (sanctions.web.limits)."""
    meta = load_metadata(db_path)
    if config:
        meta.setdefault("plugins", {})["sanctions"] = config
    fd, tmp = tempfile.mkstemp(prefix="sanctions-metadata-", suffix=".json")
    with open(fd, "w", encoding="utf-8") as fh:
        json.dump(meta, fh)
    return Path(tmp)


def datasette_args(db_path: Path, host: str = "127.0.0.1", port: int = 8001,
                   config: dict[str, Any] | None = None) -> list[str]:
    # -i: the database is rebuilt, never edited (a rebuild replaces the file, and the plugin
    # swaps to the new one: sanctions.web.live), so Datasette may count and cache freely.
    args = ["serve", "-i", str(db_path), "--metadata", str(metadata_path(db_path, config)),
            "--host", host, "--port", str(port)]
    for key, value in SETTINGS.items():
        args += ["--setting", key, value]
    return args


def register_plugin() -> None:
    """Load the plugin even when the package is not installed (no `datasette` entry point)."""
    from datasette.plugins import pm

    from .. import web

    if not pm.is_registered(web) and not pm.has_plugin("sanctions"):
        pm.register(web, name="sanctions")


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8001,
          config: dict[str, Any] | None = None) -> None:
    from datasette.cli import cli

    register_plugin()
    args = datasette_args(db_path, host, port, config)
    try:
        cli.main(args, standalone_mode=True)
    finally:  # the metadata file is ours: do not leave one in /tmp per run
        Path(args[args.index("--metadata") + 1]).unlink(missing_ok=True)

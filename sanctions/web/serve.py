"""Run Datasette on the built database: immutable, with the project's metadata and plugin.

    >>> datasette_args(Path("db/sanctions.db"))[:3]
    ['serve', '-i', 'db/sanctions.db']
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from .metadata import load_metadata

SETTINGS = {
    "sql_time_limit_ms": "3000",
    # Array facets (programs, countries) over every entity need more than the default 200 ms.
    "facet_time_limit_ms": "1000",
}


def metadata_path(db_path: Path) -> Path:
    """The metadata for this database, written as JSON for Datasette's --metadata."""
    fd, tmp = tempfile.mkstemp(prefix="sanctions-metadata-", suffix=".json")
    with open(fd, "w", encoding="utf-8") as fh:
        json.dump(load_metadata(db_path), fh)
    return Path(tmp)


def datasette_args(db_path: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    # -i: the database is rebuilt, never edited, so Datasette may count and cache freely.
    args = ["serve", "-i", str(db_path), "--metadata", str(metadata_path(db_path)),
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


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    from datasette.cli import cli

    register_plugin()
    cli.main(datasette_args(db_path, host, port), standalone_mode=True)

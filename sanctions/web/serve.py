"""Run Datasette on the built database: immutable, with the project's metadata and plugin.

    >>> datasette_args(Path("db/sanctions.db"))[:3]
    ['serve', '-i', 'db/sanctions.db']
"""

from __future__ import annotations

import json
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

METADATA = Path(str(resources.files("sanctions") / "metadata.yml"))
# The database name metadata.yml describes; Datasette names a database after its file's stem.
DATABASE = "sanctions"

SETTINGS = {
    "sql_time_limit_ms": "3000",
    # Array facets (programs, countries) over every entity need more than the default 200 ms.
    "facet_time_limit_ms": "1000",
}


def load_metadata(db_path: Path | str | None = None) -> dict[str, Any]:
    """metadata.yml as a dict, its database renamed after `db_path`'s stem when that differs."""
    text = METADATA.read_text(encoding="utf-8")
    name = Path(db_path).stem if db_path is not None else DATABASE
    if name != DATABASE:
        text = text.replace(f"/{DATABASE}/", f"/{name}/").replace(f"/{DATABASE}#", f"/{name}#")
    meta: dict[str, Any] = yaml.safe_load(text)
    databases = meta.get("databases", {})
    if name != DATABASE and DATABASE in databases:
        databases[name] = databases.pop(DATABASE)
    return meta


def metadata_path(db_path: Path) -> Path:
    """metadata.yml itself, or a renamed JSON copy when the database file is not sanctions.db."""
    if db_path.stem == DATABASE:
        return METADATA
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

    from . import datasette_plugin

    if not pm.is_registered(datasette_plugin) and not pm.has_plugin("sanctions"):
        pm.register(datasette_plugin, name="sanctions")


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    from datasette.cli import cli

    register_plugin()
    cli.main(datasette_args(db_path, host, port), standalone_mode=True)

"""Run Datasette on the built database: immutable, with the project's metadata and plugin."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

METADATA = Path(str(resources.files("sanctions") / "metadata.yml"))


def datasette_args(db_path: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    # -i: the database is rebuilt, never edited, so Datasette may count and cache freely.
    return ["serve", "-i", str(db_path), "--metadata", str(METADATA), "--host", host,
            "--port", str(port), "--setting", "sql_time_limit_ms", "3000"]


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    from datasette.cli import cli

    cli.main(datasette_args(db_path, host, port), standalone_mode=True)

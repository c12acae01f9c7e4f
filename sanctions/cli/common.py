"""What every `sanctions` command shares: the --db option and the one-line error exit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

DbOption = Annotated[
    Path,
    typer.Option("--db", help="SQLite database path (env SANCTIONS_DB).", envvar="SANCTIONS_DB"),
]


def fail(message: str, code: int = 2) -> NoReturn:
    """Library errors reach the user as one line on stderr and exit status 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)

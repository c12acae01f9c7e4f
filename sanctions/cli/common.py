"""What every `sanctions` command shares: the --db option, the one-line error exit, the
closed-choice option types and the way a score is printed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, NoReturn

import typer

from ..display import format_score as format_score  # the web prints scores the same way
from ..models import ENTITY_TYPES

DbOption = Annotated[
    Path,
    typer.Option("--db", help="SQLite database path (env SANCTIONS_DB).", envvar="SANCTIONS_DB"),
]

# Closed choices as Literal types: help lists them, completion offers them, and any other value
# is a usage error naming the choices.
TableOrJson = Literal["table", "json"]
ScreenFormat = Literal["table", "json", "jsonl", "csv", "xlsx"]

STDIO = "-"  # --input - reads standard input, --output - writes standard output


def fail(message: str, code: int = 2) -> NoReturn:
    """Library errors reach the user as one line on stderr and exit status 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _complete_type(incomplete: str) -> list[str]:
    return [t for t in ENTITY_TYPES if t.startswith(incomplete.lower())]


# The choices are shown in help and offered by completion, but not enforced here: a value
# outside them reaches the library, so the CLI's error is the one line the library and the web
# give (tests/test_one_service.py), not a usage message of the CLI's own.
TypeOption = Annotated[str | None, typer.Option(
    "--type", metavar=f"<{'|'.join(ENTITY_TYPES)}>", autocompletion=_complete_type,
    help="Entity type.")]

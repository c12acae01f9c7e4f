"""`sanctions export`: the whole database in a format other tools read.

`--format ftm` writes FollowTheMoney entities as JSON lines (docs/ftm.md), to stdout or to
`--output FILE` (written beside it first and renamed, so a failed export never leaves half a
file); the count per schema goes to stderr.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import SanctionsError
from ..store import DEFAULT_DB
from .common import DbOption, fail


class ExportFormat(StrEnum):
    ftm = "ftm"


def export(
    format: Annotated[ExportFormat, typer.Option(
        "--format", help="ftm: FollowTheMoney entities, one JSON object a line.")
    ] = ExportFormat.ftm,
    output: Annotated[str, typer.Option(
        "--output", "-o", help="Write here; '-' (the default) is stdout.")] = "-",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Export every entity, its listings, reward offers and cross-list links."""
    from ..export.ftm import export_ftm

    try:
        if output == "-":
            try:
                counts = export_ftm(db, sys.stdout)
            except BrokenPipeError:  # `| head`: the reader has what it wanted
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                raise typer.Exit(0) from None
        else:
            target = Path(output)
            partial = target.with_name(f".{target.name}.partial")
            try:
                with open(partial, "w", encoding="utf-8") as out:
                    counts = export_ftm(db, out)
                os.replace(partial, target)
            except OSError as exc:
                raise SanctionsError(f"cannot write {target}: {exc.strerror}") from exc
            finally:
                partial.unlink(missing_ok=True)
    except SanctionsError as exc:
        fail(str(exc))
    total = sum(counts.values())
    per_schema = ", ".join(f"{schema} {n:,}" for schema, n in counts.items())
    typer.echo(f"Exported {total:,} entities ({per_schema})", err=True)

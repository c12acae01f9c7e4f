"""`sanctions update` and `sanctions changes`: thin typer commands over sanctions.ingest.update
and sanctions.store.catalog.list_changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..errors import SanctionsError
from ..store import DEFAULT_DB
from .common import DbOption, fail
from .decide import DecisionsOption

AcceptDropOption = Annotated[
    list[str],
    typer.Option("--accept-drop", metavar="KEY",
                 help="Accept that this source lost more entities since the last good build "
                 "than it declares possible (refused otherwise). Repeatable."),
]


def update(
    source: Annotated[
        list[str], typer.Option("--source", help="Update only these source keys. Repeatable.")
    ] = [],  # noqa: B006 - typer reads the default, never mutates it
    db: DbOption = DEFAULT_DB,
    mirror: Annotated[
        str | None,
        typer.Option("--mirror", help="Fetch <URL>/<source key>/<official file name> instead "
                     "of the official hosts (e.g. an internal mirror)."),
    ] = None,
    accept_drop: AcceptDropOption = [],  # noqa: B006
    rescreen: Annotated[Path | None, typer.Option(
        "--rescreen", metavar="CUSTOMERS", help="After the update, re-screen this customer "
        "file (CSV, JSONL or XLSX) against what it changed (see `sanctions rescreen`).")
    ] = None,
    rescreen_output: Annotated[Path | None, typer.Option(
        "--rescreen-output", help="Write the re-screen report here (.csv, .xlsx, .jsonl or "
        ".json by its name; default: a table on standard output).")] = None,
    decisions: DecisionsOption = None,
) -> None:
    """Download every source, validate, rebuild and swap in the database.

    A source that fails (or shrank more than it may since the last good build) keeps its
    previous data. Exit status: 0 when every source updated or was unchanged, 1 when any
    source failed, 2 when nothing could be fetched or the build failed. With --rescreen, 1
    means a customer needs a review (a new hit, a changed or resurfaced one), and a failed
    source exits 2.
    """
    from ..ingest.update import update as run_update

    if db.is_dir():
        fail(f"{db} is a directory, not a database file")
    since = _last_build(db, rescreen)
    typer.echo(f"Updating {db} from {mirror or 'the official sources'} ...", err=True)
    try:
        result = run_update(db, keys=source or None, mirror=mirror, accept_drop=accept_drop,
                            progress=lambda m: typer.echo(m, err=True))
    except SanctionsError as exc:
        fail(str(exc))
        return
    counts = {s: sum(r.status == s for r in result.sources)
              for s in ("updated", "unchanged", "failed")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    where = f"rebuilt {db}" if result.rebuilt else f"{db} unchanged"
    typer.echo(f"Done in {result.seconds:.1f} s: {summary}; {where}", err=True)
    for r in result.failed:
        typer.echo(f"error: {r.key}: {r.reason}; its previous data is kept", err=True)
    if rescreen is None:
        if not result.ok:
            raise typer.Exit(1)
        return
    code = 0
    if not result.rebuilt:
        typer.echo(f"Nothing changed: {rescreen} needs no re-screen", err=True)
    elif since is None:
        typer.echo(f"{db} had no build before this one: screen {rescreen} in full", err=True)
    else:
        from .rescreen import run_rescreen

        fmt = _format_of(rescreen_output)
        code = run_rescreen(rescreen, since, db=db, decisions=decisions, audit=None, fmt=fmt,
                            output=rescreen_output, options={})
    if code == 1 or not result.ok:
        raise typer.Exit(1 if code == 1 else 2)
    if code:
        raise typer.Exit(code)


def _last_build(db: Path, customers: Path | None) -> str | None:
    """The build a re-screen starts from (the database's before the update); the customer
    file is checked first, so a typo does not cost an update's download."""
    if customers is None:
        return None
    if str(customers) != "-" and not customers.is_file():
        fail(f"--rescreen {customers}: no such file")
    if not db.exists():
        return None
    import sqlite3

    from ..store.version import read_data_version

    try:
        return read_data_version(db)["build"]
    except (SanctionsError, sqlite3.DatabaseError):
        return None  # an unreadable database: the update replaces it, nothing to compare


def _format_of(output: Path | None) -> str:
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    return suffix if suffix in ("csv", "xlsx", "jsonl", "json") else "table"


def changes(
    db: DbOption = DEFAULT_DB,
    since: Annotated[
        str | None, typer.Option("--since", help="Only changes at or after this ISO date.")
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only this source key.")] = None,
    format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many rows.")] = None,
) -> None:
    """Entities added, removed or changed by each build, newest first."""
    from ..store.catalog import list_changes

    if format not in ("table", "json"):
        fail("--format must be table or json")
    try:
        rows = list_changes(db, since=since, source=source, limit=limit)
    except SanctionsError as exc:
        fail(str(exc))
        return
    if format == "json":
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("at", "source", "as of", "change", "entity", "name", "fields")
    for r in rows:
        table.add_row(r["at"], r["source"], r["source_as_of"] or "-", r["change"],
                      r["entity_id"] or "-", r["name"] or "", ", ".join(r["fields"]))
    Console(width=200).print(table)
    if not rows:
        typer.echo("No changes recorded" + (f" since {since}" if since else ""), err=True)

"""The `sanctions` command: a thin typer shell over the library.

Each command parses its arguments, calls one library function and formats the result. Library
errors become one line on stderr and exit status 2. Everything beyond typer is imported inside
the command that needs it, so `sanctions --help` starts fast (scripts/bench_cli.py).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from ..errors import SanctionsError
from ..store import DEFAULT_DB
from .common import DbOption, TableOrJson, fail
from .export import export
from .mcp import mcp
from .screen import screen
from .update import AcceptDropOption, changes, update

app = typer.Typer(
    help="Screen names against official sanctions and designation lists (OFAC, State, UN, UK, EU).",
    no_args_is_help=True,
    # --install-completion / --show-completion: typer imports the completion code only when
    # they are used, so `sanctions --help` stays as fast (scripts/bench_cli.py).
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain help and usage errors: rich formatting would double the start-up of `--help`.
    rich_markup_mode=None,
)

def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"sanctions {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Screen names against official sanctions and designation lists (OFAC, State, UN, UK, EU)."""


def _parse_files(specs: list[str]) -> dict[str, dict[str, Path]]:
    files: dict[str, dict[str, Path]] = {}
    for spec in specs:
        key, sep, rest = spec.partition(":")
        role, sep2, path = rest.partition("=")
        if not (sep and sep2 and key and role and path):
            fail(f"--file expects SOURCE:ROLE=PATH, got {spec!r}")
        files.setdefault(key, {})[role] = Path(path)
    return files


@app.command("build")
def build_command(
    db: DbOption = DEFAULT_DB,
    file: Annotated[
        list[str],
        typer.Option(
            "--file",
            help="Use PATH instead of a bundled snapshot file: SOURCE:ROLE=PATH "
            "(e.g. ofac_sdn:sdn=SDN.CSV). Repeatable.",
        ),
    ] = [],  # noqa: B006 - typer reads the default, never mutates it
    source: Annotated[
        list[str], typer.Option("--source", help="Build only these source keys (the others "
                                "keep their data from the previous database). Repeatable.")
    ] = [],  # noqa: B006
    accept_drop: AcceptDropOption = [],  # noqa: B006
) -> None:
    """Build the database from the bundled snapshots (offline), validate it, swap it in."""
    from ..ingest.build import build
    from ..sources import get_source

    files = _parse_files(file)
    try:
        selected = [get_source(k) for k in source] if source else None
        for key in [*files, *accept_drop]:
            get_source(key)
    except KeyError as exc:
        fail(f"unknown source key {exc.args[0]!r}")
    if db.is_dir():
        fail(f"{db} is a directory, not a database file")
    typer.echo(f"Building {db} ...", err=True)
    try:
        result = build(db, sources=selected, files=files, accept_drop=accept_drop,
                       progress=lambda m: typer.echo(m, err=True))
    except SanctionsError as exc:
        fail(f"{exc}; the previous database at {db} is unchanged")
    kept = f", {len(result.carried)} kept as they were" if result.carried else ""
    typer.echo(f"Built {db}: {result.total:,} entities from {len(result.sources)} sources"
               f"{kept} in {result.seconds:.1f} s", err=True)


@app.command("sources")
def sources_command(
    db: DbOption = DEFAULT_DB,
    format: Annotated[TableOrJson, typer.Option("--format", help="Output format.")] = "table",
) -> None:
    """List every source: key, title, publisher, url, as-of date and age, kind, entity count."""
    from ..store.catalog import source_status

    try:
        rows = source_status(db, today=date.today())
    except SanctionsError as exc:
        fail(str(exc))
    if format == "json":
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from .render import print_sources

    print_sources(rows)


@app.command("serve")
def serve_command(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8001,
) -> None:
    """Serve the database with Datasette (immutable), with metadata, facets and screening."""
    from ..web.serve import serve

    if not db.exists():
        fail(f"no database at {db}; run `sanctions build` first")
    if db.is_dir():
        fail(f"{db} is a directory, not a database file")
    typer.echo(f"Serving {db} at http://{host}:{port}/", err=True)
    sys.stderr.flush()
    serve(db, host=host, port=port)


app.command("update")(update)
app.command("changes")(changes)
app.command("export")(export)
app.command("mcp")(mcp)


@app.command("show")
def show_command(
    entity_id: Annotated[str, typer.Argument(help="Entity id, e.g. ofac_sdn:22790.")],
    db: DbOption = DEFAULT_DB,
    format: Annotated[TableOrJson, typer.Option("--format", help="Output format.")] = "table",
) -> None:
    """Everything known about an entity and the records linked to it on other lists."""
    from ..store.entities import show

    try:
        result = show(entity_id, db=db)
    except SanctionsError as exc:
        fail(str(exc))
    if format == "json":
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    from .render import print_show

    print_show(result)


app.command("screen")(screen)

"""The `sanctions` command: a thin typer shell over the library.

Each command parses its arguments, calls one library function and formats the result. Library
errors become one line on stderr and exit status 2. Everything beyond typer is imported inside
the command that needs it, so `sanctions --help` starts fast (scripts/bench_cli.py).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from ..errors import SanctionsError
from ..store import DEFAULT_DB
from .common import DbOption, TableOrJson, fail
from .decide import (
    AuditOption,
    DecisionsOption,
    TokenOption,
    audit,
    decide,
    decisions_command,
)
from .export import export
from .mcp import mcp
from .rescreen import rescreen
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
    ctx: typer.Context,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    quiet: Annotated[bool, typer.Option(
        "-q", "--quiet", help="Only errors on stderr: no notes, no progress bar.")] = False,
    verbose: Annotated[bool, typer.Option(
        "-v", "--verbose", help="Also what runs and what it cost (time, memory) on stderr.")
    ] = False,
) -> None:
    """Screen names against official sanctions and designation lists (OFAC, State, UN, UK, EU)."""
    from . import verbosity  # stdout is never touched by either

    if quiet and verbose:
        fail("-q/--quiet and -v/--verbose do not go together")
    if quiet:
        verbosity.quiet()
    elif verbose:
        ctx.call_on_close(verbosity.verbose(ctx.invoked_subcommand))


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
    ftm: Annotated[
        list[str], typer.Option("--ftm", help="Also import a FollowTheMoney entities file "
                                "(JSON lines) as source KEY: KEY=PATH. Repeatable.")
    ] = [],  # noqa: B006
) -> None:
    """Build the database from the bundled snapshots (offline), validate it, swap it in."""
    from ..ingest.build import build
    from ..ingest.ftm import ftm_inputs
    from ..sources import all_sources, get_source

    files = _parse_files(file)
    ftm_files = {}
    for spec in ftm:
        key, sep, path = spec.partition("=")
        if not (sep and key and path):
            fail(f"--ftm expects KEY=PATH, got {spec!r}")
        ftm_files[key] = Path(path)
    try:
        extra, inputs = ftm_inputs(ftm_files)
    except SanctionsError as exc:
        fail(str(exc))
    try:
        selected = [get_source(k) for k in source] if source else None
        for key in [*files, *(k for k in accept_drop if k not in ftm_files)]:
            get_source(key)
    except KeyError as exc:
        fail(f"unknown source key {exc.args[0]!r}")
    if extra:
        selected = [*(selected if selected is not None else all_sources()), *extra]
    if db.is_dir():
        fail(f"{db} is a directory, not a database file")
    typer.echo(f"Building {db} ...", err=True)
    try:
        result = build(db, sources=selected, files=files, accept_drop=accept_drop,
                       inputs=inputs, progress=lambda m: typer.echo(m, err=True))
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


# Datasette's own serve options pass through (they are Datasette's to parse)
@app.command("serve", context_settings={"allow_extra_args": True,
                                        "ignore_unknown_options": True})
def serve_command(
    ctx: typer.Context,
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8001,
    cors: Annotated[bool, typer.Option(
        "--cors", help="CORS headers (Allow-Origin *) on every JSON answer, the API's too.")
    ] = False,
    metadata: Annotated[Path | None, typer.Option(
        "--metadata", help="A Datasette metadata file (JSON or YAML) merged into the "
        "project's.")] = None,
    token: TokenOption = None,
    audit: AuditOption = False,
    decisions: DecisionsOption = None,
    access_log: Annotated[bool, typer.Option(
        "--access-log", help="Log every request (uvicorn's access log, on standard output; "
        "off by default: the API's query strings are customers' names).")] = False,
) -> None:
    """Serve the database with Datasette (immutable), with metadata, facets and screening.

    Other Datasette serve options follow as Datasette takes them, e.g.
    `--setting base_url /lists/`, `--setting sql_time_limit_ms 5000`, `--template-dir DIR`."""
    from .serving import run_serve

    code = run_serve(db, host, port, cors, metadata, token, audit, decisions, access_log,
                     tuple(ctx.args))
    if code:
        raise typer.Exit(code)


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
app.command("decide")(decide)
app.command("decisions")(decisions_command)
app.command("audit")(audit)
app.command("rescreen")(rescreen)

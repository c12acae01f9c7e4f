"""`sanctions screen`: one name, or a batch file, against the database.

Exit status: 0 when no query has a match at or above the threshold, 1 when at least one has,
2 for a usage, data or I/O error (in a batch: when no query matched and some row was bad, or
when the results could not all be written). A batch always finishes: every input row gets a
result, a bad row gets an error (sanctions.cli.batch_input).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from ..display import is_text
from ..errors import SanctionsError
from ..store import DEFAULT_DB
from .batch_input import STDIN, BatchFile, Row
from .batch_output import CSV_COLUMNS, FORMATS, Output, writing
from .common import DbOption, ScreenFormat, TypeOption, fail
from .decide import DecisionsOption
from .oneoff import run_single

__all__ = ["CSV_COLUMNS", "EXIT_MATCH", "FORMATS", "screen"]

EXIT_MATCH = 1


def screen(
    name: Annotated[
        str | None, typer.Argument(help="Name, company, vessel or 'IMO 1234567'.")] = None,
    type: TypeOption = None,
    country: Annotated[str | None, typer.Option(help="Country (ISO code or name).")] = None,
    birth_date: Annotated[str | None, typer.Option(help="YYYY[-MM[-DD]].")] = None,
    imo: Annotated[str | None, typer.Option(help="Vessel IMO number (alone or with a name).")
                   ] = None,
    identifier: Annotated[str | None, typer.Option(
        help="Any listed ID number: passport, national ID, registration, tax number, MMSI... "
        "(alone or with a name).")] = None,
    source: Annotated[list[str], typer.Option(help="Only this source key. Repeatable.")] = [],  # noqa: B006
    program: Annotated[str | None, typer.Option(help="Only entities under this program.")] = None,
    threshold: Annotated[float | None, typer.Option(
        help="Report matches scoring at least this (0-1; default 0.80). 0: best --limit.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many matches per query (1-100).")] = 10,
    format: Annotated[ScreenFormat, typer.Option("--format", help="Output format.")] = "table",
    input: Annotated[Path | None, typer.Option(
        "--input", help="Batch: CSV with a header (id,name,type,country,birth_date,imo,"
        "identifier) "
        "or JSONL; - reads standard input.")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", help="Write results here (- or none: standard output).")] = None,
    db: DbOption = DEFAULT_DB,
    engine: Annotated[Literal["local", "spark"], typer.Option(
        "--engine", help="Batch engine: local (this machine's cores) or spark (--input and "
        "--output Parquet, CSV or JSONL; see docs/spark.md).")] = "local",
    master: Annotated[str | None, typer.Option(
        "--master", help="Spark master with --engine spark (default: env SPARK_MASTER, "
        "else local[*]).")] = None,
    id: Annotated[str | None, typer.Option(
        "--id", help="The customer key of a single query: its recorded decisions apply.")
    ] = None,
    decisions: DecisionsOption = None,
    audit: Annotated[bool | None, typer.Option(
        "--audit/--no-audit", help="Write this screening to the audit trail (default: env "
        "SANCTIONS_AUDIT).", show_default=False)] = None,
) -> None:
    """Screen a name (or a batch file) against every list; scores explain themselves.

    Exit status 0: no match at or above the threshold; 1: at least one; 2: usage, data or I/O
    error (a batch with a match still exits 1 when some rows were bad: see stderr). A match
    decided a false positive for the query's customer key (`id`, see `sanctions decide`) does
    not count, until the entity's record changes.
    """
    from ..store.decisions import alarms

    single = input is None
    if single and name is None and imo is None and identifier is None:
        fail("give a NAME, --imo N, --identifier ID or --input FILE")
    if not single and (name is not None or imo is not None or identifier is not None):
        fail("give a NAME or --input FILE, not both")
    if not single and id is not None:  # a file's rows carry their own keys (its id column)
        fail("--id is for a single NAME; a batch takes each row's id column")
    for label, value in (("NAME", name), ("--type", type), ("--country", country),
                         ("--birth-date", birth_date), ("--imo", imo), ("--identifier", identifier),
                         ("--program", program),
                         *(("--source", s) for s in source)):
        if value is not None and not is_text(value):
            fail(f"{label} is not valid UTF-8")
    if engine == "spark":
        if input is None:
            fail("--engine spark screens a batch: give --input FILE")
        from .screen_spark import run_spark

        try:
            hit, bad = run_spark(input, output, db, master, {
                "source": list(source) or None, "program": program, "threshold": threshold,
                "limit": limit})
        except SanctionsError as exc:
            fail(str(exc))
        raise typer.Exit(EXIT_MATCH if hit else 2 if bad else 0)
    options: dict[str, Any] = {"source": list(source), "program": program, "threshold": threshold,
               "limit": limit, "decisions": decisions, "audit": audit}
    if (format == "xlsx" and (output is None or output == STDIN) and sys.stdout is not None
            and sys.stdout.isatty()):
        fail("--format xlsx is a binary file: give --output FILE.xlsx (or pipe it)")
    if single:  # the same code as the one-off path that skips typer (cli/oneoff.py)
        fields = {"type": type, "country": country, "birth_date": birth_date, "imo": imo,
                  "identifier": identifier, "id": id}
        code = run_single(name, fields, options, db, format,
                          None if output == STDIN else output)
        if code:
            raise typer.Exit(code)
        return
    assert input is not None
    matched = bad = False
    try:
        with ExitStack() as stack:
            columns: list[str] = []
            batch = stack.enter_context(BatchFile(input))
            if format in ("csv", "xlsx"):
                columns = batch.columns if batch.columns is not None else batch.json_columns()
            results = _batch(db, input, batch.rows(), options)
            out = Output(None if output == STDIN else output, data=format != "table",
                         input=None if input == STDIN else input)
            with writing(out, format, False, columns) as writer:
                for result in results:
                    matched |= alarms(result)  # a decided false positive does not count
                    if result.get("error"):
                        bad = True
                        typer.echo(f"row {result.get('row', '?')}: {result['error']}", err=True)
                    writer.write(result)
    except SanctionsError as exc:
        fail(str(exc))
    if matched:
        raise typer.Exit(EXIT_MATCH)
    if bad:
        raise typer.Exit(2)


def _batch(db: Path, input: Path, rows: Iterator[Row], options: dict[str, Any]
           ) -> Iterator[dict[str, Any]]:
    from ..screening import screen_many

    fields = ({**r.fields, "_row": r.line, **({"_error": r.error} if r.error else {})}
              for r in rows)
    progress = None
    if sys.stderr.isatty():  # a bar for people, nothing in logs and pipes
        from .batch_input import count_rows
        from .progress import BatchProgress

        label = "standard input" if input == STDIN else input.name
        progress = BatchProgress(f"screening {label}", count_rows(input))
        progress.start()
    try:
        for result in screen_many(fields, db=db, surface="cli", **options):
            yield result
            if progress:
                progress.advance()
    finally:
        if progress:
            progress.stop()

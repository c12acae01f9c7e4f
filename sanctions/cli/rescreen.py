"""`sanctions rescreen`: a customer file against only what the lists changed since a build
(sanctions.rescreen), and the report `sanctions update --rescreen` prints after an update.

Exit status: 0 when no customer needs a review, 1 when one does (a new hit, a hit on a changed
record, a decided false positive whose record changed), 2 for a usage, data or I/O error (or
bad rows and nothing to review). A customer whose earlier hit was removed is reported, and
does not change the status.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from ..errors import SanctionsError
from ..store import DEFAULT_DB
from .batch_input import STDIN, BatchFile
from .batch_output import Output, Writer
from .common import DbOption, fail
from .decide import DecisionsOption

EXIT_REVIEW = 1
RescreenFormat = Literal["table", "json", "jsonl", "csv", "xlsx"]
InputOption = Annotated[Path, typer.Option(
    "--input", help="The customer file: CSV with a header (id,name,type,country,birth_date,"
    "imo), JSONL or XLSX; - reads standard input.")]


def rescreen(
    input: InputOption,
    since: Annotated[str, typer.Option(
        "--since", help="A build (the `build` of a result's data version, e.g. "
        "2026-11-30T09:00:55+00:00): what changed after it; or an ISO date: what changed on "
        "or after it.")],
    format: Annotated[RescreenFormat, typer.Option(
        "--format", help="Output format (default: xlsx for an --output ending .xlsx, else "
        "table).", show_default=False)] = "table",
    output: Annotated[Path | None, typer.Option(
        "--output", help="Write the report here (- or none: standard output).")] = None,
    threshold: Annotated[float | None, typer.Option(
        help="Report matches scoring at least this (0-1; default 0.80).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many matches per customer.")] = 10,
    source: Annotated[list[str], typer.Option(help="Only this source key. Repeatable.")] = [],  # noqa: B006
    db: DbOption = DEFAULT_DB,
    decisions: DecisionsOption = None,
    audit: Annotated[bool | None, typer.Option(
        "--audit/--no-audit", help="Write every re-screened row to the audit trail (default: "
        "env SANCTIONS_AUDIT).", show_default=False)] = None,
) -> None:
    """Re-screen a customer file against the entities added, changed or removed since a build.

    Reports each customer with a new hit (`new_hit`), a hit on a changed record (`changed`),
    a decided false positive whose record changed (`resurfaced`) or a hit on a removed record
    (`removed`). Its cost follows the size of the change, not of the lists.
    """
    options = {"threshold": threshold, "limit": limit, "source": list(source)}
    code = run_rescreen(input, since, db=db, decisions=decisions, audit=audit, fmt=format,
                        output=output, options=options)
    if code:
        raise typer.Exit(code)


def run_rescreen(input: Path, since: str, *, db: Path, decisions: Path | None,
                 audit: bool | None, fmt: str, output: Path | None,
                 options: dict[str, Any]) -> int:
    """Re-screen, write the report and one summary line (stderr); the exit status."""
    from ..rescreen import ALARMS, changes_since
    from ..rescreen import rescreen as run

    if fmt == "table" and output is not None and output.suffix.lower() == ".xlsx":
        fmt = "xlsx"
    counts: Counter[str] = Counter()
    bad = 0
    try:
        found = changes_since(since, db)
        with ExitStack() as stack:
            batch = stack.enter_context(BatchFile(input))
            columns: list[str] = []
            if fmt in ("csv", "xlsx"):
                columns = batch.columns if batch.columns is not None else batch.json_columns()
            rows = ({**r.fields, "_row": r.line, **({"_error": r.error} if r.error else {})}
                    for r in batch.rows())
            results = run(_counted(rows, counts), since=found, db=db, decisions=decisions,
                          audit=audit, **options)
            out = Output(None if output == STDIN else output, data=fmt != "table",
                         input=None if input == STDIN else input)
            try:
                printer = _Table(out) if fmt == "table" else None
                writer = None if printer else Writer(out, fmt, False, columns, extra=("change",))
                for result in results:
                    if result.get("error"):
                        bad += 1
                        typer.echo(f"row {result.get('row', '?')}: {result['error']}", err=True)
                    counts.update(m["change"] for m in result["matches"])
                    if writer is not None:
                        writer.write(result)
                    else:
                        printer.add(result)  # type: ignore[union-attr]
                if writer is not None:
                    writer.close()
                else:
                    printer.print()  # type: ignore[union-attr]
                    out.commit()
            except BaseException:  # never a short report in the output's place
                out.discard()
                raise
    except SanctionsError as exc:
        fail(str(exc))
    for note in found.notes():
        typer.echo(f"note: {note}", err=True)
    shown = ", ".join(f"{counts[c]} {c}" for c in ("new_hit", "changed", "resurfaced", "removed"))
    typer.echo(f"Re-screened {counts['rows']:,} rows against {len(found.added)} added, "
               f"{len(found.changed)} changed and {len(found.removed)} removed entities since "
               f"{found.since}: {shown}", err=True)
    if any(counts[c] for c in ALARMS):
        return EXIT_REVIEW
    return 2 if bad else 0


def _counted(rows: Iterator[dict[str, Any]], counts: Counter[str]) -> Iterator[dict[str, Any]]:
    for row in rows:
        counts["rows"] += 1
        yield row


class _Table:
    """The report as one table: a row per reported match, the change first."""

    def __init__(self, out: Output) -> None:
        self.out = out
        self.rows: list[list[str]] = []

    def add(self, result: dict[str, Any]) -> None:
        from .common import format_score

        q = result["query"]
        key = str(q.get("id", "")) or f"row {result.get('row', '?')}"
        if result.get("error"):
            self.rows.append(["error", key, str(q.get("name", "")), "", "", result["error"]])
        for m in result["matches"]:
            self.rows.append([m["change"], key, str(q.get("name", "")), m["entity_id"],
                              format_score(m["score"]), m["name"]])

    def print(self) -> None:
        from rich.markup import escape
        from rich.table import Table

        from .render import _console, terminal_width

        table = Table("change", "customer", "customer name", "entity", "score", "listed name")
        for row in self.rows:
            table.add_row(*(escape(c) for c in row))
        console = _console(self.out.fh, terminal_width())
        if self.rows:
            console.print(table)
        else:
            console.print("No customer is affected by the changes.")

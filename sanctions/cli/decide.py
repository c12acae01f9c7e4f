"""`sanctions decide`, `sanctions decisions` and `sanctions audit`: thin typer commands over
sanctions.store.decisions and sanctions.store.audit (the writable file beside the database)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from ..errors import SanctionsError
from ..store import DEFAULT_DB
from .common import DbOption, TableOrJson, fail

DecisionsOption = Annotated[
    Path | None,
    typer.Option("--decisions", help="The decisions and audit file (env SANCTIONS_DECISIONS; "
                 "default: beside --db, x.db -> x.decisions.db).", envvar="SANCTIONS_DECISIONS"),
]

TokenOption = Annotated[str | None, typer.Option(
    "--token", envvar="SANCTIONS_TOKEN", help="Allow POST /-/decide with this secret (env "
    "SANCTIONS_TOKEN); without one, decisions are read-only on the server.")]
AuditOption = Annotated[bool, typer.Option(
    "--audit", help="Write every screening to the audit trail (env SANCTIONS_AUDIT=1).")]


def decide(
    customer_key: Annotated[str, typer.Argument(help="The customer's key (the batch's `id`).")],
    entity_id: Annotated[str, typer.Argument(help="The entity matched, e.g. ofac_sdn:22790.")],
    false_positive: Annotated[bool, typer.Option(
        "--false-positive", help="Not a match: later screenings of this key do not alarm on "
        "it until the entity's record changes.")] = False,
    confirmed: Annotated[bool, typer.Option(
        "--confirmed", help="A confirmed match: shown as confirmed.")] = False,
    by: Annotated[str, typer.Option("--by", help="Who decides (required).")] = "",
    note: Annotated[str, typer.Option("--note", help="Why.")] = "",
    db: DbOption = DEFAULT_DB,
    decisions: DecisionsOption = None,
    format: Annotated[TableOrJson, typer.Option("--format", help="Output format.")] = "table",
) -> None:
    """Record a decision for (customer key, entity): --false-positive or --confirmed."""
    from ..store.decisions import record_decision

    if false_positive == confirmed:
        fail("give exactly one of --false-positive or --confirmed")
    if not by.strip():
        fail("--by NAME is required (who decides)")
    try:
        saved = record_decision(customer_key, entity_id,
                                "false_positive" if false_positive else "confirmed",
                                by=by, note=note, db=db, decisions=decisions)
    except SanctionsError as exc:
        fail(str(exc))
    if format == "json":
        typer.echo(json.dumps(saved, indent=2, ensure_ascii=False))
        return
    typer.echo(f"recorded: {saved['customer_key']} / {saved['entity_id']} "
               f"({saved['entity_name']}): {saved['decision'].replace('_', ' ')} by "
               f"{saved['by']} at {saved['at']}")


def decisions_command(
    customer_key: Annotated[str | None, typer.Option(
        "--customer", help="Only this customer key.")] = None,
    entity_id: Annotated[str | None, typer.Option("--entity", help="Only this entity.")] = None,
    history: Annotated[bool, typer.Option(
        "--history", help="Every decision ever recorded, not only those in force.")] = False,
    db: DbOption = DEFAULT_DB,
    decisions: DecisionsOption = None,
    format: Annotated[TableOrJson, typer.Option("--format", help="Output format.")] = "table",
) -> None:
    """List recorded decisions, newest first, with whether each entity changed since."""
    from ..store.decisions import list_decisions

    try:
        rows = list_decisions(db=db, decisions=decisions, customer_key=customer_key,
                              entity_id=entity_id, history=history)
    except SanctionsError as exc:
        fail(str(exc))
    if format == "json":
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        typer.echo("no decisions recorded", err=True)
        return
    columns = ("customer_key", "entity_id", "decision", "status", "by", "at", "note")
    widths = {c: min(40, max(len(c), *(len(str(r[c] or "")) for r in rows))) for c in columns}
    typer.echo("  ".join(c.ljust(widths[c]) for c in columns).rstrip())
    for r in rows:
        typer.echo("  ".join(str(r[c] or "")[:40].ljust(widths[c]) for c in columns).rstrip())


def audit(
    since: Annotated[str | None, typer.Option(
        "--since", help="A build id (screenings against it or a later build) or a date "
        "YYYY-MM-DD (screenings on or after it).")] = None,
    format: Annotated[Literal["csv", "jsonl"], typer.Option(
        "--format", help="Output format.")] = "jsonl",
    db: DbOption = DEFAULT_DB,
    decisions: DecisionsOption = None,
) -> None:
    """Export the audit trail (written by `screen --audit` or SANCTIONS_AUDIT=1)."""
    from ..store.audit import audit_lines, export_audit

    try:
        for line in audit_lines(export_audit(db=db, decisions=decisions, since=since), format):
            sys.stdout.write(line)
    except SanctionsError as exc:
        fail(str(exc))
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        sys.stderr.close()

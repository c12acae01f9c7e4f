"""`sanctions screen`: one name, or a batch file, against the database.

Exit status: 0 when no query has a match at or above the threshold, 1 when at least one has,
2 for a usage or data error (in a batch: when no query matched and some row was bad).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from ..errors import SanctionsError
from ..store import DEFAULT_DB
from .common import DbOption, fail

EXIT_MATCH = 1
FORMATS = ("table", "json", "jsonl", "csv")
CSV_COLUMNS = ("query_id", "query_name", "rank", "entity_id", "source", "name", "type", "score",
               "band", "matched_name", "programs", "listed_on", "related", "error")


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Rows of a CSV (with a header) or JSONL file, streamed; a bad row yields its error."""
    try:
        fh = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise SanctionsError(f"cannot read {path}: {exc.strerror}") from exc
    with fh:
        first = fh.read(1)
        fh.seek(0)
        if first == "{" or path.suffix.lower() in (".jsonl", ".ndjson"):
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield n, f"not valid JSON: {exc.msg}"
                    continue
                yield (n, row) if isinstance(row, dict) else (n, "not a JSON object")
        else:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or "name" not in reader.fieldnames:
                raise SanctionsError(f"{path}: CSV needs a header row with a 'name' column")
            for n, row in enumerate(reader, 2):
                yield n, {k: v for k, v in row.items() if k is not None}


def _csv_rows(result: dict[str, Any]) -> Iterator[dict[str, Any]]:
    q = result["query"]
    base = {"query_id": q.get("id", ""), "query_name": q.get("name", "")}
    if result.get("error") or not result["matches"]:
        yield {**base, "error": result.get("error", "")}
    for rank, m in enumerate(result["matches"], 1):
        yield {**base, "rank": rank, **{k: m[k] for k in CSV_COLUMNS if k in m},
               "programs": ";".join(m["programs"]),
               "related": ";".join(x["entity_id"] for x in m["related"])}


class Writer:
    """Writes results as they come, in the chosen format."""

    def __init__(self, out: TextIO, fmt: str, single: bool) -> None:
        self.out, self.fmt, self.count, self.single = out, fmt, 0, single
        self.csv = csv.DictWriter(out, CSV_COLUMNS) if fmt == "csv" else None
        if self.csv:
            self.csv.writeheader()
        self.table_rows: list[dict[str, Any]] = []

    def write(self, result: dict[str, Any]) -> None:
        if self.fmt == "jsonl":
            self.out.write(json.dumps(result, ensure_ascii=False) + "\n")
        elif self.fmt == "json" and self.single:  # one query: one JSON object
            self.out.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        elif self.fmt == "json":  # a batch: a JSON array, written as results come
            self.out.write(("[\n" if self.count == 0 else ",\n")
                           + json.dumps(result, ensure_ascii=False))
        elif self.csv:
            self.csv.writerows(_csv_rows(result))
        else:
            self.table_rows.append(result)
        self.count += 1

    def close(self) -> None:
        if self.fmt == "json" and not self.single:
            self.out.write("\n]\n" if self.count else "[]\n")
        elif self.fmt == "table":
            from .render import print_screen

            print_screen(self.table_rows, self.out)


def screen(
    name: Annotated[
        str | None, typer.Argument(help="Name, company, vessel or 'IMO 1234567'.")] = None,
    type: Annotated[
        str | None, typer.Option(help="person, organization, vessel or aircraft.")] = None,
    country: Annotated[str | None, typer.Option(help="Country (ISO code or name).")] = None,
    birth_date: Annotated[str | None, typer.Option(help="YYYY[-MM[-DD]].")] = None,
    imo: Annotated[str | None, typer.Option(help="Vessel IMO number (alone or with a name).")
                   ] = None,
    source: Annotated[list[str], typer.Option(help="Only this source key. Repeatable.")] = [],  # noqa: B006
    program: Annotated[str | None, typer.Option(help="Only entities under this program.")] = None,
    threshold: Annotated[float | None, typer.Option(
        help="Report matches scoring at least this (0-1; default 0.80). 0: best --limit.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many matches per query (1-100).")] = 10,
    format: Annotated[str, typer.Option("--format", help="table, json, jsonl or csv.")] = "table",
    input: Annotated[Path | None, typer.Option(
        "--input", help="Batch: CSV with a header (id,name,type,country,birth_date,imo) "
        "or JSONL.")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Write results here.")] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Screen a name (or a batch file) against every list; scores explain themselves.

    Exit status 0: no match at or above the threshold; 1: at least one; 2: usage or data error.
    """
    from ..screening import screen as screen_one

    if format not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}")
    single = input is None
    if single and name is None and imo is None:
        fail("give a NAME, --imo N or --input FILE")
    if not single and (name is not None or imo is not None):
        fail("give a NAME or --input FILE, not both")
    options: dict[str, Any] = {"source": list(source), "program": program, "threshold": threshold,
               "limit": limit}
    try:
        if single:
            results: Iterator[dict[str, Any]] = iter([screen_one(
                name, db=db, type=type, country=country, birth_date=birth_date, imo=imo,
                **options)])
        else:
            assert input is not None
            results = _batch(db, input, options)
        out = (open(output, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
               if output else sys.stdout)
        matched = bad = False
        try:
            writer = Writer(out, format, single=single)
            for result in results:
                matched |= bool(result["matches"])
                if result.get("error"):
                    bad = True
                    typer.echo(f"row {result.get('row', '?')}: {result['error']}", err=True)
                writer.write(result)
            writer.close()
        finally:
            if output:
                out.close()
    except SanctionsError as exc:
        fail(str(exc))
    if matched:
        raise typer.Exit(EXIT_MATCH)
    if bad:
        raise typer.Exit(2)


def _batch(db: Path, path: Path, options: dict[str, Any]) -> Iterator[dict[str, Any]]:
    from ..screening import screen_many

    rows = ({"_row": n, "_error": row} if isinstance(row, str) else {**row, "_row": n}
            for n, row in read_rows(path))
    progress = None
    if sys.stderr.isatty():  # a bar for people, nothing in logs and pipes
        from rich.progress import Progress

        progress = Progress(transient=True)
        progress.start()
        task = progress.add_task(f"screening {path.name}", total=None)
    try:
        for result in screen_many(rows, db=db, **options):
            yield result
            if progress:
                progress.advance(task)
    finally:
        if progress:
            progress.stop()

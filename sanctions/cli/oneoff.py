"""The one-off `sanctions screen NAME`: read without typer, run by the same code as typer's.

Typer builds a pydantic adapter for every option of a command before it runs it, and that alone
costs about a third of a one-off query's time (scripts/bench_cli.py). A plain one-off query -
`screen` with one NAME and only the simple options below - is read here instead; anything else
(help, a batch, global options, a repeated option, a value this reader would read differently)
returns None and goes to typer, which also owns every usage error. Both paths run `run_single`,
so they print the same output and exit with the same status (tests/test_cli_oneoff.py).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..display import is_text
from ..errors import SanctionsError

# option -> screen()'s parameter; each takes one value
_VALUES = {
    "--db": "db", "--format": "format", "--type": "type", "--country": "country",
    "--birth-date": "birth_date", "--imo": "imo", "--identifier": "identifier", "--id": "id",
    "--program": "program", "--decisions": "decisions", "--limit": "limit",
    "--threshold": "threshold",
}
_FLAGS = {"--audit": ("audit", True), "--no-audit": ("audit", False)}
_TEXT_FORMATS = ("table", "json", "jsonl", "csv")  # xlsx has its own terminal check: typer's
_INT = re.compile(r"[0-9]{1,4}")
_FLOAT = re.compile(r"[0-9]{0,3}(\.[0-9]{1,9})?")
_FIELDS = ("type", "country", "birth_date", "imo", "identifier", "id")


def parse(argv: list[str]) -> dict[str, Any] | None:
    """screen()'s arguments for a plain one-off query, or None for typer to parse.

    >>> parse(["screen", "Nicolas Maduro", "--db", "x.db"])["db"]
    PosixPath('x.db')
    >>> parse(["screen", "--input", "a.csv"]) is None
    True
    """
    if not argv or argv[0] != "screen":
        return None
    found = read_options(argv[1:], _VALUES, _FLAGS, positional="name")
    return None if found is None else _typed(found)


def read_options(args: list[str], values: Mapping[str, str],
                 flags: Mapping[str, tuple[str, Any]], positional: str | None = None
                 ) -> dict[str, Any] | None:
    """Options that take one value (`values`: option -> key), flags and, when `positional`
    names it, one bare argument; None for anything else (an unknown or repeated option, a
    missing value), which typer then parses."""
    found: dict[str, Any] = {}
    rest = iter(args)
    for arg in rest:
        value: Any
        if positional and not arg.startswith("-") and arg:
            key, value = positional, arg
        elif arg in flags:
            key, value = flags[arg]
        else:
            option, eq, value = arg.partition("=")
            if option not in values:
                return None  # --help, --input, --source, -x, --: typer's
            key = values[option]
            if not eq:
                value = next(rest, None)
                if value is None:
                    return None
        if key in found:
            return None  # repeated: typer decides which one counts
        found[key] = value
    return found


def _typed(found: dict[str, Any]) -> dict[str, Any] | None:
    if "name" not in found and "imo" not in found and "identifier" not in found:
        return None  # typer prints the usage error
    if found.get("format", "table") not in _TEXT_FORMATS or "" in (found.get("db"),
                                                                   found.get("decisions")):
        return None
    if "limit" in found:
        if not _INT.fullmatch(found["limit"]):
            return None
        found["limit"] = int(found["limit"])
    if "threshold" in found:
        if not _FLOAT.fullmatch(found["threshold"]) or found["threshold"] in ("", "."):
            return None
        found["threshold"] = float(found["threshold"])
    # typer reads these two from the environment when the option is absent (an empty value
    # counts as absent, as in click)
    found["db"] = Path(found.get("db") or os.environ.get("SANCTIONS_DB") or _default_db())
    decisions = found.get("decisions") or os.environ.get("SANCTIONS_DECISIONS")
    found["decisions"] = Path(decisions) if decisions else None
    return found


def _default_db() -> Path:
    from ..store import DEFAULT_DB

    return DEFAULT_DB


def run_single(name: str | None, fields: dict[str, Any], options: dict[str, Any], db: Path,
               fmt: str, output: Path | None) -> int:
    """Screen one query, write it in `fmt` to `output` (None: stdout); the exit status: 0 no
    match, 1 a match, 2 an error (one line on stderr). `fields` are the query's other fields,
    `options` screen()'s options."""
    from ..screening import screen
    from ..store.decisions import alarms
    from .batch_output import Output, writing

    try:
        result = screen(name, db=db, surface="cli", **fields, **options)
        if fmt == "table" and name and not result["matches"] and not result.get("error"):
            result = {**result, "closest": _closest(name, fields, options, db)}
        with writing(Output(output, data=fmt != "table"), fmt, True, []) as writer:
            writer.write(result)
    except SanctionsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 1 if alarms(result) else 0  # a decided false positive does not count


def _closest(name: str, fields: dict[str, Any], options: dict[str, Any], db: Path
             ) -> list[Mapping[str, Any]]:
    """The closest records under the threshold for a table that found none
    (screening.closest_of); this second look writes no audit record."""
    from ..screening import closest_of, closest_options, screen

    near = screen(name, db=db, surface="cli", **fields,
                  **{**closest_options(options), "audit": False})
    return closest_of(near["matches"])


def run(argv: list[str]) -> int | None:
    """The exit status of a plain one-off query, or None when typer must parse `argv`."""
    found = parse(argv)
    if found is None or not all(is_text(v) for v in found.values() if isinstance(v, str)):
        return None  # typer's path gives the not-UTF-8 error
    options = {"source": [], "program": found.get("program"),
               "threshold": found.get("threshold"), "limit": found.get("limit", 10),
               "decisions": found["decisions"], "audit": found.get("audit")}
    fields = {key: found.get(key) for key in _FIELDS}
    return run_single(found.get("name"), fields, options, found["db"],
                      found.get("format", "table"), None)

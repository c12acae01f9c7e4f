"""What the declarations say of every source in one line each, for the server's pages: the
`source` line naming each list with its as-of dates, the licences, each source's short label.

Made from the registry (`all_sources`), which imports every source module to read them; a
server reads them in a process of its own while it starts (sanctions.web.declared), so these
are plain data, sent as JSON.
"""

from __future__ import annotations

from typing import Any

from . import all_sources
from .base import Source


def source_line() -> str:
    """Each source with its main file's date, and the other dates its records come from: the
    declarations' view, which a build refines with record counts (sources.dates)."""
    return "; ".join(f"{s.short or s.key} (as of {_dates(s)})" for s in all_sources())


def _dates(s: Source) -> str:
    main = s.main_file
    others = sorted({f"an {f.kind} of {f.as_of}" if f.kind != main.kind else f.as_of
                     for f in s.snapshot if f.records and f is not main and f.as_of != main.as_of})
    return main.as_of + (f", some records from {', '.join(others)}" if others else "")


def licence_line() -> str:
    return "; ".join(dict.fromkeys(s.licence for s in all_sources()))


def declared() -> dict[str, Any]:
    """The three, as JSON-ready data: `sources` and `licences` lines, and `short` (each source
    key -> its short label, "" when it declares none)."""
    return {"sources": source_line(), "licences": licence_line(),
            "short": {s.key: s.short for s in all_sources()}}

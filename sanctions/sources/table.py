"""The README's source table, made from the declarations (scripts/gen_docs.py writes it;
tests/test_registry.py checks README.md holds exactly this)."""

from __future__ import annotations

from collections.abc import Sequence

from .base import Source

START = "<!-- sources table: made by scripts/gen_docs.py from the source declarations -->"
END = "<!-- end of sources table -->"


def _kind(source: Source) -> str:
    """The main file's kind (a source is as official as the file most records come from)."""
    main = source.main_file.kind
    others = sorted({f.kind for f in source.snapshot} - {main})
    return main + (f" (some files {', '.join(others)})" if others else "")


def markdown_table(sources: Sequence[Source]) -> str:
    """One row per source, by priority.

    >>> from sanctions.sources import get_source
    >>> markdown_table([get_source("un_sc")]).splitlines()[2].split(" | ")[:3]
    ['| `un_sc`', 'UN Security Council Consolidated List', '2026-02-27']
    """
    rows = ["| key | source | as of (main file) | bundled snapshot | kind |",
            "|---|---|---|---|---|"]
    rows += [f"| `{s.key}` | {s.title} | {s.as_of} | {s.snapshot_note} | {_kind(s)} |"
             for s in sources]
    return "\n".join(rows)


def with_table(readme: str, sources: Sequence[Source]) -> str:
    """README text with the table between its markers replaced."""
    head, start, rest = readme.partition(START)
    _, end, tail = rest.partition(END)
    if not (start and end):
        raise ValueError("README.md has no source table markers")
    return f"{head}{START}\n{markdown_table(sources)}\n{END}{tail}"

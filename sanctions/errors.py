"""Errors that reach the user as one clear line."""

from pathlib import PurePath

# A message is one line a person reads: a runaway one (a parser quoting a 1 GB field) is cut.
MAX_LINE = 400


def one_line(text: str, limit: int = MAX_LINE) -> str:
    """`text` on one line, at most `limit` characters (cut with an ellipsis)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class SanctionsError(Exception):
    """Base class: the CLI prints str(error) on stderr and exits 2."""

    def __str__(self) -> str:
        # The message and its cause can hold anything a bad file put there.
        return one_line(super().__str__(), MAX_LINE * 2)


class SourceError(SanctionsError):
    """A source file is missing, corrupt, truncated or not in the expected format.

    `path` is kept whole for callers; the message names only the file, so no server path
    reaches a log line or a client.
    """

    def __init__(self, source: str, problem: str, path: str | None = None) -> None:
        self.source = source
        self.problem = one_line(problem)
        self.path = path
        where = f" ({PurePath(path).name})" if path else ""
        super().__init__(f"{source}{where}: {self.problem}")


class ValidationError(SanctionsError):
    """A parsed source does not have the shape its declaration promises (counts, types)."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = one_line(problem)
        super().__init__(f"{source}: validation failed: {self.problem}")


class DropRefused(ValidationError):
    """A source lost more entities since the last good build than it declares possible."""

    def __init__(self, source: str, total: int, previous: int) -> None:
        drop = previous - total
        problem = (f"{total:,} entities, {drop:,} ({drop / previous:.1%}) fewer than the last "
                   f"good build's {previous:,}; refused (accept with --accept-drop {source})")
        self.total, self.previous = total, previous
        SanctionsError.__init__(self, f"{source}: {problem}")
        self.source, self.problem = source, problem


class NotOnline(SourceError):
    """The source's official publication cannot be read yet: `update` skips it and the build
    keeps its bundled snapshot (e.g. the EU Financial Sanctions File, whose format has no
    parser because no real copy was available to test one against)."""

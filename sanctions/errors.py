"""Errors that reach the user as one clear line."""


class SanctionsError(Exception):
    """Base class: the CLI prints str(error) on stderr and exits 2."""


class SourceError(SanctionsError):
    """A source file is missing, corrupt, truncated or not in the expected format."""

    def __init__(self, source: str, problem: str, path: str | None = None) -> None:
        self.source = source
        self.problem = problem
        self.path = path
        where = f" ({path})" if path else ""
        super().__init__(f"{source}{where}: {problem}")


class ValidationError(SanctionsError):
    """A parsed source does not have the shape its declaration promises (counts, types)."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: validation failed: {problem}")


class NotOnline(SourceError):
    """The source's official publication cannot be read yet: `update` skips it and the build
    keeps its bundled snapshot (e.g. the EU Financial Sanctions File, whose format has no
    parser because no real copy was available to test one against)."""

"""`sanctions -q` and `sanctions -v`: how much goes to stderr. Standard output never changes.

- `-q/--quiet`: stderr carries only errors. Every command writes its notes ("Building ...",
  "Exported 21,000 entities") and progress to stderr; rather than each deciding, standard error
  is filtered here: lines starting with `error`, `internal error`, `warning` or `row N:` (a
  batch row that could not be screened) pass, the rest is dropped, and the stream says it is no
  terminal, so no progress bar starts.
- `-v/--verbose`: a line of what runs (version, Python, command) before the command and one
  of its cost (wall and CPU seconds, peak memory) after it, exit included.
"""

from __future__ import annotations

import io
import re
import sys
import time
from collections.abc import Callable
from typing import TextIO

_KEPT = re.compile(r"(?i)^(error|internal error|warning|row \S+:)")


class QuietStderr(io.TextIOBase):
    """Standard error with every line but an error's dropped (see the module's docstring)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.pending = ""

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.stream.errors

    def isatty(self) -> bool:
        return False  # no progress bar, no colours

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            shown = line.rsplit("\r", 1)[-1]  # what a terminal would show of a redrawn line
            if _KEPT.match(shown):
                self.stream.write(shown + "\n")
        return len(text)

    def flush(self) -> None:
        shown = self.pending.rsplit("\r", 1)[-1]
        if _KEPT.match(shown):  # an error written without its newline yet
            self.stream.write(shown)
            self.pending = ""
        self.stream.flush()


def quiet() -> None:
    if not isinstance(sys.stderr, QuietStderr):
        sys.stderr = QuietStderr(sys.stderr)


def verbose(command: str | None) -> Callable[[], None]:
    """Write what runs now; return the function that writes what it cost."""
    from .. import __version__

    python = ".".join(map(str, sys.version_info[:3]))
    print(f"sanctions {__version__} (Python {python}): {command or '-'}", file=sys.stderr)
    wall, cpu = time.perf_counter(), time.process_time()

    def done() -> None:
        print(f"{command or 'sanctions'}: {time.perf_counter() - wall:.2f} s wall, "
              f"{time.process_time() - cpu:.2f} s CPU, peak memory {_peak_mb():.0f} MB",
              file=sys.stderr)

    return done


def _peak_mb() -> float:
    try:
        import resource
    except ImportError:  # not on Windows
        return 0.0
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 / (1024 if sys.platform == "darwin" else 1)  # macOS counts bytes

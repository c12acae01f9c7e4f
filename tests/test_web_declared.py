"""`sanctions serve` reads the declarations' lines (sanctions.sources.lines) in a forked
process while it starts (sanctions.web.declared): what it takes from that process is what it
would read itself, and a reader that fails costs nothing but the time.

Each case runs in a process of its own: a read-ahead is kept for the process's life (a server's),
and forking the test runner would copy it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sanctions.sources.lines import declared, licence_line, source_line
from sanctions.web.metadata import load_metadata

ROOT = Path(__file__).resolve().parent.parent

READ_AHEAD = """
import json, os, sys
from sanctions.web import declared
{patch}
declared.read_ahead()
forked = bool(declared._ahead)
found = declared.declarations()
print(json.dumps({{"forked": forked, "found": found, "again": declared.declarations() is found}}))
"""

# the reader fails in the forked process only (the lines read here still work)
FAILING = """
import sanctions.sources.lines as lines
parent, real = os.getpid(), lines.declared
lines.declared = lambda: real() if os.getpid() == parent else 1 / 0
"""


def _run(patch: str = "") -> dict:
    done = subprocess.run([sys.executable, "-c", READ_AHEAD.format(patch=patch)], cwd=ROOT,
                          capture_output=True, text=True, check=True, timeout=120)
    return json.loads(done.stdout)


def test_the_lines_read_ahead_are_the_lines_read_here() -> None:
    got = _run()
    assert got["forked"]  # this platform forks: the lines came from the other process
    assert got["found"] == declared() == json.loads(json.dumps(declared()))
    assert got["found"]["sources"] == source_line()
    assert got["found"]["licences"] == licence_line()
    assert got["again"]  # taken once, kept


def test_a_failed_reader_leaves_the_lines_to_this_process() -> None:
    got = _run(FAILING)
    assert got["forked"]
    assert got["found"] == declared()


def test_without_a_read_ahead_the_metadata_reads_the_declarations() -> None:
    meta = load_metadata()
    assert meta["source"] == source_line()
    assert meta["license"] == licence_line()

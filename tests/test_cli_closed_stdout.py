"""`sanctions screen` started with its standard output closed (`>&-`): one plain line on stderr
and exit status 2, never a traceback, an "internal error" (3) or "a match was found" (1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CLOSED = ("error: cannot write standard output: it is closed; redirect it or give "
          "--output FILE\n")


def run_closed(args: list[str]) -> subprocess.CompletedProcess[str]:
    """`python -m sanctions ARGS >&-`: the child starts with file descriptor 1 closed."""
    return subprocess.run(
        [sys.executable, "-m", "sanctions", *args], stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False,
        preexec_fn=lambda: os.close(1), cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "SANCTIONS_AUDIT": ""})


@pytest.mark.parametrize("args", [
    ["Nicolas Maduro"],  # the one-off path (cli/oneoff.py)
    ["Nicolas Maduro", "--format", "json"],
    ["Nicolas Maduro", "--source", "ofac_sdn"],  # typer's path
    ["Nicolas Maduro", "--format", "xlsx"],
])
def test_a_single_query_says_stdout_is_closed(full_db: Path, args: list[str]) -> None:
    done = run_closed(["screen", *args, "--db", str(full_db)])
    assert (done.returncode, done.stderr) == (2, CLOSED)


def test_a_batch_says_stdout_is_closed(full_db: Path, tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text("id,name\nc1,Nicolas Maduro\nc2,Jane Doe\n", encoding="utf-8")
    for fmt in ("csv", "jsonl"):
        done = run_closed(["screen", "--input", str(customers), "--format", fmt,
                           "--db", str(full_db)])
        assert (done.returncode, done.stderr) == (2, CLOSED)


def run_unread(args: list[str]) -> subprocess.CompletedProcess[str]:
    """`python -m sanctions ARGS | (exec 0<&-; ...)`: the reader has gone away before the
    child writes (what `| head` leaves once it has its lines)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "-m", "sanctions", *args], stdin=subprocess.DEVNULL,
            stdout=write, stderr=subprocess.PIPE, text=True, check=False,
            cwd=Path(__file__).resolve().parent.parent, env={**os.environ, "SANCTIONS_AUDIT": ""})
    finally:
        os.close(write)


@pytest.mark.parametrize("args", [
    ["screen", "zzzq xxwv"],  # no match: the one-off path's table (rich's console)
    ["screen", "zzzq xxwv", "--source", "ofac_sdn"],  # typer's path
    ["screen", "zzzq xxwv", "--format", "json"],
    ["screen", "Nicolas Maduro"],  # a match that could not be shown is no "match found"
])
def test_a_reader_gone_away_is_an_error_never_a_match(full_db: Path, args: list[str]) -> None:
    done = run_unread([*args, "--db", str(full_db)])
    assert (done.returncode, done.stderr) == (
        2, "error: cannot write standard output: Broken pipe\n")


def test_another_command_with_its_reader_gone_away_ends_2(full_db: Path) -> None:
    done = run_unread(["sources", "--db", str(full_db)])
    assert (done.returncode, done.stderr) == (2, "")

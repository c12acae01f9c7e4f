"""`sanctions -q` (only errors on stderr) and `sanctions -v` (what runs and what it cost), run
as a shell user runs them: standard output never changes."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

from sanctions.cli.verbosity import QuietStderr

pytest_plugins = ["datasette_fixtures"]  # the db_path fixture

ROOT = Path(__file__).resolve().parent.parent
STARTED = re.compile(r"sanctions \S+ \(Python \d+\.\d+\.\d+\): (\w+)")
COST = re.compile(r"(\w+): \d+\.\d\d s wall, \d+\.\d\d s CPU, peak memory \d+ MB")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sanctions.cli", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)


def test_quiet_keeps_stdout_and_errors_only(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    loud = run("export", "--format", "ftm", "--db", str(db_path), "-o", str(out))
    assert loud.returncode == 0 and loud.stderr.startswith("Exported ")
    quiet = run("-q", "export", "--format", "ftm", "--db", str(db_path), "-o", str(out))
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    rows = "id,name,birth_date\n1,Tren de Aragua,\n2,x,23/11/1962\n"
    args = ("screen", "--db", str(db_path), "--input", "-", "--format", "csv")
    plain, silent = run(*args, stdin=rows), run("-q", *args, stdin=rows)
    assert (silent.returncode, silent.stdout) == (plain.returncode, plain.stdout)
    assert plain.returncode == 1  # a match
    assert "ofac_sdn:49756" in plain.stdout
    # the row that could not be screened is an error: it stays
    row_error = "row 3: birth_date must be YYYY, YYYY-MM or YYYY-MM-DD, not '23/11/1962'\n"
    assert silent.stderr == row_error
    assert row_error in plain.stderr
    missing = run("-q", "show", "nope:1", "--db", str(db_path))
    assert (missing.returncode, missing.stdout, missing.stderr) == (
        2, "", "error: no entity 'nope:1' (ids look like ofac_sdn:22790)\n")


def test_verbose_adds_what_runs_and_its_cost(db_path: Path) -> None:
    plain = run("sources", "--db", str(db_path), "--format", "json")
    loud = run("-v", "sources", "--db", str(db_path), "--format", "json")
    assert (loud.returncode, loud.stdout) == (0, plain.stdout)
    first, *_, last = loud.stderr.splitlines()
    assert STARTED.fullmatch(first) and STARTED.fullmatch(first).group(1) == "sources"  # type: ignore[union-attr]
    assert COST.fullmatch(last) and COST.fullmatch(last).group(1) == "sources"  # type: ignore[union-attr]
    # a failing command still says what it cost, after its error
    failed = run("--verbose", "show", "nope:1", "--db", str(db_path))
    lines = failed.stderr.splitlines()
    assert failed.returncode == 2 and len(lines) == 3
    assert lines[1] == "error: no entity 'nope:1' (ids look like ofac_sdn:22790)"
    assert COST.fullmatch(lines[2])


def test_quiet_and_verbose_together_is_a_usage_error() -> None:
    both = run("-q", "-v", "sources")
    assert (both.returncode, both.stdout, both.stderr) == (
        2, "", "error: -q/--quiet and -v/--verbose do not go together\n")


def test_the_quiet_stream() -> None:
    target = io.StringIO()
    stream = QuietStderr(target)  # type: ignore[arg-type]
    stream.write("Building db ...\n\r[####      ] 40%\rerror: disk full")
    stream.write("\nrow 12: name is required\nwarning: old snapshot\nInternal error: x\n")
    stream.flush()
    assert not stream.isatty()
    assert target.getvalue() == ("error: disk full\nrow 12: name is required\n"
                                 "warning: old snapshot\nInternal error: x\n")

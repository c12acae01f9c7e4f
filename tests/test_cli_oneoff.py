"""The one-off `sanctions screen NAME` read without typer (cli/oneoff.py): which command lines it
takes, that it loads neither typer nor pydantic, and that it prints and exits exactly as typer's
path does for the same command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctions.cli import app, oneoff

runner = CliRunner()


@pytest.mark.parametrize("argv", [
    [], ["--help"], ["-q", "screen", "x"], ["sources"], ["screen"], ["screen", "--help"],
    ["screen", "x", "--input", "a.csv"], ["screen", "x", "--source", "ofac_sdn"],
    ["screen", "x", "y"], ["screen", "x", "--db"], ["screen", "x", "--format", "xlsx"],
    ["screen", "x", "--format", "yaml"], ["screen", "x", "--limit", "ten"],
    ["screen", "x", "--limit", "-1"], ["screen", "x", "--threshold", "1e-1"],
    ["screen", "x", "--threshold", "."], ["screen", "x", "--db", "a", "--db", "b"],
    ["screen", "--", "x"], ["screen", "-x"], ["screen", "x", "--output", "o.json"],
    ["screen", "x", "--db", ""],
])
def test_anything_but_a_plain_one_off_goes_to_typer(argv: list[str]) -> None:
    assert oneoff.parse(argv) is None


def test_a_plain_one_off_is_read_as_typer_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTIONS_DB", "env.db")
    monkeypatch.delenv("SANCTIONS_DECISIONS", raising=False)
    assert oneoff.parse(["screen", "Nicolás Maduro", "--limit=3", "--threshold", ".5",
                         "--format", "json", "--country", "VE", "--no-audit"]) == {
        "name": "Nicolás Maduro", "limit": 3, "threshold": 0.5, "format": "json",
        "country": "VE", "audit": False, "db": Path("env.db"), "decisions": None}
    monkeypatch.setenv("SANCTIONS_DB", "")  # empty: absent, as click reads it
    monkeypatch.setenv("SANCTIONS_DECISIONS", "d.db")
    assert oneoff.parse(["screen", "--imo", "9323596", "--db", "x.db"]) == {
        "imo": "9323596", "db": Path("x.db"), "decisions": Path("d.db")}


def test_the_one_off_loads_neither_typer_nor_pydantic(full_db: Path) -> None:
    """Nor, for a query with no source filter and no tie within a cluster, the source registry
    and the record classes; numpy's BLAS gets one thread (cli.main sets it)."""
    code = ("import os, sys\nos.environ.pop('OPENBLAS_NUM_THREADS', None)\n"
            "from sanctions.cli import main\n"
            f"sys.argv = ['sanctions', 'screen', 'Nicolas Maduro', '--db', {str(full_db)!r}]\n"
            "try:\n    main()\nexcept SystemExit as exc:\n"
            "    heavy = [m for m in ('typer', 'pydantic', 'click', 'rich.progress', 'datasette',"
            " 'requests', 'openpyxl', 'sqlite_utils', 'sanctions.sources', 'sanctions.models')"
            " if m in sys.modules]\n"
            "    threads = open('/proc/self/status').read().split('Threads:')[1].split()[0]\n"
            "    print(exc.code, heavy, os.environ['OPENBLAS_NUM_THREADS'], threads,"
            " file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stderr.splitlines()[-1] == "1 [] 1 1"
    assert "ofac_sdn:22790" in done.stdout


def test_an_unknown_source_is_refused_in_one_line(full_db: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "sanctions", "screen", "Hezbollah", "--db",
                           str(full_db), "--source", "nope"], capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (
        2, "", "error: unknown source 'nope'; known: ofac_sdn, ofac_cons, state_fto, "
        "state_rewards, fbi_wanted, un_sc, uk_sanctions, eu_vessels\n")


@pytest.mark.parametrize("args", [
    ["Nicolas Maduro", "--format", "json"],
    ["Nicolas Maduro", "--format", "jsonl", "--limit", "2", "--threshold", "0.5"],
    ["Zzyzx Qwvb Nobody", "--format", "json"],
    ["--imo", "9323596", "--format", "jsonl"],  # csv: CliRunner turns \r\n into \n
    ["Tren de Aragua", "--type", "organization"],
    ["Nicolas Maduro", "--limit", "500"],
    ["Nicolas Maduro", "--type", "spaceship"],
    ["Nicolas Maduro", "--birth-date", "1962-13-45", "--format", "json"],
])
def test_the_one_off_prints_and_exits_as_typer_does(
        full_db: Path, args: list[str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")  # the table's width, the same for both
    argv = ["screen", "--db", str(full_db), *args]
    typer_run = runner.invoke(app, argv)
    code = oneoff.run(argv)
    out, err = capsys.readouterr()
    assert (code, out, err) == (typer_run.exit_code, typer_run.stdout, typer_run.stderr)
    assert code in (0, 1, 2)


def test_a_missing_database_is_one_line_and_exit_2(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.db"
    assert oneoff.run(["screen", "x", "--db", str(missing)]) == 2
    assert capsys.readouterr() == (
        "", f"error: no database at {missing}; run `sanctions build` first\n")

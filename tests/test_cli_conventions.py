"""The CLI keeps the habits shell users rely on: --version, completion, closed options that list
their choices, `-` for stdin and stdout, tables that fit the terminal, a progress bar with count,
rate and time left, and scores printed as the web prints them without crossing a band."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from sanctions import __version__, screen
from sanctions.cli import app
from sanctions.cli.batch_input import STDIN, count_rows
from sanctions.cli.common import _complete_type, format_score
from sanctions.cli.progress import BatchProgress
from sanctions.cli.render import ScreenPrinter, print_sources
from sanctions.matching import band

pytest_plugins = ["datasette_fixtures"]  # the db_path fixture: a small real database

runner = CliRunner()
NAMES_CSV = "id,name\n1,Tren de Aragua\n2,Nord Star\n3,Maria Fernanda Lopez Gutierrez\n"
BIN = Path(sys.executable).parent / "sanctions"


def sanctions(*args: str, stdin: str = "", columns: int = 80) -> subprocess.CompletedProcess[str]:
    """The installed `sanctions` command in a real process, as a shell runs it."""
    env = {**os.environ, "COLUMNS": str(columns), "PYTHONUTF8": "1"}
    return subprocess.run([str(BIN), *args], input=stdin, capture_output=True, text=True,
                          timeout=120, env=env)


def test_version() -> None:
    assert sanctions("--version").stdout == f"sanctions {__version__}\n"
    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"sanctions {__version__}\n")


def test_help_lists_the_choices_of_every_closed_option() -> None:
    screen_help = runner.invoke(app, ["screen", "--help"]).stdout
    assert "--format <table|json|jsonl|csv|xlsx>" in screen_help
    assert "--type <person|organization|vessel|aircraft>" in screen_help
    for command in (["sources"], ["show", "x"]):
        assert "--format <table|json>" in runner.invoke(app, [*command, "--help"]).stdout


@pytest.mark.parametrize(("args", "choices"), [
    (["screen", "x", "--format", "xml"], "'table', 'json', 'jsonl', 'csv', 'xlsx'"),
    (["sources", "--format", "xml"], "'table', 'json'"),
    (["show", "ofac_sdn:22790", "--format", "xml"], "'table', 'json'"),
])
def test_a_bad_choice_is_a_usage_error_naming_the_choices(args: list[str], choices: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--format': Value error, 'xml' is not one of {choices}.")


def test_type_takes_any_case_and_keeps_the_library_error(db_path: Path) -> None:
    upper = runner.invoke(app, ["screen", "Tren de Aragua", "--type", "ORGANIZATION",
                                "--db", str(db_path), "--format", "json"])
    lower = runner.invoke(app, ["screen", "Tren de Aragua", "--type", "organization",
                                "--db", str(db_path), "--format", "json"])
    assert upper.exit_code == lower.exit_code == 1
    assert json.loads(upper.stdout)["matches"] == json.loads(lower.stdout)["matches"]
    assert json.loads(upper.stdout)["matches"][0]["entity_id"] == "ofac_sdn:49756"
    bad = runner.invoke(app, ["screen", "x", "--type", "ship", "--db", str(db_path)])
    assert (bad.exit_code, bad.stderr) == (
        2, "error: type must be one of person, organization, vessel, aircraft, not 'ship'\n")


def test_completion() -> None:
    assert "--install-completion" in runner.invoke(app, ["--help"]).stdout
    # The bash script, as `--show-completion` prints it once it has detected the user's shell
    # (detection needs a shell among the parent processes, which a test runner may not have).
    script = subprocess.run([str(BIN)], env={**os.environ, "_SANCTIONS_COMPLETE": "source_bash"},
                            capture_output=True, text=True, timeout=60)
    assert script.returncode == 0 and "complete -o default -F _sanctions_completion sanctions" in (
        script.stdout)
    env = {**os.environ, "_SANCTIONS_COMPLETE": "complete_bash", "COMP_CWORD": "3"}
    for words, offered in (("sanctions screen --type v", "vessel\n"),
                           ("sanctions screen --format j", "json\njsonl\n"),
                           ("sanctions sources --format t", "table\n")):
        done = subprocess.run([str(BIN)], env={**env, "COMP_WORDS": words}, capture_output=True,
                              text=True, timeout=60)
        assert done.stdout == offered, words
    assert _complete_type("") == ["person", "organization", "vessel", "aircraft"]


def _expected_csv_rows(db: Path) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for line in NAMES_CSV.splitlines()[1:]:
        qid, name = line.split(",")
        matches = screen(name, db=db, limit=1)["matches"]
        rows.append((qid, name, "1" if matches else "", matches[0]["entity_id"] if matches else "",
                     matches[0]["band"] if matches else ""))
    return rows


def test_csv_from_stdin_to_stdout(db_path: Path) -> None:
    """`cat names.csv | sanctions screen --input - --format csv`, in a real shell pipe."""
    done = subprocess.run(
        f"printf '%s' '{NAMES_CSV}' | '{BIN}' screen --db '{db_path}' --input - --format csv "
        "--limit 1", shell=True, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (1, "")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [(r["id"], r["input_name"], r["rank"], r["entity_id"], r["band"]) for r in rows] == (
        _expected_csv_rows(db_path))
    assert rows[0]["entity_id"] == "ofac_sdn:49756" and rows[1]["entity_id"] == "ofac_sdn:56706"
    # --output - is standard output too: the same bytes
    dash = sanctions("screen", "--db", str(db_path), "--input", "-", "--format", "csv",
                     "--limit", "1", "--output", "-", stdin=NAMES_CSV)
    assert (dash.returncode, dash.stdout) == (1, done.stdout)
    assert not Path("-").exists()


def test_jsonl_from_stdin_to_csv(db_path: Path) -> None:
    """CSV output of a JSONL batch reads it twice: a pipe is spooled, not refused."""
    lines = "".join(json.dumps({"id": str(i), "name": n}) + "\n"
                    for i, n in enumerate(["Nord Star", "Tren de Aragua"], 1))
    result = runner.invoke(app, ["screen", "--db", str(db_path), "--input", "-", "--format",
                                 "csv", "--limit", "1"], input=lines)
    assert result.exit_code == 1, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["id"], r["input_name"], r["entity_id"]) for r in rows] == [
        ("1", "Nord Star", "ofac_sdn:56706"), ("2", "Tren de Aragua", "ofac_sdn:49756")]


def test_stdin_errors_name_standard_input(db_path: Path) -> None:
    result = runner.invoke(app, ["screen", "--db", str(db_path), "--input", "-"],
                           input="id,country\n1,VE\n")
    assert (result.exit_code, result.stderr) == (
        2, "error: standard input: CSV needs a header row with a 'name' or 'imo' column\n")


def test_sources_fit_80_columns(db_path: Path) -> None:
    done = sanctions("sources", "--db", str(db_path), columns=80)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[0].split() == ["key", "title", "as", "of", "age", "kind", "entities"]
    keys = [r["key"] for r in json.loads(sanctions("sources", "--db", str(db_path),
                                                   "--format", "json").stdout)]
    assert [line.split()[0] for line in lines[2:] if line[:1] != " "] == keys
    wide = sanctions("sources", "--db", str(db_path), columns=200).stdout.splitlines()
    assert wide[0].split()[-1] == "publisher" and max(len(line) for line in wide) <= 200


def test_sources_table_narrow_and_wide() -> None:
    row = {"key": "demo_list", "title": "A very long title " * 4, "as_of": "2026-11-30",
           "age_days": 0, "kind": "official", "entity_count": 1234,
           "publisher": "A publisher whose name is long " * 3}
    for width in (60, 80, 119, 120, 160):
        buf = io.StringIO()
        print_sources([row], buf, width)
        lines = buf.getvalue().splitlines()
        assert max(len(line) for line in lines) <= width, width
        assert lines[2].split()[0] == "demo_list" and "1,234" in lines[2]
        assert ("publisher" in lines[0]) == (width >= 120)


def test_progress_shows_count_rate_and_time_left() -> None:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=120, color_system=None)
    bar = BatchProgress("screening names.csv", 10, console)
    bar.start()
    for _ in range(3):
        bar.advance()
    bar.progress.refresh()
    bar.stop()
    text = buf.getvalue()
    assert "screening names.csv" in text and " 3/10 " in text
    assert re.search(r" ([\d,]+|-) rows/s (\d+:\d\d:\d\d|-:--:--)", text), text
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=120, color_system=None)
    bar = BatchProgress("screening standard input", None, console)
    bar.start()
    bar.advance()
    bar.advance()
    bar.progress.refresh()
    bar.stop()
    assert " 2 rows " in buf.getvalue() and " rows/s " in buf.getvalue()


def test_count_rows(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(NAMES_CSV)
    (tmp_path / "b.jsonl").write_text('{"name": "a"}\n{"name": "b"}')  # no final newline
    (tmp_path / "c.csv").write_text("")
    assert [count_rows(tmp_path / n) for n in ("a.csv", "b.jsonl", "c.csv", "missing.csv")] == [
        3, 2, 0, None]
    assert count_rows(STDIN) is None and count_rows(tmp_path) is None


def test_scores_never_print_across_a_band() -> None:
    cases = {0.9854: "0.985", 0.9896: "0.989", 0.99: "0.990", 1.0: "1.000", 0.8999: "0.899",
             0.9: "0.900", 0.8: "0.800", 0.7999: "0.799", 0.0: "0.000", 0.1234: "0.123"}
    assert {s: format_score(s) for s in cases} == cases
    for score, text in cases.items():
        assert band(float(text)) == band(score), score


def _result(score: float) -> dict[str, object]:
    match = {"entity_id": "ofac_sdn:1", "name": "A", "matched_name": "A", "type": "person",
             "programs": ["SDGT"], "related": [], "reward_usd": None, "score": score,
             "band": band(score), "explanation": {"name": {"score": score, "detail": ""}}}
    return {"query": {"name": "A"}, "matches": [match]}


def test_table_prints_three_decimals_in_band() -> None:
    buf = io.StringIO()
    ScreenPrinter(buf).print(_result(0.9854))
    row = next(line for line in buf.getvalue().splitlines() if "ofac_sdn:1" in line)
    assert row.split("│")[1:3] == [" 0.985 ", " strong "]


def test_cli_table_scores_match_json(db_path: Path) -> None:
    args = ["screen", "Nicolas Maduro", "--db", str(db_path), "--threshold", "0"]
    data = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    table = runner.invoke(app, args).stdout
    shown = [line.split("│")[1:3] for line in table.splitlines() if ":" in line and "│" in line
             and line.split("│")[1].strip()]
    assert [(s.strip(), b.strip()) for s, b in shown] == [
        (format_score(m["score"]), m["band"]) for m in data["matches"]]

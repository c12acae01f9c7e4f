"""`sanctions screen` on the full bundled data: the contract, exit codes, batches, bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctions.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()
MATCH_KEYS = {"entity_id", "source", "source_id", "name", "type", "score", "band",
              "matched_name", "programs", "listed_on", "explanation", "related", "reward_usd"}


def run(db: Path, *args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, ["screen", "--db", str(db), *args])
    return r.exit_code, r.stdout, r.stderr


def screen_json(db: Path, *args: str) -> dict:
    code, out, err = run(db, *args, "--format", "json")
    assert code in (0, 1), err
    return json.loads(out)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Tren de Aragua", "ofac_sdn:49756"),
        ("Nicolás Maduro", "ofac_sdn:22790"),
        ("IMO 9323596", "ofac_sdn:56706"),
        ("M/T White Crane", "ofac_sdn:56244"),
        ("Владимир Путин", "ofac_sdn:35096"),
    ],
)
def test_headline_queries_first(full_db: Path, query: str, expected: str) -> None:
    result = screen_json(full_db, query)
    assert result["query"] == {"name": query}
    first = result["matches"][0]
    assert first["entity_id"] == expected
    # "stale": on a match whose record comes from a file past its source's usual age
    assert set(first) - {"stale"} == MATCH_KEYS
    assert set(first["explanation"]) and all(
        set(v) == {"score", "detail"} for v in first["explanation"].values())


def test_one_match_per_cluster_with_related(full_db: Path) -> None:
    """Tren de Aragua: the OFAC record, with the FTO listing of 2025-02-20 as related."""
    matches = screen_json(full_db, "Tren de Aragua")["matches"]
    ids = [m["entity_id"] for m in matches]
    assert "state_fto:tren-de-aragua" not in ids  # folded into the OFAC match
    related = {r["entity_id"]: r for r in matches[0]["related"]}
    assert related["state_fto:tren-de-aragua"]["listed_on"] == "2025-02-20"
    assert related["state_fto:tren-de-aragua"]["programs"] == ["FTO"]


def test_rewards_show_in_screening(full_db: Path) -> None:
    maduro = screen_json(full_db, "Nicolás Maduro")["matches"][0]
    assert {r["reward_usd"] for r in maduro["related"]} == {50_000_000}
    nino = screen_json(full_db, "Nino Guerrero")["matches"][0]
    assert nino["reward_usd"] == 5_000_000
    code, out, _ = run(full_db, "Nicolás Maduro")
    assert code == 1 and "$50,000,000" in out


def test_vessel_on_two_lists(full_db: Path) -> None:
    first = screen_json(full_db, "IMO 9255684")["matches"][0]
    assert {first["entity_id"], *(r["entity_id"] for r in first["related"])} == {
        "ofac_sdn:56547", "eu_vessels:9255684"}


def test_threshold_limit_and_source_filter(full_db: Path) -> None:
    none = screen_json(full_db, "Maria Fernanda Lopez Gutierrez")
    assert none["matches"] == []
    best = screen_json(full_db, "Maria Fernanda Lopez Gutierrez", "--threshold", "0",
                       "--limit", "4")["matches"]
    assert len(best) == 4
    assert [m["score"] for m in best] == sorted((m["score"] for m in best), reverse=True)
    only_un = screen_json(full_db, "Tren de Aragua", "--source", "un_sc", "--threshold", "0")
    assert {m["source"] for m in only_un["matches"]} == {"un_sc"}


def test_a_lookup_by_one_word_shows_the_closest_under_the_threshold(full_db: Path) -> None:
    # a bare surname is no alarm (matching.bare), but "no match" alone would read as "not
    # listed": the table names the closest under the threshold; JSON and the exit status
    # stay the screening's own
    code, out, _ = run(full_db, "Maduro")
    assert code == 0
    assert "no match at or above the threshold" in out
    closest = [line for line in out.splitlines() if "closest under it:" in line]
    assert closest and "ofac_sdn:22790" in closest[0] and "one word only" in out
    data = screen_json(full_db, "Maduro")
    assert data["matches"] == [] and "closest" not in data
    # nothing like it at all: nothing under it either
    code, out, _ = run(full_db, "Zzyzx Qwxjvk")
    assert code == 0 and "closest" not in out


def test_exit_codes(full_db: Path) -> None:
    assert run(full_db, "Tren de Aragua")[0] == 1
    assert run(full_db, "Maria Fernanda Lopez Gutierrez")[0] == 0
    code, _, err = run(full_db, "x", "--type", "ship")
    assert code == 2 and err.startswith("error: type must be one of")
    code, _, err = run(full_db, "x", "--birth-date", "23/11/1962")
    assert code == 2 and "birth_date must be YYYY" in err
    code, _, err = run(full_db)
    assert code == 2 and "give a NAME, --imo N, --identifier ID or --input FILE" in err


@pytest.mark.parametrize(
    "name",
    ["", "   ", "\x00\x01\x02", "a" * 10_000, "Владимир Putin محمد 習近平", "\u202e\u200b"],
    ids=["empty", "spaces", "control", "10k", "mixed-scripts", "bidi"],
)
def test_hostile_names_never_traceback(full_db: Path, name: str) -> None:
    code, out, err = run(full_db, name, "--format", "json")
    assert code in (0, 1, 2)
    assert "Traceback" not in out + err
    if code == 2:
        assert err.strip() in ("error: name is required", "error: name is longer than 300 "
                               "characters", "error: name has no letters or digits to match on")
    else:
        assert isinstance(json.loads(out)["matches"], list)


def test_batch_csv_streams_with_per_row_errors(full_db: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,name,type,customer_ref\n1,Tren de Aragua,,A-1\n2,,person,A-2\n"
                   "3,Maria Fernanda Lopez Gutierrez,person,A-3\n4,IMO 9323596,,A-4\n")
    out = tmp_path / "out.jsonl"
    code, _, err = run(full_db, "--input", str(src), "--output", str(out), "--format", "jsonl")
    assert code == 1  # a match wins over a bad row
    assert err.strip() == "row 3: name is required"
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["query"]["id"] for r in results] == ["1", "2", "3", "4"]
    assert results[0]["query"]["customer_ref"] == "A-1"  # other fields pass through
    assert results[0]["matches"][0]["entity_id"] == "ofac_sdn:49756"
    assert results[1]["error"] == "name is required" and results[1]["matches"] == []
    assert results[2]["matches"] == []
    assert results[3]["matches"][0]["name"] == "NORD STAR"


def test_identifier_option_alone_or_with_a_name(full_db: Path) -> None:
    """Real numbers: ARTAVIL's MMSI (ofac_sdn:15036), a Lebanese national ID (ofac_sdn:33292)."""
    result = screen_json(full_db, "--identifier", "572469210")
    assert result["query"] == {"identifier": "572469210"}
    assert [(m["entity_id"], m["score"]) for m in result["matches"]] == [("ofac_sdn:15036", 1.0)]
    result = screen_json(full_db, "Ali al-Shair", "--identifier", "000013901514", "--limit", "1")
    assert result["query"] == {"name": "Ali al-Shair", "identifier": "000013901514"}
    assert result["matches"][0]["explanation"]["identifier"] == {
        "score": 1.0, "detail": "000013901514 listed for this entity"}
    code, _, err = run(full_db, "--identifier", "12-3")
    assert (code, err) == (2, "error: identifier needs at least 5 letters or digits, not '12-3'\n")
    code, _, err = run(full_db, "--identifier", "572469210", "--input", "x.csv")
    assert (code, err) == (2, "error: give a NAME or --input FILE, not both\n")


def test_batch_identifier_column(full_db: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"  # a file with no name column: identifier is enough
    src.write_text("id,identifier\nv,MMSI 572469210\np,001-1217345-5\nbad,1234\n")
    out = tmp_path / "out.jsonl"
    code, _, err = run(full_db, "--input", str(src), "--output", str(out), "--format", "jsonl",
                       "--limit", "1")
    assert (code, err) == (1, "row 4: identifier needs at least 5 letters or digits, not '1234'\n")
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["query"]["id"], [m["entity_id"] for m in r["matches"]]) for r in results] == [
        ("v", ["ofac_sdn:15036"]), ("p", ["ofac_sdn:26146"]), ("bad", [])]


def test_batch_jsonl_and_csv_output(full_db: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "name": "Cartel de los Soles"}\nnot json\n'
                   '{"id": "b", "name": "Sinaloa Cartel", "type": "organization"}\n')
    code, out, err = run(full_db, "--input", str(src), "--format", "csv", "--limit", "1")
    assert code == 1
    assert "row 2: not valid JSON" in err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["query_id"], r["entity_id"]) for r in rows] == [
        ("a", "ofac_sdn:55025"), ("", ""), ("b", "ofac_sdn:11440")]


def test_batch_json_is_one_array(full_db: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("name\nTren de Aragua\nNord Star\n")
    code, out, _ = run(full_db, "--input", str(src), "--format", "json", "--limit", "1")
    assert code == 1
    assert [r["matches"][0]["entity_id"] for r in json.loads(out)] == [
        "ofac_sdn:49756", "ofac_sdn:56706"]


def test_missing_database_is_one_line(tmp_path: Path) -> None:
    code, _, err = run(tmp_path / "none.db", "Tren de Aragua")
    assert code == 2
    assert err == f"error: no database at {tmp_path / 'none.db'}; run `sanctions build` first\n"


# --- batches always finish (issue 12) -------------------------------------------------------


def test_batch_every_row_gets_a_result_in_order(full_db: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(
        b"\xef\xbb\xbfid,name,ref\r\n"
        b"1,Tren de Aragua,A\r\n"
        b"2,Nicol\xe1s Maduro,B\r\n"  # Latin-1: one undecodable byte
        b'3,"' + b"x" * 70_000 + b'",C\r\n'  # a field over MAX_FIELD_CHARS
        b"4,\"Smith, John\",D,extra\r\n"  # more fields than the header
        b"\r\n"  # a blank line is not a row
        b"5,Nord Star,E\r\n"
        b'6,"never closed,F\r\n'
        b"7,Cartel de los Soles,G\r\n"
    )
    out = tmp_path / "out.jsonl"
    code, stdout, err = run(full_db, "--input", str(src), "--output", str(out),
                            "--format", "jsonl", "--limit", "1")
    assert code == 1
    assert stdout == ""
    assert err.splitlines() == [
        "row 3: not valid UTF-8 (byte 0xE1 at position 8 of line 3)",
        "row 4: field 'name' is longer than 65,536 characters",
        "row 5: row has 4 fields, the header has 3",
        "row 8: a quoted field is not closed",
    ]
    results = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [(r["query"], r.get("row"), r.get("error"),
             [m["entity_id"] for m in r["matches"]]) for r in results] == [
        ({"id": "1", "name": "Tren de Aragua", "ref": "A"}, None, None, ["ofac_sdn:49756"]),
        ({"id": "2", "name": "Nicol\ufffds Maduro", "ref": "B"}, 3,
         "not valid UTF-8 (byte 0xE1 at position 8 of line 3)", []),
        ({"id": "3", "ref": "C"}, 4, "field 'name' is longer than 65,536 characters", []),
        ({"id": "4", "name": "Smith, John", "ref": "D"}, 5,
         "row has 4 fields, the header has 3", []),
        ({"id": "5", "name": "Nord Star", "ref": "E"}, None, None, ["ofac_sdn:56706"]),
        ({}, 8, "a quoted field is not closed", []),
        ({"id": "7", "name": "Cartel de los Soles", "ref": "G"}, None, None, ["ofac_sdn:55025"]),
    ]


def test_batch_bad_rows_and_no_match_exit_2(full_db: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "name": "Maria Fernanda Lopez Gutierrez"}\n{"id": "b"}\n'
                   '{"id": "c", "name": "\\udc80"}\n')
    code, out, err = run(full_db, "--input", str(src), "--format", "json")
    assert code == 2
    assert err.splitlines() == [
        "row 2: name is required",
        "row 3: not valid JSON: a string holds a lone surrogate (\\ud800-\\udfff)"]
    assert [(r["query"], r.get("error")) for r in json.loads(out)] == [
        ({"id": "a", "name": "Maria Fernanda Lopez Gutierrez"}, None),
        ({"id": "b"}, "name is required"),
        ({}, "not valid JSON: a string holds a lone surrogate (\\ud800-\\udfff)")]


def test_batch_csv_output_keeps_every_input_column(full_db: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,name,customer_ref,score,\n1,Nord Star,A-1,high,x\n"
                   "2,Maria Fernanda Lopez Gutierrez,A-2,,\n")
    code, out, _ = run(full_db, "--input", str(src), "--format", "csv", "--limit", "1")
    assert code == 1
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["id", "input_name", "customer_ref", "input_score", "column_5",
                       "query_id", "query_name", "rank", "entity_id", "source", "name", "type",
                       "score", "band", "matched_name", "programs", "listed_on", "related",
                       "error", "decision", "decision_status", "decision_by", "decision_at",
                       "decision_note", "build"]
    hit = dict(zip(rows[0], rows[1], strict=True))
    assert {k: hit[k] for k in ("id", "input_name", "customer_ref", "input_score", "column_5",
                                "query_id", "rank", "entity_id", "name")} == {
        "id": "1", "input_name": "Nord Star", "customer_ref": "A-1", "input_score": "high",
        "column_5": "x", "query_id": "1", "rank": "1", "entity_id": "ofac_sdn:56706",
        "name": "NORD STAR"}
    assert rows[2] == ["2", "Maria Fernanda Lopez Gutierrez", "A-2", "", "", "2",
                       "Maria Fernanda Lopez Gutierrez", "", "", "", "", "", "", "", "", "", "",
                       "", "", "", "", "", "", "", rows[1][-1]]
    assert rows[1][-1] == rows[2][-1] != ""  # every row names the build that answered it
    assert len(rows) == 3


def test_batch_jsonl_to_csv_keeps_every_key(full_db: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "name": "Maria Fernanda Lopez Gutierrez"}\n'
                   '{"id": "b", "name": "Maria Lopez", "tags": ["x", 1]}\n')
    code, out, _ = run(full_db, "--input", str(src), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["id"], r["input_name"], r["tags"]) for r in rows] == [
        ("a", "Maria Fernanda Lopez Gutierrez", ""), ("b", "Maria Lopez", '["x", 1]')]


def test_io_errors_are_one_line_exit_2(full_db: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("name\nTren de Aragua\n")
    assert run(full_db, "--input", str(src), "--output", str(tmp_path)) == (
        2, "", f"error: cannot write {tmp_path}: it is a directory\n")
    assert run(full_db, "--input", str(src), "--output", "/dev/full") == (
        2, "", "error: cannot write /dev/full: No space left on device\n")
    assert run(full_db, "--input", str(tmp_path / "no.csv")) == (
        2, "", f"error: cannot read {tmp_path / 'no.csv'}: No such file or directory\n")
    assert run(full_db, "--input", str(src), "--output", str(src)) == (
        2, "", f"error: --output {src} is the --input file; write the results elsewhere\n")
    assert src.read_text() == "name\nTren de Aragua\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]  # no temp file left


def test_output_replaced_only_when_complete(full_db: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,name\n1,Nord Star\n")
    out = tmp_path / "out.csv"
    out.write_text("previous\n")
    code, _, _ = run(full_db, "--input", str(src), "--output", str(out), "--format", "jsonl",
                     "--limit", "1")
    assert code == 1
    assert [json.loads(x)["query"]["id"] for x in out.read_text().splitlines()] == ["1"]
    code, _, err = run(full_db, "--input", str(tmp_path / "gone.csv"), "--output", str(out))
    assert code == 2 and err.startswith("error: cannot read")
    assert [json.loads(x)["query"]["id"] for x in out.read_text().splitlines()] == ["1"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_bad_csv_header_is_one_line(full_db: Path, tmp_path: Path) -> None:
    cases = {
        b"id,Name\n1,x\n": "CSV needs a header row with a 'name' or 'imo' column",
        b"id,name,id\n": "the CSV header repeats column 'id'",
        b"id,n\xe4me\n": "line 1 (the CSV header): not valid UTF-8 (byte 0xE4 at position 5 of "
                         "line 1)",
        b"": "line 1 (the CSV header): the file is empty",
    }
    src = tmp_path / "in.csv"
    for content, message in cases.items():
        src.write_bytes(content)
        assert run(full_db, "--input", str(src)) == (2, "", f"error: {src}: {message}\n")


# --- names print literally; the exit code tells the truth ------------------------------------


@pytest.mark.parametrize(("name", "threshold"), [
    ("[b]Vladimir Putin[/b]", "0.7"), ("[red]Putin, Vladimir", "0.8"), ("[red]x", "0.8"),
    ("Vladimir :flag_for_russia: Putin", "0.8"), ("Putin\\[b]", "0.8")])
def test_table_prints_names_literally(full_db: Path, name: str, threshold: str) -> None:
    as_json = screen_json(full_db, name, "--threshold", threshold)
    code, out, err = run(full_db, name, "--threshold", threshold)
    assert err == ""
    assert code == (1 if as_json["matches"] else 0)
    first = out.splitlines()[0]
    if as_json["matches"]:
        assert first.strip() == repr(name)
        assert as_json["matches"][0]["entity_id"] in out
    else:  # then the closest under the threshold, if any (names literal there too)
        assert first == f"{name!r}: no match at or above the threshold"
        rest = out.splitlines()[1:]
        assert all(line.startswith("  closest under it: ") for line in rest), out


def test_markup_name_matches_with_a_lower_threshold(full_db: Path) -> None:
    code, out, _ = run(full_db, "[b]Vladimir Putin[/b]", "--threshold", "0.7")
    assert code == 1
    assert out.splitlines()[0].strip() == "'[b]Vladimir Putin[/b]'"
    assert "ofac_sdn:35096" in out


def test_show_prints_values_literally(full_db: Path) -> None:
    from rich.console import Console

    from sanctions.cli.render import print_show
    from sanctions.store.entities import show

    result = show("ofac_sdn:35096", db=full_db)
    result["records"][0]["name"] = "[b]PUTIN[/b] :smile:"
    buf = io.StringIO()
    print_show(result, Console(file=buf, width=200, emoji=False, highlight=False))
    assert buf.getvalue().splitlines()[0] == "[b]PUTIN[/b] :smile:  person  ofac_sdn:35096"


def test_entry_point_exit_codes(full_db: Path, tmp_path: Path) -> None:
    """typer's codes pass through `main`; a crash is one line and exit 3, never 1."""
    import shutil
    import sqlite3
    import subprocess
    import sys

    def main(*args: str) -> tuple[int, str]:
        r = subprocess.run([sys.executable, "-m", "sanctions", *args], capture_output=True,
                           text=True, timeout=120)
        return r.returncode, r.stderr

    assert main("--help")[0] == 0
    code, err = main("screen", "--bogus")
    assert code == 2 and "No such option: --bogus" in err
    db = tmp_path / "corrupt.db"
    shutil.copyfile(full_db, db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE entities SET programs = '{' WHERE id = 'ofac_sdn:35096'")
    conn.close()
    assert main("screen", "--db", str(db), "Putin") == (
        3, "internal error: JSONDecodeError: Expecting property name enclosed in double quotes: "
           "line 1 column 2 (char 1); please report it (SANCTIONS_DEBUG=1 shows the traceback)\n")


def test_batch_from_a_pipe(full_db: Path) -> None:
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "sanctions", "screen", "--db", str(full_db),
                        "--input", "/dev/stdin", "--format", "jsonl", "--limit", "1"],
                       input="id,name\n1,Nord Star\n", capture_output=True, text=True,
                       timeout=120)
    assert (r.returncode, r.stderr) == (1, "")
    assert [(x["query"], x["matches"][0]["entity_id"])
            for x in map(json.loads, r.stdout.splitlines())] == [
        ({"id": "1", "name": "Nord Star"}, "ofac_sdn:56706")]

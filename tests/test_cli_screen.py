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
    assert set(first) == MATCH_KEYS
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


def test_exit_codes(full_db: Path) -> None:
    assert run(full_db, "Tren de Aragua")[0] == 1
    assert run(full_db, "Maria Fernanda Lopez Gutierrez")[0] == 0
    code, _, err = run(full_db, "x", "--type", "ship")
    assert code == 2 and err.startswith("error: type must be one of")
    code, _, err = run(full_db, "x", "--birth-date", "23/11/1962")
    assert code == 2 and "birth_date must be YYYY" in err
    code, _, err = run(full_db)
    assert code == 2 and "give a NAME, --imo N or --input FILE" in err


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

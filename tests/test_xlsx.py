"""XLSX customer files in and results out (sanctions.batch_files), through the CLI and the
bytes API the web's upload uses."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from sanctions.batch_files import (
    MATCH_COLUMNS,
    header,
    read_rows,
    write_results,
)
from sanctions.cli import app
from sanctions.cli.batch_input import BatchFile, count_rows
from sanctions.errors import SanctionsError
from sanctions.ingest.build import build
from sanctions.sources import get_source

runner = CliRunner()
HEADER = ["id", "name", "customer_ref", "birth_date", "imo", "score"]


@pytest.fixture(scope="module")
def un_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("un") / "sanctions.db"
    build(path, sources=[get_source("un_sc")])
    return path


def workbook(path: Path, rows: list[list[object]], head: list[str] = HEADER) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # a customer's name that starts with "=", typed as text
    book.save(path)
    return path


ROWS: list[list[object]] = [
    ["c1", "Eric Badege", "A-1", date(1971, 1, 1), None, "high"],
    [],  # a blank row in the middle of a sheet: not a row
    ["c2", "=HYPERLINK(\"http://x\")", "A-2", None, None, None],
    [3, "Maria Fernanda Lopez Gutierrez", 17.0, None, None, None],
    ["c4", "Ali", "A-4", None, None, None, "a cell past the header"],
]


def test_xlsx_rows_read_like_csv_rows(tmp_path: Path) -> None:
    path = workbook(tmp_path / "in.xlsx", ROWS)
    with BatchFile(path) as batch:
        assert batch.columns == HEADER
        rows = [(r.line, r.fields, r.error) for r in batch.rows()]
    assert rows == [
        (2, {"id": "c1", "name": "Eric Badege", "customer_ref": "A-1",
             "birth_date": "1971-01-01", "imo": "", "score": "high"}, None),
        (4, {"id": "c2", "name": "=HYPERLINK(\"http://x\")", "customer_ref": "A-2",
             "birth_date": "", "imo": "", "score": ""}, None),
        (5, {"id": "3", "name": "Maria Fernanda Lopez Gutierrez", "customer_ref": "17",
             "birth_date": "", "imo": "", "score": ""}, None),
        (6, {"id": "c4", "name": "Ali", "customer_ref": "A-4", "birth_date": "", "imo": "",
             "score": ""}, "row has 7 cells, the header has 6"),
    ]
    assert count_rows(path) is None  # no progress total from a zip's line breaks
    # the bytes API (the web's upload) reads the same rows
    columns, again = read_rows(path.read_bytes(), "in.xlsx")
    assert columns == HEADER
    assert [(r.line, r.fields, r.error) for r in again] == rows


def test_csv_and_jsonl_bytes_read_as_the_cli_reads_files() -> None:
    columns, rows = read_rows(b"\xef\xbb\xbfid,name\nc1,Eric Badege\n\nc2,\"Ali\n", "x.csv")
    assert columns == ["id", "name"]
    assert [(r.line, r.fields, r.error) for r in rows] == [
        (2, {"id": "c1", "name": "Eric Badege"}, None),
        (4, {}, "a quoted field is not closed"),
    ]
    columns, rows = read_rows(b'{"id": 1, "name": "Eric Badege"}\nnot json\n', "x.jsonl")
    assert columns is None
    assert [(r.line, r.fields, r.error) for r in rows] == [
        (1, {"id": 1, "name": "Eric Badege"}, None),
        (2, {}, "not valid JSON: Expecting value (column 1)"),
    ]


@pytest.mark.parametrize(("data", "problem"), [
    (b"PK\x03\x04 not really a zip", "not a readable XLSX workbook (BadZipFile: File is not a "
                                     "zip file)"),
    (None, "needs a header row with a 'name' or 'imo' column"),
])
def test_a_bad_workbook_is_one_line(tmp_path: Path, data: bytes | None, problem: str) -> None:
    path = tmp_path / "bad.xlsx"
    if data is None:
        workbook(path, [["c1", "x"]], head=["id", "customer"])
    else:
        path.write_bytes(data)
    with pytest.raises(SanctionsError) as err:
        BatchFile(path)
    assert str(err.value) == f"{path}: {problem}"
    result = runner.invoke(app, ["screen", "--input", str(path), "--db", str(path)])
    assert result.exit_code == 2
    assert result.output == f"error: {path}: {problem}\n"


def test_screen_an_xlsx_file(tmp_path: Path, un_db: Path) -> None:
    path = workbook(tmp_path / "in.xlsx", ROWS)
    result = runner.invoke(app, ["screen", "--input", str(path), "--db", str(un_db),
                                 "--format", "jsonl", "--limit", "1"])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    import json

    results = [json.loads(line) for line in lines]
    assert [r["query"]["id"] for r in results] == ["c1", "c2", "3", "c4"]
    assert results[0]["matches"][0]["entity_id"] == "un_sc:6907993"
    assert results[3]["error"] == "row has 7 cells, the header has 6"


def test_screen_writes_xlsx_with_every_input_column(tmp_path: Path, un_db: Path) -> None:
    path = workbook(tmp_path / "in.xlsx", ROWS)
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["screen", "--input", str(path), "--db", str(un_db),
                                 "--format", "xlsx", "--output", str(out), "--limit", "1"])
    assert result.exit_code == 1, result.output
    cells = [[c.value for c in row] for row in load_workbook(out).worksheets[0].iter_rows()]
    assert cells[0] == header(HEADER, ())  # every input column, then the match columns
    assert cells[1][cells[0].index("entity_id")] == "un_sc:6907993"
    assert len(cells) == 5  # the header and one line per input row, the bad row included


def test_results_as_xlsx_keep_every_input_column(tmp_path: Path) -> None:
    match = {"entity_id": "un_sc:6907993", "source": "un_sc", "name": "ERIC BADEGE",
             "type": "person", "score": 1.0, "band": "exact", "matched_name": "ERIC BADEGE",
             "programs": ["DRC"], "listed_on": "2012-12-31", "related": [], "reward_usd": None,
             "change": "new_hit"}
    results: list[dict[str, Any]] = [
        {"query": {"id": "c1", "name": "Eric Badege", "score": "high"}, "matches": [match],
         "data_version": {"build": "2026-11-30T09:00:55+00:00"}},
        {"query": {"id": "c2", "name": "=1+2", "score": ""}, "matches": []},
    ]
    data = write_results(results, ["id", "name", "score"], "xlsx", extra=("change",))
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    names = ["id", "input_name", "input_score", *MATCH_COLUMNS, "change"]
    assert cells[0] == names == header(["id", "name", "score"], ("change",))
    first = dict(zip(names, cells[1], strict=True))
    assert (first["id"], first["input_score"], first["rank"], first["score"],
            first["entity_id"], first["programs"], first["build"], first["change"]) == (
        "c1", "high", 1, 1, "un_sc:6907993", "DRC", "2026-11-30T09:00:55+00:00", "new_hit")
    second = dict(zip(names, cells[2], strict=True))
    assert second["input_name"] == "=1+2" and second["query_name"] == "=1+2"  # text, no formula
    assert sheet.cell(3, 2).data_type == "s"
    # the same rows as CSV
    text = write_results(results, ["id", "name", "score"], "csv", extra=("change",)).decode()
    assert text.splitlines()[0] == ",".join(names)
    assert text.splitlines()[2].startswith("c2,=1+2,,c2,=1+2,,")

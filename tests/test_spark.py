"""Spark batch (local mode): the same 10,000 rows through `sanctions screen --engine spark` and
through the local batch give the same entities with the same scores, row for row.

The rows: the first 9,200 customers of eval/customers.csv (Faker names: few alarms) and the 800
queries of eval/dev_set.csv (listed names as people type them: many), two of them made bad.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sanctions.cli.app import app

pytest.importorskip("pyspark")
pytest.importorskip("pyarrow")
if shutil.which("java") is None:
    pytest.skip("no Java runtime (.ci/run installs Debian's headless JRE)",
                allow_module_level=True)

EVAL = Path(__file__).resolve().parent.parent / "eval"


@pytest.fixture(scope="module")
def rows_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with open(EVAL / "customers.csv", encoding="utf-8", newline="") as fh:
        rows = [{"id": r["id"], "name": r["name"], "type": r["type"], "segment": r["locale"]}
                for r in csv.DictReader(fh)][:9200]
    with open(EVAL / "dev_set.csv", encoding="utf-8", newline="") as fh:
        rows += [{"id": f"D{n:04d}", "name": r["query"], "type": r["type"], "segment": "dev"}
                 for n, r in enumerate(csv.DictReader(fh))]
    rows = rows[:10_000]
    rows[5]["name"], rows[6]["type"] = "", "spaceship"
    path = tmp_path_factory.mktemp("spark") / "customers.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, ["id", "name", "type", "segment"])
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def spark_hits(rows_csv: Path, full_db: Path) -> tuple[Any, int]:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    out = rows_csv.with_name("hits.parquet")
    res = CliRunner().invoke(app, ["screen", "--engine", "spark", "--master", "local[2]",
                                   "--input", str(rows_csv), "--output", str(out),
                                   "--db", str(full_db)])
    assert res.exit_code == 1, res.output  # 1: some row has a match
    import pandas as pd

    return pd.read_parquet(out), res.exit_code


def test_spark_gives_the_clis_results(rows_csv: Path, full_db: Path,
                                      spark_hits: tuple[Any, int]) -> None:
    frame, code = spark_hits
    cli = rows_csv.with_name("cli.jsonl")
    res = CliRunner().invoke(app, ["screen", "--input", str(rows_csv), "--format", "jsonl",
                                   "--output", str(cli), "--db", str(full_db)])
    assert (res.exit_code, code) == (1, 1)
    expected: dict[str, list[tuple[str, float]]] = {}
    errors: dict[str, str] = {}
    for line in cli.read_text(encoding="utf-8").splitlines():
        result = json.loads(line)
        expected[result["query"]["id"]] = [(m["entity_id"], m["score"])
                                          for m in result["matches"]]
        if result.get("error"):
            errors[result["query"]["id"]] = result["error"]
    got: dict[str, list[tuple[int, str, float]]] = {}
    for row in frame.itertuples():
        got.setdefault(row.query_id, [])
        if isinstance(row.entity_id, str):
            got[row.query_id].append((row.rank, row.entity_id, row.score))
    assert len(expected) == 10_000
    assert sum(map(len, expected.values())) > 300  # the dev queries: plenty of matches
    assert {k: [(e, s) for _, e, s in sorted(v)] for k, v in got.items()} == expected
    assert {r.query_id: r.error for r in frame.itertuples() if isinstance(r.error, str)} \
        == errors == {"C000006": "name is required",
                      "C000007": "type must be one of person, organization, vessel, aircraft, "
                                 "not 'spaceship'"}


def test_a_row_has_the_batch_columns(spark_hits: tuple[Any, int]) -> None:
    frame, _ = spark_hits
    from sanctions.batch_files import MATCH_COLUMNS

    # an input column a match column takes gets an `input_` prefix, as in the CSV
    assert list(frame.columns) == ["id", "input_name", "input_type", "segment",
                                   *MATCH_COLUMNS[:14], "build"]
    row = frame[(frame.input_name == "Tren de Aragua") & (frame["rank"] == 1)].iloc[0]
    assert {k: row[k] for k in ("id", "query_id", "query_name", "entity_id", "source",
                                "name", "type", "band", "segment")} == {
        "id": "D0000", "query_id": "D0000", "query_name": "Tren de Aragua",
        "entity_id": "ofac_sdn:49756", "source": "ofac_sdn", "name": "TREN DE ARAGUA",
        "type": "organization", "band": "exact", "segment": "dev"}
    assert list(row["programs"]) == ["FTO", "SDGT", "TCO"]
    assert list(row["related"]) == ["state_fto:tren-de-aragua"]


def test_spark_needs_an_output_file(rows_csv: Path, full_db: Path) -> None:
    res = CliRunner().invoke(app, ["screen", "--engine", "spark", "--input", str(rows_csv),
                                   "--db", str(full_db)])
    assert (res.exit_code, res.output.strip()) == (
        2, "error: --engine spark writes a file: give --output PATH")


def test_a_bad_input_is_one_line_and_never_a_match(tmp_path: Path, full_db: Path,
                                                    spark_hits: tuple[Any, int]) -> None:
    bad = tmp_path / "customers.parquet"
    bad.write_bytes(b"PAR1 this is not a parquet file")
    nameless = tmp_path / "accounts.csv"
    nameless.write_text("account,balance\n1,2\n", encoding="utf-8")
    for path, message in (
        (bad, "error: Spark failed: "),
        (nameless, "error: accounts.csv has no name, imo or identifier column (its columns: "
                   "account, balance)"),
    ):
        res = CliRunner().invoke(app, ["screen", "--engine", "spark", "--input", str(path),
                                       "--output", str(tmp_path / "out.parquet"),
                                       "--db", str(full_db)])
        lines = [line for line in res.output.splitlines() if line.startswith("error:")]
        assert res.exit_code == 2
        assert len(lines) == 1 and lines[0].startswith(message)
        assert not (tmp_path / "out.parquet").exists()


def test_rows_are_dealt_out_by_count_not_by_file_split(tmp_path: Path) -> None:
    # A Parquet file is split by bytes at row-group boundaries: a 500k-row file read on two
    # cores came as 350k + 150k rows, and one core screened alone for the last 40% of the run.
    import pandas as pd
    from pyspark.sql import SparkSession

    from sanctions.spark import TASKS_PER_CORE, deal, task_count

    path = tmp_path / "customers.parquet"
    pd.DataFrame({"id": [f"C{i:05d}" for i in range(8_000)],
                  "name": [f"Customer {i}" for i in range(8_000)]}).to_parquet(
        path, row_group_size=1_600)
    spark = SparkSession.builder.master("local[2]").getOrCreate()
    spark.conf.set("spark.sql.files.openCostInBytes", "1")  # split this small file as a big one
    try:
        df = spark.read.parquet(str(path))
        split = df.rdd.glom().map(len).collect()
    finally:
        spark.conf.unset("spark.sql.files.openCostInBytes")
    assert split == [4_800, 3_200]  # by bytes, in whole row groups: uneven
    assert spark.sparkContext.defaultParallelism == 2
    # every split holds whole row groups of 1,600 rows, so round-robin deals them out exactly
    assert TASKS_PER_CORE == 8
    assert deal(df).rdd.glom().map(len).collect() == [500] * 16
    assert deal(df, 5).rdd.glom().map(len).collect() == [1_600] * 5
    assert (task_count(1, 2), task_count(500, 2), task_count(1, 0)) == (
        2 * TASKS_PER_CORE, 500, TASKS_PER_CORE)

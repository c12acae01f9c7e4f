"""`sanctions screen --engine spark`: a batch file screened by Spark, locally or on a cluster.

The input is Parquet, CSV (with a header) or JSON lines, by its suffix, with the batch columns
(id, name, type, country, birth_date, imo, identifier; any other column is passed through); the
output is written the same way (Parquet unless it ends in .csv or .jsonl/.json) as Spark writes
it: a directory of part files. It is written beside its name and renamed into place when
complete, so a failed run leaves the previous output as it was. Exit status as for every batch:
1 when a row has a match, 2 when none has and some row was bad.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import typer

from ..errors import SanctionsError

QUERY_COLUMNS = ("id", "name", "type", "country", "birth_date", "imo", "identifier")
_PY_ERROR = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception): ")  # a Python traceback's last line
DEFAULT_MASTER = "local[*]"


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    return {".csv": "csv", ".jsonl": "json", ".json": "json", ".ndjson": "json"}.get(
        suffix, "parquet")


def session(master: str | None) -> Any:
    """A Spark session on `master` (else env SPARK_MASTER, else every local core)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SanctionsError("--engine spark needs pyspark: pip install 'sanctions[spark]'"
                             ) from None
    # Local workers run this Python (with this package), not whatever `python3` is on the PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master or os.environ.get("SPARK_MASTER")
                                          or DEFAULT_MASTER).appName("sanctions screen")
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    return builder.getOrCreate()


def read(spark: Any, path: Path) -> Any:
    kind = _kind(path)
    if not path.exists():
        raise SanctionsError(f"cannot read {path}: no such file")
    if kind == "csv":  # every cell as text, as the local engine reads a CSV
        return spark.read.csv(str(path), header=True, inferSchema=False)
    if kind == "json":
        return spark.read.json(str(path))
    return spark.read.parquet(str(path))


def write(df: Any, path: Path) -> None:
    """Write the results beside `path`, then swap them in."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    kind = _kind(path)
    writer = df.write.mode("overwrite")
    try:
        if kind == "csv":  # CSV has no lists: joined with ";" as the local engine writes them
            from pyspark.sql import functions as F

            df = df.withColumn("programs", F.array_join("programs", ";")).withColumn(
                "related", F.array_join("related", ";"))
            df.write.mode("overwrite").csv(str(tmp), header=True)
        elif kind == "json":
            writer.json(str(tmp))
        else:
            writer.parquet(str(tmp))
        old = path.with_name(f".{path.name}.{os.getpid()}.old")
        if path.exists():
            path.rename(old)
        tmp.rename(path)
        if old.exists():
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def run_spark(input: Path, output: Path | None, db: Path, master: str | None,
              options: dict[str, Any]) -> tuple[bool, bool]:
    """Screen `input` into `output` with Spark; (some row matched, some row was bad). A
    failure of Spark (a JVM error, a lost executor) is one SanctionsError line."""
    try:
        return _run(input, output, db, master, options)
    except SanctionsError:
        raise
    except Exception as exc:  # Py4J and Spark errors carry a JVM stack trace: keep one line
        raise SanctionsError(f"Spark failed: {_cause(exc)}") from exc


def _cause(exc: Exception) -> str:
    """The line of a Spark error that says what went wrong: the Python worker's own error
    (e.g. an index file it could not open) when there is one, else the first line."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    python = [line for line in lines if _PY_ERROR.match(line)]
    return python[-1] if python else f"{exc.__class__.__name__}: {lines[0] if lines else ''}"


def _run(input: Path, output: Path | None, db: Path, master: str | None,
         options: dict[str, Any]) -> tuple[bool, bool]:
    if output is None or str(output) == "-":
        raise SanctionsError("--engine spark writes a file: give --output PATH")
    if output.resolve() == input.resolve():
        raise SanctionsError(f"--output {output} is the --input file; write the results "
                             "elsewhere")
    from ..spark import screen as spark_screen

    spark = session(master)
    df = read(spark, input)
    present = {c: c if c in df.columns else None for c in QUERY_COLUMNS}
    if present["name"] is None and present["imo"] is None and present["identifier"] is None:
        raise SanctionsError(f"{input.name} has no name, imo or identifier column "
                             f"(its columns: {', '.join(df.columns)})")
    hits = spark_screen(
        df, name_col=present["name"], id_col=present["id"], type_col=present["type"],
        country_col=present["country"], birth_date_col=present["birth_date"],
        imo_col=present["imo"], identifier_col=present["identifier"], db=db, **options)
    write(hits, output)
    from pyspark.sql import functions as F

    done = read(spark, output)  # counted from the file: screening twice would double the cost
    row = done.agg(F.count(F.col("entity_id")).alias("matches"),
                   F.count(F.col("error")).alias("errors")).first()
    typer.echo(f"screened {input.name} with Spark: {row['matches']:,} matches, "
               f"{row['errors']:,} rows with an error; results in {output}", err=True)
    return row["matches"] > 0, row["errors"] > 0

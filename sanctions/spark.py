"""Batch screening on Apache Spark: a DataFrame of customers in, the batch contract's rows out.

    >>> from sanctions.spark import screen  # doctest: +SKIP
    >>> hits = screen(customers, name_col="full_name", id_col="customer_id",
    ...               db="sanctions.db")  # doctest: +SKIP

The database file is shipped to the executors once (`SparkContext.addFile`, read back there with
`SparkFiles.get`), or read from a path every executor sees (`ship=False`: a shared file system).
Each executor's Python worker loads the index once and keeps it for every task it runs after
(a module global; Spark reuses its Python workers). Rows are screened by `sanctions.batch`, the
code behind `sanctions screen --input`, so the results are the CLI's. Needs the `spark` extra
(pyspark, pandas, pyarrow); docs/spark.md says how to run it on a cluster.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .store import DEFAULT_DB

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

# The batch contract's match columns (sanctions.batch_files.MATCH_COLUMNS), with their Spark
# types: lists stay lists here rather than the CSV's ";"-joined text.
MATCH_COLUMNS: tuple[tuple[str, str], ...] = (
    ("query_id", "string"), ("query_name", "string"), ("rank", "int"), ("entity_id", "string"),
    ("source", "string"), ("name", "string"), ("type", "string"), ("score", "double"),
    ("band", "string"), ("matched_name", "string"), ("programs", "array<string>"),
    ("listed_on", "string"), ("related", "array<string>"), ("error", "string"),
    ("build", "string"),
)
# Not here: the batch contract's decision columns. Decisions are recorded in a file beside the
# database for one installation's customers (sanctions decide); a cluster run reports matches.
_INDEXES: dict[str, Any] = {}  # database path -> index, per Python worker
# Several equal tasks per core rather than one: a core that screens its rows faster (the
# other shares its CPU with the JVM, or with another job) takes more of them, so the cores
# finish within about one task of each other. A Python worker is reused from task to task and
# keeps its index, so a task costs milliseconds more, not an index open.
TASKS_PER_CORE = 8


def task_count(input_partitions: int, cores: int) -> int:
    """How many tasks to deal the rows out to: `TASKS_PER_CORE` a core, or the input's own
    count when it has more (a big input keeps its tasks' size)."""
    return max(input_partitions, TASKS_PER_CORE * max(cores, 1))


def output_names(columns: list[str]) -> list[str]:
    """The input columns (one a match column takes gets an `input_` prefix, as in the CSV),
    then the match columns."""
    from .batch_files import input_names

    matches = [c for c, _ in MATCH_COLUMNS]
    return input_names(columns, matches) + matches


def screen(df: DataFrame, *, name_col: str | None = "name", id_col: str | None = "id",
           type_col: str | None = None, country_col: str | None = None,
           birth_date_col: str | None = None, imo_col: str | None = None,
           identifier_col: str | None = None, db: Path | str = DEFAULT_DB,
           threshold: float | None = None, limit: int = 10,
           source: list[str] | None = None, program: str | None = None,
           ship: bool = True, partitions: int | None = None) -> DataFrame:
    """Screen every row of `df`: its columns, then one row per match (rank 1, 2, ...) or one
    row with no match (and `error` when the row is not a valid query). `*_col`: the columns
    holding each query field (None: not given). `ship=False`: `db` is a path every executor
    can read. `partitions`: deal the rows out to this many tasks (default `task_count`). They
    are always dealt out by count, never left as the input's file splits: those follow bytes
    and row groups (a 500k-row Parquet file read on two cores came as 350k + 150k rows), and a
    core whose share is done idles while the other screens the rest."""
    from .errors import SanctionsError
    from .screening import parse

    defaults = {k: v for k, v in (("threshold", threshold), ("limit", limit),
                                  ("source", source), ("program", program)) if v is not None}
    parse({"name": "x", **defaults})  # a bad option is the caller's error, not every row's
    given = {"id": id_col, "name": name_col, "type": type_col, "country": country_col,
             "birth_date": birth_date_col, "imo": imo_col, "identifier": identifier_col}
    fields = {k: c for k, c in given.items() if c is not None}
    missing = sorted(c for c in fields.values() if c not in df.columns)
    if missing:
        raise SanctionsError(f"no column {', '.join(map(repr, missing))} in the input "
                             f"(its columns: {', '.join(df.columns)})")
    db_path = Path(db)
    if not db_path.is_file():
        raise SanctionsError(f"no database at {db_path}; run `sanctions build` first")
    from .store.version import read_data_version

    build = read_data_version(db_path).get("build")
    spark = df.sparkSession
    path, build_id = _index_file(db_path)
    if ship:
        spark.sparkContext.addFile(str(path.resolve()))
    where = path.name if ship else str(path.resolve())
    df = deal(df, partitions)
    names = output_names(list(df.columns))
    input_types = [f.simpleString().split(":", 1)[1] for f in df.schema.fields]
    schema = ", ".join(f"`{n}` {t}" for n, t in zip(
        names, input_types + [t for _, t in MATCH_COLUMNS], strict=True))
    columns = list(df.columns)

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        return screen_batches(batches, (where, ship, build_id), fields, defaults, columns,
                              names, build)

    return df.mapInPandas(run, schema)


def deal(df: DataFrame, partitions: int | None = None) -> DataFrame:
    """`df`'s rows dealt out round-robin to `partitions` tasks (default `task_count`): equal
    counts, whatever the input's file splits were."""
    cores = df.sparkSession.sparkContext.defaultParallelism
    return df.repartition(partitions or task_count(df.rdd.getNumPartitions(), cores))


def _index_file(db_path: Path) -> tuple[Path, str | None]:
    """What executors need: the index file the database's build wrote (and its build id), or,
    from a database built before there were index files, the database itself."""
    from .store import reading
    from .store.index import load_index, read_build_id
    from .store.index_write import index_path

    load_index(db_path)  # opens the build's index file; rewrites it when missing or stale
    with reading(db_path, immutable=True) as conn:
        build_id = read_build_id(conn)
    if build_id is not None:
        from .store.index_file import IndexFileError, open_index_file

        path = index_path(db_path, build_id)
        try:  # one the executors can open (it could not be rewritten in a read-only place)
            open_index_file(path, build_id)
            return path, build_id
        except IndexFileError:
            pass
    return db_path, None


# (file name or path, shipped with addFile, build id of an index file or None for a database)
Where = tuple[str, bool, str | None]


def _index(where: Where) -> Any:
    """The index, opened once per Python worker."""
    index = _INDEXES.get(where[0])
    if index is None:
        name, shipped, build_id = where
        path = name
        if shipped:
            from pyspark import SparkFiles

            path = SparkFiles.get(name)
        if build_id is not None:
            from .store.index_file import open_index_file

            index = open_index_file(path, build_id)
        else:
            from .screening import load_index

            index = load_index(path)
        _INDEXES[name] = index
    return index


def _value(value: Any) -> str | None:
    """A cell as the CLI reads it from a file: text, blank and missing as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value)
    return text if text.strip() else None


def screen_batches(batches: Iterator[pd.DataFrame], where: Where,
                   fields: Mapping[str, str], defaults: Mapping[str, Any], columns: list[str],
                   names: list[str], build: str | None = None) -> Iterator[pd.DataFrame]:
    """mapInPandas's function: each batch of input rows as output rows."""
    import pandas as pd

    from .batch import run_batch

    index = _index(where)
    for pdf in batches:
        rows = []
        for values in zip(*(pdf[c] for c in fields.values()), strict=True):
            row = {k: v for k, v in zip(fields, map(_value, values), strict=True)
                   if v is not None}
            rows.append(row)
        take: list[int] = []
        out: dict[str, list[Any]] = {c: [] for c, _ in MATCH_COLUMNS}
        for position, result in enumerate(run_batch(index, rows, defaults, workers=1)):
            for row in _match_rows(result, build):
                take.append(position)
                for column, _ in MATCH_COLUMNS:
                    out[column].append(row.get(column))
        frame = pdf.iloc[take].reset_index(drop=True)
        frame.columns = names[: len(columns)]
        for column, kind in MATCH_COLUMNS:
            dtype = {"int": "Int32", "double": "Float64"}.get(kind, "object")
            frame[column] = pd.array(out[column], dtype=dtype)
        yield frame


def _match_rows(result: Mapping[str, Any], build: str | None) -> Iterator[dict[str, Any]]:
    """The CSV output's rows of one result (sanctions.batch_files.result_rows), lists kept as
    lists."""
    query = result["query"]
    base = {"query_id": query.get("id"), "query_name": query.get("name"),
            "build": None if result.get("error") else build}  # as screen_many: none on errors
    if result.get("error") or not result["matches"]:
        yield {**base, "error": result.get("error")}
    for rank, match in enumerate(result["matches"], 1):
        yield {**base, "rank": rank, **{k: match.get(k) for k, _ in MATCH_COLUMNS[3:10]},
               "programs": list(match["programs"]), "listed_on": match.get("listed_on"),
               "related": [r["entity_id"] for r in match["related"]]}

"""Spark throughput in local mode with 1 and 2 workers, and the speed-up between them.

    python scripts/bench_spark.py [--rows 1000000] [--db db/sanctions.db] [--repeat 1]
                                  [--workers 1 2] [--partitions 0]

Writes N synthetic customers to a Parquet file (first and last names recombined from
eval/customers.csv, companies from its company names with a number: they look like a bank's
customers and few of them match), then for each worker count starts Spark with `local[W]`
and screens them with `sanctions.spark.screen`, writing to Spark's `noop` sink so that only the
screening is timed (from the job's start to its end: shipping the index file, every worker
opening it, screening every row). The Spark session's start is not counted. The rows are
spread over one task per worker unless `--partitions` says otherwise: each worker's Python
process opens the index file once (it is shipped once, with `addFile`) and screens its share.
Prints queries per second per run, the range over `--repeat` runs, and the speed-up of the last
count over the first (median over median). Each run also prints the CPU time of Spark's
processes (the JVM, the Python workers) per row, and the load average: on a busy machine the
wall-time ratio is noise, while the CPU a row costs shows whether more workers cost more per row
(a ratio of 1.00: they do not; the speed-up on idle cores is then the worker count less the
driver's serial share). A short run (`--rows 50000`) gives that ratio in minutes. Needs the
`spark` extra and Java.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def customers(n: int, seed: int = 14) -> dict[str, list[str]]:
    people: list[list[str]] = []
    companies: list[str] = []
    with open(ROOT / "eval" / "customers.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["type"] == "person" and len(row["name"].split()) >= 2:
                people.append(row["name"].split())
            elif row["type"] == "organization":
                companies.append(row["name"])
    firsts = [p[0] for p in people]
    lasts = [p[-1] for p in people]
    rng = random.Random(seed)
    ids, names, types = [], [], []
    for i in range(n):
        ids.append(f"S{i:08d}")
        if rng.random() < 0.8:
            names.append(f"{rng.choice(firsts)} {rng.choice(lasts)}")
            types.append("person")
        else:
            names.append(f"{rng.choice(companies)} {rng.randint(1, 999)}")
            types.append("organization")
    return {"id": ids, "name": names, "type": types}


def _descendants_cpu() -> float:
    """CPU seconds of this process's descendants (the JVM, Spark's Python daemon and its
    workers), with the children each has waited for: what Spark itself spent, which a loaded
    machine does not change the way it changes the wall time."""
    ticks = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        parent[int(entry)] = int(fields[1])
        cpu[int(entry)] = sum(int(f) for f in fields[11:15]) / ticks  # utime stime cutime cstime
    me = os.getpid()
    total = 0.0
    for pid, seconds in cpu.items():
        up = parent.get(pid)
        while up not in (None, 0, 1, me):
            up = parent.get(up)
        if up == me:
            total += seconds
    return total


def run(rows: Path, db: Path, workers: int, partitions: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of Spark's processes) of one screening job."""
    from pyspark.sql import SparkSession

    from sanctions.spark import screen

    spark = (SparkSession.builder.master(f"local[{workers}]").appName(f"bench {workers}")
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        df = spark.read.parquet(str(rows))
        cpu = _descendants_cpu()
        start = time.perf_counter()
        screen(df, type_col="type", db=db, partitions=partitions).write.format("noop") \
            .mode("overwrite").save()
        return time.perf_counter() - start, _descendants_cpu() - cpu
    finally:
        spark.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=ROOT / "db" / "sanctions.db")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--partitions", type=int, default=0,
                        help="tasks per run (default 0: one per worker, as sanctions.spark "
                        "does by default)")
    args = parser.parse_args()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        rows = Path(tmp) / "customers.parquet"
        pd.DataFrame(customers(args.rows)).to_parquet(rows, row_group_size=50_000)
        print(f"{args.rows:,} synthetic customers, database {args.db}, {os.cpu_count()} cores",
              flush=True)
        medians, per_row = {}, {}
        for workers in args.workers:
            rates, costs = [], []
            for n in range(args.repeat):
                seconds, cpu = run(rows, args.db, workers, args.partitions or workers)
                rates.append(args.rows / seconds)
                costs.append(cpu / args.rows * 1000)
                print(f"local[{workers}] run {n + 1}: {seconds:.1f} s, {rates[-1]:,.0f} q/s; "
                      f"Spark's CPU {cpu:.1f} s ({costs[-1]:.3f} ms a row), load average "
                      f"{os.getloadavg()[0]:.1f}", flush=True)
            medians[workers] = statistics.median(rates)
            per_row[workers] = statistics.median(costs)
            print(f"local[{workers}]: {min(rates):,.0f}-{max(rates):,.0f} q/s "
                  f"(median {medians[workers]:,.0f}); CPU {min(costs):.3f}-{max(costs):.3f} ms "
                  "a row", flush=True)
        first, last = args.workers[0], args.workers[-1]
        if first != last:
            print(f"speed-up local[{last}] / local[{first}]: "
                  f"{medians[last] / medians[first]:.2f}x")
            # On a busy machine the wall-time ratio is noise; the CPU a row costs is not. If it
            # is the same with more workers, they do not get in each other's way, and on idle
            # cores the speed-up is the worker count less the driver's serial share.
            print(f"CPU a row local[{last}] / local[{first}]: "
                  f"{per_row[last] / per_row[first]:.2f} (1.00: no cost of running in parallel)")


if __name__ == "__main__":
    main()

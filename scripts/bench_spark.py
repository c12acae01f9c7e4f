"""Spark throughput in local mode with 1 and 2 workers, and the speed-up between them.

    python scripts/bench_spark.py [--rows 1000000] [--db db/sanctions.db] [--repeat 1]
                                  [--workers 1 2] [--partitions 0] [--cli-rows 10000]

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
driver's serial share), split into the JVM's and the Python workers'. First, `--cli-rows` of
the same rows are screened by the CLI's batch code in one process (`sanctions.batch.run_batch`,
what each Spark task runs): its CPU a row is what the rows' matching costs, so the Python
workers' figure less it is what the Spark wrapper adds (arrow, pandas, rows), and the JVM's is
Spark's own (like with like when `--cli-rows` is the rows a task screens: fewer rows see colder
token caches, so a higher CPU a row). A short run (`--rows 50000`) gives that ratio in
minutes. Needs the `spark` extra and Java.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
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


def _descendants_cpu() -> dict[str, float]:
    """CPU seconds of this process's descendants (the JVM, Spark's Python daemon and its
    workers), with the children each has waited for, by kind ("jvm", "python"): what Spark
    itself spent, which a loaded machine does not change the way it changes the wall time."""
    ticks = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    cpu: dict[int, float] = {}
    kind: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                comm, _, rest = fh.read().partition(" (")[2].rpartition(")")
        except OSError:
            continue  # gone meanwhile
        fields = rest.split()
        parent[int(entry)] = int(fields[1])
        cpu[int(entry)] = sum(int(f) for f in fields[11:15]) / ticks  # utime stime cutime cstime
        kind[int(entry)] = "jvm" if comm.startswith("java") else "python"
    me = os.getpid()
    total = {"jvm": 0.0, "python": 0.0}
    for pid, seconds in cpu.items():
        up = parent.get(pid)
        while up not in (None, 0, 1, me):
            up = parent.get(up)
        if up == me:
            total[kind[pid]] += seconds
    return total


def cli_reference(data: dict[str, list[str]], n: int, db: Path) -> float:
    """CPU ms a row of the CLI's batch code (sanctions.batch.run_batch, one process, as one
    Spark task runs it) on the first `n` of the same rows, in a fresh process: what the rows'
    matching costs, so that Spark's CPU a row less this is what Spark adds."""
    code = (
        "import sys, time, json\n"
        "from sanctions.batch import run_batch\n"
        "from sanctions.spark import _index, _index_file\n"
        "from pathlib import Path\n"
        "rows = json.loads(sys.stdin.read())\n"
        "path, build_id = _index_file(Path(sys.argv[1]))\n"
        "index = _index((str(path), False, build_id))\n"
        "start = time.process_time()\n"
        "for _ in run_batch(index, rows, {'limit': 10}, workers=1):\n"
        "    pass\n"
        "print(time.process_time() - start)\n")
    rows = [{"id": i, "name": m, "type": t}
            for i, m, t in zip(data["id"][:n], data["name"][:n], data["type"][:n], strict=True)]
    done = subprocess.run([sys.executable, "-c", code, str(db)], input=json.dumps(rows),
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return float(done.stdout.split()[-1]) / n * 1000


def run(rows: Path, db: Path, workers: int, partitions: int) -> tuple[float, dict[str, float]]:
    """(wall seconds, CPU seconds of Spark's processes by kind) of one screening job."""
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
        after = _descendants_cpu()
        return time.perf_counter() - start, {k: after[k] - cpu[k] for k in cpu}
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
    parser.add_argument("--cli-rows", type=int, default=10_000,
                        help="first screen this many of the rows with the CLI's batch code in "
                        "one process, for its CPU a row (0: not)")
    args = parser.parse_args()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        rows = Path(tmp) / "customers.parquet"
        data = customers(args.rows)
        pd.DataFrame(data).to_parquet(rows, row_group_size=50_000)
        print(f"{args.rows:,} synthetic customers, database {args.db}, {os.cpu_count()} cores",
              flush=True)
        if args.cli_rows:
            n = min(args.cli_rows, args.rows)
            print(f"CLI batch code on the first {n:,} rows, one process: "
                  f"{cli_reference(data, n, args.db):.3f} ms CPU a row (the matching; Spark's "
                  "Python workers should cost about this, the JVM is on top)", flush=True)
        medians, per_row = {}, {}
        for workers in args.workers:
            rates, costs = [], []
            for n in range(args.repeat):
                seconds, kinds = run(rows, args.db, workers, args.partitions or workers)
                cpu = sum(kinds.values())
                rates.append(args.rows / seconds)
                costs.append(cpu / args.rows * 1000)
                print(f"local[{workers}] run {n + 1}: {seconds:.1f} s, {rates[-1]:,.0f} q/s; "
                      f"Spark's CPU {cpu:.1f} s ({costs[-1]:.3f} ms a row: JVM "
                      f"{kinds['jvm'] / args.rows * 1000:.3f}, Python workers "
                      f"{kinds['python'] / args.rows * 1000:.3f}), load average "
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

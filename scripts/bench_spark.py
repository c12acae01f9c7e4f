"""Spark throughput in local mode with 1 and 2 workers, and the speed-up between them.

    python scripts/bench_spark.py [--rows 1000000] [--db db/sanctions.db] [--runs 1]
                                  [--workers 1 2] [--partitions 0] [--cli-rows 10000]

Writes N synthetic customers to a Parquet file (first and last names recombined from
eval/customers.csv, companies from its company names with a number: they look like a bank's
customers and few of them match), then for each worker count starts Spark with `local[W]`
and screens them with `sanctions.spark.screen`, writing to Spark's `noop` sink so that only the
screening is timed (from the job's start to its end: shipping the index file, every worker
opening it, screening every row). The Spark session's start is not counted. The rows are
dealt out as `sanctions.spark` does (`task_count`: several equal tasks a worker) unless
`--partitions` says otherwise: each worker's Python process opens the index file once (it is
shipped once, with `addFile`) and keeps it from task to task. Each run prints, per stage, from
Spark's event log: the task count, records and seconds a task (min/median/max) and how busy the
workers were over the stage, so a tail where one task runs on alone shows itself.
Prints queries per second per run, the range over `--runs` runs, and the speed-up of the last
count over the first (median over median). Each run also prints the CPU time of Spark's
processes (the JVM, the Python workers) per row, and the load average: on a busy machine the
wall-time ratio is noise, while the CPU a row costs shows whether more workers cost more per row
(a ratio of 1.00: they do not; the speed-up on idle cores is then the worker count less the
driver's serial share), split into the JVM's and the Python workers'. First, `--cli-rows` of
the same rows are screened by the CLI's batch code in one process (`sanctions.batch.run_batch`,
what each Spark task runs): its CPU a row is what the rows' matching costs, so the Python
workers' figure less it is what the Spark wrapper adds (arrow, pandas, rows), and the JVM's is
Spark's own (like with like when `--cli-rows` is the rows a task screens: fewer rows see colder
token caches, so a higher CPU a row). The last line turns the CPU figures into the speed-up to
expect on idle cores: local[1] is bound by its one Python worker (the JVM has the other core),
local[W] on all W cores by the whole CPU a row over W, as busy as the tasks kept them. A short
run (`--rows 50000`) gives these in minutes. The Python processes' CPU is sampled while the job
runs: Spark's daemon ignores SIGCHLD, so a worker that exits leaves its CPU in no parent's
count (last session's local[2] figure missed one). Needs the `spark` extra and Java.
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
import threading
import time
from pathlib import Path
from typing import Any

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


class CpuSampler:
    """CPU seconds of this process's descendants (the JVM, Spark's Python daemon and workers)
    by kind, sampled from /proc every `every` seconds while a job runs. Sampled rather than read
    once at the end: Spark's Python daemon ignores SIGCHLD, so a worker that exits (the JVM
    stops one that idles for a minute) is reaped by the kernel and its CPU is in no parent's
    `cutime`; a snapshot at the end missed it (last session's local[2] CPU a row, 1.151 ms
    against 1.744 at local[1]). A pid's last sample counts: at most `every` s of one is lost."""

    def __init__(self, every: float = 0.5) -> None:
        self.every = every
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> CpuSampler:
        self.first = {pid: seconds for pid, (_, seconds) in _descendants().items()}
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    def _sample(self) -> None:
        self.last.update(_descendants())

    def processes(self, kind: str) -> int:
        """How many processes of `kind` ran (the Python daemon and each worker it forked)."""
        return sum(1 for k, _ in self.last.values() if k == kind)

    def by_kind(self) -> dict[str, float]:
        total = {"jvm": 0.0, "python": 0.0}
        for pid, (kind, seconds) in self.last.items():
            total[kind] += seconds - self.first.get(pid, 0.0)
        return total


def _descendants() -> dict[int, tuple[str, float]]:
    """pid -> (kind, own CPU seconds: utime + stime) of this process's descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    found: dict[int, tuple[str, float]] = {}
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
        found[int(entry)] = ("jvm" if comm.startswith("java") else "python",
                             (int(fields[11]) + int(fields[12])) / ticks)
    me = os.getpid()
    mine = {}
    for pid, value in found.items():
        up = parent.get(pid)
        while up not in (None, 0, 1, me):
            up = parent.get(up)
        if up == me:
            mine[pid] = value
    return mine


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


def run(rows: Path, db: Path, workers: int, partitions: int | None,
        log_dir: Path) -> tuple[float, dict[str, float], list[dict[str, Any]], int]:
    """(wall seconds, CPU seconds of Spark's processes by kind, the job's tasks from Spark's
    event log, how many Python processes ran) of one screening job."""
    from pyspark.sql import SparkSession

    from sanctions.spark import screen

    log_dir.mkdir(parents=True, exist_ok=True)
    spark = (SparkSession.builder.master(f"local[{workers}]").appName(f"bench {workers}")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.ui.enabled", "false")  # no web server (on every interface)
             .config("spark.eventLog.enabled", "true")
             .config("spark.eventLog.dir", log_dir.as_uri())
             # one plain JSON-lines file (Spark 4 rolls and compresses it by default)
             .config("spark.eventLog.rolling.enabled", "false")
             .config("spark.eventLog.compress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        app = spark.sparkContext.applicationId
        df = spark.read.parquet(str(rows))
        with CpuSampler() as cpu:
            start = time.perf_counter()
            screen(df, type_col="type", db=db, partitions=partitions).write.format("noop") \
                .mode("overwrite").save()
            seconds = time.perf_counter() - start
    finally:
        spark.stop()  # writes out the event log
    return seconds, cpu.by_kind(), read_tasks(log_dir, app), cpu.processes("python")


def read_tasks(log_dir: Path, app: str) -> list[dict[str, Any]]:
    """Every finished task of the application, from its event log (written by Spark as JSON
    lines; complete once the session has stopped): stage, stage name, launch and finish
    (ms), records in (input or shuffle read), run time and the JVM's CPU (ms)."""
    logs = [p for p in log_dir.rglob(f"*{app}*") if p.is_file() and "status" not in p.name]
    tasks = []
    for line in logs[0].read_text(encoding="utf-8").splitlines() if logs else []:
        event = json.loads(line)
        kind = event.get("Event")
        if kind == "SparkListenerTaskEnd" and event.get("Task Metrics"):
            info, metrics = event["Task Info"], event["Task Metrics"]
            read = metrics.get("Input Metrics", {}).get("Records Read", 0)
            dealt = metrics.get("Shuffle Read Metrics", {}).get("Total Records Read", 0)
            tasks.append({"stage": event["Stage ID"], "launch": info["Launch Time"],
                          "finish": info["Finish Time"], "records": read + dealt,
                          "what": ("screens the dealt rows" if dealt else "reads the file"
                                   if read else "no rows: Spark's own set-up"),
                          "run_ms": metrics["Executor Run Time"],
                          "jvm_cpu_ms": metrics["Executor CPU Time"] / 1e6})
    return tasks


def screening_busy(tasks: list[dict[str, Any]], workers: int) -> float:
    """How busy the workers were over the screening stage: its task seconds over its span
    times the workers."""
    mine = [t for t in tasks if t["what"] == "screens the dealt rows"] or tasks
    span = (max(t["finish"] for t in mine) - min(t["launch"] for t in mine)) / 1000
    work = sum(t["finish"] - t["launch"] for t in mine) / 1000
    return min(1.0, work / (span * workers)) if span else 1.0


def balance(tasks: list[dict[str, Any]], workers: int) -> list[str]:
    """Per stage: tasks, records a task and seconds a task (min / median / max), how busy the
    workers were over the stage (task seconds / (stage span x workers)): a stage where one task
    runs on alone at the end shows as a low share and a wide task spread; and the JVM task
    threads' CPU a record (Spark's own work on a row; the Python workers' is not in it)."""
    lines = []
    for stage in sorted({t["stage"] for t in tasks}):
        mine = [t for t in tasks if t["stage"] == stage]
        secs = sorted((t["finish"] - t["launch"]) / 1000 for t in mine)
        recs = sorted(t["records"] for t in mine)
        span = (max(t["finish"] for t in mine) - min(t["launch"] for t in mine)) / 1000
        busy = min(1.0, sum(secs) / (span * workers)) if span else 1.0
        jvm = sum(t["jvm_cpu_ms"] for t in mine) / sum(recs) if sum(recs) else 0.0
        lines.append(
            f"  stage {stage} ({mine[0]['what']}): {len(mine)} tasks, span {span:.1f} s, "
            f"workers busy {busy:.0%}; records a task {recs[0]:,}/{statistics.median(recs):,.0f}"
            f"/{recs[-1]:,}; seconds a task {secs[0]:.1f}/{statistics.median(secs):.1f}/"
            f"{secs[-1]:.1f} (min/median/max); JVM task CPU {jvm:.4f} ms a record")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=ROOT / "db" / "sanctions.db")
    parser.add_argument("--runs", "--repeat", dest="runs", type=int, default=1,
                        help="runs per worker count")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--partitions", type=int, default=0,
                        help="tasks per run (default 0: sanctions.spark's own choice, "
                        "task_count: TASKS_PER_CORE a worker)")
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
        medians: dict[int, float] = {}
        per_row: dict[int, float] = {}
        python: dict[int, list[float]] = {}  # the Python workers' CPU a row, per run
        busy: dict[int, list[float]] = {}  # how busy the screening kept the workers, per run
        for workers in args.workers:
            rates, costs = [], []
            for n in range(args.runs):
                seconds, kinds, tasks, pythons = run(
                    rows, args.db, workers, args.partitions or None,
                    Path(tmp) / f"events-{workers}-{n}")
                cpu = sum(kinds.values())
                rates.append(args.rows / seconds)
                costs.append(cpu / args.rows * 1000)
                print(f"local[{workers}] run {n + 1}: {seconds:.1f} s, {rates[-1]:,.0f} q/s; "
                      f"Spark's CPU {cpu:.1f} s ({costs[-1]:.3f} ms a row: JVM "
                      f"{kinds['jvm'] / args.rows * 1000:.3f}, Python workers "
                      f"{kinds['python'] / args.rows * 1000:.3f} in {pythons} processes), "
                      "load average "
                      f"{os.getloadavg()[0]:.1f}", flush=True)
                print("\n".join(balance(tasks, workers)), flush=True)
                python.setdefault(workers, []).append(kinds["python"] / args.rows * 1000)
                busy.setdefault(workers, []).append(screening_busy(tasks, workers))
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
            if first == 1 and last == os.cpu_count():
                # local[1]'s one Python worker is its bottleneck (the JVM has the other cores);
                # local[W] on every core is bound by all the CPU a row over W cores, as busy as
                # the tasks kept them: what the wall-time ratio is on otherwise idle cores
                one = statistics.median(python[1])
                every = per_row[last] / (
                    last * statistics.median(busy[last]))
                print(f"expected on idle cores from these CPU figures: {one / every:.2f}x "
                      f"(local[1]'s Python {one:.3f} ms a row; local[{last}]'s CPU a row / "
                      f"({last} cores x {statistics.median(busy[last]):.0%} busy) = "
                      f"{every:.3f} ms)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""The scale series: the bundled lists multiplied 1x, 5x, 30x, and what each size costs.

    python scripts/bench_scale.py [--db db/sanctions.db] [--sizes 1,5,30] [--queries 2000]
                                  [--workers 2] [--out /tmp/sanctions-scale] [--runs 1]
                                  [--reuse]

Size k is the built database plus k - 1 synthetic copies of every entity and name: copy c
of an entity gets the id `<id>~c` and each word of 4+ letters of its names one letter changed
(the same change for the same word and copy), so the vocabulary grows with the list as it does
in real collections, not only the postings. The original entities stay as they are, so the
headline cases (Tren de Aragua, Nicolás Maduro, IMO 9323596) must still come first.

Per size, printed on one line:
- db: seconds to write the multiplied database (a stand-in for parsing: not `sanctions build`);
- index: seconds to build the index and write its file as `build` does, neighbour table
  included (what `build` adds for it), and of them the file write alone, with the CPU
  seconds of both (of this process and any helper it forks);
- open: seconds to open the index file in a fresh process, imports done (median of 3);
- rss: resident memory of that process after opening it and after the single queries;
- single p50/p95: `screen_query` latency over 300 queries (listed names, half with a swap of
  two letters, and made-up names), each process's token cache cold; with the CPU time of the
  same queries (on a loaded machine the wall time is mostly waiting for a core);
- batch: queries/s of `screen_many` over --queries rows on --workers processes, and the
  largest worker's peak RSS;
- headline: whether the three headline cases come first.
`--runs N` measures each size N times (each in a fresh process); `--reuse` keeps a multiplied
database and its index file from an earlier run (no db/index figures then).
The machine this runs on may be loaded: run it quiet for figures to quote, and repeat.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
HEADLINES = {"Tren de Aragua": "ofac_sdn:49756", "Nicolás Maduro": "ofac_sdn:22790",
             "IMO 9323596": "ofac_sdn:56706"}
LETTERS = "abcdefghiklmnoprstuvyz"


def variant(name: str, copy: int) -> str:
    """The name with one letter of each 4+ letter word changed, the same way per copy."""
    words = []
    for w in name.split(" "):
        if len(w) >= 4 and w.isalpha():
            h = zlib.crc32(f"{w.lower()}/{copy}".encode())
            i = 1 + h % (len(w) - 2)
            c = LETTERS[(h >> 8) % len(LETTERS)]
            w = w[:i] + (c.upper() if w[i].isupper() else c) + w[i + 1:]
        words.append(w)
    return " ".join(words)


def multiply(src: Path, dest: Path, k: int) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, dest)
    conn = sqlite3.connect(dest)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    # triggers (full-text search) would only slow this down: the index does not read them
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                ).fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    cols = [r[1] for r in conn.execute("PRAGMA table_info(entities)")]
    ents = conn.execute(f"SELECT {', '.join(cols)} FROM entities").fetchall()
    names = conn.execute("SELECT entity_id, kind, name, normalized, quality FROM names"
                         ).fetchall()
    id_at, name_at = cols.index("id"), cols.index("name")
    sid_at = cols.index("source_id")
    marks = ", ".join("?" * len(cols))
    for c in range(2, k + 1):
        conn.executemany(f"INSERT INTO entities ({', '.join(cols)}) VALUES ({marks})", (
            tuple(f"{v}~{c}" if i in (id_at, sid_at) else variant(v, c) if i == name_at
                  else v for i, v in enumerate(row)) for row in ents))
        conn.executemany(
            "INSERT INTO names (entity_id, kind, name, normalized, quality) VALUES (?,?,?,?,?)",
            ((f"{e}~{c}", kind, variant(n, c), norm, q) for e, kind, n, norm, q in names))
    conn.execute("DELETE FROM build_info WHERE key = 'build_id'")
    conn.execute("INSERT INTO build_info VALUES ('build_id', ?)", (uuid.uuid4().hex,))
    conn.commit()
    conn.close()


def measure(db: Path, queries: int, workers: int) -> dict[str, object]:
    """In a fresh process: open, memory, single-query latency, batch throughput."""
    from bench_screen import sample_queries

    from sanctions.screening import make_query, screen_many, screen_query
    from sanctions.store.index import load_index

    def rss_mb() -> float:
        with open("/proc/self/status") as f:
            return next(int(x.split()[1]) for x in f if x.startswith("VmRSS:")) / 1024

    t = time.perf_counter()
    index = load_index(db)
    opened = time.perf_counter() - t
    rss_open = rss_mb()
    sample = sample_queries(db, queries)
    times, cpu = [], []
    for q in sample[:300]:
        t, c = time.perf_counter(), time.process_time()
        screen_query(index, make_query({"name": q}), limit=10)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    times.sort()
    cpu.sort()
    headline = all(screen_query(index, make_query({"name": n}), limit=1)[0]["entity_id"] == e
                   for n, e in HEADLINES.items())
    rss_single = rss_mb()
    rows = [{"id": str(i), "name": q} for i, q in enumerate(sample)]
    t = time.perf_counter()
    n = sum(1 for _ in screen_many(rows, db=db, workers=workers))
    batch = n / (time.perf_counter() - t)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"open": opened, "rss_open": rss_open, "rss_single": rss_single,
            "p50": statistics.median(times), "p95": times[int(len(times) * 0.95)],
            "cpu_p50": statistics.median(cpu), "cpu_p95": cpu[int(len(cpu) * 0.95)],
            "batch": batch, "worker_rss": kids, "headline": headline,
            "names": len(index.names), "vocabulary": len(index.vocab_list)}


def open_seconds(db: Path) -> float:
    code = ("import time, sys; from sanctions.store.index import load_index; "
            "t = time.perf_counter(); i = load_index(sys.argv[1]); print(time.perf_counter() - t)")
    return float(subprocess.run([sys.executable, "-c", code, str(db)], check=True,
                                capture_output=True, text=True).stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, default=ROOT / "db" / "sanctions.db")
    ap.add_argument("--sizes", default="1,5,30")
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path("/tmp/sanctions-scale"))
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.queries, args.workers)))
        return
    for k in (int(s) for s in args.sizes.split(",")):
        db = args.out / f"x{k}" / "sanctions.db"
        made = written = ""
        if not (args.reuse and db.exists()):
            t = time.perf_counter()
            multiply(args.db, db, k)
            made = f" | db {time.perf_counter() - t:5.1f} s"
        if made or not index_ok(db):
            written = index_once(db)
        for _ in range(args.runs):
            report(k, db, args, made + written)


def index_ok(db: Path) -> bool:
    """Whether the database's index file is there and of this code (else it is rewritten)."""
    from sanctions.store.index import read_build_id
    from sanctions.store.index_file import IndexFileError, open_index_file
    from sanctions.store.index_write import index_path

    with sqlite3.connect(db) as conn:
        build_id = read_build_id(conn)
    try:
        open_index_file(index_path(db, str(build_id)), build_id)
    except IndexFileError:
        return False
    return True


def index_once(db: Path) -> str:
    """Build the index of `db` in memory and write its file, as `build` does; the times."""
    from sanctions.store.index import _write, build_index
    from sanctions.store.index_write import remove_other_index_files

    with sqlite3.connect(db) as conn:
        build_id = conn.execute("SELECT value FROM build_info WHERE key = 'build_id'"
                                ).fetchone()[0]
    t, c = time.perf_counter(), _cpu()
    index = build_index(db)
    t2, c2 = time.perf_counter(), _cpu()
    # as `build` writes it: with the neighbour table, made on every core
    remove_other_index_files(db, keep=_write(index, db, build_id, os.cpu_count() or 1))
    t3, c3 = time.perf_counter(), _cpu()
    return (f" | index {t3 - t:6.1f} s (file {t3 - t2:.1f} s; CPU {c3 - c:.0f} s, file "
            f"{c3 - c2:.0f} s)")


def _cpu() -> float:
    """CPU seconds of this process and its finished children, user and system."""
    own, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF,
                                                  resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def report(k: int, db: Path, args: argparse.Namespace, made: str) -> None:
    opens = sorted(open_seconds(db) for _ in range(3))
    m = json.loads(subprocess.run(
        [sys.executable, __file__, "--measure", str(db), "--queries", str(args.queries),
         "--workers", str(args.workers)], check=True, capture_output=True, text=True
    ).stdout.strip().splitlines()[-1])
    print(f"{k:>3}x {m['names']:>9,} names {m['vocabulary']:>8,} tokens{made}"
          f" | open {opens[1]:.2f} s ({opens[0]:.2f}-{opens[2]:.2f})"
          f" | rss {m['rss_open']:.0f} MB open, {m['rss_single']:.0f} MB after queries"
          f" | single p50 {m['p50']:.1f} ms p95 {m['p95']:.1f} ms (CPU {m['cpu_p50']:.1f} /"
          f" {m['cpu_p95']:.1f} ms)"
          f" | batch {m['batch']:,.0f} q/s ({args.workers} workers, largest"
          f" {m['worker_rss']:.0f} MB) | headline first: {m['headline']}", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Report on cross-list linking in a built database.

    python scripts/link_report.py [--db db/sanctions.db] [--sample 15]

Prints links by reason, links between which sources, the cluster size distribution, the time
linking takes on this database, and a sample of the least confident links to review.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from sanctions.ingest.link import link_and_count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", type=Path, default=Path("db/sanctions.db"))
    ap.add_argument("--sample", type=int, default=15)
    args = ap.parse_args()
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)

    print("links by reason:")
    for reason, n, conf in conn.execute(
        "SELECT reason, count(*), max(confidence) FROM links GROUP BY reason ORDER BY 3 DESC"
    ):
        print(f"  {reason:28} {n:6,}  (confidence {conf:.2f})")
    print("links by source pair:")
    for a, b, n in conn.execute(
        "SELECT ea.source, eb.source, count(*) FROM links l JOIN entities ea ON ea.id = l.entity_a"
        " JOIN entities eb ON eb.id = l.entity_b GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 20"
    ):
        print(f"  {a:14} - {b:14} {n:6,}")
    print("cluster sizes (records per cluster: clusters):")
    for size, n in conn.execute(
        "SELECT size, count(DISTINCT cluster_id) FROM clusters GROUP BY size ORDER BY size"
    ):
        print(f"  {size:3}: {n:6,}")
    print(f"least confident links (sample of {args.sample}):")
    for a, na, b, nb, reason, detail in conn.execute(
        "SELECT l.entity_a, ea.name, l.entity_b, eb.name, reason, detail FROM links l"
        " JOIN entities ea ON ea.id = l.entity_a JOIN entities eb ON eb.id = l.entity_b"
        " ORDER BY confidence, abs(random()) % 1000 LIMIT ?", (args.sample,)
    ):
        print(f"  {a} {na!r} = {b} {nb!r}  [{reason}: {detail}]")
    conn.close()

    with tempfile.TemporaryDirectory() as tmp:  # time linking alone on a copy without links
        copy = Path(tmp) / "copy.db"
        shutil.copy(args.db, copy)
        work = sqlite3.connect(copy)
        work.executescript("DROP TABLE IF EXISTS links; DROP TABLE IF EXISTS clusters;")
        start = time.perf_counter()
        counts = link_and_count(work)
        print(f"linking time on this database: {time.perf_counter() - start:.2f} s")
        refused = {k: v for k, v in counts.items() if k.startswith("refused")}
        print(f"links refused for conflicting evidence: {refused}")
        work.close()


if __name__ == "__main__":
    main()
